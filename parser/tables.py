"""The layout-independent table reader: tables 二、三、四 from the lines of any format.

Every reader's lines become one stream of label text and values. Values that follow each other
form a group (a table row); the text before a group is its label. Structured rows (DOCX, HTML,
PDF ruling lines, tab-separated text) keep their blank cells as explicit empty values; text
streams (PDF text, extracted TXT) carry values across line breaks. Groups are then aligned with the
template's rows in order by label similarity, which survives wrapped, misspelt and interleaved
labels, missing numbering and vertical group labels spelt out one character per line.
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
from parser.textutil import LEADING_NUMBER, TRAILING_NUMBER, bigrams, coverage, is_page_number, nfkc, squash

Value = int | float | None

_NULL_MARKERS = {"/", "-", "—", "——", "－", "–", "无", "\\", "／", "—-", "--", "---"}
_NUMBER = re.compile(r"^[+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+]?\d+(?:\.\d+)?$")
# A digit run inside a chunk: a value unless it is a label's numbering (「1.属于」「2、申请人」)
_EMBEDDED = re.compile(r"\d+(?:\.\d+)?")
@dataclass(slots=True)
class Group:
    label: str  # text since the previous group
    values: list[Value]
    page: int | None
    structured: bool
    quote: str = ""
    raw_label: str = ""
    doubtful: list[bool] = field(default_factory=list)  # per value: read with low confidence (OCR)
    empty: list[bool] = field(default_factory=list)  # per value: an empty cell (not a printed 「/」 or 「—」)


@dataclass(slots=True)
class _Stream:
    groups: list[Group] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    page: int | None = None
    quote: list[str] = field(default_factory=list)
    structured: bool = False
    doubtful: list[bool] = field(default_factory=list)
    empty: list[bool] = field(default_factory=list)

    def add_text(self, text: str, page: int | None) -> None:
        if self.values:
            self.close()
        if text:
            self.label.append(text)
            self.quote.append(text)
            if self.page is None:
                self.page = page

    def add_value(self, value: Value, raw: str, page: int | None, doubtful: bool = False, empty: bool = False) -> None:
        self.values.append(value)
        self.doubtful.append(doubtful)
        self.empty.append(empty)
        self.quote.append(raw)
        if self.page is None:
            self.page = page

    def close(self) -> None:
        if not self.values:
            return  # text so far stays pending: it is the label of the next row
        label = "".join(self.label)
        self.groups.append(Group(squash(label), self.values, self.page, self.structured,
                                 " ".join(self.quote)[:120], label, self.doubtful, self.empty))
        self.label, self.values, self.quote, self.page, self.structured = [], [], [], None, False
        self.doubtful, self.empty = [], []


_UNIT = re.compile(r"(?<=\d)(?:件|条|个|项|次|人次|万元|元)$")
# 2019 table 2's 本年增/减 is signed: 「-1」「－1」「−1」「减少1」, 「+1」「增加1」. A dash alone is a null
# mark (above), and 「-3-」 (a page number) is no value: the sign must stand right before the digits
# and nothing after them.
_SIGN = re.compile(r"^(?P<sign>[-−–—﹣]|减少|减|[+]|增加|增)(?P<number>\d.*)$")


def parse_value(cell: str) -> tuple[bool, Value]:
    """(is a value cell, value): numbers, signed changes, blanks and the marks reports use for nothing."""
    text = _UNIT.sub("", nfkc(cell).strip().replace(" ", ""))
    if text in _NULL_MARKERS or text == "":
        return True, None
    if text == "持平":  # 本年增/减 neither up nor down
        return True, 0
    signed = _SIGN.match(text)
    sign = -1 if signed and signed.group("sign") not in ("+", "增加", "增") else 1
    if signed:
        text = signed.group("number")
    if _NUMBER.match(text):
        number = sign * float(text.replace(",", "").lstrip("+"))
        return True, int(number) if number.is_integer() and "." not in text else number
    return False, None


def _text_tokens(text: str) -> list[tuple[str, Value | str]]:
    """Split a text line into ("text", s) and ("value", v) tokens."""
    tokens: list[tuple[str, Value | str]] = []
    # 「减少 1」: a text extractor may put a space between a change's word and its number
    chunks = re.sub(r"(?<!\S)(减少|增加)\s+(?=\d)", r"\1", nfkc(text)).split()
    for chunk in chunks:
        is_value, value = parse_value(chunk)
        if is_value and chunk:
            tokens.append(("value", value))
            continue
        pos = 0
        for m in _EMBEDDED.finditer(chunk):
            after = chunk[m.end() : m.end() + 1]
            before = chunk[m.start() - 1 : m.start()] if m.start() else ""
            if after in {"、", ".", "．", "，", ","} or before in {"第", "("} or after in {"号", "年", "月", "日", "页"}:
                continue  # numbering or a reference, part of the label
            if m.start() > pos:
                tokens.append(("text", chunk[pos : m.start()]))
            number = float(m.group())
            tokens.append(("value", int(number) if "." not in m.group() else number))
            pos = m.end()
        if pos < len(chunk):
            tokens.append(("text", chunk[pos:]))
    return tokens


def build_groups(lines: list[Line]) -> list[Group]:
    stream = _Stream()
    for line in lines:
        if line.picture:
            continue
        if line.is_row:
            cells = [c.strip() for c in line.cells]
            split = len(cells)
            while split > 0 and parse_value(cells[split - 1])[0]:
                split -= 1
            label_cells, slots = cells[:split], cells[split:]
            has_number = any(parse_value(c)[1] is not None for c in slots)
            has_marks = any(parse_value(c)[0] and c for c in slots)
            label = "".join(label_cells)
            if not (has_number or has_marks) and not (slots and LEADING_NUMBER.match(nfkc(label))):
                # Header rows, and label-only rows: the rest of a label from the row above (narrow
                # cells, rows split over pages) or a row left blank — either way, text before the next row.
                # A numbered label-only row (「2.重复申请」 left blank) stays a row of its own.
                stream.add_text(label, line.page)
                continue
            stream.close()
            stream.add_text("".join(label_cells), line.page)
            stream.structured = True
            for index, cell in enumerate(slots, start=split):
                stream.add_value(parse_value(cell)[1], cell or "·", line.page, index in line.doubtful, not cell)
            stream.close()
            continue
        if is_page_number(line.text):
            continue
        # cell by cell: OCR marks doubtful words by their cell
        for index, cell in enumerate(line.cells):
            for kind, token in _text_tokens(cell):
                if kind == "text":
                    stream.add_text(str(token), line.page)
                else:
                    stream.add_value(token, _fmt(token), line.page, index in line.doubtful)  # type: ignore[arg-type]
    stream.close()
    return stream.groups




def _fmt(value: Value) -> str:
    return "·" if value is None else str(value)


def fit_slots(group: Group, width: int) -> list[int | None] | None:
    """Which of the group's values fill a row of `width` cells (None: a blank), or None when they cannot be placed."""
    slots: list[int | None] = list(range(len(group.values)))
    if len(slots) == width:
        return slots
    if group.structured:
        # Tab-separated text and some HTML put empty cells around the values (a label spanning three
        # columns leaves two): trim the ends, empty cells before printed marks (「/」 stands in a cell)
        def padding(i: int) -> bool:
            return group.values[i] is None and (i >= len(group.empty) or group.empty[i])

        while len(slots) > width and padding(slots[-1]):
            slots.pop()
        while len(slots) > width and padding(slots[0]):
            slots.pop(0)
        while len(slots) > width and group.values[slots[-1]] is None:
            slots.pop()
        while len(slots) > width and group.values[slots[0]] is None:
            slots.pop(0)
        if len(slots) > width:
            return None
        # Cut at both ends, or more than a spanning label leaves (two cells), with blanks left among the
        # numbers: which cells the numbers stood in is a guess (a PDF that laid table 2's rows out in
        # table 3's columns) — unknown rather than a number in the wrong cell
        cut_both = 0 < slots[0] and slots[-1] < len(group.values) - 1
        if (cut_both or len(group.values) - len(slots) > 2) and any(group.values[i] is None for i in slots):
            return None
        return slots + [None] * (width - len(slots))
    if len(slots) > width:
        return None
    if width == 1 or not slots:
        return slots + [None] * (width - len(slots))
    # A text stream drops blank cells: the last number is the row's total, the rest come first
    return slots[:-1] + [None] * (width - len(slots)) + slots[-1:]


