"""Scans: OCR of images (PNG, JPEG, TIFF) and of PDFs without a usable text layer.

Each page is normalised to a size the recogniser reads small table digits at, deskewed (the
angle comes from the ink's row profile, so tilted scans of ±3° come out level), and read
with RapidOCR (PP-OCR models that ship inside the `rapidocr-onnxruntime` wheel: no network).

Tables with ruling lines are rebuilt from the lines themselves: the grid is found with
morphology, merged cells are found where a border is missing, and each cell is read on its own
from the full-resolution page, line by line (so a number never slides into a neighbour's cell and
a lone "0" the detector would miss is read too). Text outside a grid is found by the detector on a
reduced copy of the page and read from the full page. All pieces of a page are recognised in one
batched pass; pages are read two at a time. Everything outside a grid becomes text lines: words on
one line by their vertical overlap, left to right, one cell per word so that `Line.doubtful` can
point at a single number.

A number is doubtful when a digit was read with low confidence, when a letter had to be
taken for a digit (O→0, l→1 …), or when a cell with ink could not be read at all.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from parser.errors import ReportError, corrupt
from parser.layout import Document, Line
from parser.textutil import close_cjk_gaps, join_pieces

Progress = Callable[[int, int], None]

MAX_PAGES = 30  # a scanned report runs 4–15 pages; OCR costs seconds a page
# Pages are scaled so that their long side has about this many pixels: A4 at ~220 dpi, where
# 9–10.5 pt table digits are 25–30 px high, what the PP-OCR detector finds reliably
TARGET_LONG_SIDE = 2600
DETECT_LONG_SIDE = 1300  # px: text is found on the page reduced to this (a quarter of the pixels)
REC_BATCH = 8  # crops recognised together; sorted by shape, so a batch pads little
MAX_PIXELS = 40_000_000  # a decompression-bomb guard for images (PIL's own limit is ~89 MP)
DOUBT_CONFIDENCE = 0.90  # a digit read below this is marked doubtful
MAX_SKEW = 3.0  # degrees searched when levelling a page
SKEW_COARSE_STEP, SKEW_FINE_STEP = 0.25, 0.05  # degrees: a coarse search, then a fine one around its best
SKEW_MIN = 0.1  # degrees: a page turned by less is read as it is (rotating costs time and blurs)
SKEW_PROFILE_WIDTH = 900  # px: the page is measured for skew at this width, plenty for a row profile
# the machines this runs on have 2 cores; more onnxruntime threads than cores only spin (measured: 2
# threads on a busy 2-core machine used twice the CPU of 1 for the same work)
OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))  # pages read at once, one onnxruntime thread each
# px of white around a cell's ink (at TARGET_LONG_SIDE) for its first reading; a doubtful cell is read
# again with a tighter margin, so that the recogniser sees its glyphs at another size
CELL_PAD, REREAD_PAD = 20, 10
MIN_LINE = 10  # px: the least height of a line of text in a cell (9 pt is ~25 px)
LINE_GAP = 3  # px of blank rows that part two lines in a cell
EDGE = 4  # px of the page kept around a cell's ink before the white margin
LIGHT_INK = 190  # grey level under which a pixel belongs to a glyph's extent
CELL_MIN_INK = 12  # dark pixels below which a cell is empty (scanner specks)

# letters the recogniser gives for digits in a number cell; the cell is then doubtful
_DIGIT_LOOKALIKES = str.maketrans(
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
_NUMBERISH = re.compile(r"^[0-9OoQDC〇○。°lI|iZzSsBbgq\[\]!.,，]+$")
_HAS_DIGIT = re.compile(r"\d")
# what a blank-cell dash comes back as; also what a lone "1" comes back as when the detector's
# crop is tall and the engine turns it on its side, so such cells are read again
_DASHES = {"一", "—", "－", "-", "–", "_", "__", "——", "丨"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_ONE_LIKE = re.compile(r"^[1lI|!/\[\]]$")  # a lone stroke: "1", or the null mark "/" read alone
_NULL_MARKS = {"/", "／"}
# a gap the recogniser reads between a name and the year after it ("…政府 2024年…"): one word
_YEAR_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=\d{4}\s*年)")
_ROUND = re.compile(r"^[OoQDC〇○。°]$")  # a lone "0" read alone comes back as any of these
_PAGE_NUMBER = re.compile(r"^[-—–－~\s]*\d{1,3}[-—–－~\s]*$|^第\s*\d{1,3}\s*页")


def missing_engine() -> ReportError:
    return ReportError(
        "ocr_unavailable",
        "这是扫描件（图片），但本机未安装文字识别组件，无法读取。请发送带文字的 PDF 或 DOCX 文件。",
        "this is a scan but the OCR engine (rapidocr-onnxruntime) is not installed; send a PDF with text or DOCX",
    )


def too_many_pages(pages: int) -> ReportError:
    return ReportError(
        "too_many_pages",
        f"扫描件共 {pages} 页，超过文字识别 {MAX_PAGES} 页的上限。请只发送年度报告本身。",
        f"the scan has {pages} pages, over the OCR limit of {MAX_PAGES}; send the annual report alone",
    )


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


# ---- entry points ----


def read(data: bytes, progress: Progress | None = None) -> Document:
    """A scanned PDF or an image (PNG, JPEG, TIFF; multi-page TIFF too) → lines, `ocr=True`.

    `progress(page, pages)` is called before each page is read (1-based)."""
    from parser.detect import detect_format

    if detect_format(data) == "pdf":
        return read_pdf(data, progress)
    return read_image(data, progress)


def read_pdf(data: bytes, progress: Progress | None = None, pages: list[int] | None = None) -> Document:
    """OCR of a PDF's pages (1-based `pages`, default all): for scans, and for the scanned pages of a PDF
    whose other pages carry text."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise corrupt("PDF", str(exc)) from exc
    try:
        count = len(pdf)
        wanted = [p - 1 for p in pages] if pages is not None else list(range(count))
        if len(wanted) > MAX_PAGES:
            raise too_many_pages(len(wanted))

        def rendered():
            for index in wanted:
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    scale = TARGET_LONG_SIDE / max(width, height, 1.0)
                    bitmap = page.render(scale=scale, grayscale=True)
                    image = bitmap.to_numpy().copy()
                    bitmap.close()
                finally:
                    page.close()
                yield _grey(image), index + 1

        lines = _read_pages(rendered(), len(wanted), progress)
    finally:
        pdf.close()
    return Document(lines=lines, format="pdf", pages=count, ocr=True)


