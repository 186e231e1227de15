"""What a test report contains: agency, dates, table values (the real model classes) and how it is printed.

The tables in a `ReportSpec` are the truth; every builder prints them, and `expected_json` says what
`nianbao check --json` must read back. Printing quirks (`Variations`) never change the truth: a cell
printed blank or `/` is `None` in the model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from parser.model import (
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    OUTCOME_COLUMNS,
    SECTION_KEYS,
    Active2019,
    Active2021,
    ApplicantCounts,
    Applications,
    OutcomeCounts,
    Report,
    ReviewLitigation,
)

# Agencies of varied kinds with the short name the spec's rule gives (report-model.md, Metadata).
AGENCIES: dict[str, str] = {
    "银川市兴庆区掌政镇人民政府": "掌政镇",
    "沙坡头区兴仁镇": "兴仁镇",
    "银川市金凤区满城北街街道办事处": "满城北街街道",
    "永宁县人民政府": "永宁县",
    "银川市西夏区教育局": "西夏区教育局",
    "中卫市人民政府办公室": "中卫市人民政府办公室",
    "西夏区人民政府办公室": "西夏区人民政府办公室",
    "淮安市人民政府": "淮安市",
}

LONG_HEADINGS = {
    "overview": "总体情况",
    "active": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other_matters": "其他需要报告的事项",
}
SHORT_HEADINGS = {
    **LONG_HEADINGS,
    "active": "主动公开情况",
    "review_litigation": "行政复议、行政诉讼情况",
    "problems": "存在的问题及改进情况",
}
NUMERALS = "一二三四五六"


@dataclass(frozen=True)
class Variations:
    """How the report is printed. Defaults are the national template, cleanly typeset."""

    heading_sep: str = "、"  # 一、 / 一． / 一.
    short_headings: bool = False  # 二、主动公开情况 instead of 二、主动公开政府信息情况
    split_heading: str | None = None  # a section key whose heading is printed over two lines
    title_one_line: bool = False  # agency and 「YYYY年政府信息公开工作年度报告」 on one line
    title: tuple[str, ...] | None = None  # the title's lines as printed instead (() prints none)
    browser_print: bool = False  # printed from a browser: date and page title above, URL and 「1/3」 below
    col_widths: str = "standard"  # standard | narrow | wide (label columns of table 3)
    borders: bool = True
    null_mark: str = ""  # how a None cell is printed: "" (blank) or "/"
    page_break_table3: bool = False  # table 3 continues on a new page
    misspelt_label: bool = False  # 2.其他法律行政止公开
    missing_numbering: bool = False  # 本年新收… without 一、, （七）总计 → 总计
    wrong_numbering: bool = False  # 七、结转下年度继续办理
    font: str = "仿宋_GB2312"
    # 2019 table 2's 本年增/减: "plain" -1 / 1, "fullwidth" －1 / 1, "signed" -1 / +1, "words" 减少1 / 增加1
    change_style: str = "plain"
    title_style: str = (
        "standard"  # standard | no_gongzuo (…政府信息公开年度报告) | split_year (…2024年 / 政府信息…)
    )
    fee_wording: int = 0  # which of FEE_STATEMENTS section 六 uses (2021): all say no fee was charged
    problems_wording: int = 0  # which of PROBLEMS section 五 uses (years of one agency differ)
    prose_table2: bool = False  # section 一 states table 2's figures (制发/废止/现行有效, 许可/处罚/强制)
    all_closed: bool = False  # section 一 says 「均已办结」 (true only when nothing is carried forward)


@dataclass
class ReportSpec:
    name: str  # test id
    agency: str
    agency_short: str
    year: int
    template: str  # "2021" | "2019"
    active: Active2021 | Active2019 = field(repr=False)
    applications: Applications = field(repr=False)
    review_litigation: ReviewLitigation = field(repr=False)
    published: date | None = None
    period: tuple[date, date] | None = None
    variations: Variations = field(default_factory=Variations)
    prose: dict[str, list[str]] = field(
        default_factory=dict, repr=False
    )  # overrides of default_prose per section
    omitted: tuple[
        str, ...
    ] = ()  # sections left out (an error); the later ones are renumbered when `renumber`
    renumber: bool = True

    def paragraphs(self, section: str) -> list[str]:
        return self.prose.get(section) or default_prose(self, section)

    def present(self) -> list[str]:
        return [k for k in SECTION_KEYS if k not in self.omitted]

    def heading(self, section: str) -> str:
        names = SHORT_HEADINGS if self.variations.short_headings else LONG_HEADINGS
        index = self.present().index(section) if self.renumber else SECTION_KEYS.index(section)
        return NUMERALS[index] + self.variations.heading_sep + names[section]

    def title(self) -> list[str]:
        """The title's lines as printed (`Variations.title`, when given, prints as it says; () prints none)."""
        if self.variations.title is not None:
            return list(self.variations.title)
        words = (
            "政府信息公开年度报告"
            if self.variations.title_style == "no_gongzuo"
            else "政府信息公开工作年度报告"
        )
        if self.variations.title_one_line:
            return [f"{self.agency}{self.year}年{words}"]
        if self.variations.title_style == "split_year":
            return [f"{self.agency}{self.year}年", words]
        return [self.agency, f"{self.year}年{words}"]


