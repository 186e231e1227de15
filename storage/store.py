"""The Store: every checked report kept, its agency recognised, years compared.

The Store takes and returns parser.model.Report. A report's tables live in `cells` (one row per
cell, NULL for blank), its prose facts in `facts`, its findings in `findings`, the rest of the
model (metadata, sources, paragraphs) as JSON in `reports.meta_json`. Each save is one write
transaction: a report lands whole or not at all.
"""

from __future__ import annotations

import json
import os
from typing import Literal

from pydantic import BaseModel, Field

from parser.model import Fact, Finding, Report
from storage import agencies as names
from storage.cells import active_layout, all_paths, flatten, unflatten
from storage.compare import Comparison, YearData, build_comparison
from storage.db import Database, default_db_path
from storage.db import fetch_all as _all
from storage.db import utc_now as _now
from storage.files import FileStore, files_dir_for, sha256_of
from storage.reviews import OPEN, move_agency
from storage.yoy import check_yoy, without_yoy

_EXCLUDE_FROM_META = {"active", "applications", "review_litigation", "facts", "findings", "previous_year"}


class StoreError(Exception):
    """A request the store cannot serve; `zh` is the message for the user."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en


class AgencyInfo(BaseModel):
    id: int
    name: str
    short: str | None = None
    names: list[str] = Field(default_factory=list)  # every name and alias, as printed
    years: list[int] = Field(default_factory=list)  # years with a current report


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
        return {"agency": self.agency, "year": self.year, "template": self.template, "file": self.file,
                "sha256": self.sha256, "findings": self.findings, "superseded": self.superseded}


class AliasResult(BaseModel):
    agency_id: int
    merged_from: int | None = None  # the agency folded into this one, when the name was another's


class ExportTable(BaseModel):
    columns: list[str]
    rows: list[list[str | int | float | None]]


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
        self.files.put(data, sha)  # before the transaction: an orphan file is harmless, a missing one is not
        async with self.db.write() as conn:
            existing = await _one(conn, "SELECT id, agency_id FROM reports WHERE sha256 = ?", (sha,))
            if existing:
                stored = await _load(conn, existing["id"])
                return SaveResult(status="duplicate", report_id=existing["id"], agency_id=existing["agency_id"],
                                  report=stored)
            agency_id = await _resolve_agency(conn, report)
            report = report.model_copy(deep=True)
            report.sha256 = sha
            report.findings = without_yoy(report.findings)
            yoy, previous_year = await _yoy_for(conn, agency_id, report.year, report)
            report.findings += yoy
            report.previous_year = previous_year
            old_id = await _current_id(conn, agency_id, report.year)
            new_id = await _insert(conn, agency_id, report, sha, str(uploaded_by), len(yoy))
            if old_id is not None:
                await conn.execute("UPDATE reports SET superseded_by = ? WHERE id = ?", (new_id, old_id))
            rechecked = []
            next_id = await _current_id(conn, agency_id, report.year + 1)
            if next_id is not None:
                await _recheck(conn, next_id)
                rechecked.append(next_id)
        self.files.put(data, sha)  # again: a delete of the same bytes may have removed it meanwhile
        return SaveResult(status="superseded" if old_id is not None else "new", report_id=new_id,
                          agency_id=agency_id, report=report, superseded_id=old_id, rechecked=rechecked)

    async def replace_parsed(self, report_id: int, report: Report) -> Report:
        """Put a re-parsed report in place of the stored one (same file, same upload), then re-check YOY."""
        async with self.db.write() as conn:
            row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            if row is None:
                raise StoreError("报告不存在。", f"no report {report_id}")
            if report.year is None or not (report.agency or report.agency_short):
                raise StoreError("重新解析后未能识别机关或年度。", "re-parsed report lacks agency or year")
            old_agency, old_year = row["agency_id"], row["year"]
            agency_id = await _resolve_agency(conn, report)
            report = report.model_copy(deep=True)
            report.sha256 = row["sha256"]
            report.file = report.file or row["file_name"]
            report.findings = without_yoy(report.findings)
            await _delete_contents(conn, report_id)
            await conn.execute(
                """UPDATE reports SET agency_id=?, year=?, template=?, format=?, agency_name=?, agency_short=?,
                   active_layout=?, meta_json=?, previous_year=NULL WHERE id=?""",
                (agency_id, report.year, report.template, report.format, report.agency, report.agency_short,
                 active_layout(report), _meta_json(report), report_id))
            await _insert_contents(conn, report_id, report, yoy_count=0)
            for aid, year in {(old_agency, old_year), (agency_id, report.year)}:
                await _resupersede(conn, aid, year)
            for aid, year in {(old_agency, old_year), (agency_id, report.year)}:
                for y in (year, year + 1):
                    cur = await _current_id(conn, aid, y)
                    if cur is not None:
                        await _recheck(conn, cur)
            await _recheck(conn, report_id)
            return await _load(conn, report_id)

    async def delete(self, report_id: int) -> bool:
        """Remove one stored report; an earlier version it superseded becomes current again."""
        async with self.db.write() as conn:
            row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            if row is None:
                return False
            await conn.execute("UPDATE reports SET superseded_by = ? WHERE superseded_by = ?",
                               (row["superseded_by"], report_id))
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
            if query.isdigit():
                ids = [r["id"] for r in await _all(conn, "SELECT id FROM agencies WHERE id = ?", (int(query),))]
            else:
                ids = await _match_agencies(conn, names.normalise(query))
            return [await _agency_info(conn, i) for i in ids]

    async def agency(self, agency_id: int) -> AgencyInfo | None:
        async with self.db.read() as conn:
            if await _one(conn, "SELECT id FROM agencies WHERE id = ?", (agency_id,)) is None:
                return None
            return await _agency_info(conn, agency_id)

    async def add_alias(self, name: str, agency_id: int) -> AliasResult:
        """Let `name` find `agency_id`. When the name is another agency's own, the two are merged."""
        norm = names.normalise(name)
        if not norm:
            raise StoreError("别名不能为空。", "empty alias")
        async with self.db.write() as conn:
            if await _one(conn, "SELECT id FROM agencies WHERE id = ?", (agency_id,)) is None:
                raise StoreError("机关不存在。", f"no agency {agency_id}")
            owners = [r["agency_id"] for r in await _all(
                conn, "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? AND kind IN ('name','alias')"
                      " AND agency_id != ?", (norm, agency_id))]
            merged = None
            if len(owners) == 1:
                merged = owners[0]
                await _merge(conn, merged, agency_id)
            await conn.execute(
                "INSERT INTO agency_names (norm, agency_id, raw, kind) VALUES (?, ?, ?, 'alias')"
                " ON CONFLICT (norm, agency_id) DO UPDATE SET kind = 'alias', raw = excluded.raw",
                (norm, agency_id, name.strip()))
        return AliasResult(agency_id=agency_id, merged_from=merged)

    # ---- reading ----

    async def get(self, agency_id: int, year: int) -> Report | None:
        """The current (not superseded) report of an agency for a year."""
        async with self.db.read() as conn:
            rid = await _current_id(conn, agency_id, year)
            return await _load(conn, rid) if rid is not None else None

    async def get_report(self, report_id: int) -> Report | None:
        async with self.db.read() as conn:
            if await _one(conn, "SELECT id FROM reports WHERE id = ?", (report_id,)) is None:
                return None
            return await _load(conn, report_id)

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

    async def list(self, agency_ids: list[int] | None = None, *, year: int | None = None,
                   include_superseded: bool = True) -> list[ReportEntry]:
        """Stored reports (history included unless asked), by agency, year and upload order."""
        where, params = ["1=1"], []
        if agency_ids is not None:
            where.append(f"r.agency_id IN ({','.join('?' * len(agency_ids)) or 'NULL'})")
            params += agency_ids
        if year is not None:
            where.append("r.year = ?")
            params.append(year)
        if not include_superseded:
            where.append("r.superseded_by IS NULL")
        sql = f"""
            SELECT r.id, r.agency_id, a.name AS agency, r.year, r.template, r.format, r.file_name, r.sha256,
                   r.uploaded_by, r.uploaded_at, r.superseded_by,
                   (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND {OPEN}) AS findings
            FROM reports r JOIN agencies a ON a.id = r.agency_id
            WHERE {' AND '.join(where)}
            ORDER BY a.name, r.agency_id, r.year, r.id"""
        async with self.db.read() as conn:
            rows = await _all(conn, sql, params)
        return [ReportEntry(id=r["id"], agency_id=r["agency_id"], agency=r["agency"], year=r["year"],
                            template=r["template"], format=r["format"], file=r["file_name"], sha256=r["sha256"],
                            uploaded_by=r["uploaded_by"], uploaded_at=r["uploaded_at"], findings=r["findings"],
                            superseded_by=r["superseded_by"]) for r in rows]

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
                cells = {r["path"]: r["value"] for r in await _all(
                    conn, "SELECT path, value FROM cells WHERE report_id = ?", (rid,))}
                facts = [Fact.model_validate_json(r["data_json"]) for r in await _all(
                    conn, "SELECT data_json FROM facts WHERE report_id = ? ORDER BY seq", (rid,))]
                data.append(YearData(year=year, cells=cells, facts=facts))
        if missing:
            years = "、".join(str(y) for y in missing)
            raise StoreError(f"{agency['name']} 没有 {years} 年度的报告。",
                             f"no report of {agency['name']} for {years}")
        return build_comparison(agency["name"], agency_id, data[0], data[1])

    async def export_rows(self, year: int | None = None) -> ExportTable:
        """One row per agency-year (current versions) with every cell; blank cells stay empty."""
        where, params = "r.superseded_by IS NULL", []
        if year is not None:
            where += " AND r.year = ?"
            params.append(year)
        async with self.db.read() as conn:
            reports = await _all(conn, f"""
                SELECT r.id, a.name AS agency, a.short AS agency_short, r.agency_name, r.year, r.template,
                       r.format, r.file_name, r.sha256, r.uploaded_by, r.uploaded_at,
                       (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND {OPEN}) AS findings
                FROM reports r JOIN agencies a ON a.id = r.agency_id
                WHERE {where} ORDER BY a.name, r.agency_id, r.year""", params)
            cells = await _all(conn, f"""
                SELECT c.report_id, c.path, c.value FROM cells c JOIN reports r ON r.id = c.report_id
                WHERE {where}""", params)
        by_report: dict[int, dict[str, float | None]] = {}
        for c in cells:
            by_report.setdefault(c["report_id"], {})[c["path"]] = c["value"]
        present = {p for d in by_report.values() for p in d}
        paths = [p for p in all_paths() if p in present]
        head = ["agency", "agency_short", "agency_as_printed", "year", "template", "format", "file", "sha256",
                "uploaded_by", "uploaded_at", "findings"]
        rows = []
        for r in reports:
            d = by_report.get(r["id"], {})
            rows.append([r["agency"], r["agency_short"], r["agency_name"], r["year"], r["template"], r["format"],
                         r["file_name"], r["sha256"], r["uploaded_by"], r["uploaded_at"], r["findings"]]
                        + [_plain(d.get(p)) for p in paths])
        return ExportTable(columns=head + paths, rows=rows)


