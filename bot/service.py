"""The service the CLI and the bot share: parse in a worker, validate, store, compare, look up.

The bot's handlers and the CLI commands only parse arguments, call this and format the result.
A CLI command runs as `run_command(args.db, main)`: one event loop, one store opened and closed
around `main(checker)`, one parse pool whose workers start only when a file is parsed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.worker import ParsePool

if TYPE_CHECKING:  # storage is imported lazily: `check --no-store` needs no database; the parser's model
    # loads after the workers have started (import, reparse)
    from bot.deadlines import Deadlines, Season
    from bot.figures import Trend
    from bot.review import VersionDiff
    from parser.model import Report
    from storage.compare import Comparison
    from storage.roster import RosterEntry, Subscription
    from storage.store import AgencyInfo, AliasResult, ExportTable, ReportEntry, SaveResult, Store


@dataclass(slots=True)
class CheckResult:
    report: Report
    status: str = "unsaved"  # new | duplicate | superseded | unsaved
    report_id: int | None = None
    agency_id: int | None = None
    comparison: Comparison | None = None  # with the previous year, when one is stored
    note: str | None = None  # why a checked report was not saved
    reviews: dict = field(default_factory=dict)  # (rule, where) → storage.reviews.Review of this agency-year
    changes: VersionDiff | None = None  # a new version of an agency-year: what it changed (bot/review.py)


class NoStore(Exception):
    """A lookup that needs the store was asked of a Checker without one."""


class Checker:
    """Check files: parse and validate off the event loop, then (with a store) save and run YOY rules."""

    def __init__(self, pool: ParsePool, store: Store | None = None):
        self.pool = pool
        self.store = store

    async def parse(self, data: bytes, filename: str | None) -> Report:
        """Parse and validate in a worker; nothing is saved."""
        return await self.pool.parse_async(data, filename)

    async def check(
        self,
        data: bytes,
        filename: str | None,
        uploaded_by: str = "cli",
        progress: Callable[..., Awaitable[None]] | None = None,
    ) -> CheckResult:
        """Parse and validate; with a store, save and compare.

        `progress("ocr", page=, pages=)` is scheduled as a scan's pages are read, and
        `progress("saving")` awaited before saving."""
        on_page, edits = None, []
        if progress is not None:

            def on_page(page: int, pages: int) -> None:
                # runs on the event loop: the status edit must not hold up the parse
                edits.append(asyncio.ensure_future(progress("ocr", page=page, pages=pages)))

        try:
            report = await self.pool.parse_async(data, filename, on_page)
        finally:
            # page notices land before whatever the caller shows next
            await asyncio.gather(*edits, return_exceptions=True)
        if self.store is None:
            return CheckResult(report)
        if progress is not None:
            await progress("saving")
        from storage.store import StoreError

        try:
            saved = await self.store.save(report, data, uploaded_by)
        except StoreError as exc:  # checked but not storable (no year or agency): the check still counts
            return CheckResult(report, note=exc.zh)
        result = CheckResult(saved.report, saved.status, saved.report_id, saved.agency_id)
        year, previous = saved.report.year, saved.report.previous_year
        if previous is not None and year is not None:
            result.comparison = await self.compare_or_none(saved.agency_id, previous, year)
        from bot import review

        # staff's verdicts on this agency-year's findings hold for every version and every parse
        result.reviews = await review.reviews_for(self, saved.agency_id, year)
        if saved.status == "superseded" and saved.superseded_id is not None:
            result.changes = await review.corrected(
                self, saved.report_id, saved.superseded_id, saved.agency_id
            )
        return result

    async def compare_or_none(self, agency_id: int, year_a: int, year_b: int) -> Comparison | None:
        from storage.store import StoreError

        try:
            return await self._store().compare(agency_id, year_a, year_b)
        except StoreError:
            return None

    def _store(self) -> Store:
        if self.store is None:
            raise NoStore("no store")
        return self.store

    # ---- look-ups (each raises storage.store.StoreError with a Chinese `zh` for the user) ----

    async def find_agencies(self, query: str) -> list[AgencyInfo]:
        return await self._store().find_agencies(query)

    async def agency(self, agency_id: int) -> AgencyInfo | None:
        return await self._store().agency(agency_id)

    async def list(self, agency_ids: list[int] | None = None, year: int | None = None) -> list[ReportEntry]:
        """Current (not superseded) reports."""
        return await self._store().list(agency_ids, year=year, include_superseded=False)

    async def show(self, agency_id: int, year: int) -> Report | None:
        return await self._store().get(agency_id, year)

    async def get_report(self, report_id: int) -> Report | None:
        return await self._store().get_report(report_id)

    async def compare(self, agency_id: int, year_a: int, year_b: int) -> Comparison:
        return await self._store().compare(agency_id, year_a, year_b)

    async def trend(self, agency_id: int, years: list[int] | None = None) -> Trend | None:
        """The key figures of every stored year of an agency (or of `years`), ascending; None: no agency."""
        from bot.figures import Trend, report_figures

        agency = await self.agency(agency_id)
        if agency is None:
            return None
        out = []
        for year in sorted(set(agency.years if years is None else years)):
            report = await self.show(agency_id, year)
            if report is not None:
                out.append(report_figures(report).model_copy(update={"year": year}))
        return Trend(agency=agency.name, agency_id=agency_id, years=out)

    async def history(
        self, agency_ids: list[int] | None = None, year: int | None = None
    ) -> list[ReportEntry]:
        """Every stored report, the versions later uploads replaced included."""
        return await self._store().list(agency_ids, year=year)

    async def export(self, year: int | None = None) -> ExportTable:
        return await self._store().export_rows(year)

    async def add_alias(self, name: str, agency_id: int) -> AliasResult:
        return await self._store().add_alias(name, agency_id)

    # ---- stored originals (import, reparse) ----

    async def save(self, report: Report, data: bytes, uploaded_by: str) -> SaveResult:
        return await self._store().save(report, data, uploaded_by)

    async def stored_hashes(self) -> set[str]:
        return await self._store().stored_hashes()

    async def original(self, report_id: int) -> tuple[str | None, bytes]:
        return await self._store().original(report_id)

    async def replace_parsed(self, report_id: int, report: Report) -> Report:
        return await self._store().replace_parsed(report_id, report)

    async def delete(self, agency_id: int, year: int) -> ReportEntry | None:
        """Delete the current report of an agency-year; an earlier version it replaced becomes current."""
        entries = await self.list([agency_id], year)
        if not entries:
            return None
        entry = entries[-1]
        return entry if await self._store().delete(entry.id) else None

    # ---- deadlines: the roster of agencies expected to report, and reminder subscriptions ----

    async def season(self, today: date, deadlines: Deadlines) -> tuple[Season, bool]:
        """This report year's deadlines with who reported; True when an uploaded roster says who must."""
        from bot.reminders import load_season

        return await load_season(self._store().db, deadlines.report_year(today), deadlines)

    async def roster(self) -> list[RosterEntry]:
        from storage import roster

        return await roster.roster(self._store().db)

    async def roster_add(self, name: str, kind: str, added_by: str) -> tuple[RosterEntry, bool]:
        from storage import roster

        return await roster.roster_add(self._store().db, name, kind, added_by)

    async def roster_add_many(
        self, rows: list[tuple[str, str]], added_by: str, replace: bool = False
    ) -> list[tuple[RosterEntry, bool]]:
        from storage import roster

        return await roster.roster_add_many(self._store().db, rows, added_by, replace=replace)

    async def roster_remove(self, name: str) -> list[RosterEntry]:
        from storage import roster

        return await roster.roster_remove(self._store().db, name)

    async def subscriptions(self) -> list[Subscription]:
        from storage import roster

        return await roster.subscriptions(self._store().db)

    async def subscribe(self, chat_id: int, by: str, title: str | None, now: datetime) -> bool:
        from storage import roster

        return await roster.subscribe(self._store().db, chat_id, by, title, now=now)

    async def unsubscribe(self, chat_id: int) -> bool:
        from storage import roster

        return await roster.unsubscribe(self._store().db, chat_id)


