"""Shared fixtures: the report builder of tests/docgen (real DOCX/PDF/HTML/TXT files from known values)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# This conftest puts tests/ on sys.path (pytest's prepend mode), where tests/parser/ and tests/storage/
# would shadow the real packages as namespace packages: the project root must come first.
sys.path[:] = [p for p in sys.path if p not in (str(ROOT), str(TESTS))]
sys.path[:0] = [str(ROOT), str(TESTS)]  # then `import docgen` works from any test directory

from docgen import ReportSpec, build_docx, docx_to_pdfs, varied_specs  # noqa: E402
from shared_files import shared  # noqa: E402


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (spec, seeds, real PDF); a clear failure when it is not beside the project."""
    try:
        return shared()
    except FileNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`slow` and `ocr` from what a test already declares it needs, so `pytest -m "not slow"` is the fast suite.

    A test guarded by the OCR engine's skipif is `ocr` and `slow`; one guarded by LibreOffice's, or
    using the rendered PDFs, is `slow`. Tests slow for other reasons (subprocesses, scans read in
    the body) carry `@pytest.mark.slow` themselves.
    """
    for item in items:
        reasons = " ".join(str(m.kwargs.get("reason", "")) for m in item.iter_markers("skipif"))
        if "rapidocr" in reasons:
            item.add_marker(pytest.mark.ocr)
        if item.get_closest_marker("ocr") or "LibreOffice" in reasons or "rendered_pdfs" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def varied() -> dict[str, ReportSpec]:
    """~8 specs covering agency kinds, both templates and the printing variations, by name."""
    return {s.name: s for s in varied_specs()}


@pytest.fixture(scope="session")
def rendered_pdfs(varied: dict[str, ReportSpec]) -> dict[str, bytes]:
    """The varied specs as PDFs: one LibreOffice call for all of them, cached under tests/.cache/render/."""
    specs = list(varied.values())
    return dict(zip(varied, docx_to_pdfs([build_docx(s) for s in specs]), strict=True))
