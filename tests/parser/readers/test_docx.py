"""DOCX reader on real files written by python-docx (merged cells made with cell.merge)."""

from __future__ import annotations

import base64
import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls

from parser.errors import ReportError
from parser.layout import Line
from parser.readers import docx as reader

MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def _bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _rows(doc) -> list[list[str]]:
    return [line.cells for line in doc.lines if line.is_row]


def _texts(doc) -> list[str]:
    return [line.cells[0] for line in doc.lines if not line.is_row]


def _active_table(document) -> None:
    """Table 2 of a 2021-template report, with its real merges."""
    t = document.add_table(rows=5, cols=4)
    t.style = "Table Grid"
    head = t.cell(0, 0).merge(t.cell(0, 3))
    head.text = "第二十条第（一）项"
    for col, label in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t.cell(1, col).text = label
    for row, (label, *nums) in enumerate(
        [("规章", "0", "0", "3"), ("行政规范性文件", "12", "", "40")], start=2
    ):
        t.cell(row, 0).text = label
        for col, num in enumerate(nums, start=1):
            t.cell(row, col).text = num
    label = t.cell(4, 0).merge(t.cell(4, 1))
    label.text = "第二十条第（五）项"
    t.cell(4, 2).merge(t.cell(4, 3)).text = "5"


def test_paragraphs_and_merged_cells():
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：不属于正文"
    document.sections[0].footer.paragraphs[0].text = "第 1 页"
    document.add_paragraph("\u3000\u3000XX市2023年政府信息公开工作年度报告  ")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("")
    _active_table(document)
    document.add_paragraph("结尾")
    doc = reader.read(_bytes(document))

    assert doc.format == "docx"
    assert doc.pages is None
    assert all(line.page is None for line in doc.lines)
    assert doc.lines == [
        Line(["XX市2023年政府信息公开工作年度报告"]),
        Line(["一、总体情况"]),
        Line(["第二十条第（一）项"], is_row=True),
        Line(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], is_row=True),
        Line(["规章", "0", "0", "3"], is_row=True),
        Line(["行政规范性文件", "12", "", "40"], is_row=True),
        Line(["第二十条第（五）项", "5"], is_row=True),
        Line(["结尾"]),
    ]


def test_vertical_merge_appears_in_first_row_only():
    document = docx.Document()
    t = document.add_table(rows=4, cols=3)
    t.cell(0, 0).merge(t.cell(3, 0)).text = "三、本年度办理结果"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "（一）予以公开"
    t.cell(1, 1).merge(t.cell(2, 1)).text = "（三）不予公开"
    t.cell(1, 2).text = "1.属于国家秘密"
    t.cell(2, 2).text = "2.其他法律行政法规禁止公开"
    t.cell(3, 1).text = "（四）无法提供"
    doc = reader.read(_bytes(document))
    assert _rows(doc) == [
        ["三、本年度办理结果", "（一）予以公开"],
        ["（三）不予公开", "1.属于国家秘密"],
        ["2.其他法律行政法规禁止公开"],
        ["（四）无法提供", ""],
    ]


def test_cell_lines_join_without_gap_except_between_numbers():
    document = docx.Document()
    t = document.add_table(rows=1, cols=3)
    label = t.cell(0, 0)
    label.text = "（二）部分公开（区分处理的，"
    label.add_paragraph("只计这一情形，不计其他情形）")
    nums = t.cell(0, 1)
    nums.text = "12"
    nums.add_paragraph("3")
    wrapped = t.cell(0, 2).paragraphs[0]
    wrapped.add_run("本年  新收")
    wrapped.add_run().add_break()  # a soft line break inside the cell
    wrapped.add_run("\u00a0申请\u3000数量")
    doc = reader.read(_bytes(document))
    assert _rows(doc) == [
        ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "12 3", "本年 新收申请 数量"]
    ]


def test_page_numbers_from_hard_breaks():
    document = docx.Document()
    document.add_paragraph("第一页").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("第二页")
    document.add_paragraph("第三页").paragraph_format.page_break_before = True
    mixed = document.add_paragraph("仍在第三页")
    mixed.add_run().add_break(WD_BREAK.PAGE)
    mixed.add_run("第四页")
    t = document.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "行"
    t.cell(0, 1).text = "4"
    doc = reader.read(_bytes(document))
    assert [(line.text, line.page) for line in doc.lines] == [
        ("第一页", 1),
        ("第二页", 2),
        ("第三页", 3),
        ("仍在第三页", 3),
        ("第四页", 4),
        ("行 4", 4),
    ]
    assert doc.pages == 4


def test_blank_cover_page_still_counts():
    document = docx.Document()
    document.add_paragraph().paragraph_format.page_break_before = True  # ignored on the first paragraph
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # a cover with no text
    document.add_paragraph("正文")
    doc = reader.read(_bytes(document))
    assert [(line.text, line.page) for line in doc.lines] == [("正文", 2)]
    assert doc.pages == 2


def test_rendered_page_breaks_are_not_counted_twice():
    # Word marks every page it laid out, including the one a hard break started
    document = docx.Document()
    document.add_paragraph("甲").add_run().add_break(WD_BREAK.PAGE)
    second = document.add_paragraph()
    second.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    second.add_run("乙，跨页的段落")
    run = second.add_run("继续")
    run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    document.add_paragraph("丙")
    doc = reader.read(_bytes(document))
    assert [(line.text, line.page) for line in doc.lines] == [("甲", 1), ("乙，跨页的段落继续", 2), ("丙", 3)]
    assert doc.pages == 3