def image_pages(data: bytes, pages: list[int]) -> list[int]:
    """Of the 1-based `pages`, those that hold a picture (a scanned page inside a PDF with text)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    found = []
    pdf = pdfium.PdfDocument(data)
    try:
        for number in pages:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                    left, bottom, right, top = obj.get_bounds()
                    if (right - left) * (top - bottom) > 0.25 * width * height:  # not a logo or a seal
                        found.append(number)
                        break
            finally:
                page.close()
    finally:
        pdf.close()
    return found


def read_image(data: bytes, progress: Progress | None = None) -> Document:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        if image.width * image.height > MAX_PIXELS:
            raise ReportError(
                "too_large", "图片过大，无法识别。请缩小后再发送。", "the image is too large to read"
            )
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise corrupt("图片", str(exc)) from exc
    if frames > MAX_PAGES:
        raise too_many_pages(frames)

    def frames_read():
        for index in range(frames):
            try:
                image.seek(index)
                frame = ImageOps.exif_transpose(image).convert(
                    "L"
                )  # phone photos carry their rotation in EXIF
            except (OSError, ValueError) as exc:
                raise corrupt("图片", str(exc)) from exc
            yield _normalise(frame), index + 1

    lines = _read_pages(frames_read(), frames, progress)
    return Document(lines=lines, format="image", pages=frames, ocr=True)


def _read_pages(pages, count: int, progress: Progress | None) -> list[Line]:
    """`read_page` over (image, page number) pairs, OCR_WORKERS pages at a time, lines in page order.

    Pages are read side by side, each by one onnxruntime thread: a thread per page keeps both cores
    busy through the Python steps between model runs, which one page split over two threads cannot.
    At most OCR_WORKERS pages wait rendered, so memory stays that of a few pages."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    lines: list[Line] = []
    with ThreadPoolExecutor(OCR_WORKERS, thread_name_prefix="ocr") as pool:
        pending: deque = deque()
        for n, (grey, number) in enumerate(pages, start=1):
            if progress:
                progress(n, count)
            pending.append(pool.submit(read_page, grey, number))
            while len(pending) >= OCR_WORKERS:
                lines.extend(pending.popleft().result())
        while pending:
            lines.extend(pending.popleft().result())
    return lines


