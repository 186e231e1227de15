"""Rows of a table from the lines of any format, and their alignment with the template's rows.

Every reader's lines become one stream of label text and values. Values that follow each other
form a group (a table row); the text before a group is its label. Structured rows (DOCX, HTML,
PDF ruling lines, tab-separated text) keep their blank cells as explicit empty values; text
streams (PDF text, extracted TXT) carry values across line breaks. Groups are then aligned with the
template's rows in order by label similarity, which survives wrapped, misspelt and interleaved
labels, missing numbering and vertical group labels spelt out one character per line.
parser/tables.py reads tables 二、三、四 with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from parser.layout import Line
from parser.textutil import LEADING_NUMBER, bigrams, coverage, is_page_number, nfkc, squash

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

    def add_value(
        self, value: Value, raw: str, page: int | None, doubtful: bool = False, empty: bool = False
    ) -> None:
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
        self.groups.append(
            Group(
                squash(label),
                self.values,
                self.page,
                self.structured,
                " ".join(self.quote)[:120],
                label,
                self.doubtful,
                self.empty,
            )
        )
        self.label, self.values, self.quote, self.page, self.structured = [], [], [], None, False
        self.doubtful, self.empty = [], []


_UNIT = re.compile(r"(?<=\d)(?:件|条|个|项|次|人次|万元|元)$")
# 2019 table 2's 本年增/减 is signed: 「-1」「－1」「−1」「减少1」, 「+1」「增加1」. A dash alone is a null
# mark (above), and 「-3-」 (a page number) is no value: the sign must stand right before the digits
# and nothing after them.
_SIGN = re.compile(r"^(?P<sign>[-−–—﹣]|减少|减|[+]|增加|增)(?P<number>\d.*)$")


@lru_cache(maxsize=8192)  # the same cells are tried by each table's reader in turn
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


@lru_cache(maxsize=8192)  # each table's reader splits the same lines again
def _text_tokens(text: str) -> tuple[tuple[str, Value | str], ...]:
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
            if (
                after in {"、", ".", "．", "，", ","}
                or before in {"第", "("}
                or after in {"号", "年", "月", "日", "页"}
            ):
                continue  # numbering or a reference, part of the label
            if m.start() > pos:
                tokens.append(("text", chunk[pos : m.start()]))
            number = float(m.group())
            tokens.append(("value", int(number) if "." not in m.group() else number))
            pos = m.end()
        if pos < len(chunk):
            tokens.append(("text", chunk[pos:]))
    return tuple(tokens)


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
                stream.add_value(
                    parse_value(cell)[1], cell or "·", line.page, index in line.doubtful, not cell
                )
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
                    stream.add_value(token, format_value(token), line.page, index in line.doubtful)  # type: ignore[arg-type]
    stream.close()
    return stream.groups


def format_value(value: Value) -> str:
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
    return [
        column
        for column, i in zip(columns, slots, strict=False)
        if i is not None and i < len(group.doubtful) and group.doubtful[i]
    ]


# ---- tunables of the alignment (label similarity is 0–1: the share of the row's label found) ----

# A group takes a row only at this similarity or more; below it, it is noise or the row is missing
ALIGN_THRESHOLD = 0.34
# A group whose label was lost (numbers alone): its place in the order decides, just above the threshold
LOST_LABEL_SIMILARITY = 0.35
# A label wrapped in a narrow cell shows its beginning before the numbers: the head counts, a little less
HEAD_WEIGHT = 0.9
# Labels of blank rows piled up before the last numbered label weigh less than that label
EARLIER_LABELS_WEIGHT = 0.85
# The last numbered label cut short before the numbers (at least CUT_LABEL_MIN characters)
CUT_LABEL_WEIGHT = 0.95
CUT_LABEL_MIN = 4
# The text right before the numbers is the row's own: a bonus over text carried from wrapped neighbours
OWN_TAIL_BONUS = 0.1


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


def is_shadowed(label: str, start: int, row: RowSpec) -> bool:
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
        if is_shadowed(label, m.start(), row):
            out += [label[pos : m.start()], "|"]
            pos = m.end()
    return "".join(out) + label[pos:]


class Similarities:
    """The similarity of each group with each template row, each pair worked out once (table 3 is aligned
    twice, with and without the （六） sub-rows), and what depends on the group alone once per group."""

    def __init__(self, groups: list[Group]):
        self.groups = groups
        self._last = [_last_label(g) for g in groups]
        self._pairs = [bigrams(g.label) for g in groups]
        self._fits: dict[tuple[int, int], bool] = {}
        self._columns: dict[str, list[float]] = {}  # row key → similarity of each group

    def matrix(self, rows: list[RowSpec]) -> list[tuple[float, ...]]:
        """Each group's similarity with each of `rows`."""
        return list(zip(*(self._column(row) for row in rows), strict=True)) or [() for _ in self.groups]

    def _column(self, row: RowSpec) -> list[float]:
        column = self._columns.get(row.key)
        if column is None:
            want = bigrams(row.canonical)
            column = self._columns[row.key] = [
                # a label sharing no pair of the row's words fails _similarity's first test (most pairs)
                self._similarity(i, row) if not group.label or not self._pairs[i].isdisjoint(want) else 0.0
                for i, group in enumerate(self.groups)
            ]
        return column

    def _similarity(self, i: int, row: RowSpec) -> float:
        fits = self._fits.get((i, row.width))
        if fits is None:
            fits = self._fits[(i, row.width)] = fit_slots(self.groups[i], row.width) is not None
        return _similarity(self.groups[i], row, fits, self._last[i])


