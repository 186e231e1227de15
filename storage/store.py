"""The Store: every checked report kept, its agency recognised, years compared.

The Store takes and returns parser.model.Report. A report's tables live in `cells` (one row per
cell, NULL for blank), its prose facts in `facts`, its findings in `findings`, the rest of the
model (metadata, sources, paragraphs) as JSON in `reports.meta_json`. Each save is one write
transaction: a report lands whole or not at all.

Here: saving, versions (superseded, deleted, re-parsed) and YOY re-checks. The rows of one report
are written and read in storage.report_rows; the agencies' SQL is storage.agency_store.
"""

from __future__ import annotations

import asyncio
import os
from typing import Literal

from pydantic import BaseModel, Field

from parser.model import Finding, Report
from storage import agencies as names
from storage.agency_store import (
    AgencyInfo,
    agency_info,
    match_agencies,
    other_owners,
    record_alias,
    resolve_agency,
)
from storage.cells import active_layout
from storage.compare import Comparison, YearData, build_comparison
from storage.db import Database, default_db_path, report_filter
from storage.db import fetch_all as _all
from storage.db import fetch_one as _one
from storage.files import FileStore, files_dir_for, sha256_of
from storage.report_rows import (
    ExportTable,
    cells_of,
    delete_contents,
    export_table,
    facts_of,
    insert_contents,
    insert_findings,
    insert_report,
    load_report,
    meta_json,
)
from storage.reviews import OPEN, move_agency
from storage.yoy import check_yoy, without_yoy


