"""The XLSX files carry the charts as native Excel charts: a report with its comparison, trend, export, season."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
from chart_reports import AGENCY, fill  # noqa: E402
from report_factory import make_report, payload  # noqa: E402

from bot import xlsx  # noqa: E402
from bot.charts import SeasonChartData, SeasonKind  # noqa: E402
from bot.service import session  # noqa: E402


@pytest.fixture
async def checker(tmp_path):
    async with session(tmp_path / "nb.db") as checker:
        await fill(checker.store)
        yield checker


def _load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _titles(ws) -> list[str]:
    return ["".join(r.t for p in c.title.tx.rich.p for r in p.r) for c in ws._charts]


async def test_report_workbook_has_bar_charts_of_both_years(checker):
    (agency,) = await checker.find_agencies("掌政镇")
    report = await checker.show(agency.id, 2022)
    comparison = await checker.compare(agency.id, 2021, 2022)
    figures = await checker.trend(agency.id, [2021, 2022])
    wb = _load(xlsx.report_workbook(report, comparison, figures))
    ws = wb["主要数据"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("项目", "2021年", "2022年", "增减")
    assert ("行政许可处理决定（件）", 1350, 980, -370) in rows
    assert len(ws._charts) == 10 and all(isinstance(c, BarChart) for c in ws._charts)
    assert _titles(ws)[:3] == ["新收申请", "办结申请", "予以公开"]
    # each chart is one figure's row over the year columns, categorised by the year headings
    chart = ws._charts[7]
    assert chart.series[0].val.numRef.f == "'主要数据'!$B$9:$C$9"
    assert chart.series[0].cat.numRef.f == "'主要数据'!$B$1:$C$1"
    assert (
        "主要数据" not in _load(xlsx.report_workbook(report, comparison)).sheetnames
    )  # none without figures


async def test_trend_and_export_workbooks_have_line_charts(checker):
    (agency,) = await checker.find_agencies("掌政镇")
    ws = _load(xlsx.trend_workbook(await checker.trend(agency.id)))["主要数据"]
    assert len(ws._charts) == 10 and all(isinstance(c, LineChart) for c in ws._charts)
    assert next(ws.iter_rows(values_only=True)) == ("项目", "2020年", "2021年", "2022年", "2023年")
    assert any("2019 年版格式" in (r[0] or "") for r in ws.iter_rows(values_only=True))

    other = make_report("银川市兴庆区大新镇人民政府", 2022, short="大新镇", new=5)
    await checker.save(other, payload(other), "cli")
    wb = _load(xlsx.export_workbook(await checker.export()))
    ws = wb["主要数据合计"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["本年新收政府信息公开申请（件）"] == (4, 6, 3 + 5, None)  # 2023 states it in prose only
    assert rows["行政规范性文件现行有效（件）"][0] is None  # the 2019 template has no such column
    assert any("2022 年度 2 份" in k for k in rows)
    assert len(ws._charts) == 10 and all(isinstance(c, LineChart) for c in ws._charts)
    assert AGENCY in [r[0] for r in wb["年度报告"].iter_rows(values_only=True)]


def test_season_chart_in_a_sheet():
    wb = openpyxl.Workbook()
    ws = wb.active
    data = SeasonChartData(
        report_year=2024,
        kinds=[
            SeasonKind(kind="部门", expected=12, reported=10, late=2, with_errors=3, missing=2),
            SeasonKind(kind="乡镇", expected=6, reported=4, late=1, with_errors=1, missing=2),
        ],
    )
    xlsx.add_season_chart(ws, data, "A3")
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = _load(buffer.getvalue()).active
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == ("类别", "应报", "已报送", "逾期报送", "有错误", "未报送")
    assert rows[-1] == ("合计", 18, 14, 3, 4, 4)
    (chart,) = ws._charts
    assert isinstance(chart, BarChart) and len(chart.series) == 4
    assert _titles(ws) == ["2024 年度年报报送情况（按机关类别）"]
