"""Classes of false alarms and misread cells found by random sweeps over built reports (issue 10). Each is a
mechanism, tested on documents the tests build — firing where the report is wrong, quiet where it is clean:

1. a short row label inside a longer one (「3.其他」 in 「（六）其他处理」) misplaced a row and its numbering;
2. a heading printed on a table row's line (a PDF whose table runs over the text after it) went missing;
3. labels of blank rows, which a text stream drops, gathered before the next numbers and took them;
4. a balance row left at 0 in every column gave one finding per column instead of one at the row;
5. table 2 with all rows blank but one was read as unreadable;
6. a row with more cells than the template's (a PDF reader's grid) put numbers in the wrong columns.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest
from docgen import build_docx, build_html, build_txt, diff_json, docx_to_pdfs, expected_json, make_spec

from parser.api import parse_report, read_report
from parser.layout import Document, row_line, text_line
from parser.model import APPLICANT_COLUMNS, ApplicantCounts
from parser.reply import format_reply
from parser.sections import find_headings
from parser.tables import read_applications
from parser.validate import validate

SIX = APPLICANT_COLUMNS[:-1]


def blank_row(spec, key: str):
    """The spec with one outcome row printed blank: its counts move to （一）予以公开, so the table still adds up."""
    apps = spec.applications.model_copy(deep=True)
    moved, granted = getattr(apps, key), apps.granted
    for column in APPLICANT_COLUMNS:
        setattr(granted, column, (getattr(granted, column) or 0) + (getattr(moved, column) or 0))
    setattr(apps, key, ApplicantCounts())
    return replace(spec, name=f"{spec.name}-blank-{key}", applications=apps)


def zero_row(spec, key: str):
    """The spec with one row of the balance printed as 0 in every column; the prose keeps the real figures."""
    from docgen.spec import default_prose

    prose = {**spec.prose, "overview": default_prose(spec, "overview")}
    apps = spec.applications.model_copy(deep=True)
    for column in APPLICANT_COLUMNS:
        setattr(getattr(apps, key), column, 0)
    return replace(spec, name=f"{spec.name}-zero-{key}", applications=apps, prose=prose)


def pdftotext(pdf: bytes, mode: str) -> bytes:
    return subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout


def rules(report) -> list[tuple[str, str]]:
    return [(f.rule, f.where) for f in validate(report)]


def wrong_cells(spec, report) -> list[str]:
    """Cells read as a value other than the spec's (an unknown cell or row — None, or not there — is not wrong)."""
    expected, got = expected_json(spec), report.check_json()
    return [
        d
        for d in diff_json(expected, {k: got.get(k) for k in expected})
        if not d.endswith(("got None", ": missing"))
    ]


# Rendered once for the module (cached by content under tests/.cache/render/)
SPECS = {
    # 2021, blank cells, （六）3.其他 left blank, table 3 over two pages: pdftotext -layout prints
    # 「（六）其他处理」 beside sub-row 2 and drops the blank 3.其他
    "blank-other": blank_row(
        make_spec(
            "blank-other",
            419,
            "2021",
            "永宁县人民政府",
            blanks=True,
            col_widths="wide",
            page_break_table3=True,
            font="宋体",
            heading_sep=".",
        ),
        "other_other",
    ),
    # 2021, narrow label columns: （六）'s sub-row labels wrap among the group label, two sub-rows blank
    "narrow-subrows": blank_row(
        blank_row(
            make_spec(
                "narrow-subrows",
                27,
                "2021",
                "永宁县人民政府",
                blanks=True,
                col_widths="narrow",
                misspelt_label=True,
                heading_sep="．",
            ),
            "other_no_fee",
        ),
        "other_other",
    ),
    # 2019, borderless, table 3 over two pages: LibreOffice runs the table's rest over the text after it
    "borderless-break": make_spec(
        "borderless-break",
        292,
        "2019",
        "银川市西夏区教育局",
        borders=False,
        null_mark="/",
        page_break_table3=True,
        heading_sep="．",
    ),
    # 2019, no numbering, （六）其他处理 left blank: 「（六）其他处理」 then 「总计 376 …」 in text
    "blank-six": blank_row(
        make_spec(
            "blank-six", 246, "2019", "沙坡头区兴仁镇", missing_numbering=True, heading_sep=".", font="宋体"
        ),
        "other",
    ),
    # 2019, narrow label columns, blank cells, table 3 over two pages: in pdftotext text the blank rows'
    # labels and 「（五）不」 come before 3.要求提供公开出版物's numbers
    # (and pdf.py lays table 2's last rows out in table 3's columns on that page)
    "narrow-break-2019": make_spec(
        "narrow-break-2019",
        19,
        "2019",
        "永宁县人民政府",
        blanks=True,
        scale="tiny",
        negative_changes=True,
        col_widths="narrow",
        borders=False,
        page_break_table3=True,
        heading_sep="．",
    ),
}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return dict(zip(SPECS, docx_to_pdfs([build_docx(s) for s in SPECS.values()]), strict=True))


