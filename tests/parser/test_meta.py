from datetime import date

from parser.agency import short_name
from parser.meta import cites_2019_notice, find_period, find_quoted_title, find_signature_date, find_title


def test_title_on_one_or_two_lines():
    assert (
        find_title(["银川市兴庆区掌政镇人民政府", "2024年政府信息公开工作年度报告"])[0].agency
        == "银川市兴庆区掌政镇人民政府"
    )
    title, index = find_title(["兴庆区掌政镇 2023 年政府 信息公开工作年度报告"])
    assert (title.agency, title.year, index) == ("兴庆区掌政镇", 2023, 0)
    assert find_title(["2024年度淮安市人民政府政府信息公开工作年度报告"])[0].agency == "淮安市人民政府"
    assert find_title(["首页 > 政务公开", "没有标题的页面"]) is None


def test_quoted_title_in_the_introduction():
    found = find_quoted_title("现发布《银川市兴庆区掌政镇 2023 年政府信息公开工作年度报告》，本报告…")
    assert (found.agency, found.year) == ("银川市兴庆区掌政镇", 2023)


def test_period_forms():
    assert find_period("本报告统计数据从 2024 年 1 月 1 日至 12 月 31 日。") == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    assert find_period("统计期限自２０２０年１月１日至２０２０年１２月３１日") == (
        date(2020, 1, 1),
        date(2020, 12, 31),
    )
    assert find_period("2024年1月1日—2024年12月31日") == (date(2024, 1, 1), date(2024, 12, 31))
    assert find_period("2024年1月29日发布") is None


def test_signature_date():
    assert find_signature_date(["……", "兴庆区掌政镇人民政府", "2024年1月29日"]) == date(2024, 1, 29)
    assert find_signature_date(["某某局", "二〇二五年一月二十日"]) == date(2025, 1, 20)
    assert find_signature_date(["于2024年1月29日发布了通知。"]) is None


def test_notice_and_short_names():
    assert cites_2019_notice("（国办公开办函〔2019〕60 号）")
    assert not cites_2019_notice("（国办公开办函〔2021〕30号）")
    assert short_name("银川市兴庆区掌政镇人民政府") == "掌政镇"
    assert short_name("兴庆区掌政镇") == "掌政镇"
    assert short_name("西夏区人民政府办公室") == "西夏区人民政府办公室"
    assert short_name("淮安市人民政府") == "淮安市"
    assert short_name("银川市兴庆区文化街街道办事处") == "文化街街道"
    assert short_name("银川市西夏区教育局") == "西夏区教育局"


def test_title_variants():
    assert (
        find_title(["银川市西夏区教育局关于2024年度政府信息公开工作年度报告"])[0].agency
        == "银川市西夏区教育局"
    )
    title, _ = find_title(["永宁县人民政府", "二〇二四年政府信息公开工作年度报告"])
    assert (title.agency, title.year) == ("永宁县人民政府", 2024)
    title, index = find_title(["银川市金凤区满城北街街道办事处2024年政府信息", "公开工作年度报告", "根据……"])
    assert (title.agency, index) == ("银川市金凤区满城北街街道办事处", 1)
    assert (
        find_title(["- 1 -淮安市人民政府", "2024 年政府信息公开工作年度报告"])[0].agency == "淮安市人民政府"
    )


def test_short_names_of_departments_whose_words_hold_division_characters():
    assert short_name("银川市住房和城乡建设局") == "银川市住房和城乡建设局"
    assert short_name("银川市兴庆区社区服务中心") == "兴庆区社区服务中心"
    assert short_name("乡宁县人民政府") == "乡宁县"


def test_title_with_the_year_after_the_words():
    title, _ = find_title(["银川市西夏区教育局政府信息公开工作年度报告（2024年度）"])
    assert (title.agency, title.year) == ("银川市西夏区教育局", 2024)
