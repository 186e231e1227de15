"""Reviews of findings (issue 14): keyed by agency, year, rule and where, so they outlive any row."""

from __future__ import annotations

import sqlite3

from report_factory import make_report, payload

from parser.model import Finding
from storage import reviews, season
from storage.reviews import Identity, finding_key
from storage.store import Store

SUM = Finding(rule="TEXT-SUM", severity="warning", where="overview", message="合计不符。")
ROW = Finding(rule="APP-ROW-TOTAL", severity="error", where="applications.granted", message="行合计不符。")


def _report(year=2024, findings=(SUM, ROW), file=None, new=2):
    return make_report(
        "银川市兴庆区掌政镇人民政府", year, short="掌政镇", findings=list(findings), file=file, new=new
    )


async def _open(tmp_path) -> Store:
    return await Store.open(tmp_path / "nb.db")


async def test_dismissed_finding_stops_counting_and_survives_versions_and_reparse(tmp_path):
    async with await _open(tmp_path) as store:
        saved = await store.save(_report(), payload(_report()), "tg:1")
        ident = Identity(saved.agency_id, 2024, "TEXT-SUM", "overview")
        (listed,) = [f for f in await reviews.findings(store.db) if f.identity == ident]
        assert listed.key == ident.key == finding_key(saved.agency_id, 2024, "TEXT-SUM", "overview")
        assert listed.review is None and len(listed.key) == reviews.KEY_LENGTH
        assert await reviews.resolve(store.db, listed.key[:6]) == [ident]

        (before,) = await season.current_reports(store.db, 2024)
        assert (before.errors, before.warnings) == (1, 1)
        review = await reviews.set_verdict(store.db, ident, "dismissed", "tg:1", "张三", "口径不同")
        assert review.dismissed and review.who == "张三" and review.reason == "口径不同"

        (after,) = await season.current_reports(store.db, 2024)
        assert (after.errors, after.warnings) == (1, 0)
        assert await season.error_counts(store.db, 2024) == {saved.agency_id: 1}
        (entry,) = await store.list()
        assert entry.findings == 1
        table = await store.export_rows(2024)
        assert table.rows[0][table.columns.index("findings")] == 1
        (sf,) = [f for f in await season.findings(store.db, 2024) if f.rule == "TEXT-SUM"]
        assert sf.dismissed and sf.reviewed_by == "张三" and sf.reason == "口径不同" and sf.reviewed_at

        # re-parsed in place (new rows, new seq): still dismissed
        await store.replace_parsed(saved.report_id, _report())
        assert (await season.current_reports(store.db, 2024))[0].warnings == 0
        # a new version (other bytes) raising it again: still dismissed
        v2 = _report(file="更正.txt", new=3)
        second = await store.save(v2, payload(v2), "tg:1")
        assert second.status == "superseded"
        (now,) = await season.current_reports(store.db, 2024)
        assert now.report_id == second.report_id and now.warnings == 0

        # a confirmation keeps the finding counted; the reason of an earlier verdict is not carried over
        confirmed = await reviews.set_verdict(store.db, ident, "confirmed", "tg:2", "李四")
        assert confirmed.reason is None and (await season.current_reports(store.db, 2024))[0].warnings == 1
        await reviews.set_verdict(store.db, ident, "dismissed", "tg:1", "张三")
        assert (await reviews.set_reason(store.db, ident, "已核实")).reason == "已核实"
        removed = await reviews.remove(store.db, ident)
        assert removed.dismissed and await reviews.remove(store.db, ident) is None
        assert (await season.current_reports(store.db, 2024))[0].warnings == 1


async def test_a_review_is_per_agency_year(tmp_path):
    async with await _open(tmp_path) as store:
        a = await store.save(_report(2023), payload(_report(2023)), "cli")
        await store.save(_report(2024), payload(_report(2024)), "cli")
        await reviews.set_verdict(
            store.db, Identity(a.agency_id, 2023, "TEXT-SUM", "overview"), "dismissed", "cli"
        )
        assert (await season.current_reports(store.db, 2023))[0].warnings == 0
        (other,) = [f for f in await season.findings(store.db, 2024) if f.rule == "TEXT-SUM"]
        assert not other.dismissed and other.verdict is None
        assert set(await reviews.for_agency_year(store.db, a.agency_id, 2023)) == {("TEXT-SUM", "overview")}
        assert await reviews.for_agency_year(store.db, a.agency_id, 2024) == {}


