"""PDF: every page read once with pypdfium2; tables found from its character boxes and paths.

pypdfium2 gives a page's text in a few milliseconds; pdfplumber's layout analysis (on pdfminer)
costs 50–150 ms a page. So each page is read once with pypdfium2, which also tells whether the
page has ruling lines or many numbers; on those pages `pdf_grid` finds the ruled tables (merged
cells appear once) and the words around them from pdfium's character boxes and path objects, the
way pdfplumber would. Only a page that fast path cannot settle (rotated text or page) goes through
pdfplumber. On a table page printed from a web site, a sidebar running beside the article is read as a
column of its own (`_gutter`), not joined into the article's lines.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parser.errors import ReportError, corrupt
from parser.layout import Document, Line, row_line, text_line
from parser.readers import pdf_grid
from parser.textutil import close_cjk_gaps, is_page_number, join_pieces

log = logging.getLogger("nianbao.pdf")
# pdfminer (under pdfplumber) warns "Could not get FontBBox" once per font per page on browser-printed
# PDFs: thousands of lines that bury the journal. Its errors still show.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MAX_PAGES = 60  # reports run 4–15 pages; anything far longer is not one (and would be slow)
MARGIN = 0.08  # top/bottom share of the page height where running headers, footers, page numbers sit
LINE_TOL = 3.0  # points: words whose tops differ less than this are on one line

# In the margin bands: a bare number, or what is left of a page number pypdfium2 split in two ("- ", "3 -")
_MARGIN_FRAGMENT = re.compile(r"^[\s\-—–－~/第页共]*\d{0,3}[\s\-—–－~/第页共]*$")
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?%?$")
_SPACES = re.compile(r"\s+")
# pdfium marks soft hyphens and unknown glyphs with control characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\ufeff]")


def encrypted() -> ReportError:
    return ReportError(
        "encrypted",
        "PDF 文件已加密，无法读取。请发送未加密的文件。",
        "the PDF is encrypted and cannot be read; send an unencrypted file",
    )


def too_many_pages(pages: int) -> ReportError:
    return ReportError(
        "too_many_pages",
        f"PDF 共 {pages} 页，超过 {MAX_PAGES} 页的上限。年度报告通常只有 4–15 页，请只发送年度报告本身。",
        f"the PDF has {pages} pages, over the limit of {MAX_PAGES}; send the annual report alone",
    )


def no_text() -> ReportError:
    return ReportError(
        "no_text",
        "PDF 中没有可读取的文字（可能是扫描件）。",
        "the PDF has no text layer (probably a scan)",
    )


@dataclass(slots=True)
class _Text:
    """A text line with its vertical place: `top` in points from the page top, `where` as a share."""

    text: str
    top: float
    where: float | None  # 0 = page top, 1 = page bottom; None when unknown


@dataclass(slots=True)
class _Page:
    number: int  # 1-based
    items: list[_Text | list[str]] = field(default_factory=list)  # text lines and table rows, in order


def read(data: bytes) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise encrypted() from exc
        raise corrupt("PDF", str(exc)) from exc
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise too_many_pages(count)
        if count == 0:
            raise corrupt("PDF", "no pages")
        pages, _table_pages, unsettled = _scan(pdf)
    finally:
        pdf.close()
    if not any(p.items for p in pages):
        raise no_text()
    if unsettled:
        _read_tables(data, pages, unsettled)
    return Document(lines=_lines(pages), format="pdf", pages=count)


def _scan(pdf: pdfium.PdfDocument) -> tuple[list[_Page], set[int], set[int]]:
    """Every page read once by pdfium: text lines, and on pages that hold a table its rows and words.

    Returns the pages, the table pages (0-based) and those the fast path could not settle, which then
    go through pdfplumber — all table pages together, since what a table page finds carries to the next."""
    pages: list[_Page] = []
    unsettled: set[int] = set()
    table_pages: set[int] = set()
    carry: _Carry | None = None
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError as exc:
            raise corrupt("PDF", f"page {index + 1}: {exc}") from exc
        try:
            lines, carry = _scan_page(page, index, table_pages, unsettled, carry)
        except pdfium.PdfiumError as exc:  # a damaged page: say so plainly, not "the parser failed"
            raise corrupt("PDF", f"page {index + 1}: {exc}") from exc
        finally:
            page.close()
        pages.append(_Page(index + 1, lines))
    if unsettled:  # keep pdfium's text for the pages read fast; pdfplumber re-reads every table page
        unsettled.update(table_pages)
    return pages, table_pages, unsettled


def _scan_page(
    page: pdfium.PdfPage, index: int, table_pages: set[int], unsettled: set[int], carry: _Carry | None
) -> tuple[list[_Text | list[str]], _Carry | None]:
    """One page's text lines, or on a table page its rows among its lines (noting where it stands)."""
    height = page.get_height() or 842.0
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        lines: list[_Text | list[str]] = list(_pdfium_lines(textpage, text, height))
        ruled, paths = _paths(page) if lines else (False, [])
        if lines and (ruled or _numeric(lines)):  # type: ignore[arg-type]
            table_pages.add(index)
            if not unsettled:
                try:
                    grid, carry = _grid_items(page, textpage, paths, carry)
                    lines = grid or lines
                except pdf_grid.Unsettled:
                    unsettled.add(index)
    finally:
        textpage.close()
    return lines, carry


