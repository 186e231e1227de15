"""The county office's season as one piece of work (issue 13), shared by the bot and the CLI.

- `archive.py`  — a ZIP from Chinese Windows, read safely in memory (GBK names, junk, bombs, path tricks)
- `batch.py`    — every report of a ZIP checked through the service's worker pool and saved
- `status.py`   — for every agency expected: reported or not, when, on time or late, errors open
- `summary.py`  — tables 二、三、四 summed over the roster's agencies, and the assessors' indicators
- `texts.py`    — what the office reads; `workbook.py` — the XLSX files

Handlers (bot/telegram/season.py) and commands (bot/commands/season.py) call the functions below.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from bot.service import Checker, NoStore

if TYPE_CHECKING:
    from bot.deadlines import Deadlines
    from bot.season.status import SeasonStatus
    from bot.season.summary import Summary
    from storage.season import StoredFinding


def _db(checker: Checker):
    if checker.store is None:
        raise NoStore("no store")
    return checker.store.db


async def season_status(
    checker: Checker, year: int, deadlines: Deadlines, today: date
) -> tuple[SeasonStatus, list[StoredFinding]]:
    """Every expected agency's status for report year `year`, and every finding open in that year's reports."""
    from bot.season import status
    from storage import season as stored

    db = _db(checker)
    return await status.season_status(db, year, deadlines, today), await stored.findings(db, year)


async def season_summary(checker: Checker, year: int) -> Summary:
    from bot.season.summary import build_summary

    return await build_summary(_db(checker), year)


async def season_chart(status: SeasonStatus) -> bytes | None:
    """The season's bar chart by kind of agency as PNG, drawn off the event loop; None without a roster line.

    Raises bot.charts.ChartError (its `zh` for the user) when no CJK font can draw it."""
    from bot import charts

    if not status.agencies:
        return None
    return await asyncio.to_thread(charts.season_chart, status.chart_data())