# ---------------------------------------------------------------- values


def _n(v: int | float | None) -> int | float:
    return v or 0


def random_values(
    seed: int,
    template: str,
    *,
    scale: str | None = None,
    blanks: bool = False,
    other_single_row: bool = False,
) -> tuple[Active2021 | Active2019, Applications, ReviewLitigation]:
    """Internally consistent tables: row totals, the balance new + carried_over = processed + carried_forward
    per column, outcome leaves summing to （七）总计, litigation totals.

    `scale` tiny|small|medium|large (default: drawn from the seed). `blanks` turns some zero cells into
    None (printed blank or `/`). `other_single_row` prints （六）其他处理 as one row in a 2021 report."""
    rng = random.Random(f"{seed}/{template}")
    scale = scale or rng.choice(["tiny", "small", "medium", "large"])
    top = {"tiny": 6, "small": 40, "medium": 400, "large": 3500}[scale]
    apps = _applications(rng, template, top)
    if template == "2021" and other_single_row:
        apps = _collapse_other(apps)
    active = _active(rng, template, scale)
    review = _review(rng, top)
    if blanks:
        active, apps, review = _blank_zeros(rng, active), _blank_zeros(rng, apps), _blank_zeros(rng, review)
    return active, apps, review


def _leaves(template: str) -> list[str]:
    from parser.model import OUTCOME_ROWS

    if template == "2019":
        return [k for k in OUTCOME_ROWS if k not in OTHER_SUBROWS]
    return [k for k in OUTCOME_ROWS if k != "other"]


