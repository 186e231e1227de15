"""Season benchmark: the time to check and store a ZIP of 50 reports, as a clerk sends it in January.

    .venv/bin/python bench/season.py [--workers 2] [--reports 50] [--pdf 10]

The ZIP is built the way Chinese Windows builds it (GBK names, nested folders) from tests/docgen
reports: PDFs rendered by LibreOffice (cached under tests/.cache/render after the first run), DOCX
files and extracted text, a county's agencies each with its own figures. Timed: opening the archive,
parsing in `--workers` processes and saving to a fresh SQLite file (bot.season.batch.check_archive,
what the bot and `nianbao import x.zip` run), then the XLSX 「年报检查情况表」.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bot")]

from docgen import build_docx, build_txt, docx_to_pdfs, make_spec  # noqa: E402
from season_data import windows_zip  # noqa: E402

DEPARTMENTS = (
    "发展和改革局 教育局 科学技术局 工业和信息化局 公安局 民政局 司法局 财政局 人力资源和社会保障局 自然资源局 "
    "生态环境局 住房和城乡建设局 交通运输局 水务局 农业农村局 商务局 文化旅游体育局 卫生健康局 退役军人事务局 "
    "应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业和草原局 信访局 人民政府办公室 乡村振兴局 城市管理局 "
    "数据局 粮食和物资储备局 民族宗教事务局 档案局 机关事务管理局 投资促进局 行政审批服务局 能源局 气象局 地震局 "
    "残疾人联合会"
).split()
PLACES = [(f"{t}人民政府", "乡镇") for t in "杨和镇 李俊镇 望远镇 望洪镇 闽宁镇 胜利乡".split()] + [
    ("团结路街道办事处", "街道"),
    ("城关街道办事处", "街道"),
    ("人民政府", "县级政府"),
]
AGENCIES = [(f"永宁县{d}", "部门") for d in DEPARTMENTS] + [(f"永宁县{p}", k) for p, k in PLACES]


def agency(n: int) -> tuple[str, str]:
    """A name and the folder it is filed under (more than 49 repeat with another county's name)."""
    name, kind = AGENCIES[(n - 1) % len(AGENCIES)]
    return (name if n <= len(AGENCIES) else name.replace("永宁县", "贺兰县")), kind


def build_zip(count: int, pdfs: int) -> tuple[bytes, dict[str, int]]:
    specs = []
    for n in range(1, count + 1):
        name, _ = agency(n)
        spec = make_spec(f"bench-{n}", n, "2021", "永宁县人民政府", year=2024, scale="small")
        specs.append(replace(spec, agency=name, agency_short=name))
    rendered = docx_to_pdfs([build_docx(s) for s in specs[:pdfs]])
    entries, formats = [], {"pdf": 0, "docx": 0, "txt": 0}
    for n, spec in enumerate(specs, start=1):
        _, folder = agency(n)
        if n <= pdfs:
            data, ext = rendered[n - 1], "pdf"
        elif n % 2:
            data, ext = build_docx(spec), "docx"
        else:
            data, ext = build_txt(spec), "txt"
        formats[ext] += 1
        entries.append((f"2024年度年报/{folder}/{spec.agency}2024年政府信息公开工作年度报告.{ext}", data))
    entries.append(("2024年度年报/Thumbs.db", b"\0" * 64))
    return windows_zip(entries), formats


async def run(data: bytes, workers: int) -> None:
    from bot.season.batch import check_archive
    from bot.season.workbook import batch_workbook
    from bot.service import session

    with tempfile.TemporaryDirectory() as tmp:
        async with session(Path(tmp) / "bench.db", workers=workers) as checker:
            started = time.monotonic()
            result = await check_archive(checker, data, "bench.zip", "bench")
            checked = time.monotonic() - started
            started = time.monotonic()
            book = batch_workbook(result)
            workbook = time.monotonic() - started
    read = len(result.read)
    errors = sum(bool(f.errors) for f in result.read)
    print(
        f"reports read: {read}/{len(result.files)}, with errors: {errors}, unreadable: {len(result.unreadable)}"
    )
    print(
        f"check and store: {checked:.1f} s ({checked / max(read, 1) * 1000:.0f} ms per report, "
        f"{read / checked:.1f} reports/s with {workers} workers, worker start-up included)"
    )
    print(f"XLSX 年报检查情况表: {workbook * 1000:.0f} ms, {len(book) // 1024} KB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reports", type=int, default=50)
    ap.add_argument("--pdf", type=int, default=10, help="how many of them are PDFs (the rest DOCX and TXT)")
    args = ap.parse_args()
    started = time.monotonic()
    data, formats = build_zip(args.reports, min(args.pdf, args.reports))
    print(
        f"ZIP of {args.reports} reports ({', '.join(f'{k} {v}' for k, v in formats.items())}): "
        f"{len(data) // 1024} KB, built in {time.monotonic() - started:.1f} s"
    )
    asyncio.run(run(data, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
