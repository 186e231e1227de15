"""TEXT-TABLE, TEXT-SUM and TEXT-PERCENT: prose against the tables and against itself."""

from __future__ import annotations

import pytest

from parser.model import (
    SECTION_KEYS,
    Active2021,
    ApplicantCounts,
    Applications,
    OutcomeCounts,
    Paragraph,
    Report,
    ReviewLitigation,
)
from parser.validate import validate


def total(n: int) -> ApplicantCounts:
    return ApplicantCounts(
        natural_person=n, commercial=0, research=0, social_welfare=0, legal_service=0, other_org=0, total=n
    )


def make(
    *texts: str, new: int = 3119, over: int = 34, forward: int = 103, section: str = "overview"
) -> Report:
    done = new + over - forward
    apps = Applications(
        new_received=total(new),
        carried_over=total(over),
        granted=total(done),
        total_processed=total(done),
        carried_forward=total(forward),
        other_no_correction=total(0),
        other_no_fee=total(0),
        other_other=total(0),
    )
    lit = ReviewLitigation(
        review=OutcomeCounts(maintained=72, corrected=64, other=178, pending=37, total=351),
        litigation_direct=OutcomeCounts(maintained=13, corrected=4, other=8, pending=1, total=26),
        litigation_after_review=OutcomeCounts(maintained=12, corrected=1, other=1, pending=6, total=20),
    )
    paragraphs = [
        Paragraph(section="overview", page=1, text="本机关认真贯彻落实《中华人民共和国政府信息公开条例》。")
    ]
    paragraphs += [Paragraph(section=section, page=2, text=t) for t in texts]
    paragraphs.append(
        Paragraph(section="problems", page=5, text="政策解读形式较为单一。下一步将丰富解读形式。")
    )
    paragraphs.append(Paragraph(section="other_matters", page=6, text="未收取信息处理费。"))
    return Report(
        year=2024,
        template="2021",
        sections=list(SECTION_KEYS),
        active=Active2021(),
        applications=apps,
        review_litigation=lit,
        paragraphs=paragraphs,
    )


def found(report: Report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.where) for f in validate(report))


REAL = (
    "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度"
    "答复），均在法定期限内予以答复。政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 "
    "178 件，尚未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。"
)


def test_real_paragraph_is_quiet():
    assert found(make(REAL)) == []


@pytest.mark.parametrize(
    "wrong,right",
    [
        ("受理政府信息公开申请 3119 件", "受理政府信息公开申请 3219 件"),
        ("答复 3050 件", "答复 3005 件"),
        ("含上年度结转申请 34 件", "含上年度结转申请 43 件"),
        ("另有 103 件顺延", "另有 13 件顺延"),
        (
            "政府信息公开行政复议 351 件，其中结果维持 72 件",
            "政府信息公开行政复议 350 件，其中结果维持 71 件",
        ),
        ("政府信息公开行政诉讼 46 件，其中结果维持 25 件", "政府信息公开行政诉讼 47 件，其中结果维持 26 件"),
    ],
)
def test_text_table_fires_on_each_quantity(wrong, right):
    findings = validate(make(REAL.replace(wrong, right)))
    assert [(f.rule, f.where, f.severity) for f in findings] == [("TEXT-TABLE", "overview", "warning")]
    assert findings[0].page == 2 and findings[0].quote


def test_text_table_message():
    (finding,) = validate(make("共收到政府信息公开申请 5件，0件结转下年度办理。", new=3, over=0, forward=0))
    assert "5 件" in finding.message and "3 件" in finding.message and "表三" in finding.message
    assert finding.quote.startswith("共收到政府信息公开申请 5件")


def test_received_may_count_new_plus_carried_over():
    assert found(make("本年度共收到政府信息公开申请 3153 件。")) == []


def test_approximate_received_within_slack():
    assert found(make("全年受理政府信息公开申请 3100 余件。")) == []
    assert found(make("全年受理政府信息公开申请 2900 余件。")) == [("TEXT-TABLE", "overview")]


