"""The season's XLSX files, in the style of bot/xlsx.py: 「年报检查情况表」 (agencies or files, and
「问题清单」 with a row per finding that the office can forward) and 「年报汇总」."""

from __future__ import annotations

from openpyxl import Workbook

from bot.season.batch import BatchResult
from bot.season.status import SeasonStatus
from bot.season.summary import Indicators, Summary
from bot.season.texts import STATUS_ZH
from bot.xlsx import SEVERITY_ZH, WRAP, add_season_chart, add_sheet, add_table_sheets, workbook_bytes
from bot.xlsx import review_text as xlsx_review
from parser.model import (
    ACTIVE_ITEM_LABELS,
    APPLICATION_ROWS,
    LITIGATION_GROUP_LABELS,
    SECTION_TITLES,
    Finding,
    cell_label,
)

ISSUES_HEADER = ["机关", "年度", "规则", "级别", "说明", "单元格", "原文", "页码", "核实情况"]
ISSUES_WIDTHS = [28, 8, 18, 8, 70, 36, 50, 8, 40]
_TABLES = {"active": "表二", "applications": "表三", "review_litigation": "表四"}
_FIELDS = {
    "template": "报告格式",
    "year": "报告年度",
    "published": "落款日期",
    "title": "标题",
    "agency": "机关名称",
}


def where_zh(where: str) -> str:
    """A finding's place in words: 「表三 办理结果总计·总计」, 「五、存在的主要问题及改进情况」."""
    parts = where.split(".")
    if parts[0] in _TABLES:
        if len(parts) == 3:
            return f"{_TABLES[parts[0]]} {cell_label(where)}"
        if len(parts) == 2:
            row = parts[1]
            label = (
                ACTIVE_ITEM_LABELS.get(row)
                or APPLICATION_ROWS.get(row)
                or LITIGATION_GROUP_LABELS.get(row)
                or row
            )
            return f"{_TABLES[parts[0]]} {label}"
        return _TABLES[parts[0]]
    return SECTION_TITLES.get(where) or _FIELDS.get(where) or where


def _review_text(f: Finding | object) -> str | None:
    """「已排除：who，when，理由：…」 for a finding staff dismissed (storage.season.StoredFinding), else nothing."""
    verdict = getattr(f, "verdict", None)
    if verdict is None:
        return None
    from bot.review import when

    head = "已排除" if verdict == "dismissed" else "已确认属实"
    reason = getattr(f, "reason", None)
    return f"{head}：{f.reviewed_by}，{when(f.reviewed_at)}" + (f"，理由：{reason}" if reason else "")


def _issue_row(agency: str, year: int | None, f: Finding | object, note: str | None = None) -> list:
    return [
        agency,
        year,
        f.rule,
        SEVERITY_ZH.get(f.severity, f.severity),
        f.message,
        where_zh(f.where),
        f.quote,
        f.page,
        note or _review_text(f),
    ]


def _issues_sheet(wb: Workbook, rows: list[list]) -> None:
    ws = add_sheet(wb, "问题清单", ISSUES_HEADER, rows, ISSUES_WIDTHS)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP


