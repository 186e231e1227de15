"""Ruled tables: the grid from the ruling lines, merged cells where a border is missing, and each
cell's ink cut out of the full-resolution page for the recogniser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parser.readers.ocr.text import Char

INK = 128  # grey level under which a pixel is ink
LIGHT_INK = 190  # grey level under which a pixel belongs to a glyph's extent
# px of white around a cell's ink (at TARGET_LONG_SIDE) for its first reading; a doubtful cell is read
# again with a tighter margin, so that the recogniser sees its glyphs at another size
CELL_PAD, REREAD_PAD = 20, 10
# px inside a cell's box (which runs from rule centre to rule centre) skipped on every side: the
# rule's own pixels and their scan blur
CELL_INSET = 6
MIN_LINE = 10  # px: the least height of a line of text in a cell (9 pt is ~25 px)
LINE_GAP = 3  # px of blank rows that part two lines in a cell
# a line in a cell is at least this share of the cell's tallest line; a thinner run (a bar of "二",
# a speck) joins the line before it
LINE_MIN_SHARE = 0.5
# a label wrapped a character or two a line: at least this many lines, none wider than this many
# times its height
STACKED_MIN_LINES = 3
STACKED_MAX_WIDTH = 2.6
# the blank between stacked lines laid side by side: a line's height divided by this, at least the min
STRIP_GAP_DIVISOR, STRIP_MIN_GAP = 4, 2
EDGE = 4  # px of the page kept around a cell's ink before the white margin
CELL_MIN_INK = 12  # dark pixels below which a cell is empty (scanner specks)
MIN_BOX = 4  # px: a detected box narrower or lower than this holds no text

# adaptive threshold that finds ink on unevenly lit scans: neighbourhood (px, odd) and offset (grey levels)
THRESHOLD_BLOCK, THRESHOLD_OFFSET = 25, 15
# a rule is at least this long: the page's width / H_RULE_DIVISOR across, its height / V_RULE_DIVISOR
# down, and never under RULE_MIN_PX (shorter strokes are text)
H_RULE_DIVISOR, V_RULE_DIVISOR, RULE_MIN_PX = 35, 70, 20
# px a rule is thickened by, along it and across it: bridges the gaps a scan leaves in thin rules
RULE_BRIDGE_ALONG, RULE_BRIDGE_ACROSS = 5, 3
# a table is at least the page's width / this wide and TABLE_MIN_HEIGHT px high
TABLE_MIN_WIDTH_DIVISOR, TABLE_MIN_HEIGHT = 4, 40
RULE_MIN_SHARE = 0.02  # of the table's width (or height) a row (or column) of rule pixels must cover
MIN_RULES = 3  # rules each way: fewer is a frame or a single rule around prose, not a table
RULE_MERGE = 12  # px: rules closer than this are one (a thick or doubled rule)
RULE_BAND = 4  # px either side of a rule's centre line where its pixels are looked for
BORDER_PRESENT = 0.6  # share of a cell's side the rule must cover for the border to be there


@dataclass(slots=True)
class Cell:
    r0: int
    c0: int
    r1: int  # inclusive
    c1: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
    chars: list[Char] = field(default_factory=list)
    text: str = ""
    doubtful: bool = False
    conf: float = 0.0  # the recogniser's least sure character, when the cell was read whole


@dataclass(slots=True)
class Table:
    box: tuple[int, int, int, int]
    rows: list[list[Cell]]


def find_tables(grey) -> list[Table]:
    """Ruled tables on a level page: the grid from long thin lines, merged cells where a border is missing."""
    import cv2

    h, w = grey.shape
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, THRESHOLD_BLOCK, THRESHOLD_OFFSET
    )
    horizontal = cv2.morphologyEx(
        ink,
        cv2.MORPH_OPEN,
        cv2.getStructuringElement(cv2.MORPH_RECT, (max(RULE_MIN_PX, w // H_RULE_DIVISOR), 1)),
    )
    vertical = cv2.morphologyEx(
        ink,
        cv2.MORPH_OPEN,
        cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(RULE_MIN_PX, h // V_RULE_DIVISOR))),
    )
    # bridge one-pixel gaps a scan leaves in thin rules
    horizontal = cv2.dilate(
        horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_BRIDGE_ALONG, RULE_BRIDGE_ACROSS))
    )
    vertical = cv2.dilate(
        vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_BRIDGE_ACROSS, RULE_BRIDGE_ALONG))
    )
    grid = cv2.bitwise_or(horizontal, vertical)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables: list[Table] = []
    for k in range(1, count):
        x, y, bw, bh, _area = stats[k]
        if bw < w / TABLE_MIN_WIDTH_DIVISOR or bh < TABLE_MIN_HEIGHT:
            continue
        ys = _rule_positions(horizontal[y : y + bh, x : x + bw].sum(axis=1) / 255, bw * RULE_MIN_SHARE)
        xs = _rule_positions(vertical[y : y + bh, x : x + bw].sum(axis=0) / 255, bh * RULE_MIN_SHARE)
        ys = [y + v for v in ys]
        xs = [x + v for v in xs]
        if len(ys) < MIN_RULES or len(xs) < MIN_RULES:
            continue  # a frame or a single rule around prose, not a table
        table = _grid(xs, ys, horizontal, vertical)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables


def _rule_positions(profile, minimum: float) -> list[int]:
    """Centres of runs where the projected rule pixels exceed `minimum`."""
    positions: list[int] = []
    start = None
    for i, v in enumerate(list(profile) + [0]):
        if v > minimum and start is None:
            start = i
        elif v <= minimum and start is not None:
            positions.append((start + i - 1) // 2)
            start = None
    merged: list[int] = []
    for p in positions:  # a thick or doubled rule is one rule
        if merged and p - merged[-1] < RULE_MERGE:
            merged[-1] = (merged[-1] + p) // 2
        else:
            merged.append(p)
    return merged


def _grid(xs: list[int], ys: list[int], horizontal, vertical) -> Table | None:
    rows, cols = len(ys) - 1, len(xs) - 1

    def has_vertical(c: int, r: int) -> bool:  # the rule at xs[c] between ys[r] and ys[r+1]
        x = xs[c]
        band = vertical[
            ys[r] + RULE_BAND : ys[r + 1] - RULE_BAND + 1, max(0, x - RULE_BAND) : x + RULE_BAND + 1
        ]
        return band.size > 0 and (band.max(axis=1) > 0).mean() > BORDER_PRESENT

    def has_horizontal(r: int, c: int) -> bool:  # the rule at ys[r] between xs[c] and xs[c+1]
        y = ys[r]
        band = horizontal[
            max(0, y - RULE_BAND) : y + RULE_BAND + 1, xs[c] + RULE_BAND : xs[c + 1] - RULE_BAND + 1
        ]
        return band.size > 0 and (band.max(axis=0) > 0).mean() > BORDER_PRESENT

    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not has_vertical(c + 1, r):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not has_horizontal(r + 1, c):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    spans: dict[int, list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            root = find(r * cols + c)
            span = spans.setdefault(root, [r, c, r, c])
            span[0], span[1] = min(span[0], r), min(span[1], c)
            span[2], span[3] = max(span[2], r), max(span[3], c)
    cells = [
        Cell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])) for r0, c0, r1, c1 in spans.values()
    ]
    if max(c.c1 - c.c0 + 1 for c in cells) == cols and len(cells) <= rows:
        return None  # every row one cell wide: boxed prose
    by_row: list[list[Cell]] = [[] for _ in range(rows)]
    for cell in cells:
        by_row[cell.r0].append(cell)
    table_rows = [sorted(row, key=lambda c: c.c0) for row in by_row if row]
    return Table((xs[0], ys[0], xs[-1], ys[-1]), table_rows)


def _inner(grey, box):
    """The part of the page inside a cell's rules."""
    x0, y0, x1, y1 = box
    return grey[y0 + CELL_INSET : y1 - CELL_INSET + 1, x0 + CELL_INSET : x1 - CELL_INSET + 1]