def test_nested_table_rows_follow_their_row():
    document = docx.Document()
    t = document.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "外层"
    t.cell(0, 1).text = "1"
    inner_cell = t.cell(1, 1)
    inner_cell.text = "内层说明"
    inner = inner_cell.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"n{r}{c}"
    t.cell(1, 0).text = "第二行"
    doc = reader.read(_bytes(document))
    assert _rows(doc) == [["外层", "1"], ["第二行", "内层说明"], ["n00", "n01"], ["n10", "n11"]]


def test_one_column_frame_table_flows_as_text():
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.text = "一、总体情况"
    cell.add_paragraph("2023年，本机关主动公开信息 117 条。")
    data = cell.add_table(rows=1, cols=2)
    data.cell(0, 0).text = "行政处罚"
    data.cell(0, 1).text = "0"
    doc = reader.read(_bytes(document))
    assert doc.lines == [
        Line(["一、总体情况"]),
        Line(["2023年，本机关主动公开信息 117 条。"]),
        Line(["行政处罚", "0"], is_row=True),
    ]


def test_content_controls_and_text_boxes():
    document = docx.Document()
    document.add_paragraph("开头")
    body = document.element.body
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, sdt)
    host = document.add_paragraph("正文")
    box = parse_xml(
        f"<w:r {nsdecls('w')} {MC_NS}><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        "<w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    host._p.append(box)
    host._p.append(parse_xml(f"<w:hyperlink {nsdecls('w')}><w:r><w:t>链接文字</w:t></w:r></w:hyperlink>"))
    deleted = parse_xml(f"<w:del {nsdecls('w')}><w:r><w:delText>删掉的</w:delText></w:r></w:del>")
    host._p.append(deleted)
    doc = reader.read(_bytes(document))
    assert _texts(doc) == ["开头", "控件里的段落", "正文链接文字", "文本框"]


def test_entities_are_not_resolved():
    document = docx.Document()
    document.add_paragraph("前占位")
    data = _bytes(document)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "word/document.xml":
                payload = payload.replace(
                    b"?>",
                    b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "YY">]>',
                    1,
                ).replace("占位".encode(), b"&x;&y;")
            dst.writestr(info, payload)
    doc = reader.read(out.getvalue())
    assert [line.text for line in doc.lines] == ["前"]


# -- rejected files ------------------------------------------------------------


def test_zip_bomb_is_rejected_before_inflating():
    buf = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(201):  # 201 MB of zeros, written as it compresses
                fh.write(chunk)
    with pytest.raises(ReportError) as err:
        reader.read(buf.getvalue())
    assert err.value.code == "corrupt"
    assert "压缩炸弹" in err.value.zh


def test_total_uncompressed_size_is_limited():
    buf = io.BytesIO()
    part = b"\0" * (10 * 1024 * 1024)  # each member alone is allowed
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(21):
            zf.writestr(f"word/media/image{i}.bin", part)
    with pytest.raises(ReportError) as err:
        reader.read(buf.getvalue())
    assert err.value.code == "too_large"


def test_too_many_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(10_001):
            zf.writestr(f"x/{i}", b"")
    with pytest.raises(ReportError, match="too many members"):
        reader.read(buf.getvalue())


def test_zip_that_is_not_a_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("report.txt", "年度报告")
    with pytest.raises(ReportError) as err:
        reader.read(buf.getvalue())
    assert err.value.code == "corrupt"
    assert "word/document.xml" in err.value.en


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"\x00" * 100, b""])
def test_corrupt_bytes(data):
    with pytest.raises(ReportError) as err:
        reader.read(data)
    assert err.value.code == "corrupt"
    assert "DOCX" in err.value.zh


def test_truncated_and_malformed_documents():
    document = docx.Document()
    document.add_paragraph("年度报告" * 200)
    data = _bytes(document)
    with pytest.raises(ReportError):
        reader.read(data[: len(data) // 2])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(ReportError) as err:
        reader.read(out.getvalue())
    assert err.value.code == "corrupt"


def test_long_note_row_keeps_a_data_table():
    note = "注：" + "本表数据统计口径为本机关全年收到的申请。" * 20
    document = docx.Document()
    t = document.add_table(rows=2, cols=3)
    for col, text in enumerate(["行政许可", "5", "6"]):
        t.cell(0, col).text = text
    t.cell(1, 0).merge(t.cell(1, 2)).text = note
    doc = reader.read(_bytes(document))
    assert _rows(doc) == [["行政许可", "5", "6"], [note]]


def test_strict_ooxml_namespace_and_minimal_package():
    ns = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = (
        f'<w:document xmlns:w="{ns}"><w:body><w:p><w:r><w:t>严格格式</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc>'
        "</w:tr><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
        "</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", xml)
    assert reader.read(buf.getvalue()).lines == [
        Line(["严格格式"]),
        Line(["合并"], is_row=True),
        Line(["甲", ""], is_row=True),
    ]


def test_alt_chunk_with_an_embedded_web_page():
    # "export to Word" tools wrap the web page as an MHT part referenced by w:altChunk
    page = "<html><body><p>网页正文</p><table><tr><td colspan=2>合并</td></tr><tr><td>甲</td><td>1</td></tr></table>"
    mht = (
        (
            b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
            b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        )
        + base64.encodebytes(page.encode())
        + b"\r\n--b1--\r\n"
    )
    document = docx.Document()
    document.add_paragraph("前言")
    chunk = Part(PackURI("/word/afchunk.mht"), "message/rfc822", mht, document.part.package)
    rel_id = document.part.relate_to(chunk, RT.A_F_CHUNK)
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rel_id}"/>'))
    document.add_paragraph("后记")
    assert reader.read(_bytes(document)).lines == [
        Line(["前言"]),
        Line(["网页正文"]),
        Line(["合并"], is_row=True),
        Line(["甲", "1"], is_row=True),
        Line(["后记"]),
    ]