def _applications(rng: random.Random, template: str, top: int) -> Applications:
    kinds = APPLICANT_COLUMNS[:-1]
    leaves = _leaves(template)
    rows: dict[str, dict[str, int]] = {
        k: {} for k in ["new_received", "carried_over", "total_processed", "carried_forward", *leaves]
    }
    for kind in kinds:
        if kind == "natural_person":
            processed = rng.randint(0, top)
            if top >= 3000 and rng.random() < 0.5:
                processed = 3001  # a realistic large figure (the real PDF's 自然人 count)
        else:
            processed = 0 if rng.random() < 0.6 else rng.randint(0, max(1, top // 12))
        carried_over = 0 if rng.random() < 0.6 else rng.randint(0, max(1, processed // 10 + 1))
        carried_forward = 0 if rng.random() < 0.6 else rng.randint(0, max(1, processed // 10 + 1))
        new = processed + carried_forward - carried_over
        if new < 0:
            carried_over, new = processed + carried_forward, 0
        weights = {leaf: 0.0 for leaf in leaves}
        weights["granted"] = 5.0
        for leaf in leaves:
            if leaf != "granted" and rng.random() < 0.45:
                weights[leaf] = rng.choice([0.2, 0.5, 1.0, 3.0])
        total_w = sum(weights.values())
        counts = {leaf: int(processed * w / total_w) for leaf, w in weights.items()}
        counts["granted"] += processed - sum(counts.values())
        for leaf in leaves:
            rows[leaf][kind] = counts[leaf]
        rows["new_received"][kind] = new
        rows["carried_over"][kind] = carried_over
        rows["total_processed"][kind] = processed
        rows["carried_forward"][kind] = carried_forward
    made = {}
    for key, cells in rows.items():
        made[key] = ApplicantCounts(**cells, total=sum(cells.values()))
    return Applications(**made)


def _collapse_other(apps: Applications) -> Applications:
    subs = [getattr(apps, k) for k in OTHER_SUBROWS]
    merged = {c: sum(_n(getattr(r, c)) for r in subs) for c in APPLICANT_COLUMNS}
    return apps.model_copy(update={"other": ApplicantCounts(**merged), **{k: None for k in OTHER_SUBROWS}})


def _big(rng: random.Random, scale: str, small: int, big: int) -> int:
    if scale in ("tiny", "small"):
        return 0 if rng.random() < 0.6 else rng.randint(0, small)
    return rng.randint(0, big)


def _active(rng: random.Random, template: str, scale: str) -> Active2021 | Active2019:
    fee = (
        0.0
        if scale in ("tiny", "small") or rng.random() < 0.3
        else round(rng.uniform(1, 99999), rng.choice([1, 2]))
    )
    if template == "2021":

        def docs() -> dict[str, int]:
            issued, repealed = _big(rng, scale, 2, 12), _big(rng, scale, 1, 30)
            return {"issued": issued, "repealed": repealed, "in_force": issued + _big(rng, scale, 10, 80)}

        return Active2021.model_validate(
            {
                "rules": docs(),
                "normative_documents": docs(),
                "licensing": {"decisions": _big(rng, scale, 30, 500000)},
                "penalty": {"decisions": _big(rng, scale, 60, 4000000)},
                "coercion": {"decisions": _big(rng, scale, 5, 90000)},
                "fees": {"amount": fee},
            }
        )

    def docs19() -> dict[str, int]:
        made = _big(rng, scale, 3, 40)
        return {"made": made, "published": made, "total_published": made + _big(rng, scale, 20, 300)}

    def items() -> dict[str, int]:
        return {
            "previous": _big(rng, scale, 20, 600),
            "change": _big(rng, scale, 3, 40),
            "decisions": _big(rng, scale, 40, 200000),
        }

    return Active2019.model_validate(
        {
            "rules": docs19(),
            "normative_documents": docs19(),
            "licensing": items(),
            "other_services": items(),
            "penalty": items(),
            "coercion": items(),
            "fees": {"previous": _big(rng, scale, 3, 60), "change": _big(rng, scale, 1, 5)},
            "procurement": {"projects": _big(rng, scale, 4, 900), "amount": fee},
        }
    )


def _review(rng: random.Random, top: int) -> ReviewLitigation:
    groups = {}
    hi = max(1, top // 10)
    for g in ("review", "litigation_direct", "litigation_after_review"):
        cells = {c: (0 if rng.random() < 0.55 else rng.randint(0, hi)) for c in OUTCOME_COLUMNS[:-1]}
        groups[g] = OutcomeCounts(**cells, total=sum(cells.values()))
    return ReviewLitigation(**groups)


def _signed_changes(rng: random.Random, active: Active2019) -> Active2019:
    """本年增/减 of every row made non-zero, about half of them decreases."""
    update = {}
    for name in ("licensing", "other_services", "penalty", "coercion", "fees"):
        row = getattr(active, name)
        change = max(1, abs(row.change or 0)) * (-1 if rng.random() < 0.5 else 1)
        update[name] = row.model_copy(update={"change": change})
    update["licensing"] = update["licensing"].model_copy(update={"change": -abs(update["licensing"].change)})
    return active.model_copy(update=update)


def _blank_zeros(rng: random.Random, model: Any) -> Any:
    """Zero cells → None in some rows (a report that leaves empty cells blank)."""
    update = {}
    for name in type(model).model_fields:
        row = getattr(model, name)
        if row is None or rng.random() < 0.4:
            continue
        update[name] = row.model_copy(update={c: None for c, v in row.model_dump().items() if v == 0})
    return model.model_copy(update=update)


# ---------------------------------------------------------------- specs


def make_spec(
    name: str,
    seed: int,
    template: str,
    agency: str,
    *,
    year: int | None = None,
    scale: str | None = None,
    blanks: bool = False,
    other_single_row: bool = False,
    published: date | None | bool = True,
    period: bool = True,
    negative_changes: bool = False,
    **variations: Any,
) -> ReportSpec:
    """A spec with random consistent values. `published=True` signs early next year; False: no signature.
    `negative_changes`: 2019 table 2's 本年增/减 goes down in some rows (and is never 0), printed as
    `Variations.change_style` says."""
    year = year or (2024 if template == "2021" else 2020)
    active, apps, review = random_values(
        seed, template, scale=scale, blanks=blanks, other_single_row=other_single_row
    )
    if negative_changes and isinstance(active, Active2019):
        active = _signed_changes(random.Random(f"{seed}/changes"), active)
    if published is True:
        published = date(year + 1, 1, 10 + seed % 18)
    elif published is False:
        published = None
    return ReportSpec(
        name=name,
        agency=agency,
        agency_short=AGENCIES[agency],
        year=year,
        template=template,
        active=active,
        applications=apps,
        review_litigation=review,
        published=published,
        period=(date(year, 1, 1), date(year, 12, 31)) if period else None,
        variations=Variations(**variations),
    )


def varied_specs() -> list[ReportSpec]:
    """~8 specs covering agency kinds, both templates and every printing variation."""
    return [
        make_spec("town2021", 1, "2021", "银川市兴庆区掌政镇人民政府", scale="tiny", wrong_numbering=True),
        make_spec(
            "city2021-large",
            2,
            "2021",
            "淮安市人民政府",
            scale="large",
            col_widths="narrow",
            split_heading="review_litigation",
        ),
        make_spec(
            "street2021-blank",
            3,
            "2021",
            "银川市金凤区满城北街街道办事处",
            scale="small",
            blanks=True,
            heading_sep="．",
            title_one_line=True,
            page_break_table3=True,
        ),
        make_spec(
            "county2021-slash",
            4,
            "2021",
            "永宁县人民政府",
            scale="medium",
            blanks=True,
            null_mark="/",
            short_headings=True,
            misspelt_label=True,
            published=False,
        ),
        make_spec(
            "bureau2021-other1row",
            5,
            "2021",
            "银川市西夏区教育局",
            scale="small",
            other_single_row=True,
            borders=False,
            heading_sep=".",
            year=2023,
        ),
        make_spec(
            "office2021-nonumber",
            6,
            "2021",
            "中卫市人民政府办公室",
            scale="medium",
            missing_numbering=True,
            col_widths="wide",
            year=2022,
            font="宋体",
        ),
        make_spec(
            "town2019",
            7,
            "2019",
            "沙坡头区兴仁镇",
            scale="small",
            year=2020,
            period=False,
            negative_changes=True,
            change_style="words",
        ),
        make_spec(
            "office2019",
            8,
            "2019",
            "西夏区人民政府办公室",
            scale="medium",
            year=2019,
            blanks=True,
            null_mark="/",
            page_break_table3=True,
            split_heading="applications",
            negative_changes=True,
            change_style="fullwidth",
        ),
    ]


def random_spec(seed: int) -> ReportSpec:
    """One report drawn at random from every template, agency kind and printing variation (the sweep's unit).

    Clean by construction, except the faults its variations print on purpose (`printed_faults`)."""
    rng = random.Random(f"sweep/{seed}")
    template = rng.choice(["2021", "2021", "2019"])
    year = rng.choice([2021, 2022, 2023, 2024]) if template == "2021" else rng.choice([2019, 2020])
    agency = rng.choice(sorted(AGENCIES))
    blanks = rng.random() < 0.35
    sections = list(SECTION_KEYS)
    variations = dict(
        heading_sep=rng.choice(["、", "、", "．", "."]),
        short_headings=rng.random() < 0.3,
        split_heading=rng.choice([None, None, None, *sections]),
        title_one_line=rng.random() < 0.25,
        col_widths=rng.choice(["standard", "narrow", "wide"]),
        borders=rng.random() < 0.8,
        null_mark=rng.choice(["", "/"]) if blanks else "",
        page_break_table3=rng.random() < 0.3,
        misspelt_label=rng.random() < 0.15,
        missing_numbering=rng.random() < 0.15,
        wrong_numbering=rng.random() < 0.1,
        font=rng.choice(["仿宋_GB2312", "仿宋_GB2312", "宋体", "仿宋"]),
        title_style=rng.choice(["standard", "standard", "no_gongzuo", "split_year"]),
        change_style=rng.choice(["plain", "fullwidth", "signed", "words"]),
        fee_wording=rng.randrange(len(FEE_STATEMENTS)),
        problems_wording=rng.randrange(len(PROBLEMS)),
        prose_table2=template == "2021" and rng.random() < 0.4,
    )
    spec = make_spec(
        f"sweep{seed}",
        seed,
        template,
        agency,
        year=year,
        blanks=blanks,
        other_single_row=template == "2021" and rng.random() < 0.1,
        negative_changes=template == "2019" and rng.random() < 0.6,
        published=rng.random() < 0.85,
        period=rng.random() < 0.8,
        **variations,
    )
    closed = _total(spec.applications.carried_forward) == 0
    return with_variations(spec, all_closed=closed and rng.random() < 0.5)


def printed_faults(spec: ReportSpec) -> set[tuple[str, str]]:
    """The findings a spec's variations print on purpose: (rule, where)."""
    found = set()
    if spec.variations.wrong_numbering and "applications" not in spec.omitted:
        found.add(("STRUCT-NUMBERING", "applications.carried_forward"))
    if spec.template == "2021" and spec.applications.other is not None and "applications" not in spec.omitted:
        found.add(("STRUCT-TEMPLATE", "applications.other"))
    return found


def with_variations(spec: ReportSpec, **changes: Any) -> ReportSpec:
    return replace(spec, variations=replace(spec.variations, **changes))


# ---------------------------------------------------------------- prose


def _total(row: ApplicantCounts | None) -> int:
    return int(_n(row.total)) if row is not None else 0


FEE_STATEMENTS = [  # section 六 of a 2021 report: whether fees were charged for handling requests
    "依据《政府信息公开信息处理费管理办法》，本机关{y}年收到的政府信息公开申请未超出一定数量或者频次范围，未收取信息处理费。",
    "{y}年度，本机关未发生收取政府信息公开申请处理费用的情况。",
    "本机关{y}年度依申请公开政府信息未向申请人收取任何费用。",
    "{y}年，本机关办理政府信息公开申请均未收费。",
    "按照《政府信息公开信息处理费管理办法》规定，本年度本机关未向申请人收取费用。",
]
PROBLEMS = [  # section 五, worded differently each year
    [
        "{y}年，{short}政府信息公开工作取得了一定成效，但仍存在一些不足：一是政策解读形式较为单一；"
        "二是工作人员业务能力有待提升。",
        "下一步，将丰富图文、视频等解读形式，定期组织业务培训，进一步提升政务公开工作水平。",
    ],
    [
        "对照上级要求，{short}政务公开工作还存在公开内容不够全面、栏目更新不够及时、基层公开标准化建设推进较慢等问题。",
        "{y}年，针对上年度发现的问题，建立栏目责任清单，每月通报更新情况；下一步将继续完善公开目录，加强督促检查。",
    ],
    [
        "存在的主要问题：主动公开的深度和广度还需拓展，政务新媒体互动回应不够充分。",
        "改进情况：本年度开展专题培训两次，修订信息发布审核办法；今后将围绕群众关切，加大重点领域信息公开力度。",
    ],
]


def default_prose(spec: ReportSpec, section: str) -> list[str]:
    """Realistic prose, consistent with the tables."""
    y, apps, rl = spec.year, spec.applications, spec.review_litigation
    short = spec.agency_short
    received, carried = _total(apps.new_received), _total(apps.carried_over)
    processed, forward = _total(apps.total_processed), _total(apps.carried_forward)
    granted = _total(apps.granted) + _total(apps.partially_granted)
    reviews = int(_n(rl.review.total))
    suits = int(_n(rl.litigation_direct.total)) + int(_n(rl.litigation_after_review.total))
    if section == "overview":
        return [
            f"{y}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持“以公开为常态、不公开为例外”，不断提升政务公开质量和实效。",
            f"（一）主动公开。{y}年，通过政府网站主动公开政府信息{40 + received % 97}条，通过政务新媒体发布信息"
            f"{120 + processed % 311}条，内容涵盖机构职能、部门文件、财政预决算、民生保障等方面。",
            f"（二）依申请公开。{y}年，本机关共收到政府信息公开申请{received}件，上年结转{carried}件，"
            f"办结{processed}件，其中予以公开或部分公开{granted}件，"
            + ("申请均已办结。" if spec.variations.all_closed else f"结转下年度办理{forward}件。")
            + f"因政府信息公开引起行政复议{reviews}件、行政诉讼{suits}件。",
            *_table2_prose(spec),
            "（三）政府信息管理。严格落实信息发布“三审三校”和保密审查制度，明确公开属性，"
            "动态更新政府信息公开指南和目录。",
            "（四）平台建设。持续加强政府网站和政务新媒体管理，专人负责、定期维护，及时更新栏目内容。",
            "（五）监督保障。将政务公开工作纳入年度绩效考核，全年未发生因政府信息公开工作被追究责任的情况。",
        ]
    if section == "problems":
        return [p.format(y=y, short=short) for p in PROBLEMS[spec.variations.problems_wording]]
    if section == "other_matters":
        if spec.template == "2021":
            return [FEE_STATEMENTS[spec.variations.fee_wording].format(y=y), "本机关无其他需要报告的事项。"]
        return ["无。"]
    return []


def _table2_prose(spec: ReportSpec) -> list[str]:
    """Table 2's figures stated in section 一 (a 2021 report): what TEXT-TABLE compares with the table."""
    a = spec.active
    if not spec.variations.prose_table2 or not isinstance(a, Active2021):
        return []
    r, d = a.rules, a.normative_documents
    return [
        f"（六）制度建设。全年制发规章{_n(r.issued)}件，废止{_n(r.repealed)}件，现行有效规章{_n(r.in_force)}件；"
        f"制发行政规范性文件{_n(d.issued)}件，废止{_n(d.repealed)}件，现行有效{_n(d.in_force)}件。"
        f"本年作出行政许可决定{_n(a.licensing.decisions)}件，行政处罚{_n(a.penalty.decisions)}件，"
        f"行政强制{_n(a.coercion.decisions)}件。"
    ]


def intro(spec: ReportSpec) -> str:
    notice = "国办公开办函〔2021〕30号" if spec.template == "2021" else "国办公开办函〔2019〕60号"
    text = (
        f"根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发"
        f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{notice}）要求，"
    )
    title = spec.title()
    text += f"现发布《{''.join(title)}》。" if title else "编制本报告。"  # no title printed: none to quote
    if spec.period:
        a, b = spec.period
        text += f"本报告所列数据的统计期限自{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日。"
    return text + "如对本报告有疑问，请与本机关综合办公室联系。"


def signature_lines(spec: ReportSpec) -> list[str]:
    if spec.published is None:
        return []
    d = spec.published
    return [spec.agency, f"{d.year}年{d.month}月{d.day}日"]


# ---------------------------------------------------------------- expected


def expected_json(spec: ReportSpec) -> dict[str, Any]:
    """The metadata and table keys of `nianbao check --json` for this spec (blank cells → null)."""
    tables = {
        k: getattr(spec, k) if k not in spec.omitted else None
        for k in ("active", "applications", "review_litigation")
    }
    report = Report(
        agency=spec.agency,
        agency_short=spec.agency_short,
        year=spec.year,
        template=spec.template,
        period=spec.period,
        published=spec.published,
        sections=spec.present(),
        **tables,
    )
    full = report.check_json()
    keys = (
        "agency",
        "agency_short",
        "year",
        "template",
        "period",
        "published",
        "sections",
        "active",
        "applications",
        "review_litigation",
    )
    return {k: full[k] for k in keys}


def diff_json(expected: Any, got: Any, path: str = "") -> list[str]:
    """Human-readable differences, one per cell: 'applications.granted.total: expected 3, got None'."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for k in expected:
            sub = f"{path}.{k}" if path else str(k)
            if k not in got:
                out.append(f"{sub}: missing")
            else:
                out.extend(diff_json(expected[k], got[k], sub))
        out.extend(f"{path}.{k}: unexpected (={got[k]!r})" for k in got if k not in expected)
        return out
    if (
        isinstance(expected, list)
        and isinstance(got, list)
        and len(expected) == len(got)
        and any(isinstance(e, (dict, list)) for e in expected)
    ):
        out = []
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            out.extend(diff_json(e, g, f"{path}[{i}]"))
        return out
    if expected != got:
        return [f"{path}: expected {expected!r}, got {got!r}"]
    return []
