"""A ZIP of reports as Chinese Windows makes it, read safely in memory: nothing is ever extracted to disk.

Windows' 「发送到 → 压缩(zipped)文件夹」 writes names in GBK without the UTF-8 flag (zipfile then
decodes them as cp437); Macs add `__MACOSX/` and `._` twins, Explorer leaves `Thumbs.db` and
`desktop.ini`. Those are dropped silently. What cannot be a report is listed with the reason:
archives inside the archive, encrypted entries, links, names that climb out of the archive
(`../`, absolute paths). A zip bomb (too many entries, too many bytes, an entry that expands
beyond reason) refuses the whole archive. Reads are capped whatever the headers claim.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field

from parser.errors import ReportError, too_large
from parser.limits import MAX_FILE_BYTES
from parser.readers.archive import MAX_RATIO, RATIO_MIN_SIZE, ZIP_ERRORS, read_member, suspicious

MAX_ENTRIES = 2000  # entries of every kind, folders and junk included
MAX_REPORTS = 500  # files that may be reports
MAX_TOTAL = 1024 * 1024 * 1024  # uncompressed bytes, declared and actually read
MAX_MEMBER = MAX_FILE_BYTES  # one report (as `nianbao check` accepts)

_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"}
_ARCHIVE_EXTENSIONS = (
    ".zip",
    ".rar",
    ".7z",
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".cab",
    ".arj",
    ".iso",
    ".zipx",
    ".lzh",
    ".z",
)
_ARCHIVE_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF")
# Office files that are never a report: told apart by name, so no worker converts them for nothing.
_NOT_REPORTS = {
    ".xlsx": "电子表格",
    ".xls": "电子表格",
    ".xlsm": "电子表格",
    ".et": "电子表格",
    ".ods": "电子表格",
    ".pptx": "演示文稿",
    ".ppt": "演示文稿",
    ".dps": "演示文稿",
    ".odp": "演示文稿",
}
_UTF8_FLAG = 0x800
NESTED = "压缩包中的压缩包不予处理。请解压后把其中的报告直接放入压缩包。"


class ArchiveError(ReportError):
    """The archive as a whole is refused (not a ZIP, damaged, a bomb)."""


@dataclass(frozen=True)
class Member:
    """A file in the archive that may be a report."""

    path: str  # as the user sees it: decoded, with '/' separators
    info: zipfile.ZipInfo = field(repr=False)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)


@dataclass(frozen=True)
class Refused:
    """A file in the archive not read, with the reason the user reads."""

    path: str
    reason: str


@dataclass
class Archive:
    zf: zipfile.ZipFile = field(repr=False)
    members: list[Member]
    refused: list[Refused]
    ignored: int  # system files and folders dropped silently
    _read: int = 0

    def read(self, member: Member) -> bytes:
        """A member's bytes, capped at MAX_MEMBER and, over the whole archive, at MAX_TOTAL."""
        if member.info.file_size > MAX_MEMBER:
            raise _too_large()
        left = MAX_TOTAL - self._read
        if left <= 0:
            raise suspicious("ZIP", "the archive expands beyond its limit")
        try:
            data = read_member(self.zf, member.info.filename, "ZIP 中的文件", limit=min(MAX_MEMBER, left))
        except ReportError as exc:
            if exc.code == "too_large":  # the headers lied about the sizes
                raise (
                    _too_large() if left > MAX_MEMBER else _bomb("the archive expands beyond its limit")
                ) from None
            raise
        self._read += len(data)
        return data


def _too_large() -> ReportError:
    return too_large(MAX_MEMBER >> 20)


def decode_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it: UTF-8 when flagged (or when the bytes are UTF-8), else GBK."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG:
        return name
    try:
        raw = name.encode("cp437")  # zipfile decoded the unflagged bytes as cp437: undo it
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _is_junk(path: str) -> bool:
    parts = [p for p in path.split("/") if p]
    if any(p == "__MACOSX" for p in parts):
        return True
    base = parts[-1] if parts else ""
    return base.lower() in _JUNK_NAMES or base.startswith(("._", "~$", "."))


def _unsafe(path: str) -> bool:
    """A name that would land outside the folder it is extracted to."""
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return True
    return ".." in path.split("/")


