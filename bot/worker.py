"""Parsing in worker processes: bounded in time and memory, off the event loop.

A hostile file (a decompression bomb, a PDF that makes a library spin) must cost one worker,
never the bot or the CLI. Each worker caps its address space; a parse that overruns its time
limit gets the pool torn down and rebuilt.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import os
import resource
import threading

from parser import errors
from parser.model import Report

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 2048


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # some sandboxes forbid it; the time limit still holds
        pass


def analyse(data: bytes, filename: str | None) -> Report:
    """Parse and validate one file: the whole pure pipeline, as run inside a worker."""
    from parser.api import parse_report
    from parser.validate import validate

    report = parse_report(data, filename)
    report.findings = validate(report)
    return report


def _run(data: bytes, filename: str | None) -> Report:
    try:
        return analyse(data, filename)
    except errors.ReportError:
        raise
    except MemoryError:
        raise errors.ReportError("too_large", "文件解析时占用内存过多，已停止处理。",
                                 "parsing the file needed too much memory and was stopped") from None
    except RecursionError:
        raise errors.corrupt("文件", "structure too deeply nested") from None


def timeout_error(seconds: float) -> errors.ReportError:
    return errors.ReportError("timeout", f"文件解析超时（超过 {seconds:.0f} 秒），已停止处理。",
                              f"parsing took longer than {seconds:.0f} s and was stopped")


def crashed_error() -> errors.ReportError:
    return errors.ReportError("crashed", "解析文件时出错，已停止处理。请确认文件完好后重试。",
                              "the parser failed on this file; check the file and try again")


class ParsePool:
    """A process pool for `analyse`, rebuilt when a task overruns its time or kills its worker."""

    def __init__(self, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                 memory_mb: int = DEFAULT_MEMORY_MB):
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._pool: cf.ProcessPoolExecutor | None = None

    def _executor(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # forkserver: safe with the bot's threads and event loop, cheaper than spawn per task
                ctx = multiprocessing.get_context("forkserver")
                self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_limit_memory,
                                                    initargs=(self.memory_mb,))
            return self._pool

    def _reset(self, broken: cf.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def parse(self, data: bytes, filename: str | None = None) -> Report:
        pool = self._executor()
        future = pool.submit(_run, data, filename)
        try:
            return future.result(timeout=self.timeout)
        except cf.TimeoutError:
            self._reset(pool)
            raise timeout_error(self.timeout) from None
        except cf.process.BrokenProcessPool:
            self._reset(pool)
            raise crashed_error() from None

    async def parse_async(self, data: bytes, filename: str | None = None) -> Report:
        return await asyncio.get_running_loop().run_in_executor(None, self.parse, data, filename)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
