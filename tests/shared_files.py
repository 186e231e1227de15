"""../shared beside the project: the spec, the seed reports and the real PDF that tests read.

Every test needing it goes through `shared(...)` (module level: parametrize lists, constants) or the
`shared_dir` fixture (tests/conftest.py), so a missing folder fails the same clear way everywhere
instead of some tests skipping and others failing.
"""

from __future__ import annotations

from pathlib import Path

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


class SharedMissing(FileNotFoundError):
    pass


def shared(*parts: str) -> Path:
    """A path under ../shared, which must exist."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        raise SharedMissing(
            f"{path} not found: the tests read ../shared (spec/, seeds/, real/), "
            f"which must sit beside the project at {SHARED_DIR}"
        )
    return path
