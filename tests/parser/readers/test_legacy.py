"""DOC, ODT and RTF made by LibreOffice from the test report DOCX, read back through LibreOffice."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from parser import api
from parser.errors import ReportError
from parser.readers import docx, legacy

sys.path.insert(0, str(Path(__file__).parent))
import pdf_docs  # noqa: E402
import scan_docs  # noqa: E402

needs_soffice = pytest.mark.skipif(not pdf_docs.soffice_available(), reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def truth() -> dict:
    return api.read_report(docx.read(scan_docs.report_docx())).check_json()


@needs_soffice
@pytest.mark.parametrize(("target", "fmt"), [("doc", "doc"), ("odt", "odt"), ("rtf", "doc")])
def test_converted_files_read_like_the_docx(target: str, fmt: str, truth: dict) -> None:
    data = scan_docs.convert_report(target)
    report = api.parse_report(data, f"report.{target}")
    got = report.check_json()
    assert got["format"] == fmt and got["ocr"] is False
    for key in ("agency", "year", "template", "sections", "active", "applications"):
        assert got[key] == truth[key], key


def test_wps_office_files_are_named_wps() -> None:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert legacy.format_name(head + b"WPS Office_11.1.0", "ole") == "wps"
    assert legacy.format_name(head + "WPS Office".encode("utf-16-le"), "ole") == "wps"
    assert legacy.format_name(head + b"Microsoft Office Word", "ole") == "doc"


def test_without_libreoffice_asks_for_pdf_or_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReportError) as err:
        legacy.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "ole")
    assert err.value.code == "unsupported"
    assert "PDF" in err.value.zh and "DOCX" in err.value.zh and "LibreOffice" in err.value.zh


@needs_soffice
def test_damaged_doc_is_refused() -> None:
    # LibreOffice may refuse it or import the junk as text: either way no report comes out
    with pytest.raises(ReportError) as err:
        api.parse_report(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 16)
    assert err.value.code in ("corrupt", "not_report")


def test_timeout_kills_the_whole_process_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A converter that hangs (and leaves a child behind) is stopped at the time limit, child and all."""
    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    # the child sleeps far longer than any test run: gone afterwards means killed, not finished
    fake.write_text(f"#!/bin/sh\nsleep 3600 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ.get('PATH', '')}")
    assert shutil.which("soffice") == str(fake)
    with pytest.raises(ReportError) as err:
        legacy.to_docx(b"{\\rtf1 x}", "rtf", timeout=1.0)
    assert err.value.code == "timeout"
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process outlived the time limit")
