"""deploy/backup.py: an online backup of a database the bot is writing to."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_backup():
    spec = importlib.util.spec_from_file_location("nianbao_backup", ROOT / "deploy" / "backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_backup_while_a_writer_holds_the_database(tmp_path):
    db = tmp_path / "nianbao.db"
    (tmp_path / "nianbao.files" / "ab").mkdir(parents=True)
    (tmp_path / "nianbao.files" / "ab" / "abc").write_bytes(b"original")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, name TEXT)")
    writer.executemany("INSERT INTO reports (name) VALUES (?)", [(f"r{i}",) for i in range(500)])
    writer.execute("BEGIN")
    writer.execute("INSERT INTO reports (name) VALUES ('uncommitted')")  # not in the snapshot
    backup = load_backup()
    out = tmp_path / "backups"
    for _ in range(3):
        target = backup.backup(db, out, keep=2)
    writer.execute("COMMIT")
    writer.close()
    assert len(list(out.glob("nianbao-*.db"))) <= 2
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 500
    assert (out / "nianbao.files" / "ab" / "abc").read_bytes() == b"original"
    assert backup.main([str(tmp_path / "missing.db"), str(out)]) == 1
