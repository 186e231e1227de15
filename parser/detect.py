"""Tell a file's format from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(data: bytes) -> str:
    """One of: pdf, docx, odt, zip, ole (DOC/WPS), rtf, png, jpeg, tiff, html, txt, binary, empty."""
    head = data[:2048]
    if not data.strip():
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(OLE2_MAGIC):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if looks_binary(head):
        return "binary"
    from parser.textutil import decode

    text = decode(data[:65536]).lower()
    if "<html" in text or "<table" in text or "<!doctype html" in text or "<body" in text:
        return "html"
    return "txt"


def _zip_kind(data: bytes) -> str:
    """docx, odt or zip, from the central directory alone (nothing is inflated but a tiny mimetype)."""
    from parser.errors import ReportError
    from parser.readers.archive import ZIP_ERRORS, read_member

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except ZIP_ERRORS:
        # damaged: member names stand uncompressed in the headers, so a broken DOCX is still told apart
        return "docx" if b"word/document.xml" in data else "zip"
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names:
        try:
            if read_member(zf, "mimetype", "ZIP", 256).startswith(b"application/vnd.oasis.opendocument.text"):
                return "odt"
        except ReportError:
            pass
    return "zip"


def looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # text with a byte-order mark
    if b"\x00" in head:
        # UTF-16 without BOM has a zero in every other byte; anything else with NULs is binary
        zeros_odd = head[1::2].count(0)
        zeros_even = head[0::2].count(0)
        half = max(1, len(head) // 2)
        return not (zeros_odd > half * 0.3 or zeros_even > half * 0.3)
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05
