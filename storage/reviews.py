"""Reviews of findings: staff mark a finding 属实 (confirmed) or 不是问题 (dismissed).

A finding's identity is (agency, year, rule, where) — never a row id, which re-parsing renumbers —
so a verdict holds for every version of that agency-year's report: the same file sent again, a
`reparse`, a new parser version or a corrected report that still raises the finding. Its short key
(`finding_key`, ten hex digits of a hash of the identity) is what the bot's buttons carry and what
`nianbao findings` lists; it is resolved here against the findings and reviews stored.

A dismissed finding no longer counts: `OPEN` is the SQL condition the season, reminders, lists and
exports use (a finding `f` of a report `r`). `reviews` holds each finding's current verdict; every
verdict, reason and undo is also kept in `review_log`, so nothing said about a finding is lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Literal

from storage.db import Database, report_filter
from storage.db import fetch_all as _all
from storage.db import utc_now as _now

Verdict = Literal["confirmed", "dismissed"]
VERDICTS: tuple[Verdict, ...] = ("confirmed", "dismissed")
Action = Literal["confirmed", "dismissed", "reason", "undone"]
KEY_LENGTH = 10

_DISMISSED = """EXISTS (SELECT 1 FROM reviews v WHERE v.agency_id = r.agency_id AND v.year = r.year
                AND v.rule = f.rule AND v.location = f.location AND v.verdict = 'dismissed')"""
OPEN = f"NOT {_DISMISSED}"  # a finding f of report r that counts


@dataclass(frozen=True)
class Identity:
    agency_id: int
    year: int
    rule: str
    where: str

    @property
    def key(self) -> str:
        return finding_key(self.agency_id, self.year, self.rule, self.where)


@dataclass(frozen=True)
class Review:
    identity: Identity
    verdict: Verdict
    user_id: str
    user_name: str | None
    at: str  # UTC ISO
    reason: str | None = None

    @property
    def key(self) -> str:
        return self.identity.key

    @property
    def dismissed(self) -> bool:
        return self.verdict == "dismissed"

    @property
    def who(self) -> str:
        return self.user_name or self.user_id


@dataclass(frozen=True)
class StoredFinding:
    """A finding of a current report, with its review if it has one."""

    identity: Identity
    agency: str
    report_id: int
    severity: str
    message: str
    page: int | None
    quote: str | None
    review: Review | None = None

    @property
    def key(self) -> str:
        return self.identity.key

    @property
    def dismissed(self) -> bool:
        return self.review is not None and self.review.dismissed


@dataclass(frozen=True)
class LogEntry:
    """One thing said about a finding: a verdict, a reason typed after it, or an undo."""

    identity: Identity
    action: Action
    user_id: str | None
    user_name: str | None
    at: str  # UTC ISO
    reason: str | None = None

    @property
    def who(self) -> str | None:
        return self.user_name or self.user_id


def finding_key(agency_id: int, year: int, rule: str, where: str) -> str:
    """Ten hex digits naming a finding across versions: short enough for a button's 64 bytes and to type."""
    return hashlib.sha1(f"{agency_id}|{year}|{rule}|{where}".encode()).hexdigest()[:KEY_LENGTH]


def _review(row) -> Review:
    return Review(
        Identity(row["agency_id"], row["year"], row["rule"], row["location"]),
        row["verdict"],
        row["user_id"],
        row["user_name"],
        row["at"],
        row["reason"],
    )