def cell_lines(grey, box) -> list[tuple[object, tuple[int, int, int, int]]]:
    """A cell's lines of text, each as a crop for the recogniser and its box on the page: a blank
    run of pixel rows parts two lines (a label wrapped in its cell); strokes too thin to be a line
    of their own ("二"'s bars) stay with their line."""
    import numpy as np

    x0, y0, x1, y1 = box
    inner = _inner(grey, box)
    if inner.size == 0:
        return []
    dark = inner < INK
    if dark.sum() < CELL_MIN_INK:
        return []
    light = inner < LIGHT_INK  # thin strokes (the slope of a "2", "一" in 150-dpi scans) are grey, not black
    rows = np.flatnonzero(light.sum(axis=1))
    runs: list[list[int]] = [[rows[0], rows[0]]]
    for r in rows[1:]:
        if r - runs[-1][1] > LINE_GAP:
            runs.append([r, r])
        else:
            runs[-1][1] = r
    # a line is at least half the tallest and MIN_LINE px high; a sliver (a bar of "二", a speck)
    # joins the line before it
    least = max(LINE_MIN_SHARE * max(b - a + 1 for a, b in runs), MIN_LINE)
    merged: list[list[int]] = []
    for run in runs:
        if merged and (run[1] - run[0] + 1 < least or merged[-1][1] - merged[-1][0] + 1 < least):
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    out = []
    spans = []
    for top, bottom in merged:
        cols = np.flatnonzero(light[top : bottom + 1].sum(axis=0))
        spans.append((top, bottom, int(cols[0]), int(cols[-1])))
    if len(spans) >= STACKED_MIN_LINES and all(
        c1 - c0 + 1 <= STACKED_MAX_WIDTH * (b - t + 1) for t, b, c0, c1 in spans
    ):
        # a label wrapped a character or two a line in a narrow cell: laid out as one line, as it is read
        return [(_vertical_strip(inner, spans), (x0, y0, x1, y1))]
    for top, bottom, *_ in spans:
        cols = np.flatnonzero(light[top : bottom + 1].sum(axis=0))
        part = (
            x0 + CELL_INSET + int(cols[0]),
            y0 + CELL_INSET + int(top),
            x0 + CELL_INSET + int(cols[-1]) + 1,
            y0 + CELL_INSET + int(bottom) + 1,
        )
        out.append((_ink_crop(grey, part, CELL_PAD), part))
    return out


