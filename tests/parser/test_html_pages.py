"""Government web pages: the report's title may stand only in the page's <title>."""

from __future__ import annotations

import re

from docgen import build_html, varied_specs

from parser.api import parse_report

SPEC = {s.name: s for s in varied_specs()}["town2021"]


def test_title_only_in_the_page_title():
    html = build_html(SPEC).decode("utf-8")
    html = re.sub(r"<h1.*?</h1>|<p style=\"text-align:center;\">.*?</p>", "", html, flags=re.S)  # the titles
    html = re.sub(r"《[^》]*?年度报告》", "《本报告》", html)  # and the quoted one in the introduction
    assert (
        "2024年政府信息公开工作年度报告"
        not in re.sub(r"<title>.*?</title>", "", html, flags=re.S).split('<div class="content">')[1]
    )
    html = re.sub(
        r"<title>.*?</title>",
        f"<title>{SPEC.agency}2024年政府信息公开工作年度报告_银川市兴庆区人民政府</title>",
        html,
        flags=re.S,
    )
    report = parse_report(html.encode("utf-8"), "page.html")
    assert (report.agency, report.year, report.agency_short) == (SPEC.agency, 2024, "掌政镇")


def test_body_title_wins_over_the_page_title():
    html = build_html(SPEC).decode("utf-8")
    html = re.sub(
        r"<title>.*?</title>", "<title>2023年政府信息公开工作年度报告_某某网站</title>", html, flags=re.S
    )
    report = parse_report(html.encode("utf-8"), "page.html")
    assert (report.agency, report.year) == (SPEC.agency, 2024)
