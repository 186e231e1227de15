"""Parse benchmark: median milliseconds per page, by format, for every file under a folder.

    python bench/parse.py DIR [--repeat N]

Runs the format reader (and `parser.api.parse_report` once it exists) on each file; for PDFs
also pypdfium2's bare text extraction of the same file, the floor any PDF reader stands on.
Scans (images, PDFs without a usable text layer) go through OCR once each, not `--repeat`
times, and are summed up as seconds per scanned page.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parser.detect import detect_format  # noqa: E402

READERS = {
    "pdf": "pdf",
    "docx": "docx",
    "html": "html",
    "txt": "text",
    "rtf": "legacy",
    "ole": "legacy",
    "odt": "legacy",
    "png": "ocr",
    "jpeg": "ocr",
    "tiff": "ocr",
}


def reader_for(fmt: str):
    name = READERS.get(fmt)
    if not name:
        return None
    try:
        read = importlib.import_module(f"parser.readers.{name}").read
    except ModuleNotFoundError:
        return None
    if name == "legacy":
        return lambda data: read(data, fmt)
    return read


def ocr_seconds(data: bytes, fmt: str) -> tuple[float, int] | None:
    """(seconds, pages) of one OCR run on a scan, or None when `data` is not one (or OCR is missing)."""
    try:
        from parser.readers import ocr
    except ModuleNotFoundError:
        return None
    if not ocr.available():
        return None
    if fmt == "pdf":
        from parser.errors import ReportError
        from parser.readers import pdf

        try:
            if not ocr.garbled(pdf.read(data)):
                return None
        except ReportError as exc:
            if exc.code != "no_text":
                return None
    start = time.perf_counter()
    document = ocr.read(data)
    return time.perf_counter() - start, document.pages or 1


def parse_report_fn():
    try:
        return importlib.import_module("parser.api").parse_report
    except (ModuleNotFoundError, AttributeError):
        return None


def pdfium_text(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        chars = 0
        for page in pdf:
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        pdf.close()


def median_ms(fn, data: bytes, repeat: int, *args) -> tuple[float | None, object]:
    """Median wall time of `repeat` runs after one warm-up; (None, error) when it raises."""
    try:
        result = fn(data, *args)  # warm-up: imports, caches
    except Exception as exc:  # noqa: BLE001 - a benchmark reports failures, it does not stop on them
        return None, exc
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data, *args)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    files = sorted(p for p in args.dir.rglob("*") if p.is_file())
    parse_report = parse_report_fn()
    if parse_report is None:
        print("parser.api.parse_report not found: timing the readers alone\n")

    per_format: dict[str, list[dict]] = defaultdict(list)
    scans: list[tuple[float, int]] = []
    head = f"{'file':<44} {'fmt':<5} {'pages':>5} {'reader':>9} {'ms/page':>8} {'parse':>9} {'pdfium':>8} {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for path in files:
        data = path.read_bytes()
        fmt = detect_format(data)
        read = reader_for(fmt)
        if read is None:
            continue
        scanned = ocr_seconds(data, fmt) if fmt in ("pdf", "png", "jpeg", "tiff") else None
        if scanned is not None:
            scans.append(scanned)
            print(f"{path.name[:44]:<44} {fmt:<5} {scanned[1]:>5} OCR {scanned[0] / scanned[1]:.2f} s/page")
            continue
        reader_ms, doc = median_ms(read, data, args.repeat)
        if reader_ms is None:
            print(f"{path.name[:44]:<44} {fmt:<5} reader failed: {doc}")
            continue
        pages = getattr(doc, "pages", None) or 1
        parse_ms = None
        if parse_report is not None:
            parse_ms, _ = median_ms(parse_report, data, args.repeat, path.name)
        bare_ms = median_ms(pdfium_text, data, args.repeat)[0] if fmt == "pdf" else None
        row = {
            "pages": pages,
            "reader": reader_ms / pages,
            "parse": parse_ms and parse_ms / pages,
            "bare": bare_ms and bare_ms / pages,
        }
        per_format[fmt].append(row)
        ratio = f"{reader_ms / bare_ms:.1f}x" if bare_ms else "-"
        print(
            f"{path.name[:44]:<44} {fmt:<5} {pages:>5} {fmt_ms(reader_ms):>9} {fmt_ms(row['reader']):>8} "
            f"{fmt_ms(parse_ms):>9} {fmt_ms(bare_ms):>8} {ratio:>6}"
        )

    print("\nper format, median ms per page (times in ms; ratio = reader / pypdfium2 bare text)")
    head = f"{'fmt':<5} {'files':>5} {'pages':>6} {'reader':>8} {'parse':>8} {'pdfium':>8} {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for fmt, rows in sorted(per_format.items()):

        def med(key: str, rows=rows) -> float | None:
            values = [r[key] for r in rows if r[key] is not None]
            return statistics.median(values) if values else None

        reader, parse, bare = med("reader"), med("parse"), med("bare")
        ratio = f"{reader / bare:.1f}x" if bare else "-"
        print(
            f"{fmt:<5} {len(rows):>5} {sum(r['pages'] for r in rows):>6} {fmt_ms(reader):>8} "
            f"{fmt_ms(parse):>8} {fmt_ms(bare):>8} {ratio:>6}"
        )
    if scans:
        seconds, pages = sum(s for s, _ in scans), sum(p for _, p in scans)
        print(f"\nscans: {len(scans)} files, {pages} pages, OCR {seconds / pages:.2f} s per scanned page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
