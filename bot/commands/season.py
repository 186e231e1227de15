"""`nianbao season [--year Y] [--json] [--xlsx FILE] [--png FILE]`, `nianbao summary [--year Y] [--xlsx FILE]`, and the
ZIP half of `nianbao import x.zip`: the same services and texts the bot's /season, /summary and ZIP use."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import DB_HELP, run_command

if TYPE_CHECKING:
    from bot.service import Checker


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "season",
        help="本年度各机关报送和检查情况",
        description="名单内每个机关：是否已报、落款日期、是否逾期、错误和提示数；按类别合计",
    )
    p.add_argument("--year", type=int, help="报告年度（默认：当前收报的年度）")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="按这一天判断是否逾期（默认：今天）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--xlsx", metavar="FILE", help="同时写出 XLSX「年报检查情况表」")
    p.add_argument("--png", metavar="FILE", help="同时把按机关类别的报送情况柱状图保存为 PNG 文件")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run_season)
    s = subparsers.add_parser(
        "summary",
        help="本年度汇总数据和考核指标",
        description="名单内机关的表二、三、四逐项合计，公开率和复议、诉讼纠错率",
    )
    s.add_argument("--year", type=int, help="报告年度（默认：当前收报的年度）")
    s.add_argument("--xlsx", metavar="FILE", help="同时写出 XLSX「年报汇总」")
    s.add_argument("--db", help=DB_HELP)
    s.set_defaults(func=run_summary)


def _settings_and_today(args):
    from bot.deadlines import load_deadline_settings

    settings = load_deadline_settings()
    today = (
        date.fromisoformat(args.today) if getattr(args, "today", None) else datetime.now(settings.zone).date()
    )
    return settings, today


def run_season(args) -> int:
    try:
        settings, today = _settings_and_today(args)
    except ValueError as exc:
        print(f"设置或日期有误：{exc}", file=sys.stderr)
        return 2
    year = args.year or settings.deadlines.report_year(today)
    return run_command(args.db, lambda checker: _season(args, checker, settings.deadlines, year, today))


async def _season(args, checker: Checker, deadlines, year: int, today: date) -> int:
    from bot.season import season_status
    from bot.season.texts import season_text
    from bot.season.workbook import season_workbook

    status, findings = await season_status(checker, year, deadlines, today)
    if args.json:
        print(json.dumps(status.to_json(), ensure_ascii=False))
    else:
        print(season_text(status))
    if args.xlsx:
        _write(Path(args.xlsx), season_workbook(status, findings))
    if args.png:
        from bot.charts import ChartError, season_chart

        if not status.agencies:
            print("还没有应报机关，不生成柱状图。", file=sys.stderr)
            return 1
        try:
            _write(Path(args.png), season_chart(status.chart_data()))
        except ChartError as exc:
            print(exc.zh, file=sys.stderr)
            return 1
    return 0


def run_summary(args) -> int:
    try:
        settings, today = _settings_and_today(args)
    except ValueError as exc:
        print(f"设置有误：{exc}", file=sys.stderr)
        return 2
    year = args.year or settings.deadlines.report_year(today)
    return run_command(args.db, lambda checker: _summary(args, checker, year))


async def _summary(args, checker: Checker, year: int) -> int:
    from bot.season import season_summary
    from bot.season.texts import summary_text
    from bot.season.workbook import summary_workbook

    summary = await season_summary(checker, year)
    print(summary_text(summary))
    if args.xlsx:
        _write(Path(args.xlsx), summary_workbook(summary))
    return 0


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"已写出 {path}", file=sys.stderr)


# ---------------------------------------------------------------- nianbao import x.zip


def import_zip(path: Path, db, jobs: int, xlsx: str | None) -> int:
    """Check and store every report in the ZIP at `path`; print each file's outcome, then the summary."""
    from bot.season.archive import ArchiveError

    data = path.read_bytes()
    try:
        return run_command(
            db,
            lambda checker: _import_zip(checker, data, path.name, xlsx),
            workers=max(1, jobs),
            start_workers=True,
        )
    except ArchiveError as exc:
        print(f"{path}：{exc.zh}", file=sys.stderr)
        return 1


async def _import_zip(checker: Checker, data: bytes, name: str, xlsx: str | None) -> int:
    from bot.season.batch import check_archive
    from bot.season.texts import batch_text
    from bot.season.workbook import batch_workbook

    async def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r已检查 {done}/{total}", end="", file=sys.stderr, flush=True)

    result = await check_archive(checker, data, name, "cli", progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(batch_text(result))
    if xlsx:
        _write(Path(xlsx), batch_workbook(result))
    return 1 if result.unreadable or not result.read else 0
