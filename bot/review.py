"""Findings a clerk can act on (issue 14), shared by the bot and the CLI.

- a finding is marked 属实 (confirmed) or 不是问题 (dismissed), by its key (storage/reviews.py);
  a dismissed one stays dismissed for that agency, year, rule and place, whatever version or parse
  raises it again, until an admin undoes it;
- a corrected report (a new version of an agency-year) is told apart from the one it replaced:
  findings fixed, still open and new, and the cells whose value changed;
- the versions of an agency-year, with when and by whom each was sent (/history).

Handlers (bot/telegram/review.py) and commands (bot/commands/findings.py) call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from bot.service import Checker, NoStore
from parser import reply
from parser.model import Finding, Report
from storage import reviews as stored
from storage.reviews import Identity, LogEntry, Review, StoredFinding, Verdict

CHINA = ZoneInfo("Asia/Shanghai")

# The bot commands this feature adds, for the menu and /help.
COMMANDS: list[tuple[str, str]] = [
    ("findings", "列出问题并逐个核实：/findings [机关] [年份]"),
    ("history", "同一报告的各个版本和发送人：/history 机关 年份"),
    ("undismiss", "撤销「不是问题」（管理员）：/undismiss 编号"),
]
HELP_LINES = (
    "【核实问题】回复中每个问题下方有「属实」「不是问题」按钮；标为「不是问题」的不再计入"
    "统计、提醒和问题清单（重新上传、重新解析后仍然有效），可回复提示消息填写理由。\n"
    "/findings [机关] [年份] — 列出已保存报告的问题（含已排除的），每个问题下方有核实按钮\n"
    "　例如：/findings 2024 或 /findings 掌政镇 2024\n"
    "/history 机关 年份 — 同一年度报告的各个版本、发送时间和发送人\n"
    "　例如：/history 掌政镇 2024\n"
    "/undismiss 编号 — 撤销「不是问题」，该问题重新计入（仅管理员）\n"
    "　例如：/undismiss 3f9a0c12de"
)
USAGE = {
    "findings": "用法：/findings [机关] [年份]\n例如：/findings、/findings 2024 或 /findings 掌政镇 2024",
    "history": "用法：/history 机关 年份\n例如：/history 掌政镇 2024",
    "undismiss": "用法：/undismiss 编号（仅管理员；编号见排除时的提示或 nianbao findings）\n例如：/undismiss 3f9a0c12de",
}
VERDICT_ZH = {"confirmed": "属实", "dismissed": "不是问题"}
Reviews = Mapping[tuple[str, str], Review]  # (rule, where) → review, for one agency-year


class ReviewError(Exception):
    """A review that cannot be done; `zh` tells the user why."""

    def __init__(self, zh: str):
        super().__init__(zh)
        self.zh = zh


def _db(checker: Checker):
    if checker.store is None:
        raise NoStore("no store")
    return checker.store.db


def when(iso: str | None, zone: tzinfo = CHINA) -> str:
    """A stored UTC time as the office reads it: 2025-01-20 09:30."""
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def review_note(review: Review, zone: tzinfo = CHINA) -> str:
    """「已排除：张三，2025-01-20 09:30，理由：…」 — who, when, why."""
    head = "已排除" if review.dismissed else "已确认属实"
    note = f"{head}：{review.who}，{when(review.at, zone)}"
    return note + (f"，理由：{review.reason}" if review.reason else "")


# ---------------------------------------------------------------- reading


async def reviews_for(
    checker: Checker, agency_id: int | None, year: int | None
) -> dict[tuple[str, str], Review]:
    if agency_id is None or year is None or checker.store is None:
        return {}
    return await stored.for_agency_year(checker.store.db, agency_id, year)


def split(report: Report, reviews: Reviews, zone: tzinfo = CHINA) -> tuple[Report, list[tuple[Finding, str]]]:
    """The report with only the findings that count, and the dismissed ones with who dismissed them, when and why."""
    if not reviews:
        return report, []
    kept, excluded = [], []
    for f in report.findings:
        review = reviews.get((f.rule, f.where))
        if review is not None and review.dismissed:
            excluded.append((f, review_note(review, zone)))
        else:
            kept.append(f)
    return report.model_copy(update={"findings": kept}), excluded


def open_counts(report: Report, reviews: Reviews) -> tuple[int, int, int]:
    """(errors, warnings, dismissed) of a report."""
    shown, excluded = split(report, reviews)
    errors = sum(f.severity == "error" for f in shown.findings)
    return errors, len(shown.findings) - errors, len(excluded)


async def findings(
    checker: Checker, agency_ids: list[int] | None = None, year: int | None = None
) -> list[StoredFinding]:
    """Every finding of the current reports (of these agencies, of this year), with its review."""
    return await stored.findings(_db(checker), agency_ids, year)


async def resolve(checker: Checker, key: str) -> Identity:
    """The finding a key names (as listed by `nianbao findings` or carried by a button)."""
    key = (key or "").strip().lower()
    if len(key) < 4 or any(c not in "0123456789abcdef" for c in key):
        raise ReviewError(
            f"编号「{key}」无效：请使用 nianbao findings 列出的编号（{stored.KEY_LENGTH} 位）。"
        )
    found = await stored.resolve(_db(checker), key)
    if not found:
        raise ReviewError(f"没有编号为「{key}」的问题（报告可能已被删除）。")
    if len(found) > 1:
        raise ReviewError(f"编号「{key}」对应多个问题，请输入完整的 {stored.KEY_LENGTH} 位编号。")
    return found[0]


# ---------------------------------------------------------------- writing


async def mark(
    checker: Checker,
    key: str,
    verdict: Verdict,
    user_id: str,
    user_name: str | None = None,
    reason: str | None = None,
    *,
    admin: bool = False,
) -> Review:
    """Mark a finding 属实 or 不是问题. A dismissed finding is taken back only by an admin (`undo`)."""
    identity = await resolve(checker, key)
    db = _db(checker)
    current = (await stored.for_agency_year(db, identity.agency_id, identity.year)).get(
        (identity.rule, identity.where)
    )
    if current is not None and current.dismissed and verdict != "dismissed" and not admin:
        raise ReviewError("该问题已被排除，只有管理员可以撤销。")
    return await stored.set_verdict(db, identity, verdict, user_id, user_name, reason)


async def give_reason(
    checker: Checker, key: str, reason: str, user_id: str | None = None, user_name: str | None = None
) -> Review | None:
    """The reason typed after a verdict (by `user_id`); None when the verdict was undone meanwhile."""
    identity = await resolve(checker, key)
    return await stored.set_reason(_db(checker), identity, reason.strip(), user_id, user_name)


async def undo(
    checker: Checker, key: str, user_id: str | None = None, user_name: str | None = None
) -> tuple[Identity, Review | None]:
    """Take a verdict back (admins, `user_id`): the finding counts again, and the review's history stays
    in the log. The review removed, None when there was none."""
    identity = await resolve(checker, key)
    return identity, await stored.remove(_db(checker), identity, user_id, user_name)


async def log_for(checker: Checker, agency_id: int, year: int) -> list[LogEntry]:
    """Every verdict, reason and undo given on an agency-year's findings, oldest first."""
    if checker.store is None:
        return []
    return await stored.log_for(checker.store.db, agency_id, year)