def fit(group: Group, width: int) -> list[Value] | None:
    """The group's values fitted to a row of `width` cells, or None when they cannot be placed."""
    slots = fit_slots(group, width)
    return None if slots is None else [None if i is None else group.values[i] for i in slots]


def doubtful_columns(group: Group, width: int, columns: tuple[str, ...]) -> list[str]:
    """The columns whose value OCR read with low confidence."""
    slots = fit_slots(group, width) or []
    return [column for column, i in zip(columns, slots, strict=False)
            if i is not None and i < len(group.doubtful) and group.doubtful[i]]


# ---- alignment of groups with template rows ----


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str
    canonical: str
    width: int
    # longer labels of the same table that contain this one (「其他」 in 「其他处理」 and in
    # 「其他法律行政法规禁止公开」): the short label found inside them is not this row's
    shadows: tuple[str, ...] = ()


def with_shadows(specs: list[RowSpec]) -> list[RowSpec]:
    return [
        RowSpec(
            s.key,
            s.canonical,
            s.width,
            tuple(o.canonical for o in specs if o.canonical != s.canonical and s.canonical in o.canonical),
        )
        for s in specs
    ]


def _shadowed(label: str, start: int, row: RowSpec) -> bool:
    """Whether the row's label found at `label[start:]` is part of a longer label that contains it:
    the text around it goes on as that label does (two characters either side suffice, so a
    misspelt or wrapped longer label still counts)."""
    end = start + len(row.canonical)
    for shadow in row.shadows:
        k = shadow.find(row.canonical)
        before, after = shadow[:k][-2:], shadow[k + len(row.canonical) :][:2]
        if (after and label.startswith(after, end)) or (before and label[:start].endswith(before)):
            return True
    return False


