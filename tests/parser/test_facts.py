"""Prose facts: quantities (numerals, widths, separators, units, approximations), totals with their
parts, shares with their counts, and the quantities the tables also hold."""

from __future__ import annotations

import pytest

from parser.facts import extract_facts
from parser.model import Paragraph, Report
from parser.quantities import find_quantities, interval, normalize, slack


def facts(*texts: str, section: str = "overview"):
    report = Report(year=2024, paragraphs=[Paragraph(section=section, page=3, text=t) for t in texts])
    return extract_facts(report)


def of_kind(kind: str, *texts: str):
    return [f for f in facts(*texts) if f.kind == kind]


@pytest.mark.parametrize(
    "text,value,unit,approx",
    [
        ("公开信息 74条", 74, "条", False),
        ("收到申请三件，", 3, "件", False),
        ("发布信息十二条。", 12, "条", False),
        ("发布信息一百零五条。", 105, "条", False),
        ("公开信息 ３８ 条", 38, "条", False),
        ("受理申请 3,119 件", 3119, "件", False),
        ("公开信息 3800 余条", 3800, "条", True),
        ("办理 500多件", 500, "件", True),
        ("约 200 条", 200, "条", True),
        ("近 300 条", 300, "条", True),
        ("接待群众 650人次", 650, "人次", False),
        ("专项经费 28 万元", 28, "万元", False),
        ("信息处理费 3940 元", 3940, "元", False),
        ("出版公报 3 期", 3, "期", False),
        ("浏览 1.2万人次", 12000, "人次", False),
        ("制作解读 21 个", 21, "个", False),
    ],
)
def test_quantities(text, value, unit, approx):
    (q,) = find_quantities(normalize(text))
    assert (q.value, q.unit, q.approx) == (value, unit, approx)


@pytest.mark.parametrize(
    "text",
    [
        "第二十条第（一）项",
        "2024年1月1日至12月31日",
        "国办公开办函〔2021〕30号",
        "电话:0951-6121130",
        "针对上述三个问题",
        "一是加强组织领导",
        "党的二十届三中全会",
        "“12345”热线",
        "回复率 100%",
    ],
)
def test_no_quantity_in_wording(text):
    assert find_quantities(normalize(text)) == []


def test_slack_of_approximate_amounts():
    assert slack(3800) == 100 and slack(20) == 10 and slack(7) == 1 and slack(0) == 1
    assert interval(3800, True) == (3700, 3900) and interval(64, False) == (64, 64)


def test_total_with_parts():
    (f,) = of_kind(
        "total",
        "主动公开政府信息 64条，其中，政府文件信息 2条，乡镇动态 17条，领导信息 3条，"
        "民生保障 38条，政府工作报告 1条。二是通过政务新媒体公开信息。",
    )
    assert (f.value, f.parts, f.unit, f.section, f.page) == (64, [2, 17, 3, 38, 1], "条", "overview", 3)
    assert f.sentence.startswith("主动公开政府信息 64条")


def test_total_in_the_sentence_before_its_parts():
    (f,) = of_kind("total", "共解读文件23个。其中图片解读文件16个，动漫解读文件7个，实现图文解读全覆盖。")
    assert (f.value, f.parts) == (23, [16, 7])


def test_total_across_paragraphs():
    (f,) = of_kind("total", "本年度共解读文件23个。", "其中图片解读文件16个，动漫解读文件7个。")
    assert (f.value, f.parts) == (23, [16, 7])


def test_approximate_total_and_parts():
    (f,) = of_kind(
        "total",
        "全面公开政府信息 3800 余条。其中通过政府网站公开政府信息 2000 余条；"
        "通过政务新媒体公开信息 1800 余条；出版《政府公报》3 期，公开信息 96 条。",
    )
    assert (f.value, f.approx, f.parts, f.parts_approx) == (3800, True, [2000, 1800], True)


def test_nested_lists():
    found = of_kind(
        "total",
        "微博公开信息 250条，其中原创信息 0条，转载信息 250条；在微信公众号发布信息 1456条，"
        "其中原创信息 121条，转载信息 1335条。",
    )
    assert [(f.value, f.parts) for f in found] == [(250, [0, 250]), (1456, [121, 1335])]


def test_nested_list_in_parentheses():
    found = of_kind("total", "共收到申请 10 件，其中自然人 7 件（其中网络申请 5 件、信函 2 件），法人 3 件。")
    assert sorted((f.value, tuple(f.parts)) for f in found) == [(7, (5, 2)), (10, (7, 3))]


def test_total_is_the_earlier_count_the_parts_add_up_to():
    (f,) = of_kind(
        "total", "共收到政府信息公开申请66件，结转下年度2件。其中，自然人申请58件，法人或其他组织申请8件。"
    )
    assert (f.value, f.parts) == (66, [58, 8])


def test_review_list_then_lawsuit_list():
    found = of_kind(
        "total",
        "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，"
        "尚未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，"
        "其他结果 9 件，尚未审结 7 件。",
    )
    assert [(f.value, f.parts) for f in found] == [(351, [72, 64, 178, 37]), (46, [25, 5, 9, 7])]


@pytest.mark.parametrize(
    "text",
    [
        # one part only, then words: not a breakdown
        "发布各类信息 395条。其中，通过微信公众号收到用户留言 43条，均已转线下办理，净增关注人数 572人。",
        # 「含」 and 「另有」 are not a list of parts
        "受理申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复）。",
        "共收到申请 9 件，其中 7 件通过网络提交。",
    ],
)
def test_no_total_with_parts(text):
    assert of_kind("total", text) == []


