"""A report's rows: the model written into `reports`, `cells`, `facts` and `findings`, read back, exported.

Every function runs inside the caller's transaction (storage.store holds the versions and YOY logic).
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from parser.model import Fact, Finding, Report
from storage.cells import active_layout, all_paths, flatten, unflatten
from storage.db import fetch_all as _all
from storage.db import fetch_one as _one
from storage.db import insert_row
from storage.db import utc_now as _now
from storage.reviews import OPEN

_EXCLUDE_FROM_META = {"active", "applications", "review_litigation", "facts", "findings", "previous_year"}


def meta_json(report: Report) -> str:
    return report.model_dump_json(exclude=_EXCLUDE_FROM_META)


async def insert_report(
    conn, agency_id: int, report: Report, sha: str, uploaded_by: str, yoy_count: int
) -> int:
    report_id = await insert_row(
        conn,
        """INSERT INTO reports (agency_id, year, template, format, file_name, sha256, uploaded_by, uploaded_at,
                                agency_name, agency_short, active_layout, meta_json, previous_year)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            agency_id,
            report.year,
            report.template,
            report.format,
            report.file,
            sha,
            uploaded_by,
            _now(),
            report.agency,
            report.agency_short,
            active_layout(report),
            meta_json(report),
            report.previous_year,
        ),
    )
    await insert_contents(conn, report_id, report, yoy_count)
    return report_id


async def insert_contents(conn, report_id: int, report: Report, yoy_count: int) -> None:
    """Cells, facts and findings; the last `yoy_count` findings are the store's own YOY ones."""
    await conn.executemany(
        "INSERT INTO cells (report_id, path, value) VALUES (?, ?, ?)",
        [(report_id, p, v) for p, v in flatten(report)],
    )
    await conn.executemany(
        """INSERT INTO facts (report_id, seq, kind, value, approx, unit, label, section, page, data_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                report_id,
                i,
                f.kind,
                f.value,
                int(f.approx),
                f.unit,
                f.label,
                f.section,
                f.page,
                f.model_dump_json(),
            )
            for i, f in enumerate(report.facts)
        ],
    )
    n = len(report.findings)
    await insert_findings(
        conn,
        report_id,
        [(f, "yoy" if i >= n - yoy_count else "check") for i, f in enumerate(report.findings)],
        start=0,
    )


async def insert_findings(conn, report_id: int, findings: list[tuple[Finding, str]], start: int) -> None:
    await conn.executemany(
        """INSERT INTO findings (report_id, seq, rule, severity, location, message, page, quote, origin)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (report_id, start + i, f.rule, f.severity, f.where, f.message, f.page, f.quote, origin)
            for i, (f, origin) in enumerate(findings)
        ],
    )


async def delete_contents(conn, report_id: int) -> None:
    for table in ("cells", "facts", "findings"):
        await conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))


async def load_report(conn, report_id: int) -> Report:
    row = await _one(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
    meta = json.loads(row["meta_json"])
    cells = await cells_of(conn, report_id)
    facts = await facts_of(conn, report_id)
    findings = [
        Finding(**dict(r))
        for r in await _all(
            conn,
            'SELECT rule, severity, location AS "where", message, page, quote FROM findings'
            " WHERE report_id = ? ORDER BY seq",
            (report_id,),
        )
    ]
    meta.update(unflatten(cells, row["active_layout"]))
    meta.update(facts=facts, findings=findings, previous_year=row["previous_year"], sha256=row["sha256"])
    return Report.model_validate(meta)


async def cells_of(conn, report_id: int) -> list[tuple[str, float | None]]:
    return [
        (r["path"], r["value"])
        for r in await _all(conn, "SELECT path, value FROM cells WHERE report_id = ?", (report_id,))
    ]


async def facts_of(conn, report_id: int) -> list[Fact]:
    return [
        Fact.model_validate_json(r["data_json"])
        for r in await _all(
            conn, "SELECT data_json FROM facts WHERE report_id = ? ORDER BY seq", (report_id,)
        )
    ]


# ---- export ----


class ExportTable(BaseModel):
    columns: list[str]
    rows: list[list[str | int | float | None]]


async def export_table(conn, year: int | None = None) -> ExportTable:
    """One row per agency-year (current versions) with every cell; blank cells stay empty."""
    where, params = "r.superseded_by IS NULL", []
    if year is not None:
        where += " AND r.year = ?"
        params.append(year)
    reports = await _all(
        conn,
        f"""
        SELECT r.id, a.name AS agency, a.short AS agency_short, r.agency_name, r.year, r.template,
               r.format, r.file_name, r.sha256, r.uploaded_by, r.uploaded_at,
               (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND {OPEN}) AS findings
        FROM reports r JOIN agencies a ON a.id = r.agency_id
        WHERE {where} ORDER BY a.name, r.agency_id, r.year""",
        params,
    )
    cells = await _all(
        conn,
        f"""
        SELECT c.report_id, c.path, c.value FROM cells c JOIN reports r ON r.id = c.report_id
        WHERE {where}""",
        params,
    )
    by_report: dict[int, dict[str, float | None]] = {}
    for c in cells:
        by_report.setdefault(c["report_id"], {})[c["path"]] = c["value"]
    present = {p for d in by_report.values() for p in d}
    paths = [p for p in all_paths() if p in present]
    head = [
        "agency",
        "agency_short",
        "agency_as_printed",
        "year",
        "template",
        "format",
        "file",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "findings",
    ]
    rows = []
    for r in reports:
        d = by_report.get(r["id"], {})
        rows.append(
            [
                r["agency"],
                r["agency_short"],
                r["agency_name"],
                r["year"],
                r["template"],
                r["format"],
                r["file_name"],
                r["sha256"],
                r["uploaded_by"],
                r["uploaded_at"],
                r["findings"],
            ]
            + [_plain(d.get(p)) for p in paths]
        )
    return ExportTable(columns=head + paths, rows=rows)


def _plain(value: float | None) -> int | float | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