def season_workbook(s: SeasonStatus, findings: list) -> bytes:
    """「年报检查情况表」 for /season: every agency, totals by kind, their chart (as /season's picture), and
    every finding open."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for n, a in enumerate(s.everyone, start=1):
        if a.reported:
            timing = "落款日期不详" if a.late is None else ("逾期" if a.late else "按时")
        else:
            timing = "逾期未报" if a.late else "未到截止日期"
        note = (
            "不在应报名单中"
            if a in s.not_on_roster
            else (f"报告中的名称：{a.stored_name}" if a.stored_name and a.stored_name != a.agency else None)
        )
        rows.append(
            [
                n,
                a.agency,
                a.kind,
                a.due.isoformat(),
                "已报" if a.reported else "未报",
                a.published.isoformat() if a.published else None,
                timing,
                a.errors,
                a.warnings,
                a.file,
                note,
            ]
        )
    add_sheet(
        wb,
        "年报情况",
        ["序号", "机关", "类别", "截止日期", "报送", "落款日期", "是否按时", "错误", "提示", "文件", "备注"],
        rows,
        [6, 30, 10, 12, 8, 12, 12, 8, 8, 36, 36],
    )
    totals = [
        [t.kind, t.due.isoformat(), t.agencies, t.reported, t.late, t.undated, t.missing, t.with_errors]
        for t in s.totals
    ]
    add_sheet(
        wb,
        "分类统计",
        ["类别", "截止日期", "应报", "已报", "逾期报送", "落款日期不详", "未报", "有错误"],
        totals,
        [10, 12, 8, 8, 10, 12, 8, 8],
    )
    if s.agencies:
        add_season_chart(wb.create_sheet("报送情况图"), s.chart_data(), "A1")
    names = {a.agency_id: a.agency for a in s.everyone if a.agency_id is not None}
    _issues_sheet(wb, [_issue_row(names.get(f.agency_id, f.agency), f.year, f) for f in findings])
    return workbook_bytes(wb)


def batch_workbook(result: BatchResult) -> bytes:
    """「年报检查情况表」 for a ZIP: one row per file, and every finding of the reports read."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for f in result.files:
        r = f.report
        note = f.reason or (f"与 {f.same_as} 内容相同" if f.same_as else None)
        rows.append(
            [
                f.path,
                f.agency or None,
                r.year if r else None,
                STATUS_ZH.get(f.status, f.status),
                f.errors if r else None,
                f.warnings if r else None,
                r.published.isoformat() if r and r.published else None,
                note,
            ]
        )
    add_sheet(
        wb,
        "检查结果",
        ["文件", "机关", "年度", "结果", "错误", "提示", "落款日期", "说明"],
        rows,
        [40, 30, 8, 14, 8, 8, 12, 50],
    )
    _issues_sheet(
        wb,
        [
            _issue_row(
                f.agency, f.report.year, finding, xlsx_review(f.reviews.get((finding.rule, finding.where)))
            )
            for f in result.read
            for finding in sorted(f.report.findings, key=lambda x: x.severity != "error")
        ],
    )
    return workbook_bytes(wb)


def _rate_cells(ws, columns: list[int]) -> None:
    for row in ws.iter_rows(min_row=2):
        for i in columns:
            row[i].number_format = "0.0%"


def _indicator_row(i: Indicators) -> list:
    return [
        i.agency,
        i.kind,
        i.template,
        i.processed,
        i.granted,
        i.partially_granted,
        i.granted_share,
        i.review_total,
        i.review_corrected,
        i.review_rate,
        i.litigation_total,
        i.litigation_corrected,
        i.litigation_rate,
    ]


def summary_workbook(s: Summary) -> bytes:
    """「年报汇总」: coverage and notes, tables 二、三、四 summed, indicators per agency and in total."""
    wb = Workbook()
    wb.remove(wb.active)
    info = [
        ["年度", s.report_year],
        ["表格口径", f"{s.template} 年版"],
        ["应报机关", s.expected],
        ["汇总报告数", len(s.covered)],
        ["已汇总的机关", "、".join(s.covered)],
        ["未报机关（未计入）", "、".join(s.missing) or "无"],
    ]
    if s.not_on_roster:
        info.append(["不在名单中（未计入）", "、".join(s.not_on_roster)])
    info += [["说明", n] for n in s.notes]
    ws = add_sheet(wb, "说明", ["项目", "内容"], info, [20, 100])
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = WRAP
    t = s.totals
    add_table_sheets(
        wb,
        t.active,
        t.applications,
        t.review_litigation,
        ("表二 主动公开", "表三 依申请公开", "表四 复议诉讼"),
        "合计",
    )
    header = [
        "机关",
        "类别",
        "模板",
        "办结",
        "予以公开",
        "部分公开",
        "公开率",
        "行政复议",
        "复议纠正",
        "复议纠错率",
        "行政诉讼",
        "诉讼纠正",
        "诉讼纠错率",
    ]
    rows = [_indicator_row(i) for i in s.per_agency] + [_indicator_row(s.total)]
    ws = add_sheet(wb, "各机关指标", header, rows, [30, 10, 8, 8, 10, 10, 10, 10, 10, 12, 10, 10, 12])
    _rate_cells(ws, [6, 9, 12])
    return workbook_bytes(wb)