async def test_reviewed_finding_is_resolved_after_its_report_is_gone(tmp_path):
    async with await _open(tmp_path) as store:
        saved = await store.save(_report(), payload(_report()), "cli")
        ident = Identity(saved.agency_id, 2024, "TEXT-SUM", "overview")
        await reviews.set_verdict(store.db, ident, "dismissed", "cli")
        await store.delete(saved.report_id)
        assert await reviews.resolve(store.db, ident.key) == [ident]  # so it can still be undismissed
        assert await reviews.resolve(store.db, "ffffffffff") in ([], [ident])
        assert await reviews.resolve(store.db, "") == []


async def test_reviews_follow_an_agency_merged_into_another(tmp_path):
    async with await _open(tmp_path) as store:
        one = make_report("甲县城关镇人民政府", 2024, short="城关镇", findings=[SUM])
        two = make_report("城关街道", 2023, short="城关街道", findings=[SUM])
        first = await store.save(one, payload(one), "cli")
        other = await store.save(two, payload(two), "cli")
        assert first.agency_id != other.agency_id
        await reviews.set_verdict(
            store.db, Identity(other.agency_id, 2023, "TEXT-SUM", "overview"), "dismissed", "cli"
        )
        await store.add_alias("城关街道", first.agency_id)  # the name is the other's: the two merge
        moved = await reviews.for_agency_year(store.db, first.agency_id, 2023)
        assert moved[("TEXT-SUM", "overview")].dismissed
        assert (await season.current_reports(store.db, 2023))[0].warnings == 0
        (logged,) = await reviews.log_for(store.db, first.agency_id, 2023)  # its history came along
        assert logged.action == "dismissed" and logged.identity.agency_id == first.agency_id


async def test_every_verdict_reason_and_undo_is_kept_in_the_log(tmp_path):
    async with await _open(tmp_path) as store:
        saved = await store.save(_report(), payload(_report()), "tg:1")
        ident = Identity(saved.agency_id, 2024, "TEXT-SUM", "overview")
        await reviews.set_verdict(store.db, ident, "confirmed", "tg:1", "张三")
        await reviews.set_verdict(store.db, ident, "dismissed", "tg:2", "李四")
        assert (await reviews.set_reason(store.db, ident, "口径不同", "tg:2", "李四")).reason == "口径不同"
        removed = await reviews.remove(store.db, ident, "tg:9", "管理员")
        assert removed.dismissed and removed.reason == "口径不同"
        assert await reviews.for_agency_year(store.db, saved.agency_id, 2024) == {}  # it counts again
        # nothing said about it is lost
        log = await reviews.log_for(store.db, saved.agency_id, 2024)
        assert [(e.action, e.who, e.reason) for e in log] == [
            ("confirmed", "张三", None),
            ("dismissed", "李四", None),
            ("reason", "李四", "口径不同"),
            ("undone", "管理员", None),
        ]
        assert all(e.identity == ident and e.at for e in log)
        assert [e.at for e in log] == sorted(e.at for e in log)
        # a reason or an undo for a finding without a verdict records nothing
        assert await reviews.set_reason(store.db, ident, "迟到的理由", "tg:2") is None
        assert await reviews.remove(store.db, ident, "tg:9") is None
        assert len(await reviews.log_for(store.db, saved.agency_id, 2024)) == 4
        assert await reviews.log_for(store.db, saved.agency_id, 2023) == []


async def test_migration_to_the_log_keeps_the_verdicts_given_before(tmp_path):
    from storage.db import Database

    path = tmp_path / "v5.db"
    db = await Database.open(path, migrate_to=5)
    await db.conn.execute(
        "INSERT INTO agencies (id, name, short, created_at) VALUES (1, '某镇', '某镇', 'x')"
    )
    await db.conn.execute(
        "INSERT INTO reviews VALUES (1, 2024, 'TEXT-SUM', 'overview', 'dismissed', 'tg:1', '张三', "
        "'2025-01-20T01:30:00+00:00', '口径不同')"
    )
    await db.close()
    async with await Store.open(path) as store:
        assert await store.db.user_version() >= 6
        (entry,) = await reviews.log_for(store.db, 1, 2024)
        assert (entry.action, entry.who, entry.at, entry.reason) == (
            "dismissed",
            "张三",
            "2025-01-20T01:30:00+00:00",
            "口径不同",
        )
        assert (await reviews.for_agency_year(store.db, 1, 2024))[("TEXT-SUM", "overview")].dismissed


async def test_migration_from_version_3_adds_the_table(tmp_path):
    from storage.db import Database

    db = await Database.open(tmp_path / "old.db", migrate_to=3)
    await db.close()
    async with await Store.open(tmp_path / "old.db") as store:
        assert await store.db.user_version() >= 4
    with sqlite3.connect(tmp_path / "old.db") as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(reviews)")]
    assert cols == [
        "agency_id",
        "year",
        "rule",
        "location",
        "verdict",
        "user_id",
        "user_name",
        "at",
        "reason",
    ]
