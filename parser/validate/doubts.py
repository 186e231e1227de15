"""Cells read by OCR with doubt: no finding may rest on them (rules.md), the reply lists them instead.

A cell of a scan is doubtful unless the recogniser was confident *and* the table's sums agree
with it. So after reading:

1. a cell the recogniser flagged is corrected only where that is safe: its row total fails, and
   the one value that makes the row hold also makes both checks of its column hold (balance and
   outcome sum), two independent sums pointing at the same number. `Doubt.read` keeps what OCR
   read, `Doubt.corrected` the value used; the cell stays doubtful and is listed;
2. every cell of a sum that still fails on a scan becomes doubtful too (`Doubt.by_sum`): OCR can
   misread a digit with confidence, and a failing sum cannot say which of its cells is wrong;
3. a flagged cell whose row and column sums hold is `confirmed`: listed as a count only.

`unsure(report, paths)` is the one guard every check calls (arithmetic, prose, year over year).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parser.model import (
    APPLICANT_COLUMN_LABELS,
    APPLICANT_COLUMNS,
    LITIGATION_GROUP_LABELS,
    LITIGATION_GROUPS,
    OUTCOME_COLUMNS,
    Doubt,
    Report,
)

SIX = APPLICANT_COLUMNS[:-1]
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def doubtful_paths(report: Report) -> set[str]:
    return {d.path for d in report.doubtful}


def unsure(report: Report, paths: Iterable[str]) -> bool:
    """Whether any of the cells `paths` (applications.granted.total …) was read with doubt:
    a check over them gives no finding."""
    if not report.doubtful:
        return False
    doubtful = doubtful_paths(report)
    return any(p in doubtful for p in paths)


@dataclass(slots=True)
class Sum:
    """One sum of a table that fails as read: its cells, and how the reply names it."""

    cells: list[str]
    text: str
    page: int | None = None


def _v(value) -> int | float:
    return value or 0


def failing_sums(report: Report) -> list[Sum]:
    """The sums of tables 3 and 4 that do not hold as read (rows the reader did not find are left out)."""
    from parser.validate.arithmetic import leaf_rows, row_label, unread

    out: list[Sum] = []
    apps = report.applications
    if apps is not None and "applications" not in report.unreadable:

        def cell(row: str, column: str) -> int | float:
            return _v(getattr(getattr(apps, row), column))

        def page(row: str) -> int | None:
            src = report.sources.get(f"applications.{row}")
            return src.page if src else None

        for row in apps.rows():
            if unread(report, row) or all(v is None for v in getattr(apps, row).values()):
                continue
            parts = sum(cell(row, c) for c in SIX)
            if parts != cell(row, "total"):
                out.append(
                    Sum(
                        [f"applications.{row}.{c}" for c in APPLICANT_COLUMNS],
                        f"表三「{row_label(row)}」行：六类申请人之和 {_fmt(parts)} 与总计 "
                        f"{_fmt(cell(row, 'total'))} 不符",
                        page(row),
                    )
                )
        leaves = leaf_rows(apps)
        balance_ok = not any(unread(report, r) for r in BALANCE_ROWS)
        outcome_ok = not any(unread(report, r) for r in [*leaves, "total_processed"])
        for column in APPLICANT_COLUMNS:
            label = APPLICANT_COLUMN_LABELS[column]
            new, over, done, forward = (cell(r, column) for r in BALANCE_ROWS)
            if balance_ok and new + over != done + forward:
                out.append(
                    Sum(
                        [f"applications.{r}.{column}" for r in BALANCE_ROWS],
                        f"表三「{label}」列：第一项加第二项（{_fmt(new + over)}）与第三项加第四项"
                        f"（{_fmt(done + forward)}）不等",
                        page("total_processed"),
                    )
                )
            outcome = sum(cell(r, column) for r in leaves)
            if outcome_ok and outcome != done:
                out.append(
                    Sum(
                        [f"applications.{r}.{column}" for r in [*leaves, "total_processed"]],
                        f"表三「{label}」列：各项办理结果之和 {_fmt(outcome)} 与（七）总计 {_fmt(done)} 不符",
                        page("total_processed"),
                    )
                )
    lit = report.review_litigation
    if lit is not None and "review_litigation" not in report.unreadable:
        src = report.sources.get("review_litigation")
        for group in LITIGATION_GROUPS:
            counts = getattr(lit, group)
            if all(v is None for v in counts.values()):
                continue
            parts = sum(_v(getattr(counts, c)) for c in OUTCOME_COLUMNS[:-1])
            if parts != _v(counts.total):
                out.append(
                    Sum(
                        [f"review_litigation.{group}.{c}" for c in OUTCOME_COLUMNS],
                        f"表四「{LITIGATION_GROUP_LABELS[group]}」：各项之和 {_fmt(parts)} 与总计 "
                        f"{_fmt(_v(counts.total))} 不符",
                        src.page if src else None,
                    )
                )
    return out


def _column_sums(report: Report) -> list[Sum]:
    """Every column check of table 3, failing or not (`failing_sums` with all of them kept)."""
    from parser.validate.arithmetic import leaf_rows, unread

    apps = report.applications
    out: list[Sum] = []
    if apps is None:
        return out
    leaves = leaf_rows(apps)
    for column in APPLICANT_COLUMNS:
        if not any(unread(report, r) for r in BALANCE_ROWS):
            out.append(Sum([f"applications.{r}.{column}" for r in BALANCE_ROWS], ""))
        if not any(unread(report, r) for r in [*leaves, "total_processed"]):
            out.append(Sum([f"applications.{r}.{column}" for r in [*leaves, "total_processed"]], ""))
    return out


def _fmt(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _get(report: Report, path: str):
    table, row, column = path.split(".")
    counts = getattr(getattr(report, table), row, None)
    return getattr(counts, column, None) if counts is not None else None


def _set(report: Report, path: str, value) -> None:
    table, row, column = path.split(".")
    setattr(getattr(getattr(report, table), row), column, value)


def _safe_correction(report: Report, doubt: Doubt) -> int | None:
    """The value of a flagged table-3 cell that makes its row and both checks of its column hold, when
    the row fails as read and that value does so; else None."""
    table, row, column = (doubt.path.split(".") + ["", "", ""])[:3]
    apps = report.applications
    if table != "applications" or apps is None or getattr(apps, row, None) is None:
        return None
    if not any(doubt.path in s.cells for s in _column_sums(report)):
        return None  # no column check crosses it: the row alone cannot say which cell is wrong
    counts = getattr(apps, row)
    values = {c: _v(getattr(counts, c)) for c in APPLICANT_COLUMNS}
    parts = sum(values[c] for c in SIX)
    if parts == values["total"]:
        return None
    value = parts if column == "total" else values["total"] - (parts - values[column])
    if value < 0:
        return None
    read = getattr(counts, column)
    setattr(counts, column, value)
    through = [s for s in failing_sums(report) if doubt.path in s.cells]
    setattr(counts, column, read)
    return None if through else int(value)


def resolve_doubts(report: Report) -> None:
    """Corrections where safe, then every cell of a still failing sum made doubtful (scans only)."""
    if not report.ocr and not report.doubtful:
        return
    for doubt in report.doubtful:
        value = _safe_correction(report, doubt)
        if value is not None:
            _set(report, doubt.path, value)
            doubt.corrected = value
    fails = failing_sums(report) if report.ocr else []
    in_fail = {p for s in fails for p in s.cells}
    for doubt in report.doubtful:
        doubt.confirmed = (
            doubt.corrected is None and doubt.path not in in_fail and doubt.path.split(".")[0] != "active"
        )
    known = doubtful_paths(report)
    for s in fails:
        for path in s.cells:
            if path not in known:
                known.add(path)
                report.doubtful.append(Doubt(path=path, page=s.page, read=_get(report, path), by_sum=True))
