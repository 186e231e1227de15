"""Parsing in worker processes: bounded in time and memory, off the event loop.

A hostile file (a decompression bomb, a PDF that makes a library spin) must cost one worker,
never the bot or the CLI. Each worker caps its address space; a parse that overruns its time
limit gets the pool torn down and rebuilt. Scans report each page as OCR reads it: the report
reaches the caller's callback, and every page read extends the time limit by PAGE_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import itertools
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable

from parser import errors
from parser.model import Report

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 4096  # address space, not RSS: OCR (onnxruntime) reserves far more than the ~1.1 GB it uses
PAGE_TIMEOUT = 30.0  # a scanned page takes ~5 s to read; a page that takes 30 s is stuck
MAX_TIMEOUT = 30 * 60.0

Progress = Callable[[int, int], None]


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # some sandboxes forbid it; the time limit still holds
        pass


def analyse(data: bytes, filename: str | None, progress: Progress | None = None) -> Report:
    """Parse and validate one file: the whole pure pipeline, as run inside a worker."""
    from parser.api import parse_report
    from parser.validate import validate

    report = parse_report(data, filename, progress)
    report.findings = validate(report)
    return report


def _run(data: bytes, filename: str | None, task: int, queue) -> Report:
    progress = (lambda page, pages: queue.put((task, page, pages))) if queue is not None else None
    try:
        return analyse(data, filename, progress)
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
        self._tasks = itertools.count(1)
        # task id → (callback, time of its last page); fed by one listener thread
        self._listeners: dict[int, list] = {}
        self._queue = None
        self._manager = None

    def _executor(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # forkserver: safe with the bot's threads and event loop, cheaper than spawn per task
                ctx = multiprocessing.get_context("forkserver")
                self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_limit_memory,
                                                    initargs=(self.memory_mb,))
            return self._pool

    def _progress_queue(self):
        """A queue workers can write to (a manager's: plain queues cannot be passed to pool tasks)."""
        with self._lock:
            if self._queue is None:
                self._manager = multiprocessing.get_context("forkserver").Manager()
                self._queue = self._manager.Queue()
                threading.Thread(target=self._listen, args=(self._queue,), daemon=True,
                                 name="nianbao-progress").start()
            return self._queue

    def _listen(self, queue) -> None:
        while True:
            try:
                item = queue.get()
            except (EOFError, OSError):
                return
            if item is None:
                return
            task, page, pages = item
            listener = self._listeners.get(task)
            if listener is not None:
                listener[1] = time.monotonic()
                try:
                    listener[0](page, pages)
                except Exception:  # a failing callback must not stop the others' progress
                    pass

    def _reset(self, broken: cf.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def parse(self, data: bytes, filename: str | None = None, progress: Progress | None = None) -> Report:
        pool = self._executor()
        task = next(self._tasks)
        queue = None
        if progress is not None:
            queue = self._progress_queue()
            self._listeners[task] = [progress, 0.0]
        started = time.monotonic()
        future = pool.submit(_run, data, filename, task, queue)
        try:
            while True:
                try:
                    return future.result(timeout=1.0)
                except cf.TimeoutError:
                    now = time.monotonic()
                    last_page = self._listeners.get(task, [None, 0.0])[1]
                    deadline = max(started + self.timeout, last_page + PAGE_TIMEOUT)
                    if now > min(deadline, started + MAX_TIMEOUT):
                        self._reset(pool)
                        raise timeout_error(now - started) from None
        except cf.process.BrokenProcessPool:
            self._reset(pool)
            raise crashed_error() from None
        finally:
            self._listeners.pop(task, None)

    async def parse_async(self, data: bytes, filename: str | None = None,
                          progress: Progress | None = None) -> Report:
        """`progress(page, pages)` is called on the event loop's thread."""
        loop = asyncio.get_running_loop()
        relay = None
        if progress is not None:
            def relay(page: int, pages: int) -> None:
                loop.call_soon_threadsafe(progress, page, pages)
        return await loop.run_in_executor(None, self.parse, data, filename, relay)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            manager, self._manager, queue, self._queue = self._manager, None, self._queue, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if queue is not None:
            try:
                queue.put(None)
            except (EOFError, OSError):
                pass
        if manager is not None:
            manager.shutdown()
