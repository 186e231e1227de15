"""The year-over-year rules of rules.md: this year's report against last year's of the same agency.

Registered like the validator's rules (parser/validate `@rule`): each is a function of (previous, current)
yielding `Hit`s, registered with `@yoy_rule(id, severity)`; `check_yoy` runs them all in registration
order, and `is_yoy` tells the store which findings are its own (redone whenever last year's report changes).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from parser.model import APPLICANT_COLUMN_LABELS, APPLICANT_COLUMNS, Active2021, Finding, Report, Severity
from parser.validate import Hit
from parser.validate.arithmetic import meant, unread
from parser.validate.doubts import unsure

REUSE_RUN = 12
REUSE_SHARE = 0.5
SAME_DATA_CELLS = 5  # non-zero cells a table needs before repeating last year's is telling

YoyCheck = Callable[[Report, Report], Iterable[Hit]]


@dataclass(slots=True)
class YoyRule:
    id: str
    severity: Severity
    check: YoyCheck

    def __call__(self, previous: Report, current: Report) -> list[Finding]:
        return [hit.finding(self.id, self.severity) for hit in self.check(previous, current)]


YOY_RULES: list[YoyRule] = []


def yoy_rule(rule_id: str, severity: Severity) -> Callable[[YoyCheck], YoyRule]:
    """Register a year-over-year rule; the decorated name becomes the rule, called as (previous, current)."""

    def register(check: YoyCheck) -> YoyRule:
        registered = YoyRule(rule_id, severity, check)
        YOY_RULES.append(registered)
        return registered

    return register


def is_yoy(finding: Finding) -> bool:
    return any(finding.rule == r.id for r in YOY_RULES)


def without_yoy(findings: list[Finding]) -> list[Finding]:
    """A report's own findings, the store's year-over-year ones left out (they are redone)."""
    return [f for f in findings if not is_yoy(f)]


def check_yoy(previous: Report, current: Report) -> list[Finding]:
    """All YOY findings of `current` against `previous` (the year before)."""
    return [finding for r in YOY_RULES for finding in r(previous, current)]


def _fact_value(report: Report, kind: str) -> float | None:
    for fact in report.facts:
        if fact.kind == kind and not fact.approx:
            return fact.value
    return None


def _n(value: float | None) -> float:
    return value or 0


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@yoy_rule("YOY-CARRY", "error")
def yoy_carry(previous: Report, current: Report) -> Iterable[Hit]:
    """YOY-CARRY: last year's carried_forward must equal this year's carried_over, column by column.

    A year without table 3 contributes the total its prose states (carried_forward / carried_over);
    then only totals are compared. A table 3 repeating last year's is one finding (YOY-SAME-DATA), not this too.
    """
    if repeated_cells(previous, current, "applications") is not None:
        return
    # an unfilled 总计 column is taken from the row sums in both years (rules.md, APP-ROW-TOTAL)
    last, this = meant(previous), meant(current)
    # a row the table reader did not find is unknown, not zeros: it decides nothing (its prose may)
    if last is not None and unread(previous, "carried_forward"):
        last = None
    if this is not None and unread(current, "carried_over"):
        this = None
    if last is not None:
        before = {c: getattr(last.carried_forward, c) for c in APPLICANT_COLUMNS}
        before_from_text = False
    else:
        fact = _fact_value(previous, "carried_forward")
        if fact is None:
            return
        before, before_from_text = {"total": fact}, True
    if this is not None:
        now = {c: getattr(this.carried_over, c) for c in APPLICANT_COLUMNS}
        now_from_text = False
    else:
        fact = _fact_value(current, "carried_over")
        if fact is None:
            return
        now, now_from_text = {"total": fact}, True
    columns = [c for c in APPLICANT_COLUMNS if c in before and c in now]
    source = current.sources.get("applications.carried_over")
    for col in columns:
        a, b = _n(before[col]), _n(now[col])
        if (
            a == b
            or unsure(previous, [f"applications.carried_forward.{col}"])
            or unsure(current, [f"applications.carried_over.{col}"])
        ):
            continue  # a scan's cell read with doubt decides nothing
        col_label = "" if col == "total" else f"（{APPLICANT_COLUMN_LABELS[col]}）"
        said_before = "正文所述" if before_from_text else "表三“结转下年度继续办理”"
        said_now = "正文所述" if now_from_text else "表三“上年结转政府信息公开申请数量”"
        yield Hit(
            f"applications.carried_over.{col}",
            f"上年结转数与上一年度报告不一致{col_label}：{previous.year}年度报告{said_before}为 {_fmt(a)} 件，"
            f"本年度报告{said_now}为 {_fmt(b)} 件，两者应相等。",
            source.page if source and not now_from_text else None,
            (source.quote or None) if source and not now_from_text else None,
        )


@yoy_rule("YOY-IN-FORCE", "warning")
def yoy_in_force(previous: Report, current: Report) -> Iterable[Hit]:
    """YOY-IN-FORCE: last year's in_force + this year's issued − repealed must give this year's in_force."""
    if previous.template != "2021" or current.template != "2021":
        return
    if not isinstance(previous.active, Active2021) or not isinstance(current.active, Active2021):
        return
    if repeated_cells(previous, current, "active") is not None:
        return  # last year's table 2 again: YOY-SAME-DATA says so
    for item, name in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        before = getattr(previous.active, item)
        now = getattr(current.active, item)
        expected = _n(before.in_force) + _n(now.issued) - _n(now.repealed)
        if (
            expected == _n(now.in_force)
            or unsure(previous, [f"active.{item}.in_force"])
            or unsure(current, [f"active.{item}.{c}" for c in ("issued", "repealed", "in_force")])
        ):
            continue
        source = current.sources.get(f"active.{item}")
        yield Hit(
            f"active.{item}",
            f"{name}现行有效件数与上一年度衔接不上：{previous.year}年度现行有效 {_fmt(_n(before.in_force))} 件，"
            f"本年制发 {_fmt(_n(now.issued))} 件、废止 {_fmt(_n(now.repealed))} 件，"
            f"应为 {_fmt(expected)} 件，本年度报告为 {_fmt(_n(now.in_force))} 件。",
            source.page if source else None,
            (source.quote or None) if source else None,
        )


