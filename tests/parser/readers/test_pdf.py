"""The PDF reader on the real published PDF and on PDFs LibreOffice renders from DOCX built here."""

from __future__ import annotations

import io
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from shared_files import shared

from parser.errors import ReportError
from parser.layout import Document
from parser.readers import pdf
from parser.textutil import is_page_number

sys.path.insert(0, str(Path(__file__).parent))
import pdf_docs  # noqa: E402

REAL_DIR = shared("real")
REAL_PDF = REAL_DIR / "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
REAL_JSON = REAL_DIR / "淮安市人民政府2024年政府信息公开工作年度报告.expected.json"

needs_real = pytest.mark.skipif(not REAL_PDF.exists(), reason="shared/real/ is not beside the project")
needs_soffice = pytest.mark.skipif(not pdf_docs.soffice_available(), reason="LibreOffice is not installed")

# Row labels of table 3 (keys of shared/spec/report-model.md), as printed in the 2021 template
TABLE3_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_complaint": "1.信访举报投诉类申请",
    "not_processed_repeat": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "申请人无正当理由逾期不补正",
    "other_no_fee": "申请人逾期未按收费通知要求缴纳费用",
    "other_other": "3、其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
APPLICANT_KEYS = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
]
ACTIVE_LABELS = {
    "rules": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _row_with(doc: Document, label: str) -> list[str]:
    """The one table row with a cell that holds `label`."""
    rows = [line.cells for line in doc.lines if line.is_row and any(label in c for c in line.cells)]
    assert len(rows) == 1, (label, rows)
    return rows[0]


def _assert_no_page_numbers(doc: Document) -> None:
    for line in doc.lines:
        if not line.is_row:
            assert not is_page_number(line.text), line
            assert not line.text.strip("-—– ").isdigit(), line


# --- the real published PDF (WPS, ruling lines, page numbers mid-table, table 3 over two pages)


@pytest.fixture(scope="module")
def real() -> Document:
    return pdf.read(REAL_PDF.read_bytes())


@needs_real
def test_real_pdf_every_expected_number_in_its_row(real: Document) -> None:
    expected = json.loads(REAL_JSON.read_text(encoding="utf-8"))
    assert real.format == "pdf" and real.pages == 6
    for key, label in ACTIVE_LABELS.items():
        row = _row_with(real, label)
        want = [_num(v) for v in expected["active"][key].values()]
        assert row[1:] == want, (key, row)
    for key, label in TABLE3_LABELS.items():
        row = _row_with(real, label)
        want = [_num(expected["applications"][key][k]) for k in APPLICANT_KEYS]
        assert row[-7:] == want, (key, row)
    # table 4: one row of fifteen numbers under a three-level header
    numbers = [
        line.cells for line in real.lines if line.is_row and len(line.cells) == 15 and line.cells[0].isdigit()
    ]
    rl = expected["review_litigation"]
    want = [
        _num(rl[g][k])
        for g in ("review", "litigation_direct", "litigation_after_review")
        for k in ("maintained", "corrected", "other", "pending", "total")
    ]
    assert numbers == [want]


@needs_real
def test_real_pdf_layout(real: Document) -> None:
    _assert_no_page_numbers(real)
    texts = [line.text for line in real.lines]
    # reading order: headings before their tables, table 3 split over pages 4 and 5 in order
    assert texts.index("三、收到和处理政府信息公开申请情况") < texts.index(
        " ".join(_row_with(real, "（一）予以公开"))
    )
    assert real.lines[0].text == "淮安市人民政府" and real.lines[0].page == 1
    assert _page_of(real, "1.本机关不掌握相关政府信息") == 4
    assert _page_of(real, "2.没有现成信息需要另行制作") == 5
    # labels wrapped inside cells come back whole; merged cells appear once
    assert _row_with(real, "（二）部分公开")[0] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert _row_with(real, "三、本年度办理结果")[:2] == ["三、本年度办理结果", "（一）予以公开"]
    assert _row_with(real, "2.重复申请")[0] == "2.重复申请"
    # the paragraph inside a shaded frame is prose, not a table
    assert any(
        line.text.startswith("本报告由淮安市人民政府办公室") and not line.is_row for line in real.lines
    )
    assert texts[-1].endswith("全年收取政府信息公开信息处理费 3940 元。")


def _page_of(doc: Document, label: str) -> int | None:
    return next(line.page for line in doc.lines if line.is_row and label in line.cells)


@needs_real
def test_real_pdf_table_pages_are_read_without_pdfplumber() -> None:
    document = pdfium.PdfDocument(REAL_PDF.read_bytes())
    try:
        _pages, table_pages, unsettled = pdf._scan(document)
    finally:
        document.close()
    assert table_pages == {2, 3, 4}  # 0-based: the pages with tables 2, 3 and 4
    assert unsettled == set()  # pdfium's boxes and paths settle them all: pdfplumber is not needed


def _chars_one_by_one(textpage, top: float) -> list[tuple]:
    """Each character's box, baseline and size asked of pdfium on its own (what page_chars shares
    between the characters of one text object)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    out = []
    for i, ch in enumerate(textpage.get_text_range()):
        if ch.isspace() and (ch in "\r\n" or pdfium_c.FPDFText_IsGenerated(raw, i)):
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(rect))
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
        pdfium_c.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix))
        baseline = top - oy.value
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * matrix.d
        out.append((ch, rect.left, rect.right, baseline - size, baseline))
    return out


def _real_or_rendered(which: str) -> bytes:
    """The real PDF, or a report LibreOffice renders: ruled, split over pages, or without borders."""
    if which == "real":
        if not REAL_PDF.exists():
            pytest.skip("shared/real/ is not beside the project")
        return REAL_PDF.read_bytes()
    if not pdf_docs.soffice_available():
        pytest.skip("LibreOffice is not installed")
    spec = {
        "ruled": pdf_docs.report_spec(),
        "split": pdf_docs.report_spec(filler=12),
        "borderless": pdf_docs.report_spec(borders=False),
    }[which]
    return pdf_docs.render(spec)


@pytest.mark.parametrize("which", ["real", "ruled"])
def test_page_chars_are_each_characters_own_box(which: str) -> None:
    document = pdfium.PdfDocument(_real_or_rendered(which))
    try:
        for page in document:
            top = page.get_mediabox()[3]
            textpage = page.get_textpage()
            chars = pdf.pdf_grid.page_chars(textpage, top)
            assert chars  # every page of these reports has text
            assert [(c.text, c.x0, c.x1, c.top, c.bottom) for c in chars] == _chars_one_by_one(textpage, top)
            textpage.close()
            page.close()
    finally:
        document.close()


def _lines_through_pdfplumber(data: bytes, monkeypatch) -> list:
    def unsettled(*_args, **_kwargs):
        raise pdf.pdf_grid.Unsettled("forced")

    with monkeypatch.context() as m:
        m.setattr(pdf, "_grid_items", unsettled)
        return [(line.cells, line.page, line.is_row) for line in pdf.read(data).lines]


@pytest.mark.parametrize("which", ["real", "ruled", "split", "borderless"])
def test_fast_tables_are_pdfplumbers_tables(which: str, monkeypatch) -> None:
    """The fast path finds the rows and lines pdfplumber finds (which reads what the fast path cannot)."""
    data = _real_or_rendered(which)
    fast = [(line.cells, line.page, line.is_row) for line in pdf.read(data).lines]
    assert fast == _lines_through_pdfplumber(data, monkeypatch)


# --- PDFs LibreOffice renders from DOCX with merged-cell tables


def _table3_rows(doc: Document) -> None:
    """Every row of the built table 3: its last label and its seven numbers, in order."""
    rows = [line.cells for line in doc.lines if line.is_row]
    at = -1
    for a, b, c, nums in pdf_docs.TABLE3_ROWS:
        label = c or b or a
        want = [str(n) for n in nums]
        found = [i for i, cells in enumerate(rows) if label in cells and cells[-7:] == want]
        assert found, (label, want)
        assert found[0] > at, "rows out of order"
        at = found[0]
        cells = rows[at]
        # a merged label appears once: only at its first row, never as None or ""
        assert len(cells) == cells.index(label) + 8


@needs_soffice
def test_rendered_ruled_tables_with_merged_cells() -> None:
    doc = pdf.read(pdf_docs.render(pdf_docs.report_spec()))
    assert doc.pages == 2
    rows = [(line.page, line.cells) for line in doc.lines if line.is_row]
    assert rows[0] == (1, ["第二十条第（一）项"])
    assert rows[1][1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert rows[3][1] == ["行政规范性文件", "8", "", "66"]  # a real empty cell stays ""
    assert ["自然人", "法人或其他组织", "总计"] in [c for _, c in rows]
    assert ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] in [c for _, c in rows]
    _table3_rows(doc)
    assert _row_with(doc, "（二）部分公开")[0] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    _assert_no_page_numbers(doc)
    texts = [line.text for line in doc.lines if not line.is_row]
    assert texts[0] == "测试县人民政府2024年政府信息公开工作年度报告"
    assert texts[-1].endswith("和实效。")


@needs_soffice
def test_rendered_table_split_across_pages() -> None:
    doc = pdf.read(pdf_docs.render(pdf_docs.report_spec(filler=12)))
    pages = {line.page for line in doc.lines if line.is_row and line.cells[-1].isdigit()}
    assert len(pages) >= 2
    _table3_rows(doc)
    _assert_no_page_numbers(doc)


@needs_soffice
def test_rendered_table_without_ruling_lines_comes_as_text_lines() -> None:
    doc = pdf.read(pdf_docs.render(pdf_docs.report_spec(borders=False)))
    # table 3's rows are placed in its seven columns by the x of their numbers; the rest is text
    rows = [line for line in doc.lines if line.is_row]
    assert rows and all(len(line.cells) == 8 for line in rows)
    assert ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"] in [
        r.cells for r in rows
    ]
    texts = [line.text for line in doc.lines]
    # each table row is one line: its label's first line, then its numbers left to right
    assert "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119" in texts
    assert "规章 1 0 11" in texts
    for _a, _b, _c, nums in pdf_docs.TABLE3_ROWS:
        tail = " ".join(str(n) for n in nums[:-1])
        assert any(tail in t for t in texts), nums
    _assert_no_page_numbers(doc)


@needs_soffice
def test_running_header_and_page_numbers_dropped() -> None:
    doc = pdf.read(pdf_docs.render(pdf_docs.pages_spec(4, header="测试县人民政府办公室")))
    assert doc.pages == 4
    assert {line.page for line in doc.lines} == {1, 2, 3, 4}
    assert not any("办公室" in line.text for line in doc.lines)
    firsts = [line.text.replace(" ", "")[:4] for line in doc.lines if line.text.startswith("第")]
    assert firsts == ["第1部分", "第2部分", "第3部分", "第4部分"]
    assert all(line.text.endswith("实效。") for line in doc.lines if not line.text.startswith("第"))


# --- bad input


@needs_soffice
def test_encrypted() -> None:
    data = pdf_docs.render(pdf_docs.report_spec(), password="nianbao")
    with pytest.raises(ReportError) as err:
        pdf.read(data)
    assert err.value.code == "encrypted"
    assert err.value.zh == "PDF 文件已加密，无法读取。请发送未加密的文件。"


@needs_soffice
def test_permissions_only_encryption_is_read() -> None:
    data = pdf_docs.render(pdf_docs.report_spec(), owner_password="owner")
    assert b"/Encrypt" in data
    doc = pdf.read(data)
    _table3_rows(doc)


@needs_soffice
@pytest.mark.parametrize("cut", [0.2, 0.6, 0.97])
def test_truncated_is_corrupt(cut: float) -> None:
    data = pdf_docs.render(pdf_docs.report_spec())
    with pytest.raises(ReportError) as err:
        pdf.read(data[: int(len(data) * cut)])
    assert err.value.code == "corrupt"


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", b"\x00" * 100]
)
def test_garbage_is_corrupt(data: bytes) -> None:
    with pytest.raises(ReportError) as err:
        pdf.read(data)
    assert err.value.code == "corrupt"


def _copies(data: bytes, pages: list[int], blank: int = 0) -> bytes:
    src = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(src, pages)
        for _ in range(blank):
            out.new_page(595, 842).close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


@needs_soffice
def test_too_many_pages_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    one = pdf_docs.render(pdf_docs.pages_spec(1))
    hundred = _copies(one, [0] * 100)

    def no_page_read(*args, **kwargs):
        raise AssertionError("a page was read before the page count was checked")

    with monkeypatch.context() as patched, pytest.raises(ReportError) as err:
        patched.setattr(pdf, "_scan", no_page_read)  # refused on the count alone, not after reading pages
        pdf.read(hundred)
    assert err.value.code == "too_many_pages"
    assert "100" in err.value.zh
    # the limit itself is fine
    assert pdf.read(_copies(one, [0] * pdf.MAX_PAGES)).pages == pdf.MAX_PAGES


def test_no_text_layer() -> None:
    empty = _copies(_blank_pdf(), [], blank=3)
    with pytest.raises(ReportError) as err:
        pdf.read(empty)
    assert err.value.code == "no_text"
    assert "扫描件" in err.value.zh


@needs_soffice
def test_page_without_text_emits_nothing() -> None:
    doc = pdf.read(_copies(pdf_docs.render(pdf_docs.pages_spec(1)), [0], blank=1))
    assert doc.pages == 2
    assert {line.page for line in doc.lines} == {1}


def _blank_pdf() -> bytes:
    doc = pdfium.PdfDocument.new()
    try:
        doc.new_page(595, 842).close()
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()
    finally:
        doc.close()


# --- small parts


@pytest.mark.parametrize(
    "text", ["-3-", "- 3 -", "— 3 —", "－12－", "第3页", "第 3 页 共 6 页", "共6页 第3页", "3/6", "3 / 6"]
)
def test_page_number_lines_dropped_anywhere(text: str) -> None:
    assert pdf._furniture(pdf._Text(text, 400, 0.5), set())


@pytest.mark.parametrize("text", ["3", "12", "- ", "3 -"])
def test_bare_numbers_dropped_only_in_the_margins(text: str) -> None:
    assert pdf._furniture(pdf._Text(text, 800, 0.97), set())
    assert pdf._furniture(pdf._Text(text, 20, 0.02), set())
    assert not pdf._furniture(pdf._Text(text, 400, 0.5), set())


@pytest.mark.parametrize("text", ["2024年政府信息公开工作年度报告", "共计 95 个", "3119", "二、主动公开"])
def test_prose_kept(text: str) -> None:
    assert not pdf._furniture(pdf._Text(text, 400, 0.5), set())


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("（三）不\n予公开", "（三）不予公开"),
        ("结 果\n维持", "结果维持"),
        ("3985\n758", "3985 758"),
        ("", ""),
        ("2024 年\n报告", "2024 年报告"),
    ],
)
def test_cell_text(raw: str, cell: str) -> None:
    assert pdf._cell_text(raw) == cell


@needs_real
def test_read_in_a_worker_process() -> None:
    data = REAL_PDF.read_bytes()
    with ProcessPoolExecutor(max_workers=1) as pool:
        doc = pool.submit(pdf.read, data).result(timeout=60)
    assert doc.pages == 6 and any(line.is_row for line in doc.lines)


# --- damaged files and pdfminer's noise


def _damaged_mediabox(data: bytes) -> bytes:
    """The same PDF with a junk byte inside every page's MediaBox (same length: offsets stay right).
    pdfium reads past it; pdfminer (pdfplumber) cannot parse the page at all."""
    box = re.search(rb"/MediaBox\s*\[\s*0 0 (\d{3})\.(\d)", data)
    assert box, "no MediaBox to damage"
    damaged = data.replace(box.group(0), box.group(0)[:-1] + b"\xbb")
    assert len(damaged) == len(data) and damaged != data
    return damaged


@needs_soffice
def test_damaged_pdf_is_read_with_pdfium(monkeypatch) -> None:
    """Flipped bytes pdfminer chokes on: the fast path never needed pdfminer, and where pdfplumber
    must step in, each page keeps pypdfium2's text — never the generic parser failure."""
    from parser.api import parse_report

    data = _damaged_mediabox(pdf_docs.render(pdf_docs.report_spec()))
    doc = pdf.read(data)
    _table3_rows(doc)

    def unsettled(*_args, **_kwargs):
        raise pdf.pdf_grid.Unsettled("forced")

    monkeypatch.setattr(pdf, "_grid_items", unsettled)
    doc = pdf.read(data)  # pdfplumber fails on every page (and on closing): pdfium's lines stay
    texts = [line.text.replace(" ", "") for line in doc.lines]
    assert "测试县人民政府2024年政府信息公开工作年度报告" in texts
    assert any("3001" in t and "3119" in t for t in texts)
    report = parse_report(data, "damaged.pdf")
    assert report.agency == "测试县人民政府" and report.year == 2024


def _pdf_without_font_bbox() -> bytes:
    """A one-page PDF whose font descriptor has no FontBBox (as browsers print them), on a page turned
    by 90° (which the fast path leaves to pdfplumber), holding lines of numbers (a table page)."""
    content = (
        b"BT /F1 12 Tf 72 700 Td (1 2 3 4 5) Tj 0 -20 Td (6 7 8 9 10) Tj 0 -20 Td (11 12 13 14 15) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Rotate 90"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /BrowserFont /FontDescriptor 5 0 R >>",
        b"<< /Type /FontDescriptor /FontName /BrowserFont /Flags 32 /ItalicAngle 0 /Ascent 905 /Descent -212"
        b" /CapHeight 716 /StemV 80 >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdfminer_font_warnings_stay_out_of_the_log(caplog) -> None:
    import logging

    data = _pdf_without_font_bbox()
    document = pdfium.PdfDocument(data)
    try:
        _pages, _table_pages, unsettled = pdf._scan(document)
    finally:
        document.close()
    assert unsettled == {0}  # this page goes through pdfplumber, whose pdfminer meets the font
    with caplog.at_level(logging.WARNING):
        doc = pdf.read(data)
    assert len([n for line in doc.lines for n in line.text.split()]) == 15  # every number read
    assert not [r for r in caplog.records if "FontBBox" in r.getMessage()]


def _char(text: str, x0: float, top: float = 100.0, width: float = 5.0) -> pdf.pdf_grid.Char:
    return pdf.pdf_grid.Char(text, x0, x0 + width, top, top + 10)


@pytest.mark.parametrize(
    "chars",
    [
        [_char("7", 10)],
        [_char(" ", 10)],
        [_char("1", 10), _char("2", 15), _char("3", 20)],
        [_char("3", 20), _char("1", 10), _char("2", 15)],  # out of order on the page
        [_char("a", 10), _char("b", 15), _char("c", 24)],  # a gap over X_TOL
        [_char("a", 10), _char("b", 15), _char("c", 23)],  # a gap within it
        [_char("a", 10), _char(" ", 15), _char("b", 20)],
        [_char("ﬁ", 10), _char("x", 15, top=102.5)],  # a ligature; tops within Y_TOL
        [_char("a", 10), _char("b", 15, top=104)],  # two lines
        [_char("a", 10), _char("b", 15, top=102), _char("c", 20, top=104)],  # a chain of two lines' tops
    ],
)
def test_a_cells_text_on_one_line_is_read_as_words_then_lines(chars) -> None:
    """The shortcut for a cell on one line gives what the word-then-line reading gives."""
    grid = pdf.pdf_grid
    assert grid.extract_text(chars) == grid._lines_text(chars)


# --- a printed web page's sidebar beside its article, as a table page's words give them


def _words_of(line: str, top: float, x0: float, size: float = 12.0) -> list[dict]:
    """A line's words (split at spaces) from x0, each character `size` wide, a space between words."""
    out, x = [], x0
    for text in line.split(" "):
        out.append({"text": text, "x0": x, "x1": x + size * len(text), "top": top, "bottom": top + size})
        x += size * (len(text) + 1)
    return out


def _page_words(left: list[str], right: list[str], top: float = 100.0, right_x: float = 260.0) -> list[dict]:
    """Two columns side by side: `left` from x 40, `right` from `right_x`, a line every 20 points."""
    words = []
    for k, line in enumerate(left):
        words += _words_of(line, top + 20 * k, 40.0, size=8.0)
    for k, line in enumerate(right):
        words += _words_of(line, top + 20 * k, right_x)
    return words


SIDEBAR_LINKS = [f"2024-0{k + 1}-1{k} 关于第{k + 3}批许可事项的公示" for k in range(8)]
ARTICLE = [
    "（四）平台建设。持续加强政府网站和政务新媒体",
    "管理，专人负责、定期维护，及时更新栏目内容。",
    "（五）监督保障。将政务公开工作纳入年度绩效考",
    "核，全年未发生因政府信息公开工作被追究责任的情",
    "况。",
    "二、主动公开政府信息情况",
    "本机关全年主动公开政府信息七十二条。",
    "三、收到和处理政府信息公开申请情况",
]


def _texts(items) -> list[str]:
    return [it.text if isinstance(it, pdf._Text) else " ".join(it) for it in items]


def test_a_sidebar_beside_the_article_is_read_apart_from_it() -> None:
    """Browser-printed pages put a long sidebar of links beside the article; on a table page the words of
    both join into one line, and the headings are lost (「…的公示 二、主动公开政府信息情况」). Read as
    two columns: the sidebar, then the article, each line whole."""
    items, _ = pdf._items([], _page_words(SIDEBAR_LINKS, ARTICLE), 842.0, None)
    texts = _texts(items)
    assert texts == SIDEBAR_LINKS + ARTICLE


def test_a_sidebar_beside_a_table_goes_before_it() -> None:
    """The article's ruled table (its rows, placed at its top) stays among the article's lines."""
    table = ((260.0, 125.0, 560.0, 160.0), [["信息内容", "本年制发件数"], ["规章", "1"]])
    right = [*ARTICLE[:1], "", "", *ARTICLE[1:6]]  # the table stands in the article's second and third lines
    words = [w for w in _page_words(SIDEBAR_LINKS, right) if w["text"]]
    texts = _texts(pdf._items([table], words, 842.0, None)[0])
    assert texts == [*SIDEBAR_LINKS, ARTICLE[0], "信息内容 本年制发件数", "规章 1", *ARTICLE[1:6]]


@pytest.mark.parametrize(
    "left,right",
    [
        # a borderless table: labels, then their numbers
        ([f"{k + 1}.属于国家秘密的申请事项" for k in range(8)], ["0 0 0 0 0 0 0"] * 8),
        # a borderless table's header: short words side by side
        (["结果 维持 纠正"] * 8, ["结果 维持 纠正 审结"] * 8),
        # too few lines beside each other to tell a sidebar from a coincidence
        (SIDEBAR_LINKS[:4], ARTICLE[:4]),
    ],
)
def test_lines_that_are_no_sidebar_stay_as_they_are(left, right) -> None:
    items, _ = pdf._items([], _page_words(left, right), 842.0, None)
    assert _texts(items) == [f"{a} {b}" for a, b in zip(left, right, strict=True)]


def test_prose_across_the_strip_keeps_the_page_in_one_column() -> None:
    words = _page_words(SIDEBAR_LINKS, ARTICLE)
    words += _words_of("本报告所列数据的统计期限自2024年1月1日至2024年12月31日。", 250.0, 40.0)
    items, _ = pdf._items([], words, 842.0, None)
    assert _texts(items)[0] == f"{SIDEBAR_LINKS[0]} {ARTICLE[0]}"  # joined, as before: no columns here


def test_the_sidebar_found_on_a_page_holds_on_the_next() -> None:
    """The next page's only line beside the sidebar is a row of table 3 going on over the page: too few
    lines, and too many words, to find the sidebar anew; the page before found it."""
    article = ["（二）部分公开（区分处理的，只计这 4 0 0 0 0 0 4"]
    sidebar = ["2024-04-19 关于第42批许可事项的公示"]
    page = _page_words(article, sidebar, right_x=420.0)
    joined = [f"{article[0]} {sidebar[0]}"]
    assert _texts(pdf._items([], page, 842.0, None)[0]) == joined
    _, carry = pdf._items([], _page_words(ARTICLE, SIDEBAR_LINKS, right_x=420.0), 842.0, None)
    assert carry.gutter is not None
    assert _texts(pdf._items([], page, 842.0, carry)[0]) == [*article, *sidebar]
    # a page whose prose crosses the strip keeps one column, whatever the page before had
    crossing = page + _words_of("本报告所列数据的统计期限自2024年1月1日至2024年12月31日。", 100.0, 40.0)
    assert pdf._items([], crossing, 842.0, carry)[1].gutter is None
