"""The layout-independent table reader: tables 二、三、四 from the lines of any format.

The lines become groups of values aligned with the template's rows (parser/rows.py); this module
knows each table's rows and columns, reads the cells, and leaves unknown what it cannot place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parser.layout import Line
from parser.model import (
    APPLICANT_COLUMNS,
    LITIGATION_GROUPS,
    OUTCOME_COLUMNS,
    OUTCOME_ROWS,
    Active2019,
    Active2021,
    ApplicantCounts,
    Applications,
    Doubt,
    OutcomeCounts,
    ReviewLitigation,
    Source,
)
from parser.rows import (  # noqa: F401 (build_groups, parse_value, split_runs: the table reader's API)
    Group,
    RowSpec,
    Similarities,
    Value,
    align,
    build_groups,
    doubtful_columns,
    fit,
    fit_slots,
    format_value,
    is_page_number,
    is_shadowed,
    parse_value,
    similarity,
    with_shadows,
)
from parser.textutil import TRAILING_NUMBER, coverage, nfkc, squash

# ---- table 3 ----

APPLICANT_WIDTH = len(APPLICANT_COLUMNS)  # the six kinds of applicant and 总计
# The printed sub-row labels of （六）其他处理 tell the 2021 layout at this share of their words
SUBROW_MARK_COVERAGE = 0.8
# Without printed sub-row labels, the three sub-rows win only when they fit clearly better than one row
SUBROW_SCORE_MARGIN = 0.5
# Fewer rows than this, or fewer of the five core rows than CORE_ROWS_MIN, is not table 3 read
ROWS_MIN = 6
CORE_ROWS_MIN = 2
# A row whose label fits a neighbouring row within this of its own was placed by its order alone
NEIGHBOUR_MARGIN = 0.05

APPLICATION_SPECS = [
    RowSpec("new_received", "本年新收政府信息公开申请数量", APPLICANT_WIDTH),
    RowSpec("carried_over", "上年结转政府信息公开申请数量", APPLICANT_WIDTH),
    RowSpec("granted", "予以公开", APPLICANT_WIDTH),
    RowSpec("partially_granted", "部分公开区分处理的", APPLICANT_WIDTH),
    RowSpec("denied_state_secret", "属于国家秘密", APPLICANT_WIDTH),
    RowSpec("denied_law_prohibited", "其他法律行政法规禁止公开", APPLICANT_WIDTH),
    RowSpec("denied_three_safeties", "危及三安全一稳定", APPLICANT_WIDTH),
    RowSpec("denied_third_party", "保护第三方合法权益", APPLICANT_WIDTH),
    RowSpec("denied_internal_affairs", "属于三类内部事务信息", APPLICANT_WIDTH),
    RowSpec("denied_process_info", "属于四类过程性信息", APPLICANT_WIDTH),
    RowSpec("denied_enforcement_file", "属于行政执法案卷", APPLICANT_WIDTH),
    RowSpec("denied_administrative_query", "属于行政查询事项", APPLICANT_WIDTH),
    RowSpec("unavailable_not_held", "本机关不掌握相关政府信息", APPLICANT_WIDTH),
    RowSpec("unavailable_needs_creation", "没有现成信息需要另行制作", APPLICANT_WIDTH),
    RowSpec("unavailable_unclear", "补正后申请内容仍不明确", APPLICANT_WIDTH),
    RowSpec("not_processed_complaint", "信访举报投诉类申请", APPLICANT_WIDTH),
    RowSpec("not_processed_repeat", "重复申请", APPLICANT_WIDTH),
    RowSpec("not_processed_publication", "要求提供公开出版物", APPLICANT_WIDTH),
    RowSpec("not_processed_excessive", "无正当理由大量反复申请", APPLICANT_WIDTH),
    RowSpec("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息", APPLICANT_WIDTH),
    RowSpec("other_no_correction", "申请人无正当理由逾期不补正", APPLICANT_WIDTH),
    RowSpec("other_no_fee", "申请人逾期未按收费通知要求缴纳费用", APPLICANT_WIDTH),
    RowSpec("other_other", "其他", APPLICANT_WIDTH),
    RowSpec("other", "其他处理", APPLICANT_WIDTH),
    RowSpec("total_processed", "总计", APPLICANT_WIDTH),
    RowSpec("carried_forward", "结转下年度继续办理", APPLICANT_WIDTH),
]
APPLICATION_SPECS = with_shadows(APPLICATION_SPECS)  # 「其他」 is not found in 「其他处理」
_SUBROWS = ("other_no_correction", "other_no_fee", "other_other")
_SUBROW_MARKS = ("申请人无正当理由逾期不补正", "逾期未按收费通知要求缴纳费用")


@dataclass(slots=True)
class TableResult:
    table: object
    sources: dict[str, Source]
    template_hint: str | None = None  # the template the layout shows, when it shows one
    doubts: list[Doubt] = field(default_factory=list)
    unreadable: bool = False  # printed, but its numbers could not be placed: every cell unknown


def _doubts(prefix: str, row, group: Group, width: int) -> list[Doubt]:
    columns = tuple(type(row).model_fields)
    return [
        Doubt(path=f"{prefix}.{column}", page=group.page, read=getattr(row, column))
        for column in doubtful_columns(group, width, columns)
    ]


def _printed_number(group: Group, row: RowSpec) -> str | None:
    """The numbering printed just before the row's own label (「七、」 in 「七、结转下年度继续办理」)."""
    raw = nfkc(group.raw_label)
    # the label's first characters, allowing spaces and punctuation between them
    pattern = r"[^\w]*".join(re.escape(ch) for ch in row.canonical[:4])
    # the last occurrence: earlier text is noise carried over from other rows; and not one inside a
    # longer label (the 「其他」 of 「（六）其他处理」 is not 「3.其他」's)
    flat = squash(raw)
    found = next(
        (
            m
            for m in reversed(list(re.finditer(pattern, raw)))
            if not is_shadowed(flat, len(squash(raw[: m.start()])), row)
        ),
        None,
    )
    if found is None:
        return None
    m = TRAILING_NUMBER.search(raw[: found.start()])
    return m.group(1).replace(" ", "") if m else None


