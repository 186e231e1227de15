"""`nianbao trend AGENCY [--json] [--png FILE]` on a real database file."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chart_reports import AGENCY, fill_db  # noqa: E402
from test_charts import png_size  # noqa: E402

from bot.cli import main  # noqa: E402


def _db(tmp_path) -> Path:
    db = tmp_path / "nb.db"
    asyncio.run(fill_db(db))
    return db


def test_trend_table_and_json(tmp_path, capsys):
    db = _db(tmp_path)
    assert main(["trend", "掌政镇", "--db", str(db)]) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[0] == f"{AGENCY} 历年主要数据"
    assert out[1].split() == ["项目", "2020年", "2021年", "2022年", "2023年"]
    assert "行政许可处理决定（件）" in out[9] and out[9].split()[1:] == ["1,200", "1,350", "980", "1,500"]
    assert out[8].split()[1:] == ["—", "12", "14", "15"]  # 2019 template: no 现行有效件数
    assert out[2].split()[-1] == "1*" and "* 取自报告正文" in out[12]
    # the columns line up (CJK characters are two columns wide)
    from bot.figures import _width

    assert len({_width(line) for line in out[1:12]}) == 1

    assert main(["trend", "掌政镇", "--json", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["agency", "years", "templates", "rows"]
    assert data["agency"] == AGENCY and data["years"] == [2020, 2021, 2022, 2023]
    assert data["templates"] == ["2019", "2021", "2021", "2021"]
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["received"]["values"] == [4, 6, 3, 1] and rows["received"]["from_text"] == [False] * 3 + [
        True
    ]
    assert rows["litigation"]["values"] == [0, 0, 2, None]
    assert rows["normative_in_force"]["label"] == "行政规范性文件现行有效（件）"


def test_trend_png(tmp_path, capsys):
    db = _db(tmp_path)
    png = tmp_path / "趋势.png"
    assert main(["trend", "掌政镇", "--json", "--png", str(png), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["years"] == [2020, 2021, 2022, 2023]  # stdout stays JSON
    assert "折线图已保存" in captured.err
    width, height = png_size(png.read_bytes())
    assert width > 1200 and height > 600

    book = tmp_path / "趋势.xlsx"
    assert main(["trend", "掌政镇", "--xlsx", str(book), "--db", str(db)]) == 0
    ws = openpyxl.load_workbook(book)["主要数据"]
    assert len(ws._charts) == 10 and ws["E1"].value == "2023年"


def test_trend_errors(tmp_path, capsys):
    db = _db(tmp_path)
    assert main(["trend", "不存在镇", "--db", str(db)]) == 2
    assert "没有找到机关" in capsys.readouterr().err