# ---- 1. a short label inside a longer one


@pytest.mark.parametrize("mode", ["-layout", "-raw"])
@pytest.mark.parametrize("name", ["blank-other", "narrow-subrows"])
def test_other_inside_other_handling_is_not_row_3(name, mode, pdfs):
    spec = SPECS[name]
    report = parse_report(pdftotext(pdfs[name], mode), f"{spec.agency}.txt")
    assert rules(report) == []
    assert wrong_cells(spec, report) == []
    assert report.applications.other is None  # the 2021 layout: three sub-rows, not one (六) row


def test_short_label_in_a_longer_one_unit():
    """「（六）其他处理」 beside sub-row 2's numbers, 3.其他 blank: the numbers are sub-row 2's, no numbering finding."""
    lines = [
        text_line("一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3"),
        text_line("二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"),
        text_line("（一）予以公开 3 0 0 0 0 0 3"),
        text_line("1.申请人无正当理由逾期不补正、行政机"),
        text_line("0 0 0 0 0 0 0"),
        text_line("关不再处理其政府信息公开申请"),
        text_line("2.申请人逾期未按收费通知要求缴纳费"),
        text_line("（六）其他处理 用、行政机关不再处理其政府信息公开申 0 0 0 0 0 0 0"),
        text_line("请"),
        text_line("3.其他"),
        text_line("（七）总计 3 0 0 0 0 0 3"),
        text_line("四、结转下年度继续办理 0 0 0 0 0 0 0"),
    ]
    result = read_applications(lines)
    assert result is not None
    assert result.table.other_no_fee.values() == [0] * 7
    assert "applications.other_other" not in result.sources
    assert result.sources["applications.total_processed"].printed_number == "(七)"  # as NFKC gives it


def test_row_3_keeps_its_own_numbering_after_the_group_label():
    """「3.其他」 read after 「（六）其他处理」 in the same label: its number is 3., not （六）."""
    lines = [
        text_line("一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1"),
        text_line("二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"),
        text_line("（一）予以公开 0 0 0 0 0 0 0"),
        text_line("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0"),
        text_line("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0"),
        text_line("3.其他 （六）其他处理 1 0 0 0 0 0 1"),
        text_line("（七）总计 1 0 0 0 0 0 1"),
        text_line("四、结转下年度继续办理 0 0 0 0 0 0 0"),
    ]
    result = read_applications(lines)
    assert result.table.other_other.values() == [1, 0, 0, 0, 0, 0, 1]
    assert result.sources["applications.other_other"].printed_number == "3."


# ---- 2. a heading on a table row's line


def test_heading_beside_a_table_row_in_a_pdf(pdfs):
    spec = SPECS["borderless-break"]
    report = parse_report(pdfs["borderless-break"], f"{spec.agency}.pdf")
    assert report.sections == list(expected_json(spec)["sections"])
    assert rules(report) == []
    assert wrong_cells(spec, report) == []


