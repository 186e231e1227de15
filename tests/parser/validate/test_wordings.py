"""Issue 10's rules on built DOCX reports: fee statements in other words, empty sections, table 2's figures
and 「均已办结」 in the prose. Every report is clean but for the one change under test."""

from __future__ import annotations

from dataclasses import replace

import pytest
from docgen import build_docx, make_spec
from docgen.spec import default_prose

from parser.api import parse_report
from parser.validate import validate

SPEC = make_spec("wordings", 11, "2021", "银川市西夏区教育局", scale="small")


def findings(**prose) -> set[tuple[str, str]]:
    spec = replace(SPEC, prose=prose)
    report = parse_report(build_docx(spec), "r.docx")
    return {(f.rule, f.where) for f in validate(report)}


def overview(extra: str) -> list[str]:
    return [*default_prose(SPEC, "overview"), extra]


def test_built_report_is_clean():
    assert findings() == set()


@pytest.mark.parametrize(
    "text",
    [
        "本机关办理政府信息公开申请未收取任何费用。",
        "2024年度，本机关依申请公开政府信息不收费。",
        "本年度没有收取费用。",
    ],
)
def test_fee_statement_in_other_words_is_quiet(text):
    assert findings(other_matters=[text, "本机关无其他需要报告的事项。"]) == set()


def test_no_fee_statement_fires_though_table_2_has_its_fee_row():
    assert findings(other_matters=["本报告电子版可在本机关门户网站查阅。"]) == {
        ("STRUCT-FEE", "other_matters")
    }


@pytest.mark.parametrize("text", ["无。", "暂无"])
def test_empty_section_five(text):
    assert findings(problems=[text]) == {("STRUCT-EMPTY", "problems")}


def test_table_2_figures_in_the_prose():
    docs = SPEC.active.normative_documents
    issued = docs.issued or 0
    assert findings(overview=overview(f"（六）制度建设。本年度制发行政规范性文件{issued}件。")) == set()
    assert findings(overview=overview(f"（六）制度建设。本年度制发行政规范性文件{issued + 2}件。")) == {
        ("TEXT-TABLE", "overview")
    }


def test_all_closed_against_table_3():
    forward = SPEC.applications.carried_forward.total or 0
    assert forward > 0
    said = "（六）办理情况。本年度收到的政府信息公开申请均已办结。"
    assert findings(overview=overview(said)) == {("TEXT-TABLE", "overview")}
