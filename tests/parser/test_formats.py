"""End to end: reports built from known values in every format parse back to exactly those values.

Each spec (tests/docgen/spec.py `varied_specs`) varies the agency kind, template, headings, borders,
blank or `/` cells, page breaks in table 3, label misprints and numbering. A failure lists every
metadata field and cell that differs.
"""

from __future__ import annotations

import pytest
from docgen import build_docx, build_html, build_txt, diff_json, expected_json, varied_specs

from parser.api import parse_report

SPEC_NAMES = [s.name for s in varied_specs()]
# format id → (expected `format`, file suffix)
FORMATS = {
    "txt": ("txt", ".txt"),
    "txt-gb18030": ("txt", ".txt"),
    "txt-tabs": ("txt", ".txt"),
    "docx": ("docx", ".docx"),
    "pdf": ("pdf", ".pdf"),
    "html": ("html", ".html"),
    "html-gbk": ("html", ".html"),
}


def build(spec, fmt: str, rendered_pdfs) -> bytes:
    if fmt == "txt":
        return build_txt(spec)
    if fmt == "txt-gb18030":
        return build_txt(spec, "gb18030")
    if fmt == "txt-tabs":
        return build_txt(spec, style="tabs")
    if fmt == "docx":
        return build_docx(spec)
    if fmt == "pdf":
        return rendered_pdfs[spec.name]
    if fmt == "html":
        return build_html(spec)
    if fmt == "html-gbk":
        return build_html(spec, "gbk")
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", SPEC_NAMES)
def test_parse_gives_every_value(name, fmt, varied, rendered_pdfs):
    spec = varied[name]
    kind, suffix = FORMATS[fmt]
    filename = f"{spec.agency}{spec.year}年政府信息公开工作年度报告{suffix}"
    report = parse_report(build(spec, fmt, rendered_pdfs), filename)
    got = report.check_json()
    expected = expected_json(spec)
    assert got["format"] == kind
    diffs = diff_json(expected, {k: got.get(k) for k in expected})
    assert not diffs, f"{name} as {fmt}: {len(diffs)} differences\n" + "\n".join(diffs[:60])


def expected_findings(spec) -> set[tuple[str, str]]:
    """The faults a spec prints on purpose; everything else about the built reports is clean."""
    found = set()
    if spec.variations.wrong_numbering:
        found.add(("STRUCT-NUMBERING", "applications.carried_forward"))
    if spec.template == "2021" and spec.applications.other is not None:
        found.add(("STRUCT-TEMPLATE", "applications.other"))
    return found


@pytest.mark.parametrize("fmt", ["txt", "txt-tabs", "docx", "pdf", "html-gbk"])
@pytest.mark.parametrize("name", SPEC_NAMES)
def test_clean_reports_give_no_false_alarm(name, fmt, varied, rendered_pdfs):
    """A false alarm costs the clerk's trust: built reports give exactly the faults they print."""
    from parser.validate import validate

    spec = varied[name]
    report = parse_report(build(spec, fmt, rendered_pdfs), f"{spec.agency}{FORMATS[fmt][1]}")
    findings = validate(report)
    assert {(f.rule, f.where) for f in findings} == expected_findings(spec), [f.message for f in findings]


@pytest.mark.parametrize("mode", ["-layout", "-raw", "plain"])
@pytest.mark.parametrize("name", SPEC_NAMES)
def test_text_extracted_by_pdftotext(name, mode, varied, rendered_pdfs):
    """Reports sent as text a PDF tool extracted: in line order every cell is read; in column order
    (pdftotext's default) the numbers cannot be placed, and they are left unknown — never a false alarm."""
    import subprocess

    from parser.validate import validate

    spec = varied[name]
    args = ["pdftotext", *([] if mode == "plain" else [mode]), "-", "-"]
    text = subprocess.run(args, input=rendered_pdfs[name], capture_output=True, check=True).stdout
    report = parse_report(text, f"{spec.agency}.txt")
    assert {(f.rule, f.where) for f in validate(report)} <= expected_findings(spec)
    expected = expected_json(spec)
    blank_cells_vanish = spec.variations.null_mark == "" and any(
        value is None
        for table in ("active", "applications", "review_litigation")
        for row in (expected[table] or {}).values()
        if row
        for value in row.values()
    )
    if mode != "plain" and not blank_cells_vanish:
        got = report.check_json()
        assert not diff_json(expected, {k: got.get(k) for k in expected})
