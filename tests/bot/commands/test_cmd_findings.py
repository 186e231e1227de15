"""`nianbao findings | dismiss | undismiss` on a real database file."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "storage"))

from report_factory import make_report, payload  # noqa: E402

from bot.cli import main  # noqa: E402
from parser.model import Finding  # noqa: E402
from storage.store import Store  # noqa: E402

SUM = Finding(rule="TEXT-SUM", severity="warning", where="overview", message="合计不符。")
ROW = Finding(rule="APP-ROW-TOTAL", severity="error", where="applications.granted", message="行合计不符。")


def _seeded(tmp_path) -> Path:
    db = tmp_path / "nb.db"

    async def go():
        async with await Store.open(db) as store:
            for r in [
                make_report("银川市兴庆区掌政镇人民政府", 2024, short="掌政镇", findings=[ROW, SUM]),
                make_report("甲县城关镇人民政府", 2024, short="城关镇", findings=[SUM]),
            ]:
                await store.save(r, payload(r), "cli")

    asyncio.run(go())
    return db


def _findings(db, capsys, *words) -> list[dict]:
    assert main(["findings", *words, "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def test_findings_dismiss_undismiss(tmp_path, capsys):
    db = _seeded(tmp_path)
    listed = _findings(db, capsys)
    assert [(f["agency"], f["rule"], f["status"]) for f in listed] == [
        ("甲县城关镇人民政府", "TEXT-SUM", "open"),
        ("银川市兴庆区掌政镇人民政府", "APP-ROW-TOTAL", "open"),
        ("银川市兴庆区掌政镇人民政府", "TEXT-SUM", "open"),
    ]
    assert len({f["id"] for f in listed}) == 3
    mine = _findings(db, capsys, "掌政镇", "2024")
    assert [f["rule"] for f in mine] == ["APP-ROW-TOTAL", "TEXT-SUM"]
    assert _findings(db, capsys, "掌政镇", "2023") == []
    target = mine[1]["id"]

    assert main(["dismiss", target, "--reason", "口径不同", "--by", "王五", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "已排除" in out and target in out and "王五" in out and "口径不同" in out
    (after,) = [f for f in _findings(db, capsys, "掌政镇") if f["id"] == target]
    assert after["status"] == "dismissed" and after["review"]["by"] == "王五"
    assert after["review"]["reason"] == "口径不同"

    # the text listing shows who, when and why under the finding
    assert main(["findings", "掌政镇", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert f"{target}  银川市兴庆区掌政镇人民政府 2024年" in text and "已排除：王五" in text
    assert "共 2 个问题，其中已排除 1 个。" in text

    # no longer counted: list and season
    assert main(["list", "掌政镇", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["findings"] == 1
    assert main(["season", "--year", "2024", "--json", "--db", str(db)]) == 0
    season = json.loads(capsys.readouterr().out)
    entry = next(a for a in season["agencies"] + season["not_on_roster"] if "掌政镇" in a["agency"])
    assert (entry["errors"], entry["warnings"]) == (1, 0)

    assert main(["undismiss", target, "--db", str(db)]) == 0
    assert "已撤销" in capsys.readouterr().out
    assert [f["status"] for f in _findings(db, capsys, "掌政镇")] == ["open", "open"]
    assert main(["undismiss", target, "--db", str(db)]) == 0
    assert "无需撤销" in capsys.readouterr().out

    # one agency-year's listing ends with what was said about its findings, the undo included
    assert main(["undismiss", target, "--by", "赵六", "--db", str(db)]) == 0  # nothing to undo: not logged
    capsys.readouterr()
    assert main(["findings", "掌政镇", "2024", "--db", str(db)]) == 0
    log = capsys.readouterr().out.split("核实记录：\n", 1)[1].splitlines()
    assert len(log) == 2
    assert f"王五将 TEXT-SUM（overview，编号 {target}）标为「不是问题」，理由：口径不同" in log[0]
    assert f"撤销了对 TEXT-SUM（overview，编号 {target}）的「不是问题」标记" in log[1]


def test_wrong_ids_are_refused(tmp_path, capsys):
    db = _seeded(tmp_path)
    assert main(["dismiss", "xyz", "--db", str(db)]) == 1
    assert "无效" in capsys.readouterr().err
    assert main(["undismiss", "0000000000", "--db", str(db)]) == 1
    assert "没有编号" in capsys.readouterr().err
    assert main(["findings", "不存在的机关", "--db", str(db)]) == 1
