"""The project's random sweep: precision of findings and accuracy of cells, per format.

    python bench/sweep.py [--n 40] [--seed 1] [--formats txt,docx,pdf,...] [--scans] [--variant clean]
                          [--show] [--json out.json]

Each seed draws one report from every template, agency kind and printing variation (tests/docgen
`random_spec`); it is built clean and, for most seeds, again with one known error (tests/docgen/inject.py).
Every document is read by `parser.api.parse_report` and checked by `parser.validate.validate` (and against
last year's report by `storage.yoy.check_yoy` for some). Per format it prints: documents, cell accuracy
(cells read right / cells; wrong values and values left unknown apart), findings precision (true / all),
recall on injected errors; then every false finding and wrong cell with the seed that reproduces it.
Cells: acc = read right / all; wrong = another number; unread = a number read as unknown; blank0 = a
blank cell read as 0 or a 0 as blank (harmless to the arithmetic, counted apart).

    python bench/sweep.py --seed 17 --n 1 --formats pdf --show
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from docgen import Variations  # noqa: E402
from docgen.sweep import FORMATS, Result, make_cases, run  # noqa: E402

DEFAULT = [f for f in FORMATS if f != "scan"]


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.4f}" if b else "  -   "


def summary(results: list[Result], formats: list[str]) -> list[str]:
    out = [
        f"{'format':<17} {'docs':>4} {'cells':>6} {'acc':>6} {'wrong':>5} {'unread':>6} {'blank0':>6} {'meta':>4} "
        f"{'findings':>8} {'prec':>6} {'false':>5} {'recall':>9} {'errors':>6}"
    ]
    for fmt in formats:
        rs = [r for r in results if r.fmt == fmt]
        cells, right = sum(r.cells for r in rs), sum(r.right for r in rs)
        true, false = sum(len(r.true) for r in rs), sum(len(r.false) for r in rs)
        injected = [r for r in rs if r.caught is not None]
        caught = sum(1 for r in injected if r.caught)
        out.append(
            f"{fmt:<17} {len(rs):>4} {cells:>6} {_ratio(right, cells):>6} {sum(len(r.wrong) for r in rs):>5} "
            f"{sum(len(r.unread) for r in rs):>6} {sum(len(r.blank0) for r in rs):>6} {sum(1 for r in rs if r.meta):>4} {true + false:>8} "
            f"{_ratio(true, true + false):>6} {false:>5} {caught:>4}/{len(injected):<4} "
            f"{sum(1 for r in rs if r.error):>6}"
        )
    return out


def repro(r: Result) -> str:
    variant = "" if r.case.variant == "clean" else f" --variant {r.case.variant}"
    return f"--seed {r.case.seed} --n 1 --formats {r.fmt}{variant}"


def details(results: list[Result], limit: int) -> list[str]:
    out = []
    groups: dict[str, list[tuple[Result, str]]] = defaultdict(list)
    for r in results:
        if r.error:
            groups[f"ERROR {r.fmt}: {r.error.splitlines()[0][:90]}"].append((r, r.error))
        for line in r.false:
            rule, where = line.split(":", 1)[0].split(" ", 1)
            groups[f"FALSE {r.fmt} {rule} {_generic(where)}"].append((r, line))
        for line in r.wrong + r.unread + r.blank0:
            groups[f"CELL {r.fmt} {_generic(line.split(':', 1)[0])}{_cell_kind(line, r)}"].append((r, line))
        for line in r.meta:
            groups[f"META {r.fmt} {line.split(':', 1)[0]}"].append((r, line))
        if r.caught is False:
            groups[f"MISSED {r.fmt} {r.case.variant}"].append(
                (
                    r,
                    f"expected one of {sorted(r.case.expect)}; "
                    f"found {[x.split(':')[0] for x in r.true + r.false]}",
                )
            )
        for rule, where in r.missed_faults:
            groups[f"MISSED {r.fmt} printed {rule} {where}"].append((r, ""))
    for key, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        seeds = sorted({(r.case.seed, r.case.variant) for r, _ in items})
        out.append(f"{key}  ×{len(items)} in {len(seeds)} docs; e.g. {repro(items[0][0])}")
        for r, line in items[:limit]:
            out.append(f"    [{r.case.id}] {line[:220]}")
    return out


def _cell_kind(line: str, r: Result) -> str:
    return " unread" if line in r.unread else " blank/0" if line in r.blank0 else ""


def _generic(where: str) -> str:
    """applications.granted.natural_person → applications.granted.* so one class groups together."""
    parts = where.split(".")
    return ".".join(parts[:2]) + (".*" if len(parts) > 2 else "")


def spec_line(r: Result) -> str:
    s = r.case.spec
    v = s.variations
    default = vars(Variations())
    flags = [(k if val is True else f"{k}={val!r}") for k, val in vars(v).items() if val != default[k]]
    return (
        f"[{r.case.id}] {s.agency} {s.year} template {s.template}; {', '.join(flags)}; html {r.case.html}"
        + (f"; omitted {s.omitted} renumber={s.renumber}" if s.omitted else "")
        + ("; with last year" if r.case.previous else "")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40, help="how many seeds (reports)")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--formats", default=",".join(DEFAULT), help=f"comma-separated, of {', '.join(FORMATS)}")
    ap.add_argument("--scans", action="store_true", help="also scans (OCR: seconds a page)")
    ap.add_argument("--variant", help="only this variant: clean, or an injection kind")
    ap.add_argument("--show", action="store_true", help="every document's spec, findings and wrong cells")
    ap.add_argument("--limit", type=int, default=3, help="examples listed per failure class")
    ap.add_argument("--json", help="write every result here")
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    if args.scans and "scan" not in formats:
        formats.append("scan")
    unknown = set(formats) - set(FORMATS)
    if unknown:
        ap.error(f"unknown formats: {', '.join(sorted(unknown))}")

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # "Could not get FontBBox" on every browser PDF
    start = time.perf_counter()
    cases = make_cases(range(args.seed, args.seed + args.n))
    if args.variant:
        cases = [c for c in cases if c.variant == args.variant]
    print(f"{len(cases)} documents per format ({Counter(c.variant for c in cases)})", flush=True)
    results = run(cases, formats)
    print("\n".join(summary(results, formats)))
    print(f"({time.perf_counter() - start:.0f} s)\n")
    if args.show:
        for r in results:
            print(f"{r.fmt} {spec_line(r)}")
            for line in [
                *(f"  error {r.error}" for r in [r] if r.error),
                *(f"  true  {x}" for x in r.true),
                *(f"  FALSE {x}" for x in r.false),
                *(f"  cell  {x}" for x in r.wrong + r.unread + r.blank0),
                *(f"  meta  {x}" for x in r.meta),
            ]:
                print(line[:300])
        print()
    print("\n".join(details(results, args.limit)))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "seed": r.case.seed,
                        "variant": r.case.variant,
                        "format": r.fmt,
                        "cells": r.cells,
                        "right": r.right,
                        "wrong": r.wrong,
                        "unread": r.unread,
                        "blank0": r.blank0,
                        "meta": r.meta,
                        "true": r.true,
                        "false": r.false,
                        "caught": r.caught,
                        "missed_faults": r.missed_faults,
                        "error": r.error,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    clean = all(not r.false and not r.error for r in results)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
