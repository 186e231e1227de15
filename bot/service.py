"""The service the CLI and the bot share: parse in a worker, validate, store, compare, look up.

The bot's handlers and the CLI commands only parse arguments, call this and format the result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.worker import ParsePool
from parser.model import Report

if TYPE_CHECKING:  # storage is imported lazily: `check --no-store` needs no database
    from storage.compare import Comparison
    from storage.store import AgencyInfo, ExportTable, ReportEntry, Store


@dataclass(slots=True)
class CheckResult:
    report: Report
    status: str = "unsaved"  # new | duplicate | superseded | unsaved
    report_id: int | None = None
    agency_id: int | None = None
    comparison: Comparison | None = None  # with the previous year, when one is stored
    note: str | None = None  # why a checked report was not saved


class NoStore(Exception):
    """A lookup that needs the store was asked of a Checker without one."""


class Checker:
    """Check files: parse and validate off the event loop, then (with a store) save and run YOY rules."""

    def __init__(self, pool: ParsePool, store: Store | None = None):
        self.pool = pool
        self.store = store

    async def check(self, data: bytes, filename: str | None, uploaded_by: str = "cli",
                    progress: Callable[..., Awaitable[None]] | None = None) -> CheckResult:
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

    async def export(self, year: int | None = None) -> ExportTable:
        return await self._store().export_rows(year)

    async def delete(self, agency_id: int, year: int) -> ReportEntry | None:
        """Delete the current report of an agency-year; an earlier version it replaced becomes current."""
        entries = await self.list([agency_id], year)
        if not entries:
            return None
        entry = entries[-1]
        return entry if await self._store().delete(entry.id) else None
