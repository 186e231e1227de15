"""Table arithmetic: the 勾稽关系 of table 3 (per column and per row) and the totals of table 4.

Where a row check and a column check fail at one cell, the cell that explains both is named with
the value that makes both hold (changing it must not break a check that held).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from parser.model import (
    APPLICANT_COLUMN_LABELS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    LITIGATION_GROUP_LABELS,
    LITIGATION_GROUPS,
    OTHER_SUBROWS,
    OUTCOME_COLUMN_LABELS,
    OUTCOME_COLUMNS,
    OUTCOME_ROWS,
    Applications,
    Report,
)
from parser.validate import Hit, once_per_run, rule
from parser.validate.doubts import unsure

SIX = APPLICANT_COLUMNS[:-1]
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def _row_labels() -> dict[str, str]:
    """「2.其他法律行政法规禁止公开」 → 「（三）不予公开 2.其他法律行政法规禁止公开」: a leaf named with its group."""
    labels, group = {}, ""
    for key, label in APPLICATION_ROWS.items():
        if " " in label:
            group = label.split(" ")[0]
        elif not label[0].isdigit():
            group = ""
        labels[key] = f"{group} {label}" if label[0].isdigit() and group else label
    labels["granted"] = "（一）予以公开"
    return labels


ROW_LABELS = _row_labels()


def row_label(key: str) -> str:
    return ROW_LABELS.get(key, key)


def _v(value: int | float | None) -> int:
    return int(value or 0)


def leaf_rows(apps: Applications) -> list[str]:
    """The outcome leaves summed into （七）总计: the （六） sub-rows when printed, else （六） as one row."""
    rows = apps.rows()
    has_subrows = any(k in rows for k in OTHER_SUBROWS)
    return [
        k
        for k in rows
        if k in OUTCOME_ROWS and (k not in OTHER_SUBROWS or has_subrows) and (k != "other" or not has_subrows)
    ]


def unread(report: Report, row: str) -> bool:
    """A row the table reader did not find at all: its blanks are unknown, not zeros."""
    counts = getattr(report.applications, row)
    if counts is None or "applications" in report.unreadable:
        return True
    # cheapest test first: most rows were read, and the scan of every source key is left for the rest
    return (
        f"applications.{row}" not in report.sources
        and all(v is None for v in counts.values())
        and any(k.startswith("applications.") for k in report.sources)
    )


@dataclass(slots=True)
class ColumnFail:
    kind: str  # "balance" | "outcome"
    column: str
    left: int  # 第一项加第二项 / the sum of the outcomes
    right: int  # 第三项加第四项 / （七）总计
    fixes: dict[str, int] = field(default_factory=dict)  # row → value that makes this check hold


@dataclass(slots=True)
class RowFail:
    row: str
    sum: int
    total: int
    fixes: dict[str, int] = field(default_factory=dict)  # column → value that makes this check hold


def _cell(apps: Applications, row: str, column: str) -> int:
    return _v(getattr(getattr(apps, row), column))


def _paths(rows, columns, table: str = "applications") -> list[str]:
    return [f"{table}.{r}.{c}" for r in rows for c in columns]


@dataclass(slots=True)
class UnfilledRow:
    row: str
    rule: str  # the check whose finding says it: APP-OUTCOME-SUM for （七）总计, else APP-BALANCE
    values: dict[str, int]  # column → the value the checks through the row give it


@once_per_run
def unfilled_row(report: Report) -> UnfilledRow | None:
    """A row of the balance left at 0 (or blank) in every column while the checks through it say what it
    holds — e.g. （七）总计 all 0 under outcome rows that hold numbers. One mistake: said once, at the row,
    not once per column. Only when exactly one row explains every failing column this way, with values
    that are whole counts adding up across the row; a row of zeros that the checks agree with (no
    requests at all) is no finding."""
    apps = report.applications_as_meant()
    if apps is None:
        return None
    leaves = leaf_rows(apps)
    balance_ok = not any(unread(report, r) for r in BALANCE_ROWS)
    outcome_ok = not any(unread(report, r) for r in [*leaves, "total_processed"])
    found = []
    for row in BALANCE_ROWS:
        if unread(report, row) or any(getattr(apps, row).values()):
            continue
        if unsure(report, _paths([row], APPLICANT_COLUMNS)):
            continue  # zeros OCR read with doubt may be a misreading, not a row left unfilled
        implied: dict[str, int] = {}
        for c in APPLICANT_COLUMNS:
            new, over, done, forward = (_cell(apps, r, c) for r in BALANCE_ROWS)
            options = set()
            if balance_ok:
                options.add(
                    {
                        "new_received": done + forward - over,
                        "carried_over": done + forward - new,
                        "total_processed": new + over - forward,
                        "carried_forward": new + over - done,
                    }[row]
                )
            if row == "total_processed" and outcome_ok:
                options.add(sum(_cell(apps, r, c) for r in leaves))
            if len(options) != 1:
                break  # no check through this cell, or the checks disagree: not just a row left unfilled
            implied[c] = options.pop()
        else:
            by_outcomes = row == "total_processed" and outcome_ok
            # the outcome rows are the parts of （七）总计: numbers there and 0 in the total is a row left
            # unfilled. The balance alone is weaker evidence (any of its four rows may be wrong): ask for
            # numbers in two applicant columns at least
            needed = 1 if by_outcomes else 2
            if (
                all(v >= 0 for v in implied.values())
                and sum(1 for c in SIX if implied[c]) >= needed
                and implied["total"] == sum(implied[c] for c in SIX)
            ):
                found.append(UnfilledRow(row, "APP-OUTCOME-SUM" if by_outcomes else "APP-BALANCE", implied))
    return found[0] if len(found) == 1 else None


@once_per_run
def meant(report: Report) -> Applications | None:
    """Table 3 as the checks use it: the report's meaning (an unfilled 总计 column taken from the row
    sums), and a row left unfilled taken from the checks through it (its finding says so, once)."""
    apps = report.applications_as_meant()
    gap = unfilled_row(report)
    if apps is None or gap is None:
        return apps
    apps = apps.model_copy(deep=True)
    row = getattr(apps, gap.row)
    for column, value in gap.values.items():
        setattr(row, column, value)
    return apps


def _unfilled_hit(report: Report, gap: UnfilledRow) -> Hit:
    label = row_label(gap.row)
    values = "、".join(f"{APPLICANT_COLUMN_LABELS[c]} {gap.values[c]}" for c in SIX if gap.values[c])
    if gap.rule == "APP-OUTCOME-SUM":
        why = f"而各项办理结果（（一）至（六））之和为 {gap.values['total']}"
    else:
        why = f"而按第一项加第二项等于第三项加第四项，该行应为 {gap.values['total']}"
    text = (
        f"表三「{label}」行各列均为 0 或空白，{why}：该行似未填写。"
        f"请填写该行（{values}，总计 {gap.values['total']}）；其余核对已按此进行。"
    )
    page, quote = _source(report, gap.row)
    return Hit(f"applications.{gap.row}", text, page, quote)


def _column_fails(apps: Applications, report: Report, columns=APPLICANT_COLUMNS) -> list[ColumnFail]:
    fails = []
    leaves = leaf_rows(apps)
    balance_ok = not any(unread(report, r) for r in BALANCE_ROWS)
    outcome_ok = not any(unread(report, r) for r in [*leaves, "total_processed"])
    for c in columns:
        new, over, done, forward = (_cell(apps, r, c) for r in BALANCE_ROWS)
        if balance_ok and new + over != done + forward and not unsure(report, _paths(BALANCE_ROWS, [c])):
            d = (done + forward) - (new + over)
            fails.append(
                ColumnFail(
                    "balance",
                    c,
                    new + over,
                    done + forward,
                    {
                        "new_received": new + d,
                        "carried_over": over + d,
                        "total_processed": done - d,
                        "carried_forward": forward - d,
                    },
                )
            )
        outcome = sum(_cell(apps, r, c) for r in leaves)
        if outcome_ok and outcome != done and not unsure(report, _paths([*leaves, "total_processed"], [c])):
            fixes = {r: _cell(apps, r, c) + done - outcome for r in leaves}
            fixes["total_processed"] = outcome
            fails.append(ColumnFail("outcome", c, outcome, done, fixes))
    return fails


def _row_fails(apps: Applications, report: Report, rows=None) -> list[RowFail]:
    fails = []
    for r in rows if rows is not None else apps.rows():
        if unread(report, r):
            continue
        counts = getattr(apps, r)
        if all(v is None for v in counts.values()):
            continue
        parts = sum(_cell(apps, r, c) for c in SIX)
        total = _v(counts.total)
        if parts != total and not unsure(report, _paths([r], APPLICANT_COLUMNS)):
            fixes = {c: _cell(apps, r, c) + total - parts for c in SIX}
            fixes["total"] = parts
            fails.append(RowFail(r, parts, total, fixes))
    return fails


@once_per_run
def culprits(report: Report) -> dict[tuple[str, str], int]:
    """(row, column) → the value that makes the failing row and column checks through that cell hold."""
    apps = meant(report)
    if apps is None:
        return {}
    cols, rows = _column_fails(apps, report), _row_fails(apps, report)
    found: dict[tuple[str, str], int] = {}
    for rf in rows:
        for cf in cols:
            value = cf.fixes.get(rf.row)
            if value is None or value < 0 or rf.fixes.get(cf.column) != value:
                continue
            trial = apps.model_copy(deep=True)
            setattr(getattr(trial, rf.row), cf.column, value)
            if not _row_fails(trial, report, [rf.row]) and not [
                f for f in _column_fails(trial, report, [cf.column]) if rf.row in f.fixes
            ]:
                found[(rf.row, cf.column)] = value
    return found


def _culprit_text(apps: Applications, cell: tuple[str, str], value: int) -> str:
    row, column = cell
    now = _cell(apps, row, column)
    return (
        f"最可能出错的是「{row_label(row)}」行「{APPLICANT_COLUMN_LABELS[column]}」列的 {now}："
        f"改为 {value} 后，该行总计与该列勾稽关系均成立。"
    )


def _source(report: Report, row: str) -> tuple[int | None, str | None]:
    src = report.sources.get(f"applications.{row}")
    return (src.page, src.quote) if src else (None, None)


def _column_hits(report: Report, kind: str) -> Iterator[Hit]:
    gap = unfilled_row(report)
    if gap is not None and gap.rule == ("APP-BALANCE" if kind == "balance" else "APP-OUTCOME-SUM"):
        yield _unfilled_hit(report, gap)
    apps = meant(report)
    if apps is None:
        return
    blame = culprits(report)
    for cf in _column_fails(apps, report):
        if cf.kind != kind:
            continue
        if any(cell[1] == cf.column and cell[0] in cf.fixes for cell in blame):
            continue  # one wrong cell: said once, by the row it stands in (APP-ROW-TOTAL)
        col = APPLICANT_COLUMN_LABELS[cf.column]
        new, over, done, forward = (_cell(apps, r, cf.column) for r in BALANCE_ROWS)
        if kind == "balance":
            text = (
                f"表三「{col}」列：第一项加第二项（{new}+{over}={cf.left}）不等于第三项加第四项"
                f"（{done}+{forward}={cf.right}），相差 {abs(cf.left - cf.right)}。"
            )
            hint = (
                f"若新收、上年结转和结转下年度无误，（七）总计应为 {cf.left - forward}。"
                if cf.left - forward >= 0
                else "请核对本列的新收、上年结转、（七）总计和结转下年度。"
            )
        else:
            text = f"表三「{col}」列：各项办理结果（（一）至（六））之和为 {cf.left}，与（七）总计 {cf.right} 不符。"
            hint = f"若各项办理结果无误，（七）总计应为 {cf.left}。"
        mine = [(cell, v) for cell, v in blame.items() if cell[1] == cf.column and cell[0] in cf.fixes]
        text += _culprit_text(apps, *mine[0]) if mine else hint
        page, quote = _source(report, mine[0][0][0] if mine else "total_processed")
        yield Hit(f"applications.{cf.column}", text, page, quote)


@rule("APP-BALANCE", "error")
def app_balance(report: Report) -> Iterator[Hit]:
    yield from _column_hits(report, "balance")


@rule("APP-OUTCOME-SUM", "error")
def app_outcome_sum(report: Report) -> Iterator[Hit]:
    yield from _column_hits(report, "outcome")


@rule("APP-ROW-TOTAL", "error")
def app_row_total(report: Report) -> Iterator[Hit]:
    if report.totals_from_rows():
        yield _unfilled_total_column(report)
        return
    apps = meant(report)
    if apps is None:
        return
    blame = culprits(report)
    columns = _column_fails(apps, report)
    for rf in _row_fails(apps, report):
        text = f"表三「{row_label(rf.row)}」行：六类申请人之和为 {rf.sum}，与总计 {rf.total} 不符。"
        mine = [(cell, v) for cell, v in blame.items() if cell[0] == rf.row]
        if mine:
            (_, column), _ = mine[0]
            crossing = [cf for cf in columns if cf.column == column and rf.row in cf.fixes]
            text += "".join(_column_text(apps, cf) for cf in crossing) + _culprit_text(apps, *mine[0])
        else:
            text += f"若各类申请人数字无误，总计应为 {rf.sum}。"
        page, quote = _source(report, rf.row)
        yield Hit(f"applications.{rf.row}", text, page, quote)


def _column_text(apps: Applications, cf: ColumnFail) -> str:
    """The column check a wrong cell also breaks, in a clause of the row's finding."""
    col = APPLICANT_COLUMN_LABELS[cf.column]
    if cf.kind == "balance":
        return f"「{col}」列第一项加第二项（{cf.left}）也不等于第三项加第四项（{cf.right}）。"
    return f"「{col}」列各项办理结果之和 {cf.left} 也与（七）总计 {cf.right} 不符。"


