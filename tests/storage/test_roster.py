"""storage/roster.py on real SQLite files: roster names resolved as the store resolves them,
subscriptions, and the send log's once-per-chat claim."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from report_factory import make_report, payload

from storage import roster
from storage.db import Database
from storage.store import Store


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "nb.db")
    yield s
    await s.close()


async def _save(store: Store, agency: str, year: int, short: str | None = None) -> int:
    r = make_report(agency, year, short=short)
    return (await store.save(r, payload(r), "test")).agency_id


async def test_roster_entry_resolves_when_its_first_report_arrives(store):
    ((entry, new),) = await roster.roster_add_many(store.db, [("银川市兴庆区掌政镇人民政府", "乡镇")])
    assert new and entry.agency_id is None
    agency_id = await _save(store, "兴庆区掌政镇", 2024, short="掌政镇")
    assert [e.agency_id for e in await roster.roster(store.db)] == [agency_id]
    # A short name on the roster finds it too, as the store would file a report so named.
    await roster.roster_add(store.db, "掌政镇", "乡镇")
    assert [e.agency_id for e in await roster.roster(store.db)] == [agency_id, agency_id]


async def test_namesakes_of_two_counties_stay_unresolved(store):
    await _save(store, "甲县城关镇人民政府", 2024, short="城关镇")
    await _save(store, "乙县城关镇人民政府", 2024, short="城关镇")
    await roster.roster_add(store.db, "城关镇", "乡镇")
    await roster.roster_add(store.db, "甲县城关镇", "乡镇")
    bare, placed = await roster.roster(store.db)
    assert bare.agency_id is None  # ambiguous: reported by neither, rather than by the wrong one
    assert placed.agency_id is not None


async def test_a_department_name_does_not_swallow_another_citys(store):
    await _save(store, "银川市市场监督管理局", 2024, short="市场监督管理局")
    await roster.roster_add(store.db, "石嘴山市市场监督管理局", "部门")
    await roster.roster_add(store.db, "市场监督管理局", "部门")
    assert [e.agency_id for e in await roster.roster(store.db)] == [None, None]


async def test_add_updates_kind_keeps_order_and_remove_by_tail(store):
    await roster.roster_add_many(
        store.db, [("甲局", "部门"), ("兴庆区掌政镇", "部门"), ("丙街道办事处", "街道")]
    )
    entry, new = await roster.roster_add(store.db, "兴庆区掌政镇人民政府", "乡镇")  # same normalised name
    assert not new and entry.kind == "乡镇"
    assert [e.name for e in await roster.roster(store.db)] == ["甲局", "兴庆区掌政镇人民政府", "丙街道办事处"]
    removed = await roster.roster_remove(store.db, "掌政镇")
    assert [e.name for e in removed] == ["兴庆区掌政镇人民政府"]
    assert await roster.roster_remove(store.db, "不存在局") == []
    await roster.roster_add_many(store.db, [("乙局", "部门")], replace=True)
    assert [e.name for e in await roster.roster(store.db)] == ["乙局"]


async def test_kind_is_checked_by_the_table_and_an_import_lands_whole(store):
    with pytest.raises(sqlite3.IntegrityError):
        await roster.roster_add_many(store.db, [("甲局", "部门"), ("乙局", "委员会")])
    assert await roster.roster(store.db) == []
    with pytest.raises(ValueError):
        await roster.roster_add(store.db, "  ", "部门")


async def test_expected_without_roster_is_last_years_reporters(store):
    a = await _save(store, "甲县城关镇人民政府", 2023, short="城关镇")
    b = await _save(store, "甲县财政局", 2023)
    await _save(store, "甲县财政局", 2024)
    c = await _save(store, "甲县新设局", 2024)  # new this year: expected too, and reported
    await _save(store, "甲县旧局", 2021)  # long gone: not expected
    entries, reported, from_roster = await roster.expected(store.db, 2024)
    assert not from_roster
    assert {e.agency_id for e in entries} == {a, b, c} and all(e.kind is None for e in entries)
    assert reported == {b, c}
    await roster.roster_add(store.db, "甲县财政局", "部门")
    entries, reported, from_roster = await roster.expected(store.db, 2024)
    assert from_roster and [(e.name, e.kind, e.agency_id) for e in entries] == [("甲县财政局", "部门", b)]


async def test_superseded_and_deleted_reports(store):
    r = make_report("甲县财政局", 2024)
    saved = await store.save(r, payload(r), "t")
    await roster.roster_add(store.db, "甲县财政局", "部门")
    assert (await roster.expected(store.db, 2024))[1] == {saved.agency_id}
    await store.save(r, payload(r, "v2"), "t")  # a new version: still reported once
    assert (await roster.expected(store.db, 2024))[1] == {saved.agency_id}
    for e in await store.list([saved.agency_id]):
        await store.delete(e.id)
    assert (await roster.expected(store.db, 2024))[1] == set()


async def test_subscriptions(store):
    t0 = datetime(2024, 12, 1, tzinfo=UTC)
    assert await roster.subscribe(store.db, 42, "tg:1", "我", now=t0)
    assert not await roster.subscribe(store.db, 42, "tg:1", now=datetime(2025, 1, 1, tzinfo=UTC))
    assert await roster.subscribe(store.db, -100, "tg:2", "政务公开工作群", now=t0)
    subs = await roster.subscriptions(store.db)
    assert [(s.chat_id, s.subscribed_at) for s in subs] == [(-100, t0), (42, t0)]  # first time kept
    await roster.move_subscription(store.db, -100, -1009)
    assert [s.chat_id for s in await roster.subscriptions(store.db)] == [-1009, 42]
    assert await roster.unsubscribe(store.db, 42)
    assert not await roster.unsubscribe(store.db, 42)


async def test_send_log_claims_once_across_connections(tmp_path):
    path = tmp_path / "nb.db"
    first, second = await Database.open(path), await Database.open(path)
    try:
        key = (42, 2024, "部门,乡镇,街道", 7)
        assert await roster.claim(first, key, missing=2)
        assert not await roster.claim(second, key, missing=2)  # another process, or after a restart
        assert await roster.sent_keys(second, [2024]) == {key}
        assert await roster.sent_keys(second, [2023]) == set()
        await roster.mark(first, key, "sent")
        assert [(e["status"], e["missing"]) for e in await roster.log_entries(second)] == [("sent", 2)]
        await roster.release(first, key)  # a failed send is forgotten, to be tried again
        assert await roster.claim(second, key, missing=1)
        # Another day, deadline or chat is another reminder.
        for other in [
            (42, 2024, "部门,乡镇,街道", 3),
            (42, 2024, "县级政府", 7),
            (43, 2024, "部门,乡镇,街道", 7),
            (42, 2025, "部门,乡镇,街道", 7),
        ]:
            assert await roster.claim(first, other, missing=1)
    finally:
        await first.close()
        await second.close()


async def test_a_version_2_database_gains_the_roster_tables(tmp_path):
    path = tmp_path / "old.db"
    db = await Database.open(path, migrate_to=2)
    await db.close()
    db = await Database.open(path)
    try:
        assert await db.user_version() >= 3
        await roster.roster_add(db, "甲局", "部门")
        assert [e.name for e in await roster.roster(db)] == ["甲局"]
    finally:
        await db.close()
