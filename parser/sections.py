"""Find the six section headings of a report in its lines.

Headings vary (`一、` `一.` `（一）`, long and short names, spaces inside words, a heading split over
two lines, a heading repeated after a page break) and prose reuses their words (「（一）主动公开政府信息
情况。2024年度…」), so a candidate must be a short line whose words are a heading's, and the best
candidate per section wins, in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parser.layout import Line
from parser.model import SECTION_KEYS
from parser.textutil import CN_ORDINAL, cn_to_int, nfkc, squash

# Per section: phrases that make up its heading (any one suffices), longest first.
HEADING_PHRASES: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况", "总体概况", "基本情况", "概述", "总体要求"),
    "active": ("主动公开政府信息情况", "主动公开政府信息", "主动公开情况", "主动公开"),
    "applications": (
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请",
        "收到和处理政府信息",
        "政府信息公开申请情况",
        "依申请公开政府信息情况",
        "依申请公开情况",
        "依申请公开",
    ),
    "review_litigation": (
        "政府信息公开行政复议行政诉讼情况",
        "行政复议行政诉讼情况",
        "行政复议行政诉讼",
        "行政复议和行政诉讼",
        "行政复议及行政诉讼",
        "复议诉讼情况",
        "复议诉讼",
    ),
    "problems": (
        "存在的主要问题及改进情况",
        "存在的主要问题和改进情况",
        "存在的主要问题及改进措施",
        "存在的问题及改进情况",
        "存在的问题和改进情况",
        "存在的问题及改进措施",
        "主要问题及改进情况",
        "问题及改进情况",
        "存在问题及改进情况",
        "存在问题和改进措施",
        "存在的主要问题",
        "存在的问题",
        "存在问题",
        "主要问题",
    ),
    "other_matters": (
        "其他需要报告的事项",
        "其他需要报告事项",
        "其他需报告的事项",
        "其他需报告事项",
        "其他事项",
    ),
}
ORDINALS = {key: i + 1 for i, key in enumerate(SECTION_KEYS)}
HEADING_MAX_CHARS = 30  # a heading's words (numbering, spaces and punctuation aside); longer is prose

_NUMBERING = re.compile(
    rf"^\s*(?:(?P<cn>{CN_ORDINAL})\s*[、.．,，]|[(（]\s*(?P<paren>{CN_ORDINAL})\s*[)）]"
    rf"|(?P<arabic>\d{{1,2}})\s*[、.．](?!\d)|第(?P<part>{CN_ORDINAL})部分)\s*"
)


@dataclass(slots=True)
class Heading:
    key: str
    line: int  # index of the heading's first line
    end: int  # index after its last line (a heading may span two lines)
    printed_number: str | None
    text: str
    page: int | None


def split_numbering(text: str) -> tuple[str | None, int | None, str, str]:
    """(printed numbering, its value, style, rest) of a line's leading numbering."""
    text = nfkc(text)
    m = _NUMBERING.match(text)
    if not m:
        return None, None, "", text.strip()
    if m.group("cn"):
        value, style = cn_to_int(m.group("cn")), "top"
    elif m.group("paren"):
        value, style = cn_to_int(m.group("paren")), "paren"
    elif m.group("arabic"):
        value, style = int(m.group("arabic")), "arabic"
    else:
        value, style = cn_to_int(m.group("part")), "top"
    return m.group(0).strip(), value, style, text[m.end() :].strip()


def _match_key(rest: str) -> tuple[str, float] | None:
    """Which section a heading text names, with how much of the text the phrase covers."""
    body = squash(rest)
    if not body or len(body) > HEADING_MAX_CHARS:
        return None
    best: tuple[str, float] | None = None
    for key, phrases in HEADING_PHRASES.items():
        for phrase in phrases:
            if phrase in body:
                share = len(phrase) / len(body)
                if best is None or share > best[1]:
                    best = (key, share)
                break
    return best


# A top-level numbering inside a text, not at its start: where a heading may begin mid-cell
_INNER_NUMBERING = re.compile(r"(?<=\S)[一二三四五六七八九十]{1,3}\s*[、.．]\s*(?=\S)")


def _beside_row(lines: list[Line], i: int) -> tuple[Heading, float] | None:
    """A heading printed on the same line as a table row: a PDF whose table runs over the text after it
    (a borderless table continued on a new page) gives 「四、结转下年度继续办理六、其他需要报告的事项」
    in the row's label cell. Only a heading with its own, right number at the end of the cell counts,
    and it yields to the same heading on a line of its own. The row stays in the section before."""
    line = lines[i]
    for cell in line.cells:
        cell = nfkc(cell)
        for m in _INNER_NUMBERING.finditer(cell):
            printed, value, _, rest = split_numbering(cell[m.start() :])
            found = _match_key(rest)
            if found and found[1] >= 0.8 and value == ORDINALS[found[0]]:
                text = cell[m.start() :]
                return Heading(found[0], i + 1, i + 1, printed, text, line.page), 0.5 + found[1]
    return None


def _candidate(lines: list[Line], i: int) -> tuple[Heading, float] | None:
    line = lines[i]
    if line.is_row and len([c for c in line.cells if c]) > 1:
        return _beside_row(lines, i)
    texts = [line.text]
    if i + 1 < len(lines) and not lines[i + 1].is_row:
        texts.append(line.text + lines[i + 1].text)  # a heading split over two lines
    best = None
    for span, text in enumerate(texts, start=1):
        printed, value, style, rest = split_numbering(text)
        found = _match_key(rest)
        if not found:
            continue
        key, share = found
        if share < 0.5:
            continue  # the line says much more than a heading: prose that reuses its words
        ordinal = ORDINALS[key]
        if value is not None and value != ordinal:
            if style != "top":
                continue  # （一）主动公开… inside section 一 is a sub-heading, not section 二
            # a top-level heading with the wrong number: still the heading, reported later. A lower
            # number is what a missing earlier section leaves (五 printed as 四、): as sure as a right one
            score = 2.0 if value < ordinal else 1.0
        elif value is None:
            score = 1.5
        else:
            score = {"top": 3.0, "paren": 2.0, "arabic": 2.0}[style]
        score += share - (0.3 if span == 2 else 0.0)
        heading = Heading(key, i, i + span, printed, text, line.page)
        if best is None or score > best[1]:
            best = (heading, score)
    return best


def find_headings(lines: list[Line]) -> list[Heading]:
    """The best heading for each section, kept only where the sections come in template order."""
    best: dict[str, tuple[Heading, float]] = {}
    for i in range(len(lines)):
        found = _candidate(lines, i)
        if not found:
            continue
        heading, score = found
        prev = best.get(heading.key)
        if prev is None or score > prev[1]:
            best[heading.key] = (heading, score)
    chosen = sorted(best.values(), key=lambda hs: hs[0].line)
    # Keep the best-scoring chain in template order: a stray match out of order is dropped.
    chains: list[tuple[float, list[Heading]]] = []
    for heading, score in chosen:
        base = max(
            (
                c
                for c in chains
                if ORDINALS[c[1][-1].key] < ORDINALS[heading.key] and c[1][-1].end <= heading.line
            ),
            key=lambda c: c[0],
            default=(0.0, []),
        )
        chains.append((base[0] + score, [*base[1], heading]))
    return max(chains, key=lambda c: c[0], default=(0.0, []))[1]