def test_text_table_section_is_the_sentence_section():
    report = make(
        "2024年收到政府信息公开申请 3件，未收取信息处理费。",
        new=4,
        over=0,
        forward=0,
        section="other_matters",
    )
    assert found(report) == [("TEXT-TABLE", "other_matters")]


def test_text_table_quiet_without_tables():
    report = make("共收到政府信息公开申请 5件。")
    report.applications = None
    report.review_litigation = None
    assert [f.rule for f in validate(report) if f.rule == "TEXT-TABLE"] == []


def test_text_sum_fires_with_both_figures():
    (finding,) = validate(
        make(
            "主动公开政府信息 64条，其中，政府文件信息 2条，乡镇动态 17条，领导信息 3条，财政预决算信息"
            " 2条，行政执法信息 1条，法治政府建设工作报告 1条，民生保障 38条，政府工作报告 1条。"
        )
    )
    assert (finding.rule, finding.where) == ("TEXT-SUM", "overview")
    assert "64" in finding.message and "65" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "主动公开政府信息 64条，其中，政府文件信息 2条，乡镇动态 17条，领导信息 3条，民生保障 41条，政府工作报告 1条。",
        # approximate: 2000 余 + 1800 余 may well be 3800 余
        "公开政府信息 3800 余条。其中通过政府网站公开 2000 余条；通过政务新媒体公开 1800 余条；出版公报 3 期。",
        # two breakdowns of one total in a row
        "共收到申请 10 件，其中自然人 8 件，法人 2 件，予以公开 6 件，不予公开 4 件。",
        # one part only
        "发布各类信息 395条。其中，通过微信公众号收到用户留言 43条，均已转线下办理。",
    ],
)
def test_text_sum_quiet(text):
    assert [f for f in validate(make(text)) if f.rule == "TEXT-SUM"] == []


def test_text_sum_fires_beyond_the_slack():
    text = "公开政府信息 3800 余条。其中通过政府网站公开 2500 余条；通过政务新媒体公开 1800 余条。"
    assert found(make(text)) == [("TEXT-SUM", "overview")]


def test_text_percent_fires():
    (finding,) = validate(
        make(
            "2024年，政府办公室共解读文件23个。其中图片解读文件16个，动漫解读文件7个，"
            "实现图文解读全覆盖，动漫解读占比23%。"
        )
    )
    assert (finding.rule, finding.where) == ("TEXT-PERCENT", "overview")
    assert "30.4%" in finding.message and "23%" in finding.message
    assert "动漫解读占比23%" in finding.quote


@pytest.mark.parametrize(
    "text",
    [
        "全年共收到依申请公开9件，从申请形式来看，网络申请7件，约占申请总数的78%；信函申请2件，占申请总数的22%。"
        "从申请公开的内容来看，主要涉及房屋拆迁与补偿的占50%，其他信息占50%，全部予以办理答复。",
        "共解读文件23个。其中图片解读文件16个，动漫解读文件7个，动漫解读占比30.4%。",
        "共解读文件23个。其中图片解读文件16个，动漫解读文件7个，动漫解读占比30%。",
        "接到微博投诉事件 24 条,微博回应事件 24 条,回复率 100%。",
        "办理答复咨询投诉 500 余件，办结率 100%。",
        "共收到申请 9 件，其中 1 件尚在办理中，答复率 100%。",
        "全市在运维政务新媒体共计 95 个，在四个季度政务新媒体检查抽查中，合格率均为 100%。",
    ],
)
def test_text_percent_quiet(text):
    assert [f for f in validate(make(text)) if f.rule == "TEXT-PERCENT"] == []


def test_rate_fires():
    assert found(make("接到微博投诉事件 24 条，微博回应事件 20 条，回复率 100%。")) == [
        ("TEXT-PERCENT", "overview")
    ]


# ---- TEXT-TABLE: table 2's figures in the prose; 「均已办结」 with applications carried forward ----


