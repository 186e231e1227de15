"""Ruled tables and words from pdfium's character boxes and path objects, the way pdfplumber finds them.

pdfplumber (on pdfminer) costs 50–150 ms a page; pdfium has already parsed the page and knows every
character's box and every path. This module follows pdfplumber's documented algorithms with its
default settings — the "lines" table strategy (snap, join, intersect, smallest cells, tables of
cells sharing corners) and its word and text extraction (x and y tolerance 3) — so that the reader
gets the same rows and words at the cost of a few milliseconds.

Coordinates are pdfplumber's: x from the left, `top`/`bottom` from the top of the page.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

SNAP = 3.0  # pdfplumber's snap_tolerance
JOIN = 3.0  # join_tolerance
INTERSECT = 3.0  # intersection_tolerance
EDGE_MIN = 3.0  # edge_min_length
EDGE_MIN_PREFILTER = 1.0  # edge_min_length_prefilter
X_TOL = 3.0  # word extraction: x_tolerance
Y_TOL = 3.0  # y_tolerance


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    def __getitem__(self, key: str):  # the reader reads words as pdfplumber's dicts
        return getattr(self, key)


# An edge: (x0, x1, top, bottom); vertical when its orientation says so
Edge = tuple[float, float, float, float]


class Unsettled(Exception):
    """The page holds something this fast path does not read like pdfplumber (rotated text, odd text)."""


def _void_fn(fn, restype, *argtypes):
    """The same pdfium function, taking and returning plain addresses: pypdfium2's prototypes wrap
    every pointer result in a new ctypes object, which costs more than the call itself."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_loose_box = _void_fn(
    pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)
_text_object = _void_fn(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)


