"""The service the CLI and the bot share: parse in a worker, validate, store, compare."""

from __future__ import annotations

from dataclasses import dataclass

from bot.worker import ParsePool
from parser.model import Report


@dataclass(slots=True)
class CheckResult:
    report: Report
    status: str = "unsaved"  # new | duplicate | superseded | unsaved


class Checker:
    """Check files: parse and validate off the event loop, then (with a store) save and run YOY rules."""

    def __init__(self, pool: ParsePool, store=None):
        self.pool = pool
        self.store = store

    async def check(self, data: bytes, filename: str | None, uploaded_by: str = "cli") -> CheckResult:
        report = await self.pool.parse_async(data, filename)
        if self.store is None:
            return CheckResult(report)
        saved = await self.store.save(report, data, uploaded_by)
        return CheckResult(saved.report, saved.status)