def _grid_items(
    page: pdfium.PdfPage, textpage, paths: list, carry: _Carry | None
) -> tuple[list[_Text | list[str]], _Carry]:
    """A table page's ruled tables and text lines from pdfium's character boxes and paths."""
    if page.get_rotation():
        raise pdf_grid.Unsettled("rotated page")  # pdfminer turns the coordinates; pdfium does not
    left, bottom, right, top = page.get_mediabox()
    chars = pdf_grid.page_chars(textpage, top)
    vertical, horizontal = pdf_grid.page_edges(paths, top)
    index = pdf_grid.CharIndex(chars)
    tables = []
    for cells in pdf_grid.find_tables(vertical, horizontal):
        tables.append((pdf_grid.table_bbox(cells), pdf_grid.extract_rows(index, cells)))
    return _items(tables, pdf_grid.extract_words(chars), (top - bottom) or 842.0, carry)


def _pdfium_lines(textpage, text: str, height: float) -> list[_Text]:
    """Lines as pypdfium2 gives them, each placed by its first character (one cheap call)."""
    out: list[_Text] = []
    pos = 0
    for raw in re.split(r"(\r\n|\r|\n)", text):
        start, pos = pos, pos + len(raw)
        if raw in ("\r\n", "\r", "\n"):
            continue
        line = _SPACES.sub(" ", _CONTROL.sub("", raw)).strip()
        if not line:
            continue
        first = start + (len(raw) - len(raw.lstrip()))
        try:
            _left, bottom, _right, upper = textpage.get_charbox(first)
        except (pdfium.PdfiumError, ValueError):
            bottom = upper = -1.0
        where = 1.0 - (bottom + upper) / 2 / height if upper > 0 else None
        out.append(_Text(line, height - upper, where))
    return out


def _paths(page: pdfium.PdfPage) -> tuple[bool, list]:
    """Whether the page draws at least a 2×2 grid of ruling lines (thin paths or stroked boxes), and
    its path objects with their matrices to page space (for the table finder).

    Raw calls: wrapping every page object in Python costs more than the text extraction."""
    horizontal = vertical = 0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = pdfium_c.FS_MATRIX()
    paths: list = []

    def walk(count, get, parent, outer, depth):
        nonlocal horizontal, vertical
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                continue
            m = pdf_grid.compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth < 3:
                    walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, m, depth + 1)
                continue
            paths.append((obj, m))
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            w, h = right.value - left.value, top.value - bottom.value
            if h <= 3 and w >= 10:
                horizontal += 1
            elif w <= 3 and h >= 10:
                vertical += 1
            elif w >= 10 and h >= 10:
                pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
                if stroke.value:  # an outlined box (a cell), not a shading fill
                    horizontal += 2
                    vertical += 2

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.raw, (1, 0, 0, 1, 0, 0), 0)
    return horizontal >= 3 and vertical >= 3, paths


