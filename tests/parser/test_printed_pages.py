"""Web pages printed from a browser: the menu, the breadcrumb and a sidebar of links to other years'
reports stand around the report's title — before it, beside it on the same line, or after the body.
The report's own title names the agency and the year of its statistical period."""

from __future__ import annotations

import re

import pytest
from docgen import build_html, diff_json, expected_json, html_to_pdfs, make_spec

from parser.api import parse_report
from parser.meta import find_title
from parser.validate import validate

AGENCY = "银川市西夏区教育局"
BODY = "根据《中华人民共和国政府信息公开条例》规定，现发布本报告。本报告所列数据的统计期限自2024年1月1日至2024年12月31日。"


def _title(lines: list[str], body_year: int | None = 2024):
    found = find_title(lines, body_year)
    assert found is not None
    return found[0].agency, found[0].year


# ---- lines as a printed page gives them ----

SIDEBAR = [
    "年报专栏",
    "2023年政府信息公开工作年",
    "度报告",
    "2022年政府信息公开工作年",
    "度报告",
    "友情链接",
    "公开指南",
    "依申请公开",
]


@pytest.mark.parametrize(
    "menu", ["网站首页 新闻中心 信息公开 互动交流 在线服务", "首页 机构概况 政策文件 公开目录 走进西夏"]
)
def test_sidebar_before_the_title(menu):
    lines = [
        menu,
        *SIDEBAR,
        "您的位置：首页 > 信息公开 > 年度报告",
        AGENCY + "2024年政府信息",
        "公开工作年度报告",
        "发布时间：2025-01-15 来源：本站 浏览次数：88",
        BODY,
    ]
    assert _title(lines) == (AGENCY, 2024)


def test_sidebar_beside_the_title_on_the_same_lines():
    lines = [
        "首页 信息公开 互动交流 办事服务",
        "年报专栏 " + AGENCY + "2024年政府信息公开年度报",
        "2023年政府信息公开工作年 告",
        "度报告",
        "公开指南 依申请公开 " + AGENCY,
        "政府信息公开制度 2024年政府信息公开年度报告",
        BODY,
    ]
    assert _title(lines) == (AGENCY, 2024)


def test_sidebar_to_the_right_of_the_title():
    lines = [
        "首页 信息公开 互动交流 办事服务",
        AGENCY + "2024年政府信息公开工作年度报告 2023年政府信息公开工作年度报告",
        BODY,
    ]
    assert _title(lines) == (AGENCY, 2024)


def test_links_naming_the_agency_for_other_years():
    links = [AGENCY + f"{y}年政府信息公开工作年度报告" for y in (2023, 2022)]
    assert _title([*links, "当前位置：首页 > 年度报告", AGENCY + "2024年政府信息公开工作年度报告", BODY]) == (
        AGENCY,
        2024,
    )
    assert _title([AGENCY + "2024年政府信息公开工作年度报告", BODY, *links]) == (AGENCY, 2024)


def test_a_title_of_the_wrong_year_is_still_read_as_printed():
    """The sidebar's link names the period's year, but the report's own title names another: the title
    stands (STRUCT-YEAR reports the mismatch), not the link."""
    lines = [*SIDEBAR[:3], AGENCY + "2023年政府信息公开工作年度报告", BODY]
    assert _title(lines) == (AGENCY, 2023)


def test_a_sidebar_word_beside_the_agency_is_no_name():
    assert _title(["依申请公开 " + AGENCY + "2024年政府信息公开工作年度报告", BODY]) == (AGENCY, 2024)
    assert _title(["银川市兴庆区 掌政镇人民政府2024年政府信息公开工作年度报告", BODY]) == (
        "银川市兴庆区掌政镇人民政府",
        2024,
    )


# ---- whole pages printed by Chromium ----


