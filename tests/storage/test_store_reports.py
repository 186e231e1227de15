"""Saving and reading reports: round trip, versions, duplicates, originals, delete, list, export."""

from __future__ import annotations

import sqlite3

from report_factory import make_report, payload

from parser.model import Active2019, ApplicantCounts, Fact, Finding
from storage.files import files_dir_for, sha256_of
from storage.store import Store


async def test_round_trip_keeps_null_apart_from_zero(tmp_path):
    r = make_report(
        "银川市兴庆区掌政镇人民政府",
        2024,
        short="掌政镇",
        facts=[Fact(kind="received", value=3, sentence="共收到申请 3 件", section="overview")],
        findings=[Finding(rule="STRUCT-FEE", severity="warning", where="other_matters", message="m")],
    )
    r.applications.granted = ApplicantCounts(natural_person=None, commercial=0, total=None)
    r.applications.other_other = None
    r.active.fees.amount = 1.25
    data = b"original bytes"
    async with await Store.open(tmp_path / "r.db") as store:
        saved = await store.save(r, data, 12345)
        assert saved.status == "new" and saved.report.sha256 == sha256_of(data)
        got = await store.get(saved.agency_id, 2024)
    assert got.applications.granted.natural_person is None
    assert got.applications.granted.commercial == 0
    assert got.applications.other_other is None and got.applications.other_no_fee is not None
    assert got.active.fees.amount == 1.25
    expected = r.model_copy(update={"sha256": sha256_of(data)})
    assert got.check_json() == expected.check_json()
    assert got.paragraphs == r.paragraphs and got.facts == r.facts and got.sources == r.sources
    con = sqlite3.connect(tmp_path / "r.db")
    rows = dict(
        con.execute("SELECT path, value FROM cells WHERE path LIKE 'applications.granted.%'").fetchall()
    )
    assert (
        rows["applications.granted.natural_person"] is None and rows["applications.granted.commercial"] == 0
    )
    assert con.execute("SELECT uploaded_by FROM reports").fetchone()[0] == "12345"
    con.close()


async def test_template_2019_and_missing_tables_round_trip(tmp_path):
    r = make_report("银川市西夏区兴泾镇人民政府", 2020, template="2019", tables=False)
    r.active = Active2019()
    r.active.licensing.decisions = 7
    async with await Store.open(tmp_path / "r.db") as store:
        saved = await store.save(r, b"x", "cli")
        got = await store.get_report(saved.report_id)
    assert isinstance(got.active, Active2019) and got.active.licensing.decisions == 7
    assert got.applications is None and got.review_litigation is None


async def test_original_file_is_kept_content_addressed(tmp_path):
    db = tmp_path / "sub" / "nb.db"
    data = b"%PDF-1.7 pretend"
    async with await Store.open(db) as store:
        saved = await store.save(make_report("某县城关镇", 2022), data, "cli")
        name, back = await store.original(saved.report_id)
    sha = sha256_of(data)
    assert files_dir_for(db) == tmp_path / "sub" / "nb.files"
    assert (tmp_path / "sub" / "nb.files" / sha[:2] / sha).read_bytes() == data
    assert back == data and name == "某县城关镇2022.txt"


async def test_same_file_twice_is_stored_once(tmp_path):
    r = make_report("兴庆区掌政镇", 2023, short="掌政镇")
    async with await Store.open(tmp_path / "d.db") as store:
        first = await store.save(r, b"same", "cli")
        again = await store.save(r.model_copy(update={"file": "renamed.txt"}), b"same", 99)
        assert again.status == "duplicate" and again.report_id == first.report_id
        assert again.report.file == first.report.file
        assert len(await store.list()) == 1


