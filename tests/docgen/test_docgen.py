"""The report builder itself: consistent values, real merged cells, deterministic files, rendered PDFs."""

from __future__ import annotations

import io
import re

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from docgen import (
    build_docx,
    build_html,
    build_txt,
    docx_to_pdfs,
    expected_json,
    make_spec,
    random_values,
    varied_specs,
)
from docgen.layout import applications_grid
from docgen.render import render_count
from parser.model import APPLICANT_COLUMNS, LITIGATION_GROUPS, OTHER_SUBROWS, OUTCOME_COLUMNS, OUTCOME_ROWS


def n(v):
    return v or 0


@pytest.mark.parametrize("template", ["2021", "2019"])
@pytest.mark.parametrize("blanks", [False, True])
def test_random_values_are_consistent(template, blanks):
    scales = set()
    for seed in range(40):
        active, apps, rl = random_values(seed, template, blanks=blanks, other_single_row=seed % 3 == 0)
        rows = apps.rows()
        for key, row in rows.items():
            cells = row.model_dump()
            assert n(cells["total"]) == sum(n(cells[c]) for c in APPLICANT_COLUMNS[:-1]), key
        for col in APPLICANT_COLUMNS:

            def v(key, col=col, rows=rows):
                return n(getattr(rows[key], col))

            assert v("new_received") + v("carried_over") == v("total_processed") + v("carried_forward")
            assert v("total_processed") == sum(
                n(getattr(r, col)) for k, r in rows.items() if k in OUTCOME_ROWS
            )
        for g in LITIGATION_GROUPS:
            cells = getattr(rl, g).model_dump()
            assert n(cells["total"]) == sum(n(cells[c]) for c in OUTCOME_COLUMNS[:-1])
        if template == "2019":
            assert apps.other is not None and all(getattr(apps, k) is None for k in OTHER_SUBROWS)
        scales.add(len(str(n(apps.total_processed.total))))
        all_cells = [c for r in rows.values() for c in r.values()]
        assert all(c is None or c >= 0 for c in all_cells)
        assert (None in all_cells) == blanks or not blanks
    assert len(scales) >= 3  # small and large magnitudes both occur


def test_expected_json_follows_the_model():
    spec = make_spec("x", 5, "2021", "银川市西夏区教育局", other_single_row=True, blanks=True)
    exp = expected_json(spec)
    assert exp["agency_short"] == "西夏区教育局" and exp["template"] == "2021"
    assert exp["period"] == ["2024-01-01", "2024-12-31"]
    assert exp["applications"]["other"] is not None
    assert all(exp["applications"][k] is None for k in OTHER_SUBROWS)
    assert None in [c for row in exp["applications"].values() if row for c in row.values()]
    plain = expected_json(make_spec("y", 1, "2021", "永宁县人民政府", published=False, period=False))
    assert "other" not in plain["applications"] and plain["published"] is None and plain["period"] is None
    old = expected_json(make_spec("z", 2, "2019", "沙坡头区兴仁镇"))
    assert "other" in old["applications"] and "other_no_fee" not in old["applications"]
    assert set(old["active"]) >= {"procurement", "other_services"}


def _tables(data: bytes):
    return docx.Document(io.BytesIO(data)).tables


