"""Scan benchmark: cell accuracy, findings precision and seconds per page on scans built by code.

    python bench/scans.py [-n 8] [--real] [--show] [--cli] [--profile]

Each report spec (tests/docgen: both templates, every printing variation, random values) is
rendered by LibreOffice and scanned as an office scanner does it (150 dpi greyscale, turned by
under 1°, slight blur and noise: tests/parser/readers/scan_docs.realistic_scan). Every other spec
gets a real mistake (one table-3 cell changed without its totals), so there are true findings to
find. Then:

- cells: share of the table cells (tables 二、三、四) read as the spec holds them;
- precision: findings on the scan that the report really contains, where "contains" means the same
  rule at the same place is found on the report's own text layer (the rendered PDF);
- doubts: cells the reply lists for the clerk to compare with the original;
- seconds per scanned page, in process (`parse_report`), or through `nianbao check` with `--cli`;
  and CPU seconds per page, which a busy machine does not inflate as much as wall time.

`--real` adds the published 淮安 report from ../shared/real/ (read from there, never copied), scanned
as the OCR tests scan it (150 dpi greyscale, pages turned ±1.5°), scored against its expected JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "parser" / "readers")]

from docgen import build_docx, docx_to_pdfs, expected_json, make_spec, varied_specs  # noqa: E402
from docgen.spec import AGENCIES, ReportSpec  # noqa: E402

TABLES = ("active", "applications", "review_litigation")


def specs(n: int) -> list[ReportSpec]:
    """`n` varied specs: the docgen set first, then random ones of both templates and every scale."""
    out = varied_specs()[:n]
    agencies = list(AGENCIES)
    seed = 100
    while len(out) < n:
        template = "2021" if seed % 3 else "2019"
        scale = ("tiny", "small", "medium", "large")[seed % 4]
        out.append(
            make_spec(
                f"random{seed}",
                seed,
                template,
                agencies[seed % len(agencies)],
                scale=scale,
                blanks=seed % 2 == 0,
                null_mark="/" if seed % 5 == 0 else "",
            )
        )
        seed += 1
    return out


def with_mistake(spec: ReportSpec, k: int) -> ReportSpec:
    """A real error: one table-3 cell off by a few, its totals left as they were."""
    from dataclasses import replace

    apps = spec.applications.model_copy(deep=True)
    row = ("granted", "new_received", "carried_forward", "total_processed")[k % 4]
    counts = getattr(apps, row)
    column = "natural_person"
    setattr(counts, column, (getattr(counts, column) or 0) + 2 + k % 3)
    return replace(spec, name=spec.name + "+mistake", applications=apps)


def cells(check: dict) -> dict[str, object]:
    out = {}
    for table in TABLES:
        for row, cols in (check.get(table) or {}).items():
            for col, value in (cols or {}).items():
                out[f"{table}.{row}.{col}"] = value
    return out


def findings_of(report) -> set[tuple[str, str]]:
    return {(f.rule, f.where) for f in report.findings}


def checked(data: bytes, name: str):
    from parser import api
    from parser.validate import validate

    report = api.parse_report(data, name)
    report.findings = validate(report)
    return report


def via_cli(data: bytes) -> tuple[float, dict]:
    """Seconds and JSON of `nianbao check --json --no-store` on `data` (the whole process, as a user runs it)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "bot.cli", "check", f.name, "--json", "--no-store"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        seconds = time.perf_counter() - start
    if out.returncode != 0 and not out.stdout.strip():
        raise RuntimeError(out.stderr[-500:])
    return seconds, json.loads(out.stdout.splitlines()[0])


def profile_tasks(ocr) -> list:
    """Profile every step the OCR reader's threads run (a profiler sees only its own thread): the
    profiles, filled as the steps run."""
    import cProfile

    profiles: list = []
    for name in ("prepare", "recognise_batch", "finish"):

        def profiled(*args, _step=getattr(ocr, name)):
            profile = cProfile.Profile()
            profiles.append(profile)
            return profile.runcall(_step, *args)

        setattr(ocr, name, profiled)
    return profiles


