"""Whole documents through the real parser and validator: the seeds, the real PDF, and plain-text reports
built here (both templates) — clean ones give no finding, each injected error is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_files import shared

from parser.api import parse_report
from parser.model import APPLICATION_ROWS, OTHER_SUBROWS
from parser.validate import validate

SHARED = shared()
SEED_FINDINGS = {
    "000_1a7957aec9d503ee.txt": {("STRUCT-NUMBERING", "applications.carried_forward")},
    "001_dafca5b4e645eaed.txt": {
        ("STRUCT-MISSING", "applications"),
        ("STRUCT-MISSING", "review_litigation"),
        ("STRUCT-FEE", "other_matters"),
    },
    "002_0a7990abdff832d1.txt": {("TEXT-SUM", "overview")},
    "003_24cd27ad2d34b72d.txt": set(),
    "004_543066760ff56c6c.txt": {("TEXT-PERCENT", "overview")},
}


def found(report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.where) for f in validate(report))


@pytest.mark.parametrize("name", sorted(SEED_FINDINGS))
def test_seed_gives_exactly_the_findings_of_the_spec(name):
    report = parse_report((SHARED / "seeds" / name).read_bytes(), name)
    findings = validate(report)
    assert {(f.rule, f.where) for f in findings} == SEED_FINDINGS[name]
    assert len(findings) == len(SEED_FINDINGS[name])
    for f in findings:
        assert f.message and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)


def test_seed_messages_name_the_numbers():
    by_name = {}
    for name in ("002_0a7990abdff832d1.txt", "004_543066760ff56c6c.txt", "000_1a7957aec9d503ee.txt"):
        report = parse_report((SHARED / "seeds" / name).read_bytes(), name)
        by_name[name] = validate(report)[0]
    assert (
        "64" in by_name["002_0a7990abdff832d1.txt"].message
        and "65" in by_name["002_0a7990abdff832d1.txt"].message
    )
    text_percent = by_name["004_543066760ff56c6c.txt"]
    assert (
        "23%" in text_percent.message
        and "30.4%" in text_percent.message
        and "动漫解读" in text_percent.message
    )
    numbering = by_name["000_1a7957aec9d503ee.txt"]
    assert "七、" in numbering.message and "四、" in numbering.message
    assert numbering.quote.startswith("七、结转下年度继续办理")


def test_real_pdf_is_clean():
    pdf = next((SHARED / "real").glob("*.pdf"))
    report = parse_report(pdf.read_bytes(), pdf.name)
    assert validate(report) == []
    kinds = {(f.kind, f.value) for f in report.facts}
    # the prose's figures were read, and agree with the tables
    assert {
        ("received", 3119),
        ("closed", 3050),
        ("carried_over", 34),
        ("carried_forward", 103),
        ("reviews", 351),
        ("lawsuits", 46),
        ("fee", 3940),
    } <= kinds


# ---- plain-text reports built here ----

ROW_TEXT = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "not_processed_complaint": "（五）不予处理 1.信访举报投诉类申请",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other": "（六）其他处理",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def table3(template: str, cells: dict[str, list[int]]) -> dict[str, list[int]]:
    """Every row of table 3 for `template`: zeros except the rows given (six columns + total)."""
    rows = {}
    for key in APPLICATION_ROWS:
        if template == "2019" and key in OTHER_SUBROWS or template == "2021" and key == "other":
            continue
        rows[key] = cells.get(key, [0] * 7)
    return rows


def clean_cells() -> dict[str, list[int]]:
    return {
        "new_received": [5, 2, 0, 0, 1, 0, 8],
        "carried_over": [1, 0, 0, 0, 0, 0, 1],
        "granted": [3, 1, 0, 0, 1, 0, 5],
        "partially_granted": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_repeat": [1, 0, 0, 0, 0, 0, 1],
        "total_processed": [5, 1, 0, 0, 1, 0, 7],
        "carried_forward": [1, 1, 0, 0, 0, 0, 2],
    }


def build_text(
    template: str = "2021",
    year: int = 2024,
    *,
    cells: dict[str, list[int]] | None = None,
    review: list[int] | None = None,
    received: int = 8,
    closed: int = 7,
    forward: int = 2,
    parts: tuple[int, ...] = (12, 18),
    total: int = 30,
    share: str = "40%",
    carried_forward_label: str = "四、",
    fee: bool = True,
    signature: str | None = None,
    agency: str = "银川市兴庆区掌政镇人民政府",
) -> str:
    """A report as DOCX text extraction gives it (tab-separated table rows)."""
    notice = "国办公开办函〔2021〕30号" if template == "2021" else "国办公开办函〔2019〕60号"
    rows = table3(template, cells if cells is not None else clean_cells())
    review = review if review is not None else [1, 0, 0, 0, 1] + [0] * 10
    lines = [
        agency,
        f"{year}年政府信息公开工作年度报告",
        "",
        f"根据《中华人民共和国政府信息公开条例》和《关于政府信息公开工作年度报告的通知》（{notice}）要求，"
        f"现发布本报告，本报告统计数据从 {year} 年 1 月 1 日至 {year} 年 12 月 31 日。",
        "",
        "一、总体情况",
        "",
        f"（一）主动公开。{year}年，本机关主动公开政府信息 {total} 条，其中政府文件 {parts[0]} 条，"
        f"工作动态 {parts[1]} 条。共解读政策文件 5 个，其中图解 2 个，动漫解读 3 个，图解占比{share}。",
        "",
        f"（二）依申请公开。{year}年共收到政府信息公开申请 {received} 件，办结 {closed} 件，"
        f"{forward}件结转下年度办理。因政府信息公开被申请行政复议 1 件。",
        "",
        "二、主动公开政府信息情况",
        "",
    ]
    if template == "2021":
        lines += [
            "第二十条第（一）项",
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "规章\t0\t0\t3",
            "行政规范性文件\t1\t0\t4",
            "第二十条第（五）项",
            "信息内容\t本年处理决定数量",
            "行政许可\t12",
            "第二十条第（六）项",
            "信息内容\t本年处理决定数量",
            "行政处罚\t3",
            "行政强制\t0",
            "第二十条第（八）项",
            "信息内容\t本年收费金额（单位：万元）",
            "行政事业性收费\t0",
        ]
    else:
        lines += [
            "第二十条第（一）项",
            "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
            "规章\t0\t0\t0",
            "规范性文件\t1\t1\t4",
            "第二十条第（五）项",
            "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
            "行政许可\t3\t0\t12",
            "其他对外管理服务事项\t0\t0\t0",
            "第二十条第（六）项",
            "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
            "行政处罚\t2\t0\t3",
            "行政强制\t0\t0\t0",
            "第二十条第（八）项",
            "信息内容\t上一年项目数量\t本年增/减",
            "行政事业性收费\t0\t0",
            "第二十条第（九）项",
            "信息内容\t采购项目数量\t采购总金额",
            "政府集中采购\t0\t0",
        ]
    lines += [
        "",
        "三、收到和处理政府信息公开申请情况",
        "",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "\t\t申请人情况",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
    ]
    for key, values in rows.items():
        label = ROW_TEXT.get(key) or APPLICATION_ROWS[key]
        if key == "carried_forward":
            label = carried_forward_label + label.split("、", 1)[1]
        lines.append(label + "\t" + "\t".join(str(v) for v in values))
    lines += [
        "",
        "四、政府信息公开行政复议、行政诉讼情况",
        "",
        "行政复议\t\t\t\t\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
        "\t".join(str(v) for v in review),
        "",
        "五、存在的主要问题及改进情况",
        "",
        "一是政策解读形式还不够丰富。二是队伍建设有待加强。下一步将加强培训，丰富解读形式。",
        "",
        "六、其他需要报告的事项",
        "",
    ]
    lines.append(f"{year}年本机关未收取信息处理费。" if fee else "本报告电子版可在本机关网站查阅。")
    if signature:
        lines += ["", agency, signature]
    return "\n".join(lines) + "\n"


def parse(text: str):
    return parse_report(text.encode("utf-8"), "built.txt")


@pytest.mark.parametrize("template,year", [("2021", 2024), ("2019", 2020)])
def test_built_clean_report_gives_no_finding(template, year):
    report = parse(build_text(template, year, signature=f"{year + 1}年1月20日"))
    assert report.template == template
    assert report.applications.total_processed.total == 7
    assert validate(report) == []
    assert {f.kind for f in report.facts} >= {
        "total",
        "share",
        "received",
        "closed",
        "carried_forward",
        "reviews",
    }


def _broken(cells: dict[str, list[int]], row: str, column: int, value: int) -> dict[str, list[int]]:
    out = {k: list(v) for k, v in cells.items()}
    out.setdefault(row, [0] * 7)[column] = value
    return out


INJECTED = [
    # (what is injected, build_text arguments, the findings it must give)
    (
        "one cell of granted off: row and column checks cross there",
        dict(cells=_broken(clean_cells(), "granted", 0, 4)),
        {("APP-ROW-TOTAL", "applications.granted")},
    ),
    (
        "carried forward total off",
        dict(cells=_broken(clean_cells(), "carried_forward", 6, 3), forward=3),
        {("APP-ROW-TOTAL", "applications.carried_forward")},
    ),
    (
        "new received natural person off: balance and row",
        dict(cells=_broken(clean_cells(), "new_received", 0, 6)),
        {("APP-ROW-TOTAL", "applications.new_received")},
    ),
    (
        "review outcomes do not add up to the total",
        dict(review=[0, 0, 0, 0, 1] + [0] * 10),
        {("LIT-TOTAL", "review_litigation.review")},
    ),
    (
        "lawsuit total off",
        dict(review=[1, 0, 0, 0, 1, 0, 1, 0, 0, 0] + [0] * 5),
        {("LIT-TOTAL", "review_litigation.litigation_direct")},
    ),
    ("prose received differs", dict(received=10), {("TEXT-TABLE", "overview")}),
    ("prose received = new + carried over is fine", dict(received=9), set()),
    ("prose closed differs", dict(closed=6), {("TEXT-TABLE", "overview")}),
    ("prose carried forward differs", dict(forward=0), {("TEXT-TABLE", "overview")}),
    ("parts do not add up", dict(parts=(12, 17)), {("TEXT-SUM", "overview")}),
    ("share wrong", dict(share="60%"), {("TEXT-PERCENT", "overview")}),
    (
        "numbering wrong",
        dict(carried_forward_label="七、"),
        {("STRUCT-NUMBERING", "applications.carried_forward")},
    ),
    ("no word on fees", dict(fee=False), {("STRUCT-FEE", "other_matters")}),
    ("published late", dict(signature="2025年3月2日"), {("DEADLINE-LATE", "published")}),
]


@pytest.mark.parametrize("what,kwargs,expected", INJECTED, ids=[i[0] for i in INJECTED])
def test_injected_error_is_found_and_nothing_else(what, kwargs, expected):
    report = parse(build_text("2021", 2024, **kwargs))
    assert set(found(report)) == expected


def test_culprit_named_in_built_report():
    report = parse(build_text("2021", 2024, cells=_broken(clean_cells(), "granted", 0, 4)))
    messages = [f.message for f in validate(report)]
    assert len(messages) == 1  # one wrong cell, one finding
    assert "「（一）予以公开」行「自然人」列的 4" in messages[0] and "改为 3" in messages[0]


def test_template_2019_layout_for_2021_year_is_flagged():
    report = parse(build_text("2019", 2021))
    assert ("STRUCT-TEMPLATE", "template") in found(report)


# ---- the same reports as DOCX and HTML, through their real readers ----


def _blocks(text: str) -> list[str | list[list[str]]]:
    """Paragraphs, and runs of tab-separated lines as tables (rows padded to one width)."""
    blocks: list[str | list[list[str]]] = []
    for line in text.splitlines():
        if "\t" in line:
            if not blocks or isinstance(blocks[-1], str):
                blocks.append([])
            blocks[-1].append(line.split("\t"))
        elif line.strip():
            blocks.append(line)
    return blocks


def build_docx(text: str) -> bytes:
    import io

    from docx import Document
    from docx.shared import Cm

    doc = Document()
    for block in _blocks(text):
        if isinstance(block, str):
            doc.add_paragraph(block)
            continue
        width = max(len(r) for r in block)
        table = doc.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        table.autofit = False
        for i, cells in enumerate(block):
            for j, cell in enumerate(cells):
                table.cell(i, j).text = cell
        # a wide label column, as published reports have: the numbers stay on the label's first line
        for j in range(width):
            for cell in table.columns[j].cells:
                cell.width = Cm(7.5 if j == 0 else 1.3)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_html(text: str) -> bytes:
    from html import escape

    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>年度报告</title></head><body>"]
    for block in _blocks(text):
        if isinstance(block, str):
            parts.append(f"<p>{escape(block)}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in block)
            parts.append(f"<table border='1'>{rows}</table>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


BUILDERS = {"docx": build_docx, "html": build_html}


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
@pytest.mark.parametrize("template,year", [("2021", 2024), ("2019", 2020)])
def test_clean_report_in_other_formats(fmt, template, year):
    report = parse_report(BUILDERS[fmt](build_text(template, year)), f"built.{fmt}")
    assert report.format == fmt and report.template == template
    assert validate(report) == []


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_injected_errors_in_other_formats(fmt):
    text = build_text(
        "2021",
        2024,
        cells=_broken(clean_cells(), "granted", 0, 4),
        parts=(12, 17),
        carried_forward_label="七、",
    )
    report = parse_report(BUILDERS[fmt](text), f"built.{fmt}")
    assert set(found(report)) == {
        ("APP-ROW-TOTAL", "applications.granted"),
        ("TEXT-SUM", "overview"),
        ("STRUCT-NUMBERING", "applications.carried_forward"),
    }


def build_pdf(text: str) -> bytes:
    """The DOCX above rendered by LibreOffice; cached under tests/.cache/validate/ by the text it shows."""
    import hashlib
    import os
    import shutil
    import subprocess
    import tempfile

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    cache = Path(__file__).resolve().parents[2] / ".cache" / "validate"
    key = hashlib.sha256((text + "|docx-v2").encode()).hexdigest()[:20]
    out = cache / f"report-{key}.pdf"
    if out.exists():
        return out.read_bytes()
    with tempfile.TemporaryDirectory(prefix="nianbao-validate-") as tmp:
        src = Path(tmp) / "doc.docx"
        src.write_bytes(build_docx(text))
        # a private profile: parallel LibreOffice runs cannot share one
        cmd = [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": tmp})
        pdf = (Path(tmp) / "doc.pdf").read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(pdf)
    part.replace(out)
    return pdf


@pytest.mark.slow  # rendered by LibreOffice
@pytest.mark.parametrize("template,year", [("2021", 2024), ("2019", 2020)])
def test_clean_report_as_pdf(template, year):
    report = parse_report(build_pdf(build_text(template, year)), "built.pdf")
    assert report.format == "pdf" and report.template == template
    assert validate(report) == []


@pytest.mark.slow  # rendered by LibreOffice
def test_injected_errors_as_pdf():
    text = build_text("2021", 2024, cells=_broken(clean_cells(), "granted", 0, 4), share="60%")
    report = parse_report(build_pdf(text), "built.pdf")
    findings = validate(report)
    assert {(f.rule, f.where) for f in findings} == {
        ("APP-ROW-TOTAL", "applications.granted"),
        ("TEXT-PERCENT", "overview"),
    }
    assert all(f.page for f in findings)  # a PDF has pages to cite
