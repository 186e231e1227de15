"""`nianbao export [--year Y] [--format csv|xlsx] [--out FILE] [--db PATH]`: one row per agency-year."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="导出全部报告数据（每个机关每年一行）",
        description="导出已保存报告的每一个表格数据，每个机关每个年度一行",
    )
    p.add_argument("--year", type=int, help="只导出该年度")
    p.add_argument("--format", choices=("csv", "xlsx"), help="文件格式（默认按 --out 的扩展名，否则 csv）")
    p.add_argument("--out", help="输出文件（默认：csv 输出到屏幕，xlsx 为 nianbao-export.xlsx）")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    return run_command(args.db, lambda checker: _run(args, checker))


async def _run(args, checker: Checker) -> int:
    fmt = args.format or ("xlsx" if args.out and args.out.lower().endswith(".xlsx") else "csv")
    table = await checker.export(args.year)
    if fmt == "xlsx":
        out = Path(args.out or "nianbao-export.xlsx")
        write_xlsx(table, out)
        print(f"已导出 {len(table.rows)} 行到 {out}", file=sys.stderr)
        return 0
    text = csv_text(table)
    if args.out:
        # utf-8-sig so that Excel opens the Chinese text correctly
        Path(args.out).write_text(text, encoding="utf-8-sig", newline="")
        print(f"已导出 {len(table.rows)} 行到 {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def csv_text(table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def write_xlsx(table, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    ws.append(table.columns)
    for row in table.rows:
        ws.append(row)  # None stays an empty cell: a blank is not 0
    from parser.model import cell_label as label

    legend = wb.create_sheet("说明")
    legend.append(["列", "含义"])
    for column in table.columns:
        legend.append([column, label(column) if column.count(".") == 2 else column])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