def split_runs(groups: list[Group], width: int) -> list[Group]:
    """A text run of k × `width` values is k rows whose labels came elsewhere (column-ordered extraction):
    the first keeps the label, the others are placed by their order alone."""
    out: list[Group] = []
    for group in groups:
        count = len(group.values)
        if group.structured or count <= width or count % width:
            out.append(group)
            continue
        for k in range(0, count, width):
            out.append(
                Group(
                    group.label if k == 0 else "",
                    group.values[k : k + width],
                    group.page,
                    False,
                    group.quote,
                    group.raw_label if k == 0 else "",
                    group.doubtful[k : k + width],
                    group.empty[k : k + width],
                )
            )
    return out


def read_applications(lines: list[Line]) -> TableResult | None:
    groups = split_runs(build_groups(lines), APPLICANT_WIDTH)
    # （六）其他处理 is three sub-rows (2021) or one row (2019, and some 2021 reports): try both
    sims = Similarities(groups)
    with_subrows, score_sub = align(
        groups, [s for s in APPLICATION_SPECS if s.key != "other"], similarities=sims
    )
    single_row, score_single = align(
        groups, [s for s in APPLICATION_SPECS if s.key not in _SUBROWS], similarities=sims
    )
    # the sub-rows' printed labels tell the layout, even where their rows are blank (a text stream drops
    # blank rows) or wrapped among other labels
    text = squash("".join(line.text for line in lines))
    printed_subrows = max(coverage(mark, text) for mark in _SUBROW_MARKS) >= SUBROW_MARK_COVERAGE
    matched = (
        with_subrows if printed_subrows or score_sub > score_single + SUBROW_SCORE_MARGIN else single_row
    )
    specs = (
        [s for s in APPLICATION_SPECS if s.key != "other"]
        if matched is with_subrows
        else [s for s in APPLICATION_SPECS if s.key not in _SUBROWS]
    )
    core = sum(
        1
        for k in ("new_received", "carried_over", "granted", "total_processed", "carried_forward")
        if k in matched
    )
    if len(matched) < ROWS_MIN or core < CORE_ROWS_MIN:
        if _shows_table(lines, ("本年新收政府信息公开申请数量", "结转下年度继续办理")):
            return TableResult(empty_table("applications", None), {}, unreadable=True)
        return None
    has_subrows = any(k in matched for k in _SUBROWS)
    single_other = "other" in matched and not has_subrows
    if not has_subrows and not single_other:
        # （六） left blank: a text stream drops blank rows, but their printed labels still show the layout
        has_subrows = printed_subrows
        single_other = not has_subrows and coverage("其他处理", text) == 1
    table = Applications()
    sources: dict[str, Source] = {}
    doubts: list[Doubt] = []
    for spec in APPLICATION_SPECS:
        group = matched.get(spec.key)
        if spec.key in _SUBROWS:
            if not has_subrows:
                continue
        elif spec.key == "other" and not single_other:
            continue
        counts = ApplicantCounts()
        if group is not None and _placeable(group, APPLICANT_WIDTH):
            values = fit(group, APPLICANT_WIDTH) or [None] * APPLICANT_WIDTH
            counts = ApplicantCounts(
                **dict(zip(APPLICANT_COLUMNS, (_as_int(v) for v in values), strict=True))
            )
            sources[f"applications.{spec.key}"] = Source(
                page=group.page, quote=group.quote, printed_number=_printed_number(group, spec)
            )
            doubts += _doubts(f"applications.{spec.key}", counts, group, APPLICANT_WIDTH)
        setattr(table, spec.key, counts)
    # A misplaced row must never become a finding: when the sums fail through rows whose place only
    # their order decided (a lost label, or one that fits the neighbouring row as well), leave those unknown
    for key in _failing_rows(table) & _unsure_rows(matched, specs):
        setattr(table, key, ApplicantCounts())
        sources.pop(f"applications.{key}", None)
        doubts = [d for d in doubts if not d.path.startswith(f"applications.{key}.")]
    hint = "2021" if has_subrows else None
    return TableResult(table, sources, hint, doubts)


