"""Scans and legacy files for the OCR and legacy readers' tests, made from real test documents.

A report DOCX (pdf_docs' builder) is rendered to PDF by LibreOffice, its pages rasterised with
pypdfium2 at 150 dpi, greyscale, turned ±1.5° as a flatbed scanner leaves them, and saved as
PNG, JPEG, TIFF or an image-only PDF. Everything is cached under tests/.cache/ocr/, keyed by
the inputs and by this file's source; OCR results are cached there too, keyed by the reader's
source, because OCR costs seconds a page.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from parser import layout

sys.path.insert(0, str(Path(__file__).parent))
import pdf_docs  # noqa: E402
from shared_files import shared

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / "tests" / ".cache" / "ocr"
_SOURCE = Path(__file__).read_bytes()
REAL_DIR = shared("real")
REAL_PDF = REAL_DIR / "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
REAL_JSON = REAL_DIR / "淮安市人民政府2024年政府信息公开工作年度报告.expected.json"

DPI = 150
ANGLE = 1.5


def _cached(name: str, key: bytes, make: Callable[[], bytes]) -> bytes:
    digest = hashlib.sha256(_SOURCE + key).hexdigest()[:20]
    path = CACHE / f"{name}-{digest}"
    if path.exists():
        return path.read_bytes()
    data = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(data)
    part.replace(path)  # atomic: a parallel test never reads half a file
    return data


def report_pdf() -> bytes:
    """The PDF engineer's test report (title, prose, tables 2 and 3 with merged cells): 2 pages."""
    return pdf_docs.render(pdf_docs.report_spec())


def report_docx() -> bytes:
    return pdf_docs.build_report_docx(pdf_docs.report_spec())


def scan(
    pdf: bytes, pages: list[int] | None = None, dpi: int = DPI, angle: float = ANGLE
) -> list[Image.Image]:
    """Pages as a scanner gives them: greyscale, `dpi`, turned by ±`angle` degrees (alternating)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for n, index in enumerate(pages if pages is not None else range(len(doc))):
            page = doc[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            turn = angle if n % 2 == 0 else -angle
            out.append(image.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255))
        return out
    finally:
        doc.close()


def save(images: list[Image.Image], fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG":
        images[0].save(buf, format="PNG")
    elif fmt == "JPEG":
        images[0].save(buf, format="JPEG", quality=85)
    elif fmt == "TIFF":
        images[0].save(
            buf, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate"
        )
    elif fmt == "PDF":  # an image-only PDF, as a scanner's "scan to PDF" makes
        images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=DPI)
    else:
        raise ValueError(fmt)
    return buf.getvalue()


def scanned(pdf: bytes, fmt: str, pages: list[int] | None = None, angle: float = ANGLE) -> bytes:
    """`pdf` scanned and saved as `fmt` (PNG, JPEG: first page only; TIFF, PDF: all `pages`), cached."""
    key = hashlib.sha256(pdf).digest() + repr((fmt, pages, angle, DPI)).encode()
    return _cached(f"scan.{fmt.lower()}", key, lambda: save(scan(pdf, pages, angle=angle), fmt))


def cached_read(data: bytes, reader: Callable[[bytes], object], source: Path) -> object:
    """`reader(data)`, cached by the data, the reader's source (a file, or a package's directory) and the
    layout it returns (OCR costs seconds a page)."""
    files = sorted(source.glob("*.py")) if source.is_dir() else [source]
    key = (
        hashlib.sha256(data).digest()
        + b"".join(f.read_bytes() for f in files)
        + Path(layout.__file__).read_bytes()
    )
    return pickle.loads(_cached("read", key, lambda: pickle.dumps(reader(data))))


def convert_report(target: str) -> bytes:
    """The test report DOCX converted by LibreOffice to `target` (doc, odt, rtf), cached by the
    builder's source (a DOCX's bytes change with its creation time)."""
    docx = report_docx()

    def make() -> bytes:
        with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
            src = Path(tmp) / "report.docx"
            src.write_bytes(docx)
            cmd = [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                tmp,
                str(src),
            ]
            subprocess.run(cmd, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": tmp})
            return (Path(tmp) / f"report.{target}").read_bytes()

    return _cached(f"convert.{target}", Path(pdf_docs.__file__).read_bytes(), make)


def without_tounicode(pdf: bytes) -> bytes:
    """The PDF with its fonts' Unicode maps unhooked: the key is renamed in place (same length, so
    the cross-reference offsets stay right), which leaves the glyphs drawn but the text layer junk."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def realistic_scan(pdf: bytes, seed: int, dpi: int = DPI) -> bytes:
    """`pdf` as an office scanner gives it, as an image-only PDF: greyscale at `dpi`, each page turned
    by a different angle under 1°, a slight blur from the optics and sensor noise; deterministic in
    `seed`, cached."""
    key = hashlib.sha256(pdf).digest() + repr(("realistic", seed, dpi)).encode()

    def make() -> bytes:
        import random

        import numpy as np
        from PIL import ImageFilter

        rng = random.Random(seed)
        noise = np.random.default_rng(seed)
        pages = []
        for image in scan(pdf, dpi=dpi, angle=0.0):
            turned = image.rotate(rng.uniform(-0.95, 0.95), resample=Image.Resampling.BICUBIC, fillcolor=255)
            blurred = turned.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
            pixels = np.asarray(blurred, dtype=np.float32) + noise.normal(
                0, rng.uniform(4, 9), blurred.size[::-1]
            )
            pages.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L"))
        return save(pages, "PDF")

    return _cached("scan.real", key, make)