def _headings(lines):
    return [(h.key, h.printed_number, h.line, h.end) for h in find_headings(lines)]


HEAD = [
    text_line("一、总体情况"),
    text_line("正文。"),
    text_line("二、主动公开政府信息情况"),
    text_line("正文。"),
    text_line("三、收到和处理政府信息公开申请情况"),
    text_line("四、政府信息公开行政复议、行政诉讼情况"),
    text_line("五、存在的主要问题及改进情况"),
    text_line("正文。"),
]


def test_heading_at_the_end_of_a_row_label_unit():
    lines = [
        *HEAD,
        row_line(["四、结转下年度继续办理六、其他需要报告的事项", "0", "0", "0", "0", "0", "0", "0"]),
        text_line("无。"),
    ]
    found = _headings(lines)
    assert found[-1] == ("other_matters", "六、", 9, 9)  # the row (line 8) stays in the section before
    # what the row holds is still read where it stands
    report = read_report(Document(lines=lines, format="pdf"))
    assert report.sections[-1] == "other_matters"


@pytest.mark.parametrize(
    "label",
    [
        "四、结转下年度继续办理",  # the row's own numbering, at its start
        "四、结转下年度继续办理七、其他需要报告的事项",  # a wrong number: not taken from inside a row
        "（一）予以公开其他需要报告的事项",  # no top-level numbering
    ],
)
def test_no_heading_is_read_inside_a_row_otherwise(label):
    lines = [*HEAD, row_line([label, "0", "0", "0", "0", "0", "0", "0"])]
    assert "other_matters" not in [h[0] for h in _headings(lines)]


def test_a_heading_on_its_own_line_wins_over_one_beside_a_row():
    lines = [
        *HEAD,
        row_line(["四、结转下年度继续办理六、其他需要报告的事项", "0", "0", "0", "0", "0", "0", "0"]),
        text_line("六、其他需要报告的事项"),
        text_line("无。"),
    ]
    assert _headings(lines)[-1] == ("other_matters", "六、", 9, 10)


# ---- 3. labels of blank rows before the next numbers


@pytest.mark.parametrize("fmt", ["txt", "-layout", "-raw"])
def test_total_after_a_blank_other_row_is_read_as_total(fmt, pdfs):
    spec = SPECS["blank-six"]
    data = build_txt(spec, style="pdf") if fmt == "txt" else pdftotext(pdfs["blank-six"], fmt)
    report = parse_report(data, f"{spec.agency}.txt")
    assert rules(report) == []
    assert wrong_cells(spec, report) == []
    assert report.applications.total_processed == spec.applications.total_processed
    assert report.applications.other.values() == [None] * 7


def test_the_last_numbered_label_owns_the_numbers_unit():
    """Blank rows 1.–4. print only their labels; the numbers under 5.'s label are 5.'s."""
    lines = [
        text_line("一、本年新收政府信息公开申请数量 2 0 0 0 0 0 2"),
        text_line("二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"),
        text_line("（一）予以公开 1 0 0 0 0 0 1"),
        text_line("1.属于国家秘密"),
        text_line("2.其他法律行政法规禁止公开"),
        text_line("3.危及“三安全一稳定”"),
        text_line("（三）不 4.保护第三方合法权"),
        text_line("予公开 益"),
        text_line("5.属于三类内部事务"),
        text_line("1 0 0 0 0 0 1"),
        text_line("信息"),
        text_line("6.属于四类过程性信息 0 0 0 0 0 0 0"),
        text_line("（七）总计 2 0 0 0 0 0 2"),
        text_line("四、结转下年度继续办理 0 0 0 0 0 0 0"),
    ]
    table = read_applications(lines).table
    assert table.denied_internal_affairs.values() == [1, 0, 0, 0, 0, 0, 1]
    assert table.denied_state_secret.values() == [None] * 7