def _numeric(lines: list[_Text]) -> bool:
    """Whether the text looks like a table without ruling lines: lines of mostly numbers."""
    hits = 0
    for line in lines:
        if is_page_number(line.text):
            continue
        tokens = line.text.split(" ")
        numbers = sum(1 for t in tokens if _NUMBER.match(t))
        if numbers and (numbers == len(tokens) or (numbers >= 3 and numbers >= 0.6 * len(tokens))):
            hits += 1
    # two such lines: a table's tail carried over to the next page is a table page too
    return hits >= 2


def _read_tables(data: bytes, pages: list[_Page], table_pages: set[int]) -> None:
    """Replace the pypdfium2 lines of table pages by pdfplumber's tables and text lines.

    pdfminer fails in its own ways on a damaged file that pdfium reads (a few flipped bytes, a
    broken MediaBox), even on closing: then each page keeps what pypdfium2 read."""
    import pdfplumber  # only documents with tables pay for importing pdfminer

    try:
        plumber = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001
        log.warning("pdfminer cannot parse this PDF (%s); keeping pypdfium2's text", _brief(exc))
        return
    carry: _Carry | None = None
    failed = 0
    try:
        for index in sorted(table_pages):
            page = None
            try:
                page = plumber.pages[index]
                items, carry = _plumber_items(page, carry)
            except Exception as exc:  # noqa: BLE001 - keep this page's pypdfium2 text
                failed += 1
                if failed == 1:
                    log.warning(
                        "pdfminer cannot read page %d (%s); keeping pypdfium2's text", index + 1, _brief(exc)
                    )
                continue
            finally:
                if page is not None:
                    try:
                        page.close()
                    except Exception:  # noqa: BLE001
                        pass
            if items:
                pages[index].items = items
    finally:
        try:
            plumber.close()
        except Exception:  # noqa: BLE001 - closing walks every page again
            pass


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"


def _plumber_items(page, carry: _Carry | None = None) -> tuple[list[_Text | list[str]], _Carry]:
    found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    tables = [(t.bbox, t.extract()) for t in found]
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    return _items(tables, words, float(page.height) or 842.0, carry)


def _items(
    tables: list[tuple[tuple, list[list[str | None]]]],
    words: list,
    height: float,
    carry: _Carry | None,
) -> tuple[list[_Text | list[str]], _Carry]:
    """A table page in reading order: the rows of its ruled tables among the lines of its other words.

    `tables` are (bbox, rows) with None where a merged cell covers a position; `words` have x0, x1,
    top, bottom and text, as pdfplumber gives them."""
    # A one-column "table" is a frame or shading around prose: read it as text
    tables = [t for t in tables if any(sum(c is not None for c in row) >= 2 for row in t[1])]
    blocks: list[tuple[tuple, float, list]] = []
    for bbox, extracted in tables:
        rows = [cells for cells in (_cells(row) for row in extracted) if any(cells)]
        blocks.append((bbox, bbox[1], rows))
    boxes = [t[0] for t in tables]
    words = [w for w in words if not any(_inside(w, box) for box in boxes)]
    groups = _word_groups(words)
    # the page's first and last lines in its margins (a browser's header and footer: date and title,
    # address and page) stay whole, at the top and the bottom, whatever columns the page has
    head = groups[:1] if groups and _top_of(groups[0]) < MARGIN * height else []
    foot = groups[-1:] if len(groups) > len(head) and _top_of(groups[-1]) > (1 - MARGIN) * height else []
    body = groups[len(head) : len(groups) - len(foot)]
    gutter = _gutter(body, boxes, carry.gutter if carry else None)
    if gutter is not None:  # a printed web page: its sidebar, then its article (with the tables)
        body = [part for group in body for part in _split_at(group, gutter.x)]
    groups = head + body + foot
    aligned, columns = _aligned_rows(groups, carry.columns if carry else None)
    place = gutter.place if gutter is not None else _one_column
    margins = {id(g): (0, 0) for g in head} | {id(g): (3, 0) for g in foot} if gutter is not None else {}
    items: list[tuple[int, int, float, int, _Text | list[str]]] = []
    for group, line in zip(groups, _word_lines(groups, height), strict=True):
        cells = aligned.get(id(group))
        key = margins.get(id(group)) or place(line.top, group[0]["x0"])
        items.append((*key, line.top, 0, cells if cells is not None else line))
    for n, (bbox, top, rows) in enumerate(blocks):
        for k, cells in enumerate(rows):
            items.append((*place(top, bbox[0]), top, 1 + n * 10000 + k, cells))
    items.sort(key=lambda it: it[:4])
    return [it[4] for it in items], _Carry(columns, gutter.x if gutter is not None else None)


