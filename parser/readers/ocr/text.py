"""What the recogniser read, made text: look-alike letters made digits, doubt marked, a cell's
pieces put in reading order, and the words outside tables grouped into lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parser.layout import Line
from parser.textutil import close_cjk_gaps, is_page_number, join_pieces

if TYPE_CHECKING:
    from parser.readers.ocr.grid import Cell

DOUBT_CONFIDENCE = 0.90  # a digit read below this is marked doubtful
# a gap under this share of a character's height is no gap between Chinese characters
CJK_JOIN_GAP = 0.5
# two words are on one line when they overlap by more than this share of the shorter one's height
LINE_OVERLAP = 0.5
# numbers on a line from which it is a row of a borderless table (and a lone round glyph is a "0")
BORDERLESS_MIN_NUMBERS = 3
# share of the page's height at the top and at the bottom where a lone number is a page number
PAGE_MARGIN = 0.1

# letters the recogniser gives for digits in a number cell; the cell is then doubtful
DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "C": "0",
        "〇": "0",
        "○": "0",
        "。": "0",
        "°": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "b": "6",
        "g": "9",
        "q": "9",
        "[": "1",
        "]": "1",
        "!": "1",
    }
)
NUMBERISH = re.compile(r"^[0-9OoQDC〇○。°lI|iZzSsBbgq\[\]!.,，]+$")
HAS_DIGIT = re.compile(r"\d")
# what a blank-cell dash comes back as; also what a lone "1" comes back as when the detector's
# crop is tall and the engine turns it on its side, so such cells are read again
DASHES = {"一", "—", "－", "-", "–", "_", "__", "——", "丨"}
CJK = re.compile(r"[\u3400-\u9fff]")
ONE_LIKE = re.compile(r"^[1lI|!/\[\]]$")  # a lone stroke: "1", or the null mark "/" read alone
NULL_MARKS = {"/", "／"}
# a gap the recogniser reads between a name and the year after it ("…政府 2024年…"): one word
_YEAR_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=\d{4}\s*年)")
_ROUND = re.compile(r"^[OoQDC〇○。°]$")  # a lone "0" read alone comes back as any of these


@dataclass(slots=True)
class Piece:
    """Text the recogniser read and its box on the page; `conf` is its least sure character."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float


@dataclass(slots=True)
class Char(Piece):
    word: int  # index of the detected box it came from

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Word(Piece):
    chars: list[Char] = field(default_factory=list)


def number_text(text: str) -> tuple[str, bool]:
    """A cell or word that should be a number: (text with look-alike letters made digits, doubtful)."""
    compact = text.replace(" ", "")
    if compact and NUMBERISH.match(compact) and not compact.isdigit() and HAS_DIGIT.search(compact) is None:
        # letters only ("O", "D"): a lone zero the recogniser misread
        return compact.translate(DIGIT_LOOKALIKES), True
    if compact and NUMBERISH.match(compact) and HAS_DIGIT.search(compact):
        fixed = compact.translate(DIGIT_LOOKALIKES)
        return fixed, fixed != compact
    return text, False


def _low_confidence(chars: list[Char]) -> bool:
    return any(
        c.conf < DOUBT_CONFIDENCE for c in chars if HAS_DIGIT.search(c.text) or NUMBERISH.match(c.text)
    )


def set_cell(cell: Cell, text: str, confs: list[float]) -> None:
    """A cell read whole: numbers made digits, doubtful when the recogniser was unsure."""
    text = text.strip()
    fixed, guessed = number_text(text)
    if fixed in DASHES:
        cell.text = "—"  # the mark for a blank cell the table reader knows
        cell.doubtful = False
        return
    cell.text = fixed
    cell.conf = min(confs, default=0.0)
    number = bool(HAS_DIGIT.search(fixed)) and not CJK.search(fixed)
    # neither a number nor words ("x", "?"): a number the recogniser could not read
    junk = not CJK.search(fixed) and not number and fixed not in NULL_MARKS
    cell.doubtful = not fixed or junk or (number and (guessed or cell.conf < DOUBT_CONFIDENCE))