def log_lines(log: list[LogEntry], zone: tzinfo = CHINA) -> list[str]:
    """「核实记录」: who said what about which finding, and when (undone verdicts included)."""
    if not log:
        return []
    lines = ["核实记录："]
    last: dict[Identity, str] = {}  # the verdict an undo takes back
    for e in log:
        what = f"{e.identity.rule}（{e.identity.where}，编号 {e.identity.key}）"
        who = e.who or "未知用户"
        if e.action == "undone":
            undone = VERDICT_ZH.get(last.pop(e.identity, ""), "核实")
            line = f"· {when(e.at, zone)} {who}撤销了对 {what}的「{undone}」标记"
        elif e.action == "reason":
            line = f"· {when(e.at, zone)} {who}为 {what}补充理由：{e.reason}"
        else:
            last[e.identity] = e.action
            line = f"· {when(e.at, zone)} {who}将 {what}标为「{VERDICT_ZH[e.action]}」"
            if e.reason:
                line += f"，理由：{e.reason}"
        lines.append(line)
    return lines


# ---------------------------------------------------------------- a corrected report


@dataclass
class VersionDiff:
    """A new version of an agency-year against the one it replaced."""

    replaced_file: str | None
    replaced_at: str | None  # UTC ISO upload time of the replaced version
    fixed: list[Finding] = field(default_factory=list)
    still_open: list[Finding] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    cells: list[tuple[str, float | None, float | None]] = field(default_factory=list)  # path, before, after


