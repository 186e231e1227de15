"""OCR of scans made from real test documents: the report's cells, metadata and doubtful marks.

Scans: pdf_docs' report rendered by LibreOffice, rasterised at 150 dpi, grey, turned ±1.5°
(scan_docs). The truth is what the same pipeline reads from the PDF's own text layer, and for
the published report the expected JSON beside it. OCR results are cached (tests/.cache/ocr/).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from parser import api
from parser.errors import ReportError
from parser.layout import Document, Line
from parser.readers import ocr, pdf

sys.path.insert(0, str(Path(__file__).parent))
import pdf_docs  # noqa: E402
import scan_docs  # noqa: E402

OCR_SOURCE = Path(ocr.__file__).parent  # the package: a change in any of its modules reads again
needs_ocr = pytest.mark.skipif(
    not ocr.available(), reason="rapidocr-onnxruntime (extra 'ocr') is not installed"
)
needs_soffice = pytest.mark.skipif(not pdf_docs.soffice_available(), reason="LibreOffice is not installed")
needs_real = pytest.mark.skipif(
    not scan_docs.REAL_PDF.exists(), reason="shared/real/ is not beside the project"
)
TABLES = ("active", "applications", "review_litigation")
META = ("agency", "agency_short", "year", "template", "period", "sections")


def _ocr(data: bytes) -> Document:
    return scan_docs.cached_read(data, ocr.read, OCR_SOURCE)  # type: ignore[return-value]


def _cells(check: dict) -> dict[str, object]:
    out = {}
    for table in TABLES:
        for row, cols in (check.get(table) or {}).items():
            for col, value in (cols or {}).items():
                out[f"{table}.{row}.{col}"] = value
    return out


def _doubtful_values(document: Document) -> list[str]:
    return [line.cells[i] for line in document.lines for i in line.doubtful]


def _score(document: Document, truth: dict) -> tuple[float, list[str]]:
    """Share of the truth's cells read right, and the wrong ones (path, expected, got)."""
    got = _cells(api.read_report(document).check_json())
    want = _cells(truth)
    wrong = [
        f"{k}: {v!r} read {got.get(k, 'missing')!r}" for k, v in want.items() if got.get(k, "missing") != v
    ]
    return 1 - len(wrong) / len(want), wrong


@pytest.fixture(scope="module")
def truth() -> dict:
    return api.read_report(pdf.read(scan_docs.report_pdf())).check_json()


@pytest.fixture(scope="module")
def tiff() -> Document:
    return _ocr(scan_docs.scanned(scan_docs.report_pdf(), "TIFF"))


@needs_ocr
@needs_soffice
def test_tilted_tiff_scan_reads_every_cell(tiff: Document, truth: dict) -> None:
    assert tiff.ocr and tiff.format == "image" and tiff.pages == 2
    share, wrong = _score(tiff, truth)
    assert share >= 0.98, wrong
    report = api.read_report(tiff).check_json()
    for key in META:
        assert report[key] == truth[key], key


@needs_ocr
@needs_soffice
def test_tables_come_as_rows_with_merged_cells_once(tiff: Document) -> None:
    rows = [line.cells for line in tiff.lines if line.is_row]
    assert ["规章", "1", "0", "11"] in rows
    assert ["行政规范性文件", "8", "", "66"] in rows  # a blank cell stays a blank cell
    first = next(r for r in rows if r and r[0].startswith("三、本年度办理结果"))
    assert first[1:] == ["（一）予以公开", "1288", "21", "0", "0", "50", "3", "1362"]
    # the vertically merged 「三、本年度办理结果」 is not repeated in the rows below it
    assert sum("本年度办理结果" in "".join(r) for r in rows) == 1