# ---- one page ----


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float
    word: int  # index of the detected box it came from

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float
    chars: list[_Char] = field(default_factory=list)


@dataclass(slots=True)
class _Cell:
    r0: int
    c0: int
    r1: int  # inclusive
    c1: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
    chars: list[_Char] = field(default_factory=list)
    text: str = ""
    doubtful: bool = False
    conf: float = 0.0  # the recogniser's least sure character, when the cell was read whole


@dataclass(slots=True)
class _Table:
    box: tuple[int, int, int, int]
    rows: list[list[_Cell]]


_engine_lock = threading.Lock()
_engine_instance = None


def _engine():
    global _engine_instance
    with _engine_lock:
        if _engine_instance is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise missing_engine() from exc
            # a page is never scaled down again inside the engine: we chose its size. Pages come levelled
            # and upright (deskew), so the angle classifier is skipped
            _engine_instance = RapidOCR(
                max_side_len=TARGET_LONG_SIDE * 2,
                print_verbose=False,
                use_cls=False,
                intra_op_num_threads=1,
                inter_op_num_threads=1,
            )
        return _engine_instance


def _grey(image):
    import numpy as np

    if image.ndim == 3:
        image = image[..., 0]
    return np.ascontiguousarray(image, dtype=np.uint8)


def _normalise(frame):
    """A PIL greyscale page scaled to TARGET_LONG_SIDE on its long side, as a numpy array."""
    import numpy as np
    from PIL import Image

    long_side = max(frame.size)
    scale = TARGET_LONG_SIDE / max(long_side, 1)
    if abs(scale - 1) > 0.05:
        size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
        frame = frame.resize(size, Image.Resampling.BICUBIC if scale > 1 else Image.Resampling.LANCZOS)
    return np.asarray(frame, dtype=np.uint8)


def read_page(grey, page: int) -> list[Line]:
    """One greyscale page (numpy uint8) → its lines, tables as rows.

    Text is found on a reduced copy of the page (DETECT_LONG_SIDE: finding text lines needs no fine
    detail, and the detector's cost grows with the pixels), then every piece is read once from the
    full-resolution page in one batched pass: a table cell holding one line of text as a whole (so a
    lone "0" the detector missed is read too, and a number is never split between cells), every other
    piece of text by its detected box."""
    if not (grey < 128).any():
        return []  # a blank page: nothing to read, and the engine's seconds saved
    grey = deskew(grey)
    engine = _engine()
    boxes = _detect(grey, engine)
    tables = find_tables(grey)
    crops: list = []
    targets: list[tuple[str, object]] = []  # what each crop is read for: ("cell", _Cell) or ("word", box)
    placed: set[int] = set()
    for table in tables:
        cells = [cell for row in table.rows for cell in row]
        tx0, ty0, tx1, ty1 = table.box
        for index, (x0, y0, x1, y1) in enumerate(boxes):
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if not (tx0 <= cx <= tx1 and ty0 <= cy <= ty1):
                continue
            placed.add(index)  # read with its cell
        for cell in cells:
            lines = _cell_lines(grey, cell.box)
            if len(lines) == 1:
                crops.append(lines[0][0])
                targets.append(("cell", cell))
                continue
            for crop, box in lines:  # a label wrapped over lines: each line alone, top to bottom
                crops.append(crop)
                targets.append(("part", (cell, box)))
    for index, box in enumerate(boxes):
        if index not in placed:
            crop = _box_crop(grey, box)
            if crop is not None:
                crops.append(crop)
                targets.append(("word", box))
    results = _recognise(engine, crops)
    words: list[_Word] = []
    for crop, (kind, target), (text, confs) in zip(crops, targets, results, strict=True):
        conf = min(confs, default=0.0)
        if kind == "cell":
            if _ONE_LIKE.match(text.strip()) and _slanted(crop):
                text = "/"
            _set_cell(target, text, confs)
        elif kind == "part":
            cell, box = target
            cell.chars.append(_Char(text, *box, conf, len(cell.chars)))
        elif text.strip():
            if _ONE_LIKE.match(text.strip()) and _slanted(crop):
                text = "/"
            x0, y0, x1, y1 = target
            word = _Word(text, x0, y0, x1, y1, conf)
            word.chars.append(_Char(text, x0, y0, x1, y1, conf, len(words)))
            words.append(word)
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.chars:
                    cell.text = _cell_text(cell.chars)
    _reread_doubtful(tables, grey, engine)
    items: list[tuple[float, int, Line]] = []
    for n, table in enumerate(tables):
        for k, row in enumerate(table.rows):
            cells = [cell.text for cell in row]
            doubtful = [i for i, cell in enumerate(row) if cell.doubtful]
            top = min(cell.box[1] for cell in row)
            items.append((top, 1 + n * 10000 + k, Line(cells, page, is_row=True, doubtful=doubtful)))
    height = grey.shape[0]
    for top, line in _text_lines(words, page, height):
        items.append((top, 0, line))
    items.sort(key=lambda it: (it[0], it[1]))
    return [it[2] for it in items]