def _page(s, sidebar_after: bool, menu: str) -> bytes:
    page = build_html(s).decode()
    page = re.sub(
        r'(<div class="top-nav"><ul>).*?(</ul>)',
        lambda m: m.group(1) + "".join(f"<li><a>{w}</a></li>" for w in menu.split()) + m.group(2),
        page,
        flags=re.S,
    )
    if sidebar_after:  # the sidebar printed after the article, as a narrow page lays it out
        sidebar = re.search(r'<div class="sidebar">.*?</ul></div>\n', page, flags=re.S).group()
        page = page.replace(sidebar, "").replace('<div class="footer">', sidebar + '<div class="footer">')
    return page.encode()


@pytest.mark.slow
@pytest.mark.parametrize(
    "sidebar_after,menu",
    [(False, "网站首页 新闻动态 信息公开 互动交流"), (True, "首页 机构概况 政策文件 公开目录 在线办事")],
)
def test_printed_page_reads_its_own_title(sidebar_after, menu):
    s = make_spec("printed", 23, "2021", AGENCY, scale="small")
    (pdf,) = html_to_pdfs([_page(s, sidebar_after, menu)])
    report = parse_report(pdf, "page.pdf")
    assert (report.agency, report.year) == (AGENCY, s.year)
    got = report.check_json()
    assert diff_json(expected_json(s), {k: got[k] for k in expected_json(s)}) == []
    assert [f.rule for f in validate(report)] == []


@pytest.mark.slow
def test_printed_page_whose_title_names_last_year_raises_struct_year():
    """The sidebar's links name other years too; the report's own title still decides, so the mismatch
    with its statistical period is reported."""
    year = make_spec("printed", 23, "2021", AGENCY, scale="small").year
    s = make_spec(
        "printed", 23, "2021", AGENCY, scale="small", title=(f"{AGENCY}{year - 1}年政府信息公开工作年度报告",)
    )
    (pdf,) = html_to_pdfs([_page(s, False, "网站首页 新闻动态 信息公开 互动交流")])
    report = parse_report(pdf, "page.pdf")
    assert (report.agency, report.year) == (AGENCY, s.year - 1)
    assert "STRUCT-YEAR" in [f.rule for f in validate(report)]


def _with_long_sidebar(s, side: str) -> bytes:
    """The page with a sidebar of forty news links on its `side`: printed, it runs beside the article
    for pages, past its tables."""
    page = build_html(s).decode()
    news = "".join(
        f"<li><a>2024-0{1 + k % 9}-1{k % 10} 关于第{k + 3}批{12 + k}项行政许可事项的公示</a></li>"
        for k in range(40)
    )
    page = page.replace("<h3>相关链接</h3>", f"<h3>最新动态</h3><ul>{news}</ul><h3>相关链接</h3>")
    if side == "right":
        layout = ".sidebar{float:left;width:220px}.content{margin-left:240px}"
        assert layout in page
        page = page.replace(layout, ".sidebar{float:right;width:220px}.content{margin-right:240px}")
    return page.encode()


@pytest.mark.slow
@pytest.mark.parametrize(
    "template,seed,side",
    [("2021", 1, "left"), ("2019", 3, "left"), ("2021", 5, "right"), ("2019", 2, "right")],
)
def test_printed_page_with_a_long_sidebar_beside_its_tables(template, seed, side):
    """Beside the article's table pages, the sidebar's lines once joined the headings (「…的公示
    三、收到和处理政府信息公开申请情况」): table 3 went missing and STRUCT-MISSING was a false alarm.
    On the right, they ran on after the numbers of table 3's rows going on over a page."""
    s = make_spec("printed", seed, template, AGENCY, scale="small")
    (pdf,) = html_to_pdfs([_with_long_sidebar(s, side)])
    report = parse_report(pdf, "page.pdf")
    got = report.check_json()
    assert diff_json(expected_json(s), {k: got[k] for k in expected_json(s)}) == []
    assert [f.rule for f in validate(report)] == []
