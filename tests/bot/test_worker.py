"""Parsing in worker processes: results, errors, time limits, and page-by-page progress of scans."""

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.worker import ParsePool
from parser.errors import ReportError

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parser" / "readers"))


@pytest.fixture
def pool():
    pool = ParsePool(workers=1, timeout=60)
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
    """A text the parser reads in about 1.6 s per 100 000 lines."""
    return ("银川市某镇人民政府\n2024年政府信息公开工作年度报告\n" + "一、总体情况 本年度 0 0 0\n" * lines).encode()


def test_a_parse_over_its_time_limit_is_stopped_and_others_go_on():
    pool = ParsePool(workers=2, timeout=1.5)
    try:
        with ThreadPoolExecutor(2) as threads:
            slow = threads.submit(pool.parse, slow_text(400_000), "slow.txt")
            time.sleep(0.2)
            fine = threads.submit(pool.parse, (SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes(), "003.txt")
            with pytest.raises(ReportError) as caught:
                slow.result()
            assert caught.value.code == "timeout"
            assert fine.result().year == 2020  # the other file, parsed beside it, is untouched
    finally:
        pool.close()


def test_time_waiting_for_a_free_worker_does_not_count():
    pool = ParsePool(workers=1, timeout=3)
    try:
        with ThreadPoolExecutor(3) as threads:
            # three files of ~1.3 s on one worker: the last one waits ~2.6 s, over half its limit
            futures = [threads.submit(pool.parse, slow_text(80_000), f"{k}.txt") for k in range(3)]
            codes = []
            for future in futures:
                with pytest.raises(ReportError) as caught:
                    future.result()
                codes.append(caught.value.code)
        assert codes == ["not_report"] * 3  # each read to its end, none cut off
    finally:
        pool.close()


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