def _detect(grey, engine) -> list[tuple[float, float, float, float]]:
    """Text boxes (x0, y0, x1, y1 on `grey`), found on a copy reduced to DETECT_LONG_SIDE."""
    import cv2

    h, w = grey.shape
    scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
    small = (
        grey
        if scale == 1.0
        else cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    try:
        found, _ = engine.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    except Exception as exc:  # onnxruntime reports running out of memory as its own error
        if "bad_alloc" in str(exc):
            raise MemoryError(str(exc)) from exc
        raise
    boxes = []
    for points in found if found is not None else []:
        xs = [p[0] / scale for p in points]
        ys = [p[1] / scale for p in points]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    boxes.sort(key=lambda b: (b[1], b[0]))
    return boxes


def _slanted(crop) -> bool:
    """Whether a lone stroke leans right like "/" (a null mark), not upright like "1": the recogniser
    reads both as "1" when it sees the glyph alone."""
    import numpy as np

    ink = crop[..., 0] < 128
    ys, xs = np.nonzero(ink)
    if len(ys) < 12:
        return False
    top, bottom = ys.min(), ys.max()
    height = bottom - top + 1
    upper = xs[ys < top + 0.3 * height]
    lower = xs[ys > bottom - 0.3 * height]
    if not len(upper) or not len(lower):
        return False
    return float(upper.mean() - lower.mean()) > 0.12 * height


def _cell_lines(grey, box) -> list[tuple[object, tuple[int, int, int, int]]]:
    """A cell's lines of text, each as a crop for the recogniser and its box on the page: a blank
    run of pixel rows parts two lines (a label wrapped in its cell); strokes too thin to be a line
    of their own ("二"'s bars) stay with their line."""
    import numpy as np

    x0, y0, x1, y1 = box
    inner = grey[y0 + 6 : y1 - 5, x0 + 6 : x1 - 5]
    if inner.size == 0:
        return []
    dark = inner < 128
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
    least = max(0.5 * max(b - a + 1 for a, b in runs), MIN_LINE)
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
    if len(spans) >= 3 and all(c1 - c0 + 1 <= 2.6 * (b - t + 1) for t, b, c0, c1 in spans):
        # a label wrapped a character or two a line in a narrow cell: laid out as one line, as it is read
        return [(_vertical_strip(inner, spans), (x0, y0, x1, y1))]
    for top, bottom, *_ in spans:
        cols = np.flatnonzero(light[top : bottom + 1].sum(axis=0))
        part = (
            x0 + 6 + int(cols[0]),
            y0 + 6 + int(top),
            x0 + 6 + int(cols[-1]) + 1,
            y0 + 6 + int(bottom) + 1,
        )
        out.append((_ink_crop(grey, part, CELL_PAD), part))
    return out


def _vertical_strip(inner, spans):
    """Short lines set one under the other, side by side in one strip at one height (BGR)."""
    import cv2
    import numpy as np

    height = max(b - t + 1 for t, b, _, _ in spans)
    gap = np.full((height, max(2, height // 4)), 255, dtype=np.uint8)
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


def _box_crop(grey, box):
    """A detected box from the full-resolution page, as the recogniser takes it (BGR), or None."""
    import cv2

    h, w = grey.shape
    x0, y0, x1, y1 = (
        max(0, int(box[0])),
        max(0, int(box[1])),
        min(w, int(box[2]) + 1),
        min(h, int(box[3]) + 1),
    )
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return cv2.cvtColor(grey[y0:y1, x0:x1], cv2.COLOR_GRAY2BGR)


def _cell_crop(grey, box, pad: int):
    """A cell's ink with `pad` px of margin (BGR), or None when the cell is empty."""
    import numpy as np

    x0, y0, x1, y1 = box
    inner = grey[y0 + 6 : y1 - 5, x0 + 6 : x1 - 5]
    if inner.size == 0:
        return None
    dark = inner < 128
    if dark.sum() < CELL_MIN_INK:
        return None
    ys, xs = np.nonzero(inner < LIGHT_INK)
    part = (
        x0 + 6 + int(xs.min()),
        y0 + 6 + int(ys.min()),
        x0 + 6 + int(xs.max()) + 1,
        y0 + 6 + int(ys.max()) + 1,
    )
    return _ink_crop(grey, part, pad)


def _recognise(engine, crops: list) -> list[tuple[str, list[float]]]:
    """Each crop's text and its characters' confidences, in one batched pass.

    Crops of similar shape go together and a batch is padded only to its widest member: rapidocr's
    own recogniser pads every crop to at least 320 px, so a lone digit cost as much as a line of prose."""
    import cv2
    import numpy as np

    rec = engine.text_rec
    height = rec.rec_image_shape[1]
    chars = rec.postprocess_op.character
    out: list[tuple[str, list[float]]] = [("", [])] * len(crops)
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    for start in range(0, len(order), REC_BATCH):
        batch = order[start : start + REC_BATCH]
        widths = [max(8, math.ceil(height * crops[i].shape[1] / crops[i].shape[0])) for i in batch]
        width = max(widths)
        width = (width + 7) // 8 * 8
        tensor = np.zeros((len(batch), 3, height, width), dtype=np.float32)
        for j, (i, w) in enumerate(zip(batch, widths, strict=True)):
            resized = cv2.resize(crops[i], (w, height)).astype(np.float32)
            tensor[j, :, :, :w] = resized.transpose(2, 0, 1) / 127.5 - 1.0
        preds = rec.session(tensor)[0]
        index = preds.argmax(axis=2)
        prob = preds.max(axis=2)
        for j, i in enumerate(batch):
            text, confs, last = [], [], 0
            for t, c in enumerate(index[j]):
                if c != 0 and c != last:
                    text.append(chars[c])
                    confs.append(float(prob[j, t]))
                last = c
            out[i] = ("".join(text), confs)
    return out


def _set_cell(cell: _Cell, text: str, confs: list[float]) -> None:
    """A cell read whole: numbers made digits, doubtful when the recogniser was unsure."""
    text = text.strip()
    fixed, guessed = _number_text(text)
    if fixed in _DASHES:
        cell.text = "—"  # the mark for a blank cell the table reader knows
        cell.doubtful = False
        return
    cell.text = fixed
    cell.conf = min(confs, default=0.0)
    number = bool(_HAS_DIGIT.search(fixed)) and not _CJK.search(fixed)
    # neither a number nor words ("x", "?"): a number the recogniser could not read
    junk = not _CJK.search(fixed) and not number and fixed not in _NULL_MARKS
    cell.doubtful = not fixed or junk or (number and (guessed or cell.conf < DOUBT_CONFIDENCE))


def _reread_doubtful(tables: list[_Table], grey, engine) -> None:
    """Cells read empty, as a dash or doubtful are read again from a crop with a wider margin (the
    recogniser sees the glyph at another size): two readings that agree settle the cell; ones that
    disagree leave it doubtful, holding the more confident number."""
    todo: list[tuple[_Cell, float]] = []
    crops: list = []
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.chars or not (cell.doubtful or cell.text == "—"):
                    continue
                crop = _cell_crop(grey, cell.box, pad=REREAD_PAD)
                if crop is not None:
                    todo.append((cell, cell.conf))
                    crops.append(crop)
    for (cell, first), (text, confs) in zip(todo, _recognise(engine, crops), strict=True):
        fixed, guessed = _number_text(text.strip())
        if fixed in _DASHES:
            fixed = "—"
        number = bool(fixed) and bool(_HAS_DIGIT.search(fixed)) and not _CJK.search(fixed)
        conf = min(confs, default=0.0)
        if fixed and fixed == cell.text:
            cell.doubtful = False
        elif cell.text == "—":
            cell.doubtful = True
            if number:  # a lone "1" can come back as a dash
                cell.text = fixed
        else:
            if number and (not cell.text or conf > first):
                cell.text = fixed
            cell.doubtful = True


# ---- levelling ----


def skew_angle(grey) -> float:
    """The page's tilt in degrees (positive: counter-clockwise), from the sharpness of its row profile."""
    import cv2
    import numpy as np

    h, w = grey.shape
    scale = SKEW_PROFILE_WIDTH / max(w, 1)
    small = cv2.resize(grey, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def score(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR)
        profile = rotated.sum(axis=1)
        return float(np.sum(np.diff(profile) ** 2))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, SKEW_COARSE_STEP), key=score)
    best = max(np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 0.01, SKEW_FINE_STEP), key=score)
    return float(best)


def deskew(grey):
    import cv2

    angle = skew_angle(grey)
    if abs(angle) < SKEW_MIN:
        return grey
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


# ---- recognised words ----


def _number_text(text: str) -> tuple[str, bool]:
    """A cell or word that should be a number: (text with look-alike letters made digits, doubtful)."""
    compact = text.replace(" ", "")
    if compact and _NUMBERISH.match(compact) and not compact.isdigit() and _HAS_DIGIT.search(compact) is None:
        # letters only ("O", "D"): a lone zero the recogniser misread
        return compact.translate(_DIGIT_LOOKALIKES), True
    if compact and _NUMBERISH.match(compact) and _HAS_DIGIT.search(compact):
        fixed = compact.translate(_DIGIT_LOOKALIKES)
        return fixed, fixed != compact
    return text, False


def _low_confidence(chars: list[_Char]) -> bool:
    return any(
        c.conf < DOUBT_CONFIDENCE for c in chars if _HAS_DIGIT.search(c.text) or _NUMBERISH.match(c.text)
    )


# ---- ruled tables ----


def find_tables(grey) -> list[_Table]:
    """Ruled tables on a level page: the grid from long thin lines, merged cells where a border is missing."""
    import cv2

    h, w = grey.shape
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 35), 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 70)))
    )
    # bridge one-pixel gaps a scan leaves in thin rules
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    grid = cv2.bitwise_or(horizontal, vertical)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables: list[_Table] = []
    for k in range(1, count):
        x, y, bw, bh, _area = stats[k]
        if bw < w / 4 or bh < 40:
            continue
        ys = _rule_positions(horizontal[y : y + bh, x : x + bw].sum(axis=1) / 255, bw * 0.02)
        xs = _rule_positions(vertical[y : y + bh, x : x + bw].sum(axis=0) / 255, bh * 0.02)
        ys = [y + v for v in ys]
        xs = [x + v for v in xs]
        if len(ys) < 3 or len(xs) < 3:
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
        if merged and p - merged[-1] < 12:
            merged[-1] = (merged[-1] + p) // 2
        else:
            merged.append(p)
    return merged


