"""Check every report in a ZIP: the same worker pool and store as a single file, one result for all.

Reports are read from the archive one at a time in archive order, parsed in parallel (as many as
the pool has workers, twice over, so memory stays flat) and saved in archive order — so when two
files of one agency-year are in the archive, the later one is the current version, whatever
finished first. The same bytes twice are checked once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.season.archive import NESTED, Member, open_archive
from bot.season.archive import nested as is_nested
from bot.service import Checker
from parser.errors import ReportError
from parser.model import Report

log = logging.getLogger("nianbao.season")

Progress = Callable[[int, int], Awaitable[None]]  # (files checked, files to check)

# status of a file: saved as new, replacing an earlier version, stored before (same bytes), checked
# but not storable, the same bytes as an earlier file of the archive, refused, failed to read
SAVED = ("new", "superseded", "duplicate", "unsaved")


@dataclass
class FileOutcome:
    path: str
    status: str  # one of SAVED, or "same", "refused", "failed"
    report: Report | None = None
    report_id: int | None = None
    agency_id: int | None = None
    reason: str | None = None  # why it was not read or not saved
    same_as: str | None = None  # the earlier file with the same bytes
    reviews: dict = field(default_factory=dict)  # (rule, where) → storage.reviews.Review: staff's verdicts

    def _counted(self) -> list:
        """The findings that count: not dismissed by staff (bot/review.py)."""
        if self.report is None:
            return []
        dismissed = {k for k, r in self.reviews.items() if r.dismissed}
        return [f for f in self.report.findings if (f.rule, f.where) not in dismissed]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self._counted())

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self._counted())

    @property
    def agency(self) -> str:
        r = self.report
        return (r.agency or r.agency_short or "未识别机关") if r else ""


@dataclass
class BatchResult:
    name: str  # the archive's file name
    files: list[FileOutcome] = field(default_factory=list)  # members in archive order, then refused entries
    ignored: int = 0  # folders and system files (__MACOSX, Thumbs.db, …)

    @property
    def read(self) -> list[FileOutcome]:
        return [f for f in self.files if f.report is not None]

    @property
    def unreadable(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status in ("refused", "failed")]

    @property
    def same(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "same"]

    def repeats(self) -> list[tuple[FileOutcome, list[FileOutcome]]]:
        """Several different files of one agency-year: (the one kept as current, the others)."""
        groups: dict[tuple[int, int], list[FileOutcome]] = {}
        for f in self.read:
            if f.agency_id is not None and f.report.year is not None:
                groups.setdefault((f.agency_id, f.report.year), []).append(f)
        out = []
        for files in groups.values():
            if len(files) > 1:
                kept = max(
                    files, key=lambda f: f.report_id or 0
                )  # the store's current version: the newest row
                out.append((kept, [f for f in files if f is not kept]))
        return out


async def check_archive(
    checker: Checker, data: bytes, name: str, uploaded_by: str, progress: Progress | None = None
) -> BatchResult:
    """Check and store every report of the ZIP `data`. Raises ArchiveError when the archive is refused."""
    archive = await asyncio.to_thread(open_archive, data)
    result = BatchResult(name, ignored=archive.ignored)
    members = archive.members
    total = len(members)
    outcomes: list[FileOutcome | None] = [None] * total
    parsed: dict[int, tuple[Report, bytes]] = {}  # parsed, waiting for their turn to be saved
    done = 0
    saved_upto = 0
    save_lock = asyncio.Lock()
    slots = asyncio.Semaphore(max(1, checker.pool.workers * 2))
    seen: dict[str, str] = {}  # sha256 → the first file with those bytes

    async def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            try:
                await progress(done, total)
            except Exception:  # a failed status edit must not stop the check
                log.exception("progress callback failed")

    async def flush() -> None:
        """Save the parsed reports whose turn has come, in archive order."""
        nonlocal saved_upto
        async with save_lock:
            while saved_upto < total and (saved_upto in parsed or outcomes[saved_upto] is not None):
                i = saved_upto
                if i in parsed:
                    report, content = parsed.pop(i)
                    outcomes[i] = await _save(checker, members[i], report, content, uploaded_by)
                saved_upto += 1

    async def parse(i: int, member: Member, content: bytes) -> None:
        try:
            report = await checker.parse(content, member.name)
        except ReportError as exc:
            outcomes[i] = FileOutcome(member.path, "failed", reason=exc.zh)
        except Exception:
            log.exception("checking %s in an archive failed", member.path)
            outcomes[i] = FileOutcome(member.path, "failed", reason="解析时出错，已跳过。")
        else:
            parsed[i] = (report, content)
        finally:
            slots.release()
        await tick()
        await flush()

    tasks: list[asyncio.Task] = []
    try:
        for i, member in enumerate(members):
            await slots.acquire()
            try:
                content = await asyncio.to_thread(archive.read, member)
            except ReportError as exc:
                content, reason = None, exc.zh
            if content is not None and is_nested(member, content):
                content, reason = None, NESTED
            sha = hashlib.sha256(content).hexdigest() if content is not None else None
            if content is None or sha in seen:
                slots.release()
                outcomes[i] = (
                    FileOutcome(member.path, "refused", reason=reason)
                    if content is None
                    else FileOutcome(member.path, "same", same_as=seen[sha])
                )
                await tick()
                await flush()
                continue
            seen[sha] = member.path
            tasks.append(asyncio.create_task(parse(i, member, content)))
        await asyncio.gather(*tasks)
        await flush()
    finally:
        for task in tasks:
            task.cancel()
    result.files = [o for o in outcomes if o is not None]
    result.files += [FileOutcome(r.path, "refused", reason=r.reason) for r in archive.refused]
    return result


async def _save(
    checker: Checker, member: Member, report: Report, content: bytes, uploaded_by: str
) -> FileOutcome:
    from storage.store import StoreError

    try:
        saved = await checker.save(report, content, uploaded_by)
    except StoreError as exc:  # checked, but no year or agency to store it under
        return FileOutcome(member.path, "unsaved", report=report, reason=exc.zh)
    from bot.review import reviews_for

    return FileOutcome(
        member.path,
        saved.status,
        report=saved.report,
        report_id=saved.report_id,
        agency_id=saved.agency_id,
        reviews=await reviews_for(checker, saved.agency_id, saved.report.year),
    )
