"""One agency across its names; namesakes elsewhere kept apart; ambiguity; aliases."""

from __future__ import annotations

from report_factory import make_report, payload

from storage.agencies import normalise, same_agency, tail_match
from storage.store import Store


def test_normalise_and_tails():
    assert normalise("银川市兴庆区掌政镇人民政府") == "银川市兴庆区掌政镇"
    assert normalise(" 兴庆区 掌政镇 ") == "兴庆区掌政镇"
    assert normalise("某区某某街道办事处") == "某区某某街道"
    assert normalise("西夏区政府办公室") == "西夏区人民政府办公室"
    assert normalise("ＡＢ镇") == "AB镇"
    assert tail_match("银川市兴庆区掌政镇", "兴庆区掌政镇")
    assert tail_match("银川市兴庆区掌政镇", "掌政镇")
    assert not tail_match("银川市兴庆区掌政镇", "政镇")  # not cut at a place unit
    assert not same_agency("银川市市场监督管理局", ["市场监督管理局"])  # too generic to merge
    assert not same_agency("乙县城关镇", ["城关镇", "甲县城关镇"])
    # 城乡 and 乡村 hold the character 乡 but name no township: too generic to merge as well
    assert not same_agency("住房和城乡建设局", ["银川市住房和城乡建设局"])
    assert not same_agency("乡村振兴局", ["银川市乡村振兴局"])
    assert same_agency("兴庆区住房和城乡建设局", ["银川市兴庆区住房和城乡建设局"])


async def _save(store, agency, year, short=None, salt=""):
    r = make_report(agency, year, short=short)
    return await store.save(r, payload(r, salt), "cli")


async def test_name_variants_are_one_agency(tmp_path):
    async with await Store.open(tmp_path / "a.db") as store:
        a = await _save(store, "兴庆区掌政镇", 2023, "掌政镇")
        b = await _save(store, "银川市兴庆区掌政镇人民政府", 2024, "掌政镇")
        c = await _save(store, "掌政镇人民政府", 2022, "掌政镇")
        assert a.agency_id == b.agency_id == c.agency_id
        for q in ("掌政镇", "兴庆区掌政镇", "银川市兴庆区掌政镇人民政府", "掌政镇人民政府", "掌政"):
            found = await store.find_agencies(q)
            assert [f.id for f in found] == [a.agency_id], q
        info = found[0]
        assert info.name == "银川市兴庆区掌政镇人民政府" and info.short == "掌政镇"
        assert info.years == [2022, 2023, 2024]
        assert (await store.find_agencies(str(a.agency_id)))[0].id == a.agency_id


async def test_namesakes_in_different_counties_stay_apart_and_a_query_returns_both(tmp_path):
    async with await Store.open(tmp_path / "a.db") as store:
        x = await _save(store, "甲县城关镇人民政府", 2023, "城关镇")
        y = await _save(store, "乙县城关镇人民政府", 2023, "城关镇")
        assert x.agency_id != y.agency_id
        assert sorted(a.id for a in await store.find_agencies("城关镇")) == sorted([x.agency_id, y.agency_id])
        assert [a.id for a in await store.find_agencies("乙县城关镇")] == [y.agency_id]
        # next year's report under the full name lands on the right one
        z = await _save(store, "某省某市乙县城关镇人民政府", 2024, "城关镇")
        assert z.agency_id == y.agency_id and z.report.previous_year == 2023
        # a bare 城关镇 cannot be placed: it stays apart rather than join the wrong one
        w = await _save(store, "城关镇人民政府", 2024, "城关镇")
        assert w.agency_id not in (x.agency_id, y.agency_id)
        assert len(await store.find_agencies("城关镇")) == 3


async def test_departments_with_the_same_name_under_different_governments(tmp_path):
    async with await Store.open(tmp_path / "a.db") as store:
        a = await _save(store, "银川市市场监督管理局", 2023)
        b = await _save(store, "兴庆区市场监督管理局", 2023)
        c = await _save(store, "市场监督管理局", 2023)
        assert len({a.agency_id, b.agency_id, c.agency_id}) == 3
        assert len(await store.find_agencies("市场监督管理局")) == 1  # the exact name wins
        assert len(await store.find_agencies("监督管理局")) == 3


async def test_alias_by_hand_and_merge(tmp_path):
    async with await Store.open(tmp_path / "a.db") as store:
        a = await _save(store, "兴庆区掌政镇", 2023, "掌政镇")
        odd = await _save(store, "掌政镇党委政府", 2024, "掌政")  # a name the rules cannot tie
        assert odd.agency_id != a.agency_id
        result = await store.add_alias("掌政镇党委政府", a.agency_id)
        assert result.merged_from == odd.agency_id
        assert [f.id for f in await store.find_agencies("掌政镇党委政府")] == [a.agency_id]
        merged = await store.get(a.agency_id, 2024)
        assert merged.previous_year == 2023  # YOY redone after the merge
        assert await store.agency(odd.agency_id) is None
        # a plain alias: a nickname that then finds the agency and files new reports under it
        plain = await store.add_alias("掌政", a.agency_id)
        assert plain.merged_from is None
        assert [f.id for f in await store.find_agencies("掌政")] == [a.agency_id]
        later = await _save(store, "掌政", 2025)
        assert later.agency_id == a.agency_id


async def test_an_exact_name_wins_the_look_up(tmp_path):
    async with await Store.open(tmp_path / "a.db") as store:
        office = await _save(store, "某某局办公室", 2023, "某某局办公室")
        bureau = await _save(store, "某某局", 2023, "某某局")
        assert office.agency_id != bureau.agency_id
        assert [a.id for a in await store.find_agencies("某某局")] == [bureau.agency_id]
        assert [a.id for a in await store.find_agencies("某某局办公室")] == [office.agency_id]


async def test_picture_markers_are_no_part_of_a_name(tmp_path):
    assert normalise("［图片］某某局") == normalise("[图片]某某局") == "某某局"
    async with await Store.open(tmp_path / "a.db") as store:
        office = await _save(store, "某某局办公室", 2023, "某某局办公室")
        pictured = await _save(store, "[图片]某某局", 2023, "[图片]某某局")
        plain = await _save(store, "某某局", 2024, "某某局")
        assert pictured.agency_id == plain.agency_id != office.agency_id
        assert [a.id for a in await store.find_agencies("某某局")] == [plain.agency_id]