def _grid(xs: list[int], ys: list[int], horizontal, vertical) -> _Table | None:
    rows, cols = len(ys) - 1, len(xs) - 1

    def has_vertical(c: int, r: int) -> bool:  # the rule at xs[c] between ys[r] and ys[r+1]
        x = xs[c]
        band = vertical[ys[r] + 4 : ys[r + 1] - 3, max(0, x - 4) : x + 5]
        return band.size > 0 and (band.max(axis=1) > 0).mean() > 0.6

    def has_horizontal(r: int, c: int) -> bool:  # the rule at ys[r] between xs[c] and xs[c+1]
        y = ys[r]
        band = horizontal[max(0, y - 4) : y + 5, xs[c] + 4 : xs[c + 1] - 3]
        return band.size > 0 and (band.max(axis=0) > 0).mean() > 0.6

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
        _Cell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])) for r0, c0, r1, c1 in spans.values()
    ]
    if max(c.c1 - c.c0 + 1 for c in cells) == cols and len(cells) <= rows:
        return None  # every row one cell wide: boxed prose
    by_row: list[list[_Cell]] = [[] for _ in range(rows)]
    for cell in cells:
        by_row[cell.r0].append(cell)
    table_rows = [sorted(row, key=lambda c: c.c0) for row in by_row if row]
    return _Table((xs[0], ys[0], xs[-1], ys[-1]), table_rows)