@needs_ocr
@needs_soffice
def test_image_only_pdf_falls_back_to_ocr(truth: dict) -> None:
    data = scan_docs.scanned(scan_docs.report_pdf(), "PDF")
    with pytest.raises(ReportError) as err:
        pdf.read(data)
    assert err.value.code == "no_text"
    document = scan_docs.cached_read(data, api.read_document, OCR_SOURCE)
    assert document.ocr and document.format == "pdf" and document.pages == 2
    share, wrong = _score(document, truth)
    assert share >= 0.98, wrong


@needs_ocr
@needs_soffice
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_single_page_photo_formats(fmt: str) -> None:
    data = scan_docs.scanned(scan_docs.report_pdf(), fmt, pages=[0], angle=-1.5 if fmt == "JPEG" else 1.5)
    document = scan_docs.cached_read(data, api.read_document, OCR_SOURCE)
    assert document.ocr and document.format == "image" and document.pages == 1
    rows = [line.cells for line in document.lines if line.is_row]
    assert ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"] in rows
    assert any(line.text == "测试县人民政府2024年政府信息公开工作年度报告" for line in document.lines)


@needs_ocr
@needs_soffice
def test_pdf_without_unicode_maps_falls_back_to_ocr(truth: dict) -> None:
    broken = scan_docs.without_tounicode(scan_docs.report_pdf())
    assert ocr.garbled(pdf.read(broken))
    document = scan_docs.cached_read(broken, api.read_document, OCR_SOURCE)
    assert document.ocr and document.format == "pdf"
    share, wrong = _score(document, truth)
    assert share >= 0.98, wrong


@needs_ocr
@needs_real
def test_scan_of_the_published_report() -> None:
    """All six pages of a real report, scanned: ≥98 % of cells, every wrong number marked doubtful."""
    expected = json.loads(scan_docs.REAL_JSON.read_text(encoding="utf-8"))
    data = scan_docs.scanned(scan_docs.REAL_PDF.read_bytes(), "PDF")
    start = time.perf_counter()
    document = scan_docs.cached_read(data, api.read_document, OCR_SOURCE)
    print(f"\nOCR of the real report: {(time.perf_counter() - start) / 6:.1f} s/page (0 when cached)")
    share, wrong = _score(document, expected)
    assert share >= 0.98, wrong
    report = api.read_report(document).check_json()
    for key in ("agency", "agency_short", "year", "template"):
        assert report[key] == expected[key], key
    doubtful = _doubtful_values(document)
    for line in wrong:  # a wrong number is one the reader flagged
        assert any(v in line.rsplit("read ", 1)[1] for v in doubtful), (line, doubtful)


@needs_ocr
def test_progress_reports_every_page(tiff: Document) -> None:
    seen: list[tuple[int, int]] = []
    data = scan_docs.save([scan_docs.Image.new("L", (400, 300), 255)] * 2, "TIFF")
    document = ocr.read(data, progress=lambda page, pages: seen.append((page, pages)))
    assert seen == [(1, 2), (2, 2)]
    assert document.lines == [] and document.pages == 2


# ---- pieces, without the engine ----


def test_skew_is_measured_and_removed() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    image = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 1500, 40):
        draw.rectangle((100, y, 1100, y + 14), fill=0)  # lines of "text"
    turned = image.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    angle = ocr.skew_angle(np.asarray(turned))
    assert abs(angle + 1.5) < 0.2
    assert abs(ocr.skew_angle(np.asarray(ocr.deskew(np.asarray(turned))))) < 0.2


def test_grid_with_merged_cells() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    image = Image.new("L", (1000, 600), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = [100, 400, 600, 800], [100, 200, 300, 400]
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=0, width=2)
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill=0, width=2)
    draw.line((xs[0] + 3, 200, xs[1] - 3, 200), fill=255, width=6)  # first column: rows 1–2 merged
    draw.line((600, ys[2] + 3, 600, ys[3] - 3), fill=255, width=6)  # last row: columns 2–3 merged
    tables = ocr.find_tables(np.asarray(image))
    assert len(tables) == 1
    spans = [[(c.r0, c.c0, c.r1, c.c1) for c in row] for row in tables[0].rows]
    assert spans == [
        [(0, 0, 1, 0), (0, 1, 0, 1), (0, 2, 0, 2)],
        [(1, 1, 1, 1), (1, 2, 1, 2)],
        [(2, 0, 2, 0), (2, 1, 2, 2)],
    ]