def with_table2(report: Report) -> Report:
    a = report.active
    a.rules.issued, a.rules.repealed, a.rules.in_force = 0, 0, 2
    a.normative_documents.issued, a.normative_documents.repealed, a.normative_documents.in_force = 5, 1, 23
    a.licensing.decisions, a.penalty.decisions, a.coercion.decisions = 120, 12, 0
    return report


@pytest.mark.parametrize(
    "text,stated",
    [
        ("2024年，本机关制发行政规范性文件 3 件，废止 1 件。", "制发行政规范性文件 3 件"),
        ("全年废止规范性文件 2 件。", "废止规范性文件 2 件"),
        ("截至2024年底，现行有效规范性文件 25 件。", "现行有效规范性文件 25 件"),
        ("全年作出行政处罚决定 15 件，行政许可决定 120 件。", "作出行政处罚决定 15 件"),
        ("本年度作出行政许可 118 件。", "作出行政许可 118 件"),
        ("行政强制决定 1 件。", "行政强制决定 1 件"),
    ],
)
def test_table_2_figure_in_the_prose_differs(text, stated):
    findings = validate(with_table2(make(text)))
    assert [(f.rule, f.where) for f in findings] == [("TEXT-TABLE", "overview")]
    assert stated in findings[0].message and "表二" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "2024年，本机关制发行政规范性文件 5 件，废止规范性文件 1 件，现行有效规范性文件 23 件。",
        "全年作出行政处罚决定 12 件，行政许可决定 120 件，未作出行政强制决定。",
        "办理行政许可 135 件，办结率 100%。",  # requests handled, not decisions
        "受理行政许可申请 140 件。",
        "公开行政处罚决定 15 件，行政许可信息 130 条。",  # what was disclosed, not what was decided
        "查处行政处罚案件 15 件。",
        "2023年作出行政处罚决定 9 件。",  # another year
        "第一季度作出行政处罚决定 3 件。",  # part of the year
        "截至目前，现行有效规范性文件 30 件。",
        "以区政府名义制发规范性文件 2 件，以部门名义制发 3 件。",  # a part by issuer
        "共制发规范性文件 5 件，其中以区政府名义制发规范性文件 2 件。",
        "制定完善规章制度 8 件。",  # internal rules, not 规章
        "行政处罚决定同比增加 3 件。",
        "开展行政执法专项行动，作出行政处罚决定 4 件。",
    ],
)
def test_table_2_prose_quiet(text):
    assert found(with_table2(make(text))) == []


def test_table_2_prose_quiet_when_the_cell_is_blank_or_of_another_layout():
    assert (
        found(make("本年度制发行政规范性文件 3 件。")) == []
    )  # table 2 cells blank: nothing read to compare
    from parser.model import Active2019

    report = make("本年度制发规范性文件 3 件。")
    report.active = Active2019()
    report.active.normative_documents.made = 5
    assert found(report) == []


@pytest.mark.parametrize(
    "text",
    [
        "全年共收到政府信息公开申请 3119 件，均已办结。",
        "2024年收到政府信息公开申请 3119 件，全部办结。",
        "对收到的政府信息公开申请均已依法办结。",
    ],
)
def test_all_closed_while_applications_are_carried_forward(text):
    findings = validate(make(text))
    assert [(f.rule, f.where) for f in findings] == [("TEXT-TABLE", "overview")]
    assert "103 件" in findings[0].message and "结转下年度" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "全年共收到政府信息公开申请 3119 件，除 103 件结转下年度办理外，其余均已办结。",
        "上年结转的政府信息公开申请 34 件均已办结。",
        "收到群众咨询 50 件，均已办结。",
        "因政府信息公开申请引起的行政复议均已办结。",
        "截至目前，2024年收到的政府信息公开申请均已办结。",
        "全年共收到政府信息公开申请 3119 件，均在法定期限内予以答复。",
    ],
)
def test_all_closed_quiet(text):
    assert found(make(text)) == []


def test_all_closed_quiet_when_nothing_is_carried_forward():
    assert found(make("全年共收到政府信息公开申请 3119 件，均已办结。", new=3119, over=34, forward=0)) == []
