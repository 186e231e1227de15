"""Parsing in worker processes: bounded in time and memory, off the event loop.

A hostile file (a decompression bomb, a PDF that makes a library spin) must cost its own
worker, never the bot, the CLI or another user's file. `workers` processes, forked from a
forkserver that has the parser imported already, each take one file at a time; a file's clock
starts when a worker takes it. Each worker caps its address space; one that overruns its time, or
dies, is killed and replaced alone, and workers are renewed after MAX_TASKS files so that nothing
a library leaks piles up. Scans report each page as OCR reads it: every page read extends the time limit by PAGE_TIMEOUT
(whoever calls, bot or CLI), and the report reaches the caller's callback when one is given.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import os
import queue
import resource
import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from parser import errors

if TYPE_CHECKING:  # not at run time: a command starts its workers before pydantic has loaded
    import concurrent.futures as cf

    from parser.model import Report

# asyncio and concurrent.futures load where the pool is used (the bot, the CLI), not in the forkserver
# and its workers, which import this module to run _serve

log = logging.getLogger("nianbao.worker")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = (
    4096  # address space, not RSS: OCR (onnxruntime) reserves far more than the ~1.1 GB it uses
)
MAX_TASKS = 200  # files a worker parses before it is renewed (a fresh worker starts with cold caches:
# renewing is against slow leaks, a few times in a season's archive, not every few dozen files)
PAGE_TIMEOUT = 30.0  # a scanned page takes ~2 s to read (2 cores); a page that takes 30 s is stuck
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
        raise errors.out_of_memory() from None
    except RecursionError:
        raise errors.corrupt("文件", "structure too deeply nested") from None


def _serve(conn, memory_mb: int, warm: list[str] | None = None, inherited: list | None = None) -> None:
    """A worker: one file at a time from `conn` — progress messages, then the report or the error.

    `warm`: modules to import while the first file is still on its way (a forked worker).
    `inherited`: the pool's ends of the pipes, which a fork copies into the worker: closed at once, so
    that the worker sees its pipe end (and leaves) when the pool's process dies, even killed."""
    for end in inherited or ():
        end.close()
    _limit_memory(memory_mb)
    # A worker forked from a command's event loop inherits its Ctrl-C handler and wake-up pipe: take
    # Ctrl-C as any process does, and never write into the parent's loop
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    for name in warm or ():
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    # What the forkserver loaded (the parser, pydantic) lives as long as the worker: out of the garbage
    # collector's sight, so collections neither scan it nor copy its shared pages
    gc.freeze()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the pool has gone
        if task is None:
            return
        data, filename = task

        def progress(page: int, pages: int) -> None:
            # always sent: every page read extends the time limit, whether or not the caller listens
            conn.send(("progress", page, pages))

        try:
            conn.send(("ok", _run(data, filename, progress)))
        except errors.ReportError as exc:
            conn.send(("error", exc))
        except BaseException:  # a parser bug: the caller gets crashed_error, the log keeps the trace
            log.exception("parsing %s failed", filename)
            conn.send(("error", crashed_error()))


class _Worker:
    def __init__(self, ctx, memory_mb: int, warm: list[str] | None = None, others: list | None = None):
        """`others`: the pool's ends of its other workers' pipes (a forked worker holds copies of them)."""
        self.conn, theirs = ctx.Pipe(duplex=True)
        # a forkserver passes the worker its own end alone; a fork copies every descriptor
        inherited = [self.conn, *(others or ())] if ctx.get_start_method() == "fork" else None
        self.process = ctx.Process(target=_serve, args=(theirs, memory_mb, warm, inherited), daemon=True)
        self.process.start()
        theirs.close()
        self.tasks = 0

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                kill = True
        if kill and self.process.is_alive():
            self.process.kill()
        self.process.join(5 if not kill else 1)
        if self.process.is_alive():
            self.process.kill()
        self.conn.close()


def timeout_error(seconds: float) -> errors.ReportError:
    return errors.ReportError(
        "timeout",
        f"文件解析超时（超过 {seconds:.0f} 秒），已停止处理。",
        f"parsing took longer than {seconds:.0f} s and was stopped",
    )


def crashed_error() -> errors.ReportError:
    return errors.ReportError(
        "crashed",
        "解析文件时出错，已停止处理。请确认文件完好后重试。",
        "the parser failed on this file; check the file and try again",
    )