def is_archive(name: str, head: bytes = b"") -> bool:
    """An archive by its name or its first bytes (a ZIP's PK header alone is no proof: DOCX is one too)."""
    return name.lower().endswith(_ARCHIVE_EXTENSIONS) or head.startswith(_ARCHIVE_MAGIC)


def open_archive(data: bytes) -> Archive:
    """List the archive: the members that may be reports, the refused ones, the silently ignored count."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except ZIP_ERRORS as exc:
        raise ArchiveError(
            "corrupt",
            "压缩包已损坏或不是 ZIP 格式，无法读取。请用「发送到 → 压缩(zipped)文件夹」重新压缩后发送。",
            f"the ZIP archive cannot be read: {exc}",
        ) from exc
    if len(infos) > MAX_ENTRIES:
        raise _bomb(f"too many entries ({len(infos)})")
    declared = 0
    members: list[Member] = []
    refused: list[Refused] = []
    ignored = 0
    for info in infos:
        declared += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(f"{info.filename} expands {info.file_size // max(info.compress_size, 1)}x")
        path = decode_name(info).replace("\\", "/")
        if info.is_dir() or path.endswith("/"):
            ignored += 1
            continue
        if _is_junk(path):
            ignored += 1
            continue
        shown = path.lstrip("/")
        if _unsafe(path):
            refused.append(Refused(shown, "路径不安全（含“..”或绝对路径），已拒绝。"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            refused.append(Refused(shown, "这是一个链接，不是文件，已拒绝。"))
        elif info.flag_bits & 0x1:
            refused.append(Refused(shown, "文件已加密，无法读取。请去掉密码后重新压缩。"))
        elif is_archive(path):
            refused.append(Refused(shown, NESTED))
        elif (what := _NOT_REPORTS.get(posixpath.splitext(path)[1].lower())) is not None:
            refused.append(Refused(shown, f"这是{what}，不是年度报告，未检查。"))
        elif info.file_size > MAX_MEMBER:
            refused.append(Refused(shown, _too_large().zh))
        else:
            members.append(Member(path, info))
    if declared > MAX_TOTAL:
        raise _bomb(f"declares {declared} bytes")
    if len(members) > MAX_REPORTS:
        raise ArchiveError(
            "too_large",
            f"压缩包中的文件过多（{len(members)} 个，最多 {MAX_REPORTS} 个）。请分成几个压缩包发送。",
            f"too many files in the archive ({len(members)}, at most {MAX_REPORTS})",
        )
    return Archive(zf, members, refused, ignored)


def _bomb(detail: str) -> ArchiveError:
    return ArchiveError(
        "corrupt",
        "压缩包结构异常，已拒绝处理：可能是压缩炸弹（解压后体积或文件数过大）。",
        f"the ZIP archive was rejected: {detail}",
    )


def looks_like_zip(data: bytes) -> bool:
    """A ZIP archive of files, not a DOCX or ODT (which are ZIPs too)."""
    from parser.detect import detect_format

    return detect_format(data) == "zip"


# Documents that are ZIP packages: OOXML (DOCX, XLSX, PPTX) lists its parts in [Content_Types].xml, ODF
# stores its type in `mimetype`. Archives of reports have neither.
_PACKAGE_NAMES = ("[Content_Types].xml", "mimetype")
# The first part a damaged package may begin with (ODF: always `mimetype`; OOXML: any of its parts).
_PACKAGE_FIRST = (*_PACKAGE_NAMES, "_rels/", "docProps/", "word/", "xl/", "ppt/", "customXml/")


def is_zip_of_files(data: bytes) -> bool:
    """A ZIP archive of files by its bytes, whatever its name: not a DOCX, XLSX, PPTX, ODT or other document
    that is a ZIP package too. A damaged ZIP counts unless its first entry is a package part (opening it
    then says what is wrong)."""
    if not looks_like_zip(data):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except ZIP_ERRORS:
        # no central directory: the first local header holds the first entry's name, uncompressed
        if not data.startswith(b"PK\x03\x04") or len(data) < 30:
            return True
        size = int.from_bytes(data[26:28], "little")
        return not data[30 : 30 + size].decode("cp437").startswith(_PACKAGE_FIRST)
    return not names.intersection(_PACKAGE_NAMES)


def nested(member: Member, data: bytes) -> bool:
    """An archive told by its bytes though its name did not say so."""
    return is_archive("", data[:8]) or looks_like_zip(data)
