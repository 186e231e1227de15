"""XLSX files the clerk keeps: one report's tables and findings, and the export of all stored reports."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from parser.model import (
    APPLICANT_COLUMN_LABELS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    LITIGATION_GROUP_LABELS,
    OUTCOME_COLUMN_LABELS,
    OUTCOME_COLUMNS,
    SECTION_TITLES,
    Report,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.charts import SeasonChartData
    from bot.figures import Trend
    from storage.compare import Comparison
    from storage.reviews import Review
    from storage.store import ExportTable

# The clerk's XLSX style, in one place (bot/season/workbook.py builds its sheets with it too).
SEVERITY_ZH = {"error": "错误", "warning": "提示"}
BOLD = Font(bold=True)  # headings
WRAP = Alignment(wrap_text=True, vertical="top")  # long texts: messages, quotes
# Characters Excel refuses in a cell (control characters other than tab and newlines).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def add_sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    """A sheet with a bold heading row frozen above the rows, cells Excel accepts, and column widths."""
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The XLSX file, in memory (sent as a Telegram document or written by the CLI)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def add_table_sheets(
    wb: Workbook,
    active,
    applications,
    review_litigation,
    titles: tuple[str, str, str] = ("主动公开", "依申请公开", "复议诉讼"),
    value_header: str = "数值",
) -> None:
    """Tables 二、三、四 as three sheets (a report's, or a season's sums): the tables that are present."""
    from parser.model import ACTIVE_COLUMN_LABELS, ACTIVE_ITEM_LABELS

    if active is not None:
        rows = [
            [ACTIVE_ITEM_LABELS.get(item, item), ACTIVE_COLUMN_LABELS.get(col, col), getattr(row, col)]
            for item in type(active).model_fields
            for row in [getattr(active, item)]
            for col in type(row).model_fields
        ]
        add_sheet(wb, titles[0], ["信息内容", "栏目", value_header], rows, [24, 22, 12])
    if applications is not None:
        rows = [[APPLICATION_ROWS[key], *row.values()] for key, row in applications.rows().items()]
        header = ["", *(APPLICANT_COLUMN_LABELS[c] for c in APPLICANT_COLUMNS)]
        add_sheet(wb, titles[1], header, rows, [44] + [12] * len(APPLICANT_COLUMNS))
    if review_litigation is not None:
        rows = [
            [LITIGATION_GROUP_LABELS[g], *getattr(review_litigation, g).values()]
            for g in type(review_litigation).model_fields
        ]
        header = ["", *(OUTCOME_COLUMN_LABELS[c] for c in OUTCOME_COLUMNS)]
        add_sheet(wb, titles[2], header, rows, [30] + [12] * len(OUTCOME_COLUMNS))


def review_text(review) -> str | None:
    """The 问题清单's 核实情况 of a finding: 「已排除：who，when，理由：…」, 「已确认属实：…」 or nothing."""
    if review is None:
        return None
    from bot.review import review_note

    return review_note(review)


