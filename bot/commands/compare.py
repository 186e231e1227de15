"""`nianbao compare AGENCY YEAR_A YEAR_B [--json] [--db PATH]`: two years of one agency side by side."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "compare", help="对比同一机关两个年度的报告", description="对比同一机关两个年度的主要数据及变化"
    )
    p.add_argument("agency", metavar="AGENCY", help="机关名称（可只写“掌政镇”）或编号")
    p.add_argument("year_a", type=int, metavar="YEAR_A")
    p.add_argument("year_b", type=int, metavar="YEAR_B")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(args.db, lambda checker: _run(args, checker))


def candidates_text(agencies) -> str:
    """The Chinese list a user chooses from when a name matches several agencies."""
    lines = ["找到多个机关，请写得更具体一些，或使用编号："]
    for a in agencies:
        others = [n for n in a.names if n != a.name]
        also = f"（又名：{'、'.join(others[:4])}）" if others else ""
        years = f" 年度：{'、'.join(map(str, a.years))}" if a.years else ""
        lines.append(f"  {a.id}  {a.name}{also}{years}")
    return "\n".join(lines)


async def resolve_one(checker: Checker, query: str):
    """The one agency `query` names, or None after telling the user why (to stderr)."""
    found = await checker.find_agencies(query)
    if not found:
        print(f"没有找到机关“{query}”。可用 nianbao list 查看已保存的机关。", file=sys.stderr)
        return None
    if len(found) > 1:
        print(candidates_text(found), file=sys.stderr)
        return None
    return found[0]


async def _run(args, checker: Checker) -> int:
    from storage.store import StoreError

    agency = await resolve_one(checker, args.agency)
    if agency is None:
        return 2
    try:
        comparison = await checker.compare(agency.id, args.year_a, args.year_b)
    except StoreError as exc:
        print(exc.zh, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(comparison.to_json(), ensure_ascii=False))
    else:
        from parser.reply import comparison_lines

        print("\n".join(comparison_lines(comparison)))  # the text the bot sends for /compare
    return 0
