"""Parsing in worker processes: results, errors, time limits, and page-by-page progress of scans."""

import asyncio
import sys
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


def test_a_parse_over_its_time_limit_is_stopped_and_the_pool_rebuilt():
    pool = ParsePool(workers=1, timeout=0.5)
    try:
        # an empty document text of a million lines: slow enough to overrun half a second
        slow = ("银川市某镇人民政府\n2024年政府信息公开工作年度报告\n" + "一、总体情况 本年度 0 0 0\n" * 400_000).encode()
        with pytest.raises(ReportError) as caught:
            pool.parse(slow, "slow.txt")
        assert caught.value.code == "timeout"
        pool.timeout = 60
        assert pool.parse((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).year == 2020
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
