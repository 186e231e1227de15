"""Numbers in prose: 「3800 余条」「二十件」「约占 35%」 read as quantities, and a section's text to find them in.

`find_quantities(text)` reads every 「number + unit」; `Section` joins a section's paragraphs into one
text with the page of every offset and bisected sentence and clause bounds. parser.facts decides
what the quantities state.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from parser.model import Fact
from parser.textutil import cn_to_int

# Full-width digits and signs to ASCII, one character for one so positions stay valid for quoting.
_WIDTH = {0xFF10 + i: str(i) for i in range(10)} | {
    ord("％"): "%",
    ord("．"): ".",
    ord("\u3000"): " ",
    ord("\xa0"): " ",
    ord("，"): "，",
}

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万]+"
UNITS = ("人次", "万元", "元", "条", "件", "个", "期", "次", "份", "篇", "项", "场", "人", "名")
_QTY = re.compile(
    r"(?<![\dA-Za-z.第零〇一二两三四五六七八九十百千万])"
    rf"(?P<pre>大约|约|将近|接近|近|超过|逾)?\s*(?P<num>{_NUM}|{_CN})\s*(?P<wan>万(?!元))?\s*(?P<post>余|多)?\s*"
    rf"(?P<unit>{'|'.join(UNITS)})(?P<after>左右|以上)?"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = "。！？!?"
CLAUSE_SEP = "，,；;：:。！？!?（）()"
OPEN_PAREN, CLOSE_PAREN = "（(", "）)"


@dataclass(slots=True)
class Quantity:
    value: float
    unit: str
    start: int
    end: int
    approx: bool
    depth: int  # parenthesis depth: parts inside （…） are not parts of the list around them


def slack(value: float) -> float:
    """How far an approximate amount may be off: 3800 余 → 100, 20 余 → 10, 7 → 1."""
    n = int(abs(value))
    if n == 0:
        return 1.0
    zeros = 0
    while n % 10 == 0:
        n //= 10
        zeros += 1
    return float(10**zeros)


def interval(value: float, approx: bool) -> tuple[float, float]:
    s = slack(value) if approx else 0.0
    return value - s, value + s


def normalize(text: str) -> str:
    return text.translate(_WIDTH)


def find_quantities(text: str) -> list[Quantity]:
    """Every 「number + unit」 in `text` (already normalized), in order."""
    depth_at = depths(text)
    out: list[Quantity] = []
    for m in _QTY.finditer(text):
        raw = m.group("num")
        if raw[0].isdigit():
            value = float(raw.replace(",", ""))
        else:
            # 「三个问题」「一件事」: a Chinese numeral before a noun is wording, not a count
            nxt = text[m.end() : m.end() + 1]
            if _HAN.match(nxt) and not m.group("after"):
                continue
            number = cn_to_int(raw)
            if number is None:
                continue
            value = float(number)
        if m.group("wan"):
            value *= 10000
        approx = bool(m.group("pre") or m.group("post") or m.group("after"))
        out.append(Quantity(value, m.group("unit"), m.start(), m.end(), approx, depth_at[m.start()]))
    return out


def depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch in CLOSE_PAREN:
            depth = max(depth - 1, 0)
        depths.append(depth)
        if ch in OPEN_PAREN:
            depth += 1
    return depths


class Section:
    """One section's prose joined into one text, with the page of every offset and its sentences."""

    def __init__(self, key: str, paragraphs: list[tuple[int | None, str]]):
        self.key = key
        pieces, self.starts, self.pages = [], [], []
        offset = 0
        for page, text in paragraphs:
            self.starts.append(offset)
            self.pages.append(page)
            pieces.append(text)
            offset += len(text) + 1
        self.original = "\n".join(pieces)
        self.text = normalize(self.original)
        self.depth = depths(self.text)
        self.qty = find_quantities(self.text)  # in text order
        # positions, sorted, so that each look-up is a bisection: long prose stays linear
        self._qty_starts = [q.start for q in self.qty]
        self._sentence_ends = [i for i, ch in enumerate(self.text) if ch in SENTENCE_END]
        self._clause_seps = [i for i, ch in enumerate(self.text) if ch in CLAUSE_SEP]

    def qty_in(self, start: int, end: int) -> list[Quantity]:
        """Quantities that start in [start, end)."""
        return self.qty[bisect_left(self._qty_starts, start) : bisect_left(self._qty_starts, end)]

    def page(self, pos: int) -> int | None:
        index = bisect_right(self.starts, pos) - 1
        return self.pages[index] if index >= 0 else None

    @staticmethod
    def _bounds(marks: list[int], pos: int, end_offset: int, length: int) -> tuple[int, int]:
        """From just after the last mark before `pos` to the first mark at or after it."""
        k = bisect_left(marks, pos)
        start = marks[k - 1] + 1 if k else 0
        return start, (marks[k] + end_offset if k < len(marks) else length)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._sentence_ends, pos, 1, len(self.text))

    def sentence(self, pos: int) -> str:
        return self.span(*self.sentence_bounds(pos))

    def span(self, start: int, end: int) -> str:
        return re.sub(r"\s*\n\s*", "", self.original[start:end]).strip()

    def clause_bounds(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._clause_seps, pos, 0, len(self.text))

    def segments(self, q: Quantity) -> tuple[str, str, str]:
        """(left, right, clause): the words between q and its neighbours within its clause; the right
        side stops at 「、」 (「新收 5 件、上年结转 2 件」: 上年结转 belongs to the 2)."""
        cs, ce = self.clause_bounds(q.start)
        left_start, right_end = cs, ce
        for other in self.qty_in(cs, ce):
            if other.end <= q.start and other.end > left_start:
                left_start = other.end
            if other.start >= q.end and other.start < right_end:
                right_end = other.start
        pause = self.text.find("、", q.end, right_end)
        if pause >= 0:
            right_end = pause
        return self.text[left_start : q.start], self.text[q.end : right_end], self.text[cs:ce]

    def label(self, q: Quantity) -> str:
        left = self.segments(q)[0]
        left = re.sub(r"[\s、“”\"'《》]", "", left)
        return re.sub(r"^(?:其中|另有|通过|全年|共计|共|合计|累计|总计|约|近|有|为|达|的)+", "", left)

    def fact(self, kind: str, q: Quantity, **extra) -> Fact:
        return Fact(
            kind=kind,
            value=q.value,
            approx=q.approx,
            unit=q.unit,
            label=self.label(q),
            section=self.key,
            page=self.page(q.start),
            sentence=self.sentence(q.start),
            **extra,
        )