def report_workbook(
    report: Report,
    comparison: Comparison | None = None,
    figures: Trend | None = None,
    reviews: Mapping[tuple[str, str], Review] | None = None,
) -> bytes:
    """概况, the three tables, 问题清单 and (when given) 同比 and 主要数据 (with charts) as sheets of one XLSX file.

    `reviews`: staff's verdicts on the findings ((rule, where) → review); dismissed ones do not count."""
    reviews = reviews or {}
    counted = [
        f
        for f in report.findings
        if not ((r := reviews.get((f.rule, f.where))) is not None and r.verdict == "dismissed")
    ]
    wb = Workbook()
    wb.remove(wb.active)
    period = "至".join(d.isoformat() for d in report.period) if report.period else None
    info = [
        ["文件", report.file],
        ["机关", report.agency],
        ["简称", report.agency_short],
        ["年度", report.year],
        ["模板", {"2021": "2021 年版", "2019": "2019 年版"}.get(report.template or "", None)],
        ["统计期间", period],
        ["落款日期", report.published.isoformat() if report.published else None],
        ["文件格式", report.format],
        ["页数", report.pages],
        ["OCR 识别", "是" if report.ocr else "否"],
        ["包含部分", "、".join(SECTION_TITLES.get(s, s) for s in report.sections)],
        ["错误", sum(f.severity == "error" for f in counted)],
        ["提示", sum(f.severity == "warning" for f in counted)],
        ["已排除", len(report.findings) - len(counted)],
        ["对比年度", report.previous_year],
        ["SHA-256", report.sha256],
    ]
    add_sheet(wb, "概况", ["项目", "内容"], info, [14, 70])

    add_table_sheets(wb, report.active, report.applications, report.review_litigation)

    rows = [
        [
            SEVERITY_ZH.get(f.severity, f.severity),
            f.rule,
            f.where,
            f.message,
            f.page,
            f.quote,
            review_text(reviews.get((f.rule, f.where))),
        ]
        for f in report.findings
    ]
    ws = add_sheet(
        wb,
        "问题清单",
        ["级别", "规则", "位置", "说明", "页码", "原文", "核实情况"],
        rows,
        [8, 18, 34, 70, 8, 50, 40],
    )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP

    if comparison is not None:
        a, b = comparison.years
        rows = []
        for r in comparison.rows:
            change = r.change
            rows.append(
                [
                    r.label,
                    r.values[0],
                    r.values[1],
                    change.absolute if change else None,
                    change.percent if change else None,
                ]
            )
        add_sheet(wb, "同比", ["项目", f"{a}年", f"{b}年", "增减", "增减率（%）"], rows, [48, 12, 12, 12, 12])
    if figures is not None and figures.years:
        figures_sheet(wb, figures)
    return workbook_bytes(wb)


# ---------------------------------------------------------------- charts (native Excel charts, as the PNGs)

_CHART_COLUMNS = 5  # charts per row, as the PNG's panels
_CHART_W, _CHART_H = 8.0, 6.0  # cm
_CHART_COL_STEP, _CHART_ROW_STEP = 5, 13  # cells between chart anchors


def figures_sheet(wb: Workbook, trend: Trend, title: str = "主要数据", note: str | None = None):
    """The key figures (rows) of every year (columns), and one native chart per figure with its own scale:
    bars for two years (as /compare's picture), lines for more (as /trend's)."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.label import DataLabelList

    from bot.figures import KEY_FIGURES

    years = trend.years
    n = len(years)
    header = ["项目", *(f"{y.year}年" for y in years)]
    rows = [[f.label, *trend.series(f.key)] for f in KEY_FIGURES]
    if n == 2:
        header += ["增减"]
        for row in rows:
            a, b = row[1], row[2]
            row.append(b - a if a is not None and b is not None else None)
    ws = add_sheet(wb, title, header, rows, [40] + [12] * (len(header) - 1))
    notes = [note] if note else []
    if any(y.template == "2019" for y in years):
        notes.append("2019 年版格式的报告没有“现行有效件数”，该项空缺。")
    if any(y.from_text for y in years):
        notes.append("部分数据取自报告正文（该年度报告没有相应表格）。")
    for i, text in enumerate(notes):
        ws.cell(row=len(rows) + 3 + i, column=1, value=text)
    first_chart_row = len(rows) + 4 + len(notes)
    categories = Reference(ws, min_col=2, max_col=1 + n, min_row=1)
    shown = [i for i, f in enumerate(KEY_FIGURES) if any(v is not None for v in trend.series(f.key))]
    for place, i in enumerate(shown):
        chart = BarChart() if n == 2 else LineChart()
        if n == 2:
            chart.type = "col"
            chart.varyColors = True  # the earlier and the later year in two colours
        chart.title = KEY_FIGURES[i].short
        chart.legend = None
        chart.add_data(
            Reference(ws, min_col=2, max_col=1 + n, min_row=i + 2), from_rows=True, titles_from_data=False
        )
        chart.set_categories(categories)
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.x_axis.delete = False  # recent Excel hides the axes of openpyxl charts otherwise
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        chart.width, chart.height = _CHART_W, _CHART_H
        col = 1 + (place % _CHART_COLUMNS) * _CHART_COL_STEP
        row = first_chart_row + (place // _CHART_COLUMNS) * _CHART_ROW_STEP
        ws.add_chart(chart, f"{get_column_letter(col)}{row}")
    return ws


def trend_workbook(trend: Trend) -> bytes:
    """`nianbao trend --xlsx`: every stored year's key figures with a line chart per figure."""
    wb = Workbook()
    wb.remove(wb.active)
    figures_sheet(wb, trend, note=f"{trend.agency}，每个已保存年度一列。")
    return workbook_bytes(wb)