@dataclass(frozen=True)
class _Carry:
    """What a table page leaves to the next: table 3's columns (its rows go on over the page), and
    where a printed page's sidebar stood beside the article (it stands there on the next page too)."""

    columns: list[float] | None = None
    gutter: float | None = None


GUTTER_MIN = 12.0  # points: the blank strip between a printed page's sidebar and the article beside it
GUTTER_LINES = 6  # lines with text on both sides of it, at least (fewer: a table header's coincidence)
SIDE_WORDS = 2  # words on a side of such a line, at most: a link (a date and a title), a line of prose
ARTICLE_CHARS = 10  # Chinese characters a line of the article holds, on average, at least
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Gutter:
    """A blank strip at `x` splitting the lines from `top` to `bottom` into two columns."""

    x: float
    top: float
    bottom: float

    def place(self, top: float, x0: float) -> tuple[int, int]:
        """(band, column) of an item: above the columns, in them (left, then right), or below them."""
        if top < self.top - LINE_TOL:
            return 0, 0
        if top > self.bottom + LINE_TOL:
            return 2, 0
        return 1, int(x0 >= self.x)


def _one_column(top: float, x0: float) -> tuple[int, int]:
    return 0, 0


def _top_of(group: list[dict]) -> float:
    return min(w["top"] for w in group)


def _gutter(groups: list[list[dict]], boxes: list[tuple], previous: float | None = None) -> _Gutter | None:
    """Where a page printed from a web site stands in two columns (a sidebar of links beside the
    article), which pdfplumber's words join into one line: a strip at least GUTTER_MIN wide, left blank
    by GUTTER_LINES lines or more that run on both sides of it, and crossed by no word and no table from
    the first of these lines to the last.

    Both sides of such lines read as text, not as cells: Chinese, in a word or two (a link, a line of
    the article), and the article's lines are long. A borderless table's labels and numbers, or its
    header's short words side by side, are no columns; neither is a line with a gap above or below
    prose, which crosses the strip.

    `previous`: the strip the page before had. It holds here as soon as one line runs on both sides of
    it and nothing crosses it (a table's rows going on beside the sidebar: many words a side)."""
    if previous is not None and (kept := _strip(groups, boxes, previous)) is not None:
        return kept
    # the strips to try: just left of where a line goes on after a wide gap (the article's left edge)
    starts: set[int] = set()
    gapped = 0  # lines with such a gap
    for group in groups:
        found = {
            round(b["x0"]) for a, b in zip(group, group[1:], strict=False) if b["x0"] - a["x1"] >= GUTTER_MIN
        }
        starts |= found
        gapped += bool(found)
    if gapped < GUTTER_LINES:
        return None
    best: _Gutter | None = None
    best_count = 0
    for start in sorted(starts):
        x = start - GUTTER_MIN / 2
        two_sided = _two_sided(groups, x)
        if len(two_sided) < max(GUTTER_LINES, best_count + 1) or not _text_both_sides(two_sided, x):
            continue
        if (found := _strip(groups, boxes, x, two_sided)) is not None:
            best, best_count = found, len(two_sided)
    return best


