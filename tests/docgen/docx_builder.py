"""DOCX reports written with python-docx: the national template's tables with real merged cells.

Output is byte-for-byte deterministic (fixed core properties and ZIP timestamps), so its hash can key
the PDF render cache.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .layout import Block, Grid, blocks
from .spec import ReportSpec

FIXED_TIME = datetime(2025, 1, 20, 9, 0, 0)
TITLE_FONT, HEADING_FONT = "方正小标宋简体", "黑体"


def _fonts(run_or_style, name: str) -> None:
    """Set Latin and East Asian font names (python-docx's font.name sets only the Latin ones)."""
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _para(doc, text: str, *, font: str, size: float, bold: bool = False, align=None, indent: bool = False):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(size * 1.6)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    _fonts(run, font)
    run.font.size = Pt(size)
    run.bold = bold
    return p


def _cell_margins(table, cm: float) -> None:
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(cm * 567)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def _table(doc, grid: Grid, spec: ReportSpec) -> None:
    v = spec.variations
    dense = grid.full()
    table = doc.add_table(rows=len(grid.rows), cols=grid.cols)
    if v.borders:
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, 0.08)
    for c, width in enumerate(grid.widths_cm):
        table.columns[c].width = Cm(width)
    # python-docx's table.cell() rescans the whole table on every call: take the regular grid once, before
    # any merge (merges only touch cells inside their own span, so these wrappers stay valid)
    cells = table._cells
    for i, cell in enumerate(cells):
        cell.width = Cm(grid.widths_cm[i % grid.cols])
    size = 9 if grid.key != "active" else 10.5
    origins = [(r, c, pos[0]) for r, row in enumerate(dense) for c, pos in enumerate(row) if pos and pos[1]]
    for r, c, cell in origins:
        target = cells[r * grid.cols + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            corner = cells[(r + cell.rowspan - 1) * grid.cols + c + cell.colspan - 1]
            target = target.merge(corner)
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p.alignment = (
            WD_ALIGN_PARAGRAPH.LEFT if cell.kind in ("label", "group") else WD_ALIGN_PARAGRAPH.CENTER
        )
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1)
        run = p.add_run(cell.text)
        _fonts(run, v.font)
        run.font.size = Pt(size)
    if any(row.break_before for row in grid.rows):
        # LibreOffice ignores page breaks inside cells; rows as tall as the template's force the table
        # over a page, splitting a vertically merged group as real reports do
        for tr in table._tbl.tr_lst:
            tr_pr = tr.get_or_add_trPr()
            height = OxmlElement("w:trHeight")
            height.set(qn("w:val"), str(int(0.95 * 567)))
            height.set(qn("w:hRule"), "atLeast")
            tr_pr.append(height)


def _page_numbers(section) -> None:
    """「- N -」 in the footer: real PDFs carry page numbers, sometimes in the middle of a table."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(" -")


def _field(p, instr: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _browser_print(section, spec: ReportSpec) -> None:
    """What a browser prints around a web page: date, time and the page's <title> above; its URL and
    「N/M」 below."""
    v = spec.variations
    page_title = "".join(v.title) if v.title else f"{spec.year}年政府信息公开年度报告"
    head = section.header.paragraphs[0]
    run = head.add_run(f"2025/1/20 09:30\t{page_title}-{spec.agency}")
    run.font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.add_run(f"https://www.example.gov.cn/zfxxgk/ndbg/{spec.year}/art_7f3a2c.html\t\t").font.size = Pt(8)
    _field(foot, "PAGE")
    foot.add_run("/")
    _field(foot, "NUMPAGES")


def build_docx(spec: ReportSpec) -> bytes:
    v = spec.variations
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.start_type = WD_SECTION.NEW_PAGE
    normal = doc.styles["Normal"]
    _fonts(normal, v.font)
    normal.font.size = Pt(14)
    if v.browser_print:
        _browser_print(section, spec)
    else:
        _page_numbers(section)

    for block in blocks(spec):
        _block(doc, block, spec)

    props = doc.core_properties
    props.author = props.last_modified_by = spec.agency_short
    props.title = "".join(spec.title())
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic_zip(buf.getvalue())


def _block(doc, block: Block, spec: ReportSpec) -> None:
    font = spec.variations.font
    if block.kind == "title":
        for line in block.lines:
            _para(doc, line, font=TITLE_FONT, size=20, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(doc, "", font=font, size=14)
    elif block.kind == "heading":
        for line in block.lines:
            _para(doc, line, font=HEADING_FONT, size=14, indent=True)
    elif block.kind == "para":
        _para(doc, block.lines[0], font=font, size=14, indent=True)
    elif block.kind == "table":
        assert block.grid is not None
        _table(doc, block.grid, spec)
        _para(doc, "", font=font, size=10)
    elif block.kind == "signature":
        _para(doc, "", font=font, size=14)
        for line in block.lines:
            _para(doc, line, font=font, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps: python-docx stamps each member with the current time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 20, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
