"""`nianbao list [AGENCY] [--json] [--db PATH]`: stored reports, history included."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "list", help="列出已保存的报告", description="列出已保存的报告（含被替代的旧版本）"
    )
    p.add_argument("agency", nargs="?", metavar="AGENCY", help="只列出该机关（名称的一部分即可）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(args.db, lambda checker: _run(args, checker))


async def _run(args, checker: Checker) -> int:
    ids = None
    if args.agency:
        ids = [a.id for a in await checker.find_agencies(args.agency)]
        if not ids:
            print(f"没有找到机关“{args.agency}”。", file=sys.stderr)
            return 1
    entries = await checker.history(ids)
    if args.json:
        print(json.dumps([e.list_json() for e in entries], ensure_ascii=False))
        return 0
    if not entries:
        print("还没有保存任何报告。")
        return 0
    for e in entries:
        state = "（已被新版本替代）" if e.superseded else ""
        print(
            f"{e.agency}  {e.year}年  模板{e.template or '?'}  {e.file or '-'}  "
            f"问题 {e.findings} 条  {e.sha256[:12]}{state}"
        )
    print(f"共 {len(entries)} 份报告。")
    return 0