def version_diff(old: Report, new: Report, reviews: Reviews | None = None) -> VersionDiff:
    """Findings by identity (rule, where), dismissed ones left out; cells by path, in the tables' order."""
    from storage.cells import flatten

    reviews = reviews or {}

    def counted(report: Report) -> dict[tuple[str, str], Finding]:
        out: dict[tuple[str, str], Finding] = {}
        for f in report.findings:
            review = reviews.get((f.rule, f.where))
            if not (review is not None and review.dismissed):
                out.setdefault((f.rule, f.where), f)
        return out

    before, after = counted(old), counted(new)
    diff = VersionDiff(replaced_file=old.file, replaced_at=None)
    diff.fixed = [f for k, f in before.items() if k not in after]
    diff.still_open = [f for k, f in after.items() if k in before]
    diff.new = [f for k, f in after.items() if k not in before]
    old_cells, new_cells = dict(flatten(old)), dict(flatten(new))
    for path, value in flatten(new):
        if path in old_cells and old_cells[path] != value:
            diff.cells.append((path, old_cells[path], value))
    diff.cells += [(p, v, None) for p, v in old_cells.items() if p not in new_cells and v is not None]
    return diff


async def corrected(checker: Checker, report_id: int, replaced_id: int, agency_id: int) -> VersionDiff | None:
    """The difference a new version makes to the one it replaced (None when that one is gone)."""
    old = await checker.get_report(replaced_id)
    new = await checker.get_report(report_id)
    if old is None or new is None:
        return None
    diff = version_diff(old, new, await reviews_for(checker, agency_id, new.year))
    for entry in await checker.history([agency_id], new.year):
        if entry.id == replaced_id:
            diff.replaced_file, diff.replaced_at = entry.file, entry.uploaded_at
    return diff


def _n(value: float | None) -> str:
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def diff_lines(diff: VersionDiff, zone: tzinfo = CHINA) -> list[str]:
    """What a corrected report changed, before its reply."""
    from bot.season.workbook import where_zh
    from parser.reply import place

    replaced = f"《{diff.replaced_file}》" if diff.replaced_file else "上一版本"
    lines = [
        f"🔁 这是更正后的新版本，已替换 {when(diff.replaced_at, zone)} 收到的{replaced}。与上一版本相比："
    ]
    lines.append(
        f"已改正 {len(diff.fixed)} 个，仍未改正 {len(diff.still_open)} 个，新出现 {len(diff.new)} 个问题；"
        f"{len(diff.cells)} 个单元格数值有变化。"
    )
    for title, group in (
        ("✅ 已改正", diff.fixed),
        ("⏳ 仍未改正", diff.still_open),
        ("🆕 新出现", diff.new),
    ):
        if group:
            lines += ["", f"{title}（{len(group)}）："]
            lines += [f"• {place(f)}{f.message}" for f in group]
    if diff.cells:
        lines += ["", f"✏️ 数值有变化的单元格（{len(diff.cells)}）："]
        lines += [f"• {where_zh(path)}：{_n(a)} → {_n(b)}" for path, a, b in diff.cells]
    return lines