def _unfilled_total_column(report: Report) -> Hit:
    """The 总计 column left at 0 or blank in every row: one finding, the other checks use the row sums."""
    apps = report.applications_as_meant()
    assert apps is not None
    received = _v(apps.new_received.total)
    text = (
        "表三「总计」列未填写：各行的总计均为 0 或空白，而各类申请人列填有数字"
        f"（如「本年新收政府信息公开申请数量」六类申请人之和为 {received}）。"
        "请按每行六类申请人之和填写总计；其余核对已按各行之和进行。"
    )
    page, quote = _source(report, "new_received")
    return Hit("applications.total", text, page, quote)


@rule("LIT-TOTAL", "error")
def lit_total(report: Report) -> Iterator[Hit]:
    table = report.review_litigation
    if table is None:
        return
    src = report.sources.get("review_litigation")
    for group in LITIGATION_GROUPS:
        counts = getattr(table, group)
        if all(v is None for v in counts.values()):
            continue
        parts = [
            (OUTCOME_COLUMN_LABELS[c], _v(getattr(counts, c)))
            for c in ("maintained", "corrected", "other", "pending")
        ]
        total = sum(v for _, v in parts)
        if total == _v(counts.total) or unsure(report, _paths([group], OUTCOME_COLUMNS, "review_litigation")):
            continue
        terms = " + ".join(f"{label} {v}" for label, v in parts)
        text = (
            f"表四「{LITIGATION_GROUP_LABELS[group]}」：{terms} = {total}，与总计 {_v(counts.total)} 不符。"
            f"若各项无误，总计应为 {total}。"
        )
        yield Hit(f"review_litigation.{group}", text, src.page if src else None, src.quote if src else None)