# ---------------------------------------------------------------- one CLI command


@asynccontextmanager
async def session(
    db: str | os.PathLike | None = None,
    *,
    workers: int | None = None,
    store: bool = True,
    forked_worker: bool = False,
    start_workers: bool = False,
) -> AsyncIterator[Checker]:
    """A Checker on the database `db` (None: NIANBAO_DB, else data/nianbao.db), closed on the way out.

    `workers` parse processes start only when a file is parsed; `store=False` opens no database.
    `forked_worker`: one worker forked from this process at once, for a command that parses files one
    after another (no forkserver to start; the worker loads the parser while the store opens).
    `start_workers`: every worker starts at once (a command that parses a batch)."""
    if forked_worker:
        import parser.model  # noqa: F401 (before the fork: the worker builds reports with it, this process reads them)

        pool = ParsePool(workers=1, start_method="fork")
        pool.start()
    else:
        pool = ParsePool(workers)
        if start_workers:
            pool.start_forked()
    try:
        if not store:
            yield Checker(pool)
            return
        from storage.store import Store

        async with await Store.open(db) as opened:
            yield Checker(pool, opened)
    finally:
        pool.close()


def run_command(
    db: str | os.PathLike | None,
    main: Callable[[Checker], Awaitable[int]],
    *,
    workers: int | None = None,
    store: bool = True,
    forked_worker: bool = False,
    start_workers: bool = False,
) -> int:
    """Run `main(checker)` for a CLI command (`--db`) on its own event loop; its return is the exit code."""

    async def session_main() -> int:
        async with session(
            db, workers=workers, store=store, forked_worker=forked_worker, start_workers=start_workers
        ) as checker:
            return await main(checker)

    return asyncio.run(session_main())