def _two_sided(groups: list[list[dict]], x: float) -> list[list[dict]]:
    """The lines with words on both sides of `x` and none across it."""
    return [g for g in groups if g[0]["x0"] < x < g[-1]["x1"] and not any(w["x0"] < x < w["x1"] for w in g)]


def _strip(
    groups: list[list[dict]], boxes: list[tuple], x: float, two_sided: list[list[dict]] | None = None
) -> _Gutter | None:
    """The strip at `x` from the first line on both sides of it to the last, unless a word or a table
    crosses it there; None too when no line runs on both sides."""
    two_sided = _two_sided(groups, x) if two_sided is None else two_sided
    if not two_sided:
        return None
    top = min(w["top"] for g in two_sided for w in g)
    bottom = max(w["bottom"] for g in two_sided for w in g)
    crossed = any(
        w["x0"] < x < w["x1"] and top - LINE_TOL <= w["top"] <= bottom + LINE_TOL for g in groups for w in g
    ) or any(b[0] < x < b[2] and b[1] < bottom and b[3] > top for b in boxes)
    return None if crossed else _Gutter(x, top, bottom)


def _text_both_sides(lines: list[list[dict]], x: float) -> bool:
    """Whether nearly all these lines hold text, not table cells, on both sides of `x`: Chinese in at
    most SIDE_WORDS words a side; and one side's lines hold ARTICLE_CHARS Chinese characters on average."""
    fitting = 0
    chinese = [0, 0]
    for line in lines:
        sides = [[w["text"] for w in line if w["x1"] <= x], [w["text"] for w in line if w["x0"] >= x]]
        counts = [len(_CJK.findall("".join(side))) for side in sides]
        fitting += all(counts) and all(len(side) <= SIDE_WORDS for side in sides)
        chinese = [chinese[0] + counts[0], chinese[1] + counts[1]]
    return fitting >= 0.8 * len(lines) and max(chinese) >= ARTICLE_CHARS * len(lines)


def _split_at(group: list[dict], x: float) -> list[list[dict]]:
    """A line's words left and right of a column gutter, as two lines (one when all stand on one side)."""
    left = [w for w in group if w["x1"] <= x]
    right = [w for w in group if w["x1"] > x]
    return [part for part in (left, right) if part]


