"""STRUCT-MISSING, STRUCT-TEMPLATE, STRUCT-NUMBERING, STRUCT-YEAR, STRUCT-FEE and DEADLINE-LATE."""

from __future__ import annotations

from datetime import date

import pytest

from parser.model import (
    SECTION_KEYS,
    Active2019,
    Active2021,
    ApplicantCounts,
    Applications,
    Paragraph,
    Report,
    ReviewLitigation,
    Source,
)
from parser.validate import validate
from parser.validate.structure import deadline

FEE = Paragraph(section="other_matters", page=6, text="本年度未收取信息处理费。")
# sections 一 and 五 must say something (STRUCT-EMPTY)
WORK = [
    Paragraph(
        section="overview",
        page=1,
        text="本机关认真贯彻落实《中华人民共和国政府信息公开条例》，不断提升政务公开质量和实效。",
    ),
    Paragraph(section="problems", page=5, text="政策解读形式较为单一。下一步将丰富解读形式，加强业务培训。"),
]


def make(template: str = "2021", year: int = 2024, **kw) -> Report:
    base = dict(
        agency="银川市兴庆区掌政镇人民政府",
        year=year,
        title_year=year,
        template=template,
        period=(date(year, 1, 1), date(year, 12, 31)),
        sections=list(SECTION_KEYS),
        active=Active2021() if template == "2021" else Active2019(),
        applications=Applications(),
        review_litigation=ReviewLitigation(),
        paragraphs=[*WORK, FEE],
    )
    if template == "2021":
        base["applications"] = Applications(
            other_no_correction=ApplicantCounts(),
            other_no_fee=ApplicantCounts(),
            other_other=ApplicantCounts(),
        )
    else:
        base["applications"] = Applications(other=ApplicantCounts())
    base.update(kw)
    return Report(**base)


def found(report: Report) -> set[tuple[str, str]]:
    return {(f.rule, f.where) for f in validate(report)}


@pytest.mark.parametrize("template,year", [("2021", 2024), ("2019", 2020)])
def test_complete_report_is_quiet(template, year):
    assert found(make(template, year, published=date(year + 1, 1, 20))) == set()


def test_missing_sections_and_tables():
    report = make(
        sections=["overview", "active", "problems", "other_matters"],
        applications=None,
        review_litigation=None,
    )
    findings = validate(report)
    assert {(f.rule, f.where, f.severity) for f in findings} == {
        ("STRUCT-MISSING", "applications", "error"),
        ("STRUCT-MISSING", "review_litigation", "error"),
    }
    assert "三、收到和处理政府信息公开申请情况" in findings[0].message


def test_section_without_its_table():
    report = make(review_litigation=None)
    (finding,) = validate(report)
    assert (finding.rule, finding.where) == ("STRUCT-MISSING", "review_litigation")
    assert "表四" in finding.message


def test_prose_section_missing():
    assert found(make(sections=[k for k in SECTION_KEYS if k != "problems"])) == {
        ("STRUCT-MISSING", "problems")
    }


def test_table_present_without_heading_is_quiet():
    assert found(make(sections=[k for k in SECTION_KEYS if k != "applications"])) == set()


def test_template_2019_in_2021_or_later():
    assert found(make("2019", 2022)) == {("STRUCT-TEMPLATE", "template")}
    assert found(make("2021", 2022, cites_2019_notice=True)) == {("STRUCT-TEMPLATE", "template")}
    assert found(make("2019", 2020, cites_2019_notice=True)) == set()


def test_single_other_row_in_2021_layout():
    report = make(
        "2021",
        applications=Applications(other=ApplicantCounts()),
        sources={"applications.other": Source(page=4, quote="（六）其他处理 0 0 0 0 0 0 0")},
    )
    (finding,) = validate(report)
    assert (finding.rule, finding.where, finding.page) == ("STRUCT-TEMPLATE", "applications.other", 4)


def test_numbering_of_rows_and_sections():
    sources = {
        "section.overview": Source(printed_number="一、"),
        "section.problems": Source(printed_number="五、"),
        "applications.new_received": Source(printed_number="一、"),
        "applications.granted": Source(printed_number="(一)"),
        "applications.denied_state_secret": Source(printed_number="1."),
        "applications.denied_law_prohibited": Source(printed_number="2."),
        "applications.unavailable_not_held": Source(printed_number="（四）"),
        "applications.other_no_fee": Source(printed_number="2、"),
        "applications.total_processed": Source(printed_number="(七)"),
        "applications.carried_forward": Source(printed_number="四、"),
    }
    assert found(make(sources=sources)) == set()
    sources["applications.carried_forward"] = Source(
        page=4, quote="七、结转下年度继续办理 0 0 0 0 0 0 0", printed_number="七、"
    )
    sources["section.other_matters"] = Source(page=6, quote="五、其他需要报告的事项", printed_number="五、")
    findings = validate(make(sources=sources))
    assert {(f.rule, f.where) for f in findings} == {
        ("STRUCT-NUMBERING", "applications.carried_forward"),
        ("STRUCT-NUMBERING", "other_matters"),
    }
    row = next(f for f in findings if f.where == "applications.carried_forward")
    assert "七、" in row.message and "四、" in row.message and row.page == 4


def test_year_mismatch():
    assert found(make(period=(date(2023, 1, 1), date(2023, 12, 31)))) == {("STRUCT-YEAR", "year")}
    assert found(make(title_year=2023)) == {("STRUCT-YEAR", "year")}
    (finding,) = validate(make(period=(date(2023, 1, 1), date(2023, 12, 31))))
    assert "2023年1月1日" in finding.message and "2024" in finding.message


