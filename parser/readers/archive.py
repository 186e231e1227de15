"""Open ZIP-based documents (DOCX, ODT) without letting a zip bomb or a broken file through.

All limits are checked on the central directory before anything is decompressed; reads are
capped as well, since zipfile trusts the declared sizes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from parser.errors import ReportError, corrupt, too_large
from parser.limits import MAX_FILE_BYTES

MAX_TOTAL = 4 * MAX_FILE_BYTES  # uncompressed bytes, all members together: 200 MB
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # a member above both MAX_RATIO and RATIO_MIN_SIZE is a bomb, not a document
RATIO_MIN_SIZE = 10 * 1024 * 1024
_CHUNK = 1 << 20


def suspicious(kind: str, detail: str) -> ReportError:
    return ReportError(
        "corrupt",
        f"文件结构异常，已拒绝处理（{kind}）：可能是压缩炸弹或伪造的文件。",
        f"the {kind} file was rejected: {detail}",
    )


# What zipfile raises on damaged archives, beyond BadZipFile
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)


def open_zip(data: bytes, kind: str, required: tuple[str, ...] = ()) -> zipfile.ZipFile:
    """A ZipFile over `data` after the size, ratio, member-count and required-member checks."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except ZIP_ERRORS as exc:
        raise corrupt(kind, str(exc)) from exc
    if len(infos) > MAX_MEMBERS:
        raise suspicious(kind, f"too many members ({len(infos)})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise suspicious(
                kind, f"member {info.filename} expands {info.file_size // max(info.compress_size, 1)}x"
            )
    if total > MAX_TOTAL:
        raise too_large(MAX_TOTAL // (1024 * 1024))
    names = {info.filename for info in infos}
    for name in required:
        if name not in names:
            raise corrupt(kind, f"{name} is missing")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, kind: str, limit: int = MAX_TOTAL) -> bytes:
    """One member's bytes, stopping at `limit` whatever its header claims."""
    buf = bytearray()
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(_CHUNK):
                buf += chunk
                if len(buf) > limit:
                    raise too_large(limit // (1024 * 1024))
    except KeyError as exc:
        raise corrupt(kind, f"{name} is missing") from exc
    except ZIP_ERRORS as exc:
        # bad CRC, truncated stream, unsupported compression or encryption
        raise corrupt(kind, str(exc)) from exc
    return bytes(buf)