def _unsure_rows(matched: dict[str, Group], specs: list[RowSpec]) -> set[str]:
    """Rows whose group's label does not tell them from the row before or after."""
    unsure = set()
    for j, spec in enumerate(specs):
        group = matched.get(spec.key)
        if group is None:
            continue
        if not group.label:
            unsure.add(spec.key)
            continue
        own = similarity(group, spec)
        near = [specs[k] for k in (j - 1, j + 1) if 0 <= k < len(specs)]
        if any(similarity(group, other) >= own - NEIGHBOUR_MARGIN for other in near):
            unsure.add(spec.key)
    return unsure


def _failing_rows(table: Applications) -> set[str]:
    """The rows of the column checks (balance, outcomes to （七）总计) that fail as the table is placed."""

    def cell(row: str, column: str) -> int:
        return (getattr(getattr(table, row), column) or 0) if getattr(table, row) is not None else 0

    rows = table.rows()
    has_subrows = any(k in rows for k in _SUBROWS)
    leaves = [k for k in rows if k in OUTCOME_ROWS and (k != "other" or not has_subrows)]
    balance = ("new_received", "carried_over", "total_processed", "carried_forward")
    failing: set[str] = set()
    for column in APPLICANT_COLUMNS:
        new, over, done, forward = (cell(r, column) for r in balance)
        if new + over != done + forward:
            failing.update(balance)
        if sum(cell(r, column) for r in leaves) != done:
            failing.update([*leaves, "total_processed"])
    return failing


def empty_table(key: str, template: str | None) -> Active2021 | Active2019 | Applications | ReviewLitigation:
    """A table that is printed but could not be read: every row there, every cell unknown."""
    if key == "active":
        return Active2019() if template == "2019" else Active2021()
    if key == "applications":
        table = Applications()
        if template != "2019":
            for row in _SUBROWS:
                setattr(table, row, ApplicantCounts())
        else:
            table.other = ApplicantCounts()
        return table
    return ReviewLitigation()


def _shows_table(lines: list[Line], marks: tuple[str, ...]) -> bool:
    """The table's printed headings are there, even if its numbers cannot be placed (or were left blank)."""
    text = squash("".join(line.text for line in lines))
    return sum(mark in text for mark in marks) >= 2


def _placeable(group: Group, width: int) -> bool:
    """A text row with fewer numbers than cells lost its blank cells, and which cell each number
    filled is unknown (「3 3」 may be 自然人 3 or 商业企业 3): such a row is left unread rather than
    guessed — unless all it holds is zeros, which read the same in any cell."""
    if group.structured or len(group.values) >= width or not group.values:
        return True
    return not any(group.values)


def _as_int(value: Value) -> int | None:
    if value is None:
        return None
    return int(round(value))


# ---- table 2 ----

ACTIVE_2021 = [
    RowSpec("rules", "规章", 3),
    RowSpec("normative_documents", "行政规范性文件", 3),
    RowSpec("licensing", "行政许可", 1),
    RowSpec("penalty", "行政处罚", 1),
    RowSpec("coercion", "行政强制", 1),
    RowSpec("fees", "行政事业性收费", 1),
]
ACTIVE_2019 = [
    RowSpec("rules", "规章", 3),
    RowSpec("normative_documents", "规范性文件", 3),
    RowSpec("licensing", "行政许可", 3),
    RowSpec("other_services", "其他对外管理服务事项", 3),
    RowSpec("penalty", "行政处罚", 3),
    RowSpec("coercion", "行政强制", 3),
    RowSpec("fees", "行政事业性收费", 2),
    RowSpec("procurement", "政府集中采购", 2),
]
_MARKS_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增减",
    "政府集中采购",
    "其他对外管理服务事项",
    "采购总金额",
)
_MARKS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")


def active_template(lines: list[Line]) -> str | None:
    text = squash("".join(line.text for line in lines))
    score_2019 = sum(mark in text for mark in _MARKS_2019)
    score_2021 = sum(mark in text for mark in _MARKS_2021)
    if score_2019 > score_2021:
        return "2019"
    if score_2021 > score_2019:
        return "2021"
    return None


