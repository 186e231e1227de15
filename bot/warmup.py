"""Imported last by the forkserver (bot.worker.ParsePool.PRELOAD): the example report read and checked
once, so that every worker forks from a parser that has done it — regular expressions compiled, lazy
imports done, caches and pydantic's validators warm — instead of each worker paying for it on its
first file (a first report took some 20 ms longer than the next)."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.worker import analyse


def _warm_up() -> None:
    try:
        # beside this file (package data): importlib.resources would cost the forkserver another 10 ms
        for entry in sorted((Path(__file__).parent / "examples").glob("*.txt")):
            analyse(entry.read_bytes(), entry.name)
            return
    except Exception:  # a warm-up must never keep the workers from starting
        logging.getLogger("nianbao.worker").warning("warm-up failed", exc_info=True)


_warm_up()
