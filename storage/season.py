"""What the season views read: a year's current reports with their finding counts, findings and cells.

Plain SQL over the store's tables: a report's signature date lives in its `meta_json` and is read
with json_extract. Only current (not superseded) reports count, and only findings not dismissed
(storage/reviews.py); `findings` lists the dismissed ones too, with who dismissed them, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.db import Database
from storage.db import fetch_all as _all
from storage.reviews import OPEN


@dataclass(frozen=True)
class StoredReport:
    """One agency's current report of a year, as the season views need it."""

    report_id: int
    agency_id: int
    agency: str  # the stored agency's name (the fullest seen)
    file: str | None
    uploaded_at: str  # UTC ISO
    published: date | None  # the date under the signature
    template: str | None
    active_layout: str | None  # '2021' | '2019' | None: the layout of table 2's cells
    errors: int
    warnings: int


@dataclass(frozen=True)
class StoredFinding:
    agency_id: int
    agency: str
    year: int
    rule: str
    severity: str
    where: str
    message: str
    page: int | None
    quote: str | None
    verdict: str | None = None  # 'confirmed' | 'dismissed' | None (not reviewed)
    reviewed_by: str | None = None
    reviewed_at: str | None = None  # UTC ISO
    reason: str | None = None

    @property
    def dismissed(self) -> bool:
        return self.verdict == "dismissed"


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def current_reports(db: Database, year: int) -> list[StoredReport]:
    """Every agency's current report for `year`, by agency name."""
    async with db.read() as conn:
        rows = await _all(
            conn,
            f"""
            SELECT r.id, r.agency_id, a.name AS agency, r.file_name, r.uploaded_at, r.template, r.active_layout,
                   json_extract(r.meta_json, '$.published') AS published,
                   (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND f.severity = 'error' AND {OPEN}) AS errors,
                   (SELECT count(*) FROM findings f WHERE f.report_id = r.id AND f.severity = 'warning' AND {OPEN}) AS warnings
            FROM reports r JOIN agencies a ON a.id = r.agency_id
            WHERE r.year = ? AND r.superseded_by IS NULL
            ORDER BY a.name, r.agency_id""",
            (year,),
        )
    return [
        StoredReport(
            r["id"],
            r["agency_id"],
            r["agency"],
            r["file_name"],
            r["uploaded_at"],
            _date(r["published"]),
            r["template"],
            r["active_layout"],
            r["errors"],
            r["warnings"],
        )
        for r in rows
    ]


async def findings(db: Database, year: int) -> list[StoredFinding]:
    """The findings of every current report of `year`: by agency, errors before warnings, in report order."""
    async with db.read() as conn:
        rows = await _all(
            conn,
            """
            SELECT r.agency_id, a.name AS agency, r.year, f.rule, f.severity, f.location, f.message, f.page, f.quote,
                   v.verdict, coalesce(v.user_name, v.user_id) AS reviewed_by, v.at AS reviewed_at, v.reason
            FROM findings f JOIN reports r ON r.id = f.report_id JOIN agencies a ON a.id = r.agency_id
            LEFT JOIN reviews v ON v.agency_id = r.agency_id AND v.year = r.year AND v.rule = f.rule
                                   AND v.location = f.location
            WHERE r.year = ? AND r.superseded_by IS NULL
            ORDER BY a.name, r.agency_id, f.severity = 'warning', f.seq""",
            (year,),
        )
    return [
        StoredFinding(
            r["agency_id"],
            r["agency"],
            r["year"],
            r["rule"],
            r["severity"],
            r["location"],
            r["message"],
            r["page"],
            r["quote"],
            r["verdict"],
            r["reviewed_by"],
            r["reviewed_at"],
            r["reason"],
        )
        for r in rows
    ]


async def cells(db: Database, report_ids: list[int]) -> dict[int, dict[str, float | None]]:
    """The table cells of these reports: report id → path → value (None for a blank cell)."""
    if not report_ids:
        return {}
    q = ",".join("?" * len(report_ids))
    async with db.read() as conn:
        rows = await _all(
            conn, f"SELECT report_id, path, value FROM cells WHERE report_id IN ({q})", report_ids
        )
    out: dict[int, dict[str, float | None]] = {rid: {} for rid in report_ids}
    for r in rows:
        out[r["report_id"]][r["path"]] = r["value"]
    return out


async def error_counts(db: Database, year: int) -> dict[int, int]:
    """Agency id → errors open in its current report of `year` (agencies with none left out)."""
    async with db.read() as conn:
        rows = await _all(
            conn,
            f"""
            SELECT r.agency_id, count(*) AS n FROM findings f JOIN reports r ON r.id = f.report_id
            WHERE r.year = ? AND r.superseded_by IS NULL AND f.severity = 'error' AND {OPEN}
            GROUP BY r.agency_id""",
            (year,),
        )
    return {r["agency_id"]: r["n"] for r in rows}
