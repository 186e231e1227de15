"""`nianbao findings [AGENCY] [YEAR] [--json]`, `nianbao dismiss ID --reason …`, `nianbao undismiss ID`.

The findings of the current reports with their ID (storage/reviews.py: the same key the bot's
buttons carry, stable across re-parsing) and review; a dismissed finding no longer counts in the
season, reminders and exports until it is undismissed.
"""

from __future__ import annotations

import getpass
import json
import re
import sys
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker

_YEAR = re.compile(r"^((?:19|20)\d\d)年?度?$")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "findings",
        help="列出当前报告的问题及编号（含已排除的）",
        description="列出当前报告的问题、编号和核实情况；编号用于 dismiss / undismiss",
    )
    p.add_argument("words", nargs="*", metavar="[机关] [年度]", help="只列出该机关、该年度")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run_findings)

    p = subparsers.add_parser(
        "dismiss",
        help="把一个问题标记为「不是问题」",
        description="把一个问题标记为「不是问题」：不再计入统计、提醒和导出，重新解析后仍然有效",
    )
    p.add_argument("id", metavar="ID", help="nianbao findings 列出的编号")
    p.add_argument("--reason", help="理由")
    p.add_argument("--by", help="记录的操作人（默认：当前登录用户）")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run_dismiss)

    p = subparsers.add_parser(
        "undismiss",
        help="撤销「不是问题」，该问题重新计入",
        description="撤销「不是问题」标记，该问题重新计入",
    )
    p.add_argument("id", metavar="ID", help="nianbao findings 列出的编号")
    p.add_argument("--by", help="记录的操作人（默认：当前登录用户）")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run_undismiss)


def run_findings(args) -> int:
    return run_command(args.db, lambda checker: _findings(args, checker))


def run_dismiss(args) -> int:
    return run_command(args.db, lambda checker: _dismiss(args, checker))


def run_undismiss(args) -> int:
    return run_command(args.db, lambda checker: _undismiss(args, checker))


def _split(words: list[str]) -> tuple[str, int | None]:
    if words and (m := _YEAR.match(words[-1])):
        return "".join(words[:-1]), int(m.group(1))
    return "".join(words), None


async def _findings(args, checker: Checker) -> int:
    from bot import review
    from bot.xlsx import SEVERITY_ZH

    name, year = _split(args.words)
    ids = None
    if name:
        ids = [a.id for a in await checker.find_agencies(name)]
        if not ids:
            print(f"没有找到机关“{name}”。", file=sys.stderr)
            return 1
    found = await review.findings(checker, ids, year)
    if args.json:
        print(json.dumps([_json(f) for f in found], ensure_ascii=False))
        return 0
    if not found:
        print("没有问题。")
        return 0
    for f in found:
        i = f.identity
        print(
            f"{f.key}  {f.agency} {i.year}年  {SEVERITY_ZH.get(f.severity, f.severity)}  {i.rule}  "
            f"{i.where}  {f.message}"
        )
        if f.review is not None:
            print(f"            {review.review_note(f.review)}")
    dismissed = sum(f.dismissed for f in found)
    print(f"共 {len(found)} 个问题，其中已排除 {dismissed} 个。")
    if ids is not None and len(ids) == 1 and year is not None:  # one agency-year: what was said, undos too
        for line in review.log_lines(await review.log_for(checker, ids[0], year)):
            print(line)
    return 0


def _json(f) -> dict:
    i, r = f.identity, f.review
    return {
        "id": f.key,
        "agency": f.agency,
        "year": i.year,
        "rule": i.rule,
        "severity": f.severity,
        "where": i.where,
        "message": f.message,
        "page": f.page,
        "quote": f.quote,
        "status": r.verdict if r else "open",
        "review": {"by": r.who, "at": r.at, "reason": r.reason} if r else None,
    }


async def _dismiss(args, checker: Checker) -> int:
    from bot import review

    by = args.by or _login()
    try:
        result = await review.mark(checker, args.id, "dismissed", "cli", by, args.reason, admin=True)
    except review.ReviewError as exc:
        print(exc.zh, file=sys.stderr)
        return 1
    i = result.identity
    print(f"已排除 {result.key}（{i.year}年 {i.rule} {i.where}）：{review.review_note(result)}")
    return 0


async def _undismiss(args, checker: Checker) -> int:
    from bot import review

    try:
        identity, removed = await review.undo(checker, args.id, "cli", args.by or _login())
    except review.ReviewError as exc:
        print(exc.zh, file=sys.stderr)
        return 1
    if removed is None:
        print(f"{identity.key} 没有被排除，无需撤销。")
        return 0
    print(
        f"已撤销 {identity.key}（{identity.year}年 {identity.rule} {identity.where}）的"
        f"「{review.VERDICT_ZH[removed.verdict]}」标记，该问题计入统计。"
    )
    return 0


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return "命令行"
