"""Structure and form: sections, template, printed numbering, empty sections, year, 信息处理费, publication
deadline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from parser.agency import KIND_TITLES, agency_kind, legal_deadline
from parser.model import OTHER_SUBROWS, OUTCOME_ROWS, SECTION_KEYS, SECTION_TITLES, TABLE_SECTIONS, Report
from parser.textutil import cn_to_int, nfkc
from parser.validate import Hit, rule
from parser.validate.arithmetic import row_label

TABLE_NAMES = {"active": "表二", "applications": "表三", "review_litigation": "表四"}
CN_NUMERALS = "一二三四五六七八九十"

# Table 3 rows: the numbers the template prints before each label. A leaf that opens its group may
# carry the group's number instead (「（三）不予公开 1.属于国家秘密」), and 予以公开 the 「三、」 of its block.
ROW_NUMBERS: dict[str, tuple[str, tuple[int, ...]]] = {
    "new_received": ("一、", (1,)),
    "carried_over": ("二、", (2,)),
    "granted": ("（一）", (1, 3)),
    "partially_granted": ("（二）", (2,)),
    "other": ("（六）", (6,)),
    "total_processed": ("（七）", (7,)),
    "carried_forward": ("四、", (4,)),
}
_GROUP_FIRST = {
    "denied_state_secret": 3,
    "unavailable_not_held": 4,
    "not_processed_complaint": 5,
    "other_no_correction": 6,
}
# table 3's leaf rows under （三）–（六）, in template order: numbered 1., 2. … within their group
_LEAVES = tuple(k for k in OUTCOME_ROWS if k not in ("granted", "partially_granted", "other"))


def _leaf_numbers() -> dict[str, tuple[str, tuple[int, ...]]]:
    out, n = {}, 0
    for key in _LEAVES:
        n = 1 if key in _GROUP_FIRST else n + 1
        out[key] = (f"{n}.", (n, _GROUP_FIRST[key]) if key in _GROUP_FIRST else (n,))
    return out


ROW_NUMBERS.update(_leaf_numbers())


def number_value(printed: str) -> int | None:
    m = re.search(rf"[{CN_NUMERALS}]+|\d+", nfkc(printed))
    return cn_to_int(m.group(0)) if m else None


def section_name(key: str | None) -> str:
    return f"「{SECTION_TITLES[key]}」" if key in SECTION_TITLES else "正文"


@rule("STRUCT-MISSING", "error")
def struct_missing(report: Report) -> Iterator[Hit]:
    for key in SECTION_KEYS:
        table = getattr(report, key, None) if key in TABLE_SECTIONS else None
        if key not in report.sections:
            if key in TABLE_SECTIONS and table is not None:
                continue  # the heading was lost but its table is there
            extra = f"（含{TABLE_NAMES[key]}）" if key in TABLE_SECTIONS else ""
            yield Hit(
                key, f"报告缺少第{CN_NUMERALS[SECTION_KEYS.index(key)]}部分{section_name(key)}{extra}。"
            )
        elif key in TABLE_SECTIONS and table is None:
            src = report.sources.get(f"section.{key}")
            yield Hit(
                key,
                f"{section_name(key)}部分没有{TABLE_NAMES[key]}统计表格（或表格无法识别）。",
                src.page if src else None,
                src.quote if src else None,
            )


@rule("STRUCT-TEMPLATE", "warning")
def struct_template(report: Report) -> Iterator[Hit]:
    if (
        report.year is not None
        and report.year >= 2021
        and (report.template == "2019" or report.cites_2019_notice)
    ):
        what = "使用 2019 年版格式" if report.template == "2019" else "引用已废止的国办公开办函〔2019〕60号"
        yield Hit(
            "template",
            f"{report.year} 年度报告{what}；2021 年起应按国办公开办函〔2021〕30号规定的新格式编制。",
        )
    apps = report.applications
    if (
        report.template == "2021"
        and apps is not None
        and apps.other is not None
        and all(getattr(apps, k) is None for k in OTHER_SUBROWS)
    ):
        src = report.sources.get("applications.other")
        yield Hit(
            "applications.other",
            "表三「（六）其他处理」只印了一行；2021 年版格式应分为三项：1.申请人无正当理由逾期不补正、"
            "2.申请人逾期未按收费通知要求缴纳费用、3.其他。",
            src.page if src else None,
            src.quote if src else None,
        )


@rule("STRUCT-NUMBERING", "warning")
def struct_numbering(report: Report) -> Iterator[Hit]:
    for key, src in report.sources.items():
        if not src.printed_number:
            continue
        value = number_value(src.printed_number)
        if value is None:
            continue
        if key.startswith("section."):
            section = key.removeprefix("section.")
            if section not in SECTION_KEYS:
                continue
            n = SECTION_KEYS.index(section) + 1
            # sections renumbered because an earlier one is missing: part of that STRUCT-MISSING finding
            renumbered = n - sum(1 for key in SECTION_KEYS[: n - 1] if key not in report.sections)
            if value not in (n, renumbered):
                yield Hit(
                    section,
                    f"{section_name(section)}的标题编号印为“{src.printed_number}”，"
                    f"按模板应为“{CN_NUMERALS[n - 1]}、”。",
                    src.page,
                    src.quote,
                )
        elif key.startswith("applications."):
            row = key.removeprefix("applications.")
            if row not in ROW_NUMBERS:
                continue
            expected, allowed = ROW_NUMBERS[row]
            if value not in allowed:
                label = row_label(row).split(" ")[-1].lstrip("一二三四五六七八九十、（）.0123456789")
                yield Hit(
                    key,
                    f"表三「{label}」行前的编号印为“{src.printed_number}”，按模板应为“{expected}”。",
                    src.page,
                    src.quote,
                )


# A section that must say something: 一 describes the year's work, 五 the problems and their remedies
_EMPTY_SECTIONS = {
    "overview": "应概述本年度政府信息公开工作的总体情况",
    "problems": "应写明存在的主要问题及改进情况",
}
_NOTHING = re.compile(r"^(?:无|暂无|没有|本年度无|本年无)?$")
EMPTY_CHARS = 20


def says_nothing(text: str) -> bool:
    """No text, only 「无」「暂无」, or one sentence of under 20 characters."""
    plain = re.sub(r"\s+", "", nfkc(text))
    bare = re.sub(r"[\W_]+", "", plain)
    if _NOTHING.match(bare):
        return True
    sentences = [s for s in re.split(r"[。！？!?；;]", plain) if re.sub(r"[\W_]+", "", s)]
    return len(sentences) <= 1 and len(plain) < EMPTY_CHARS


@rule("STRUCT-EMPTY", "warning")
def struct_empty(report: Report) -> Iterator[Hit]:
    for key, wanted in _EMPTY_SECTIONS.items():
        if key not in report.sections:
            continue  # a missing section is STRUCT-MISSING's
        text = report.section_text(key)
        if not says_nothing(text):
            continue
        src = report.sources.get(f"section.{key}")
        said = f"只写了“{' '.join(text.split())}”" if text.strip() else "没有内容"
        yield Hit(
            key,
            f"{section_name(key)}部分{said}；年度报告格式要求该部分{wanted}。",
            src.page if src else None,
            src.quote if src else None,
        )


@rule("STRUCT-YEAR", "warning")
def struct_year(report: Report) -> Iterator[Hit]:
    year = report.year
    if year is None:
        return
    problems = []
    if report.period and (report.period[0].year != year or report.period[1].year != year):
        start, end = report.period
        problems.append(f"统计期限为 {start:%Y年%-m月%-d日}至{end:%Y年%-m月%-d日}")
    if report.title_year is not None and report.title_year != year:
        problems.append(f"标题写的是 {report.title_year} 年")
    if problems:
        yield Hit("year", f"报告年度为 {year} 年，但{'，'.join(problems)}，与报告年度不一致。")


# Table 2's 行政事业性收费 row names fees the agency charges for its services: no word on requests;
_SERVICE_FEES = re.compile(r"行政事业性收费|经费")  # 经费: the office's budget, not a charge
# a statement on charging, whatever its words: 信息处理费, 未收取任何费用, 不收费, 没有收取费用, 免费…
_FEE_WORDS = re.compile(
    r"处理费|(?:未|没有|没|不|无|免|均未|并未)\s*(?:收取|收缴|收|产生|涉及)?[^，,。；;]{0,8}?费"
    r"|收费|收取[^，,。；;]{0,10}?费|费用"
)
_REQUESTS = re.compile(r"申请|依申请|信息公开|政府信息|处理费")
_PLAIN_NO_FEE = re.compile(
    r"(?:未|没有|没|不|均未|并未)\s*(?:收取|收缴|收)[^，,。；;]{0,6}?(?:费用|费)|免费|不收费"
)


def states_fee(text: str) -> bool:
    """Whether `text` says if fees were charged for handling information requests, however worded."""
    for sentence in re.split(r"[。！？!?\n]", nfkc(text)):
        sentence = _SERVICE_FEES.sub("", sentence)
        if not _FEE_WORDS.search(sentence):
            continue
        # 「本年度未收取任何费用」 needs no subject in section 六; a mere 「收费」 must be about requests
        if "处理费" in sentence or _PLAIN_NO_FEE.search(sentence) or _REQUESTS.search(sentence):
            return True
    return False


@rule("STRUCT-FEE", "warning")
def struct_fee(report: Report) -> Iterator[Hit]:
    if report.template != "2021" or "other_matters" not in report.sections:
        return
    # the text after table 4: a fee statement may stand in 五 or 六 (or under table 4 itself)
    after = "\n".join(report.section_text(key) for key in ("review_litigation", "problems", "other_matters"))
    if states_fee(after):
        return
    src = report.sources.get("section.other_matters")
    yield Hit(
        "other_matters",
        "「六、其他需要报告的事项」未说明信息处理费的收取情况（2021 年版格式要求写明"
        "本年度是否收取、收取多少信息处理费）。",
        src.page if src else None,
    )


# ---- DEADLINE-LATE ----


def deadline(agency: str | None, year: int) -> tuple[date, str] | None:
    """The last day to publish a report for `year`, and the kind of agency it follows from; None when unknown."""
    kind = agency_kind(agency)
    if kind is None:
        return None
    return legal_deadline(kind, year), KIND_TITLES[kind]


@rule("DEADLINE-LATE", "warning")
def deadline_late(report: Report) -> Iterator[Hit]:
    if report.published is None or report.year is None:
        return
    found = deadline(report.agency, report.year)
    if found is None:
        return
    last, kind = found
    if report.published > last:
        yield Hit(
            "published",
            f"落款日期 {report.published:%Y年%-m月%-d日} 晚于公布期限：{kind}的 {report.year} "
            f"年度报告应于 {last:%Y年%-m月%-d日} 前公布。",
        )
