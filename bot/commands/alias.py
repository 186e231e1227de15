"""`nianbao alias NAME AGENCY [--db PATH]`: let another name find an agency (merging when it is another's)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command
from bot.commands.compare import resolve_one

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "alias", help="为机关添加别名", description="为机关添加别名；若该名称属于另一个机关，则两者合并"
    )
    p.add_argument("name", metavar="NAME", help="新的名称")
    p.add_argument("agency", metavar="AGENCY", help="已保存的机关（名称或编号）")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(args.db, lambda checker: _run(args, checker))


async def _run(args, checker: Checker) -> int:
    from storage.store import StoreError

    agency = await resolve_one(checker, args.agency)
    if agency is None:
        return 2
    try:
        result = await checker.add_alias(args.name, agency.id)
    except StoreError as exc:
        print(exc.zh, file=sys.stderr)
        return 1
    info = await checker.agency(result.agency_id)
    print(f"已添加别名：“{args.name}” → {info.name}（编号 {info.id}）")
    if result.merged_from is not None:
        print(f"该名称原属另一个机关（编号 {result.merged_from}），其报告已并入 {info.name}。")
    return 0
