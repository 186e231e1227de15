"""`nianbao deadlines [--today YYYY-MM-DD] [--json] [--db PATH]`: this season's deadlines, who reported, who not."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "deadlines",
        help="年报截止日期与未报机关",
        description="当前报告年度各类机关的截止日期、应报、已报和未报机关",
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", help="按这一天计算（默认：今天）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    from bot.deadlines import load_deadline_settings

    try:
        settings = load_deadline_settings()
    except ValueError as exc:
        print(f"截止日期设置有误：{exc}", file=sys.stderr)
        return 2
    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            print(f"日期格式应为 YYYY-MM-DD：{args.today}", file=sys.stderr)
            return 2
    else:
        today = datetime.now(settings.zone).date()
    return run_command(args.db, lambda checker: _run(args, checker, settings, today))


async def _run(args, checker: Checker, settings, today: date) -> int:
    from bot.deadlines import season_text

    current, from_roster = await checker.season(today, settings.deadlines)
    if args.json:
        print(json.dumps(current.model_dump(mode="json"), ensure_ascii=False))
        return 0
    print(season_text(current, today))
    if not from_roster and any(d.agencies for d in current.deadlines):
        print(
            "\n（没有应报机关名单：按上一年度已提交报告的机关统计，类别按名称推断。"
            "可用 nianbao roster import 导入名单。）"
        )
    return 0