def main(argv: list[str] | None = None) -> int:
    import scan_docs

    from parser.readers import ocr

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="how many reports (default 8)")
    ap.add_argument(
        "--cli", action="store_true", help="time `nianbao check` as a user runs it, not in process"
    )
    ap.add_argument(
        "--profile", type=Path, help="write a cProfile of the OCR runs here (the reader's threads too)"
    )
    ap.add_argument("--real", action="store_true", help="add the scan of the real report in ../shared/real/")
    ap.add_argument("--show", action="store_true", help="print every wrong cell, false finding and doubt")
    args = ap.parse_args(argv)
    if not ocr.available():
        print("rapidocr-onnxruntime is not installed")
        return 1

    chosen = [with_mistake(s, k) if k % 2 else s for k, s in enumerate(specs(args.n))]
    pdfs = docx_to_pdfs([build_docx(s) for s in chosen]) if chosen else []
    # (name, scan, cells it holds, findings it really has)
    runs = []
    for k, (spec, pdf) in enumerate(zip(chosen, pdfs, strict=True)):
        runs.append(
            (
                spec.name,
                scan_docs.realistic_scan(pdf, seed=k),
                cells(expected_json(spec)),
                findings_of(checked(pdf, spec.name)),
            )
        )
    if args.real:
        if not scan_docs.REAL_PDF.exists():
            print(f"{scan_docs.REAL_PDF} not found")
            return 1
        expected = json.loads(scan_docs.REAL_JSON.read_text(encoding="utf-8"))
        real_found = {(f["rule"], f["where"]) for f in expected.get("findings") or []}
        runs.append(
            (
                "real:" + scan_docs.REAL_PDF.stem[:6],
                scan_docs.scanned(scan_docs.REAL_PDF.read_bytes(), "PDF"),
                cells(expected),
                real_found,
            )
        )
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        task_profiles = profile_tasks(ocr)
    ocr._engine()  # loading the models is start-up, not reading

    total_cells = right_cells = 0
    true_found = false_found = missed = 0
    seconds = cpu = 0.0
    pages = 0
    doubts = 0
    head = (
        f"{'report':<28} {'pages':>5} {'s/page':>7} {'cells':>9} {'findings':>9} {'false':>5} {'doubts':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, scan, want, truth in runs:
        if args.cli:
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            took, got_json = via_cli(scan)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its worker process
            cpu += after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            found = {(f["rule"], f["where"]) for f in got_json["findings"]}
            got = cells(got_json)
            listed = None
            count = got_json.get("pages") or len(scan_docs.pdfium.PdfDocument(scan))
        else:
            if profiler:
                profiler.enable()
            start, cpu_start = time.perf_counter(), time.process_time()
            report = checked(scan, name)
            took = time.perf_counter() - start
            cpu += time.process_time() - cpu_start
            if profiler:
                profiler.disable()
            found, got, count = findings_of(report), cells(report.check_json()), report.pages or 1
            listed = [d for d in report.doubtful if not d.confirmed or d.corrected is not None]
            doubts += len(listed)
        wrong = [
            f"{p}: {v!r} read {got.get(p, 'missing')!r}"
            for p, v in want.items()
            if got.get(p, "missing") != v
        ]
        false = found - truth
        total_cells += len(want)
        right_cells += len(want) - len(wrong)
        true_found += len(found) - len(false)
        false_found += len(false)
        missed += len(truth - found)
        seconds += took
        pages += count
        print(
            f"{name[:28]:<28} {count:>5} {took / count:>7.2f} {len(want) - len(wrong):>4}/{len(want):<4} "
            f"{len(found):>9} {len(false):>5} {'-' if listed is None else len(listed):>6}"
        )
        if args.show:
            for line in wrong:
                print("    wrong cell", line)
            for f in sorted(false):
                print("    false finding", f)
            for d in listed or []:
                print("    doubt", d.path, d.read, d.corrected)
    found_all = true_found + false_found
    print()
    print(f"reports {len(runs)}, pages {pages}, threads {os.environ.get('OMP_NUM_THREADS', 'default')}")
    print(
        f"cells right        {right_cells}/{total_cells} = {right_cells / max(total_cells, 1):.4f}  (target ≥ 0.99)"
    )
    print(
        f"findings precision {true_found}/{found_all} = {true_found / found_all if found_all else 1.0:.3f}  "
        f"(target ≥ 0.97; findings on the text layer not found on the scan: {missed})"
    )
    print(f"doubtful cells listed for the clerk: {doubts}")
    print(
        f"seconds per page   {seconds / max(pages, 1):.2f}  ({'nianbao check' if args.cli else 'in process'};"
        f" target ≤ 2.5)"
    )
    print(
        f"CPU seconds a page {cpu / max(pages, 1):.2f}  ({'the command and its worker' if args.cli else 'all threads'};"
        " wall time on a busy machine overstates)"
    )
    if profiler:
        import pstats

        stats = pstats.Stats(profiler)
        for task in task_profiles:
            stats.add(task)
        stats.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
