#!/usr/bin/env python3
"""Back up the nianbao database while the bot runs: SQLite's online backup API, no downtime.

    python deploy/backup.py /var/lib/nianbao/nianbao.db /var/backups/nianbao [--keep 14]

Writes nianbao-YYYYmmdd-HHMMSS.db (a consistent snapshot, even mid-write), checks it with
`PRAGMA integrity_check`, copies the original files folder (<db>.files/, content-addressed,
so only new files are copied) and keeps the newest --keep snapshots. Cron example:
    15 3 * * *  nianbao  /opt/nianbao/.venv/bin/python /opt/nianbao/deploy/backup.py /var/lib/nianbao/nianbao.db /var/backups/nianbao
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from datetime import datetime
from pathlib import Path


def backup(db: Path, target_dir: Path, keep: int = 14) -> Path:
    if not db.is_file():
        raise FileNotFoundError(db)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{db.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    partial = target.with_suffix(".db.partial")
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        dest = sqlite3.connect(partial)
        try:
            # pages=1024 per step lets the bot write between steps; a write restarts the copy safely.
            source.backup(dest, pages=1024, sleep=0.05)
            if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError("backup failed its integrity check")
        finally:
            dest.close()
    finally:
        source.close()
    partial.replace(target)
    files = db.with_name(db.stem + ".files")
    if files.is_dir():
        shutil.copytree(files, target_dir / files.name, dirs_exist_ok=True)
    snapshots = sorted(target_dir.glob(f"{db.stem}-*.db"))
    for old in snapshots[:-keep] if keep > 0 else []:
        old.unlink()
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="在线备份年报助手数据库（SQLite online backup）")
    p.add_argument("db", type=Path)
    p.add_argument("target_dir", type=Path)
    p.add_argument("--keep", type=int, default=14, help="保留最近几份备份（默认 14）")
    args = p.parse_args(argv)
    try:
        print(backup(args.db, args.target_dir, args.keep))
    except (OSError, sqlite3.Error, RuntimeError) as exc:
        print(f"备份失败：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