# ---- helpers (all run inside a transaction of the caller) ----


async def _one(conn, sql: str, params=()):
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


def _plain(value: float | None) -> int | float | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _meta_json(report: Report) -> str:
    return report.model_dump_json(exclude=_EXCLUDE_FROM_META)


async def _current_id(conn, agency_id: int, year: int) -> int | None:
    row = await _one(conn, "SELECT id FROM reports WHERE agency_id = ? AND year = ? AND superseded_by IS NULL"
                           " ORDER BY id DESC LIMIT 1", (agency_id, year))
    return row["id"] if row else None


async def _insert(conn, agency_id: int, report: Report, sha: str, uploaded_by: str, yoy_count: int) -> int:
    async with conn.execute(
        """INSERT INTO reports (agency_id, year, template, format, file_name, sha256, uploaded_by, uploaded_at,
                                agency_name, agency_short, active_layout, meta_json, previous_year)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (agency_id, report.year, report.template, report.format, report.file, sha, uploaded_by, _now(),
         report.agency, report.agency_short, active_layout(report), _meta_json(report), report.previous_year),
    ) as cur:
        report_id = cur.lastrowid
    await _insert_contents(conn, report_id, report, yoy_count)
    return report_id


async def _insert_contents(conn, report_id: int, report: Report, yoy_count: int) -> None:
    """Cells, facts and findings; the last `yoy_count` findings are the store's own YOY ones."""
    await conn.executemany("INSERT INTO cells (report_id, path, value) VALUES (?, ?, ?)",
                           [(report_id, p, v) for p, v in flatten(report)])
    await conn.executemany(
        """INSERT INTO facts (report_id, seq, kind, value, approx, unit, label, section, page, data_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(report_id, i, f.kind, f.value, int(f.approx), f.unit, f.label, f.section, f.page, f.model_dump_json())
         for i, f in enumerate(report.facts)])
    n = len(report.findings)
    await _insert_findings(conn, report_id, [
        (f, "yoy" if i >= n - yoy_count else "check") for i, f in enumerate(report.findings)], start=0)


async def _insert_findings(conn, report_id: int, findings: list[tuple[Finding, str]], start: int) -> None:
    await conn.executemany(
        """INSERT INTO findings (report_id, seq, rule, severity, location, message, page, quote, origin)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(report_id, start + i, f.rule, f.severity, f.where, f.message, f.page, f.quote, origin)
         for i, (f, origin) in enumerate(findings)])


