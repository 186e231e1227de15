"""The roster of agencies expected to report, reminder subscriptions and the reminder send log.

Roster names are resolved to stored agencies each time they are read, the way the store resolves
a report's agency name (storage.agency_store.resolve_agency, without creating one): an exact name or
alias, else the one agency whose every full name is compatible with it (掌政镇 finds
银川市兴庆区掌政镇人民政府, but 城关镇 finds neither of two counties' 城关镇). So an agency on the
roster is matched as soon as its first report is stored, and after an alias merges two agencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from storage import agencies as names
from storage.db import Database
from storage.db import fetch_all as _all
from storage.db import utc_now as _now


@dataclass(frozen=True)
class RosterEntry:
    id: int | None  # None for an agency expected without a roster
    name: str
    kind: str | None  # one of bot.deadlines.KINDS (the table CHECKs it); None when to be guessed
    agency_id: int | None = None  # the stored agency it resolves to now, if any


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    title: str | None
    subscribed_by: str
    subscribed_at: datetime


LogKey = tuple[int, int, str, int]  # chat, report year, deadline (its kinds), day


# ---------------------------------------------------------------- resolving names


class _AgencyNames:
    """All stored agency names in memory: one query, then the store's matching rules in Python."""

    def __init__(self, rows):
        self.by_norm: dict[str, set[int]] = {}
        self.full: dict[int, list[str]] = {}  # kind 'name' only, as storage.agency_store.names_of
        self.matchable: list[tuple[str, int]] = []  # kinds 'name' and 'alias'
        for r in rows:
            if r["kind"] in ("name", "alias"):
                self.by_norm.setdefault(r["norm"], set()).add(r["agency_id"])
                self.matchable.append((r["norm"], r["agency_id"]))
            if r["kind"] == "name":
                self.full.setdefault(r["agency_id"], []).append(r["norm"])

    @classmethod
    async def load(cls, conn) -> _AgencyNames:
        return cls(await _all(conn, "SELECT norm, agency_id, kind FROM agency_names"))

    def resolve(self, norm: str) -> int | None:
        if not norm:
            return None
        exact = sorted(self.by_norm.get(norm, ()))
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            plain = [a for a in exact if set(self.full.get(a, [])) <= {norm}]
            return plain[0] if len(plain) == 1 else None
        candidates = {a for n, a in self.matchable if names.compatible(n, norm)}
        fitting = [a for a in sorted(candidates) if names.same_agency(norm, self.full.get(a, []))]
        return fitting[0] if len(fitting) == 1 else None


# ---------------------------------------------------------------- roster


async def roster(db: Database) -> list[RosterEntry]:
    """The roster in the order it was given, each entry resolved to a stored agency when one fits."""
    async with db.read() as conn:
        rows = await _all(conn, "SELECT id, norm, name, kind FROM roster ORDER BY id")
        known = await _AgencyNames.load(conn) if rows else None
    return [RosterEntry(r["id"], r["name"], r["kind"], known.resolve(r["norm"])) for r in rows]


async def roster_add(db: Database, name: str, kind: str, added_by: str = "cli") -> tuple[RosterEntry, bool]:
    """Add an agency (or change the kind of one listed under the same name); True when it is new."""
    entries = await roster_add_many(db, [(name, kind)], added_by)
    return entries[0]


async def roster_add_many(
    db: Database, rows: list[tuple[str, str]], added_by: str = "cli", replace: bool = False
) -> list[tuple[RosterEntry, bool]]:
    """Add many in one transaction (an import lands whole or not at all); `replace` clears the roster first.

    Kinds are checked by the caller (bot.deadlines.parse_kind) and by the table.
    """
    for name, _ in rows:
        if not names.normalise(name):
            raise ValueError(f"empty agency name {name!r}")
    out = []
    async with db.write() as conn:
        if replace:
            await conn.execute("DELETE FROM roster")
        for name, kind in rows:
            norm = names.normalise(name)
            existing = await _all(conn, "SELECT id FROM roster WHERE norm = ?", (norm,))
            if existing:
                await conn.execute(
                    "UPDATE roster SET name = ?, kind = ? WHERE id = ?",
                    (name.strip(), kind, existing[0]["id"]),
                )
                rid, new = existing[0]["id"], False
            else:
                async with conn.execute(
                    "INSERT INTO roster (norm, name, kind, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
                    (norm, name.strip(), kind, added_by, _now()),
                ) as cur:
                    rid, new = cur.lastrowid, True
            out.append((rid, name.strip(), kind, norm, new))
        known = await _AgencyNames.load(conn)
    return [(RosterEntry(rid, name, kind, known.resolve(norm)), new) for rid, name, kind, norm, new in out]


