"""The key figures of a report — what /compare's chart, /trend and the XLSX charts show.

Ten figures a clerk looks at first: applications received and closed, granted, not held, review and
litigation, 规范性文件 in force, and the 许可 / 处罚 / 强制 decisions. Each is a sum of cells (dotted
paths of shared/spec/report-model.md). Both templates use the same paths for all of them except
规范性文件 in force: the 2019 template has no 现行有效件数 (its 对外公开总数量 counts every document
ever published, not those in force), so a 2019 report has no value there rather than a wrong one.
Where a year has no table but its prose states a figure, that figure stands, as in /compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from parser.model import Fact, Report

Number = int | float


@dataclass(frozen=True)
class KeyFigure:
    key: str
    short: str  # a chart panel's title
    label: str  # a table row's label
    paths: tuple[str, ...]  # cells summed


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure("received", "新收申请", "本年新收政府信息公开申请（件）", ("applications.new_received.total",)),
    KeyFigure("closed", "办结申请", "办理结果总计（件）", ("applications.total_processed.total",)),
    KeyFigure("granted", "予以公开", "予以公开（件）", ("applications.granted.total",)),
    KeyFigure(
        "not_held",
        "本机关不掌握",
        "无法提供：本机关不掌握相关政府信息（件）",
        ("applications.unavailable_not_held.total",),
    ),
    KeyFigure("review", "行政复议", "行政复议（件）", ("review_litigation.review.total",)),
    KeyFigure(
        "litigation",
        "行政诉讼",
        "行政诉讼（直接起诉与复议后起诉，件）",
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
    ),
    KeyFigure(
        "normative_in_force",
        "规范性文件现行有效",
        "行政规范性文件现行有效（件）",
        ("active.normative_documents.in_force",),
    ),
    KeyFigure("licensing", "行政许可决定", "行政许可处理决定（件）", ("active.licensing.decisions",)),
    KeyFigure("penalty", "行政处罚决定", "行政处罚处理决定（件）", ("active.penalty.decisions",)),
    KeyFigure("coercion", "行政强制决定", "行政强制处理决定（件）", ("active.coercion.decisions",)),
)
FIGURES_BY_KEY = {f.key: f for f in KEY_FIGURES}


class YearFigures(BaseModel):
    """One year's key figures (None: the report has no such figure)."""

    year: int
    template: str | None = None
    values: dict[str, Number | None]
    from_text: list[str] = Field(default_factory=list)  # keys whose value comes from the prose


class Trend(BaseModel):
    """Key figures of one agency, year by year (ascending)."""

    agency: str
    agency_id: int
    years: list[YearFigures]

    def series(self, key: str) -> list[Number | None]:
        return [y.values.get(key) for y in self.years]

    def to_json(self) -> dict:
        return {
            "agency": self.agency,
            "years": [y.year for y in self.years],
            "templates": [y.template for y in self.years],
            "rows": [
                {
                    "key": f.key,
                    "label": f.label,
                    "values": self.series(f.key),
                    "from_text": [f.key in y.from_text for y in self.years],
                }
                for f in KEY_FIGURES
            ],
        }


def _num(value: float | None) -> Number | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def figures_of(
    year: int, cells: dict[str, float | None], facts: list[Fact] = (), template: str | None = None
) -> YearFigures:
    """The key figures from a report's cells (path → value) and prose facts."""
    from storage.compare import FACT_TABLE_KEYS

    tables = {p.split(".", 1)[0] for p in cells}
    values: dict[str, Number | None] = {}
    from_text: list[str] = []
    for figure in KEY_FIGURES:
        parts: list[float] = []
        texts = False
        for path in figure.paths:
            if path in cells:
                if cells[path] is not None:
                    parts.append(cells[path])
                elif path.split(".", 1)[0] in tables:
                    parts.append(0)  # a blank cell of a printed table counts as 0 (report-model.md)
            elif path.split(".", 1)[0] not in tables:
                fact = next(
                    (f for f in facts if FACT_TABLE_KEYS.get(f.kind) == path and f.share is None), None
                )
                if fact is not None:
                    parts.append(fact.value)
                    texts = True
        values[figure.key] = _num(sum(parts)) if parts else None
        if texts:
            from_text.append(figure.key)
    return YearFigures(year=year, template=template, values=values, from_text=from_text)


def report_figures(report: Report) -> YearFigures:
    from storage.cells import flatten

    return figures_of(report.year or 0, dict(flatten(report)), report.facts, report.template)


# ---------------------------------------------------------------- text


def fmt(value: Number | None) -> str:
    """A figure as a clerk writes it: 1,350 / 2.5 / — (no such figure)."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _notes(trend: Trend) -> list[str]:
    notes = []
    if any(y.from_text for y in trend.years):
        notes.append("* 取自报告正文（该年度报告没有相应表格）。")
    if old := [str(y.year) for y in trend.years if y.template == "2019"]:
        notes.append(f"{'、'.join(old)} 年度报告为 2019 年版格式，没有“现行有效件数”。")
    return notes


def _cell(year: YearFigures, key: str) -> str:
    return fmt(year.values.get(key)) + ("*" if key in year.from_text else "")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def trend_table(trend: Trend) -> list[str]:
    """`nianbao trend`: the key figures as rows, the years as columns, aligned for a terminal."""
    head = [f"{trend.agency} 历年主要数据"]
    if not trend.years:
        return [*head, "没有已保存的报告。"]
    rows = [["项目", *(f"{y.year}年" for y in trend.years)]]
    rows += [[f.label, *(_cell(y, f.key) for y in trend.years)] for f in KEY_FIGURES]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0] + " " * (widths[0] - _width(row[0]))]
        cells += [" " * (w - _width(c)) + c for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return head + lines + _notes(trend)


def trend_lines(trend: Trend) -> list[str]:
    """/trend: one line per key figure, its value in every year (a phone has no columns to align)."""
    years = [y.year for y in trend.years]
    span = f"{years[0]}—{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年"
    lines = [f"{trend.agency} 历年主要数据（{span}，共 {len(years)} 个年度）"]
    for f in KEY_FIGURES:
        values = "，".join(f"{y.year}年 {_cell(y, f.key)}" for y in trend.years)
        lines.append(f"• {f.label}：{values}")
    return lines + _notes(trend)