def page_chars(textpage, top_of_page: float) -> list[Char]:
    """Every character pdfium read on the page, boxed as pdfminer boxes them.

    x: from the origin over the advance width (pdfium's "loose" box). y: from the baseline up by the
    font size — pdfminer starts at the font's declared descent, which LibreOffice declares as 0 and
    other producers as the font's own; the baseline keeps the characters of one line, whatever their
    font, on one line. Spaces pdfium generated between words are dropped: pdfplumber splits words by
    the gap instead.

    A text object's characters share one matrix and font size, and in horizontal writing one baseline:
    those are asked once an object, the box once a character. A character whose box stands higher or
    lower than its object's first (vertical writing moves down the object) is asked in full."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP (two UTF-16 units): read them the slow way
        raise Unsettled("text length")
    address = ctypes.cast(raw, ctypes.c_void_p).value
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    oxr, oyr = ctypes.byref(ox), ctypes.byref(oy)
    matrix = pdfium_c.FS_MATRIX()
    mref = ctypes.byref(matrix)
    loose, text_object, generated = _loose_box, _text_object, pdfium_c.FPDFText_IsGenerated
    origin, char_matrix, font_size = (
        pdfium_c.FPDFText_GetCharOrigin,
        pdfium_c.FPDFText_GetMatrix,
        pdfium_c.FPDFText_GetFontSize,
    )
    spans: dict[int, tuple[float, float, float]] = {}  # text object → top, baseline, box bottom
    chars: list[Char] = []
    append = chars.append
    for i, ch in enumerate(text):
        if ch.isspace() and (ch in "\r\n" or generated(raw, i)):
            continue
        if not loose(address, i, ref):
            continue
        obj = text_object(address, i)
        span = spans.get(obj) if obj else None
        if span is None or abs(span[2] - rect.bottom) > 0.5:  # its float32 box wavers by ~0.02
            if not origin(raw, i, oxr, oyr) or not char_matrix(raw, i, mref):
                continue
            if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
                raise Unsettled("rotated or mirrored text")  # pdfplumber reads such text its own way
            baseline = top_of_page - oy.value
            span = (baseline - font_size(raw, i) * matrix.d, baseline, rect.bottom)
            if obj and obj not in spans:
                spans[obj] = span
        append(Char(ch, rect.left, rect.right, span[0], span[1]))
    return chars


def page_edges(paths: list, top_of_page: float) -> tuple[list[Edge], list[Edge]]:
    """Vertical and horizontal edges of the page's paths — (path object, matrix to page space)
    pairs — as pdfminer splits paths into lines, rectangles and curves: each straight,
    axis-parallel piece is an edge; a lone segment is a line, "vertical" unless exactly horizontal."""
    vertical: list[Edge] = []
    horizontal: list[Edge] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    xr, yr = ctypes.byref(x), ctypes.byref(y)
    seg_type, seg_point, seg_close = (
        pdfium_c.FPDFPathSegment_GetType,
        pdfium_c.FPDFPathSegment_GetPoint,
        pdfium_c.FPDFPathSegment_GetClose,
    )
    MOVE, BEZIER = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO

    def emit(points: list[tuple[float, float]], closed: bool) -> None:
        if closed and points and points[-1] != points[0]:
            points.append(points[0])
        if len(points) < 2:
            return
        if len(points) == 2 or (len(points) == 3 and closed):  # pdfminer's LTLine ("ml", "mlh")
            (ax, ay), (bx, by) = points[0], points[1]
            pairs = [((ax, ay), (bx, by), ay == by)]
        else:
            pairs = [(p, q, None) for p, q in zip(points, points[1:], strict=False)]
        for (ax, ay), (bx, by), flat in pairs:
            if flat is None:
                if ay == by:
                    flat = True
                elif ax == bx:
                    flat = False
                else:
                    continue  # a slanted piece of a curve: no edge
            edge = (min(ax, bx), max(ax, bx), top_of_page - max(ay, by), top_of_page - min(ay, by))
            if flat:
                if edge[1] - edge[0] >= EDGE_MIN_PREFILTER:
                    horizontal.append(edge)
            elif edge[3] - edge[2] >= EDGE_MIN_PREFILTER:
                vertical.append((edge[0], edge[0], edge[2], edge[3]))

    for obj, (a, b, c, d, e, f) in paths:
        points: list[tuple[float, float]] = []
        closed = False
        curve = 0
        for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            kind = seg_type(seg)
            if kind == MOVE:
                emit(points, closed)
                points, closed, curve = [], False, 0
            if kind == BEZIER:
                curve += 1
                if curve % 3:
                    continue  # control points: pdfminer keeps a curve's end point only
            seg_point(seg, xr, yr)
            px, py = x.value, y.value
            points.append((a * px + c * py + e, b * px + d * py + f))
            if seg_close(seg):
                closed = True
        emit(points, closed)
    return vertical, horizontal


def compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    if outer == (1, 0, 0, 1, 0, 0):
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


# ---- pdfplumber's table finder ("lines" strategy, default settings) ----


def _cluster_ids(values, tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: sorted distinct values, a new cluster after each gap > tolerance."""
    ids: dict[float, int] = {}
    last = None
    n = -1
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            n += 1
        ids[v] = n
        last = v
    return ids


def _snap(edges: list[Edge], vertical: bool) -> list[Edge]:
    key = 0 if vertical else 2
    ids = _cluster_ids((e[key] for e in edges), SNAP)
    groups: dict[int, list[Edge]] = {}
    for e in sorted(edges, key=lambda e: ids[e[key]]):
        groups.setdefault(ids[e[key]], []).append(e)
    out: list[Edge] = []
    for group in groups.values():
        avg = sum(e[key] for e in group) / len(group)
        for x0, x1, top, bottom in group:
            if vertical:
                d = avg - x0
                out.append((x0 + d, x1 + d, top, bottom))
            else:
                d = avg - top
                out.append((x0, x1, top + d, bottom + d))
    return out


