"""Real PDFs for the PDF reader's tests: DOCX built with python-docx, rendered by LibreOffice.

Rendering costs seconds, so each PDF is cached under tests/.cache/pdf/ keyed by a hash of
everything that goes into the DOCX (the spec and this file's source).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "pdf"
_SOURCE = Path(__file__).read_bytes()

# Table 3 of the 2021 template, shortened: labels in narrow merged columns wrap inside their cells
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
TABLE3_ROWS: list[tuple[str, str, str, list[int]]] = [
    ("一、本年新收政府信息公开申请数量", "", "", [3001, 53, 0, 0, 61, 4, 3119]),
    ("二、上年结转政府信息公开申请数量", "", "", [34, 0, 0, 0, 0, 0, 34]),
    ("三、本年度办理结果", "（一）予以公开", "", [1288, 21, 0, 0, 50, 3, 1362]),
    (
        "三、本年度办理结果",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "",
        [447, 7, 0, 0, 0, 0, 454],
    ),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", [2, 0, 0, 0, 0, 0, 2]),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", [30, 1, 0, 0, 0, 0, 31]),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", [5, 0, 0, 0, 0, 0, 5]),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", [746, 12, 0, 0, 10, 1, 769]),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", [11, 0, 0, 0, 0, 0, 11]),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请", [56, 6, 0, 0, 0, 0, 62]),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请", [25, 0, 0, 0, 0, 0, 25]),
    ("三、本年度办理结果", "（七）总计", "", [2932, 53, 0, 0, 61, 4, 3050]),
    ("四、结转下年度继续办理", "", "", [103, 0, 0, 0, 0, 0, 103]),
]
FILLER = (
    "本年度，我单位坚持以公开为常态、不公开为例外，持续深化政务公开工作，"
    "围绕重点领域信息公开、政策解读和回应关切，不断提升政府信息公开的质量和实效。"
)


def report_spec(*, borders: bool = True, filler: int = 3, pages_before: int = 0) -> dict:
    """A short report: prose, a merged-cell table 2 block and table 3; `filler` paragraphs push
    table 3 down so that it can split across pages."""
    return {
        "kind": "report",
        "borders": borders,
        "filler": filler,
        "pages_before": pages_before,
    }


def pages_spec(pages: int, header: str = "") -> dict:
    return {"kind": "pages", "pages": pages, "header": header}


def _set_borders(table, on: bool) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "6")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _cjk_font(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(10.5)  # 五号, as report tables are set
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")


def _page_number_footer(section) -> None:
    """Footer `- N -` with a PAGE field, as government reports print it."""
    p = section.footer.paragraphs[0]
    p.alignment = 1
    p.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" -")


def _merge_runs(table, rows: list[tuple[str, str, str, list[int]]], first_row: int) -> None:
    """Write TABLE3-like rows, merging equal labels vertically and empty sub-labels horizontally."""
    for i, (a, b, c, nums) in enumerate(rows):
        r = first_row + i
        for j, n in enumerate(nums):
            table.cell(r, 3 + j).text = str(n)
        if not b:
            table.cell(r, 0).merge(table.cell(r, 2)).text = a
        elif not c:
            table.cell(r, 1).merge(table.cell(r, 2)).text = b
        else:
            table.cell(r, 1).text = b
            table.cell(r, 2).text = c
    # vertical merges: a run of rows sharing a label that has sub-labels beside it
    for col in (0, 1):
        i = 0
        while i < len(rows):
            j = i
            while j + 1 < len(rows) and rows[j + 1][col] == rows[i][col] and rows[j + 1][col + 1]:
                j += 1
            if j > i and rows[i][col + 1]:
                table.cell(first_row + i, col).merge(table.cell(first_row + j, col)).text = rows[i][col]
            i = j + 1


def build_report_docx(spec: dict) -> bytes:
    doc = new_docx()
    _cjk_font(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    _page_number_footer(section)
    for _ in range(spec["pages_before"]):
        doc.add_paragraph(FILLER)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("测试县人民政府2024年政府信息公开工作年度报告").alignment = 1
    doc.add_paragraph("一、总体情况")
    for _ in range(spec["filler"]):
        doc.add_paragraph(FILLER)
    doc.add_paragraph("二、主动公开政府信息情况")
    t2 = doc.add_table(rows=4, cols=4)
    _set_borders(t2, spec["borders"])
    t2.cell(0, 0).merge(t2.cell(0, 3)).text = "第二十条第（一）项"
    for j, h in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t2.cell(1, j).text = h
    for r, row in enumerate([["规章", "1", "0", "11"], ["行政规范性文件", "8", "", "66"]], start=2):
        for j, v in enumerate(row):
            t2.cell(r, j).text = v
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    t3 = doc.add_table(rows=3 + len(TABLE3_ROWS), cols=10)
    _set_borders(t3, spec["borders"])
    t3.autofit = False
    widths = [Cm(1.4), Cm(2.2), Cm(4.2)] + [Cm(1.3)] * 7
    for j, w in enumerate(widths):
        t3.columns[j].width = w
    for row in t3.rows:
        # rows stay whole on a page (a row split across pages is tested on the real PDF)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for j, w in enumerate(widths):
            row.cells[j].width = w
    t3.cell(0, 0).merge(
        t3.cell(2, 2)
    ).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t3.cell(0, 3).merge(t3.cell(0, 9)).text = "申请人情况"
    t3.cell(1, 3).merge(t3.cell(2, 3)).text = APPLICANTS[0]
    t3.cell(1, 4).merge(t3.cell(1, 8)).text = "法人或其他组织"
    t3.cell(1, 9).merge(t3.cell(2, 9)).text = APPLICANTS[6]
    for j, name in enumerate(APPLICANTS[1:6]):
        t3.cell(2, 4 + j).text = name
    _merge_runs(t3, TABLE3_ROWS, 3)
    doc.add_paragraph("四、存在的主要问题及改进情况")
    doc.add_paragraph(FILLER)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def build_pages_docx(spec: dict) -> bytes:
    """`spec["pages"]` pages of prose separated by page breaks, under a running header."""
    doc = new_docx()
    _cjk_font(doc)
    _page_number_footer(doc.sections[0])
    if spec.get("header"):
        doc.sections[0].header.paragraphs[0].text = spec["header"]
    for i in range(spec["pages"]):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph(f"第{i + 1}部分。{FILLER}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _key(spec: dict, export: str) -> str:
    h = hashlib.sha256()
    h.update(_SOURCE)
    h.update(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode())
    h.update(export.encode())
    return h.hexdigest()[:20]


def render(spec: dict, *, password: str | None = None, owner_password: str | None = None) -> bytes:
    """The PDF LibreOffice makes of the DOCX `spec` describes (cached). With `password`, an
    encrypted PDF that needs it to open; with `owner_password`, one that opens without a password
    but restricts copying and editing, as many published reports do."""
    export = "pdf"
    # LibreOffice takes the PDF export's options as JSON: no extra library needed to encrypt
    opts: dict = {}
    if password:
        opts["EncryptFile"] = {"type": "boolean", "value": "true"}
        opts["DocumentOpenPassword"] = {"type": "string", "value": password}
    if owner_password:
        opts["RestrictPermissions"] = {"type": "boolean", "value": "true"}
        opts["PermissionPassword"] = {"type": "string", "value": owner_password}
        opts["EnableCopyingOfContent"] = {"type": "boolean", "value": "false"}
        opts["Changes"] = {"type": "long", "value": "0"}
    if opts:
        export = "pdf:writer_pdf_Export:" + json.dumps(opts, sort_keys=True)
    out = CACHE / f"{spec['kind']}-{_key(spec, export)}.pdf"
    if out.exists():
        return out.read_bytes()
    build = build_report_docx if spec["kind"] == "report" else build_pages_docx
    docx = build(spec)
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        src = Path(tmp) / "doc.docx"
        src.write_bytes(docx)
        # A private profile: several LibreOffice runs (other tests, other engineers) can't share one
        profile = Path(tmp) / "profile"
        cmd = [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            export,
            "--outdir",
            tmp,
            str(src),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": tmp})
        pdf = (Path(tmp) / "doc.pdf").read_bytes()
    CACHE.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(pdf)
    part.replace(out)  # atomic: a parallel test never reads half a file
    return pdf


def soffice_available() -> bool:
    return shutil.which("soffice") is not None