def add_season_chart(ws, data: SeasonChartData, anchor: str) -> None:
    """A native bar chart of the season by kind of agency (as /season's picture), with its table at `anchor`.

    The table takes 6 columns and one row per kind (and 合计); the chart goes to its right."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from bot.charts import SEASON_LABELS

    letter, top = coordinate_from_string(anchor)
    left = column_index_from_string(letter)
    fields = list(SEASON_LABELS)
    kinds = list(data.kinds)
    rows = [[k.kind, k.expected, *(getattr(k, f) for f in fields)] for k in kinds]
    if len(rows) > 1:
        rows.append(["合计", *(sum(r[i] for r in rows) for i in range(1, 2 + len(fields)))])
    for r, values in enumerate([["类别", "应报", *SEASON_LABELS.values()], *rows]):
        for c, value in enumerate(values):
            cell = ws.cell(row=top + r, column=left + c, value=value)
            if r == 0:
                cell.font = BOLD
    chart = BarChart()
    chart.type = "col"
    chart.title = f"{data.report_year} 年度年报报送情况（按机关类别）"
    chart.y_axis.title = "机关数（个）"
    chart.add_data(
        Reference(ws, min_col=left + 2, max_col=left + 1 + len(fields), min_row=top, max_row=top + len(rows)),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=left, min_row=top + 1, max_row=top + len(rows)))
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"{get_column_letter(left + 2 + len(fields) + 1)}{top}")


def export_totals(table: ExportTable) -> Trend | None:
    """Key figures summed over every agency of the export, per year (None: nothing exported)."""
    from bot.figures import KEY_FIGURES, Trend, YearFigures, figures_of

    if not table.rows:
        return None
    year_col = table.columns.index("year")
    paths = [(i, c) for i, c in enumerate(table.columns) if c.count(".") == 2]
    by_year: dict[int, list[YearFigures]] = {}
    for row in table.rows:
        # The export cannot tell a blank cell from one the template lacks (2019: no 现行有效件数): values only.
        cells = {c: row[i] for i, c in paths if row[i] is not None}
        by_year.setdefault(row[year_col], []).append(figures_of(row[year_col], cells))
    years = []
    for year in sorted(by_year):
        values = {}
        for f in KEY_FIGURES:
            present = [y.values[f.key] for y in by_year[year] if y.values[f.key] is not None]
            values[f.key] = sum(present) if present else None
        years.append(YearFigures(year=year, values=values))
    return Trend(agency="全部机关合计", agency_id=0, years=years)


def export_workbook(table: ExportTable) -> bytes:
    """All stored reports, one row per agency-year, with Chinese column headings."""
    from parser.model import cell_label as label

    heads = {
        "agency": "机关",
        "agency_short": "简称",
        "agency_as_printed": "报告所印机关名称",
        "year": "年度",
        "template": "模板",
        "format": "格式",
        "file": "文件",
        "sha256": "SHA-256",
        "uploaded_by": "上传者",
        "uploaded_at": "上传时间（UTC）",
        "findings": "问题数",
    }
    wb = Workbook()
    wb.remove(wb.active)
    header = [heads.get(c) or label(c) for c in table.columns]
    add_sheet(wb, "年度报告", header, [list(r) for r in table.rows], [28, 14, 28, 8])
    # The dotted keys under the headings keep the export machine-readable too.
    add_sheet(
        wb, "字段", ["列", "字段"], [[h, c] for h, c in zip(header, table.columns, strict=True)], [50, 50]
    )
    totals = export_totals(table)
    if totals is not None:
        counts = "；".join(f"{y} 年度 {n} 份" for y, n in _reports_per_year(table))
        figures_sheet(
            wb,
            totals,
            "主要数据合计",
            note=f"各年度已保存报告的合计（{counts}），机关数不同的年度不宜直接比较。",
        )
    return workbook_bytes(wb)


def _reports_per_year(table: ExportTable) -> list[tuple[int, int]]:
    year_col = table.columns.index("year")
    counts: dict[int, int] = {}
    for row in table.rows:
        counts[row[year_col]] = counts.get(row[year_col], 0) + 1
    return sorted(counts.items())


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "report"
