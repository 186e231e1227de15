"""`nianbao import` and `nianbao reparse` with the real parser: parallel, resumable, interruptible."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "storage"))

from txt_reports import report_text  # noqa: E402

from bot.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
COUNTIES = [
    "永宁县",
    "贺兰县",
    "灵武市",
    "西吉县",
    "隆德县",
    "泾源县",
    "彭阳县",
    "中宁县",
    "海原县",
    "盐池县",
]
TOWNS = [
    "望洪镇",
    "立岗镇",
    "宁东镇",
    "兴隆镇",
    "沙塘镇",
    "六盘山镇",
    "红河镇",
    "石空镇",
    "三河镇",
    "花马池镇",
    "惠安堡镇",
    "大水坑镇",
    "城阳乡",
    "新集乡",
    "古城镇",
]


def _tree(root: Path, n: int) -> list[Path]:
    """n reports (agency × year) spread over nested folders, every file distinct."""
    files = []
    for i in range(n):
        county, town = COUNTIES[i % len(COUNTIES)], TOWNS[(i // len(COUNTIES)) % len(TOWNS)]
        year = 2021 + (i // (len(COUNTIES) * len(TOWNS)))
        path = root / county / f"{year}" / f"{town}{year}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report_text(f"{county}{town}人民政府", year, new=1 + i % 5), encoding="utf-8")
        files.append(path)
    return files


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        con.close()


def test_import_tree_then_rerun_skips_everything(tmp_path, capsys):
    files = _tree(tmp_path / "in", 12)
    (tmp_path / "in" / "永宁县" / "copy.txt").write_bytes(files[0].read_bytes())  # same file twice
    (tmp_path / "in" / "notes.txt").write_text("这不是年度报告。\n", encoding="utf-8")
    (tmp_path / "in" / ".hidden").write_text("x")
    db = tmp_path / "nb.db"
    assert main(["import", str(tmp_path / "in"), "--db", str(db), "--jobs", "2", "--progress"]) == 1
    cap = capsys.readouterr()
    lines = cap.out.strip().splitlines()
    assert len(lines) == 15  # a line per file (14) and the tally
    assert sum("新增" in line for line in lines[:-1]) == 12
    assert sum("已存在" in line for line in lines[:-1]) == 1
    assert sum("失败" in line for line in lines[:-1]) == 1
    assert "共 14 个文件" in lines[-1] and "失败 1" in lines[-1]
    assert "14/14" in cap.err  # the progress bar
    assert _count(db) == 12
    assert main(["import", str(tmp_path / "in"), "--db", str(db)]) == 1  # the non-report still fails
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "新增 0" in last and "已存在 13" in last
    assert _count(db) == 12


def _start_import(src: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "import", str(src), "--db", str(db), "--jobs", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _interrupt_midway(proc: subprocess.Popen, db: Path, total: int, sig: int) -> int:
    deadline = time.monotonic() + 120
    while _count(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, sig)  # the whole group: the import and the workers it started
    proc.communicate(timeout=120)
    stored = _count(db)
    assert 0 < stored < total, "the import should have been stopped half way"
    return stored


@pytest.mark.slow  # imports in a subprocess, killed and run again
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_import_killed_halfway_then_rerun(tmp_path, capsys, sig):
    total = 150
    _tree(tmp_path / "in", total)
    db = tmp_path / "nb.db"
    proc = _start_import(tmp_path / "in", db)
    _interrupt_midway(proc, db, total, sig)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # nothing half-saved: every report has all its cells
    assert len({n for (n,) in con.execute("SELECT count(*) FROM cells GROUP BY report_id")}) == 1
    con.close()
    assert main(["import", str(tmp_path / "in"), "--db", str(db), "--jobs", "2"]) == 0
    assert _count(db) == total
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(DISTINCT sha256) FROM reports").fetchone()[0] == total
    con.close()


def test_reparse_restores_from_the_kept_originals(tmp_path, capsys):
    _tree(tmp_path / "in", 4)
    db = tmp_path / "nb.db"
    assert main(["import", str(tmp_path / "in"), "--db", str(db)]) == 0
    capsys.readouterr()
    con = sqlite3.connect(db)
    con.execute("UPDATE cells SET value = 99 WHERE path = 'applications.new_received.total'")
    con.commit()
    con.close()
    assert main(["reparse", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "更新 4" in out
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM cells WHERE value = 99").fetchone()[0] == 0
    con.close()
    assert main(["reparse", "永宁县望洪镇", "--db", str(db)]) == 0
    assert "无变化 1" in capsys.readouterr().out
