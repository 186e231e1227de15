"""Original files, content-addressed in `<db stem>.files/ab/abcdef…` beside the database.

Kept so `nianbao reparse` can run an improved parser over every stored report. Writes go to a
temporary name first and are renamed into place, so an interrupted write never leaves a torn file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_dir_for(db_path: str | os.PathLike) -> Path:
    p = Path(db_path)
    return p.with_name(p.stem + ".files")


class FileStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        sha256 = sha256.lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes, sha256: str | None = None) -> str:
        sha = sha256 or sha256_of(data)
        target = self.path_for(sha)
        if target.exists() and target.stat().st_size == len(data):
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)