def test_a_label_cut_short_before_the_numbers_is_its_row_unit():
    """「5.要求行政机关确认」 then the numbers, the rest of its label after them; blank row 4.'s label before it."""
    lines = [
        text_line("一、本年新收政府信息公开申请数量 2 0 0 0 0 0 2"),
        text_line("二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"),
        text_line("（一）予以公开 0 0 0 0 0 0 0"),
        text_line("3.要求提供公开出版"),
        text_line("0 0 0 0 0 0 0"),
        text_line("物"),
        text_line("4.无正当理由大量反"),
        text_line("复申请"),
        text_line("5.要求行政机关确认 2 0 0 0 0 0 2"),
        text_line("或重新出具已获取信"),
        text_line("息"),
        text_line("（七）总计 2 0 0 0 0 0 2"),
        text_line("四、结转下年度继续办理 0 0 0 0 0 0 0"),
    ]
    table = read_applications(lines).table
    assert table.not_processed_confirmation.values() == [2, 0, 0, 0, 0, 0, 2]
    assert table.not_processed_excessive.values() == [None] * 7


# ---- 4. a row left at 0


BUILDERS = {
    "txt": lambda s: (build_txt(s), ".txt"),
    "tabs": lambda s: (build_txt(s, style="tabs"), ".txt"),
    "docx": lambda s: (build_docx(s), ".docx"),
    "html": lambda s: (build_html(s), ".html"),
}


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
@pytest.mark.parametrize("template,seed", [("2021", 11), ("2019", 12)])
def test_total_row_left_at_zero_is_one_finding(template, seed, fmt):
    spec = zero_row(
        make_spec("zero-total", seed, template, "永宁县人民政府", scale="medium"), "total_processed"
    )
    data, suffix = BUILDERS[fmt](spec)
    findings = validate(parse_report(data, f"{spec.agency}{suffix}"))
    assert [(f.rule, f.where) for f in findings] == [("APP-OUTCOME-SUM", "applications.total_processed")], [
        f.message for f in findings
    ]
    real = make_spec(
        "zero-total", seed, template, "永宁县人民政府", scale="medium"
    ).applications.total_processed
    assert f"总计 {real.total}" in findings[0].message and "似未填写" in findings[0].message


def test_summary_after_a_row_left_at_zero_gives_the_checked_figures():
    spec = make_spec("zero-total", 11, "2021", "永宁县人民政府", scale="medium")
    report = parse_report(build_txt(zero_row(spec, "total_processed")), "x.txt")
    report.findings = validate(report)
    text = "\n".join(format_reply(report))
    assert "行未填写，以下按核对结果）：新收申请" in text
    assert f"办结 {spec.applications.total_processed.total} 件" in text


def test_carried_forward_row_left_at_zero_is_one_finding():
    spec = make_spec("zero-forward", 12, "2019", "永宁县人民政府", scale="medium")
    assert sum(1 for c in SIX if getattr(spec.applications.carried_forward, c)) >= 2
    findings = validate(parse_report(build_txt(zero_row(spec, "carried_forward"), style="tabs"), "x.txt"))
    assert [(f.rule, f.where) for f in findings] == [("APP-BALANCE", "applications.carried_forward")]