@pytest.mark.parametrize(
    ("raw", "text", "doubtful"),
    [
        ("128", "128", False),
        ("O", "0", True),
        ("1O3", "103", True),
        ("l2", "12", True),
        ("自然人", "自然人", False),
    ],
)
def test_digit_lookalikes(raw: str, text: str, doubtful: bool) -> None:
    assert ocr._number_text(raw) == (text, doubtful)


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("本报告由淮安市人民政府办公室根据《条例》规定编制。", False),
        (
            "\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009\ue00a\ue00b\ue00c\ue00d\ue00e\ue00f\ue010\ue011"
            "\ue012\ue013\ue014\ue015",
            True,
        ),
        ("(cid:1)(cid:2)(cid:3)(cid:4)(cid:5)(cid:6)", True),
        ("short", False),
    ],
)
def test_garbled_text_layer(text: str, garbled: bool) -> None:
    assert ocr.garbled(Document([Line([text], 1)], "pdf", 1)) is garbled


def test_missing_engine_message_is_chinese() -> None:
    err = ocr.missing_engine()
    assert err.code == "ocr_unavailable" and "PDF" in err.zh and "扫描件" in err.zh


@needs_ocr
@needs_real
def test_every_wrong_cell_of_the_scanned_report_is_marked_in_the_report() -> None:
    """Through the whole pipeline: a cell that differs from the printed value is named in `Report.doubtful`."""
    from parser.validate import validate

    expected = json.loads(scan_docs.REAL_JSON.read_text(encoding="utf-8"))
    document = scan_docs.cached_read(
        scan_docs.scanned(scan_docs.REAL_PDF.read_bytes(), "PDF"), api.read_document, OCR_SOURCE
    )
    report = api.read_report(document)
    validate(report)
    got = report.check_json()
    doubtful = {d.path for d in report.doubtful}
    cells = [
        (f"{table}.{row}.{col}", value)
        for table in ("active", "applications", "review_litigation")
        for row, cols in expected[table].items()
        for col, value in cols.items()
    ]
    wrong = [
        path
        for path, value in cells
        if got[path.split(".")[0]][path.split(".")[1]][path.split(".")[2]] != value
    ]
    assert len(wrong) <= 0.02 * len(cells), wrong
    assert set(wrong) <= doubtful, (wrong, sorted(doubtful))


@needs_ocr
@needs_real
def test_pdf_with_text_pages_and_scanned_table_pages() -> None:
    """Prose typed, tables scanned and pasted in as pictures: only the picture pages go through OCR."""
    import io

    import pypdfium2 as pdfium

    real = scan_docs.REAL_PDF.read_bytes()
    scans = pdfium.PdfDocument(scan_docs.scanned(real, "PDF", pages=[3, 4]))  # pages 4 and 5 hold table 3
    mixed = pdfium.PdfDocument.new()
    source = pdfium.PdfDocument(real)
    mixed.import_pages(source, [0, 1, 2])
    mixed.import_pages(scans)
    mixed.import_pages(source, [5])
    buffer = io.BytesIO()
    mixed.save(buffer)
    data = buffer.getvalue()
    seen: list[tuple[int, int]] = []
    document = api.read_document(data, progress=lambda page, pages: seen.append((page, pages)))
    assert document.ocr and seen == [(1, 2), (2, 2)]  # two pages read by OCR, four by their text
    expected = json.loads(scan_docs.REAL_JSON.read_text(encoding="utf-8"))
    report = api.read_report(document)
    got = report.check_json()
    cells = [
        (got["applications"][row][col], value)
        for row, cols in expected["applications"].items()
        for col, value in cols.items()
    ]
    assert sum(a == b for a, b in cells) >= 0.98 * len(cells)
    assert got["active"] == expected["active"]  # page 3, read from its text layer


