"""Scans: OCR of images (PNG, JPEG, TIFF) and of PDFs without a usable text layer.

Each page is normalised to a size the recogniser reads small table digits at, deskewed (the
angle comes from the ink's row profile, so tilted scans of ±3° come out level), and read
with RapidOCR (PP-OCR models that ship inside the `rapidocr-onnxruntime` wheel: no network).

Tables with ruling lines are rebuilt from the lines themselves: the grid is found with
morphology, merged cells are found where a border is missing, and each cell is read on its own
from the full-resolution page, line by line (so a number never slides into a neighbour's cell and
a lone "0" the detector would miss is read too). Text outside a grid is found by the detector on a
reduced copy of the page and read from the full page. The pieces of a page are recognised in
batches of similar shape; the steps of all pages (a page's preparation, each batch, its end) run on
two threads, the earliest page's first. Everything outside a grid becomes text lines: words on one
line by their vertical overlap, left to right, one cell per word so that `Line.doubtful` can point
at a single number.

A number is doubtful when a digit was read with low confidence, when a letter had to be
taken for a digit (O→0, l→1 …), or when a cell with ink could not be read at all.

Here: the entry points and page limits. `engine` runs RapidOCR (detection, batched recognition),
`page` levels and reads one page, `grid` finds ruled tables and cuts cells out, `text` turns what
was read into cells and lines. Each module names its tunables at its top.
"""

from __future__ import annotations

import functools
import io
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future

from parser.errors import ReportError, corrupt
from parser.layout import Document, Line
from parser.readers.ocr.engine import (
    TARGET_LONG_SIDE,
    available,
    batches,
    engine,
    missing_engine,
    recognise_batch,
)
from parser.readers.ocr.grid import cell_lines, find_tables
from parser.readers.ocr.page import (
    deskew,
    finish,
    grey_array,
    normalise,
    prepare,
    read_page,
    skew_angle,
    slanted,
)
from parser.readers.ocr.text import CJK, number_text

# the names tests/parser/readers/test_ocr.py and bench/scans.py reach for, as before the split
_engine, _cell_lines, _slanted, _number_text = engine, cell_lines, slanted, number_text

__all__ = [
    "MAX_PAGES",
    "available",
    "deskew",
    "find_tables",
    "garbled",
    "image_pages",
    "missing_engine",
    "read",
    "read_image",
    "read_page",
    "read_pdf",
    "skew_angle",
    "too_many_pages",
]

Progress = Callable[[int, int], None]

MAX_PAGES = 30  # a scanned report runs 4–15 pages; OCR costs seconds a page
MAX_PIXELS = 40_000_000  # a decompression-bomb guard for images (PIL's own limit is ~89 MP)
# the machines this runs on have 2 cores; more onnxruntime threads than cores only spin (measured: 2
# threads on a busy 2-core machine used twice the CPU of 1 for the same work)
OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))  # threads reading pages, one onnxruntime thread each
PICTURE_MIN_AREA = 0.25  # share of a PDF page a picture covers to be a scanned page, not a logo or a seal
PICTURE_DEPTH = 2  # pictures are looked for on the page and inside the form objects it holds
# a PDF's text layer is junk when more than this share of its characters are private-use or broken,
# or fewer than this share are Chinese; under GARBLED_MIN_CHARS there is too little to judge
GARBLED_SHARE = 0.05
GARBLED_MIN_CHARS = 20


def too_many_pages(pages: int) -> ReportError:
    return ReportError(
        "too_many_pages",
        f"扫描件共 {pages} 页，超过文字识别 {MAX_PAGES} 页的上限。请只发送年度报告本身。",
        f"the scan has {pages} pages, over the OCR limit of {MAX_PAGES}; send the annual report alone",
    )


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
                yield grey_array(image), index + 1

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
                for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=PICTURE_DEPTH):
                    left, bottom, right, top = obj.get_bounds()
                    if (right - left) * (
                        top - bottom
                    ) > PICTURE_MIN_AREA * width * height:  # not a logo or a seal
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
            yield normalise(frame), index + 1

    lines = _read_pages(frames_read(), frames, progress)
    return Document(lines=lines, format="image", pages=frames, ocr=True)


