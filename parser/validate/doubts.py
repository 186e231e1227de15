"""Cells OCR could not read with confidence: prefer the reading that makes the sums hold.

A doubtful cell whose row total fails is given the value the total implies, when that value also
leaves no more column checks failing than before; the cell keeps what OCR read in
`Doubt.read`, the value used goes to `Doubt.corrected`, and the reply says so. Everything else stays as
read: only sums decide, never guesses.
"""

from __future__ import annotations

from parser.model import APPLICANT_COLUMNS, OUTCOME_COLUMNS, OUTCOME_ROWS, Report


def _column_failures(report: Report, columns: tuple[str, ...] = APPLICANT_COLUMNS) -> int:
    """How many table-3 column checks (balance, outcomes to 总计) fail in `columns`."""
    count = 0
    apps = report.applications
    if apps is not None:
        outcomes = [row for key, row in apps.rows().items() if key in OUTCOME_ROWS]
        for column in columns:
            def cell(row, column=column):
                return getattr(row, column) or 0
            new, old = cell(apps.new_received), cell(apps.carried_over)
            closed, forward = cell(apps.total_processed), cell(apps.carried_forward)
            count += new + old != closed + forward
            count += sum(cell(row) for row in outcomes) != closed
    return count


def _implied(row, column: str, total_column: str, parts: tuple[str, ...]) -> int | None:
    """The value of `column` that makes the row's total hold."""
    values = {c: getattr(row, c) or 0 for c in parts + (total_column,)}
    if sum(values[c] for c in parts) == values[total_column]:
        return None  # the row adds up already
    if column == total_column:
        return sum(values[c] for c in parts)
    value = values[total_column] - sum(values[c] for c in parts if c != column)
    return value if value >= 0 else None


def resolve_doubts(report: Report) -> None:
    for doubt in report.doubtful:
        table, row_key, column = (doubt.path.split(".") + ["", "", ""])[:3]
        if table == "applications" and report.applications is not None:
            row = getattr(report.applications, row_key, None)
            parts = APPLICANT_COLUMNS[:-1]
        elif table == "review_litigation" and report.review_litigation is not None:
            row = getattr(report.review_litigation, row_key, None)
            parts = OUTCOME_COLUMNS[:-1]
        else:
            continue
        if row is None:
            continue
        value = _implied(row, column, "total", parts)
        if value is not None:
            before = _column_failures(report)
            read = getattr(row, column)
            setattr(row, column, value)
            if _column_failures(report) > before:
                setattr(row, column, read)  # the row's reading would break a column: keep what was read
            else:
                doubt.corrected = value
        own_column = (column,) if table == "applications" else ()
        doubt.confirmed = _implied(row, column, "total", parts) is None and not _column_failures(report, own_column)