def test_a_lone_slash_is_told_from_a_one() -> None:
    """The recogniser reads a null mark "/" alone as "1"; its lean tells them apart."""
    import numpy as np
    from PIL import Image, ImageDraw

    def glyph(points: list[tuple[int, int]]) -> np.ndarray:
        image = Image.new("L", (60, 80), 255)
        ImageDraw.Draw(image).line(points, fill=0, width=4)
        return np.stack([np.asarray(image)] * 3, axis=-1)

    assert ocr._slanted(glyph([(20, 70), (40, 10)]))  # "/"
    assert not ocr._slanted(glyph([(30, 70), (30, 10)]))  # "1" without a flag
    one = glyph([(30, 70), (30, 10)])
    one[10:22, 18:30] = 0  # the flag leans left
    assert not ocr._slanted(one)


def test_a_cell_is_split_into_lines_only_at_blank_rows() -> None:
    """A label wrapped in its cell is read line by line; the bars of "二" or a "2" whose slope is grey
    stay one line."""
    import numpy as np

    page = np.full((300, 400), 255, dtype=np.uint8)
    page[40:70, 50:300] = 0  # a line of text
    page[90:120, 50:200] = 0  # its second line
    assert [box[1] for _, box in ocr._cell_lines(page, (20, 20, 380, 150))] == [40, 90]
    page[200:204, 60:100] = 0  # 二: two bars with a gap
    page[214:218, 55:105] = 0
    assert len(ocr._cell_lines(page, (20, 180, 380, 240))) == 1
    page[250:262, 200:220] = 0  # a "2": its top, a grey slope, its base
    page[262:274, 200:220] = 170
    page[274:280, 200:220] = 0
    assert len(ocr._cell_lines(page, (180, 240, 380, 295))) == 1


def _stub_steps(monkeypatch, fail_on: int | None = None) -> None:
    """The reader's steps without the engine: page n has 3n crops of distinct widths (page 3 is
    blank), a crop reads as its width, a page's lines are its readings in crop order."""
    import numpy as np

    from parser.readers.ocr.page import PageWork

    def prepare(grey, number: int):
        if number == fail_on:
            raise MemoryError("page too big")
        if number == 3:
            return None
        crops = [np.zeros((10, 7 * number + k), dtype=np.uint8) for k in range(3 * number)]
        return PageWork(number, grey, [], crops)

    def recognise_batch(engine, crops, batch):
        return [(str(crops[i].shape[1]), [1.0]) for i in batch]

    def finish(work, results, engine):
        return [Line([text for text, _ in results], work.page)]

    monkeypatch.setattr(ocr, "engine", lambda: None)
    monkeypatch.setattr(ocr, "prepare", prepare)
    monkeypatch.setattr(ocr, "recognise_batch", recognise_batch)
    monkeypatch.setattr(ocr, "finish", finish)


def test_pages_read_as_tasks_come_back_in_page_order(monkeypatch) -> None:
    """A page's batches run as tasks on the reader's threads; its readings come back in crop order and
    its lines in page order, a blank page giving none."""
    _stub_steps(monkeypatch)
    seen: list[tuple[int, int]] = []
    lines = ocr._read_pages(
        ((None, n) for n in range(1, 7)), 6, lambda page, pages: seen.append((page, pages))
    )
    assert [line.page for line in lines] == [1, 2, 4, 5, 6]
    for line in lines:
        assert line.cells == [str(7 * line.page + k) for k in range(3 * line.page)]
    assert seen == [(n, 6) for n in range(1, 7)]


def test_a_page_that_fails_fails_the_read_and_its_threads_end(monkeypatch) -> None:
    import threading

    _stub_steps(monkeypatch, fail_on=2)
    with pytest.raises(MemoryError):
        ocr._read_pages(((None, n) for n in range(1, 7)), 6, None)
    assert not [t for t in threading.enumerate() if t.name.startswith("ocr")]
