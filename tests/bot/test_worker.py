"""Parsing in worker processes: results, errors, time limits, and page-by-page progress of scans."""

import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from shared_files import shared

from bot.worker import ParsePool
from parser.errors import ReportError

SEEDS = shared("seeds")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parser" / "readers"))


@pytest.fixture
def pool():
    pool = ParsePool(workers=1, timeout=600)  # limits are tested with a fake clock, never with a slow machine
    yield pool
    pool.close()


def test_parse_in_a_worker_gives_the_validated_report(pool):
    report = pool.parse((SEEDS / "002_0a7990abdff832d1.txt").read_bytes(), "002.txt")
    assert report.agency_short == "兴仁镇"
    assert [f.rule for f in report.findings] == ["TEXT-SUM"]


def test_bad_file_raises_a_report_error_and_the_pool_goes_on(pool):
    with pytest.raises(ReportError) as caught:
        pool.parse(b"%PDF-1.4 broken", "x.pdf")
    assert caught.value.code == "corrupt"
    assert pool.parse((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).year == 2020


def slow_text(lines: int) -> bytes:
    """A text the parser reads in about 1.6 s per 100 000 lines on a 2-core machine (not a report)."""
    return (
        "银川市某镇人民政府\n2024年政府信息公开工作年度报告\n" + "一、总体情况 本年度 0 0 0\n" * lines
    ).encode()


class FakeClock:
    """The pool's clock, moved only by the test: no assertion depends on the machine's speed."""

    def __init__(self):
        self.now = 0.0
        self.readers: set[threading.Thread] = (
            set()
        )  # threads that have read the clock: their file's timer runs

    def __call__(self) -> float:
        self.readers.add(threading.current_thread())
        return self.now


def test_a_parse_over_its_time_limit_is_stopped_and_others_go_on():
    clock = FakeClock()
    pool = ParsePool(workers=2, timeout=10, clock=clock)
    try:
        slow_thread = []

        def parse_slow():
            slow_thread.append(threading.current_thread())
            return pool.parse(slow_text(1_200_000), "slow.txt")  # seconds, where the small file takes a blink

        with ThreadPoolExecutor(2) as threads:
            slow = threads.submit(parse_slow)
            fine = threads.submit(pool.parse, (SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes(), "003.txt")
            assert fine.result().year == 2020  # the other file, parsed beside it, is untouched
            while not (slow_thread and slow_thread[0] in clock.readers):  # the slow file's timer has started
                time.sleep(0.01)
            clock.now = 11  # and now its limit passes
            with pytest.raises(ReportError) as caught:
                slow.result()
            assert caught.value.code == "timeout"
        assert pool.parse((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).year == 2020  # a new worker
    finally:
        pool.close()


def test_time_waiting_for_a_free_worker_does_not_count():
    clock = FakeClock()
    pool = ParsePool(workers=1, timeout=10, clock=clock)
    take_place = pool._acquire

    def acquire_after_a_long_wait():
        worker = take_place()
        clock.now += 100  # the file waited ten times its limit for a free worker
        return worker

    pool._acquire = acquire_after_a_long_wait
    try:
        with ThreadPoolExecutor(3) as threads:
            futures = [threads.submit(pool.parse, slow_text(1_000), f"{k}.txt") for k in range(3)]
            codes = []
            for future in futures:
                with pytest.raises(ReportError) as caught:
                    future.result()
                codes.append(caught.value.code)
        assert codes == ["not_report"] * 3  # each read to its end, none cut off
    finally:
        pool.close()


class ScriptedConn:
    """A worker's end of the pipe, as `_wait` sees it: time passes while the pool polls, then a message comes."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, tuple]]):
        self.clock, self.script = clock, list(script)
        self.silent = False

    def poll(self, timeout: float) -> bool:
        if self.silent:  # the time before the next message has passed: it arrives now
            self.silent = False
            return True
        self.clock.now += self.script[0][0]
        self.silent = True
        return False

    def recv(self) -> tuple:
        return self.script.pop(0)[1]


def test_each_page_read_extends_the_limit_whoever_listens():
    clock = FakeClock()
    pool = ParsePool(workers=1, timeout=10, clock=clock)
    try:
        pages = [(9.0, ("progress", page, 4)) for page in range(1, 5)]  # 45 s in all, 9 s a page
        assert pool._wait(ScriptedConn(clock, [*pages, (9.0, ("ok", "report"))]), None) == "report"
        clock.now = 0
        with pytest.raises(ReportError) as caught:  # a file silent for longer than its limit is stopped
            pool._wait(ScriptedConn(clock, [(11.0, ("ok", "report"))]), None)
        assert caught.value.code == "timeout"
    finally:
        pool.close()


@pytest.mark.slow
@pytest.mark.ocr
def test_a_worker_reports_pages_without_being_asked():
    """`nianbao check` passes no callback: the worker still tells the pool of each page it reads."""
    pytest.importorskip("rapidocr_onnxruntime")
    import multiprocessing

    import scan_docs

    from bot.worker import _Worker

    worker = _Worker(multiprocessing.get_context("forkserver"), 4096)
    try:
        worker.conn.send((scan_docs.scanned(scan_docs.report_pdf(), "PDF", pages=[0, 1]), "scan.pdf"))
        messages = [worker.conn.recv() for _ in range(3)]
        assert [m[0] for m in messages] == ["progress", "progress", "ok"]
        assert [tuple(m[1:]) for m in messages[:2]] == [(1, 2), (2, 2)]
    finally:
        worker.stop()


@pytest.mark.slow
@pytest.mark.ocr
async def test_scan_pages_are_reported_as_they_are_read(pool):
    pytest.importorskip("rapidocr_onnxruntime")
    import scan_docs

    scan = scan_docs.scanned(scan_docs.report_pdf(), "PDF", pages=[0, 1])
    seen = []
    report = await pool.parse_async(scan, "scan.pdf", lambda page, pages: seen.append((page, pages)))
    assert report.ocr
    assert seen == [(1, 2), (2, 2)]
    await asyncio.sleep(0)


def test_a_worker_that_died_between_files_is_replaced(pool):
    seed = (SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()
    assert pool.parse(seed).year == 2020
    worker = pool._idle.get()  # the worker that just served, idle
    worker.process.kill()  # the kernel's OOM killer, say
    worker.process.join(5)
    pool._idle.put(worker)
    assert pool.parse(seed).year == 2020


def test_workers_are_renewed_after_many_files(pool, monkeypatch):
    import bot.worker

    monkeypatch.setattr(bot.worker, "MAX_TASKS", 2)
    seed = (SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()
    pool.parse(seed)
    first = pool._idle.queue[0].process.pid
    pool.parse(seed)  # the second file: the worker retires after it
    assert pool._idle.queue[0] is None
    pool.parse(seed)
    assert pool._idle.queue[0].process.pid != first


def test_a_forked_worker_for_one_shot_commands_keeps_the_time_limit():
    """`nianbao check` forks its one worker straight from the command (no forkserver to start): the
    report is the same, and a file over its time limit still costs only the worker."""
    clock = FakeClock()
    pool = ParsePool(workers=1, timeout=10, clock=clock, start_method="fork")
    pool.start()
    try:
        report = pool.parse((SEEDS / "002_0a7990abdff832d1.txt").read_bytes(), "002.txt")
        assert report.agency_short == "兴仁镇" and [f.rule for f in report.findings] == ["TEXT-SUM"]
        slow_thread = []

        def parse_slow():
            slow_thread.append(threading.current_thread())
            return pool.parse(slow_text(1_200_000), "slow.txt")

        with ThreadPoolExecutor(1) as threads:
            slow = threads.submit(parse_slow)
            while not (slow_thread and slow_thread[0] in clock.readers):  # the slow file's timer has started
                time.sleep(0.01)
            clock.now = 11
            with pytest.raises(ReportError) as caught:
                slow.result()
            assert caught.value.code == "timeout"
        assert pool.parse((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).year == 2020  # a new worker
    finally:
        pool.close()


def test_start_all_has_every_worker_running_before_the_first_file():
    pool = ParsePool(workers=2, timeout=600)
    try:
        for started in pool.start_all():
            started.result()
        places = [pool._idle.get() for _ in range(pool.workers)]
        assert all(w is not None and w.process.is_alive() for w in places)
        assert len({w.process.pid for w in places}) == 2
        for w in places:
            pool._idle.put(w)
        assert pool.parse((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).year == 2020
        still = [pool._idle.get() for _ in range(pool.workers)]
        assert {w.process.pid for w in still} == {w.process.pid for w in places}  # the same two, no new one
        for w in still:
            pool._idle.put(w)
    finally:
        pool.close()


def test_every_module_the_forkserver_preloads_imports_and_the_last_warms_the_parser():
    """The forkserver skips a module that fails to import without a word: each must import. The last,
    bot.warmup, has read the example report, so workers fork from a parser that has done it once."""
    import subprocess

    code = (
        "import importlib, sys\n"
        "from bot.worker import ParsePool\n"
        "for name in ParsePool.PRELOAD: importlib.import_module(name)\n"
        "from parser.textutil import nfkc\n"
        "assert ParsePool.PRELOAD[-1] == 'bot.warmup'\n"
        "assert 'parser.facts' in sys.modules and nfkc.cache_info().currsize > 100, nfkc.cache_info()\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def _run_python(code: str, *args: str) -> str:
    """`code` in a fresh interpreter: a process with one thread, as a CLI command starts."""
    import subprocess

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=root, check=True, capture_output=True, text=True
    )
    return done.stdout


_FORKED_POOL = """
import os, sys, threading
import bot.worker
from bot.worker import ParsePool

def parent(pid):  # the process a worker was forked from (Linux /proc)
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])

if sys.argv[2:] == ["threaded"]:  # another thread running, as in the bot or a test process
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
bot.worker.MAX_TASKS = 2
seed = open(sys.argv[1], "rb").read()
pool = ParsePool(workers=2, timeout=600)
pool.start_forked()
places = [pool._idle.get() for _ in range(2)]
print("started", all(w is not None and w.process.is_alive() for w in places))
print("forked here", [parent(w.process.pid) == os.getpid() for w in places])
for w in places:
    pool._idle.put(w)
print("years", [pool.parse(seed).year for _ in range(4)])  # each worker retires after two files
renewed = [pool._idle.get() for _ in range(2)]
print("renewed", [w is None for w in renewed])
for w in renewed:
    pool._idle.put(w)
print("year after", pool.parse(seed).year)
fresh = [w for w in pool._idle.queue if w is not None]
print("fresh from here", [parent(w.process.pid) == os.getpid() for w in fresh])
pool.close()
"""


def test_a_batch_forks_its_workers_from_the_command_and_renews_them_from_the_forkserver():
    """`nianbao import` forks its workers straight from the command, once the parser is imported there
    (no second interpreter to load it again); workers renewed later come from the forkserver, since
    by then the command runs other threads."""
    seed = SEEDS / "003_24cd27ad2d34b72d.txt"
    out = _run_python(_FORKED_POOL, str(seed))
    assert out.splitlines() == [
        "started True",
        "forked here [True, True]",
        "years [2020, 2020, 2020, 2020]",
        "renewed [True, True]",
        "year after 2020",
        "fresh from here [False]",
    ]


def test_a_process_with_other_threads_starts_its_workers_from_the_forkserver():
    seed = SEEDS / "003_24cd27ad2d34b72d.txt"
    out = _run_python(_FORKED_POOL, str(seed), "threaded")
    assert "forked here [False, False]" in out.splitlines()
    assert "years [2020, 2020, 2020, 2020]" in out.splitlines()


_POOL_THEN_WAIT = """
import sys, time
from bot.worker import ParsePool

if sys.argv[1] == "batch":
    pool = ParsePool(workers=2, timeout=600)
    pool.start_forked()
else:  # nianbao check's one worker
    pool = ParsePool(workers=1, timeout=600, start_method="fork")
    pool.start()
print(*[w.process.pid for w in pool._idle.queue], flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # exited, waiting for whoever adopted it to reap it


@pytest.mark.parametrize("how", ["batch", "check"])
def test_workers_forked_from_a_command_leave_when_it_is_killed(how):
    """A command killed outright (SIGKILL, the OOM killer) leaves no worker behind: a forked worker
    closes its copy of the command's pipe ends, so it sees its pipe close when the command dies."""
    import signal
    import subprocess

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", _POOL_THEN_WAIT, how], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == (2 if how == "batch" else 1)
        assert not any(_gone(pid) for pid in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 60  # an upper bound for a liveness check, not a speed measure
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in pids if not _gone(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