def _vertical_strip(inner, spans):
    """Short lines set one under the other, side by side in one strip at one height (BGR)."""
    import cv2
    import numpy as np

    height = max(b - t + 1 for t, b, _, _ in spans)
    gap = np.full((height, max(STRIP_MIN_GAP, height // STRIP_GAP_DIVISOR)), 255, dtype=np.uint8)
    pieces = []
    for top, bottom, c0, c1 in spans:
        glyph = inner[top : bottom + 1, c0 : c1 + 1]
        pad_top = (height - glyph.shape[0]) // 2
        glyph = cv2.copyMakeBorder(
            glyph, pad_top, height - glyph.shape[0] - pad_top, 0, 0, cv2.BORDER_CONSTANT, value=255
        )
        pieces += [glyph, gap]
    strip = cv2.copyMakeBorder(
        np.hstack(pieces[:-1]), CELL_PAD, CELL_PAD, CELL_PAD, CELL_PAD, cv2.BORDER_CONSTANT, value=255
    )
    return cv2.cvtColor(strip, cv2.COLOR_GRAY2BGR)


def _ink_crop(grey, part, pad: int):
    """The ink box `part` with a little of the page around it (the glyphs' soft edges carry thin
    strokes such as a "1"'s flag), then a white margin (BGR)."""
    import cv2

    h, w = grey.shape
    x0, y0, x1, y1 = part
    edge = min(EDGE, pad)
    ink = grey[max(0, y0 - edge) : min(h, y1 + edge), max(0, x0 - edge) : min(w, x1 + edge)]
    crop = cv2.copyMakeBorder(
        ink, pad - edge, pad - edge, pad - edge, pad - edge, cv2.BORDER_CONSTANT, value=255
    )
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)


def box_crop(grey, box):
    """A detected box from the full-resolution page, as the recogniser takes it (BGR), or None."""
    import cv2

    h, w = grey.shape
    x0, y0, x1, y1 = (
        max(0, int(box[0])),
        max(0, int(box[1])),
        min(w, int(box[2]) + 1),
        min(h, int(box[3]) + 1),
    )
    if x1 - x0 < MIN_BOX or y1 - y0 < MIN_BOX:
        return None
    return cv2.cvtColor(grey[y0:y1, x0:x1], cv2.COLOR_GRAY2BGR)


def cell_crop(grey, box, pad: int):
    """A cell's ink with `pad` px of margin (BGR), or None when the cell is empty."""
    import numpy as np

    x0, y0, x1, y1 = box
    inner = _inner(grey, box)
    if inner.size == 0:
        return None
    dark = inner < INK
    if dark.sum() < CELL_MIN_INK:
        return None
    ys, xs = np.nonzero(inner < LIGHT_INK)
    part = (
        x0 + CELL_INSET + int(xs.min()),
        y0 + CELL_INSET + int(ys.min()),
        x0 + CELL_INSET + int(xs.max()) + 1,
        y0 + CELL_INSET + int(ys.max()) + 1,
    )
    return _ink_crop(grey, part, pad)