def test_a_zero_row_with_a_real_mistake_elsewhere_is_not_blamed():
    """The checks through the zero row disagree (an outcome cell is also wrong): per-column findings stay."""
    spec = zero_row(
        make_spec("zero-and-more", 11, "2021", "永宁县人民政府", scale="medium"), "total_processed"
    )
    apps = spec.applications.model_copy(deep=True)
    apps.granted.natural_person += 1
    apps.granted.total += 1
    findings = validate(parse_report(build_txt(replace(spec, applications=apps), style="tabs"), "x.txt"))
    assert ("APP-OUTCOME-SUM", "applications.total_processed") not in [(f.rule, f.where) for f in findings]
    assert any(f.rule == "APP-OUTCOME-SUM" for f in findings)


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_rows_of_zeros_that_add_up_are_quiet(template):
    """No requests at all, or none carried over or forward: zero rows the checks agree with are no finding."""
    spec = make_spec("zeros", 15, template, "银川市兴庆区掌政镇人民政府", scale="tiny")
    apps = spec.applications.model_copy(deep=True)
    for counts in apps.rows().values():
        for column in APPLICANT_COLUMNS:
            setattr(counts, column, 0)
    quiet = replace(
        spec, applications=apps, prose={"overview": ["本年度未收到政府信息公开申请，无上年结转申请。"]}
    )
    assert rules(parse_report(build_txt(quiet, style="tabs"), "x.txt")) == []
    assert (
        rules(
            parse_report(
                build_txt(make_spec("clean", 16, template, "永宁县人民政府", scale="small")), "x.txt"
            )
        )
        == []
    )


# ---- 5. table 2 with one filled row


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_table_2_with_one_filled_row_is_read(fmt):
    spec = make_spec("one-row", 10, "2021", "永宁县人民政府", scale="tiny", blanks=True)
    active = spec.active.model_copy(deep=True)
    for name in ("normative_documents", "licensing", "penalty", "coercion", "fees"):
        row = getattr(active, name)
        setattr(active, name, type(row)())  # printed blank
    active.rules = active.rules.model_copy(update={"issued": 0, "repealed": 0, "in_force": 6})
    spec = replace(spec, active=active)
    data, suffix = BUILDERS[fmt](spec)
    report = parse_report(data, f"{spec.agency}{suffix}")
    assert report.active.rules.in_force == 6 and "active" not in report.unreadable
    assert wrong_cells(spec, report) == [] and rules(report) == []


# ---- 6. a row with more cells than the template's, blanks among its numbers


def test_table_2_rows_in_table_3s_columns_are_unknown_not_misplaced():
    """A PDF reader that lays table 2's rows out in table 3's eight columns: where the numbers stood
    among the blanks is a guess — the cells are left unknown, never put in the wrong column."""
    from parser.tables import read_active

    lines = [
        text_line("信息内容 上一年项目数量 本年增/减 处理决定数量"),
        text_line("行政许可 14 -1 10"),
        row_line(["其他对外管理服务事项", "", "", "-1", "", "", "", ""]),
        text_line("行政处罚 0 1 0"),
        text_line("行政强制 0 -1 0"),
        row_line(["行政事业性收费", "", "", "", "1", "", "", ""]),
    ]
    table = read_active(lines, "2019").table
    assert table.licensing.values() == [14, -1, 10]
    assert table.other_services.values() == [None, None, None]
    assert table.fees.values() == [None, None]


def test_padding_a_spanning_label_leaves_is_still_trimmed():
    """Tab-separated text: a label spanning three columns leaves two empty cells before the numbers."""
    lines = [row_line(["一、本年新收政府信息公开申请数量", "", "", "1", "", "0", "0", "0", "0", "1"])]
    from parser.tables import build_groups, fit

    assert fit(build_groups(lines)[0], 7) == [1, None, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("mode", ["pdf", "-layout", "-raw"])
def test_narrow_2019_table_with_blank_rows_over_a_page_break(mode, pdfs):
    """Blank rows' labels and the group heading 「（五）不」 printed on the numbers' line: the numbers are the
    last leaf's (3.要求提供公开出版物), not the first blank leaf's."""
    spec, pdf = SPECS["narrow-break-2019"], pdfs["narrow-break-2019"]
    report = (
        parse_report(pdf, f"{spec.agency}.pdf")
        if mode == "pdf"
        else parse_report(pdftotext(pdf, mode), "x.txt")
    )
    assert rules(report) == []
    assert wrong_cells(spec, report) == []
