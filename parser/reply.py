"""The reply a clerk reads in ten seconds: who, which year, key figures, then the findings.

One formatter for the CLI and the bot: plain text, split into messages of at most 4096 characters
(Telegram's limit) on line boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parser.comparison import Comparison, ComparisonRow
from parser.errors import ReportError
from parser.model import (
    SECTION_TITLES,
    Active2019,
    Active2021,
    Finding,
    Report,
    cell_label,
)
from parser.validate.arithmetic import meant, row_label, unfilled_row

LIMIT = 4096
TEMPLATE_NAMES = {
    "2021": "2021 年版（国办公开办函〔2021〕30号）",
    "2019": "2019 年版（国办公开办函〔2019〕60号）",
}
_PLACES = {"applications": "表三", "review_litigation": "表四", "active": "表二"}
_FIELDS = {"template": "报告格式", "year": "报告年度", "published": "落款日期"}


def _n(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) and value != int(value) else str(int(value))


def _sum(*values: int | None) -> int:
    return sum(v or 0 for v in values)


def place(finding: Finding) -> str:
    """「（表三，第4页）」: where to look, leaving out what the message already names."""
    head = finding.where.split(".")[0]
    name = _PLACES.get(head) or SECTION_TITLES.get(head) or _FIELDS.get(head, head)
    parts = [] if name.split("、", 1)[-1] in finding.message else [name]
    if finding.page:
        parts.append(f"第{finding.page}页")
    return f"（{'，'.join(parts)}）" if parts else ""


def key_figures(report: Report) -> list[str]:
    lines = []
    active = report.active
    if isinstance(active, Active2021):
        lines.append(
            f"主动公开：制发规章 {_n(active.rules.issued)} 件、规范性文件 {_n(active.normative_documents.issued)} 件；"
            f"行政许可 {_n(active.licensing.decisions)}、行政处罚 {_n(active.penalty.decisions)}、"
            f"行政强制 {_n(active.coercion.decisions)}；收费 {_n(active.fees.amount)} 万元"
        )
    elif isinstance(active, Active2019):
        lines.append(
            f"主动公开：新制作规章 {_n(active.rules.made)} 件、规范性文件 {_n(active.normative_documents.made)} 件；"
            f"行政许可 {_n(active.licensing.decisions)}、行政处罚 {_n(active.penalty.decisions)}、"
            f"行政强制 {_n(active.coercion.decisions)}"
        )
    else:
        lines.append("主动公开（表二）：未找到")
    apps = meant(report)
    if apps is not None:
        # an unfilled 总计 column or a row left unfilled: the figures are what the checks give, and the line says so
        gap = unfilled_row(report)
        how = (
            "（表三总计栏未填写，以下按各列之和）"
            if report.totals_from_rows()
            else f"（表三「{row_label(gap.row)}」行未填写，以下按核对结果）"
            if gap
            else ""
        )
        lines.append(
            f"依申请公开{how}：新收申请 {_n(apps.new_received.total)} 件，上年结转 {_n(apps.carried_over.total)} 件，"
            f"办结 {_n(apps.total_processed.total)} 件（予以公开 {_n(apps.granted.total)} 件），"
            f"结转下年 {_n(apps.carried_forward.total)} 件"
        )
    else:
        lines.append("依申请公开（表三）：未找到")
    lit = report.review_litigation
    if lit is not None:
        lines.append(
            f"行政复议 {_n(lit.review.total)} 件，行政诉讼 "
            f"{_sum(lit.litigation_direct.total, lit.litigation_after_review.total)} 件"
        )
    else:
        lines.append("行政复议、行政诉讼（表四）：未找到")
    return lines


def _percent(value: float) -> str:
    """+12.5%, −40%, +2,988,220%: signed, at most one decimal, thousands grouped."""
    text = f"{value:+,.1f}".removesuffix(".0")
    return f"{text}%"


def _comparison_line(row: ComparisonRow) -> str:
    change = ""
    if row.change is not None and row.change.absolute is not None:
        if row.change.absolute == 0:
            change = "（持平）"
        else:
            sign = "+" if row.change.absolute > 0 else ""
            percent = f"，{_percent(row.change.percent)}" if row.change.percent is not None else ""
            change = f"（{sign}{_n(row.change.absolute)}{percent}）"
    return f"{row.label}：{_n(row.values[0])} → {_n(row.values[1])}{change}"


def comparison_lines(comparison: Comparison) -> list[str]:
    """Two years side by side (the store's `Comparison`: agency, years, rows of label/values/change)."""
    first, second = comparison.years
    lines = [f"{comparison.agency} {first} 年与 {second} 年对比"]
    zeros = 0
    for row in comparison.rows:
        if all(v == 0 for v in row.values):
            zeros += 1  # both years 0: one summary line instead of a dozen 「0 → 0」
            continue
        lines.append(_comparison_line(row))
    if zeros:
        lines.append(f"另有 {zeros} 项两年均为 0。")
    if not comparison.rows:
        lines.append("两个年度没有可比较的数据。")
    return lines


def _change_weight(row: ComparisonRow) -> float:
    """How much a row changed: relative to the larger year, damped for small counts (1 → 3 is not +200% news)."""
    a, b = row.values
    return abs(b - a) / (max(abs(a), abs(b)) + 5)


def largest_changes_lines(comparison: Comparison, limit: int = 8) -> list[str]:
    """/compare's short text: the `limit` rows that changed most, largest first, and what the rest are."""
    first, second = comparison.years
    lines = [f"{comparison.agency} {first} 年与 {second} 年对比"]
    if not comparison.rows:
        return [*lines, "两个年度没有可比较的数据。"]
    changed = [r for r in comparison.rows if r.change is not None and r.change.absolute not in (None, 0)]
    shown = sorted(changed, key=_change_weight, reverse=True)[:limit]
    if shown:
        lines.append(f"变化最大的 {len(shown)} 项：" if len(changed) > len(shown) else "有变化的项目：")
        lines += [f"• {_comparison_line(r)}" for r in shown]
    else:
        lines.append("两个年度都有的数据没有变化。")
    rest = []
    if len(changed) > len(shown):
        rest.append(f"{len(changed) - len(shown)} 项变化较小")
    flat = [r for r in comparison.rows if r.change is not None and r.change.absolute == 0]
    zeros = sum(all(v == 0 for v in r.values) for r in flat)
    if len(flat) > zeros:
        rest.append(f"{len(flat) - zeros} 项持平")
    if zeros:
        rest.append(f"{zeros} 项两年均为 0")
    if one := sum(r.change is None or r.change.absolute is None for r in comparison.rows):
        rest.append(f"{one} 项只有一个年度有数据")
    if rest:
        lines.append(f"另有 {'、'.join(rest)}。")
    return lines


def format_comparison(comparison: Comparison) -> list[str]:
    return split_messages(comparison_lines(comparison))


# A line, and the finding it lists (its number as printed, the finding).
Tagged = tuple[str, "tuple[int, Finding] | None"]
MAX_FINDINGS_PER_MESSAGE = 20  # each listed finding may get a row of buttons under its message


def _findings(findings: list[Finding], excluded: Sequence[tuple[Finding, str]] = ()) -> list[Tagged]:
    """The numbered findings (errors first), then those staff dismissed, each line tagged with its finding."""
    if not findings and not excluded:
        return [("未发现问题。", None)]
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    if findings:
        lines: list[Tagged] = [
            (f"发现 {len(findings)} 个问题（错误 {len(errors)} 个，警告 {len(warnings)} 个）：", None)
        ]
    else:
        lines = [("未发现需要处理的问题。", None)]
    number = 0
    groups = [
        ("【错误】", [(f, None) for f in errors]),
        ("【警告】", [(f, None) for f in warnings]),
        (f"【已排除】以下 {len(excluded)} 个经核实不是问题，不计入：", list(excluded)),
    ]
    for title, group in groups:
        if not group:
            continue
        lines.append(("", None))
        lines.append((title, None))
        for f, note in group:
            number += 1
            lines.append((f"{number}. {place(f)}{f.message}", (number, f)))
            if f.quote:
                lines.append((f"   原文：“{f.quote}”", None))
            if note:
                lines.append((f"   {note}", None))
    return lines


def _doubts(report: Report) -> list[str]:
    """Scans: the cells OCR read with doubt and the sums that fail as read. No finding rests on them
    (rules.md); the clerk compares them with the original."""
    if not report.ocr:
        return []
    from parser.validate.doubts import failing_sums

    lines = ["", "本报告为扫描件，文字经 OCR 识别。"]
    unsure = [d for d in report.doubtful if not d.by_sum and (not d.confirmed or d.corrected is not None)]
    if unsure:
        lines.append(f"以下 {len(unsure)} 个单元格可能识读有误，涉及它们的核对未列为问题，请对照原件核实：")
    for doubt in unsure:
        where = f"第 {doubt.page} 页 " if doubt.page else ""
        table = _PLACES.get(doubt.path.split(".")[0], "")
        line = f"• {where}{table} {cell_label(doubt.path).replace('·', ' ')}：识读为 {_n(doubt.read)}"
        if doubt.corrected is not None:
            line += f"，按合计应为 {_n(doubt.corrected)}，已按 {_n(doubt.corrected)} 核对"
        lines.append(line)
    sums = failing_sums(report) if any(d.by_sum for d in report.doubtful) else []
    if sums:
        lines.append(
            f"以下 {len(sums)} 处合计按识读的数字不成立：可能是识读有误，也可能是报告本身有误，"
            "未列为问题，请对照原件核实："
        )
    for s in sums:
        lines.append(f"• {f'第 {s.page} 页 ' if s.page else ''}{s.text}")
    confirmed = sum(1 for d in report.doubtful if not d.by_sum) - len(unsure)
    if confirmed:
        lines.append(f"另有 {confirmed} 个不易辨认的单元格，其数值与行、列合计相符。")
    return lines


def format_reply(
    report: Report, comparison: Comparison | None = None, excluded: Sequence[tuple[Finding, str]] = ()
) -> list[str]:
    """The summary and findings of one report, as messages of at most 4096 characters.

    `comparison` is the store's `Comparison` with the year before, when there is one: it follows the findings.
    `excluded`: findings staff dismissed (left out of `report.findings`), each with a note on who and why.
    """
    return [text for text, _ in reply_parts(report, comparison, excluded)]


def reply_parts(
    report: Report, comparison: Comparison | None = None, excluded: Sequence[tuple[Finding, str]] = ()
) -> list[tuple[str, list[tuple[int, Finding]]]]:
    """`format_reply`'s messages, each with the findings it lists (number as printed, finding)."""
    name = report.agency or report.file or "未识别单位"
    year = f"{report.year} 年度" if report.year else "年度未识别"
    template = TEMPLATE_NAMES.get(report.template or "", "格式未识别")
    lines = [f"{name} · {year}", f"格式：{template}"]
    if report.published:
        lines.append(f"落款日期：{report.published:%Y年%-m月%-d日}")
    lines += key_figures(report)
    if report.unreadable:
        names = "、".join(
            _PLACES[t] for t in ("active", "applications", "review_litigation") if t in report.unreadable
        )
        lines.append(
            f"注意：报告中有{names}，但其中数字的位置无法可靠识别（表格为图片，或排版无法还原），"
            "未作核对，请人工查看。"
        )
    lines.append("")
    tagged: list[Tagged] = [(line, None) for line in lines]
    tagged += _findings(report.findings, excluded)
    tail = _doubts(report)
    if comparison is not None:
        tail += ["", *comparison_lines(comparison)]
    tagged += [(line, None) for line in tail]
    return split_tagged(tagged, max_tags=MAX_FINDINGS_PER_MESSAGE)


def split_messages(lines: list[str], limit: int = LIMIT) -> list[str]:
    """Pack lines into messages of at most `limit` characters, breaking only between lines
    (a single line longer than the limit is cut)."""
    return [text for text, _ in split_tagged([(line, None) for line in lines], limit)]


def split_tagged(
    lines: list[tuple[str, Any]], limit: int = LIMIT, max_tags: int | None = None
) -> list[tuple[str, list]]:
    """`split_messages` for lines carrying a tag (or None): each message with the tags of its lines.

    `max_tags`: a message holds at most this many tagged lines (a new one starts before the next)."""
    messages: list[tuple[str, list]] = []
    current, tags = "", []
    for line, tag in lines:
        while len(line) > limit:
            if current:
                messages.append((current, tags))
                current, tags = "", []
            messages.append((line[:limit], [tag] if tag is not None else []))
            tag = None
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        full = tag is not None and max_tags is not None and len(tags) >= max_tags
        if len(candidate) > limit or full:
            messages.append((current, tags))
            current, tags = line, []
        else:
            current = candidate
        if tag is not None:
            tags.append(tag)
    if current.strip():
        messages.append((current, tags))
    return [(m.strip("\n"), t) for m, t in messages if m.strip()]


def format_error(name: str, error: BaseException) -> str:
    """One message for a file that could not be read."""
    if isinstance(error, ReportError):
        return f"《{name}》无法读取：{error.zh}"
    return f"《{name}》处理时出错，未能完成检查。请确认文件完整后重新发送。"
