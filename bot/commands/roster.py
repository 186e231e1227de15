"""`nianbao roster import FILE | list | add NAME KIND | remove NAME`: the agencies expected to report.

A roster file is CSV or XLSX with the columns 机关名称 and 类别 (部门, 乡镇, 街道, 县级政府, 市级政府,
省级政府); a blank 类别 is guessed from the name. The header may sit below a title row.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker

NAME_HEADERS = ("机关名称", "机关", "单位名称", "名称", "单位")
KIND_HEADERS = ("类别", "类型", "机关类别", "分类")


class RosterFileError(Exception):
    pass


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "roster", help="应报机关名单", description="管理应报年度报告的机关名单（用于截止日期提醒）"
    )
    sub = p.add_subparsers(dest="roster_command", metavar="ACTION")
    imp = sub.add_parser("import", help="从 CSV 或 XLSX 导入名单（列：机关名称、类别）")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--replace", action="store_true", help="先清空现有名单")
    imp.add_argument("--db", help=DB_HELP)
    imp.set_defaults(func=run)
    lst = sub.add_parser("list", help="列出名单")
    lst.add_argument("--json", action="store_true", help="输出 JSON")
    lst.add_argument("--db", help=DB_HELP)
    lst.set_defaults(func=run)
    add = sub.add_parser("add", help="添加一个机关")
    add.add_argument("name", metavar="NAME")
    add.add_argument("kind", nargs="?", metavar="KIND", help="类别（省略时按名称推断）")
    add.add_argument("--db", help=DB_HELP)
    add.set_defaults(func=run)
    rm = sub.add_parser("remove", help="移除一个机关")
    rm.add_argument("name", metavar="NAME")
    rm.add_argument("--db", help=DB_HELP)
    rm.set_defaults(func=run)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run(args) -> int:
    if args.roster_command == "import":
        try:
            rows = read_roster_file(Path(args.file))
        except (OSError, RosterFileError) as exc:
            print(f"无法读取名单：{exc}", file=sys.stderr)
            return 1
        return run_command(args.db, lambda checker: _import(args, checker, rows))
    return run_command(args.db, lambda checker: _run(args, checker))


# ---------------------------------------------------------------- reading files


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _table(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise RosterFileError(f"不是有效的 XLSX 文件（{exc}）") from exc
        try:
            return [[_cell(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError("CSV 文件编码无法识别（请保存为 UTF-8 或 GBK）")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]


def read_roster_file(path: Path) -> list[tuple[str, str]]:
    """(name, kind) rows of a CSV or XLSX roster, kinds normalised to bot.deadlines.KINDS."""
    from bot.deadlines import KINDS, guess_kind, parse_kind

    table = _table(path)
    head = next((i for i, row in enumerate(table[:10]) if any(n in row for n in NAME_HEADERS)), None)
    if head is None:
        raise RosterFileError("找不到“机关名称”列")
    header = table[head]
    name_col = next(header.index(n) for n in NAME_HEADERS if n in header)
    kind_col = next((header.index(k) for k in KIND_HEADERS if k in header), None)
    out, errors, seen = [], [], set()
    for n, row in enumerate(table[head + 1 :], start=head + 2):
        name = row[name_col] if name_col < len(row) else ""
        if not name:
            continue
        raw_kind = row[kind_col] if kind_col is not None and kind_col < len(row) else ""
        kind = parse_kind(raw_kind) if raw_kind else guess_kind(name)
        if kind is None:
            errors.append(f"第 {n} 行“{name}”的类别“{raw_kind}”无法识别")
            continue
        if name not in seen:
            seen.add(name)
            out.append((name, kind))
    if errors:
        raise RosterFileError("；".join(errors[:10]) + f"。类别应为：{'、'.join(KINDS)}")
    if not out:
        raise RosterFileError("名单中没有机关")
    return out


# ---------------------------------------------------------------- commands


async def _import(args, checker: Checker, rows: list[tuple[str, str]]) -> int:
    added = await checker.roster_add_many(rows, "cli", replace=args.replace)
    new = sum(1 for _, is_new in added if is_new)
    matched = sum(1 for e, _ in added if e.agency_id is not None)
    print(
        f"已导入 {len(added)} 个机关（新增 {new} 个，更新 {len(added) - new} 个）；"
        f"其中 {matched} 个已有保存的报告。"
    )
    return 0


async def _run(args, checker: Checker) -> int:
    from bot.deadlines import KINDS, guess_kind, parse_kind

    if args.roster_command == "add":
        kind = parse_kind(args.kind) if args.kind else guess_kind(args.name)
        if kind is None:
            print(f"类别“{args.kind}”无法识别，应为：{'、'.join(KINDS)}", file=sys.stderr)
            return 2
        entry, new = await checker.roster_add(args.name, kind, "cli")
        print(f"{'已添加' if new else '已更新'}：{entry.name}（{entry.kind}）")
        return 0
    if args.roster_command == "remove":
        removed = await checker.roster_remove(args.name)
        if len(removed) == 1:
            print(f"已移除：{removed[0].name}（{removed[0].kind}）")
            return 0
        if removed:
            print("名单中有多个机关符合，请写全称：" + "、".join(e.name for e in removed), file=sys.stderr)
        else:
            print(f"名单中没有“{args.name}”。", file=sys.stderr)
        return 1
    entries = await checker.roster()
    if args.json:
        print(
            json.dumps(
                [{"name": e.name, "kind": e.kind, "agency_id": e.agency_id} for e in entries],
                ensure_ascii=False,
            )
        )
        return 0
    if not entries:
        print("名单为空。可用 nianbao roster import 名单.xlsx 导入（列：机关名称、类别）。")
        return 0
    for kind in KINDS:
        mine = [e for e in entries if e.kind == kind]
        if mine:
            print(f"【{kind}】{len(mine)} 个")
            for e in mine:
                print(f"  {e.name}" + ("" if e.agency_id is not None else "（尚无保存的报告）"))
    print(f"共 {len(entries)} 个机关。")
    return 0