async def _log(
    conn,
    identity: Identity,
    action: Action,
    user_id: str | None,
    user_name: str | None,
    at: str,
    reason: str | None = None,
) -> None:
    i = identity
    await conn.execute(
        """INSERT INTO review_log (agency_id, year, rule, location, action, user_id, user_name, at, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (i.agency_id, i.year, i.rule, i.where, action, user_id, user_name, at, reason),
    )


async def set_verdict(
    db: Database,
    identity: Identity,
    verdict: Verdict,
    user_id: str,
    user_name: str | None = None,
    reason: str | None = None,
) -> Review:
    """Record (or change) the verdict on a finding; the reason is kept unless a new one is given."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    i = identity
    at = _now()
    async with db.write() as conn:
        await _log(conn, identity, verdict, user_id, user_name, at, reason)
        await conn.execute(
            """INSERT INTO reviews (agency_id, year, rule, location, verdict, user_id, user_name, at, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (agency_id, year, rule, location) DO UPDATE SET
                   verdict = excluded.verdict, user_id = excluded.user_id, user_name = excluded.user_name,
                   at = excluded.at,
                   reason = CASE WHEN excluded.verdict = reviews.verdict
                                 THEN coalesce(excluded.reason, reviews.reason) ELSE excluded.reason END""",
            (i.agency_id, i.year, i.rule, i.where, verdict, user_id, user_name, at, reason),
        )
        (row,) = await _all(
            conn,
            "SELECT * FROM reviews WHERE agency_id=? AND year=? AND rule=? AND location=?",
            (i.agency_id, i.year, i.rule, i.where),
        )
    return _review(row)


async def set_reason(
    db: Database,
    identity: Identity,
    reason: str,
    user_id: str | None = None,
    user_name: str | None = None,
) -> Review | None:
    """The reason for a verdict, typed after it (by `user_id`); None when the finding has no review
    (undone meanwhile), and then nothing is recorded."""
    i = identity
    async with db.write() as conn:
        rows = await _all(
            conn,
            "SELECT * FROM reviews WHERE agency_id=? AND year=? AND rule=? AND location=?",
            (i.agency_id, i.year, i.rule, i.where),
        )
        if not rows:
            return None
        await conn.execute(
            "UPDATE reviews SET reason = ? WHERE agency_id=? AND year=? AND rule=? AND location=?",
            (reason, i.agency_id, i.year, i.rule, i.where),
        )
        await _log(conn, identity, "reason", user_id, user_name, _now(), reason)
    return replace(_review(rows[0]), reason=reason)


async def remove(
    db: Database, identity: Identity, user_id: str | None = None, user_name: str | None = None
) -> Review | None:
    """Undo a verdict (by `user_id`; the finding counts again): the review removed from `reviews`, its
    history kept in `review_log`. None when there was none."""
    i = identity
    async with db.write() as conn:
        rows = await _all(
            conn,
            "SELECT * FROM reviews WHERE agency_id=? AND year=? AND rule=? AND location=?",
            (i.agency_id, i.year, i.rule, i.where),
        )
        if not rows:
            return None
        await conn.execute(
            "DELETE FROM reviews WHERE agency_id=? AND year=? AND rule=? AND location=?",
            (i.agency_id, i.year, i.rule, i.where),
        )
        await _log(conn, identity, "undone", user_id, user_name, _now())
    return _review(rows[0])


async def log_for(db: Database, agency_id: int, year: int) -> list[LogEntry]:
    """Everything said about an agency-year's findings, oldest first."""
    async with db.read() as conn:
        rows = await _all(
            conn, "SELECT * FROM review_log WHERE agency_id = ? AND year = ? ORDER BY id", (agency_id, year)
        )
    return [
        LogEntry(
            Identity(r["agency_id"], r["year"], r["rule"], r["location"]),
            r["action"],
            r["user_id"],
            r["user_name"],
            r["at"],
            r["reason"],
        )
        for r in rows
    ]


async def for_agency_year(db: Database, agency_id: int, year: int) -> dict[tuple[str, str], Review]:
    """(rule, where) → review, for one agency-year."""
    async with db.read() as conn:
        rows = await _all(conn, "SELECT * FROM reviews WHERE agency_id = ? AND year = ?", (agency_id, year))
    return {(r["rule"], r["location"]): _review(r) for r in rows}


async def findings(
    db: Database, agency_ids: list[int] | None = None, year: int | None = None
) -> list[StoredFinding]:
    """The findings of current reports (of these agencies, of this year), reviewed or not, in report order."""
    where, params = report_filter(agency_ids, year, "r.superseded_by IS NULL")
    async with db.read() as conn:
        rows = await _all(
            conn,
            f"""
            SELECT r.id AS report_id, r.agency_id, a.name AS agency, r.year, f.rule, f.severity, f.location,
                   f.message, f.page, f.quote
            FROM findings f JOIN reports r ON r.id = f.report_id JOIN agencies a ON a.id = r.agency_id
            WHERE {" AND ".join(where)}
            ORDER BY a.name, r.agency_id, r.year, f.severity = 'warning', f.seq""",
            params,
        )
        reviews = {
            (v.identity.agency_id, v.identity.year, v.identity.rule, v.identity.where): v
            for v in map(_review, await _all(conn, "SELECT * FROM reviews"))
        }
    out = []
    for r in rows:
        identity = Identity(r["agency_id"], r["year"], r["rule"], r["location"])
        out.append(
            StoredFinding(
                identity,
                r["agency"],
                r["report_id"],
                r["severity"],
                r["message"],
                r["page"],
                r["quote"],
                reviews.get((identity.agency_id, identity.year, identity.rule, identity.where)),
            )
        )
    return out


async def resolve(db: Database, key: str) -> list[Identity]:
    """The findings (current or reviewed) whose key starts with `key` — one, unless the key is ambiguous."""
    key = key.strip().lower()
    if not key:
        return []
    async with db.read() as conn:
        rows = await _all(
            conn,
            """
            SELECT DISTINCT r.agency_id, r.year, f.rule, f.location
            FROM findings f JOIN reports r ON r.id = f.report_id WHERE r.superseded_by IS NULL
            UNION SELECT agency_id, year, rule, location FROM reviews""",
        )
    found = {Identity(r["agency_id"], r["year"], r["rule"], r["location"]) for r in rows}
    return sorted((i for i in found if i.key.startswith(key)), key=lambda i: i.key)


async def move_agency(conn, source: int, target: int) -> None:
    """Two agencies merged (storage.store._merge): the reviews follow, the target's own winning a clash;
    their whole history follows too."""
    await conn.execute("UPDATE OR IGNORE reviews SET agency_id = ? WHERE agency_id = ?", (target, source))
    await conn.execute("DELETE FROM reviews WHERE agency_id = ?", (source,))
    await conn.execute("UPDATE review_log SET agency_id = ? WHERE agency_id = ?", (target, source))
