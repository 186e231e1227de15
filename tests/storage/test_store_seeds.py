"""The issue's done-when on the seed reports, through the real parser and validator."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_files import shared

from storage.store import Store

SEEDS = shared("seeds")


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"no seed {prefix}_*.txt in {SEEDS}", pytrace=False)
    return found[0]


async def test_seed_001_then_000_compare(tmp_path):
    analyse = pytest.importorskip("bot.worker").analyse
    async with await Store.open(tmp_path / "seeds.db") as store:
        results = []
        for prefix in ("001", "000", "000"):
            path = _seed(prefix)
            data = path.read_bytes()
            results.append(await store.save(analyse(data, path.name), data, "cli"))
        assert [r.status for r in results] == ["new", "new", "duplicate"]
        assert results[0].agency_id == results[1].agency_id
        assert len(await store.list()) == 2
        r2024 = results[1].report
        assert r2024.previous_year == 2023
        assert not [f for f in r2024.findings if f.rule == "YOY-CARRY"]
        [agency] = await store.find_agencies("掌政镇")
        out = (await store.compare(agency.id, 2023, 2024)).to_json()
    row = next(r for r in out["rows"] if r["key"] == "applications.new_received.total")
    assert row["values"] == [1, 3]
    # figures only the prose states, both years: the platform post counts
    text_rows = {r["key"]: r["values"] for r in out["rows"] if r["key"].startswith("text.")}
    assert text_rows["text.figure.掌政镇通过政府网站管理平台主动公开信息"] == [117, 74]
    assert text_rows["text.figure.村务公开小程序主动公开信息"] == [394, 329]