def _read_pages(pages, count: int, progress: Progress | None) -> list[Line]:
    """`read_page` over (image, page number) pairs, lines in page order, on OCR_WORKERS threads.

    A page's steps are tasks: prepare it (levelling, detection, grid, crops), recognise each of its
    batches, finish it (rereads, lines). The threads take the earliest page's tasks first, so both
    cores stay busy to the last batch of the last page: no core waits for another page to end, and
    a lone page is read by both. Each thread runs one onnxruntime thread: tasks side by side keep
    both cores busy through the Python steps between model runs, which one run split over two
    threads cannot. At most OCR_WORKERS + 1 pages wait rendered, so memory stays that of a few pages."""
    import itertools
    import queue
    from collections import deque

    tasks: queue.PriorityQueue = queue.PriorityQueue()
    sequence = itertools.count()  # first come first served among one page's tasks
    stopping = threading.Event()

    def put(n: int, task) -> None:
        tasks.put((n, next(sequence), task))

    def serve() -> None:
        while True:
            _, _, task = tasks.get()
            if task is None:
                return
            if not stopping.is_set():
                task()

    workers = [threading.Thread(target=serve, name=f"ocr{k}", daemon=True) for k in range(OCR_WORKERS)]
    for worker in workers:
        worker.start()
    lines: list[Line] = []
    try:
        inflight: deque[Future] = deque()
        for n, (grey, number) in enumerate(pages, start=1):
            if progress:
                progress(n, count)
            inflight.append(_page_tasks(n, grey, number, put))
            while len(inflight) > OCR_WORKERS:
                lines.extend(inflight.popleft().result())
        while inflight:
            lines.extend(inflight.popleft().result())
    finally:
        stopping.set()  # after a failure the pages still queued are dropped
        for _ in workers:
            tasks.put((-1, next(sequence), None))
        for worker in workers:
            worker.join()
    return lines


def _page_tasks(n: int, grey, number: int, put) -> Future:
    """Queue page `number`'s first task with `put(n, task)`; each task queues the next ones. The future
    holds the page's lines, or the first error a task raised."""
    lock = threading.Lock()
    done: Future = Future()

    def step(task):
        def run() -> None:
            if done.done():
                return  # an earlier task of this page failed
            try:
                task()
            except BaseException as exc:  # the caller gets it from the future (MemoryError too)
                with lock:
                    if not done.done():
                        done.set_exception(exc)

        return run

    def prepared() -> None:
        work = prepare(grey, number)
        if work is None:
            done.set_result([])
            return
        ocr = engine()
        groups = batches(work.crops)
        results: list = [("", [])] * len(work.crops)
        left = [len(groups)]

        def finished() -> None:
            lines = finish(work, results, ocr)
            with lock:
                if not done.done():
                    done.set_result(lines)

        def read(batch: list[int]) -> None:
            for i, reading in zip(batch, recognise_batch(ocr, work.crops, batch), strict=True):
                results[i] = reading
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                put(n, step(finished))

        if not groups:
            put(n, step(finished))
        for batch in groups:
            put(n, step(functools.partial(read, batch)))

    put(n, step(prepared))
    return done


# ---- PDFs whose text layer is junk ----

_PRIVATE_OR_BAD = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")


def garbled(document: Document) -> bool:
    """Whether a PDF's extracted text is junk: fonts without a Unicode map give private-use or
    replacement characters, or Latin letters where a Chinese report has Chinese."""
    text = "".join("".join(line.cells) for line in document.lines)
    text = re.sub(r"\s+", "", text)
    if len(text) < GARBLED_MIN_CHARS:
        return False  # too little to judge; the reader's own "no text" covers empty pages
    bad = len(_PRIVATE_OR_BAD.findall(text))
    cjk = len(CJK.findall(text))
    return bad > GARBLED_SHARE * len(text) or cjk < GARBLED_SHARE * len(text)
