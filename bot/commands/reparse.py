"""`nianbao reparse [AGENCY] [--year Y] [--jobs N] [--db PATH]`: run the current parser over stored originals.

Each stored report (history included) is parsed again from its kept original file and replaces its
stored contents in place (same upload, same hash); YOY findings are redone for it and the year after.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reparse",
        help="用当前解析器重新解析已保存的报告",
        description="用当前版本的解析器重新解析已保存报告的原始文件并更新检查结果",
    )
    p.add_argument("agency", nargs="?", metavar="AGENCY", help="只处理该机关")
    p.add_argument("--year", type=int, help="只处理该年度")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行解析的进程数")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(
        args.db, lambda checker: _run(args, checker), workers=max(1, args.jobs), start_workers=True
    )


async def _run(args, checker: Checker) -> int:
    import asyncio

    from parser.errors import ReportError
    from storage.store import StoreError

    changed = same = failed = 0
    ids = None
    if args.agency:
        ids = [a.id for a in await checker.find_agencies(args.agency)]
        if not ids:
            print(f"没有找到机关“{args.agency}”。", file=sys.stderr)
            return 1
    entries = await checker.history(ids, year=args.year)

    async def one(entry):
        try:
            name, data = await checker.original(entry.id)
        except (StoreError, OSError):
            return entry, None, "原始文件已丢失，无法重新解析。"
        try:
            return entry, await checker.parse(data, name), None
        except ReportError as exc:
            return entry, None, f"{exc.zh} / {exc.en}"
        except Exception as exc:  # keep going with the others
            return entry, None, f"{type(exc).__name__}: {exc}"

    for next_result in asyncio.as_completed([one(e) for e in entries]):
        entry, report, error = await next_result
        if error is None:
            try:
                before = await checker.get_report(entry.id)
                after = await checker.replace_parsed(entry.id, report)
            except StoreError as exc:
                error = exc.zh
        if error is not None:
            failed += 1
            print(
                f"✗ {entry.file or entry.sha256[:12]}（{entry.agency} {entry.year}年）：{error}", flush=True
            )
            continue
        moved = (before.agency, before.year) != (after.agency, after.year)
        differs = moved or before.check_json() != after.check_json()
        changed += differs
        same += not differs
        mark = "↻ 已更新" if differs else "= 无变化"
        print(
            f"{mark}  {entry.file or entry.sha256[:12]}  {after.agency} {after.year}年  "
            f"问题 {len(before.findings)} → {len(after.findings)} 条",
            flush=True,
        )
    print(f"共 {changed + same + failed} 份：更新 {changed}，无变化 {same}，失败 {failed}。")
    return 1 if failed else 0