def _join(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Edges on one line joined where they touch within JOIN (pdfplumber's join_edge_group)."""
    key, lo, hi = (0, 2, 3) if vertical else (2, 0, 1)
    out: list[Edge] = []
    edges = sorted(edges, key=lambda e: e[key])  # stable, as pdfplumber's groupby over a sorted list
    i = 0
    while i < len(edges):
        j = i
        while j < len(edges) and edges[j][key] == edges[i][key]:
            j += 1
        group = sorted(edges[i:j], key=lambda e: e[lo])
        joined = [list(group[0])]
        for e in group[1:]:
            last = joined[-1]
            if e[lo] <= last[hi] + JOIN:
                if e[hi] > last[hi]:
                    last[hi] = e[hi]
            else:
                joined.append(list(e))
        out += [tuple(e) for e in joined]  # type: ignore[misc]
        i = j
    return out


def find_tables(
    vertical: list[Edge], horizontal: list[Edge]
) -> list[list[tuple[float, float, float, float]]]:
    """Tables as lists of cells (x0, top, x1, bottom), top to bottom, as pdfplumber's TableFinder."""
    v = [e for e in _join(_snap(vertical, True), True) if e[3] - e[2] >= EDGE_MIN]
    h = [e for e in _join(_snap(horizontal, False), False) if e[1] - e[0] >= EDGE_MIN]
    if not v or not h:
        return []
    # intersections: point → (ids of vertical edges, ids of horizontal edges) through it
    points: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    v_sorted = sorted(range(len(v)), key=lambda i: (v[i][0], v[i][2]))
    h_sorted = sorted(range(len(h)), key=lambda i: (h[i][2], h[i][0]))
    for vi in v_sorted:
        vx, _, vtop, vbottom = v[vi]
        for hi in h_sorted:
            hx0, hx1, htop, _ = h[hi]
            if (
                vtop <= htop + INTERSECT
                and vbottom >= htop - INTERSECT
                and hx0 - INTERSECT <= vx <= hx1 + INTERSECT
            ):
                entry = points.setdefault((vx, htop), (set(), set()))
                entry[0].add(vi)
                entry[1].add(hi)
    cells = _cells(points)
    return _tables(cells)


def _cells(
    points: dict[tuple[float, float], tuple[set[int], set[int]]],
) -> list[tuple[float, float, float, float]]:
    """For each intersection, the smallest cell it is the top-left corner of (intersections_to_cells)."""
    ordered = sorted(points)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for p in ordered:  # sorted by (x, y): each list is in the order pdfplumber scans it
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    cells = []
    for pt in ordered:
        v_here, h_here = points[pt]
        column = by_x[pt[0]]
        row = by_y[pt[1]]
        below = column[column.index(pt) + 1 :]
        right = [p for p in row if p[0] > pt[0]]
        found = None
        for below_pt in below:
            if not (v_here & points[below_pt][0]):
                continue
            for right_pt in right:
                if not (h_here & points[right_pt][1]):
                    continue
                corner = (right_pt[0], below_pt[1])
                if (
                    corner in points
                    and points[corner][0] & points[right_pt][0]
                    and (points[corner][1] & points[below_pt][1])
                ):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells that share corners form one table (cells_to_tables); single cells are no table."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[tuple[float, float, float, float]]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(find(i), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def table_rows(
    cells: list[tuple[float, float, float, float]],
) -> list[list[tuple[float, float, float, float] | None]]:
    """Rows of a table, each cell at its column (None where a merged cell covers it): Table.rows."""
    xs = sorted({c[0] for c in cells})
    rows: dict[float, dict[float, tuple]] = {}
    for cell in sorted(cells, key=lambda c: (c[1], c[0])):
        rows.setdefault(cell[1], {})[cell[0]] = cell
    return [[row.get(x) for x in xs] for row in rows.values()]


def table_bbox(cells) -> tuple[float, float, float, float]:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )


class CharIndex:
    """Characters sorted by their vertical middle, to find those in a band quickly."""

    def __init__(self, chars: list[Char]):
        self.items = sorted(((c.top + c.bottom) / 2, (c.x0 + c.x1) / 2, n, c) for n, c in enumerate(chars))
        self.keys = [it[0] for it in self.items]

    def band(self, top: float, bottom: float) -> list[tuple[float, float, int, Char]]:
        return self.items[bisect_left(self.keys, top) : bisect_left(self.keys, bottom)]