def test_share_named_by_its_subject():
    (f,) = of_kind(
        "share",
        "共解读文件23个。其中图片解读文件16个，动漫解读文件7个，实现图文解读全覆盖，动漫解读占比23%。",
    )
    assert (f.value, f.of, f.share, f.approx, f.label) == (7, 23, 23, False, "动漫解读文件")


def test_share_of_the_count_before_it():
    found = of_kind(
        "share",
        "全年共收到依申请公开9件，从申请形式来看，网络申请7件，约占申请总数的78%；"
        "信函申请2件，占申请总数的22%。从内容来看，涉及房屋拆迁的占50%，其他信息占50%。",
    )
    assert [(f.value, f.of, f.share, f.approx) for f in found] == [(7, 9, 78, True), (2, 9, 22, False)]


def test_rate_of_the_two_counts_before_it():
    (f,) = of_kind("share", "接到微博投诉事件 24 条,微博回应事件 24 条,回复率 100%。")
    assert (f.value, f.of, f.share) == (24, 24, 100)


@pytest.mark.parametrize(
    "text",
    [
        "办理答复咨询投诉 500 余件，办结率 100%。",
        "全市在运维政务新媒体共计 95 个，在四个季度检查抽查中，合格率均为 100%。",
        "主要涉及房屋拆迁与补偿的占50%，其他信息占50%。",
        "公开信息 120 条，同比增长 20%。",
    ],
)
def test_no_share_without_both_counts(text):
    assert of_kind("share", text) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "2024 年，共收到政府信息公开申请 3件，0件结转下年度办理。",
            [("received", 3), ("carried_forward", 0)],
        ),
        ("兴仁镇 2024年收到 1条依申请公开，根据规定，不予处理。", [("received", 1)]),
        ("全年共收到依申请公开9件，从申请形式来看，网络申请7件。", [("received", 9)]),
        (
            "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复）。",
            [("received", 3119), ("closed", 3050), ("carried_over", 34), ("carried_forward", 103)],
        ),
        (
            "收到的政府信息公开申请均予以规范回复，有 1件因政府信息公开申请人申请了行政复议。",
            [("reviews", 1)],
        ),
        (
            "政府信息公开行政复议 351 件，其中结果维持 72 件；政府信息公开行政诉讼 46 件。",
            [("reviews", 351), ("lawsuits", 46)],
        ),
        ("本年新收申请 5 件、上年结转申请 2 件，已全部办结。", [("received", 5), ("carried_over", 2)]),
        ("兴泾镇人民政府 2024 年没有收到政府信息公开申请。", [("received", 0)]),
        ("兴泾镇人民政府 2020 年没有收到政府信息公开申请。", []),  # another year
        ("本年度未收到因政府信息公开申请引起的行政复议。", []),
        ("全年收取政府信息公开信息处理费 3940 元。", [("fee", 3940)]),
        ("2024年兴仁镇未收取信息处理费。", [("fee", 0)]),
        # not application counts: other channels, comparisons, kinds of applications
        ("办理答复中国政府网、微博、“12345”等渠道咨询投诉 500 余件，办结率 100%。", []),
        ("接到微博投诉事件 24 条，微博回应事件 24 条。", []),
        ("共收到申请 10 件，较上年收到的 8 件增加 2 件。", [("received", 10)]),
        ("其中网络申请 7 件，信函申请 2 件。", []),
        ("收到政府信息公开申请 15 件（其中上年结转 3 件）。", [("received", 15), ("carried_over", 3)]),
        ("2024年共收到政府信息公开申请 25 件，较2023年的 18 件增加 7 件。", [("received", 25)]),
        ("截至2024年底，累计收到政府信息公开申请 300 件。", []),
        ("2023年收到政府信息公开申请 10 件。", []),  # last year's figure in a 2024 report
        ("因政府信息公开被申请行政复议 2 件，被提起行政诉讼 1 件。", [("reviews", 2), ("lawsuits", 1)]),
        ("开展行政复议案件审理 120 件。", []),
    ],
)
def test_quantities_the_tables_hold(text, expected):
    got = [(f.kind, f.value) for f in facts(text) if f.kind not in ("total", "share", "figure")]
    assert got == expected


def test_preamble_is_not_read():
    report = Report(paragraphs=[Paragraph(section=None, page=1, text="共收到政府信息公开申请 3 件。")])
    assert extract_facts(report) == []


def test_a_flow_figure_after_the_parts_ends_the_list():
    """「办结 4 件，其中予以公开 4 件，结转下年度办理 1 件」: the carried-forward count is no part of 办结."""
    text = "本机关共收到政府信息公开申请4件，上年结转1件，办结4件，其中予以公开或部分公开4件，结转下年度办理1件。"
    assert of_kind("total", text) == []
    listed = "办结 6 件，其中予以公开 4 件，不予公开 1 件，无法提供 1 件，结转下年度办理 1 件。"
    (total,) = of_kind("total", listed)
    assert (total.value, total.parts) == (6, [4, 1, 1])


def test_publication_figures_for_comparing_years():
    got = of_kind(
        "figure",
        "2024 年，掌政镇通过政府网站管理平台主动公开信息 74条；通过村务公开小程序主动公开信息 329条。",
        "截至2024年底，累计发布信息 3000 条。全年发布信息较上年增加 20 条。共收到政府信息公开申请 3 件。",
    )
    assert [(f.label, f.value, f.unit) for f in got] == [
        ("掌政镇通过政府网站管理平台主动公开信息", 74, "条"),
        ("村务公开小程序主动公开信息", 329, "条"),
    ]