class StoreError(Exception):
    """A request the store cannot serve; `zh` is the message for the user."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en


class SaveResult(BaseModel):
    status: Literal["new", "duplicate", "superseded"]
    report_id: int
    agency_id: int
    report: Report  # as stored: YOY findings appended, previous_year set
    superseded_id: int | None = None  # the earlier version this one replaced
    rechecked: list[int] = Field(default_factory=list)  # later reports whose YOY findings were redone


class ReportEntry(BaseModel):
    id: int
    agency_id: int
    agency: str
    year: int
    template: str | None
    format: str | None
    file: str | None
    sha256: str
    uploaded_by: str
    uploaded_at: str
    findings: int  # open ones: a dismissed finding (storage/reviews.py) does not count
    superseded_by: int | None = None

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None

    def list_json(self) -> dict:
        return {
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "file": self.file,
            "sha256": self.sha256,
            "findings": self.findings,
            "superseded": self.superseded,
        }


class AliasResult(BaseModel):
    agency_id: int
    merged_from: int | None = None  # the agency folded into this one, when the name was another's


class Store:
    def __init__(self, db: Database, files: FileStore):
        self.db = db
        self.files = files

    @classmethod
    async def open(cls, path: str | os.PathLike | None = None) -> Store:
        """Open (creating and migrating as needed) the database at `path`, default `default_db_path()`."""
        path = default_db_path() if path is None else path
        db = await Database.open(path)
        return cls(db, FileStore(files_dir_for(path)))

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ---- saving ----

    async def save(self, report: Report, data: bytes, uploaded_by: int | str) -> SaveResult:
        """Keep a checked report and its original file.

        The same bytes again return the stored report (status "duplicate"); a new file for an
        agency-year already stored supersedes the earlier version ("superseded"). YOY rules run
        against the previous year, and the following year's report is re-checked against this one.
        """
        if report.year is None:
            raise StoreError("无法保存：未能识别报告年度。", "cannot store: the report year is unknown")
        if not (report.agency or report.agency_short):
            raise StoreError("无法保存：未能识别报告机关名称。", "cannot store: the agency name is unknown")
        sha = sha256_of(data)
        # before the transaction: an orphan file is harmless, a missing one is not. On a thread: its fsync
        # must not hold up the event loop (the bot's other chats, an import's next files)
        await asyncio.to_thread(self.files.put, data, sha)
        async with self.db.write() as conn:
            existing = await _one(conn, "SELECT id, agency_id FROM reports WHERE sha256 = ?", (sha,))
            if existing:
                stored = await load_report(conn, existing["id"])
                return SaveResult(
                    status="duplicate",
                    report_id=existing["id"],
                    agency_id=existing["agency_id"],
                    report=stored,
                )
            agency_id = await resolve_agency(conn, report)
            # a shallow copy: only these top-level fields change, and the caller's report stays as it was
            report = report.model_copy(update={"sha256": sha, "findings": without_yoy(report.findings)})
            # the current versions of the year before, this year and the year after, in one query
            current = await _current_ids(conn, agency_id, (report.year - 1, report.year, report.year + 1))
            yoy, previous_year = await _yoy_against(
                conn, current.get(report.year - 1), report.year - 1, report
            )
            report.findings += yoy
            report.previous_year = previous_year
            old_id = current.get(report.year)
            new_id = await insert_report(conn, agency_id, report, sha, str(uploaded_by), len(yoy))
            if old_id is not None:
                await conn.execute("UPDATE reports SET superseded_by = ? WHERE id = ?", (new_id, old_id))
            rechecked = []
            next_id = current.get(report.year + 1)
            if next_id is not None:
                await _recheck(conn, next_id, previous=report)  # this report, as stored: no need to load it
                rechecked.append(next_id)
        # again, here: a delete of the same bytes may have removed it meanwhile (nearly always a stat alone)
        self.files.put(data, sha)
        return SaveResult(
            status="superseded" if old_id is not None else "new",
            report_id=new_id,
            agency_id=agency_id,
            report=report,
            superseded_id=old_id,
            rechecked=rechecked,
        )

    async def replace_parsed(self, report_id: int, report: Report) -> Report:
        """Put a re-parsed report in place of the stored one (same file, same upload), then re-check YOY."""
        async with self.db.write() as conn:
            row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            if row is None:
                raise StoreError("报告不存在。", f"no report {report_id}")
            if report.year is None or not (report.agency or report.agency_short):
                raise StoreError("重新解析后未能识别机关或年度。", "re-parsed report lacks agency or year")
            old_agency, old_year = row["agency_id"], row["year"]
            agency_id = await resolve_agency(conn, report)
            report = report.model_copy(
                update={
                    "sha256": row["sha256"],
                    "file": report.file or row["file_name"],
                    "findings": without_yoy(report.findings),
                }
            )
            await delete_contents(conn, report_id)
            await conn.execute(
                """UPDATE reports SET agency_id=?, year=?, template=?, format=?, agency_name=?, agency_short=?,
                   active_layout=?, meta_json=?, previous_year=NULL WHERE id=?""",
                (
                    agency_id,
                    report.year,
                    report.template,
                    report.format,
                    report.agency,
                    report.agency_short,
                    active_layout(report),
                    meta_json(report),
                    report_id,
                ),
            )
            await insert_contents(conn, report_id, report, yoy_count=0)
            for aid, year in {(old_agency, old_year), (agency_id, report.year)}:
                await _resupersede(conn, aid, year)
            for aid, year in {(old_agency, old_year), (agency_id, report.year)}:
                for y in (year, year + 1):
                    cur = await _current_id(conn, aid, y)
                    if cur is not None:
                        await _recheck(conn, cur)
            await _recheck(conn, report_id)
            return await load_report(conn, report_id)

    async def delete(self, report_id: int) -> bool:
        """Remove one stored report; an earlier version it superseded becomes current again."""
        async with self.db.write() as conn:
            row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            if row is None:
                return False
            await conn.execute(
                "UPDATE reports SET superseded_by = ? WHERE superseded_by = ?",
                (row["superseded_by"], report_id),
            )
            await conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            await _resupersede(conn, row["agency_id"], row["year"])
            for y in (row["year"], row["year"] + 1):
                cur = await _current_id(conn, row["agency_id"], y)
                if cur is not None:
                    await _recheck(conn, cur)
        async with self.db.read() as conn:  # another save may have stored the same bytes meanwhile
            still_used = await _one(conn, "SELECT 1 FROM reports WHERE sha256 = ?", (row["sha256"],))
        if not still_used:
            self.files.delete(row["sha256"])
        return True

    # ---- agencies ----

    async def find_agencies(self, query: str) -> list[AgencyInfo]:
        """Agencies a user's text may mean: exact name or alias, else a tail, else any part of a name.

        Several results mean the caller must let the user choose.
        """
        query = (query or "").strip()
        async with self.db.read() as conn:
            ids = [int(query)] if query.isdigit() else await match_agencies(conn, names.normalise(query))
            return [info for i in ids if (info := await agency_info(conn, i)) is not None]

    async def agency(self, agency_id: int) -> AgencyInfo | None:
        async with self.db.read() as conn:
            return await agency_info(conn, agency_id)

    async def add_alias(self, name: str, agency_id: int) -> AliasResult:
        """Let `name` find `agency_id`. When the name is another agency's own, the two are merged."""
        norm = names.normalise(name)
        if not norm:
            raise StoreError("别名不能为空。", "empty alias")
        async with self.db.write() as conn:
            if await _one(conn, "SELECT id FROM agencies WHERE id = ?", (agency_id,)) is None:
                raise StoreError("机关不存在。", f"no agency {agency_id}")
            owners = await other_owners(conn, norm, agency_id)
            merged = None
            if len(owners) == 1:
                merged = owners[0]
                await _merge(conn, merged, agency_id)
            await record_alias(conn, norm, agency_id, name.strip())
        return AliasResult(agency_id=agency_id, merged_from=merged)

    # ---- reading ----

    async def get(self, agency_id: int, year: int) -> Report | None:
        """The current (not superseded) report of an agency for a year."""
        async with self.db.read() as conn:
            rid = await _current_id(conn, agency_id, year)
            return await load_report(conn, rid) if rid is not None else None

    async def get_report(self, report_id: int) -> Report | None:
        async with self.db.read() as conn:
            if await _one(conn, "SELECT id FROM reports WHERE id = ?", (report_id,)) is None:
                return None
            return await load_report(conn, report_id)

    async def original(self, report_id: int) -> tuple[str | None, bytes]:
        """The original file name and bytes of a stored report."""
        async with self.db.read() as conn:
            row = await _one(conn, "SELECT file_name, sha256 FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise StoreError("报告不存在。", f"no report {report_id}")
        return row["file_name"], self.files.get(row["sha256"])

    async def stored_hashes(self) -> set[str]:
        async with self.db.read() as conn:
            return {r[0] for r in await _all(conn, "SELECT sha256 FROM reports", ())}

    async def list(
        self, agency_ids: list[int] | None = None, *, year: int | None = None, include_superseded: bool = True
    ) -> list[ReportEntry]:
        """Stored reports (history included unless asked), by agency, year and upload order."""
        where, params = report_filter(agency_ids, year, "1=1")
        if not include_superseded:
            where.append("r.superseded_by IS NULL")
        sql = f"""
            SELECT r.id, r.agency_id, a.name AS agency, r.year, r.template, r.format, r.file_name AS file, r.sha256,
                   r.uploaded_by, r.uploaded_at, r.superseded_by,
                   (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND {OPEN}) AS findings
            FROM reports r JOIN agencies a ON a.id = r.agency_id
            WHERE {" AND ".join(where)}
            ORDER BY a.name, r.agency_id, r.year, r.id"""
        async with self.db.read() as conn:
            rows = await _all(conn, sql, params)
        return [ReportEntry(**dict(r)) for r in rows]

    async def export_rows(self, year: int | None = None) -> ExportTable:
        """One row per agency-year (current versions) with every cell; blank cells stay empty."""
        async with self.db.read() as conn:
            return await export_table(conn, year)

    async def compare(self, agency_id: int, year_a: int, year_b: int) -> Comparison:
        async with self.db.read() as conn:
            agency = await _one(conn, "SELECT name FROM agencies WHERE id = ?", (agency_id,))
            if agency is None:
                raise StoreError("机关不存在。", f"no agency {agency_id}")
            data = []
            missing = []
            for year in (year_a, year_b):
                rid = await _current_id(conn, agency_id, year)
                if rid is None:
                    missing.append(year)
                    continue
                cells = dict(await cells_of(conn, rid))
                facts = await facts_of(conn, rid)
                data.append(YearData(year=year, cells=cells, facts=facts))
        if missing:
            years = "、".join(str(y) for y in missing)
            raise StoreError(
                f"{agency['name']} 没有 {years} 年度的报告。", f"no report of {agency['name']} for {years}"
            )
        return build_comparison(agency["name"], agency_id, data[0], data[1])


# ---- helpers (all run inside a transaction of the caller) ----


async def _current_id(conn, agency_id: int, year: int) -> int | None:
    row = await _one(
        conn,
        "SELECT id FROM reports WHERE agency_id = ? AND year = ? AND superseded_by IS NULL"
        " ORDER BY id DESC LIMIT 1",
        (agency_id, year),
    )
    return row["id"] if row else None


async def _current_ids(conn, agency_id: int, years: tuple[int, ...]) -> dict[int, int]:
    """_current_id of several years at once: year → id, for the years that have a report."""
    rows = await _all(
        conn,
        f"SELECT year, max(id) AS id FROM reports WHERE agency_id = ? AND year IN ({','.join('?' * len(years))})"
        " AND superseded_by IS NULL GROUP BY year",
        (agency_id, *years),
    )
    return {r["year"]: r["id"] for r in rows}


async def _yoy_for(conn, agency_id: int, year: int, report: Report) -> tuple[list[Finding], int | None]:
    return await _yoy_against(conn, await _current_id(conn, agency_id, year - 1), year - 1, report)


async def _yoy_against(
    conn, prev_id: int | None, prev_year: int, report: Report
) -> tuple[list[Finding], int | None]:
    """YOY findings of `report` against the stored report `prev_id` of `prev_year` (None: there is none)."""
    if prev_id is None:
        return [], None
    previous = await load_report(conn, prev_id)
    return check_yoy(previous, report), prev_year


async def _recheck(conn, report_id: int, previous: Report | None = None) -> None:
    """Redo a stored report's YOY findings against whatever previous year is stored now (`previous`:
    that report, when the caller has it in hand as stored)."""
    row = await _one(conn, "SELECT agency_id, year FROM reports WHERE id = ?", (report_id,))
    report = await load_report(conn, report_id)
    report.findings = without_yoy(report.findings)
    if previous is not None:
        yoy, previous_year = check_yoy(previous, report), row["year"] - 1
    else:
        yoy, previous_year = await _yoy_for(conn, row["agency_id"], row["year"], report)
    await conn.execute("DELETE FROM findings WHERE report_id = ? AND origin = 'yoy'", (report_id,))
    top = await _one(
        conn, "SELECT coalesce(max(seq) + 1, 0) AS n FROM findings WHERE report_id = ?", (report_id,)
    )
    await insert_findings(conn, report_id, [(f, "yoy") for f in yoy], start=top["n"])
    await conn.execute("UPDATE reports SET previous_year = ? WHERE id = ?", (previous_year, report_id))


async def _resupersede(conn, agency_id: int, year: int) -> None:
    """Chain an agency-year's versions in upload order: each superseded by the next, the last current."""
    ids = [
        r["id"]
        for r in await _all(
            conn, "SELECT id FROM reports WHERE agency_id = ? AND year = ? ORDER BY id", (agency_id, year)
        )
    ]
    for i, rid in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < len(ids) else None
        await conn.execute("UPDATE reports SET superseded_by = ? WHERE id = ?", (nxt, rid))


async def _merge(conn, source: int, target: int) -> None:
    """Fold agency `source` into `target`: names and reports move, versions and YOY are redone."""
    years = [
        r["year"]
        for r in await _all(conn, "SELECT DISTINCT year FROM reports WHERE agency_id = ?", (source,))
    ]
    await conn.execute("UPDATE reports SET agency_id = ? WHERE agency_id = ?", (target, source))
    await conn.execute(
        """INSERT OR IGNORE INTO agency_names (norm, agency_id, raw, kind)
                          SELECT norm, ?, raw, kind FROM agency_names WHERE agency_id = ?""",
        (target, source),
    )
    await move_agency(conn, source, target)
    await conn.execute("DELETE FROM agencies WHERE id = ?", (source,))
    for year in years:
        await _resupersede(conn, target, year)
    for rid in [
        r["id"]
        for r in await _all(
            conn, "SELECT id FROM reports WHERE agency_id = ? AND superseded_by IS NULL", (target,)
        )
    ]:
        await _recheck(conn, rid)