async def test_new_file_for_same_year_supersedes_and_history_stays(tmp_path):
    async with await Store.open(tmp_path / "v.db") as store:
        a = await store.save(make_report("兴庆区掌政镇", 2023, new=1), b"v1", "cli")
        b = await store.save(make_report("银川市兴庆区掌政镇人民政府", 2023, new=2), b"v2", "cli")
        assert b.status == "superseded" and b.superseded_id == a.report_id and b.agency_id == a.agency_id
        current = await store.get(a.agency_id, 2023)
        assert current.applications.new_received.total == 2
        history = await store.list()
        assert [(e.id, e.superseded) for e in history] == [(a.report_id, True), (b.report_id, False)]
        assert history[0].list_json()["superseded"] is True
        # deleting the newer version brings the older one back
        assert await store.delete(b.report_id)
        assert (await store.get(a.agency_id, 2023)).applications.new_received.total == 1
        assert [e.superseded for e in await store.list()] == [False]
        assert not (files_dir_for(tmp_path / "v.db") / sha256_of(b"v2")[:2] / sha256_of(b"v2")).exists()


async def test_a_save_that_fails_leaves_nothing_behind(tmp_path):
    r = make_report("兴庆区掌政镇", 2023)
    r.facts = [Fact(kind="received", value=1)]
    async with await Store.open(tmp_path / "f.db") as store:
        await store.save(r, b"ok", "cli")
        bad = make_report("兴庆区掌政镇", 2024)
        bad.findings = [Finding(rule="X", severity="warning", where="w", message="m")] * 2
        # break the insert half way: a duplicate primary key in findings
        import storage.report_rows as st  # where the rows are written

        original = st.insert_findings

        async def broken(conn, report_id, findings, start):
            await original(conn, report_id, findings, start)
            await original(conn, report_id, findings, start)

        st.insert_findings = broken
        try:
            try:
                await store.save(bad, b"bad", "cli")
            except sqlite3.IntegrityError:
                pass
            else:
                raise AssertionError("expected the broken save to fail")
        finally:
            st.insert_findings = original
        assert len(await store.list()) == 1
    con = sqlite3.connect(tmp_path / "f.db")
    assert (
        con.execute(
            "SELECT count(*) FROM cells c LEFT JOIN reports r ON r.id = c.report_id WHERE r.id IS NULL"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("SELECT count(DISTINCT report_id) FROM cells").fetchone()[0] == 1
    con.close()


async def test_list_and_export(tmp_path):
    async with await Store.open(tmp_path / "e.db") as store:
        r1 = make_report("兴庆区掌政镇", 2023, short="掌政镇")
        await store.save(r1, payload(r1), "cli")
        r2 = make_report("沙坡头区兴仁镇", 2024, short="兴仁镇", tables=False)
        await store.save(r2, payload(r2), "cli")
        r3 = make_report("兴庆区掌政镇", 2023, short="掌政镇", new=9)
        r3.applications.granted.natural_person = None
        await store.save(r3, payload(r3, "v2"), "cli")
        entries = await store.list()
        assert [(e.agency, e.year, e.superseded) for e in entries] == [
            ("兴庆区掌政镇", 2023, True),
            ("兴庆区掌政镇", 2023, False),
            ("沙坡头区兴仁镇", 2024, False),
        ]
        assert set(entries[0].list_json()) == {
            "agency",
            "year",
            "template",
            "file",
            "sha256",
            "findings",
            "superseded",
        }
        table = await store.export_rows()
        assert len(table.rows) == 2  # one per agency-year, current versions only
        col = table.columns.index("applications.new_received.total")
        by_agency = {row[0]: row for row in table.rows}
        assert by_agency["兴庆区掌政镇"][col] == 9
        assert by_agency["沙坡头区兴仁镇"][col] is None  # no table 3: empty, not 0
        assert by_agency["兴庆区掌政镇"][table.columns.index("applications.granted.natural_person")] is None
        assert by_agency["兴庆区掌政镇"][table.columns.index("applications.granted.commercial")] == 0
        assert len((await store.export_rows(2024)).rows) == 1