def own_text(label: str, row: RowSpec) -> str:
    """The label with the row's words blanked out where they belong to a longer label (「（六）其他处理」
    is no evidence for 「3.其他」)."""
    if not row.shadows:
        return label
    out, pos = [], 0
    for m in re.finditer(re.escape(row.canonical), label):
        if _shadowed(label, m.start(), row):
            out += [label[pos : m.start()], "|"]
            pos = m.end()
    return "".join(out) + label[pos:]


def align(groups: list[Group], rows: list[RowSpec], threshold: float = 0.34) -> tuple[dict[str, Group], float]:
    """Monotone alignment of groups to rows maximising label similarity (Needleman–Wunsch style)."""
    n, m = len(groups), len(rows)
    sims = [[_similarity(g, r) for r in rows] for g in groups]
    # score[i][j]: best total for the first i groups and first j rows
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, how = -1.0, 0
            if i > 0 and score[i - 1][j] > best:
                best, how = score[i - 1][j], 1  # group is noise
            if j > 0 and score[i][j - 1] > best:
                best, how = score[i][j - 1], 2  # row not printed
            if i > 0 and j > 0:
                sim = sims[i - 1][j - 1]
                if sim >= threshold and score[i - 1][j - 1] + sim > best:
                    best, how = score[i - 1][j - 1] + sim, 3
            score[i][j], move[i][j] = best, how
    matched: dict[str, Group] = {}
    i, j = n, m
    while i > 0 or j > 0:
        how = move[i][j]
        if how == 3:
            matched[rows[j - 1].key] = groups[i - 1]
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1
    return matched, score[n][m]


# A row's own numbering: 一、 1. and the rows （一）（二）（七）; not the group headings （三）–（六） that
# table 3's layout prints beside their first or middle leaf (a segment from the leaf's number on keeps them)
_NUMBERED = re.compile(r"[(（]\s*[一二七]\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|(?<![\d.])\d{1,2}\s*[.、．](?!\d)")


def _last_label(group: Group) -> str:
    """The text from the last row numbering in the group's label on, when other text comes before it."""
    raw = nfkc(group.raw_label)
    marks = list(_NUMBERED.finditer(raw))
    if not marks:
        return ""
    last = squash(raw[marks[-1].end() :])
    return last if len(last) >= 2 and squash(raw[: marks[-1].start()]) else ""


