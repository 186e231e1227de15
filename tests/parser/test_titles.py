"""Titles as agencies print them: without 工作, over two lines, only in a web page's <title> with a
suffix, around pictures, printed from a browser, or missing while the statistical tables are there."""

from __future__ import annotations

import re

import pytest
from docgen import build_docx, build_html, build_txt, diff_json, docx_to_pdfs, expected_json, make_spec

from parser.api import parse_report
from parser.errors import ReportError
from parser.meta import find_signature_agency, find_title, strip_pictures

AGENCY = "银川市西夏区教育局"
SHORT = "西夏区教育局"
WORDS = "2024年政府信息公开年度报告"  # no 工作


def spec(**variations):
    return make_spec("titles", 11, "2021", AGENCY, scale="small", **variations)


def tables_and_meta(report, s) -> list[str]:
    got = report.check_json()
    return diff_json(expected_json(s), {k: got[k] for k in expected_json(s)})


# ---- the title alone ----


@pytest.mark.parametrize(
    "lines,agency",
    [
        ([AGENCY + WORDS], AGENCY),
        ([AGENCY, WORDS], AGENCY),
        ([AGENCY + "2024年政府信息", "公开年度报告"], AGENCY),
        ([AGENCY + "2024年度", "政府信息公开年度报告"], AGENCY),
        (["［图片］", AGENCY, WORDS], AGENCY),
        (["［图片］" + AGENCY + WORDS], AGENCY),
        ([WORDS + "-" + AGENCY], AGENCY),
        ([WORDS + "_" + AGENCY], AGENCY),
        (["2024年度政府信息公开工作年度报告_政府信息公开年报_银川市西夏区人民政府"], "银川市西夏区人民政府"),
        (["2025/1/20 09:30 " + WORDS + "-" + AGENCY], AGENCY),
        (["首页 > 政务公开 > 年度报告", WORDS], None),
    ],
)
def test_title_forms(lines, agency):
    title, _ = find_title(lines)
    assert (title.agency, title.year) == (agency, 2024)


def test_a_sentence_naming_the_report_is_no_title():
    assert find_title(["现将本局2024年政府信息公开年度报告公布如下："]) is None


def test_pictures_never_become_names():
    assert strip_pictures("［图片］某某局[图片]【图片】") == "某某局"
    assert find_signature_agency(["……", "银川市西夏区教育局", "2025年1月20日"]) == AGENCY
    assert find_signature_agency(["……", "［图片］", "2025年1月20日"]) is None


# ---- whole documents ----


def test_docx_title_without_work_over_two_lines():
    s = spec(title=(AGENCY + "2024年政府信息", "公开年度报告"), published=False)
    report = parse_report(build_docx(s), "r.docx")
    assert (report.agency, report.agency_short, report.year) == (AGENCY, SHORT, 2024)
    assert tables_and_meta(report, s) == []


def _html(s, page_title: str) -> bytes:
    html = build_html(s).decode("utf-8")
    html = re.sub(r"<title>.*?</title>", f"<title>{page_title}</title>", html, flags=re.S)
    html = re.sub(r"<h1.*?</h1>", "", html, flags=re.S)
    return (
        html.replace(f"来源：{s.agency}", "来源：本站")
        .replace(f"主办单位：{s.agency}", "主办单位：本站")
        .encode()
    )


@pytest.mark.parametrize(
    "suffix", ["-" + AGENCY, "_" + AGENCY, " - " + AGENCY, "_政府信息公开年报_" + AGENCY]
)
def test_html_page_title_suffix_gives_the_agency(suffix):
    s = spec(title=(WORDS,), published=False)  # the body's title names no agency, nor does anything else
    report = parse_report(_html(s, WORDS + suffix), "page.html")
    assert (report.agency, report.agency_short, report.year) == (AGENCY, SHORT, 2024)


def test_html_pictures_around_the_title_stay_out_of_the_name():
    s = spec(title=(AGENCY, WORDS))
    html = _html(s, WORDS + "-" + AGENCY).decode()
    emblem = '<img src="/images/guohui.png" width="300" height="300" alt="图片">'
    html = html.replace('<div class="article">', f'<div class="article"><p>{emblem}</p>', 1)
    html = html.replace(
        f'<span style="font-family:方正小标宋简体;font-size:22pt;">{AGENCY}',
        f'<span style="font-family:方正小标宋简体;font-size:22pt;">{emblem}[图片]{AGENCY}',
        1,
    )
    # a seal between the signature and its date
    html = html.replace(
        f'{AGENCY}</span></p>\n<p style="text-align:right;">',
        f'{AGENCY}</span></p>\n<p>{emblem}</p>\n<p style="text-align:right;">',
    )
    report = parse_report(html.encode(), "page.html")
    assert (report.agency, report.agency_short) == (AGENCY, SHORT)
    assert tables_and_meta(report, s) == []


def test_html_without_any_title_takes_the_signature():
    s = spec(title=())
    report = parse_report(_html(s, "政府信息公开年报_本站"), "page.html")
    assert (report.agency, report.year) == (AGENCY, 2024)


def test_browser_printed_pdf_is_a_report():
    s = spec(title=(WORDS,), browser_print=True)
    (pdf,) = docx_to_pdfs([build_docx(s)])
    report = parse_report(pdf, "printed.pdf")
    assert (report.agency, report.agency_short, report.year) == (AGENCY, SHORT, 2024)
    assert tables_and_meta(report, s) == []
    assert [f.rule for f in report.findings] == []


def _run_in_headings(text: str) -> str:
    """Headings run into their paragraphs, as some pages print them: 「一、总体情况。2024年，…」."""
    return re.sub(r"^([一二三四五六][、．.][^\n]{2,20})\n\n(?=\S)", r"\1。", text, flags=re.M)


def test_statistical_tables_make_a_report_without_title_or_headings():
    s = spec(title=())
    text = _run_in_headings(build_txt(s, style="tabs").decode())
    assert "一、总体情况。" in text
    report = parse_report(text.encode(), "page.txt")
    assert report.applications == s.applications
    assert report.agency == AGENCY  # from the signature


def test_document_without_title_headings_or_tables_is_refused():
    s = spec(title=())
    text = _run_in_headings(build_txt(s, style="tabs").decode())
    prose = "\n".join(line for line in text.splitlines() if "\t" not in line)
    with pytest.raises(ReportError) as exc:
        parse_report(prose.encode(), "notes.txt")
    assert exc.value.code == "not_report"
