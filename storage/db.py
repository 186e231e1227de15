"""The SQLite connection: aiosqlite, WAL, foreign keys, a busy timeout, migrations by user_version.

One `Database` (one connection) per process. All work on it goes through one asyncio lock, so a
coroutine never sees another's half-done write; writes run in `BEGIN IMMEDIATE` transactions so
that concurrent processes queue on SQLite's write lock (busy_timeout) instead of failing.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

BUSY_TIMEOUT_MS = 60_000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def default_db_path() -> Path:
    """NIANBAO_DB from the environment, else ./data/nianbao.db."""
    return Path(os.environ.get("NIANBAO_DB") or "data/nianbao.db")


def utc_now() -> str:
    """The time stamp stored in every `*_at` column: UTC, ISO 8601, microseconds (so it sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


# One trip to aiosqlite's thread per query (execute, fetch and close there at once): a save makes
# some 15 queries, and three trips each cost more than the queries themselves.


async def fetch_all(conn: aiosqlite.Connection, sql: str, params=()) -> list[aiosqlite.Row]:
    """Every row of one query."""
    return list(await conn.execute_fetchall(sql, params))


async def fetch_one(conn: aiosqlite.Connection, sql: str, params=()) -> aiosqlite.Row | None:
    """The first row of one query (None when there is none); meant for queries of one row."""
    rows = await conn.execute_fetchall(sql, params)
    return rows[0] if rows else None


async def insert_row(conn: aiosqlite.Connection, sql: str, params=()) -> int:
    """Run one INSERT; the new row's id."""
    row = await conn.execute_insert(sql, params)
    return row[0]


def report_filter(
    agency_ids: list[int] | None, year: int | None, *conditions: str
) -> tuple[list[str], list[object]]:
    """WHERE conditions and parameters on reports `r`: of these agencies (None: all), of this year (None: all)."""
    where, params = list(conditions), []
    if agency_ids is not None:
        where.append(f"r.agency_id IN ({','.join('?' * len(agency_ids)) or 'NULL'})")
        params += agency_ids
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    return where, params


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, sql) of storage/migrations/NNNN_*.sql in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for i, (version, name, _) in enumerate(found, start=1):
        if version != i:
            raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {name}")
    return found


def latest_version() -> int:
    return len(migrations())


def schema_sql() -> str:
    return resources.files("storage").joinpath("schema.sql").read_text(encoding="utf-8")


def split_statements(sql: str) -> list[str]:
    """Split a script into statements (sqlite3.complete_statement keeps trigger bodies whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            stmt = buf.strip()
            buf = ""
            if re.sub(r"--[^\n]*", "", stmt).strip().strip(";").strip():
                out.append(stmt)
    if re.sub(r"--[^\n]*", "", buf).strip():
        raise ValueError(f"incomplete SQL statement: {buf.strip()[:80]}")
    return out


class Database:
    """One aiosqlite connection with a lock; use `Database.open(path)`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike, *, migrate_to: int | None = None) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await db._set_wal()
            await conn.execute("PRAGMA synchronous = NORMAL")
            await db.migrate(migrate_to)
        except BaseException:
            await conn.close()
            raise
        return db

    async def _set_wal(self) -> None:
        # Switching to WAL needs a moment with no other connection writing; retry briefly.
        for attempt in range(50):
            try:
                await self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise
                await asyncio.sleep(0.1)

    async def close(self) -> None:
        await self.conn.close()

    async def user_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def migrate(self, target: int | None = None) -> int:
        """Bring the schema to `target` (default: latest); each step is one transaction.

        An empty database gets schema.sql in one go when going to the latest version.
        """
        all_migrations = migrations()
        latest = len(all_migrations)
        target = latest if target is None else target
        while True:
            async with self._lock:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    # Read inside the write lock: another process may have migrated meanwhile.
                    version = await self.user_version()
                    if version > latest:
                        raise RuntimeError(
                            f"database {self.path} has schema version {version}, newer than this program ({latest})"
                        )
                    if version >= target:
                        await self.conn.execute("ROLLBACK")
                        return version
                    if version == 0 and target == latest and not await self._has_tables():
                        script, new_version = schema_sql(), latest
                    else:
                        script, new_version = all_migrations[version][2], version + 1
                    for stmt in split_statements(script):
                        await self.conn.execute(stmt)
                    await self.conn.execute(f"PRAGMA user_version = {new_version}")
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise

    async def _has_tables(self) -> bool:
        async with self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ) as cur:
            row = await cur.fetchone()
        return row[0] > 0

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Exclusive use of the connection for a consistent read (a deferred transaction)."""
        async with self._lock:
            await self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: all of it lands or none of it does."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")