def extract_rows(index: CharIndex, cells) -> list[list[str | None]]:
    """Table.extract(): a cell holds the characters whose middle lies in it (right and bottom open)."""
    out = []
    for row in table_rows(cells):
        present = [c for c in row if c is not None]
        x0, top, x1, bottom = table_bbox(present)
        row_chars = [it for it in index.band(top, bottom) if x0 <= it[1] < x1]
        # A row's cells stand side by side (they come from one grid): each character belongs to the
        # cell whose columns hold its middle, found by bisection instead of testing every cell
        lefts = [c[0] for c in present]
        side_by_side = all(a[2] <= b[0] for a, b in zip(present, present[1:], strict=False))
        owned: dict[int, list] = {}
        for it in row_chars:
            if side_by_side:
                k = bisect_right(lefts, it[1]) - 1
                candidates = [present[k]] if k >= 0 else []
            else:
                candidates = present
            for cell in candidates:
                if cell[0] <= it[1] < cell[2] and cell[1] <= it[0] < cell[3]:
                    owned.setdefault(id(cell), []).append(it)
        texts: list[str | None] = []
        for cell in row:
            if cell is None:
                texts.append(None)
                continue
            chars = owned.get(id(cell), [])
            chars.sort(key=lambda it: it[2])  # back to the page's order, as pdfplumber keeps it
            texts.append(extract_text([it[3] for it in chars]) if chars else "")
        out.append(texts)
    return out


# ---- pdfplumber's word and text extraction (default settings) ----


def _cluster(items: list, key, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects: groups of items whose keys chain within `tolerance`, in key
    order, each group in the items' own order."""
    if len(items) < 2:
        return [items] if items else []
    keys = [key(i) for i in items]
    order = sorted(range(len(items)), key=keys.__getitem__)
    ids = [0] * len(items)
    n = 0
    last = keys[order[0]]
    for j in order:
        k = keys[j]
        if k > last + tolerance:
            n += 1
        ids[j] = n
        last = k
    if n == 0:
        return [items]
    groups: list[list] = [[] for _ in range(n + 1)]
    for j, item in enumerate(items):
        groups[ids[j]].append(item)
    return groups


def extract_words(chars: list[Char]) -> list[Word]:
    """Lines by `top` (within Y_TOL), left to right; a word ends at a blank or a gap over X_TOL."""
    words: list[Word] = []
    for line in _cluster(chars, lambda c: c.top, Y_TOL):
        line.sort(key=lambda c: c.x0)
        current: list[Char] = []
        for char in line:
            if char.text.isspace():
                if current:
                    words.append(_word(current))
                current = []
                continue
            if current:
                prev = current[-1]
                if char.x0 < prev.x0 or char.x0 > prev.x1 + X_TOL or abs(char.top - prev.top) > Y_TOL:
                    words.append(_word(current))
                    current = []
            current.append(char)
        if current:
            words.append(_word(current))
    return words


LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _word(chars: list[Char]) -> Word:
    if len(chars) == 1:  # the most common word in a table cell: one number or one character
        c = chars[0]
        return Word(LIGATURES.get(c.text, c.text), c.x0, c.x1, c.top, c.bottom)
    return Word(
        "".join(LIGATURES.get(c.text, c.text) for c in chars),
        min(c.x0 for c in chars),
        max(c.x1 for c in chars),
        min(c.top for c in chars),
        max(c.bottom for c in chars),
    )


def extract_text(chars: list[Char]) -> str:
    """Words, grouped into lines by `top`: a space between words, a newline between lines."""
    tops = [c.top for c in chars]
    if tops and max(tops) - min(tops) <= Y_TOL:
        return _one_line_text(chars)
    return _lines_text(chars)


def _lines_text(chars: list[Char]) -> str:
    lines = _cluster(extract_words(chars), lambda w: w.top, Y_TOL)
    return "\n".join(" ".join(w.text for w in line) for line in lines)


def _one_line_text(chars: list[Char]) -> str:
    """extract_text of characters that make one line (most cells: a number, a short label), without
    building its words: split where extract_words splits, at a blank or a gap over X_TOL."""
    words: list[str] = []
    current: list[str] = []
    right = None  # x1 of the word's last character
    for char in sorted(chars, key=_x0):
        if char.text.isspace():
            if current:
                words.append("".join(current))
            current, right = [], None
            continue
        if right is not None and char.x0 > right + X_TOL:
            words.append("".join(current))
            current = []
        current.append(LIGATURES.get(char.text, char.text))
        right = char.x1
    if current:
        words.append("".join(current))
    return " ".join(words)


def _x0(char: Char) -> float:
    return char.x0
