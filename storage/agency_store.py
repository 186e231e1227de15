"""The agencies in the database: which stored agency a report, or a user's words, mean.

The name logic itself (normalising, tails at a place unit) is storage.agencies; this module holds
the SQL over `agencies` and `agency_names`. Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from parser.model import Report
from storage import agencies as names
from storage.db import fetch_all as _all
from storage.db import fetch_one as _one
from storage.db import insert_row
from storage.db import utc_now as _now


class AgencyInfo(BaseModel):
    id: int
    name: str
    short: str | None = None
    names: list[str] = Field(default_factory=list)  # every name and alias, as printed
    years: list[int] = Field(default_factory=list)  # years with a current report


async def names_of(conn, agency_id: int, kinds=("name",)) -> list[str]:
    q = ",".join("?" * len(kinds))
    return [
        r["norm"]
        for r in await _all(
            conn, f"SELECT norm FROM agency_names WHERE agency_id = ? AND kind IN ({q})", (agency_id, *kinds)
        )
    ]


async def resolve_agency(conn, report: Report) -> int:
    """The agency a report belongs to, created when none fits; its names are recorded."""
    raw = (report.agency or report.agency_short).strip()
    norm = names.normalise(raw)
    exact = [
        r["agency_id"]
        for r in await _all(
            conn,
            "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? AND kind IN ('name','alias')",
            (norm,),
        )
    ]
    agency_id = None
    if len(exact) == 1:
        agency_id = exact[0]
    elif len(exact) > 1:
        # Several agencies share this exact name: take one known by no longer name, else stay apart.
        plain = [a for a in exact if set(await names_of(conn, a)) <= {norm}]
        agency_id = plain[0] if len(plain) == 1 else None
    else:
        rows = await _all(
            conn,
            """SELECT agency_id, norm FROM agency_names WHERE kind IN ('name','alias')
                                   AND (norm LIKE '%' || ? OR ? LIKE '%' || norm)""",
            (norm, norm),
        )
        candidates = {r["agency_id"] for r in rows if names.compatible(r["norm"], norm)}
        fitting = [a for a in sorted(candidates) if names.same_agency(norm, await names_of(conn, a))]
        if len(fitting) == 1:
            agency_id = fitting[0]
    if agency_id is None:
        agency_id = await insert_row(
            conn,
            "INSERT INTO agencies (name, short, created_at) VALUES (?, ?, ?)",
            (raw, report.agency_short, _now()),
        )
    else:
        current = await _one(conn, "SELECT name, short FROM agencies WHERE id = ?", (agency_id,))
        if len(norm) > len(names.normalise(current["name"])):
            await conn.execute("UPDATE agencies SET name = ? WHERE id = ?", (raw, agency_id))
        if not current["short"] and report.agency_short:
            await conn.execute("UPDATE agencies SET short = ? WHERE id = ?", (report.agency_short, agency_id))
    known = [(norm, agency_id, raw, "name")]
    if report.agency_short:
        short_norm = names.normalise(report.agency_short)
        if short_norm:
            known.append((short_norm, agency_id, report.agency_short.strip(), "short"))
    await conn.executemany(
        "INSERT OR IGNORE INTO agency_names (norm, agency_id, raw, kind) VALUES (?, ?, ?, ?)", known
    )
    return agency_id


async def match_agencies(conn, norm: str) -> list[int]:
    if not norm:
        return []
    exact = await _all(
        conn, "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? ORDER BY agency_id", (norm,)
    )
    if exact:
        return [r["agency_id"] for r in exact]
    rows = await _all(
        conn, "SELECT agency_id, norm FROM agency_names WHERE norm LIKE '%' || ? || '%'", (norm,)
    )
    tails = sorted({r["agency_id"] for r in rows if names.tail_match(r["norm"], norm)})
    if tails:
        return tails
    return sorted({r["agency_id"] for r in rows})


async def agency_info(conn, agency_id: int) -> AgencyInfo | None:
    a = await _one(conn, "SELECT id, name, short FROM agencies WHERE id = ?", (agency_id,))
    if a is None:
        return None
    raw = [
        r["raw"]
        for r in await _all(
            conn, "SELECT DISTINCT raw FROM agency_names WHERE agency_id = ? ORDER BY raw", (agency_id,)
        )
    ]
    years = [
        r["year"]
        for r in await _all(
            conn,
            "SELECT DISTINCT year FROM reports WHERE agency_id = ? AND superseded_by IS NULL ORDER BY year",
            (agency_id,),
        )
    ]
    return AgencyInfo(id=a["id"], name=a["name"], short=a["short"], names=raw, years=years)


async def other_owners(conn, norm: str, agency_id: int) -> list[int]:
    """The other agencies whose own name or alias `norm` is (an alias given to one of them means a merge)."""
    return [
        r["agency_id"]
        for r in await _all(
            conn,
            "SELECT DISTINCT agency_id FROM agency_names WHERE norm = ? AND kind IN ('name','alias')"
            " AND agency_id != ?",
            (norm, agency_id),
        )
    ]


async def record_alias(conn, norm: str, agency_id: int, raw: str) -> None:
    await conn.execute(
        "INSERT INTO agency_names (norm, agency_id, raw, kind) VALUES (?, ?, ?, 'alias')"
        " ON CONFLICT (norm, agency_id) DO UPDATE SET kind = 'alias', raw = excluded.raw",
        (norm, agency_id, raw),
    )
