"""`nianbao compare | list | alias | export` on real database files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "storage"))

from report_factory import make_report, payload  # noqa: E402

from bot.cli import main  # noqa: E402
from parser.model import Fact  # noqa: E402
from storage.store import Store  # noqa: E402


def _fill(db: Path, reports) -> None:
    async def go():
        async with await Store.open(db) as store:
            for r in reports:
                await store.save(r, payload(r), "cli")

    asyncio.run(go())


def _seeded(tmp_path) -> Path:
    db = tmp_path / "nb.db"
    _fill(
        db,
        [
            make_report(
                "兴庆区掌政镇",
                2023,
                short="掌政镇",
                tables=False,
                facts=[Fact(kind="received", value=1), Fact(kind="carried_forward", value=0)],
            ),
            make_report("银川市兴庆区掌政镇人民政府", 2024, short="掌政镇", new=3),
            make_report("甲县城关镇人民政府", 2024, short="城关镇"),
            make_report("乙县城关镇人民政府", 2024, short="城关镇"),
        ],
    )
    return db


def test_compare_json(tmp_path, capsys):
    db = _seeded(tmp_path)
    assert main(["compare", "掌政镇", "2023", "2024", "--json", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["agency", "years", "rows"]
    assert out["agency"] == "银川市兴庆区掌政镇人民政府" and out["years"] == [2023, 2024]
    row = next(r for r in out["rows"] if r["key"] == "applications.new_received.total")
    assert list(row) == ["key", "label", "values", "change"]
    assert row["values"] == [1, 3] and row["change"]["absolute"] == 2


def test_compare_text_and_errors(tmp_path, capsys, monkeypatch):
    db = _seeded(tmp_path)
    monkeypatch.setenv("NIANBAO_DB", str(db))  # the default database comes from the environment
    assert main(["compare", "兴庆区掌政镇", "2023", "2024"]) == 0
    assert "1 → 3" in capsys.readouterr().out
    assert main(["compare", "城关镇", "2023", "2024"]) == 2
    err = capsys.readouterr().err
    assert "甲县城关镇人民政府" in err and "乙县城关镇人民政府" in err
    assert main(["compare", "不存在镇", "2023", "2024"]) == 2
    assert main(["compare", "掌政镇", "2020", "2024"]) == 1
    assert "2020" in capsys.readouterr().err


def test_list_json(tmp_path, capsys):
    db = _seeded(tmp_path)
    assert main(["list", "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 4
    assert all(
        list(r) == ["agency", "year", "template", "file", "sha256", "findings", "superseded"] for r in rows
    )
    assert main(["list", "城关镇", "--json", "--db", str(db)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["list", "掌政镇", "--db", str(db)]) == 0
    assert "共 2 份报告" in capsys.readouterr().out


def test_alias(tmp_path, capsys):
    db = _seeded(tmp_path)
    assert main(["alias", "城关", "甲县城关镇", "--db", str(db)]) == 0
    assert "甲县城关镇人民政府" in capsys.readouterr().out
    assert main(["list", "城关", "--json", "--db", str(db)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["agency"] == "甲县城关镇人民政府"
    assert main(["alias", "城关", "城关镇", "--db", str(db)]) == 2  # ambiguous target


def test_export_csv_and_xlsx(tmp_path, capsys):
    db = _seeded(tmp_path)
    assert main(["export", "--db", str(db)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    head, body = rows[0], rows[1:]
    assert len(body) == 4
    col = head.index("applications.new_received.total")
    year = head.index("year")
    by = {(r[0], r[year]): r for r in body}
    assert by[("银川市兴庆区掌政镇人民政府", "2023")][col] == ""  # no table 3 that year: empty, not 0
    assert by[("银川市兴庆区掌政镇人民政府", "2024")][col] == "3"
    out = tmp_path / "x.xlsx"
    assert main(["export", "--year", "2024", "--out", str(out), "--db", str(db)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(out)["reports"]
    values = list(ws.values)
    assert len(values) == 4 and values[0][0] == "agency"
    col = values[0].index("applications.new_received.total")
    assert sorted(v[col] for v in values[1:]) == [2, 2, 3]
