"""One page: levelled, its text found, every piece read in batches, tables as rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from parser.layout import Line
from parser.readers.ocr.engine import TARGET_LONG_SIDE, Reading, detect, engine, recognise
from parser.readers.ocr.grid import INK, REREAD_PAD, Cell, Table, box_crop, cell_crop, cell_lines, find_tables
from parser.readers.ocr.text import (
    CJK,
    DASHES,
    HAS_DIGIT,
    ONE_LIKE,
    Char,
    Word,
    cell_text,
    number_text,
    set_cell,
    text_lines,
)

MAX_SKEW = 3.0  # degrees searched when levelling a page
SKEW_COARSE_STEP, SKEW_FINE_STEP = 0.25, 0.05  # degrees: a coarse search, then a fine one around its best
SKEW_MIN = 0.1  # degrees: a page turned by less is read as it is (rotating costs time and blurs)
SKEW_PROFILE_WIDTH = 900  # px: the page is measured for skew at this width, plenty for a row profile
SKEW_INK = 160  # grey level under which a pixel counts in the row profile (the reduced page is greyer)
SKEW_MIN_INK = 50  # ink pixels of the reduced page under which it is too empty to measure
RESCALE_TOLERANCE = 0.05  # an image within 5% of TARGET_LONG_SIDE is read at its own size
# a lone stroke leans like "/" when, over its top and bottom bands (this share of its height each),
# its ink shifts right by more than SLASH_LEAN of its height; fewer than SLASH_MIN_INK pixels is a speck
SLASH_BAND, SLASH_LEAN, SLASH_MIN_INK = 0.3, 0.12, 12
TABLE_ORDER = 10_000  # rows per table in a page's sort key: more than any table has


def grey_array(image):
    """A rendered page as a contiguous greyscale numpy array."""
    import numpy as np

    if image.ndim == 3:
        image = image[..., 0]
    return np.ascontiguousarray(image, dtype=np.uint8)


def normalise(frame):
    """A PIL greyscale page scaled to TARGET_LONG_SIDE on its long side, as a numpy array."""
    import numpy as np
    from PIL import Image

    long_side = max(frame.size)
    scale = TARGET_LONG_SIDE / max(long_side, 1)
    if abs(scale - 1) > RESCALE_TOLERANCE:
        size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
        frame = frame.resize(size, Image.Resampling.BICUBIC if scale > 1 else Image.Resampling.LANCZOS)
    return np.asarray(frame, dtype=np.uint8)


@dataclass(slots=True)
class PageWork:
    """A page made ready for the recogniser: its tables, and every piece to read with what it is read for."""

    page: int
    grey: object  # the levelled page (numpy uint8)
    tables: list[Table]
    crops: list = field(default_factory=list)
    # what each crop is read for: ("cell", Cell), ("part", (Cell, box)) or ("word", box)
    targets: list[tuple[str, object]] = field(default_factory=list)


def read_page(grey, page: int) -> list[Line]:
    """One greyscale page (numpy uint8) → its lines, tables as rows.

    Text is found on a reduced copy of the page (DETECT_LONG_SIDE: finding text lines needs no fine
    detail, and the detector's cost grows with the pixels), then every piece is read once from the
    full-resolution page, in batches: a table cell holding one line of text as a whole (so a lone "0"
    the detector missed is read too, and a number is never split between cells), every other piece
    of text by its detected box. The steps are `prepare`, `recognise` and `finish`; the reader runs
    them as tasks for several pages at once (ocr._read_pages)."""
    work = prepare(grey, page)
    if work is None:
        return []
    ocr = engine()
    return finish(work, recognise(ocr, work.crops), ocr)


def prepare(grey, page: int) -> PageWork | None:
    """The page levelled, its text found, its tables' cells and the words outside them cut out for the
    recogniser; None for a blank page."""
    if not (grey < INK).any():
        return None  # a blank page: nothing to read, and the engine's seconds saved
    grey = deskew(grey)
    ocr = engine()
    boxes = detect(grey, ocr)
    tables = find_tables(grey)
    work = PageWork(page, grey, tables)
    crops, targets = work.crops, work.targets
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
            lines = cell_lines(grey, cell.box)
            if len(lines) == 1:
                crops.append(lines[0][0])
                targets.append(("cell", cell))
                continue
            for crop, box in lines:  # a label wrapped over lines: each line alone, top to bottom
                crops.append(crop)
                targets.append(("part", (cell, box)))
    for index, box in enumerate(boxes):
        if index not in placed:
            crop = box_crop(grey, box)
            if crop is not None:
                crops.append(crop)
                targets.append(("word", box))
    return work


def finish(work: PageWork, results: list[Reading], ocr) -> list[Line]:
    """What the recogniser read of `work.crops` (`results`, in their order) → the page's lines; doubtful
    cells are read once more first."""
    tables, grey, page = work.tables, work.grey, work.page
    words: list[Word] = []
    for crop, (kind, target), (text, confs) in zip(work.crops, work.targets, results, strict=True):
        conf = min(confs, default=0.0)
        if kind == "cell":
            if ONE_LIKE.match(text.strip()) and slanted(crop):
                text = "/"
            set_cell(target, text, confs)
        elif kind == "part":
            cell, box = target
            cell.chars.append(Char(text, *box, conf, len(cell.chars)))
        elif text.strip():
            if ONE_LIKE.match(text.strip()) and slanted(crop):
                text = "/"
            x0, y0, x1, y1 = target
            word = Word(text, x0, y0, x1, y1, conf)
            word.chars.append(Char(text, x0, y0, x1, y1, conf, len(words)))
            words.append(word)
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.chars:
                    cell.text = cell_text(cell.chars)
    _reread_doubtful(tables, grey, ocr)
    items: list[tuple[float, int, Line]] = []
    for n, table in enumerate(tables):
        for k, row in enumerate(table.rows):
            cells = [cell.text for cell in row]
            doubtful = [i for i, cell in enumerate(row) if cell.doubtful]
            top = min(cell.box[1] for cell in row)
            items.append((top, 1 + n * TABLE_ORDER + k, Line(cells, page, is_row=True, doubtful=doubtful)))
    height = grey.shape[0]
    for top, line in text_lines(words, page, height):
        items.append((top, 0, line))
    items.sort(key=lambda it: (it[0], it[1]))
    return [it[2] for it in items]


def slanted(crop) -> bool:
    """Whether a lone stroke leans right like "/" (a null mark), not upright like "1": the recogniser
    reads both as "1" when it sees the glyph alone."""
    import numpy as np

    ink = crop[..., 0] < INK
    ys, xs = np.nonzero(ink)
    if len(ys) < SLASH_MIN_INK:
        return False
    top, bottom = ys.min(), ys.max()
    height = bottom - top + 1
    upper = xs[ys < top + SLASH_BAND * height]
    lower = xs[ys > bottom - SLASH_BAND * height]
    if not len(upper) or not len(lower):
        return False
    return float(upper.mean() - lower.mean()) > SLASH_LEAN * height


def _reread_doubtful(tables: list[Table], grey, ocr) -> None:
    """Cells read empty, as a dash or doubtful are read again from a crop with a wider margin (the
    recogniser sees the glyph at another size): two readings that agree settle the cell; ones that
    disagree leave it doubtful, holding the more confident number."""
    todo: list[tuple[Cell, float]] = []
    crops: list = []
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.chars or not (cell.doubtful or cell.text == "—"):
                    continue
                crop = cell_crop(grey, cell.box, pad=REREAD_PAD)
                if crop is not None:
                    todo.append((cell, cell.conf))
                    crops.append(crop)
    for (cell, first), (text, confs) in zip(todo, recognise(ocr, crops), strict=True):
        fixed, guessed = number_text(text.strip())
        if fixed in DASHES:
            fixed = "—"
        number = bool(fixed) and bool(HAS_DIGIT.search(fixed)) and not CJK.search(fixed)
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
    ink = (small < SKEW_INK).astype(np.float32)
    if ink.sum() < SKEW_MIN_INK:
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def score(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR)
        profile = rotated.sum(axis=1)
        return float(np.sum(np.diff(profile) ** 2))

    # the 0.01 takes the range's end in despite float steps
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
