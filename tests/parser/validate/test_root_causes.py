"""One root cause, one finding (rules.md): an unfilled 总计 column, sections renumbered after a missing one,
one wrong cell. Each fires once on reports built in every format, and clean reports stay quiet."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest
from docgen import build_docx, build_html, build_txt, docx_to_pdfs, make_spec
from docgen.spec import default_prose

from parser.api import parse_report
from parser.model import APPLICANT_COLUMNS
from parser.reply import format_reply, key_figures
from parser.validate import validate

SIX = APPLICANT_COLUMNS[:-1]


def unfilled_total(spec, mark: int | None = 0):
    """The spec with its 总计 column printed as `mark` (0 or blank) in every row of table 3; the prose
    states the real figures (the row sums), as such reports do."""
    prose = {**spec.prose, "overview": default_prose(spec, "overview")}
    apps = spec.applications.model_copy(deep=True)
    for row in apps.rows().values():
        row.total = mark
    return replace(spec, name=f"{spec.name}-total{mark}", applications=apps, prose=prose)


SPECS = [
    unfilled_total(make_spec("town", 11, "2021", "银川市兴庆区掌政镇人民政府", scale="small")),
    unfilled_total(
        make_spec("office", 12, "2019", "西夏区人民政府办公室", scale="medium", null_mark="/"), None
    ),
]
FORMATS = ["txt", "txt-tabs", "docx", "html", "pdf", "pdftotext"]


@pytest.fixture(scope="module")
def pdfs():
    return dict(zip((s.name for s in SPECS), docx_to_pdfs([build_docx(s) for s in SPECS]), strict=True))


def built(spec, fmt: str, pdfs) -> tuple[bytes, str]:
    if fmt == "txt":
        return build_txt(spec), ".txt"
    if fmt == "txt-tabs":
        return build_txt(spec, style="tabs"), ".txt"
    if fmt == "docx":
        return build_docx(spec), ".docx"
    if fmt == "html":
        return build_html(spec), ".html"
    if fmt == "pdf":
        return pdfs[spec.name], ".pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdfs[spec.name], capture_output=True, check=True
    )
    return text.stdout, ".txt"


def sums(spec, row: str) -> int:
    return sum(getattr(getattr(spec.applications, row), c) or 0 for c in SIX)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("index", range(len(SPECS)), ids=[s.name for s in SPECS])
def test_unfilled_total_column_is_one_finding(index, fmt, pdfs):
    spec = SPECS[index]
    data, suffix = built(spec, fmt, pdfs)
    report = parse_report(data, f"{spec.agency}{suffix}")
    findings = validate(report)
    assert [(f.rule, f.where) for f in findings] == [("APP-ROW-TOTAL", "applications.total")], [
        f.message for f in findings
    ]
    assert "「总计」列未填写" in findings[0].message and "改为" not in findings[0].message
    # the summary is built from the row sums, and says so
    report.findings = findings
    summary = key_figures(report)[1]
    assert "总计栏未填写" in summary
    assert f"新收申请 {sums(spec, 'new_received')} 件" in summary
    assert f"办结 {sums(spec, 'total_processed')} 件" in summary
    # what the report prints is kept as printed
    assert report.applications.new_received.total in (0, None)


def test_unfilled_total_column_unit():
    spec = make_spec("unit", 13, "2021", "永宁县人民政府", scale="medium")
    report = parse_report(build_txt(unfilled_total(spec)), "x.txt")
    assert report.totals_from_rows()
    meant = report.applications_as_meant()
    assert meant.total_processed.total == sums(spec, "total_processed")
    assert report.applications.total_processed.total == 0  # the model keeps what is printed


def test_unfilled_total_with_a_real_mistake_still_finds_the_mistake():
    """The row sums stand in for the totals; a wrong applicant cell still breaks its column."""
    spec = unfilled_total(make_spec("mistake", 14, "2021", "永宁县人民政府", scale="medium"))
    apps = spec.applications.model_copy(deep=True)
    apps.carried_forward.natural_person = (apps.carried_forward.natural_person or 0) + 2
    report = parse_report(build_txt(replace(spec, applications=apps), style="tabs"), "x.txt")
    got = {(f.rule, f.where) for f in validate(report)}
    assert ("APP-ROW-TOTAL", "applications.total") in got
    assert ("APP-BALANCE", "applications.natural_person") in got
    assert not [f for f in got if f[0] == "APP-ROW-TOTAL" and f[1] != "applications.total"]


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_all_zero_table_is_not_an_unfilled_total(template):
    """A table of zeros (no requests this year) is clean: nothing was left unfilled."""
    spec = make_spec("zeros", 15, template, "银川市兴庆区掌政镇人民政府", scale="tiny")
    apps = spec.applications.model_copy(deep=True)
    for row in apps.rows().values():
        for column in APPLICANT_COLUMNS:
            setattr(row, column, 0)
    report = parse_report(
        build_txt(replace(spec, applications=apps, prose={"overview": ["本年度未收到申请。"]}), style="tabs"),
        "x.txt",
    )
    assert not report.totals_from_rows()
    assert [f.rule for f in validate(report) if f.rule.startswith("APP")] == []


def test_reply_says_the_figures_are_row_sums():
    spec = make_spec("reply", 16, "2021", "永宁县人民政府", scale="small")
    report = parse_report(build_txt(unfilled_total(spec)), "x.txt")
    report.findings = validate(report)
    text = "\n".join(format_reply(report))
    assert "总计栏未填写，以下按各列之和" in text
    assert "新收申请 0 件" not in text


# ---- sections renumbered after a missing one


@pytest.mark.parametrize("fmt", ["txt", "docx", "html"])
def test_missing_section_four_renumbers_five_and_six_without_numbering_findings(fmt):
    spec = replace(
        make_spec("no-four", 17, "2021", "银川市兴庆区掌政镇人民政府", scale="small"),
        omitted=("review_litigation",),
        renumber=True,
    )
    data = {"txt": build_txt, "docx": build_docx, "html": build_html}[fmt](spec)
    report = parse_report(data, f"{spec.agency}.{fmt}")
    assert report.sources["section.problems"].printed_number.startswith("四")
    assert {(f.rule, f.where) for f in validate(report)} == {("STRUCT-MISSING", "review_litigation")}


def test_a_wrong_number_after_a_missing_section_still_fires():
    from parser.model import Report, Source

    report = Report(
        year=2024,
        template="2021",
        sections=["overview", "active", "applications", "problems", "other_matters"],
        sources={
            "section.problems": Source(printed_number="四、"),
            "section.other_matters": Source(printed_number="七、"),
        },
    )
    got = {(f.rule, f.where) for f in validate(report) if f.rule == "STRUCT-NUMBERING"}
    assert got == {("STRUCT-NUMBERING", "other_matters")}


# （六）其他处理 not found at all: its cells are unknown, not absent and not zeros

OTHER_LABELS = ("其他处理", "逾期不补正", "缴纳费用", "3.其他")


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_other_rows_not_found_are_unknown_not_a_finding(template):
    spec = make_spec(f"no-other-{template}", 31, template, "银川市兴庆区掌政镇人民政府", scale="medium")
    assert any(spec.applications.rows()[k].total for k in spec.applications.rows() if k.startswith("other"))
    text = build_txt(spec, style="tabs").decode()
    kept = [line for line in text.splitlines() if not any(label in line for label in OTHER_LABELS)]
    report = parse_report("\n".join(kept).encode(), "report.txt")
    table = report.check_json()["applications"]
    keys = ("other",) if template == "2019" else ("other_no_correction", "other_no_fee", "other_other")
    for key in keys:  # every row of the template is there (check-json.md), its cells null
        assert table[key] == dict.fromkeys(APPLICANT_COLUMNS)
    # the outcomes add up to （七）总计 only with the （六） cells: unknown, so no outcome sum is checked
    assert [f.rule for f in validate(report) if f.rule.startswith("APP-")] == []


def test_other_row_found_still_counts():
    spec = make_spec("with-other", 31, "2019", "银川市兴庆区掌政镇人民政府", scale="medium")
    report = parse_report(build_txt(spec, style="tabs"), "report.txt")
    assert report.check_json()["applications"]["other"] == spec.applications.other.model_dump()
    assert validate(report) == []
