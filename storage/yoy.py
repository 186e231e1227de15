"""The year-over-year rules of rules.md: this year's report against last year's of the same agency."""

from __future__ import annotations

import unicodedata

from parser.model import APPLICANT_COLUMN_LABELS, APPLICANT_COLUMNS, Active2021, Finding, Report
from parser.validate.doubts import unsure

YOY_RULES = ("YOY-CARRY", "YOY-IN-FORCE", "YOY-REUSE")
REUSE_RUN = 12
REUSE_SHARE = 0.5


def check_yoy(previous: Report, current: Report) -> list[Finding]:
    """All YOY findings of `current` against `previous` (the year before)."""
    return [*yoy_carry(previous, current), *yoy_in_force(previous, current), *yoy_reuse(previous, current)]


def _fact_value(report: Report, kind: str) -> float | None:
    for fact in report.facts:
        if fact.kind == kind and not fact.approx:
            return fact.value
    return None


def _n(value: float | None) -> float:
    return value or 0


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def yoy_carry(previous: Report, current: Report) -> list[Finding]:
    """YOY-CARRY: last year's carried_forward must equal this year's carried_over, column by column.

    A year without table 3 contributes the total its prose states (carried_forward / carried_over);
    then only totals are compared.
    """
    if previous.applications is not None:
        before = {c: getattr(previous.applications.carried_forward, c) for c in APPLICANT_COLUMNS}
        before_from_text = False
    else:
        fact = _fact_value(previous, "carried_forward")
        if fact is None:
            return []
        before, before_from_text = {"total": fact}, True
    if current.applications is not None:
        now = {c: getattr(current.applications.carried_over, c) for c in APPLICANT_COLUMNS}
        now_from_text = False
    else:
        fact = _fact_value(current, "carried_over")
        if fact is None:
            return []
        now, now_from_text = {"total": fact}, True
    columns = [c for c in APPLICANT_COLUMNS if c in before and c in now]
    source = current.sources.get("applications.carried_over")
    findings = []
    for col in columns:
        a, b = _n(before[col]), _n(now[col])
        if a == b or unsure(previous, [f"applications.carried_forward.{col}"]) or unsure(
                current, [f"applications.carried_over.{col}"]):
            continue  # a scan's cell read with doubt decides nothing
        col_label = "" if col == "total" else f"（{APPLICANT_COLUMN_LABELS[col]}）"
        said_before = "正文所述" if before_from_text else "表三“结转下年度继续办理”"
        said_now = "正文所述" if now_from_text else "表三“上年结转政府信息公开申请数量”"
        findings.append(Finding(
            rule="YOY-CARRY", severity="error", where=f"applications.carried_over.{col}",
            message=(f"上年结转数与上一年度报告不一致{col_label}：{previous.year}年度报告{said_before}为 {_fmt(a)} 件，"
                     f"本年度报告{said_now}为 {_fmt(b)} 件，两者应相等。"),
            page=source.page if source and not now_from_text else None,
            quote=(source.quote or None) if source and not now_from_text else None,
        ))
    return findings


def yoy_in_force(previous: Report, current: Report) -> list[Finding]:
    """YOY-IN-FORCE: last year's in_force + this year's issued − repealed must give this year's in_force."""
    if previous.template != "2021" or current.template != "2021":
        return []
    if not isinstance(previous.active, Active2021) or not isinstance(current.active, Active2021):
        return []
    findings = []
    for item, name in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        before = getattr(previous.active, item)
        now = getattr(current.active, item)
        expected = _n(before.in_force) + _n(now.issued) - _n(now.repealed)
        if expected == _n(now.in_force) or unsure(previous, [f"active.{item}.in_force"]) or unsure(
                current, [f"active.{item}.{c}" for c in ("issued", "repealed", "in_force")]):
            continue
        source = current.sources.get(f"active.{item}")
        findings.append(Finding(
            rule="YOY-IN-FORCE", severity="warning", where=f"active.{item}",
            message=(f"{name}现行有效件数与上一年度衔接不上：{previous.year}年度现行有效 {_fmt(_n(before.in_force))} 件，"
                     f"本年制发 {_fmt(_n(now.issued))} 件、废止 {_fmt(_n(now.repealed))} 件，"
                     f"应为 {_fmt(expected)} 件，本年度报告为 {_fmt(_n(now.in_force))} 件。"),
            page=source.page if source else None,
            quote=(source.quote or None) if source else None,
        ))
    return findings


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
    grams = {prev[i:i + run] for i in range(len(prev) - run + 1)}
    marked = [False] * len(cur)
    for i in range(len(cur) - run + 1):
        if cur[i:i + run] in grams:
            for j in range(i, i + run):
                marked[j] = True
    return sum(marked) / len(cur)


def yoy_reuse(previous: Report, current: Report) -> list[Finding]:
    """YOY-REUSE: section 五 largely repeats last year's."""
    share = reuse_share(previous.section_text("problems"), current.section_text("problems"))
    if share < REUSE_SHARE:
        return []
    page = next((p.page for p in current.paragraphs if p.section == "problems"), None)
    return [Finding(
        rule="YOY-REUSE", severity="warning", where="problems",
        message=(f"第五部分“存在的主要问题及改进情况”与{previous.year}年度报告大量雷同："
                 f"约 {share * 100:.0f}% 的文字与上一年度相同，年度报告格式要求不得年年雷同。"),
        page=page,
    )]