def read_active(lines: list[Line], template: str) -> TableResult | None:
    specs = ACTIVE_2019 if template == "2019" else ACTIVE_2021
    model = Active2019 if template == "2019" else Active2021
    groups = build_groups(lines)
    matched, _ = align(groups, specs)
    shown = _shows_table(lines, _MARKS_2019 + _MARKS_2021)
    # rows left blank are no groups: with its column heads printed, a table of one or two filled rows is read
    if len(matched) < 3 and not (shown and matched):
        if shown:
            return TableResult(model(), {}, template, unreadable=True)
        return None
    table = model()
    sources: dict[str, Source] = {}
    doubts: list[Doubt] = []
    for spec in specs:
        group = matched.get(spec.key)
        if group is None or not _placeable(group, spec.width):
            continue
        row = getattr(table, spec.key)
        values = fit(group, spec.width) or [None] * spec.width
        fields = list(type(row).model_fields)
        typed = {
            name: (value if name == "amount" else _as_int(value))
            for name, value in zip(fields, values, strict=True)
        }
        row = type(row)(**typed)
        setattr(table, spec.key, row)
        sources[f"active.{spec.key}"] = Source(page=group.page, quote=group.quote)
        doubts += _doubts(f"active.{spec.key}", row, group, spec.width)
    return TableResult(table, sources, template, doubts)


# ---- table 4 ----


# Table 4's header words, whichever lines of it fall after the heading: 行政复议, and 行政诉讼 or the
# 未经复议直接起诉 / 复议后起诉 of its columns (a heading split over a page may take the first header line)
_REVIEW_WORD = "复议"
_LAWSUIT_WORDS = ("诉讼", "起诉")
OUTCOME_WIDTH = len(OUTCOME_COLUMNS)  # 维持 纠正 其他 未审结 总计
LITIGATION_CELLS = (
    len(LITIGATION_GROUPS) * OUTCOME_WIDTH
)  # 15: review, direct lawsuits, lawsuits after review


def read_review_litigation(lines: list[Line]) -> TableResult | None:
    groups = [g for g in build_groups(lines) if g.values]
    # The 15 numbers: one row of 15, or runs that add up to 15 (three rows of 5, numbers over lines)
    for group in groups:
        slots = (
            fit_slots(group, LITIGATION_CELLS)
            if group.structured and len(group.values) > LITIGATION_CELLS
            else list(range(len(group.values)))
        )
        if slots is not None and len(slots) == LITIGATION_CELLS:
            values = [None if i is None else group.values[i] for i in slots]
            flags = [i is not None and group.doubtful[i] for i in slots]
            if any(v is not None for v in values):
                return _litigation(values, flags, group)
    # Three rows of five (one per group) in order; numbers scattered among header words are not
    # trusted: a column-ordered extraction interleaves them, and a wrong order makes false alarms
    if [len(g.values) for g in groups] == [OUTCOME_WIDTH] * len(LITIGATION_GROUPS):
        values = [v for g in groups for v in g.values]
        return _litigation(values, [f for g in groups for f in g.doubtful], groups[0])
    text = squash("".join(line.text for line in lines))
    if groups and _REVIEW_WORD in text and any(word in text for word in _LAWSUIT_WORDS):
        # The table is there but its numbers cannot be placed: keep it, with every cell unknown
        return TableResult(
            ReviewLitigation(
                review=OutcomeCounts(),
                litigation_direct=OutcomeCounts(),
                litigation_after_review=OutcomeCounts(),
            ),
            {"review_litigation": Source(page=groups[0].page, quote=groups[0].quote)},
            unreadable=True,
        )
    return None


def _litigation(values: list[Value], flags: list[bool], group: Group) -> TableResult:
    table = ReviewLitigation()
    doubts: list[Doubt] = []
    for k, name in enumerate(LITIGATION_GROUPS):
        chunk = [_as_int(v) for v in values[k * OUTCOME_WIDTH : (k + 1) * OUTCOME_WIDTH]]
        setattr(table, name, OutcomeCounts(**dict(zip(OUTCOME_COLUMNS, chunk, strict=True))))
        doubts += [
            Doubt(path=f"review_litigation.{name}.{column}", page=group.page, read=value)
            for column, value, doubtful in zip(
                OUTCOME_COLUMNS, chunk, flags[k * OUTCOME_WIDTH : (k + 1) * OUTCOME_WIDTH], strict=False
            )
            if doubtful
        ]
    quote = " ".join(format_value(v) for v in values)
    return TableResult(table, {"review_litigation": Source(page=group.page, quote=quote)}, doubts=doubts)
