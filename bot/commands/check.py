"""`nianbao check FILE... [--json] [--db PATH] [--no-store]` (shared/spec/check-json.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP
from parser.errors import ReportError, too_large
from parser.limits import MAX_FILE_BYTES, MAX_FILE_MB

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser("check", help="检查年度报告文件", description="读取、检查并保存年度报告")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--no-store", action="store_true", help="只检查，不保存")
    p.set_defaults(func=run)


def run(args) -> int:
    from bot.service import run_command  # deferred: the parser loads only when a file is checked

    # Files are checked one after another: one worker forked from here at once (no forkserver to start;
    # it imports the parser while this process opens the store), with its own time and memory limits.
    return run_command(
        args.db, lambda checker: _run(args, checker), store=not args.no_store, forked_worker=True
    )


async def _run(args, checker: Checker) -> int:
    failed = 0
    for name in args.files:
        try:
            data = _read(name)
            result = await checker.check(data, Path(name).name, "cli")
        except ReportError as exc:
            failed += 1
            _print_error(name, exc, args.json)
            continue
        _print_result(result, args.json)
    return 1 if failed else 0


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise too_large(MAX_FILE_MB)
        return path.read_bytes()
    except FileNotFoundError:
        raise ReportError("not_found", "找不到文件。", "file not found") from None
    except IsADirectoryError:
        raise ReportError(
            "not_found", "这是一个文件夹，不是文件。", "this is a directory, not a file"
        ) from None
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
    from bot import review
    from parser.reply import format_reply

    # the reply the bot sends: what a new version changed, summary, findings (dismissed ones apart),
    # the comparison with the previous year
    if result.changes is not None:
        print("\n".join(review.diff_lines(result.changes)) + "\n")
    shown, excluded = review.split(result.report, result.reviews)
    for message in format_reply(shown, result.comparison, excluded):
        print(message)
    if result.status == "duplicate":
        print("（该文件此前已保存，未重复保存。）")
    elif result.note:
        print(f"（{result.note}）")
    print(flush=True)
