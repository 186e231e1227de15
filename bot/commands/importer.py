"""`nianbao import DIR [--jobs N] [--db PATH]`: every report in a folder tree, parsed in parallel.

Parsing and validation run in worker processes (bot.worker.ParsePool: time and memory limits per
file); saving runs here, one transaction per file. Files already stored (same sha256) are skipped
before parsing, so an interrupted import is simply run again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker

STATUS_TEXT = {
    "new": "新增",
    "superseded": "新增（替代旧版本）",
    "duplicate": "已存在",
    "skipped": "已存在",
    "failed": "失败",
}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help="批量导入文件夹或 ZIP 压缩包中的年度报告",
        description="递归导入文件夹（或 ZIP 压缩包）中的全部年度报告（各种格式），多进程并行解析；"
        "可中断后重新运行",
    )
    p.add_argument("dir", metavar="DIR|ZIP")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行解析的进程数（默认：CPU 核数）")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="显示进度条（默认：终端中显示）",
    )
    p.add_argument("--xlsx", metavar="FILE", help="ZIP：同时写出 XLSX「年报检查情况表」")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)


def run(args) -> int:
    root = Path(args.dir)
    if root.is_file():  # a ZIP of reports: checked as the bot checks one sent to it
        from bot.commands.season import import_zip

        return import_zip(root, args.db, args.jobs, args.xlsx)
    if not root.is_dir():
        print(f"找不到文件夹：{root}", file=sys.stderr)
        return 1
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    files = report_files(root)
    tally = Tally(total=len(files))
    try:
        run_command(
            args.db,
            lambda checker: import_files(checker, files, tally, progress),
            workers=max(1, args.jobs),
            start_workers=True,
        )
    except KeyboardInterrupt:
        print("\n已中断；已保存的报告不受影响，重新运行即可继续。", file=sys.stderr)
        print(tally.summary(), flush=True)
        return 130
    print(tally.summary(), flush=True)
    return 1 if tally.counts.get("failed") else 0


def report_files(root: Path) -> list[Path]:
    """Every regular file below `root` except hidden ones and office lock files, in a stable order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            path = Path(dirpath) / name
            if path.is_file():
                out.append(path)
    return out


@dataclass
class Tally:
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    parsed: int = 0

    def add(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        seconds = time.monotonic() - self.started
        c = self.counts
        rate = f"，解析 {self.parsed / seconds:.1f} 份/秒" if self.parsed and seconds > 0 else ""
        return (
            f"共 {self.total} 个文件，已处理 {self.done}：新增 {c.get('new', 0) + c.get('superseded', 0)}"
            f"（其中替代旧版本 {c.get('superseded', 0)}），已存在 {c.get('skipped', 0) + c.get('duplicate', 0)}，"
            f"失败 {c.get('failed', 0)}；用时 {seconds:.1f} 秒{rate}。"
        )


class Progress:
    """tqdm's bar on stderr; a per-file line goes to stdout above it (tqdm.write) so the two never mix."""

    def __init__(self, tally: Tally, enabled: bool):
        from tqdm import tqdm

        self.tally = tally
        self.bar = tqdm(
            total=tally.total,
            unit="个",
            desc="导入",
            file=sys.stderr,
            disable=not enabled,
            leave=False,
            dynamic_ncols=True,
        )

    def line(self, text: str, done: bool = True) -> None:
        """Print a file's outcome; `done` moves the bar one file on."""
        self.bar.write(text, file=sys.stdout)
        sys.stdout.flush()
        if done:
            self.bar.update(1)
            self.bar.refresh()  # every file, not only every tqdm.mininterval: the last one shows too

    def close(self) -> None:
        self.bar.close()


async def import_files(
    checker: Checker, files: list[Path], tally: Tally, progress: bool, uploaded_by: str = "cli"
) -> int:
    bar = Progress(tally, progress)
    try:
        await _import(checker, files, tally, bar, uploaded_by)
    finally:
        bar.close()
    return 1 if tally.counts.get("failed") else 0


async def _import(checker: Checker, files: list[Path], tally: Tally, bar: Progress, uploaded_by: str) -> None:
    import asyncio

    from parser.errors import ReportError
    from storage.files import sha256_of
    from storage.store import StoreError

    stored = await checker.stored_hashes()
    todo: list[tuple[Path, str]] = []
    for path in files:
        sha = sha256_of(path.read_bytes())
        if sha in stored:
            tally.add("skipped")
            bar.line(f"= {STATUS_TEXT['skipped']}  {path}")
        else:
            stored.add(sha)  # a second copy of the same file in the tree is a duplicate too
            todo.append((path, sha))

    async def parse(path: Path):
        data = path.read_bytes()
        try:
            return path, data, await checker.parse(data, path.name), None
        except ReportError as exc:
            return path, data, None, f"{exc.zh} / {exc.en}"
        except Exception as exc:  # one bad file must not stop the import
            return path, data, None, f"{type(exc).__name__}: {exc}"

    queue = iter(todo)
    limit = checker.pool.workers * 2  # bounded: memory stays flat and an interrupt loses little
    running: set[asyncio.Task] = set()
    try:
        while True:
            while len(running) < limit and (item := next(queue, None)) is not None:
                running.add(asyncio.create_task(parse(item[0])))
            if not running:
                break
            finished, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                path, data, report, error = task.result()
                if error is None:
                    tally.parsed += 1
                    try:
                        saved = await checker.save(report, data, uploaded_by)
                    except StoreError as exc:
                        error = exc.zh
                if error is not None:
                    tally.add("failed")
                    bar.line(f"✗ {STATUS_TEXT['failed']}  {path}：{error}")
                    continue
                tally.add(saved.status)
                r = saved.report
                bar.line(
                    f"✓ {STATUS_TEXT[saved.status]}  {path}  {r.agency} {r.year}年  问题 {len(r.findings)} 条"
                )
    finally:
        for task in running:
            task.cancel()