def test_docx_is_deterministic_with_real_merged_cells():
    spec = varied_specs()[0]
    data = build_docx(spec)
    assert data == build_docx(spec)
    t2, t3, t4 = _tables(data)
    # table 3: the 「三、本年度办理结果」 cell is one cell spanning every outcome row and （七）总计
    grid = applications_grid(spec)
    outcome_rows = next(c.rowspan for r in grid.rows for c in r.cells if c.text.endswith("本年度办理结果"))
    xml = t3._tbl
    restart = [tc for tc in xml.iter(qn("w:tc")) if "本年度办理结果" in "".join(tc.itertext())]
    assert (
        len(restart) == 1
        and restart[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) == "restart"
    )
    first_col = [tr.findall(qn("w:tc"))[0] for tr in xml.findall(qn("w:tr"))]
    continued = [
        tc
        for tc in first_col
        if (m := tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")) is not None
        and m.get(qn("w:val")) in (None, "continue")
    ]
    assert len(continued) >= outcome_rows - 1
    assert any(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None for tc in xml.iter(qn("w:tc")))
    assert "勾稽关系" in t3.cell(0, 0).text and t3.cell(0, 3).text == "申请人情况"
    assert t3.cell(2, 0).text == t3.cell(0, 0).text  # the note spans three header rows
    # table 4: three header rows, then one row of 15 numbers
    assert len(t4.rows) == 4 and len(t4.columns) == 15
    nums = [c.text for c in t4.rows[3].cells]
    rl = spec.review_litigation
    assert nums == [str(n(getattr(getattr(rl, g), c))) for g in LITIGATION_GROUPS for c in OUTCOME_COLUMNS]
    assert t4.cell(1, 5).text == "未经复议直接起诉" and t4.cell(2, 5).text == "结果维持"
    assert t2.cell(0, 0).text == "第二十条第（一）项" and t2.cell(0, 3).text == "第二十条第（一）项"


def _pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.parametrize("spec", varied_specs(), ids=lambda s: s.name)
def test_rendered_pdf_has_the_report(spec, rendered_pdfs):
    pages = _pdf_pages(rendered_pdfs[spec.name])
    assert 2 <= len(pages) <= 6, len(pages)
    text = "".join(pages)
    flat = re.sub(r"\s+", "", text)
    assert spec.agency in flat and f"{spec.year}年政府信息公开工作年度报告" in flat
    for section in ("overview", "problems", "other_matters"):
        assert spec.heading(section).replace(" ", "") in flat
    # table 4's 15 numbers come out in order on one line
    rl = spec.review_litigation
    null = spec.variations.null_mark
    want = [str(v) if v is not None else null for g in LITIGATION_GROUPS for v in getattr(rl, g).values()]
    want = [w for w in want if w]
    tokens = re.findall(r"\d+|/", text)
    assert any(tokens[i : i + len(want)] == want for i in range(len(tokens))), want
    if spec.variations.page_break_table3:
        first = next(i for i, p in enumerate(pages) if "本年新收" in re.sub(r"\s+", "", p))
        last = next(i for i, p in enumerate(pages) if "结转下年度继续办理" in re.sub(r"\s+", "", p))
        assert last == first + 1  # table 3 runs over a page break


def test_pdf_cache_costs_no_render(rendered_pdfs):
    before = render_count()
    specs = varied_specs()[:2]
    assert docx_to_pdfs([build_docx(s) for s in specs]) == [rendered_pdfs[s.name] for s in specs]
    assert render_count() == before


def test_html_page_is_a_government_site():
    spec = varied_specs()[1]
    page = build_html(spec, "gbk").decode("gbk")
    assert "charset=gbk" in page and '<div class="article">' in page
    assert f"{spec.year - 1}年政府信息公开工作年度报告</a>" in page  # sidebar links to other years
    assert 'colspan="3" rowspan="3"' in page and "ICP" in page
    bare = build_html(spec, noise=False).decode("utf-8")
    assert "sidebar" not in bare and 'rowspan="2"' in bare


def test_txt_styles():
    spec = varied_specs()[0]
    text = build_txt(spec, "gb18030").decode("gb18030")
    rl = spec.review_litigation
    assert " ".join(str(v) for g in LITIGATION_GROUPS for v in getattr(rl, g).values()) in text.splitlines()
    assert "结\n果\n维\n持" in text  # narrow header cells come out one character a line
    tabs = build_txt(spec, style="tabs").decode()
    row = spec.applications.new_received.values()
    assert "一、本年新收政府信息公开申请数量\t\t\t" + "\t".join(map(str, row)) in tabs