def align(
    groups: list[Group],
    rows: list[RowSpec],
    threshold: float = ALIGN_THRESHOLD,
    similarities: Similarities | None = None,
) -> tuple[dict[str, Group], float]:
    """Monotone alignment of groups to rows maximising label similarity (Needleman–Wunsch style).
    `similarities`: of these groups, shared by several alignments of them."""
    n, m = len(groups), len(rows)
    sims = (similarities or Similarities(groups)).matrix(rows)
    # score[i][j]: best total for the first i groups and first j rows. Scores are never negative, so
    # the first choice is always taken and a later one only when strictly better
    score = [[0.0] * (m + 1)]
    move = [[0] + [2] * m]  # row 0: rows not printed
    for i in range(1, n + 1):
        above, row_sims = score[-1], sims[i - 1]
        here, how_here = [above[0]] + [0.0] * m, [1] + [0] * m
        for j in range(1, m + 1):
            best, how = above[j], 1  # group is noise
            if here[j - 1] > best:
                best, how = here[j - 1], 2  # row not printed
            sim = row_sims[j - 1]
            if sim >= threshold and above[j - 1] + sim > best:
                best, how = above[j - 1] + sim, 3
            here[j], how_here[j] = best, how
        score.append(here)
        move.append(how_here)
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
_NUMBERED = re.compile(
    r"[(（]\s*[一二七]\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|(?<![\d.])\d{1,2}\s*[.、．](?!\d)"
)


def _last_label(group: Group) -> str:
    """The text from the last row numbering in the group's label on, when other text comes before it."""
    raw = nfkc(group.raw_label)
    marks = list(_NUMBERED.finditer(raw))
    if not marks:
        return ""
    last = squash(raw[marks[-1].end() :])
    return last if len(last) >= 2 and squash(raw[: marks[-1].start()]) else ""


def similarity(group: Group, row: RowSpec) -> float:
    """How well the group's label (and its count of values) fits the template row: 0–1, a little
    more with OWN_TAIL_BONUS."""
    return _similarity(group, row, fit_slots(group, row.width) is not None, _last_label(group))


def _similarity(group: Group, row: RowSpec, fits: bool, last_label: str) -> float:
    if not fits:
        return 0.0
    if not group.label:
        return LOST_LABEL_SIMILARITY  # a row whose label was lost: its place in the order decides
    label = own_text(group.label, row)
    sim = coverage(row.canonical, label)
    if not sim:
        return 0.0
    # A label wrapped in a narrow cell shows its beginning before the numbers, the rest after
    head = row.canonical[: max(4, len(row.canonical) // 2)]
    sim = max(sim, HEAD_WEIGHT * coverage(head, label))
    # Labels of blank rows gather before the next numbers (a text stream drops blank rows): the last
    # numbered label is the row's own, the ones before it weigh less (「1.属于国家秘密 … 5.属于三类内部
    # 事务 1 0 0 …」 is 5.'s row)
    last = own_text(last_label, row)
    if last:
        # from its number on, a label cut short before the numbers is all of this row's words
        # (「5.要求行政机关确认」 of 「5.要求行政机关确认或重新出具已获取信息」)
        cut = CUT_LABEL_WEIGHT * coverage(last, row.canonical) if len(last) >= CUT_LABEL_MIN else 0.0
        sim = max(
            EARLIER_LABELS_WEIGHT * sim,
            coverage(row.canonical, last),
            HEAD_WEIGHT * coverage(head, last),
            cut,
        )
    # The label's own end weighs more than noise carried over from wrapped neighbours: the text right
    # before the numbers is the row's own (「（六）其他处理」 of a blank row, then 「总计 376 …」: 总计's,
    # not （六）'s; 「5.属于三类内部事务」 wrapped before the numbers: 5.'s, not 1.'s)
    pairs = bigrams(row.canonical)
    if label[-2:] in pairs or label[-3:-1] in pairs:
        tail = label[-max(len(row.canonical) + 2, 4) :]
        sim = max(sim, coverage(row.canonical, tail) + OWN_TAIL_BONUS)
    return sim