_TABLE_NAMES = {
    "active": "表二“主动公开政府信息情况”",
    "applications": "表三“收到和处理政府信息公开申请情况”",
}


def _values(report: Report, table: str) -> Iterator[float] | None:
    """The table's cells in the order of its fields, blanks as 0; None when absent or not read."""
    model = getattr(report, table)
    if model is None or table in report.unreadable:
        return None
    if table == "applications":
        rows = list(model.rows().values())
    else:
        rows = [getattr(model, item) for item in type(model).model_fields]
    return (_n(getattr(row, col)) for row in rows for col in type(row).model_fields)


def repeated_cells(previous: Report, current: Report, table: str) -> int | None:
    """How many non-zero cells `table` repeats when it holds last year's figures cell for cell, else None."""
    if type(getattr(previous, table)) is not type(getattr(current, table)):
        return None  # another layout (2019 against 2021): nothing to compare cell for cell
    before, now = _values(previous, table), _values(current, table)
    if before is None or now is None:
        return None
    filled = 0
    for old, new in zip(before, now, strict=True):  # one layout: the same cells in the same order
        if old != new:
            return None  # nearly always at one of the first cells
        filled += bool(new)
    return filled if filled >= SAME_DATA_CELLS else None


@yoy_rule("YOY-SAME-DATA", "warning")
def yoy_same_data(previous: Report, current: Report) -> Iterable[Hit]:
    """YOY-SAME-DATA: a table repeating last year's figures cell for cell (statistics reused)."""
    for table in ("applications", "active"):
        filled = repeated_cells(previous, current, table)
        if filled is None:
            continue
        src = current.sources.get(f"section.{table}")
        yield Hit(
            table,
            f"{_TABLE_NAMES[table]}的数字与{previous.year}年度报告完全相同（含 {filled} 个非零数字），"
            f"可能沿用了上一年度的统计数据，请核实本年度数据。",
            src.page if src else None,
        )


def reuse_text(text: str) -> str:
    """Section text as YOY-REUSE compares it: no white space, punctuation, symbols or digits."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "PSZC" or cat in ("Nd", "No") or ch.isspace():
            continue
        out.append(ch)
    return "".join(out)


def reuse_share(previous_text: str, current_text: str, run: int = REUSE_RUN) -> float:
    """Share of this year's characters lying in a run of `run` characters also found last year."""
    prev, cur = reuse_text(previous_text), reuse_text(current_text)
    if not cur or len(prev) < run or len(cur) < run:
        return 0.0
    grams = {prev[i : i + run] for i in range(len(prev) - run + 1)}
    marked = [False] * len(cur)
    for i in range(len(cur) - run + 1):
        if cur[i : i + run] in grams:
            for j in range(i, i + run):
                marked[j] = True
    return sum(marked) / len(cur)


@yoy_rule("YOY-REUSE", "warning")
def yoy_reuse(previous: Report, current: Report) -> Iterable[Hit]:
    """YOY-REUSE: section 五 largely repeats last year's."""
    share = reuse_share(previous.section_text("problems"), current.section_text("problems"))
    if share < REUSE_SHARE:
        return
    page = next((p.page for p in current.paragraphs if p.section == "problems"), None)
    yield Hit(
        "problems",
        f"第五部分“存在的主要问题及改进情况”与{previous.year}年度报告大量雷同："
        f"约 {share * 100:.0f}% 的文字与上一年度相同，年度报告格式要求不得年年雷同。",
        page,
    )