def test_fee_statement():
    assert found(make(paragraphs=WORK)) == {("STRUCT-FEE", "other_matters")}
    other = Paragraph(section="other_matters", page=6, text="如有疑问请与综合办公室联系。")
    assert found(make(paragraphs=[*WORK, other])) == {("STRUCT-FEE", "other_matters")}
    charged = Paragraph(section="other_matters", page=6, text="全年收取信息处理费 3940 元。")
    assert found(make(paragraphs=[*WORK, charged])) == set()
    assert found(make("2019", 2020, paragraphs=WORK)) == set()  # the 2019 template asks nothing of fees


@pytest.mark.parametrize(
    "agency,last",
    [
        ("银川市兴庆区掌政镇人民政府", date(2025, 1, 31)),
        ("兴庆区掌政镇", date(2025, 1, 31)),
        ("朝阳区建外街道办事处", date(2025, 1, 31)),
        ("西夏区人民政府办公室", date(2025, 1, 31)),
        ("淮安市教育局", date(2025, 1, 31)),
        ("银川市西夏区人民政府", date(2025, 2, 20)),
        ("平罗县人民政府", date(2025, 2, 20)),
        ("淮安市人民政府", date(2025, 3, 10)),  # prefecture or county-level city: the later deadline
        ("临夏回族自治州人民政府", date(2025, 3, 10)),
        ("宁夏回族自治区人民政府", date(2025, 3, 31)),
        ("江苏省人民政府", date(2025, 3, 31)),
        ("上海市人民政府", date(2025, 3, 31)),
    ],
)
def test_deadlines(agency, last):
    assert deadline(agency, 2024)[0] == last


def test_deadline_unknown_kind():
    assert deadline("某某", 2024) is None and deadline(None, 2024) is None


def test_late_publication():
    assert found(make(published=date(2025, 1, 31))) == set()
    (finding,) = validate(make(published=date(2025, 2, 1)))
    assert (finding.rule, finding.where, finding.severity) == ("DEADLINE-LATE", "published", "warning")
    assert "2025年1月31日" in finding.message
    assert found(make(agency="淮安市人民政府", published=date(2025, 3, 1))) == set()
    assert found(make(agency="淮安市人民政府", published=date(2025, 3, 11))) == {
        ("DEADLINE-LATE", "published")
    }


def _other(*texts: str) -> list[Paragraph]:
    return [*WORK, *(Paragraph(section="other_matters", page=6, text=t) for t in texts)]


@pytest.mark.parametrize(
    "text",
    [
        "本年度未收取信息处理费。",
        "本机关在依申请公开工作中未收取任何费用。",
        "2024年度，本机关未收取任何费用。",
        "办理政府信息公开申请，本机关不收费。",
        "本年度依申请公开政府信息没有收取费用。",
        "根据《政府信息公开信息处理费管理办法》，本机关本年度未发生收费情况。",
        "本机关对政府信息公开申请均免费提供。",
        "依申请公开工作中严格执行收费规定，全年收费 0 元。",
    ],
)
def test_fee_statement_in_any_words_is_quiet(text):
    assert found(make(paragraphs=_other(text))) == set()


def test_fee_statement_in_section_five_counts():
    problems = Paragraph(section="problems", page=5, text="本年度办理政府信息公开申请未收取任何费用。")
    assert found(make(paragraphs=[*WORK, problems])) == set()


@pytest.mark.parametrize(
    "text",
    [
        "本年度行政事业性收费信息已按要求公开。",  # table 2's row is about service fees, not requests
        "行政事业性收费 0",
        "信息公开工作经费纳入年度预算。",
        "本机关无其他需要报告的事项。",
    ],
)
def test_no_fee_statement_fires(text):
    assert found(make(paragraphs=_other(text))) == {("STRUCT-FEE", "other_matters")}


@pytest.mark.parametrize("key", ["overview", "problems"])
@pytest.mark.parametrize(
    "text", [None, "无。", "暂无", "本年度无。", "存在问题：无。", "政务公开工作有待加强。"]
)
def test_empty_section_fires(key, text):
    paragraphs = [p for p in WORK if p.section != key] + [FEE]
    if text is not None:
        paragraphs.append(Paragraph(section=key, page=3, text=text))
    findings = [f for f in validate(make(paragraphs=paragraphs)) if f.rule == "STRUCT-EMPTY"]
    assert [(f.rule, f.where, f.severity) for f in findings] == [("STRUCT-EMPTY", key, "warning")]
    assert ("没有内容" if text is None else "只写了") in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "一是解读形式单一。二是培训不足。",
        "本机关政府信息公开工作仍存在一些不足，下一步将加强培训、丰富解读形式。",
        "（一）存在问题：队伍力量薄弱。（二）改进情况：充实人员。",
        "无存在问题。改进情况：继续保持。",
    ],
)
def test_section_that_says_something_is_quiet(text):
    paragraphs = [p for p in WORK if p.section != "problems"] + [
        FEE,
        Paragraph(section="problems", page=5, text=text),
    ]
    assert found(make(paragraphs=paragraphs)) == set()


def test_empty_rule_leaves_missing_sections_to_struct_missing():
    report = make(sections=[k for k in SECTION_KEYS if k != "problems"], paragraphs=[WORK[0], FEE])
    assert found(report) == {("STRUCT-MISSING", "problems")}
