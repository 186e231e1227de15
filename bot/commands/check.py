"""`nianbao check FILE... [--json] [--db PATH] [--no-store]` (shared/spec/check-json.md)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from parser.errors import ReportError

MAX_FILE_BYTES = 50 * 1024 * 1024


def register(subparsers) -> None:
    p = subparsers.add_parser("check", help="检查年度报告文件", description="读取、检查并保存年度报告")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--db", help="SQLite 数据库文件（默认：NIANBAO_DB 或 data/nianbao.db）")
    p.add_argument("--no-store", action="store_true", help="只检查，不保存")
    p.set_defaults(func=run)


def run(args) -> int:
    return asyncio.run(_run(args))


async def _open_store(db: str | None):
    from storage.store import Store

    return await Store.open(db) if db else await Store.open()


async def _run(args) -> int:
    from bot.service import Checker
    from bot.worker import ParsePool

    # Files are checked one after another: one worker forked from here at once (no forkserver to start,
    # ~0.5 s; it imports the parser while this process opens the store), kept for the next files, with
    # its own time and memory limits: a file that overruns them costs the worker, not this command.
    pool = ParsePool(workers=1, start_method="fork")
    pool.start()
    store = None if args.no_store else await _open_store(args.db)
    checker = Checker(pool, store)
    failed = 0
    try:
        for name in args.files:
            try:
                data = _read(name)
                result = await checker.check(data, Path(name).name, "cli")
            except ReportError as exc:
                failed += 1
                _print_error(name, exc, args.json)
                continue
            _print_result(result, args.json)
    finally:
        if store is not None:
            await store.close()
        pool.close()
    return 1 if failed else 0


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ReportError("too_large", f"文件过大（超过 {MAX_FILE_BYTES >> 20} MB），无法处理。",
                              f"the file is too large (over {MAX_FILE_BYTES >> 20} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise ReportError("not_found", "找不到文件。", "file not found") from None
    except IsADirectoryError:
        raise ReportError("not_found", "这是一个文件夹，不是文件。", "this is a directory, not a file") from None
    except PermissionError:
        raise ReportError("not_found", "没有读取该文件的权限。", "permission denied") from None


def _print_error(name: str, exc: ReportError, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"file": name, "error": f"{exc.zh} / {exc.en}"}, ensure_ascii=False), flush=True)
    else:
        print(f"{name}：{exc.zh}", flush=True)


def _print_result(result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.report.check_json(), ensure_ascii=False), flush=True)
        return
    from parser.reply import format_reply

    # the reply the bot sends: summary, findings, the comparison with the previous year
    for message in format_reply(result.report, result.comparison):
        print(message)
    if result.status == "duplicate":
        print("（该文件此前已保存，未重复保存。）")
    elif result.note:
        print(f"（{result.note}）")
    print(flush=True)