def _cell_text(chars: list[_Char]) -> str:
    """A cell's characters in reading order: lines by vertical overlap; wrapped Chinese rejoins
    without a gap, two numbers on separate lines or boxes stay apart."""
    lines: list[list[_Char]] = []
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
        previous: _Char | None = None
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
        and not _CJK.match(before[-1])
        and after[:1].isalnum()
        and not _CJK.match(after[:1])
    )


# ---- text outside tables ----


def _joined(words: list[_Word]) -> list[_Word]:
    """Words of one line that the detector split within Chinese text (a title's "…政府" and "2024年…")
    are one word again: a gap under half a character's height is no gap between Chinese characters."""
    out: list[_Word] = []
    for word in words:
        last = out[-1] if out else None
        if (
            last is not None
            and word.x0 - last.x1 < 0.5 * min(last.y1 - last.y0, word.y1 - word.y0)
            and (_CJK.match(last.text[-1:]) or _CJK.match(word.text[:1]))
        ):
            out[-1] = _Word(
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


def _text_lines(words: list[_Word], page: int, height: int) -> list[tuple[float, Line]]:
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        if lines:
            last = lines[-1]
            top = sum(w.y0 for w in last) / len(last)
            bottom = sum(w.y1 for w in last) / len(last)
            overlap = min(bottom, word.y1) - max(top, word.y0)
            if overlap > 0.5 * min(bottom - top, word.y1 - word.y0):
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
                if numbers >= 3 and _ROUND.match(token):  # a borderless table's lone "0"
                    doubtful.append(len(cells))
                    cells.append("0")
                    continue
                # prose keeps its letters; only a token that already holds a digit is a number
                fixed, guessed = _number_text(token) if _HAS_DIGIT.search(token) else (token, False)
                if (
                    _HAS_DIGIT.search(fixed)
                    and not _CJK.search(fixed)
                    and (guessed or _low_confidence(word.chars))
                ):
                    doubtful.append(len(cells))
                cells.append(close_cjk_gaps(fixed))
        if not cells:
            continue
        top = min(w.y0 for w in group)
        text = " ".join(cells)
        where = (top + max(w.y1 for w in group)) / 2 / max(height, 1)
        if (where < 0.1 or where > 0.9) and _PAGE_NUMBER.match(text):
            continue  # a page number in the margin
        out.append((top, Line(cells, page, doubtful=doubtful)))
    return out


# ---- PDFs whose text layer is junk ----

_PRIVATE_OR_BAD = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")


def garbled(document: Document) -> bool:
    """Whether a PDF's extracted text is junk: fonts without a Unicode map give private-use or
    replacement characters, or Latin letters where a Chinese report has Chinese."""
    text = "".join("".join(line.cells) for line in document.lines)
    text = re.sub(r"\s+", "", text)
    if len(text) < 20:
        return False  # too little to judge; the reader's own "no text" covers empty pages
    bad = len(_PRIVATE_OR_BAD.findall(text))
    cjk = len(_CJK.findall(text))
    return bad > 0.05 * len(text) or cjk < 0.05 * len(text)
