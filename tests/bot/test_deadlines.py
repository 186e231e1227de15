"""bot/deadlines.py (pure) and `nianbao deadlines` / `nianbao roster` on real database files."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))

from report_factory import make_report, payload  # noqa: E402

import bot.cli  # noqa: E402
from bot.deadlines import (  # noqa: E402
    KINDS,
    Deadlines,
    DeadlineSettings,
    Expected,
    guess_kind,
    parse_kind,
    parse_overrides,
    reminder_text,
    season,
    season_text,
)
from storage import roster  # noqa: E402
from storage.store import Store  # noqa: E402


@pytest.fixture
def main(monkeypatch):
    """bot.cli.main with this issue's commands registered (until the lead lists them in COMMAND_MODULES)."""
    modules = tuple(bot.cli.COMMAND_MODULES)
    for name in ("bot.commands.deadlines", "bot.commands.roster"):
        if name not in modules:
            modules += (name,)
    monkeypatch.setattr(bot.cli, "COMMAND_MODULES", modules)
    for var in ("NIANBAO_DEADLINES", "REMIND_DAYS", "REMIND_TIME", "TZ"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no stray .env is read
    return bot.cli.main


# ---------------------------------------------------------------- pure


def test_default_deadlines_per_regulation():
    d = Deadlines()
    assert [(k, d.due(k, 2024)) for k in KINDS] == [
        ("部门", date(2025, 1, 31)),
        ("乡镇", date(2025, 1, 31)),
        ("街道", date(2025, 1, 31)),
        ("县级政府", date(2025, 2, 20)),
        ("市级政府", date(2025, 3, 10)),
        ("省级政府", date(2025, 3, 31)),
    ]
    assert d.groups(2024)[0] == (date(2025, 1, 31), ("部门", "乡镇", "街道"))
    assert d.last_due(2024) == date(2025, 3, 31)


@pytest.mark.parametrize(
    "today, year",
    [
        ("2024-12-31", 2024),
        ("2025-01-01", 2024),
        ("2025-01-31", 2024),
        ("2025-03-31", 2024),
        ("2025-04-01", 2025),
        ("2025-12-31", 2025),
        ("2026-01-01", 2025),
    ],
)
def test_current_report_year_turns_when_the_last_deadline_has_passed(today, year):
    assert Deadlines().report_year(date.fromisoformat(today)) == year


def test_overrides_move_dates_and_the_turn_of_the_season():
    d = Deadlines(parse_overrides("乡镇=01-20, 部门：1月25日；省级政府=03-15,市级=03-01"))
    assert d.due("乡镇", 2024) == date(2025, 1, 20) and d.due("部门", 2024) == date(2025, 1, 25)
    assert d.due("街道", 2024) == date(2025, 1, 31)
    assert [kinds for _, kinds in d.groups(2024)][:3] == [("乡镇",), ("部门",), ("街道",)]
    assert d.report_year(date(2025, 3, 15)) == 2024 and d.report_year(date(2025, 3, 16)) == 2025
    for bad in ("乡镇", "委员会=01-20", "乡镇=02-30", "乡镇=02-29", "乡镇=13-01"):
        with pytest.raises(ValueError):
            parse_overrides(bad)


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("NIANBAO_DEADLINES", "乡镇=01-20,部门=01-25")
    monkeypatch.setenv("REMIND_DAYS", "1, 7,3")
    monkeypatch.setenv("REMIND_TIME", "08:30")
    monkeypatch.setenv("TZ", "Asia/Urumqi")
    s = DeadlineSettings(_env_file=None)
    assert s.nianbao_deadlines == {"乡镇": (1, 20), "部门": (1, 25)}
    assert s.remind_days == (7, 3, 1) and s.remind_time == time(8, 30) and s.zone.key == "Asia/Urumqi"
    monkeypatch.setenv("NIANBAO_DEADLINES", "村=01-01")
    with pytest.raises(ValueError):
        DeadlineSettings(_env_file=None)
    monkeypatch.delenv("NIANBAO_DEADLINES")
    monkeypatch.setenv("REMIND_DAYS", "-1")
    with pytest.raises(ValueError):
        DeadlineSettings(_env_file=None)


@pytest.mark.parametrize(
    "name, kind",
    [
        ("银川市兴庆区掌政镇人民政府", "乡镇"),
        ("掌政镇", "乡镇"),
        ("某县某某乡人民政府", "乡镇"),
        ("阿拉善左旗某苏木", "乡镇"),
        ("兴庆区凤凰北街街道办事处", "街道"),
        ("富宁街道", "街道"),
        ("银川市兴庆区人民政府", "县级政府"),
        ("永宁县人民政府", "县级政府"),
        ("阿拉善左旗人民政府", "县级政府"),
        ("银川市灵武市人民政府", "县级政府"),
        ("恩施土家族苗族自治州恩施市人民政府", "县级政府"),
        ("银川市人民政府", "市级政府"),
        ("恩施土家族苗族自治州人民政府", "市级政府"),
        ("阿拉善盟行政公署", "市级政府"),
        ("宁夏回族自治区人民政府", "省级政府"),
        ("广东省人民政府", "省级政府"),
        ("上海市人民政府", "省级政府"),
        ("银川市兴庆区人民政府办公室", "部门"),
        ("银川市市场监督管理局", "部门"),
        ("自治区发展和改革委员会", "部门"),
        ("某镇卫生院", "部门"),
    ],
)
def test_kind_guessed_from_the_name(name, kind):
    assert guess_kind(name) == kind


def test_parse_kind_accepts_common_spellings():
    assert [
        parse_kind(t) for t in ("部门", "乡镇人民政府", "街道办事处", "县政府", "市级", "省级人民政府", "村")
    ] == ["部门", "乡镇", "街道", "县级政府", "市级政府", "省级政府", None]


def _season():
    expected = [
        Expected("甲局", "部门", 1),
        Expected("乙局", "部门", 2),
        Expected("掌政镇", "乡镇", 3),
        Expected("名单上尚无报告的镇", "乡镇", None),
        Expected("某县人民政府", "县级政府", 5),
    ]
    return season(2024, expected, {1, 3, 99}, Deadlines())


def test_season_reported_and_missing_by_kind():
    s = _season()
    assert s.report_year == 2024
    by_kind = {d.kind: d for d in s.deadlines}
    assert list(by_kind) == list(KINDS)
    assert (by_kind["部门"].agencies, by_kind["部门"].reported, by_kind["部门"].missing) == (
        2,
        ["甲局"],
        ["乙局"],
    )
    assert by_kind["乡镇"].missing == ["名单上尚无报告的镇"]
    assert by_kind["县级政府"].missing == ["某县人民政府"] and by_kind["街道"].agencies == 0
    text = season_text(s, date(2025, 1, 24))
    assert "还有 7 天" in text and "乙局" in text and "甲局" not in text
    assert "【街道】" not in text and "街道" in text  # named once, as having nobody listed


def test_reminder_text_grouped_and_counted():
    s = _season()
    text = reminder_text(2024, date(2025, 1, 31), s.of(("部门", "乡镇", "街道")), 7, date(2025, 1, 24))
    assert "2025年1月31日（星期五）" in text and "还有 7 天" in text
    assert "以下 2 个机关尚未提交（应报 4 个）" in text
    assert text.index("【部门】1 个") < text.index("1. 乙局") < text.index("【乡镇】1 个")
    after = reminder_text(2024, date(2025, 1, 31), s.of(("部门",)), -1, date(2025, 2, 1))
    assert after.startswith("⚠️") and "已于 2025年1月31日 截止" in after
    done = reminder_text(
        2024,
        date(2025, 1, 31),
        s.of(("部门",))[:0]
        + [s.of(("部门",))[0].model_copy(update={"reported": ["甲局", "乙局"], "missing": []})],
        -1,
        date(2025, 2, 1),
    )
    assert done.startswith("✅") and "均已提交" in done


# ---------------------------------------------------------------- CLI


def _fill(db: Path, reports=(), roster_rows=()) -> None:
    async def go():
        async with await Store.open(db) as store:
            for r in reports:
                await store.save(r, payload(r), "cli")
            if roster_rows:
                await roster.roster_add_many(store.db, list(roster_rows))

    asyncio.run(go())


def test_done_when_roster_of_three_one_reported(tmp_path, main, capsys):
    db = tmp_path / "nb.db"
    csv_file = tmp_path / "名单.csv"
    csv_file.write_text(
        "机关名称,类别\n银川市兴庆区掌政镇人民政府,乡镇\n银川市兴庆区财政局,部门\n"
        "兴庆区凤凰北街街道办事处,街道\n",
        encoding="utf-8",
    )
    _fill(
        db,
        [
            make_report("兴庆区掌政镇", 2024, short="掌政镇"),
            make_report("兴庆区掌政镇", 2023, short="掌政镇"),
        ],
    )
    assert main(["roster", "import", str(csv_file), "--db", str(db)]) == 0
    assert "已导入 3 个机关" in capsys.readouterr().out
    assert main(["deadlines", "--today", "2025-01-24", "--json", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["report_year", "deadlines"] and out["report_year"] == 2024
    assert all(list(d) == ["kind", "due", "agencies", "reported", "missing"] for d in out["deadlines"])
    jan31 = [d for d in out["deadlines"] if d["due"] == "2025-01-31"]
    assert sorted(m for d in jan31 for m in d["missing"]) == sorted(
        ["银川市兴庆区财政局", "兴庆区凤凰北街街道办事处"]
    )
    assert [m for d in jan31 for m in d["reported"]] == ["银川市兴庆区掌政镇人民政府"]
    assert sum(d["agencies"] for d in out["deadlines"]) == 3
    assert main(["deadlines", "--today", "2025-01-24", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "2024 年度" in text and "银川市兴庆区财政局" in text


def test_deadlines_without_roster_and_overridden(tmp_path, main, capsys, monkeypatch):
    db = tmp_path / "nb.db"
    _fill(
        db,
        [
            make_report("甲县城关镇人民政府", 2023, short="城关镇"),
            make_report("甲县人民政府", 2023, short="甲县"),
            make_report("甲县人民政府", 2024, short="甲县"),
        ],
    )
    monkeypatch.setenv("NIANBAO_DEADLINES", "乡镇=01-20")
    assert main(["deadlines", "--today", "2025-01-10", "--json", "--db", str(db)]) == 0
    out = {d["kind"]: d for d in json.loads(capsys.readouterr().out)["deadlines"]}
    assert out["乡镇"]["due"] == "2025-01-20" and out["乡镇"]["missing"] == ["甲县城关镇人民政府"]
    assert out["县级政府"]["reported"] == ["甲县人民政府"] and out["县级政府"]["missing"] == []
    assert main(["deadlines", "--today", "2025-01-10", "--db", str(db)]) == 0
    assert "按上一年度已提交报告的机关统计" in capsys.readouterr().out
    assert main(["deadlines", "--today", "2025-4-1", "--db", str(db)]) == 2
    monkeypatch.setenv("NIANBAO_DEADLINES", "乡镇=99-99")
    assert main(["deadlines", "--db", str(db)]) == 2


def test_roster_import_xlsx_gbk_csv_and_errors(tmp_path, main, capsys):
    from openpyxl import Workbook

    db = tmp_path / "nb.db"
    wb = Workbook()
    ws = wb.active
    ws.append(["某县2024年度政府信息公开年报应报机关名单"])  # a title row above the header
    ws.append(["序号", "机关名称", "类别"])
    ws.append([1, "某县财政局", "部门"])
    ws.append([2, "某县城关镇人民政府", "乡镇人民政府"])
    ws.append([3, "某县人民政府", None])  # blank kind: guessed
    ws.append([None, None, None])
    wb.save(tmp_path / "名单.xlsx")
    assert main(["roster", "import", str(tmp_path / "名单.xlsx"), "--db", str(db)]) == 0
    assert main(["roster", "list", "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert [(r["name"], r["kind"]) for r in rows] == [
        ("某县财政局", "部门"),
        ("某县城关镇人民政府", "乡镇"),
        ("某县人民政府", "县级政府"),
    ]
    (tmp_path / "gbk.csv").write_bytes("机关名称,类别\n某县教育局,部门\n".encode("gbk"))
    assert main(["roster", "import", str(tmp_path / "gbk.csv"), "--replace", "--db", str(db)]) == 0
    assert main(["roster", "list", "--db", str(db)]) == 0
    assert "某县教育局" in capsys.readouterr().out
    (tmp_path / "bad.csv").write_text("机关名称,类别\n某县教育局,委员会\n", encoding="utf-8")
    assert main(["roster", "import", str(tmp_path / "bad.csv"), "--db", str(db)]) == 1
    assert "第 2 行" in capsys.readouterr().err
    (tmp_path / "none.csv").write_text("名字\n甲\n", encoding="utf-8")
    assert main(["roster", "import", str(tmp_path / "none.csv"), "--db", str(db)]) == 1
    assert main(["roster", "add", "某县某某街道办事处", "--db", str(db)]) == 0
    assert "（街道）" in capsys.readouterr().out
    assert main(["roster", "remove", "某某街道", "--db", str(db)]) == 0
    assert main(["roster", "remove", "某某街道", "--db", str(db)]) == 1
