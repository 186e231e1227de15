"""Text against numbers: prose quantities against the tables, stated totals against their parts, shares
against the counts they are of. All read `report.facts` (see parser/facts.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parser.model import Fact, Report, cell_label
from parser.quantities import interval, slack
from parser.validate import Hit, rule
from parser.validate.arithmetic import meant, unfilled_row, unread
from parser.validate.doubts import unsure
from parser.validate.structure import section_name


def fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def excerpt(sentence: str, anchor: str, width: int = 56) -> str:
    """A piece of `sentence` around `anchor`, short enough to quote in a chat message."""
    text = " ".join(sentence.split())
    pos = max(text.find(anchor), 0) if anchor else 0
    start = max(0, min(pos - 12, len(text) - width))
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _anchor(sentence: str, fact: Fact) -> str:
    if fact.label and fact.label[:6] in sentence:
        return fact.label[:6]
    m = re.search(rf"(?<!\d){re.escape(fmt(fact.value))}", sentence)
    return m.group(0) if m else ""


def _within(fact: Fact, n: int) -> bool:
    lo, hi = interval(fact.value, fact.approx)
    return lo <= n <= hi


def _stated(fact: Fact) -> str:
    return f"{fact.label}{'约' if fact.approx else ''} {fmt(fact.value)} {fact.unit or ''}".strip()


def active_cell(report: Report, path: str) -> float | None:
    """A table 2 cell as read: None when the table, the row or the cell is not there, or OCR doubts it."""
    _, item, column = path.split(".")
    row = getattr(report.active, item, None) if "active" not in report.unreadable else None
    if row is None or column not in type(row).model_fields:
        return None  # 2019's table 2 has no 本年制发 column
    if any(d.path == path and not d.confirmed for d in report.doubtful):
        return None
    return getattr(row, column)


# the prose facts about each row of table 3's balance
_ROW_FACTS = {
    "new_received": ("received",),
    "carried_over": ("carried_over", "received"),
    "total_processed": ("closed",),
    "carried_forward": ("carried_forward", "all_closed"),
}


@rule("TEXT-TABLE", "warning")
def text_table(report: Report) -> Iterator[Hit]:
    # an unfilled 总计 column: row sums; a row left unfilled: what the checks through it give (said once)
    apps, lit = meant(report), report.review_litigation

    def total(row: str) -> int | None:
        if apps is None or unread(report, row) or unsure(report, [f"applications.{row}.total"]):
            return None
        return getattr(apps, row).total or 0

    gap = unfilled_row(report)
    for f in report.facts:
        where = f.section or "overview"
        if gap is not None and f.kind in _ROW_FACTS[gap.row] and (f.kind == "all_closed" or _within(f, 0)):
            continue  # the prose agrees with the row as printed (left at 0): that row's finding says it
        if f.kind == "received":
            new, over = total("new_received"), total("carried_over")
            if new is None or _within(f, new) or (over is not None and _within(f, new + over)):
                continue
            both = f"（加上年结转 {over} 件共 {new + over} 件）" if over else ""
            table = f"表三「本年新收政府信息公开申请数量」总计为 {new} 件{both}"
        elif f.kind in ("carried_over", "carried_forward", "closed"):
            row = {"closed": "total_processed"}.get(f.kind, f.kind)
            n = total(row)
            if n is None or _within(f, n):
                continue
            table = {
                "carried_over": f"表三「二、上年结转政府信息公开申请数量」总计为 {n} 件",
                "carried_forward": f"表三「四、结转下年度继续办理」总计为 {n} 件",
                "closed": f"表三办理结果「（七）总计」为 {n} 件",
            }[f.kind]
        elif f.kind in ("reviews", "lawsuits") and lit is not None:
            groups = (
                [lit.review] if f.kind == "reviews" else [lit.litigation_direct, lit.litigation_after_review]
            )
            if all(v is None for g in groups for v in g.values()):
                continue  # a table 4 whose numbers could not be placed: nothing to compare with
            names = ["review"] if f.kind == "reviews" else ["litigation_direct", "litigation_after_review"]
            if unsure(report, [f"review_litigation.{g}.total" for g in names]):
                continue
            if f.kind == "reviews":
                n = lit.review.total or 0
                table = f"表四行政复议总计为 {n} 件"
            else:
                a, b = lit.litigation_direct.total or 0, lit.litigation_after_review.total or 0
                n = a + b
                table = f"表四行政诉讼总计为 {n} 件（未经复议直接起诉 {a} 件，复议后起诉 {b} 件）"
            if _within(f, n):
                continue
        elif f.kind == "all_closed":
            n = total("carried_forward")
            if not n:
                continue
            message = (
                f"{section_name(f.section)}中写“{f.label}”，但表三「四、结转下年度继续办理」总计为 {n} 件，"
                f"即仍有 {n} 件申请结转下年度办理，两者不一致。"
            )
            yield Hit(where, message, f.page, excerpt(f.sentence, f.label))
            continue
        elif f.kind.startswith("active."):
            n = active_cell(report, f.kind)
            if n is None or _within(f, n):
                continue
            table = f"表二「{cell_label(f.kind)}」为 {fmt(n)} 件"
        else:
            continue
        message = f"{section_name(f.section)}中写“{_stated(f)}”，但{table}，两者不一致。"
        yield Hit(where, message, f.page, excerpt(f.sentence, _anchor(f.sentence, f)))


def _partitions(parts: list[float], total: float) -> bool:
    """The parts are several breakdowns of one total in a row (by applicant, then by outcome…)."""
    if total <= 0:
        return False
    run, groups = 0.0, 0
    for p in parts:
        run += p
        if run == total:
            run, groups = 0.0, groups + 1
        elif run > total:
            return False
    return run == 0 and groups >= 2


@rule("TEXT-SUM", "warning")
def text_sum(report: Report) -> Iterator[Hit]:
    for f in report.facts:
        if f.kind != "total" or len(f.parts) < 2:
            continue
        lo, hi = interval(f.value, f.approx)
        spans = [interval(p, f.parts_approx) for p in f.parts]
        plo, phi = sum(s[0] for s in spans), sum(s[1] for s in spans)
        if plo <= hi and phi >= lo:
            continue
        if not f.approx and not f.parts_approx and _partitions(f.parts, f.value):
            continue
        unit = f.unit or ""
        terms = "+".join(fmt(p) for p in f.parts)
        stated = _stated(f)
        if f.approx or f.parts_approx:
            detail = f"相差超出“余/约”所允许的范围（约 {fmt(slack(f.value))}）"
        else:
            detail = f"两者相差 {fmt(abs(sum(f.parts) - f.value))} {unit}"
        message = (
            f"{section_name(f.section)}中写“{stated}”，但其后列出的各项 {terms} 合计 "
            f"{fmt(sum(f.parts))} {unit}，{detail}。请核对总数或各分项。"
        )
        yield Hit(f.section or "overview", message, f.page, excerpt(f.sentence, _anchor(f.sentence, f)))


@rule("TEXT-PERCENT", "warning")
def text_percent(report: Report) -> Iterator[Hit]:
    for f in report.facts:
        if f.kind != "share" or f.share is None or not f.of:
            continue
        decimals = len(fmt(f.share).partition(".")[2])
        tolerance = 10.0**-decimals  # rounded or cut off at the last printed digit
        nlo, nhi = interval(f.value, f.approx)
        dlo, dhi = interval(f.of, f.approx)
        if f.approx:
            tolerance += 1.0
        low = 100 * max(nlo, 0) / dhi
        high = 100 * nhi / dlo if dlo > 0 else 100.0
        if low - tolerance <= f.share <= high + tolerance:
            continue
        unit = f.unit or ""
        true = 100 * f.value / f.of
        message = (
            f"{section_name(f.section)}中写的比例 {fmt(f.share)}% 与文中数字不符：{f.label or '该项'} "
            f"{fmt(f.value)} {unit}占 {fmt(f.of)} {unit}的 {true:.1f}%，而非 {fmt(f.share)}%。"
        )
        yield Hit(
            f.section or "overview",
            message,
            f.page,
            excerpt(
                f.sentence, f"{fmt(f.share)}%" if f"{fmt(f.share)}%" in f.sentence else _anchor(f.sentence, f)
            ),
        )