async def _delete_contents(conn, report_id: int) -> None:
    for table in ("cells", "facts", "findings"):
        await conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))


async def _load(conn, report_id: int) -> Report:
    row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
    meta = json.loads(row["meta_json"])
    cells = [(r["path"], r["value"]) for r in await _all(
        conn, "SELECT path, value FROM cells WHERE report_id = ?", (report_id,))]
    facts = [Fact.model_validate_json(r["data_json"]) for r in await _all(
        conn, "SELECT data_json FROM facts WHERE report_id = ? ORDER BY seq", (report_id,))]
    findings = [Finding(rule=r["rule"], severity=r["severity"], where=r["location"], message=r["message"],
                        page=r["page"], quote=r["quote"]) for r in await _all(
        conn, "SELECT * FROM findings WHERE report_id = ? ORDER BY seq", (report_id,))]
    meta.update(unflatten(cells, row["active_layout"]))
    meta.update(facts=facts, findings=findings, previous_year=row["previous_year"], sha256=row["sha256"])
    return Report.model_validate(meta)


async def _yoy_for(conn, agency_id: int, year: int, report: Report) -> tuple[list[Finding], int | None]:
    prev_id = await _current_id(conn, agency_id, year - 1)
    if prev_id is None:
        return [], None
    previous = await _load(conn, prev_id)
    return check_yoy(previous, report), year - 1


