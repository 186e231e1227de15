"""`nianbao trend AGENCY [--json] [--png FILE] [--xlsx FILE] [--db PATH]`: every stored year of one agency."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command
from bot.commands.compare import resolve_one

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "trend",
        help="同一机关历年的主要数据（表格、折线图）",
        description="同一机关每个已保存年度的主要数据：表格，或 JSON；--png 另存折线图",
    )
    p.add_argument("agency", metavar="AGENCY", help="机关名称（可只写“掌政镇”）或编号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--png", metavar="FILE", type=Path, help="把折线图保存为 PNG 文件")
    p.add_argument("--xlsx", metavar="FILE", type=Path, help="把表格和折线图（Excel 图表）保存为 XLSX 文件")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(args.db, lambda checker: _run(args, checker))


async def _run(args, checker: Checker) -> int:
    from bot.figures import trend_table

    agency = await resolve_one(checker, args.agency)
    if agency is None:
        return 2
    trend = await checker.trend(agency.id)
    if trend is None or not trend.years:
        print(f"{agency.name} 没有已保存的报告。", file=sys.stderr)
        return 1
    if args.png is not None:
        from bot.charts import ChartError, trend_chart

        try:
            args.png.write_bytes(trend_chart(trend))
        except ChartError as exc:
            print(exc.zh, file=sys.stderr)
            return 1
        print(f"折线图已保存：{args.png}", file=sys.stderr)
    if args.xlsx is not None:
        from bot.xlsx import trend_workbook

        args.xlsx.write_bytes(trend_workbook(trend))
        print(f"表格已保存：{args.xlsx}", file=sys.stderr)
    if args.json:
        print(json.dumps(trend.to_json(), ensure_ascii=False))
    else:
        print("\n".join(trend_table(trend)))
    return 0
