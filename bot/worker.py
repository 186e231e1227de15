"""Parsing in worker processes: bounded in time and memory, off the event loop.

A hostile file (a decompression bomb, a PDF that makes a library spin) must cost its own
process, never the bot, the CLI or another user's file. Each file is parsed in a process of its
own, forked from a forkserver that has the parser imported already (a few ms); at most `workers`
run at once, and a file's clock starts when its process does. The process caps its address space;
one that overruns its time is killed alone. Scans report each page as OCR reads it: the report
reaches the caller's callback, and every page read extends the time limit by PAGE_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable

from parser import errors
from parser.model import Report

log = logging.getLogger("nianbao.worker")

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


def _run(data: bytes, filename: str | None, progress: Progress | None = None) -> Report:
    try:
        return analyse(data, filename, progress)
    except errors.ReportError:
        raise
    except MemoryError:
        raise errors.ReportError("too_large", "文件解析时占用内存过多，已停止处理。",
                                 "parsing the file needed too much memory and was stopped") from None
    except RecursionError:
        raise errors.corrupt("文件", "structure too deeply nested") from None


def _child(conn, data: bytes, filename: str | None, memory_mb: int, report_progress: bool) -> None:
    """One file, in a process of its own: progress messages, then the report or the error."""
    _limit_memory(memory_mb)
    progress = (lambda page, pages: conn.send(("progress", page, pages))) if report_progress else None
    try:
        conn.send(("ok", _run(data, filename, progress)))
    except errors.ReportError as exc:
        conn.send(("error", exc))
    except BaseException:  # a parser bug: the parent answers with crashed_error, the log keeps the trace
        log.exception("parsing %s failed", filename)
        conn.send(("error", crashed_error()))
    finally:
        conn.close()


def timeout_error(seconds: float) -> errors.ReportError:
    return errors.ReportError("timeout", f"文件解析超时（超过 {seconds:.0f} 秒），已停止处理。",
                              f"parsing took longer than {seconds:.0f} s and was stopped")


def crashed_error() -> errors.ReportError:
    return errors.ReportError("crashed", "解析文件时出错，已停止处理。请确认文件完好后重试。",
                              "the parser failed on this file; check the file and try again")


class ParsePool:
    """Runs `analyse` for each file in its own process, at most `workers` at a time."""

    # imported once in the forkserver, so each file's process starts with the parser loaded
    PRELOAD = ["bot.worker", "parser.api", "parser.validate", "parser.readers.pdf", "parser.readers.docx",
               "parser.readers.html", "parser.readers.text", "pdfplumber"]

    def __init__(self, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                 memory_mb: int = DEFAULT_MEMORY_MB):
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._slots = threading.BoundedSemaphore(self.workers)
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(self.PRELOAD)
        # waiting for a slot happens on these threads, not on the event loop's default executor
        self._threads = cf.ThreadPoolExecutor(max_workers=64, thread_name_prefix="nianbao-parse")

    def parse(self, data: bytes, filename: str | None = None, progress: Progress | None = None) -> Report:
        with self._slots:
            receiver, sender = self._ctx.Pipe(duplex=False)
            process = self._ctx.Process(target=_child, args=(sender, data, filename, self.memory_mb,
                                                             progress is not None), daemon=True)
            process.start()
            sender.close()
            try:
                return self._wait(process, receiver, progress)
            finally:
                if process.is_alive():
                    process.kill()
                process.join(5)
                receiver.close()

    def _wait(self, process, receiver, progress: Progress | None) -> Report:
        started = time.monotonic()
        deadline = started + self.timeout
        while True:
            now = time.monotonic()
            left = min(deadline, started + MAX_TIMEOUT) - now
            if left <= 0:
                raise timeout_error(now - started)
            if not receiver.poll(min(left, 1.0)):
                continue
            try:
                kind, *payload = receiver.recv()
            except (EOFError, OSError):  # the process died without a word: killed for memory, or a crash
                raise crashed_error() from None
            if kind == "progress":
                deadline = max(deadline, time.monotonic() + PAGE_TIMEOUT)
                if progress is not None:
                    try:
                        progress(*payload)
                    except Exception:  # a failing callback must not fail the parse
                        log.exception("progress callback failed")
            elif kind == "ok":
                return payload[0]
            else:
                raise payload[0]

    async def parse_async(self, data: bytes, filename: str | None = None,
                          progress: Progress | None = None) -> Report:
        """`progress(page, pages)` is called on the event loop's thread."""
        loop = asyncio.get_running_loop()
        relay = None
        if progress is not None:
            def relay(page: int, pages: int) -> None:
                loop.call_soon_threadsafe(progress, page, pages)
        return await loop.run_in_executor(self._threads, self.parse, data, filename, relay)

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
