"""The connection and the schema: pragmas, migrations from every version, concurrent writers."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3

import pytest
from report_factory import make_report, payload

from storage.db import Database, latest_version, migrations, split_statements
from storage.store import Store


def _shape(path) -> dict:
    """Tables with their columns, indexes and views: what must match whatever path built the schema."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for kind, name in con.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
            if kind == "table":
                cols = [tuple(r[1:6]) for r in con.execute(f"PRAGMA table_info({name})")]
                fks = sorted(tuple(r[2:5]) + (r[6],) for r in con.execute(f"PRAGMA foreign_key_list({name})"))
                out[(kind, name)] = (sorted(cols), fks)
            elif kind == "index":
                tbl = con.execute("SELECT tbl_name FROM sqlite_master WHERE name=?", (name,)).fetchone()[0]
                out[(kind, name)] = (tbl, [r[2] for r in con.execute(f"PRAGMA index_info({name})")])
            else:
                out[(kind, name)] = None
        return out
    finally:
        con.close()


async def test_pragmas_on_a_new_database(tmp_path):
    db = await Database.open(tmp_path / "n.db")
    try:
        async with db.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with db.conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with db.conn.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] >= 5000
        assert await db.user_version() == latest_version() >= 2
    finally:
        await db.close()


def test_migration_files_are_numbered_and_split():
    found = migrations()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1))
    for _, _, sql in found:
        assert split_statements(sql)
    parts = split_statements("-- head\nCREATE TABLE a (x);\n-- c\n\nCREATE TABLE b (y);\n-- tail\n")
    assert [p.splitlines()[-1] for p in parts] == ["CREATE TABLE a (x);", "CREATE TABLE b (y);"]


async def test_schema_file_equals_all_migrations(tmp_path):
    fresh = await Database.open(tmp_path / "fresh.db")
    await fresh.close()
    stepped = await Database.open(tmp_path / "stepped.db", migrate_to=1)
    await stepped.migrate()
    await stepped.close()
    assert _shape(tmp_path / "fresh.db") == _shape(tmp_path / "stepped.db")


@pytest.mark.parametrize("start", range(0, 3))
async def test_migrate_from_each_earlier_version_keeps_data(tmp_path, start):
    """A database left at version `start` (with a report in it when it has tables) opens at the latest."""
    path = tmp_path / f"v{start}.db"
    start = min(start, latest_version())
    if start:
        db = await Database.open(path, migrate_to=start)
        conn = db.conn
        await conn.execute(
            "INSERT INTO agencies (id, name, short, created_at) VALUES (1, '兴庆区掌政镇', '掌政镇', 'x')"
        )
        await conn.execute("INSERT INTO agency_names VALUES ('兴庆区掌政镇', 1, '兴庆区掌政镇', 'name')")
        report = make_report("兴庆区掌政镇", 2023, short="掌政镇")
        await conn.execute(
            "INSERT INTO reports (id, agency_id, year, template, format, file_name, sha256, uploaded_by, uploaded_at,"
            " agency_name, agency_short, active_layout, meta_json) VALUES (1, 1, 2023, '2021', 'txt', 'a.txt', ?,"
            " 'cli', 'x', '兴庆区掌政镇', '掌政镇', '2021', ?)",
            (
                "a" * 64,
                report.model_dump_json(
                    exclude={
                        "active",
                        "applications",
                        "review_litigation",
                        "facts",
                        "findings",
                        "previous_year",
                    }
                ),
            ),
        )
        await conn.execute("INSERT INTO cells VALUES (1, 'applications.new_received.total', 1)")
        await conn.execute(
            "INSERT INTO findings (report_id, seq, rule, severity, location, message)"
            " VALUES (1, 0, 'STRUCT-FEE', 'warning', 'other_matters', 'm')"
        )
        assert await db.user_version() == start
        await db.close()
    store = await Store.open(path)
    try:
        assert await store.db.user_version() == latest_version()
        if start:
            got = await store.get(1, 2023)
            assert got.agency == "兴庆区掌政镇"
            assert got.applications.new_received.total == 1
            assert [f.rule for f in got.findings] == ["STRUCT-FEE"]
            # the stored report now takes part in YOY like any other
            saved = await store.save(
                make_report("银川市兴庆区掌政镇人民政府", 2024, short="掌政镇", carried_over=0),
                b"next",
                "cli",
            )
            assert saved.agency_id == 1 and saved.report.previous_year == 2023
    finally:
        await store.close()
    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert _shape(path) == _shape(fresh)


async def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "m.db"
    await (await Database.open(path, migrate_to=1)).close()
    good = migrations()
    broken = good[:1] + [
        (2, "0002_broken.sql", "ALTER TABLE findings ADD COLUMN origin TEXT;\nCREATE TABLE oops (;")
    ]
    monkeypatch.setattr("storage.db.migrations", lambda: broken)
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(path)
    monkeypatch.undo()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "origin" not in [r[1] for r in con.execute("PRAGMA table_info(findings)")]
    con.close()
    await (await Database.open(path)).close()  # the real migration still applies afterwards


def _writer(path: str, worker: int, n: int) -> None:
    async def go():
        store = await Store.open(path)
        try:
            for i in range(n):
                r = make_report(f"测试县第{worker}镇", 2000 + i, short=f"第{worker}镇")
                await store.save(r, payload(r, f"w{worker}"), f"user{worker}")
            # every writer also saves one shared file: exactly one copy may land
            shared = make_report("测试县共享镇", 2020, short="共享镇")
            await store.save(shared, b"shared-bytes", f"user{worker}")
        finally:
            await store.close()

    asyncio.run(go())


def test_concurrent_writer_processes(tmp_path):
    path = str(tmp_path / "c.db")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 8)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 4 * 8 + 1
        assert con.execute("SELECT count(*) FROM agencies").fetchone()[0] == 5
        # every report landed whole: its cells are all there
        per_report = {n for (n,) in con.execute("SELECT count(*) FROM cells GROUP BY report_id")}
        assert len(per_report) == 1
        # YOY ran along each series: every year after the first found its previous year
        assert (
            con.execute(
                "SELECT count(*) FROM reports WHERE year > 2000 AND year < 2020 AND previous_year IS NULL"
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()


async def test_concurrent_coroutines_share_one_connection(tmp_path):
    async with await Store.open(tmp_path / "co.db") as store:
        reports = [make_report(f"某县{i}乡", 2022) for i in range(10)]
        results = await asyncio.gather(
            *(store.save(r, payload(r), "cli") for r in reports), *(store.list() for _ in range(5))
        )
        assert {r.status for r in results[:10]} == {"new"}
        assert len(await store.list()) == 10


async def test_migration_5_drops_the_index_of_cells_by_path_and_keeps_the_cells(tmp_path):
    path = tmp_path / "v4.db"
    db = await Database.open(path, migrate_to=4)
    await db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cells_path'").fetchone()
    store = await Store.open(path)
    try:
        report = make_report("兴庆区掌政镇", 2023, short="掌政镇")
        saved = await store.save(report, b"report", "cli")
        got = await store.get(saved.agency_id, 2023)
        assert got.applications == saved.report.applications
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version() >= 5
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cells_path'").fetchone() is None
        # a query across reports by path still works (a scan)
        assert conn.execute("SELECT count(*) FROM cells WHERE path LIKE 'applications.%'").fetchone()[0] > 0
