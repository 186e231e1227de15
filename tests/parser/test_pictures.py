"""Tables pasted into a report as pictures: present but unread — no false 「missing」, and the reply says so."""

from __future__ import annotations

import io
import re

from docgen import build_docx, build_html, varied_specs
from PIL import Image

from parser.api import parse_report
from parser.reply import format_reply
from parser.validate import validate

SPEC = {s.name: s for s in varied_specs()}["town2021"]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (800, 600), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def check_picture_table(report) -> None:
    assert report.applications is not None and "applications" in report.unreadable
    assert all(v is None for row in report.applications.rows().values() for v in row.values())
    findings = {(f.rule, f.where) for f in validate(report)}
    assert ("STRUCT-MISSING", "applications") not in findings
    assert not [f for f in findings if f[0].startswith("APP-")]
    assert "表三，但其中数字的位置无法可靠识别" in "\n".join(format_reply(report))
    assert report.active is not None and report.active.rules.issued is not None  # the other tables still read


def test_html_table_as_picture():
    html = build_html(SPEC).decode("utf-8")
    tables = list(re.finditer(r"<table.*?</table>", html, flags=re.S))
    table3 = next(m for m in tables if "本年新收" in m.group())
    html = (
        html[: table3.start()]
        + '<p><img src="/u/cms/table3.png" style="width:600px"></p>'
        + html[table3.end() :]
    )
    check_picture_table(parse_report(html.encode("utf-8"), "page.html"))


def test_docx_table_as_picture():
    import docx

    document = docx.Document(io.BytesIO(build_docx(SPEC)))
    table3 = next(t for t in document.tables if any("本年新收" in c.text for c in t.columns[0].cells))
    run = document.add_paragraph().add_run()
    run.add_picture(io.BytesIO(png()))
    table3._tbl.addprevious(run._parent._p)  # the picture where the table stood
    table3._tbl.getparent().remove(table3._tbl)
    out = io.BytesIO()
    document.save(out)
    check_picture_table(parse_report(out.getvalue(), "report.docx"))


def test_small_images_are_not_tables():
    html = (
        build_html(SPEC)
        .decode("utf-8")
        .replace("</body>", '<img src="logo.png" width="120" height="40"></body>')
    )
    report = parse_report(html.encode("utf-8"), "page.html")
    assert report.unreadable == []
