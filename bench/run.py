"""Every speed figure in one run, as ratios against the floor, so that a change that slows reading shows at once.

    .venv/bin/python bench/run.py [--repeat 5] [--import-files 120] [--scans 2] [--only pdf check import scans]

- PDF reading in process (`parser.readers.pdf.read`, and `parse_report`) against pypdfium2's bare text
  extraction of the same file (the floor): the real PDF in ../shared/real/, and reports LibreOffice
  renders from tests/docgen specs (cached under tests/.cache/render/). Target: within 5x.
- `nianbao check FILE --json --no-store` wall time, as a user runs it, for a TXT and a PDF report
  (the PDF less its in-process parse). Target: under 0.4 s.
- `nianbao import DIR` on 120 distinct generated text-layer reports (PDF, DOCX, TXT; 30 towns over four
  years): reports a second, whole process, and the fixed cost of importing one report. Target: >= 60.
- Scans: seconds a page, from bench/scans.py when it is there.

Figures only: nothing here asserts a time (tests must not depend on the machine's speed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from parse import pdfium_text  # noqa: E402 (bench/parse.py: the same floor in both benchmarks)

REAL = ROOT.parent / "shared" / "real"
PYTHON = sys.executable


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pdf_figures(name: str, data: bytes, repeat: int) -> dict:
    from parser.api import parse_report
    from parser.readers import pdf

    pages = pdf.read(data).pages or 1
    floor = median_ms(lambda: pdfium_text(data), repeat)
    read = median_ms(lambda: pdf.read(data), repeat)
    parse = median_ms(lambda: parse_report(data, name), repeat)
    return {"name": name, "pages": pages, "floor": floor, "read": read, "parse": parse}


def print_pdf_rows(rows: list[dict]) -> None:
    head = f"  {'file':<34} {'pages':>5} {'floor ms/p':>10} {'read ms/p':>9} {'x':>5} {'parse ms/p':>10} {'x':>5}"
    print(head)
    for r in rows:
        p = r["pages"]
        print(
            f"  {r['name'][:34]:<34} {p:>5} {r['floor'] / p:>10.1f} {r['read'] / p:>9.1f} "
            f"{r['read'] / r['floor']:>5.1f} {r['parse'] / p:>10.1f} {r['parse'] / r['floor']:>5.1f}"
        )


def rendered_reports(count: int) -> list[tuple[str, bytes]]:
    """Reports LibreOffice renders from docgen specs (every template and printing variation)."""
    from docgen import build_docx, docx_to_pdfs, varied_specs

    specs = varied_specs()[:count]
    return [(s.name, pdf) for s, pdf in zip(specs, docx_to_pdfs([build_docx(s) for s in specs]), strict=True)]


def cli_seconds(args: list[str], repeat: int) -> float:
    """Best wall time of `repeat` runs of the CLI (the best is the one least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run([PYTHON, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if out.returncode not in (0, 1):
            raise RuntimeError(out.stderr[-800:])
    return min(times)


# A county's towns: the import benchmark's agencies, each reporting over four years
TOWNS = (
    "掌政 兴仁 通贵 月牙湖 大新 胜利 望远 闽宁 李俊 杨和 望洪 增岗 黄羊滩 良田 金贵 "
    "立岗 洪广 常信 习岗 宝丰 姚伏 灵武 崇兴 宁东 临河 梧桐树 郝家桥 白土岗 马家滩 东塔"
).split()


def import_documents(files: int) -> list[tuple[str, bytes]]:
    """`files` distinct generated reports, a third each PDF, DOCX and TXT: each its own agency-year (30
    towns over 2019–2022, both templates) and values, so that no file repeats another and the store
    compares years as it does with a real archive. PDFs are rendered by LibreOffice (cached under
    tests/.cache/render/ after the first run)."""
    from dataclasses import replace

    from docgen import build_docx, build_txt, docx_to_pdfs, make_spec
    from docgen.spec import AGENCIES

    base = next(iter(AGENCIES))
    specs = []
    for k in range(files):
        town, year = TOWNS[k % len(TOWNS)], 2019 + (k // len(TOWNS)) % 4
        spec = make_spec(f"bench-{k}", k, "2019" if year < 2021 else "2021", base, year=year)
        specs.append(replace(spec, agency=f"永宁县{town}镇人民政府", agency_short=f"{town}镇"))
    kinds = [("pdf", "docx", "txt")[k % 3] for k in range(files)]
    pdfs = iter(docx_to_pdfs([build_docx(s) for s, kind in zip(specs, kinds, strict=True) if kind == "pdf"]))
    out = []
    for k, (spec, kind) in enumerate(zip(specs, kinds, strict=True)):
        data = next(pdfs) if kind == "pdf" else build_docx(spec) if kind == "docx" else build_txt(spec)
        out.append((f"{k:04d}.{kind}", data))
    return out


def import_figures(files: int, repeat: int = 3) -> tuple[float, float, str]:
    """`nianbao import` of `files` distinct generated reports (import_documents), whole process: the
    best of `repeat` runs, each into a new database; and the same for one of those files alone (the
    fixed cost: start-up, workers loading the parser). Returns (seconds for all, for one, summary)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        folder, one = Path(tmp) / "reports", Path(tmp) / "one"
        folder.mkdir()
        one.mkdir()
        for name, data in import_documents(files):
            (folder / name).write_bytes(data)
        (one / "0000.pdf").write_bytes((folder / "0000.pdf").read_bytes())

        def run(source: Path, run_no: int) -> tuple[float, str]:
            start = time.perf_counter()
            out = subprocess.run(
                [PYTHON, "-m", "bot.cli", "import", str(source), "--db", f"{tmp}/{source.name}{run_no}.db"]
                + ["--no-progress"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - start
            return seconds, (out.stdout.strip().splitlines() or ["(no summary)"])[-1]

        runs = [run(folder, k) for k in range(repeat)]
        alone = min(run(one, k)[0] for k in range(repeat))
    seconds, summary = min(runs)
    return seconds, alone, summary


PARTS = ("pdf", "check", "import", "scans")


def machine_ms() -> float:
    """A fixed pure-Python loop, best of 3, in ms: how fast this (virtual) machine runs Python right now.
    A shared host's speed drifts by a fifth and more from minute to minute; figures taken minutes apart
    compare only with this beside them."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rendered", type=int, default=8, help="rendered reports to time (default 8)")
    ap.add_argument("--import-files", type=int, default=120)
    ap.add_argument("--import-repeat", type=int, default=3, help="import runs; the best counts (default 3)")
    ap.add_argument("--scans", type=int, default=2, help="scanned reports for bench/scans.py (0: skip)")
    ap.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, help="run only these parts")
    args = ap.parse_args(argv)
    # bytecode written for every module first: with PYTHONDONTWRITEBYTECODE set (as in some sandboxes), a
    # module changed since its last compile would be compiled anew by every process the figures time
    subprocess.run([PYTHON, "-m", "compileall", "-q", "bot", "parser", "storage"], cwd=ROOT, check=False)
    print(
        f"nianbao speed, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
        f"machine {machine_ms():.0f} ms (a fixed Python loop; lower is faster)\n"
    )

    real = [(p.name, p.read_bytes()) for p in sorted(REAL.glob("*.pdf"))]
    rendered = rendered_reports(args.rendered) if {"pdf", "check"} & set(args.only) else []
    pdf_rows: dict[str, dict] = {}
    if "pdf" in args.only:
        print("PDF reading in process, against pypdfium2's bare text extraction (target: within 5x)")
        rows = [pdf_figures(name, data, args.repeat) for name, data in real]
        rendered_rows = [pdf_figures(name, data, args.repeat) for name, data in rendered]
        print_pdf_rows(rows + rendered_rows)
        pdf_rows = {r["name"]: r for r in rows + rendered_rows}
        if rendered_rows:
            reads = [r["read"] / r["floor"] for r in rendered_rows]
            parses = [r["parse"] / r["floor"] for r in rendered_rows]
            print(
                f"  rendered reports: median read {statistics.median(reads):.1f}x (worst {max(reads):.1f}x), "
                f"parse {statistics.median(parses):.1f}x (worst {max(parses):.1f}x)"
            )

    if "check" in args.only:
        print(
            "\n`nianbao check FILE --json --no-store`, best wall time (target: under 0.4 s; PDF: 0.4 s + parse)"
        )
        check_figures((real + rendered)[:2], pdf_rows, args.repeat)

    if "import" in args.only:
        print("\n`nianbao import DIR` on generated text-layer reports (target: >= 60 a second)")
        files = args.import_files
        seconds, alone, summary = import_figures(files, args.import_repeat)
        print(f"  (machine {machine_ms():.0f} ms just after)")
        print(
            f"  {files} reports (PDF, DOCX, TXT) in {seconds:.2f} s: {files / seconds:.0f} reports a second"
        )
        print(
            f"  of which fixed cost (one report alone) {alone:.2f} s; "
            f"the rest at {(files - 1) / max(seconds - alone, 1e-9):.0f} reports a second"
        )
        print(f"  {summary}")

    if "scans" in args.only and args.scans:
        print("\nScans (bench/scans.py; target: <= 2.5 s a page)")
        from bench import scans

        scans.main(["-n", str(args.scans)])
    return 0


def check_figures(pdfs: list[tuple[str, bytes]], pdf_rows: dict[str, dict], repeat: int) -> None:
    from docgen import build_txt, varied_specs

    from parser.api import parse_report

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        txt = Path(tmp) / "report.txt"
        txt.write_bytes(build_txt(varied_specs()[0]))
        start_up = cli_seconds(["--help"], repeat)
        print(f"  start-up (nianbao --help)        {start_up:6.3f} s")
        print(
            f"  TXT report                       {cli_seconds(['check', str(txt), '--json', '--no-store'], repeat):6.3f} s"
        )
        for name, data in pdfs:
            path = Path(tmp) / "report.pdf"
            path.write_bytes(data)
            wall = cli_seconds(["check", str(path), "--json", "--no-store"], repeat)
            row = pdf_rows.get(name)
            parse = (
                row["parse"] if row else median_ms(lambda d=data, n=name: parse_report(d, n), repeat)
            ) / 1000
            print(f"  PDF {name[:28]:<28} {wall:6.3f} s = {wall - parse:.3f} s + parse {parse:.3f} s")


if __name__ == "__main__":
    sys.exit(main())
