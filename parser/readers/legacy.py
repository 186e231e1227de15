"""DOC, WPS, ODT, RTF: converted to DOCX by LibreOffice headless, then read by the DOCX reader.

The one reader that touches the file system and runs a program: LibreOffice reads files, not
bytes. Each conversion gets its own temporary directory and LibreOffice profile (two
conversions sharing a profile block each other), a time limit, and its whole process group is
killed when it overruns (soffice starts a child that would otherwise live on).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parser.errors import ReportError, corrupt
from parser.layout import Document

TIMEOUT = 45.0  # seconds; a first run also builds the profile (3–8 s)
# the name LibreOffice sees: it picks its import filter by content, the suffix is only a hint
SUFFIXES = {"ole": ".doc", "rtf": ".rtf", "odt": ".odt"}
LABELS = {"ole": "DOC/WPS", "rtf": "RTF", "odt": "ODT"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def no_converter(kind: str) -> ReportError:
    label = LABELS.get(kind, kind.upper())
    return ReportError(
        "unsupported",
        f"无法读取 {label} 格式：本机未安装 LibreOffice，不能转换此文件。请在 WPS 或 Word 中另存为 PDF 或 DOCX 后发送。",
        f"cannot read {label}: LibreOffice is not installed to convert it; save the report as PDF or DOCX",
    )


def conversion_timeout(kind: str) -> ReportError:
    label = LABELS.get(kind, kind.upper())
    return ReportError(
        "timeout",
        f"{label} 文件转换超时，已停止处理。请另存为 PDF 或 DOCX 后发送。",
        f"converting the {label} file took too long; save the report as PDF or DOCX",
    )


def read(data: bytes, kind: str = "ole", timeout: float = TIMEOUT) -> Document:
    """A legacy word-processor file (`kind` as parser.detect names it: ole, rtf, odt) → lines."""
    from parser.readers import docx

    converted = to_docx(data, kind, timeout)
    document = docx.read(converted)
    document.format = format_name(data, kind)
    return document


def format_name(data: bytes, kind: str) -> str:
    """The `format` of check --json: doc, wps or odt (RTF is a Word document to the user)."""
    if kind == "ole":
        # WPS Office writes its name into the summary stream (8-bit or UTF-16)
        head = data[: 4 * 1024 * 1024]
        if any(mark in head for mark in (b"WPS Office", b"Kingsoft", "WPS Office".encode("utf-16-le"))):
            return "wps"
        return "doc"
    return "odt" if kind == "odt" else "doc"


def to_docx(data: bytes, kind: str = "ole", timeout: float = TIMEOUT) -> bytes:
    program = soffice()
    if program is None:
        raise no_converter(kind)
    label = LABELS.get(kind, kind.upper())
    with tempfile.TemporaryDirectory(prefix="nianbao-legacy-") as tmp:
        folder = Path(tmp)
        source = folder / f"report{SUFFIXES.get(kind, '.doc')}"
        source.write_bytes(data)
        out = folder / "out"
        out.mkdir()
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        # its own session: on timeout the whole group (soffice.bin and helpers) is killed
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
            env={**os.environ, "HOME": tmp},
            start_new_session=True,
        )
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise conversion_timeout(kind) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
        results = list(out.glob("*.docx"))
        if process.returncode != 0 or not results or results[0].stat().st_size == 0:
            messages = [m for m in stderr.decode("utf-8", "replace").splitlines() if "rror" in m]
            detail = (messages[-1] if messages else "").strip()[:200]
            raise corrupt(label, detail or f"LibreOffice exit code {process.returncode}")
        return results[0].read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        pass
