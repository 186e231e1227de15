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
    from storage.compare import Comparison
    from storage.store import ExportTable

SEVERITY_ZH = {"error": "错误", "warning": "提示"}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
# Characters Excel refuses in a cell (control characters other than tab and newlines).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = _BOLD
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _active_labels():
    from parser.model import ACTIVE_COLUMN_LABELS, ACTIVE_ITEM_LABELS

    return ACTIVE_ITEM_LABELS, ACTIVE_COLUMN_LABELS


def report_workbook(report: Report, comparison: Comparison | None = None) -> bytes:
    """概况, the three tables, 问题清单 and (when given) 同比 as sheets of one XLSX file."""
    wb = Workbook()
    wb.remove(wb.active)
    period = "至".join(d.isoformat() for d in report.period) if report.period else None
    info = [
        ["文件", report.file], ["机关", report.agency], ["简称", report.agency_short], ["年度", report.year],
        ["模板", {"2021": "2021 年版", "2019": "2019 年版"}.get(report.template or "", None)],
        ["统计期间", period], ["落款日期", report.published.isoformat() if report.published else None],
        ["文件格式", report.format], ["页数", report.pages], ["OCR 识别", "是" if report.ocr else "否"],
        ["包含部分", "、".join(SECTION_TITLES.get(s, s) for s in report.sections)],
        ["错误", sum(f.severity == "error" for f in report.findings)],
        ["提示", sum(f.severity == "warning" for f in report.findings)],
        ["对比年度", report.previous_year], ["SHA-256", report.sha256],
    ]
    _sheet(wb, "概况", ["项目", "内容"], info, [14, 70])

    if report.active is not None:
        items, columns = _active_labels()
        rows = []
        for item in type(report.active).model_fields:
            row = getattr(report.active, item)
            for col in type(row).model_fields:
                rows.append([items.get(item, item), columns.get(col, col), getattr(row, col)])
        _sheet(wb, "主动公开", ["信息内容", "栏目", "数值"], rows, [24, 22, 12])

    if report.applications is not None:
        rows = [[APPLICATION_ROWS[key], *row.values()] for key, row in report.applications.rows().items()]
        _sheet(wb, "依申请公开", ["", *(APPLICANT_COLUMN_LABELS[c] for c in APPLICANT_COLUMNS)], rows,
               [44] + [12] * len(APPLICANT_COLUMNS))

    if report.review_litigation is not None:
        rows = [[LITIGATION_GROUP_LABELS[g], *getattr(report.review_litigation, g).values()]
                for g in type(report.review_litigation).model_fields]
        _sheet(wb, "复议诉讼", ["", *(OUTCOME_COLUMN_LABELS[c] for c in OUTCOME_COLUMNS)], rows,
               [30] + [12] * len(OUTCOME_COLUMNS))

    rows = [[SEVERITY_ZH.get(f.severity, f.severity), f.rule, f.where, f.message, f.page, f.quote]
            for f in report.findings]
    ws = _sheet(wb, "问题清单", ["级别", "规则", "位置", "说明", "页码", "原文"], rows, [8, 18, 34, 70, 8, 50])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP

    if comparison is not None:
        a, b = comparison.years
        rows = []
        for r in comparison.rows:
            change = r.change
            rows.append([r.label, r.values[0], r.values[1], change.absolute if change else None,
                         change.percent if change else None])
        _sheet(wb, "同比", ["项目", f"{a}年", f"{b}年", "增减", "增减率（%）"], rows, [48, 12, 12, 12, 12])
    return _save(wb)


def export_workbook(table: ExportTable) -> bytes:
    """All stored reports, one row per agency-year, with Chinese column headings."""
    from parser.model import cell_label as label

    heads = {"agency": "机关", "agency_short": "简称", "agency_as_printed": "报告所印机关名称", "year": "年度",
             "template": "模板", "format": "格式", "file": "文件", "sha256": "SHA-256",
             "uploaded_by": "上传者", "uploaded_at": "上传时间（UTC）", "findings": "问题数"}
    wb = Workbook()
    wb.remove(wb.active)
    header = [heads.get(c) or label(c) for c in table.columns]
    _sheet(wb, "年度报告", header, [list(r) for r in table.rows], [28, 14, 28, 8])
    # The dotted keys under the headings keep the export machine-readable too.
    _sheet(wb, "字段", ["列", "字段"], [[h, c] for h, c in zip(header, table.columns, strict=True)], [50, 50])
    return _save(wb)


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "report"