def cell_text(chars: list[Char]) -> str:
    """A cell's characters in reading order: lines by vertical overlap; wrapped Chinese rejoins
    without a gap, two numbers on separate lines or boxes stay apart."""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: c.cy):
        if lines:
            last = lines[-1]
            top = min(c.y0 for c in last)
            bottom = max(c.y1 for c in last)
            if top <= char.cy <= bottom:
                last.append(char)
                continue
        lines.append([char])
    pieces = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        piece = ""
        previous: Char | None = None
        for char in line:
            if previous is not None and char.word != previous.word and _joins_with_space(piece, char.text):
                piece += " "
            piece += char.text
            previous = char
        pieces.append(close_cjk_gaps(re.sub(r"\s+", " ", piece).strip()))
    return join_pieces(pieces)


def _joins_with_space(before: str, after: str) -> bool:
    return (
        bool(before)
        and before[-1].isalnum()
        and not CJK.match(before[-1])
        and after[:1].isalnum()
        and not CJK.match(after[:1])
    )


def _joined(words: list[Word]) -> list[Word]:
    """Words of one line that the detector split within Chinese text (a title's "…政府" and "2024年…")
    are one word again: a gap under half a character's height is no gap between Chinese characters."""
    out: list[Word] = []
    for word in words:
        last = out[-1] if out else None
        if (
            last is not None
            and word.x0 - last.x1 < CJK_JOIN_GAP * min(last.y1 - last.y0, word.y1 - word.y0)
            and (CJK.match(last.text[-1:]) or CJK.match(word.text[:1]))
        ):
            out[-1] = Word(
                last.text + word.text,
                last.x0,
                min(last.y0, word.y0),
                word.x1,
                max(last.y1, word.y1),
                min(last.conf, word.conf),
                last.chars + word.chars,
            )
        else:
            out.append(word)
    return out


def text_lines(words: list[Word], page: int, height: int) -> list[tuple[float, Line]]:
    """Words outside tables → (top, line): words on one line by their vertical overlap, left to right,
    one cell per word; page numbers in the top or bottom margin dropped."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        if lines:
            last = lines[-1]
            top = sum(w.y0 for w in last) / len(last)
            bottom = sum(w.y1 for w in last) / len(last)
            overlap = min(bottom, word.y1) - max(top, word.y0)
            if overlap > LINE_OVERLAP * min(bottom - top, word.y1 - word.y0):
                last.append(word)
                continue
        lines.append([word])
    out: list[tuple[float, Line]] = []
    for group in lines:
        group = _joined(sorted(group, key=lambda w: w.x0))
        cells: list[str] = []
        doubtful: list[int] = []
        # a row of a borderless table: several numbers, or lone round glyphs standing for zeros
        numbers = sum(1 for w in group for t in w.text.split() if t.isdigit() or _ROUND.match(t))
        for word in group:
            for token in _YEAR_GAP.sub("", word.text).split():
                if numbers >= BORDERLESS_MIN_NUMBERS and _ROUND.match(token):  # a borderless table's lone "0"
                    doubtful.append(len(cells))
                    cells.append("0")
                    continue
                # prose keeps its letters; only a token that already holds a digit is a number
                fixed, guessed = number_text(token) if HAS_DIGIT.search(token) else (token, False)
                if (
                    HAS_DIGIT.search(fixed)
                    and not CJK.search(fixed)
                    and (guessed or _low_confidence(word.chars))
                ):
                    doubtful.append(len(cells))
                cells.append(close_cjk_gaps(fixed))
        if not cells:
            continue
        top = min(w.y0 for w in group)
        text = " ".join(cells)
        where = (top + max(w.y1 for w in group)) / 2 / max(height, 1)
        if (where < PAGE_MARGIN or where > 1 - PAGE_MARGIN) and is_page_number(text, in_margin=True):
            continue  # a page number in the margin
        out.append((top, Line(cells, page, doubtful=doubtful)))
    return out
