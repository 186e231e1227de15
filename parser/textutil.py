"""Text helpers shared by the readers, the table reader and the metadata reader: one place for
each pattern (heading numbering, page numbers) and each clean-up (spaces, cells, byte decoding)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


# nfkc and squash are cached: the table, heading and metadata readers normalise the same lines and
# cells many times over (strings in, strings out, so sharing the results is safe)
@lru_cache(maxsize=16384)
def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their plain forms; odd spaces to spaces."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u3000", " ").replace("\xa0", " ")


@lru_cache(maxsize=16384)
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


# ---- spaces and cells ----

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """Every kind of space (NBSP, full-width, tabs, newlines) becomes one ASCII space; ends stripped."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def join_cell(pieces: list[str]) -> str:
    """A cell's lines (DOCX, HTML) cleaned and joined as by `join_pieces`."""
    return join_pieces(clean_text(piece) for piece in pieces)


# ---- bytes ----


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes of a text file or a web page as text: a BOM; else UTF-16 when zero bytes show it; else
    strict UTF-8; else the `declared` charset (an HTML page's <meta>); else GB18030.

    UTF-8 goes before the declaration because CMS templates keep a stale "gb2312" on pages they
    serve as UTF-8, and GB18030 would decode those bytes into plausible-looking nonsense; a real
    GBK text essentially never happens to be valid UTF-8. GB18030 is a superset of GBK and GB2312;
    a text in none of these still decodes, with replacements.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without BOM: ASCII characters leave a zero byte on one side
        le = head[1::2].count(0) >= head[0::2].count(0)
        return data.decode("utf-16-le" if le else "utf-16-be", errors="replace")
    for codec in ("utf-8", declared, "gb18030"):
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    return data.decode(declared or "gb18030", errors="replace")


# ---- numbering and page numbers ----

# The Chinese numerals of a heading's or a row's numbering: 「三、」「（二）」「第一部分」
CN_NUMERALS = "一二三四五六七八九十"
CN_ORDINAL = f"[{CN_NUMERALS}]{{1,3}}"
# 「三、」「（二）」「2.」 printed before a heading or a table row's label
ITEM_NUMBER = rf"(?:{CN_ORDINAL}\s*[、.．]|[(（]\s*{CN_ORDINAL}\s*[)）]|\d{{1,2}}\s*[.、．])"
LEADING_NUMBER = re.compile(rf"^\s*{ITEM_NUMBER}")
TRAILING_NUMBER = re.compile(rf"({ITEM_NUMBER})\s*$")

# A whole line that is a page number: 「- 3 -」「第 3 页 共 6 页」「共6页 第3页」「3/6」「3页」「Page 3 of 6」
PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-—–－~]+\s*\d{1,3}\s*[-—–－~]+
      | 第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?
      | 共\s*\d{1,3}\s*页\s*[,，]?\s*第\s*\d{1,3}\s*页
      | \d{1,3}\s*/\s*\d{1,3}
      | [-—–－]?\s*\d{1,3}\s*[-—–－]?\s*页
      | (?:page|p\.)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?
    )\s*$""",
    re.X | re.I,
)
# In a page's top or bottom band a bare number is a page number too (「3」「- 3」), and so is a line
# that starts 「第3页」 whatever follows (an OCR'd footer 「第3页共6页」 with specks after it)
_BARE_PAGE_NUMBER = re.compile(r"^[-—–－~\s]*\d{1,3}[-—–－~\s]*$|^\s*第\s*\d{1,3}\s*页")


def is_page_number(text: str, *, in_margin: bool = False) -> bool:
    """A line that is only a page number; `in_margin` when it stands in the page's top or bottom band."""
    text = nfkc(text)
    return bool(PAGE_NUMBER.match(text) or (in_margin and _BARE_PAGE_NUMBER.match(text)))
