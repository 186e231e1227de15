"""Comparing two years: table figures, prose standing in for a missing table, prose-only figures."""

from __future__ import annotations

import pytest
from report_factory import make_report, payload

from parser.model import Fact
from storage.store import Store, StoreError


async def test_compare_with_prose_for_a_missing_table(tmp_path):
    y2023 = make_report(
        "兴庆区掌政镇",
        2023,
        tables=False,
        facts=[
            Fact(kind="received", value=1, sentence="共收到政府信息公开申请 1 件"),
            Fact(kind="carried_forward", value=0, sentence="0 件结转下年度办理"),
            Fact(kind="total", value=117, label="通过政府网站管理平台主动公开信息", unit="条"),
            Fact(kind="share", value=100, share=100, label="回复率"),
        ],
    )
    y2024 = make_report(
        "银川市兴庆区掌政镇人民政府",
        2024,
        new=3,
        carried_over=0,
        carried_forward=0,
        facts=[
            Fact(kind="received", value=3),
            Fact(kind="total", value=74, label="通过政府网站管理平台主动公开信息", unit="条"),
        ],
    )
    async with await Store.open(tmp_path / "c.db") as store:
        await store.save(y2023, payload(y2023), "cli")
        saved = await store.save(y2024, payload(y2024), "cli")
        [agency] = await store.find_agencies("掌政镇")
        comparison = await store.compare(agency.id, 2023, 2024)
        with pytest.raises(StoreError):
            await store.compare(agency.id, 2022, 2024)
    assert agency.id == saved.agency_id
    out = comparison.to_json()
    assert set(out) == {"agency", "years", "rows"} and out["years"] == [2023, 2024]
    rows = {r["key"]: r for r in out["rows"]}
    received = rows["applications.new_received.total"]
    assert received["values"] == [1, 3]
    assert received["change"] == {"absolute": 2, "percent": 200.0}
    assert "正文" in received["label"] and "2023" in received["label"]
    assert set(received) == {"key", "label", "values", "change"}
    assert rows["applications.carried_forward.total"]["values"] == [0, 0]
    assert rows["applications.carried_forward.total"]["change"] == {"absolute": 0, "percent": None}
    assert rows["applications.granted.total"]["values"] == [None, 3]
    assert rows["active.rules.in_force"]["values"] == [5, 5]
    text = [r for r in out["rows"] if r["key"].startswith("text.")]
    assert [(r["values"], r["change"]["absolute"]) for r in text] == [([117, 74], -43)]
    assert not any("回复率" in r["label"] for r in out["rows"])


async def test_compare_two_table_years_keeps_only_common_figures(tmp_path):
    a = make_report("某县甲镇", 2020, template="2019")
    from parser.model import Active2019

    a.active = Active2019()
    a.active.licensing.decisions = 4
    b = make_report("某县甲镇", 2021)
    b.active.licensing.decisions = 6
    b.review_litigation.review.total = 2
    async with await Store.open(tmp_path / "c.db") as store:
        s = await store.save(a, payload(a), "cli")
        await store.save(b, payload(b), "cli")
        comparison = await store.compare(s.agency_id, 2020, 2021)
    keys = [r.key for r in comparison.rows]
    assert "active.licensing.decisions" in keys
    assert "active.rules.issued" not in keys and "active.rules.made" not in keys
    row = next(r for r in comparison.rows if r.key == "active.licensing.decisions")
    assert row.values == [4, 6] and row.change.percent == 50.0
    review = next(r for r in comparison.rows if r.key == "review_litigation.review.total")
    assert review.values == [None, 2] and review.change is None
