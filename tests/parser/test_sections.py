from parser.layout import text_line
from parser.sections import find_headings

BODY = "本段是正文内容，用于说明情况，不是标题。"


def keys(texts):
    return [(h.key, h.printed_number) for h in find_headings([text_line(t) for t in texts])]


def test_headings_in_their_many_forms():
    texts = [
        "一、总体情况",
        BODY,
        "（一）主动公开政府信息情况。2024年度主动公开政府信息 1770条。",
        BODY,
        "（二）主动公开政府信息情况",
        BODY,  # a sub-heading inside 一 that reuses 二's words
        "二．主动公开情况",
        BODY,
        "三. 收到和处理政府信息公开申请情况",
        BODY,
        "四、政府信息公开行政复议、行政",
        "诉讼情况",
        "0 0 0",
        "（一）存在问题",
        BODY,
        "五、存在的主要问题及改进情况",
        BODY,
        "六、其他需要报告的事项",
        BODY,
    ]
    assert keys(texts) == [
        ("overview", "一、"),
        ("active", "二."),
        ("applications", "三."),
        ("review_litigation", "四、"),
        ("problems", "五、"),
        ("other_matters", "六、"),
    ]


def test_repeated_heading_and_wrong_number():
    texts = [
        "一、总体情况",
        BODY,
        "二、主动公开政府信息情况",
        BODY,
        "二、主动公开政府信息情况",
        BODY,
        "三、收到和处理政府信息公开申请情况",
        BODY,
        "五、政府信息公开行政复议、行政诉讼情况",
        BODY,
    ]
    found = find_headings([text_line(t) for t in texts])
    assert [h.key for h in found] == ["overview", "active", "applications", "review_litigation"]
    assert found[1].line == 2
    assert found[3].printed_number == "五、"


def test_intro_listing_all_sections_is_not_a_heading():
    texts = [
        "报告全文由总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，政府信息公开行政复议、"
        "行政诉讼情况，存在的主要问题及改进情况，其他需要报告的事项等共六个部分组成。",
        "一、总体情况",
        BODY,
    ]
    assert keys(texts) == [("overview", "一、")]