# ---------------------------------------------------------------- /history


def history_lines(
    agency: str, year: int, entries: list, zone: tzinfo = CHINA, log: list[LogEntry] | None = None
) -> list[str]:
    """Every version of an agency-year, oldest first: when, by whom, the file, open findings; then what
    was said about its findings (`log`)."""
    versions = sorted((e for e in entries if e.year == year), key=lambda e: e.id)
    if not versions:
        return [f"{agency} 没有 {year} 年度的报告。", *log_lines(log or [], zone)]
    lines = [f"{agency} {year} 年度报告共 {len(versions)} 个版本："]
    for n, e in enumerate(versions, start=1):
        state = "当前版本" if e.superseded_by is None else "已被替换"
        lines.append(
            f"{n}. {when(e.uploaded_at, zone)} 由 {_sender(e.uploaded_by)} 发送《{e.file or '无文件名'}》，"
            f"{e.findings} 个问题（{state}）"
        )
    return lines + log_lines(log or [], zone)


def _sender(uploaded_by: str) -> str:
    """`tg:123@name` → 「@name（123）」; 'cli' → 「命令行」."""
    if uploaded_by == "cli":
        return "命令行"
    if uploaded_by.startswith("tg:"):
        uid, _, username = uploaded_by[3:].partition("@")
        return f"@{username}（{uid}）" if username else f"用户 {uid}"
    return uploaded_by


# ---------------------------------------------------------------- the list of findings (/findings)

MAX_LISTED = 60  # findings /findings lists: beyond, the clerk narrows by agency or year
PER_MESSAGE = 15  # findings a message lists (each with its row of buttons)
ENTRY_CHARS = 500  # a finding's entry at most (a reason typed as a reply can run to 4096 characters)


def findings_parts(
    found: list[StoredFinding], scope: str, zone: tzinfo = CHINA
) -> list[tuple[str, list[tuple[int, StoredFinding]]]]:
    """/findings' messages, each with the findings it lists and their numbers: the open ones first, then
    the dismissed ones with who dismissed them, when and why."""
    from bot.xlsx import SEVERITY_ZH  # as `nianbao findings` names them

    if not found:
        return [(f"{scope}没有发现问题。", [])]
    ordered = [f for f in found if not f.dismissed] + [f for f in found if f.dismissed]
    errors = sum(1 for f in ordered if not f.dismissed and f.severity == "error")
    dismissed = sum(1 for f in ordered if f.dismissed)
    head = (
        f"📋 {scope}的问题共 {len(ordered)} 个：{errors} 个错误、{len(ordered) - errors - dismissed} 个提示"
        + (f"，另有 {dismissed} 个已核实不是问题" if dismissed else "")
        + "。每个问题下方的按钮可标记「属实」或「不是问题」。"
    )
    if len(ordered) > MAX_LISTED:
        head += f"\n问题较多，仅列出前 {MAX_LISTED} 个（未排除的在前）；请指定机关或年份缩小范围。"
    lines: list[tuple[str, tuple[int, StoredFinding] | None]] = [(head, None)]
    for n, f in enumerate(ordered[:MAX_LISTED], start=1):
        severity = SEVERITY_ZH.get(f.severity, f.severity)
        entry = f"{n}. {f.agency} {f.identity.year}年 · {severity} · {f.message}"
        if f.review is not None:
            entry += f"\n　{review_note(f.review, zone)}"
        if len(entry) > ENTRY_CHARS:
            entry = entry[: ENTRY_CHARS - 1] + "…"
        lines += [("", None), (entry, (n, f))]  # a blank line between findings
    return [(text.strip(), tags) for text, tags in reply.split_tagged(lines, max_tags=PER_MESSAGE)]