def _inside(word: dict, box: tuple) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _word_groups(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines by their vertical place, each line left to right."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        last = lines[-1] if lines else None
        if last is not None:
            top = min(w["top"] for w in last)
            bottom = max(w["bottom"] for w in last)
            middle = (word["top"] + word["bottom"]) / 2
            if abs(word["top"] - top) <= LINE_TOL or top <= middle <= bottom:
                last.append(word)
                continue
        lines.append([word])
    for group in lines:
        group.sort(key=lambda w: w["x0"])
    return [g for g in lines if _SPACES.sub(" ", " ".join(w["text"] for w in g)).strip()]


def _word_lines(groups: list[list[dict]], height: float) -> list[_Text]:
    """The lines of words `_word_groups` gives, as text: left to right, a space between words."""
    out = []
    for group in groups:
        text = _SPACES.sub(" ", " ".join(w["text"] for w in group)).strip()
        top = min(w["top"] for w in group)
        bottom = max(w["bottom"] for w in group)
        out.append(_Text(text, top, (top + bottom) / 2 / height))
    return out


_VALUE = re.compile(r"^(?:[-+]?\d[\d,，]*(?:\.\d+)?|/|／|—|－|-|无)$")
APPLICANT_COLUMNS = 7  # table 3: six kinds of applicant and the total


def _aligned_rows(
    groups: list[list[dict]], columns: list[float] | None = None
) -> tuple[dict[int, list[str]], list[float] | None]:
    """Borderless table 3: rows whose blank cells left no word behind, placed by the x of their numbers.

    The columns are where the numbers of full rows (seven of them) stand — on this page when two full
    rows agree, else as found on the page before. A shorter row's numbers go to the nearest columns,
    the others are blank; when a number has no column of its own the line stays text."""
    trailing: dict[int, list[dict]] = {}
    for group in groups:
        k = len(group)
        while k > 0 and _VALUE.match(group[k - 1]["text"]):
            k -= 1
        if k < len(group):
            trailing[id(group)] = group[k:]
    full = [values for values in trailing.values() if len(values) == APPLICANT_COLUMNS]
    if len(full) >= 2:
        columns = [
            sorted((v[j]["x0"] + v[j]["x1"]) / 2 for v in full)[len(full) // 2]
            for j in range(APPLICANT_COLUMNS)
        ]
    if columns is None:
        return {}, None
    spacing = min(b - a for a, b in zip(columns, columns[1:], strict=False))
    if spacing <= 0:
        return {}, None
    rows: dict[int, list[str]] = {}
    for group in groups:
        values = trailing.get(id(group))
        if not values or len(values) > APPLICANT_COLUMNS or len(values) == len(group):
            continue  # every row of table 3 has a label: numbers alone are something else (「- 3 -」)
        cells = [""] * APPLICANT_COLUMNS
        for word in values:
            x = (word["x0"] + word["x1"]) / 2
            j = min(range(APPLICANT_COLUMNS), key=lambda c: abs(columns[c] - x))
            if abs(columns[j] - x) > spacing / 2 or cells[j]:
                break  # off the columns, or two numbers in one: not a row of this table
            cells[j] = word["text"]
        else:
            label = close_cjk_gaps(" ".join(w["text"] for w in group[: len(group) - len(values)]))
            rows[id(group)] = [label, *cells]
    return rows, columns


def _cells(row: list[str | None]) -> list[str]:
    """A row's distinct cells: None marks a position a merged cell covers, "" a real empty cell."""
    return [_cell_text(c) for c in row if c is not None]


def _cell_text(text: str) -> str:
    # Chinese labels wrap inside narrow cells: rejoin without a space, except between two numbers
    return join_pieces(close_cjk_gaps(_SPACES.sub(" ", piece).strip()) for piece in text.split("\n"))


def _lines(pages: list[_Page]) -> list[Line]:
    running = _running_texts(pages)
    lines: list[Line] = []
    for page in pages:
        for item in page.items:
            if isinstance(item, list):
                lines.append(row_line(item, page.number))
            elif not _furniture(item, running):
                lines.append(text_line(item.text, page.number))
    return lines


def _in_margin(item: _Text) -> bool:
    return item.where is not None and (item.where < MARGIN or item.where > 1 - MARGIN)


def _furniture(item: _Text, running: set[str]) -> bool:
    """Page numbers, running headers and footers (never table cells: rows don't come here)."""
    if is_page_number(item.text):
        return True
    if _in_margin(item):
        return bool(_MARGIN_FRAGMENT.match(item.text)) or _shape(item.text) in running
    return False


def _shape(text: str) -> str:
    # spaces aside: pdfium's text and the words of a table page space a running header differently
    return re.sub(r"\d+", "#", _SPACES.sub("", text))


def _running_texts(pages: list[_Page]) -> set[str]:
    """Texts in the margin bands that repeat on most pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_shape(i.text) for i in page.items if isinstance(i, _Text) and _in_margin(i)})
    return {s for s, n in seen.items() if n >= 3 and n >= len(pages) / 2}
