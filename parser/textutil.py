"""Text helpers shared by the table reader and the metadata reader."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their plain forms; odd spaces to spaces."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u3000", " ").replace("\xa0", " ")


def squash(text: str) -> str:
    """Only CJK characters, letters and digits: for comparing labels whatever their punctuation."""
    return "".join(_KEEP.findall(nfkc(text)))


@lru_cache(maxsize=4096)
def bigrams(text: str) -> frozenset[str]:
    # cached: the table reader compares every row label with every template label
    if len(text) < 2:
        return frozenset({text} if text else ())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def coverage(canonical: str, observed: str) -> float:
    """Share of the canonical label's character pairs found in the observed text."""
    want = bigrams(canonical)
    if not want:
        return 0.0
    have = bigrams(observed)
    return len(want & have) / len(want)


def cn_to_int(text: str) -> int | None:
    """二十九 → 29, 二〇二四 → 2024 (digit by digit when there is no unit), 12 → 12."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            unit = CN_UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def join_broken_lines(lines: list[str]) -> str:
    """Join lines a PDF broke in the middle of words: CJK needs no space; Latin words keep one."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "
        out += line
    return out


# A space between two CJK characters (or full-width forms) is spacing, not a separator: 「结 果」
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")


def close_cjk_gaps(text: str) -> str:
    return _CJK_GAP.sub("", text)


def join_pieces(pieces) -> str:
    """The lines of one table cell as one string: a wrapped Chinese label rejoins without a gap,
    two numbers that sat on separate lines stay apart."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and out[-1].isdigit() and piece[0].isdigit():
            out += " "
        out += piece
    return out
