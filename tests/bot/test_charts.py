"""Charts drawn from stored reports (real SQLite through the service): PNG size, and a font with every glyph."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from chart_reports import AGENCY, fill  # noqa: E402

from bot import charts  # noqa: E402
from bot.charts import SeasonChartData, SeasonKind  # noqa: E402
from bot.service import session  # noqa: E402


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_drawn_in_cjk(fig, *labels: str) -> None:
    """Every text has all its glyphs in the font matplotlib resolved for it, a CJK font; the labels are drawn."""
    from matplotlib import font_manager

    used = charts.fonts_used(fig)
    texts = "\n".join(t for t, _, _ in used)
    for label in labels:
        assert label in texts, label
    for text, path, missing in used:
        assert missing == "", (text, missing)
        font = font_manager.get_font(path)
        assert "CJK" in font.family_name or "Hei" in font.family_name, (text, font.family_name)
        assert all(font.get_char_index(ord(ch)) for ch in text if not ch.isspace())


@pytest.fixture
async def checker(tmp_path):
    async with session(tmp_path / "nb.db") as checker:
        await fill(checker.store)
        yield checker


async def agency_id(checker) -> int:
    (agency,) = await checker.find_agencies("掌政镇")
    return agency.id


async def test_key_figures_of_both_templates_and_prose(checker):
    trend = await checker.trend(await agency_id(checker))
    assert trend.agency == AGENCY and [y.year for y in trend.years] == [2020, 2021, 2022, 2023]
    assert [y.template for y in trend.years] == ["2019", "2021", "2021", "2021"]
    assert trend.series("received") == [4, 6, 3, 1]
    assert trend.series("closed") == [4, 6, 3, None]  # 2023 has no table 3 and its prose says nothing of it
    assert trend.series("granted") == [3, 4, 3, None]
    assert trend.series("not_held") == [1, 2, 0, None]
    assert trend.series("review") == [0, 1, 1, None]
    assert trend.series("litigation") == [0, 0, 2, None]  # direct + after review
    # the 2019 template has no 现行有效件数: a gap, not its 对外公开总数量
    assert trend.series("normative_in_force") == [None, 12, 14, 15]
    assert trend.series("licensing") == [1200, 1350, 980, 1500]  # 处理决定数量 in both templates
    assert trend.series("penalty") == [35, 40, 52, 60]
    assert trend.years[3].from_text == ["received"] and not trend.years[2].from_text
    two = await checker.trend(await agency_id(checker), [2022, 2023])
    assert [y.year for y in two.years] == [2022, 2023]
    assert await checker.trend(9999) is None


async def test_compare_chart(checker):
    trend = await checker.trend(await agency_id(checker), [2022, 2023])
    width, height = png_size(charts.compare_chart(trend))
    assert 1200 <= width <= 2400 and 600 <= height <= 1600
    fig = charts.compare_figure(trend)
    assert_drawn_in_cjk(
        fig,
        AGENCY,
        "2022 年与 2023 年主要数据对比",
        "新收申请",
        "规范性文件现行有效",
        "行政处罚决定",
        "▼ 减少 2，下降 67%",
        "▲ 增加 520，增长 53%",
        "2023 年无此项",
        "1*",
    )


async def test_trend_chart(checker):
    trend = await checker.trend(await agency_id(checker))
    width, height = png_size(charts.trend_chart(trend))
    assert 1200 <= width <= 2400 and 600 <= height <= 1600
    fig = charts.trend_figure(trend)
    assert_drawn_in_cjk(
        fig, "历年主要数据（2020—2023 年）", "行政诉讼", "1,350", "2020 年度报告为 2019 年版格式"
    )
    one = trend.model_copy(update={"years": trend.years[1:2]})
    assert png_size(charts.trend_chart(one))[0] > 1000  # a single stored year still draws


def test_season_chart():
    agencies = (
        [{"kind": "部门", "reported": True, "late": False, "errors": 0}] * 7
        + [{"kind": "部门", "reported": True, "late": True, "errors": 2}] * 2
        + [{"kind": "部门", "reported": False, "late": False, "errors": 0}] * 3
        + [{"kind": "乡镇", "reported": True, "late": False, "errors": 1}] * 4
        + [{"kind": "乡镇", "reported": False, "late": False, "errors": 0}] * 2
    )
    data = SeasonChartData.from_agencies(2024, agencies, order=("部门", "乡镇", "街道"))
    assert data.kinds == [
        SeasonKind(kind="部门", expected=12, reported=9, late=2, with_errors=2, missing=3),
        SeasonKind(kind="乡镇", expected=6, reported=4, late=0, with_errors=4, missing=2),
    ]
    width, height = png_size(charts.season_chart(data))
    assert width >= 800 and height >= 500
    assert_drawn_in_cjk(
        charts.season_figure(data),
        "2024 年度",
        "部门\n应报 12 个",
        "合计\n应报 18 个",
        "已报送",
        "逾期报送",
        "有错误",
        "未报送",
    )


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Font Family",))
    charts.cjk_family.cache_clear()
    try:
        with pytest.raises(charts.ChartError) as caught:
            charts.season_chart(
                SeasonChartData(report_year=2024, kinds=[SeasonKind(kind="部门", expected=1)])
            )
        assert "fonts-noto-cjk" in caught.value.zh and "中文字体" in caught.value.zh
    finally:
        charts.cjk_family.cache_clear()


@pytest.mark.filterwarnings("ignore:Glyph")
async def test_a_character_the_font_lacks_is_refused(checker):
    trend = await checker.trend(await agency_id(checker), [2022, 2023])
    odd = trend.model_copy(update={"agency": "掌政镇\U000f0000"})  # a private-use character no font has
    with pytest.raises(charts.ChartError) as caught:
        charts.compare_chart(odd)
    assert "缺少字符" in caught.value.zh