class ParsePool:
    """`workers` worker processes; each file waits for a free one, and only its own worker pays for it."""

    # imported once in the forkserver, so workers start with the parser loaded
    PRELOAD = [
        "bot.worker",
        "parser.api",
        "parser.validate",
        "parser.readers.pdf",
        "parser.readers.docx",
        "parser.readers.html",
        "parser.readers.text",
        "parser.readers.ocr",  # its light part: every PDF is asked whether its text is garbled
        "parser.facts",
        "encodings.cp437",  # ZIP member names (DOCX)
        "encodings.utf_16_le",  # pdfium's text
        # not pdfplumber: pdfium reads nearly every PDF; a worker loads pdfminer when a page needs it
        "bot.warmup",  # last: reads the example report once, so workers start warm
    ]

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        clock: Callable[[], float] = time.monotonic,
        start_method: str = "forkserver",
    ):
        """`start_method="fork"`: a worker is forked straight from this process when first needed — no
        forkserver to start and nothing preloaded, for one-shot commands (`nianbao check`) that parse
        files one at a time; the worker still has its own time and memory limits."""
        self.clock = clock  # injectable, so tests of the time limit do not depend on the machine's speed
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._ctx = multiprocessing.get_context(start_method)
        # forkserver: workers fork from a server that imported the parser; fork: each worker imports it
        self._warm = None if start_method == "forkserver" else ["parser.api", "parser.validate"]
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload(self.PRELOAD)
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self.workers):
            self._idle.put(None)  # a place; its worker starts when first needed
        self._closed = False
        # waiting for a worker happens on these threads, not on the event loop's default executor
        import concurrent.futures

        self._threads = concurrent.futures.ThreadPoolExecutor(
            max_workers=64, thread_name_prefix="nianbao-parse"
        )

    def parse(self, data: bytes, filename: str | None = None, progress: Progress | None = None) -> Report:
        worker = self._acquire()
        if self._closed:
            self._idle.put(worker)
            raise crashed_error()
        if worker is None or not worker.process.is_alive():
            worker = _Worker(self._ctx, self.memory_mb, self._warm)
        healthy = False
        try:
            try:
                worker.conn.send((data, filename))
            except (OSError, ValueError):  # the worker died between two files
                raise crashed_error() from None
            worker.tasks += 1
            report = self._wait(worker.conn, progress)
            healthy = True
            return report
        except errors.ReportError as exc:
            healthy = exc.code not in ("timeout", "crashed")
            raise
        finally:
            if not healthy:
                worker.stop(kill=True)  # stuck or dead: this worker alone goes
                worker = None
            elif worker.tasks >= MAX_TASKS:
                worker.stop()
                worker = None
            self._idle.put(worker)

    def start(self) -> None:
        """Start one worker now, so that it gets ready while the caller does other things."""
        worker = self._idle.get()
        if worker is None or not worker.process.is_alive():
            worker = _Worker(self._ctx, self.memory_mb, self._warm)
        self._idle.put(worker)

    def start_all(self) -> list[cf.Future]:
        """Start every worker in the background: the forkserver loads the parser while the caller opens
        the store and lists its files (a batch) or waits for users (the bot), and the first files need
        not wait for it."""
        return [self._threads.submit(self.start) for _ in range(self.workers)]

    def start_forked(self) -> None:
        """Start every worker now, forked from this process once the parser is imported here.

        For a batch (an import): its workers are ready about 0.1 s sooner than from the forkserver,
        a second interpreter that would load pydantic and the parser again. Only from a process with one
        thread, since a fork copies whatever lock another thread holds: otherwise, and for every worker
        renewed later, the forkserver as usual."""
        import threading

        if self._ctx.get_start_method() != "forkserver" or threading.active_count() > 1:
            self.start_all()
            return
        for name in self.PRELOAD:
            importlib.import_module(name)
        fork = multiprocessing.get_context("fork")
        places = [self._idle.get() for _ in range(self.workers)]
        for k, worker in enumerate(places):
            if worker is None or not worker.process.is_alive():
                others = [w.conn for w in places if w is not None]
                worker = places[k] = _Worker(fork, self.memory_mb, others=others)
        for worker in places:
            self._idle.put(worker)

    def _acquire(self) -> _Worker | None:
        """Wait for a free worker place; the file's clock starts only after this."""
        return self._idle.get()

    def _wait(self, conn, progress: Progress | None) -> Report:
        started = self.clock()
        deadline = started + self.timeout
        while True:
            now = self.clock()
            left = min(deadline, started + MAX_TIMEOUT) - now
            if left <= 0:
                raise timeout_error(now - started)
            try:
                if not conn.poll(min(left, 1.0)):
                    continue
                kind, *payload = conn.recv()
            except (EOFError, OSError):  # the worker died without a word: killed for memory, or a crash
                raise crashed_error() from None
            if kind == "progress":
                deadline = max(deadline, self.clock() + PAGE_TIMEOUT)
                if progress is not None:
                    try:
                        progress(*payload)
                    except Exception:  # a failing callback must not fail the parse
                        log.exception("progress callback failed")
            elif kind == "ok":
                return payload[0]
            else:
                raise payload[0]

    async def parse_async(
        self, data: bytes, filename: str | None = None, progress: Progress | None = None
    ) -> Report:
        """`progress(page, pages)` is called on the event loop's thread."""
        import asyncio

        loop = asyncio.get_running_loop()
        relay = None
        if progress is not None:

            def relay(page: int, pages: int) -> None:
                loop.call_soon_threadsafe(progress, page, pages)

        return await loop.run_in_executor(self._threads, self.parse, data, filename, relay)

    def close(self) -> None:
        """Let running files finish, then stop every worker."""
        self._threads.shutdown(wait=True, cancel_futures=True)
        self._closed = True
        for _ in range(self.workers):
            worker = self._idle.get()
            if worker is not None:
                worker.stop()
            self._idle.put(None)