async def _recheck(conn, report_id: int) -> None:
    """Redo a stored report's YOY findings against whatever previous year is stored now."""
    row = await _one(conn, "SELECT agency_id, year FROM reports WHERE id = ?", (report_id,))
    report = await _load(conn, report_id)
    report.findings = without_yoy(report.findings)
    yoy, previous_year = await _yoy_for(conn, row["agency_id"], row["year"], report)
    await conn.execute("DELETE FROM findings WHERE report_id = ? AND origin = 'yoy'", (report_id,))
    top = await _one(conn, "SELECT coalesce(max(seq) + 1, 0) AS n FROM findings WHERE report_id = ?", (report_id,))
    await _insert_findings(conn, report_id, [(f, "yoy") for f in yoy], start=top["n"])
    await conn.execute("UPDATE reports SET previous_year = ? WHERE id = ?", (previous_year, report_id))


async def _resupersede(conn, agency_id: int, year: int) -> None:
    """Chain an agency-year's versions in upload order: each superseded by the next, the last current."""
    ids = [r["id"] for r in await _all(conn, "SELECT id FROM reports WHERE agency_id = ? AND year = ? ORDER BY id",
                                       (agency_id, year))]
    for i, rid in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < len(ids) else None
        await conn.execute("UPDATE reports SET superseded_by = ? WHERE id = ?", (nxt, rid))


async def _names_of(conn, agency_id: int, kinds=("name",)) -> list[str]:
    q = ",".join("?" * len(kinds))
    return [r["norm"] for r in await _all(
        conn, f"SELECT norm FROM agency_names WHERE agency_id = ? AND kind IN ({q})", (agency_id, *kinds))]