async def roster_remove(db: Database, name: str) -> list[RosterEntry]:
    """Remove the entry with this name; failing that, the one entry whose name it is the tail of.

    Returns what was removed (several only when nothing was removed: the entries it might mean).
    """
    norm = names.normalise(name)
    async with db.write() as conn:
        rows = await _all(conn, "SELECT id, norm, name, kind FROM roster WHERE norm = ?", (norm,))
        if not rows:
            rows = [
                r
                for r in await _all(conn, "SELECT id, norm, name, kind FROM roster ORDER BY id")
                if names.tail_match(r["norm"], norm)
            ]
        if len(rows) == 1:
            await conn.execute("DELETE FROM roster WHERE id = ?", (rows[0]["id"],))
            return [RosterEntry(rows[0]["id"], rows[0]["name"], rows[0]["kind"])]
    return [RosterEntry(r["id"], r["name"], r["kind"]) for r in rows] if len(rows) > 1 else []


async def expected(db: Database, report_year: int) -> tuple[list[RosterEntry], set[int], bool]:
    """Who must report for `report_year`, the agencies that have, and whether a roster was used.

    Without a roster, the agencies that reported the year before are expected again (and any that
    reported this year already), with kind None: the caller guesses it from the name.
    """
    async with db.read() as conn:
        rows = await _all(conn, "SELECT id, norm, name, kind FROM roster ORDER BY id")
        reported = {
            r["agency_id"]
            for r in await _all(
                conn,
                "SELECT DISTINCT agency_id FROM reports WHERE year = ? AND superseded_by IS NULL",
                (report_year,),
            )
        }
        if rows:
            known = await _AgencyNames.load(conn)
            return (
                [RosterEntry(r["id"], r["name"], r["kind"], known.resolve(r["norm"])) for r in rows],
                reported,
                True,
            )
        agencies = await _all(
            conn,
            """
            SELECT DISTINCT a.id, a.name FROM agencies a JOIN reports r ON r.agency_id = a.id
            WHERE r.year IN (?, ?) AND r.superseded_by IS NULL ORDER BY a.name, a.id""",
            (report_year - 1, report_year),
        )
    return [RosterEntry(None, a["name"], None, a["id"]) for a in agencies], reported, False


# ---------------------------------------------------------------- subscriptions


async def subscribe(
    db: Database, chat_id: int, by: str, title: str | None = None, now: datetime | None = None
) -> bool:
    """Subscribe a chat; False when it already was (its subscription time is kept)."""
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    async with db.write() as conn:
        async with conn.execute(
            "INSERT OR IGNORE INTO reminder_subscriptions (chat_id, title, subscribed_by, subscribed_at)"
            " VALUES (?, ?, ?, ?)",
            (chat_id, title, by, at),
        ) as cur:
            return cur.rowcount > 0


async def unsubscribe(db: Database, chat_id: int) -> bool:
    async with db.write() as conn:
        async with conn.execute("DELETE FROM reminder_subscriptions WHERE chat_id = ?", (chat_id,)) as cur:
            return cur.rowcount > 0


async def move_subscription(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its subscription and send log follow it to the new id."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE OR REPLACE reminder_subscriptions SET chat_id = ? WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        await conn.execute(
            "UPDATE OR IGNORE reminder_log SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )


async def subscriptions(db: Database) -> list[Subscription]:
    async with db.read() as conn:
        rows = await _all(conn, "SELECT * FROM reminder_subscriptions ORDER BY chat_id")
    return [
        Subscription(r["chat_id"], r["title"], r["subscribed_by"], datetime.fromisoformat(r["subscribed_at"]))
        for r in rows
    ]


# ---------------------------------------------------------------- send log


async def sent_keys(db: Database, report_years: list[int]) -> set[LogKey]:
    """Reminders sent (or being sent) for these report years, by any process."""
    q = ",".join("?" * len(report_years)) or "NULL"
    async with db.read() as conn:
        rows = await _all(
            conn,
            f"SELECT chat_id, report_year, deadline, day FROM reminder_log WHERE report_year IN ({q})",
            report_years,
        )
    return {(r["chat_id"], r["report_year"], r["deadline"], r["day"]) for r in rows}


async def claim(db: Database, key: LogKey, missing: int) -> bool:
    """Record a reminder as being sent; False when another check already claimed it."""
    async with db.write() as conn:
        async with conn.execute(
            "INSERT OR IGNORE INTO reminder_log (chat_id, report_year, deadline, day, status, missing, at)"
            " VALUES (?, ?, ?, ?, 'sending', ?, ?)",
            (*key, missing, _now()),
        ) as cur:
            return cur.rowcount > 0


async def mark(db: Database, key: LogKey, status: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE reminder_log SET status = ?, at = ? WHERE chat_id = ? AND report_year = ?"
            " AND deadline = ? AND day = ?",
            (status, _now(), *key),
        )


async def release(db: Database, key: LogKey) -> None:
    """Forget a claim whose sending failed for a passing reason, so the next check tries again."""
    async with db.write() as conn:
        await conn.execute(
            "DELETE FROM reminder_log WHERE chat_id = ? AND report_year = ? AND deadline = ? AND day = ?", key
        )


async def log_entries(db: Database) -> list[dict]:
    async with db.read() as conn:
        rows = await _all(conn, "SELECT * FROM reminder_log ORDER BY at, chat_id")
    return [dict(r) for r in rows]