def _similarity(group: Group, row: RowSpec) -> float:
    if fit(group, row.width) is None:
        return 0.0
    if not group.label:
        return 0.35  # a row whose label was lost: its place in the order decides
    label = own_text(group.label, row)
    sim = coverage(row.canonical, label)
    if not sim:
        return 0.0
    # A label wrapped in a narrow cell shows its beginning before the numbers, the rest after
    head = row.canonical[: max(4, len(row.canonical) // 2)]
    sim = max(sim, 0.9 * coverage(head, label))
    # Labels of blank rows gather before the next numbers (a text stream drops blank rows): the last
    # numbered label is the row's own, the ones before it weigh less (「1.属于国家秘密 … 5.属于三类内部
    # 事务 1 0 0 …」 is 5.'s row)
    last = own_text(_last_label(group), row)
    if last:
        # from its number on, a label cut short before the numbers is all of this row's words
        # (「5.要求行政机关确认」 of 「5.要求行政机关确认或重新出具已获取信息」)
        cut = 0.95 * coverage(last, row.canonical) if len(last) >= 4 else 0.0
        sim = max(0.85 * sim, coverage(row.canonical, last), 0.9 * coverage(head, last), cut)
    # The label's own end weighs more than noise carried over from wrapped neighbours: the text right
    # before the numbers is the row's own (「（六）其他处理」 of a blank row, then 「总计 376 …」: 总计's,
    # not （六）'s; 「5.属于三类内部事务」 wrapped before the numbers: 5.'s, not 1.'s)
    pairs = bigrams(row.canonical)
    if label[-2:] in pairs or label[-3:-1] in pairs:
        tail = label[-max(len(row.canonical) + 2, 4) :]
        sim = max(sim, coverage(row.canonical, tail) + 0.1)
    return sim


# ---- table 3 ----

APPLICATION_SPECS = [
    RowSpec("new_received", "本年新收政府信息公开申请数量", 7),
    RowSpec("carried_over", "上年结转政府信息公开申请数量", 7),
    RowSpec("granted", "予以公开", 7),
    RowSpec("partially_granted", "部分公开区分处理的", 7),
    RowSpec("denied_state_secret", "属于国家秘密", 7),
    RowSpec("denied_law_prohibited", "其他法律行政法规禁止公开", 7),
    RowSpec("denied_three_safeties", "危及三安全一稳定", 7),
    RowSpec("denied_third_party", "保护第三方合法权益", 7),
    RowSpec("denied_internal_affairs", "属于三类内部事务信息", 7),
    RowSpec("denied_process_info", "属于四类过程性信息", 7),
    RowSpec("denied_enforcement_file", "属于行政执法案卷", 7),
    RowSpec("denied_administrative_query", "属于行政查询事项", 7),
    RowSpec("unavailable_not_held", "本机关不掌握相关政府信息", 7),
    RowSpec("unavailable_needs_creation", "没有现成信息需要另行制作", 7),
    RowSpec("unavailable_unclear", "补正后申请内容仍不明确", 7),
    RowSpec("not_processed_complaint", "信访举报投诉类申请", 7),
    RowSpec("not_processed_repeat", "重复申请", 7),
    RowSpec("not_processed_publication", "要求提供公开出版物", 7),
    RowSpec("not_processed_excessive", "无正当理由大量反复申请", 7),
    RowSpec("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息", 7),
    RowSpec("other_no_correction", "申请人无正当理由逾期不补正", 7),
    RowSpec("other_no_fee", "申请人逾期未按收费通知要求缴纳费用", 7),
    RowSpec("other_other", "其他", 7),
    RowSpec("other", "其他处理", 7),
    RowSpec("total_processed", "总计", 7),
    RowSpec("carried_forward", "结转下年度继续办理", 7),
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
    return [Doubt(path=f"{prefix}.{column}", page=group.page, read=getattr(row, column))
            for column in doubtful_columns(group, width, columns)]




def _printed_number(group: Group, row: RowSpec) -> str | None:
    """The numbering printed just before the row's own label (「七、」 in 「七、结转下年度继续办理」)."""
    raw = nfkc(group.raw_label)
    # the label's first characters, allowing spaces and punctuation between them
    pattern = r"[^\w]*".join(re.escape(ch) for ch in row.canonical[:4])
    # the last occurrence: earlier text is noise carried over from other rows; and not one inside a
    # longer label (the 「其他」 of 「（六）其他处理」 is not 「3.其他」's)
    flat = squash(raw)
    found = next((m for m in reversed(list(re.finditer(pattern, raw)))
                  if not _shadowed(flat, len(squash(raw[: m.start()])), row)), None)
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
            out.append(Group(group.label if k == 0 else "", group.values[k : k + width], group.page, False,
                             group.quote, group.raw_label if k == 0 else "", group.doubtful[k : k + width],
                             group.empty[k : k + width]))
    return out


def read_applications(lines: list[Line]) -> TableResult | None:
    groups = split_runs(build_groups(lines), 7)
    # （六）其他处理 is three sub-rows (2021) or one row (2019, and some 2021 reports): try both
    with_subrows, score_sub = align(groups, [s for s in APPLICATION_SPECS if s.key != "other"])
    single_row, score_single = align(groups, [s for s in APPLICATION_SPECS if s.key not in _SUBROWS])
    # the sub-rows' printed labels tell the layout, even where their rows are blank (a text stream drops
    # blank rows) or wrapped among other labels
    text = squash("".join(line.text for line in lines))
    printed_subrows = max(coverage(mark, text) for mark in _SUBROW_MARKS) >= 0.8
    matched = with_subrows if printed_subrows or score_sub > score_single + 0.5 else single_row
    specs = [s for s in APPLICATION_SPECS if s.key != "other"] if matched is with_subrows else \
        [s for s in APPLICATION_SPECS if s.key not in _SUBROWS]
    core = sum(1 for k in ("new_received", "carried_over", "granted", "total_processed", "carried_forward") if k in matched)
    if len(matched) < 6 or core < 2:
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
        if group is not None and _placeable(group, 7):
            values = fit(group, 7) or [None] * 7
            counts = ApplicantCounts(**dict(zip(APPLICANT_COLUMNS, (_as_int(v) for v in values), strict=True)))
            sources[f"applications.{spec.key}"] = Source(
                page=group.page, quote=group.quote, printed_number=_printed_number(group, spec)
            )
            doubts += _doubts(f"applications.{spec.key}", counts, group, 7)
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
        own = _similarity(group, spec)
        near = [specs[k] for k in (j - 1, j + 1) if 0 <= k < len(specs)]
        if any(_similarity(group, other) >= own - 0.05 for other in near):
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
_MARKS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减", "政府集中采购",
               "其他对外管理服务事项", "采购总金额")
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
        typed = {name: (value if name == "amount" else _as_int(value)) for name, value in zip(fields, values, strict=True)}
        row = type(row)(**typed)
        setattr(table, spec.key, row)
        sources[f"active.{spec.key}"] = Source(page=group.page, quote=group.quote)
        doubts += _doubts(f"active.{spec.key}", row, group, spec.width)
    return TableResult(table, sources, template, doubts)


# ---- table 4 ----


_LITIGATION_WORDS = ("复议", "诉讼")


def read_review_litigation(lines: list[Line]) -> TableResult | None:
    groups = [g for g in build_groups(lines) if g.values]
    # The 15 numbers: one row of 15, or runs that add up to 15 (three rows of 5, numbers over lines)
    for group in groups:
        slots = fit_slots(group, 15) if group.structured and len(group.values) > 15 else list(range(len(group.values)))
        if slots is not None and len(slots) == 15:
            values = [None if i is None else group.values[i] for i in slots]
            flags = [i is not None and group.doubtful[i] for i in slots]
            if any(v is not None for v in values):
                return _litigation(values, flags, group)
    # Three rows of five (one per group) in order; numbers scattered among header words are not
    # trusted: a column-ordered extraction interleaves them, and a wrong order makes false alarms
    if [len(g.values) for g in groups] == [5, 5, 5]:
        values = [v for g in groups for v in g.values]
        return _litigation(values, [f for g in groups for f in g.doubtful], groups[0])
    text = squash("".join(line.text for line in lines))
    if groups and all(word in text for word in _LITIGATION_WORDS):
        # The table is there but its numbers cannot be placed: keep it, with every cell unknown
        return TableResult(ReviewLitigation(review=OutcomeCounts(), litigation_direct=OutcomeCounts(),
                                            litigation_after_review=OutcomeCounts()),
                           {"review_litigation": Source(page=groups[0].page, quote=groups[0].quote)}, unreadable=True)
    return None


def _litigation(values: list[Value], flags: list[bool], group: Group) -> TableResult:
    table = ReviewLitigation()
    doubts: list[Doubt] = []
    for k, name in enumerate(LITIGATION_GROUPS):
        chunk = [_as_int(v) for v in values[k * 5 : k * 5 + 5]]
        setattr(table, name, OutcomeCounts(**dict(zip(OUTCOME_COLUMNS, chunk, strict=True))))
        doubts += [Doubt(path=f"review_litigation.{name}.{column}", page=group.page, read=value)
                   for column, value, doubtful in zip(OUTCOME_COLUMNS, chunk, flags[k * 5 : k * 5 + 5], strict=False)
                   if doubtful]
    quote = " ".join(_fmt(v) for v in values)
    return TableResult(table, {"review_litigation": Source(page=group.page, quote=quote)}, doubts=doubts)