async def _resolve_agency(conn, report: Report) -> int:
    """The agency a report belongs to, created when none fits; its names are recorded."""
    raw = (report.agency or report.agency_short).strip()
    norm = names.normalise(raw)
    exact = [r["agency_id"] for r in await _all(
        conn, "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? AND kind IN ('name','alias')", (norm,))]
    agency_id = None
    if len(exact) == 1:
        agency_id = exact[0]
    elif len(exact) > 1:
        # Several agencies share this exact name: take one known by no longer name, else stay apart.
        plain = [a for a in exact if set(await _names_of(conn, a)) <= {norm}]
        agency_id = plain[0] if len(plain) == 1 else None
    else:
        rows = await _all(conn, """SELECT agency_id, norm FROM agency_names WHERE kind IN ('name','alias')
                                   AND (norm LIKE '%' || ? OR ? LIKE '%' || norm)""", (norm, norm))
        candidates = {r["agency_id"] for r in rows if names.compatible(r["norm"], norm)}
        fitting = [a for a in sorted(candidates) if names.same_agency(norm, await _names_of(conn, a))]
        if len(fitting) == 1:
            agency_id = fitting[0]
    if agency_id is None:
        async with conn.execute("INSERT INTO agencies (name, short, created_at) VALUES (?, ?, ?)",
                                (raw, report.agency_short, _now())) as cur:
            agency_id = cur.lastrowid
    else:
        current = await _one(conn, "SELECT name, short FROM agencies WHERE id = ?", (agency_id,))
        if len(norm) > len(names.normalise(current["name"])):
            await conn.execute("UPDATE agencies SET name = ? WHERE id = ?", (raw, agency_id))
        if not current["short"] and report.agency_short:
            await conn.execute("UPDATE agencies SET short = ? WHERE id = ?", (report.agency_short, agency_id))
    await conn.execute("INSERT OR IGNORE INTO agency_names (norm, agency_id, raw, kind) VALUES (?, ?, ?, 'name')",
                       (norm, agency_id, raw))
    if report.agency_short:
        short_norm = names.normalise(report.agency_short)
        if short_norm:
            await conn.execute(
                "INSERT OR IGNORE INTO agency_names (norm, agency_id, raw, kind) VALUES (?, ?, ?, 'short')",
                (short_norm, agency_id, report.agency_short.strip()))
    return agency_id


async def _match_agencies(conn, norm: str) -> list[int]:
    if not norm:
        return []
    exact = await _all(conn, "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? ORDER BY agency_id", (norm,))
    if exact:
        return [r["agency_id"] for r in exact]
    rows = await _all(conn, "SELECT agency_id, norm FROM agency_names WHERE norm LIKE '%' || ? || '%'", (norm,))
    tails = sorted({r["agency_id"] for r in rows if names.tail_match(r["norm"], norm)})
    if tails:
        return tails
    return sorted({r["agency_id"] for r in rows})


async def _agency_info(conn, agency_id: int) -> AgencyInfo:
    a = await _one(conn, "SELECT id, name, short FROM agencies WHERE id = ?", (agency_id,))
    raw = [r["raw"] for r in await _all(conn, "SELECT DISTINCT raw FROM agency_names WHERE agency_id = ? ORDER BY raw",
                                        (agency_id,))]
    years = [r["year"] for r in await _all(
        conn, "SELECT DISTINCT year FROM reports WHERE agency_id = ? AND superseded_by IS NULL ORDER BY year",
        (agency_id,))]
    return AgencyInfo(id=a["id"], name=a["name"], short=a["short"], names=raw, years=years)


async def _merge(conn, source: int, target: int) -> None:
    """Fold agency `source` into `target`: names and reports move, versions and YOY are redone."""
    years = [r["year"] for r in await _all(conn, "SELECT DISTINCT year FROM reports WHERE agency_id = ?", (source,))]
    await conn.execute("UPDATE reports SET agency_id = ? WHERE agency_id = ?", (target, source))
    await conn.execute("""INSERT OR IGNORE INTO agency_names (norm, agency_id, raw, kind)
                          SELECT norm, ?, raw, kind FROM agency_names WHERE agency_id = ?""", (target, source))
    await move_agency(conn, source, target)
    await conn.execute("DELETE FROM agencies WHERE id = ?", (source,))
    for year in years:
        await _resupersede(conn, target, year)
    for rid in [r["id"] for r in await _all(conn, "SELECT id FROM reports WHERE agency_id = ? AND superseded_by IS NULL",
                                            (target,))]:
        await _recheck(conn, rid)
