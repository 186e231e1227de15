"""A ZIP of reports read safely: Windows' GBK names, junk dropped, bombs, path tricks and nested archives refused."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from season_data import windows_zip  # noqa: E402

from bot.season import archive  # noqa: E402
from bot.season.archive import NESTED, ArchiveError, open_archive  # noqa: E402

REPORT = "永宁县教育局2024年政府信息公开工作年度报告\n一、总体情况\n".encode()


def paths(a: archive.Archive) -> list[str]:
    return [m.path for m in a.members]


def refused(a: archive.Archive) -> dict[str, str]:
    return {r.path: r.reason for r in a.refused}


def test_gbk_names_in_nested_folders_and_windows_and_mac_junk():
    data = windows_zip(
        [
            ("2024年报/部门/永宁县教育局2024年报.txt", REPORT),
            ("2024年报\\乡镇\\杨和镇年报.txt", REPORT),  # some Windows tools write backslashes
            ("2024年报/部门/Thumbs.db", b"junk"),
            ("2024年报/desktop.ini", b"[.ShellClassInfo]"),
            ("__MACOSX/2024年报/._杨和镇年报.txt", b"mac"),
            ("2024年报/~$教育局年报.docx", b"lock"),
            ("2024年报/.DS_Store", b"mac"),
            ("英文名/report.txt", REPORT),
        ]
    )
    raw = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert not any(i.flag_bits & 0x800 for i in raw)  # no UTF-8 flag, as Windows writes it
    a = open_archive(data)
    assert paths(a) == [
        "2024年报/部门/永宁县教育局2024年报.txt",
        "2024年报/乡镇/杨和镇年报.txt",
        "英文名/report.txt",
    ]
    assert [m.name for m in a.members][0] == "永宁县教育局2024年报.txt"
    assert a.ignored == 5 and not a.refused
    assert a.read(a.members[0]) == REPORT


def test_utf8_names_flagged_or_not_are_kept():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("掌政镇/2024年报.txt", REPORT)  # Python and macOS: UTF-8 with the flag
    assert paths(open_archive(buf.getvalue())) == ["掌政镇/2024年报.txt"]
    # UTF-8 bytes without the flag (some Linux tools): still UTF-8, not GBK mojibake
    raw = "掌政镇2024年报.txt".encode()
    stand_in = b"x" * len(raw)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(stand_in.decode(), REPORT)
    assert paths(open_archive(buf.getvalue().replace(stand_in, raw))) == ["掌政镇2024年报.txt"]


def encrypted(data: bytes, name: str) -> bytes:
    """Set the 'encrypted' bit of one entry in both its headers (zipfile cannot write encrypted entries)."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    out[info.header_offset + 6] |= 0x1  # local file header: general purpose flags at +6
    central = data.index(b"PK\x01\x02")
    while central >= 0:
        n = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + n] == name.encode():
            out[central + 8] |= 0x1  # central directory: flags at +8
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_path_tricks_links_and_encryption_are_refused_with_a_reason():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../etc/cron.d/evil.txt", REPORT)
        zf.writestr("/tmp/absolute.txt", REPORT)
        zf.writestr("C:/Windows/evil.txt", REPORT)
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16  # a symlink
        zf.writestr(link, "/etc/passwd")
        zf.writestr("secret.txt", REPORT)
        zf.writestr("ok.txt", REPORT)
    a = open_archive(encrypted(buf.getvalue(), "secret.txt"))
    assert paths(a) == ["ok.txt"]
    reasons = refused(a)
    assert "路径不安全" in reasons["../../etc/cron.d/evil.txt"]
    assert "路径不安全" in reasons["tmp/absolute.txt"] and "路径不安全" in reasons["C:/Windows/evil.txt"]
    assert "链接" in reasons["link.txt"] and "加密" in reasons["secret.txt"]


def test_archives_inside_are_refused_by_name_and_spreadsheets_are_no_reports():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", REPORT)
    data = windows_zip(
        [
            ("附件/材料.zip", inner.getvalue()),
            ("附件/材料.rar", b"Rar!\x1a\x07\x00..."),
            ("附件/名单.xlsx", b"PK\x03\x04"),
            ("年报.txt", REPORT),
        ]
    )
    a = open_archive(data)
    assert paths(a) == ["年报.txt"]
    reasons = refused(a)
    assert reasons["附件/材料.zip"] == NESTED and reasons["附件/材料.rar"] == NESTED
    assert "电子表格" in reasons["附件/名单.xlsx"]


def test_an_archive_told_by_its_bytes_but_a_docx_is_a_document():
    from docgen import build_docx, make_spec

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", REPORT)
    docx = build_docx(make_spec("t", 1, "2021", "永宁县人民政府", scale="tiny"))
    a = open_archive(
        windows_zip(
            [("材料.dat", inner.getvalue()), ("年报.docx", docx), ("压缩.bin", b"7z\xbc\xaf\x27\x1c..")]
        )
    )
    nested = {m.path: archive.nested(m, a.read(m)) for m in a.members}
    assert nested == {"材料.dat": True, "年报.docx": False, "压缩.bin": True}


def test_a_zip_of_files_is_told_from_documents_that_are_zips_too():
    """Routing a file sent without a .zip name: only an archive of files goes to the ZIP import."""
    import openpyxl
    from docgen import build_docx, make_spec

    files = windows_zip([("部门/教育局年报.txt", REPORT), ("部门/财政局年报.docx", b"PK\x03\x04..")])
    docx = build_docx(make_spec("t", 1, "2021", "永宁县人民政府", scale="tiny"))
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert archive.is_zip_of_files(files)
    assert not archive.is_zip_of_files(docx)
    assert not archive.is_zip_of_files(book.getvalue())  # XLSX: no word/document.xml, still a document
    assert not archive.is_zip_of_files(odt.getvalue())
    assert not archive.is_zip_of_files(REPORT) and not archive.is_zip_of_files(b"%PDF-1.7\n")
    # damaged (the central directory cut off): told by the member names in the local headers
    assert archive.is_zip_of_files(files[: len(files) // 2])
    assert not archive.is_zip_of_files(book.getvalue()[:200])


def test_zip_bomb_and_too_many_entries_refuse_the_whole_archive(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("年报.txt", REPORT)
        zf.writestr("bomb.txt", b"\0" * (archive.RATIO_MIN_SIZE + 1024))  # ~1000x
    with pytest.raises(ArchiveError) as err:
        open_archive(buf.getvalue())
    assert "压缩炸弹" in err.value.zh
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in range(4):
            zf.writestr(f"{n}.txt", REPORT)
    with pytest.raises(ArchiveError) as err:
        open_archive(buf.getvalue())
    assert "压缩炸弹" in err.value.zh


def test_sizes_are_capped_whatever_the_headers_say(monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBER", 1000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("大.txt", b"x" * 5000)
        zf.writestr("小.txt", b"y" * 900)
    data = buf.getvalue()
    a = open_archive(data)
    assert "过大" in refused(a)["大.txt"] and paths(a) == ["小.txt"]
    # a member whose headers lie about its size is cut off when read
    lying = zipfile.ZipFile(io.BytesIO(data)).getinfo("大.txt")
    lying.file_size = 10
    with pytest.raises(archive.ReportError) as err:
        a.read(archive.Member("大.txt", lying))
    assert err.value.code == "too_large"
    # and reading stops at MAX_TOTAL over the archive, whatever the headers declared
    a = open_archive(windows_zip([("一.txt", b"z" * 900), ("二.txt", b"w" * 900)]))
    monkeypatch.setattr(archive, "MAX_TOTAL", 1500)
    a.read(a.members[0])
    with pytest.raises(archive.ReportError):
        a.read(a.members[1])


def test_not_a_zip():
    for data in (b"", b"PK\x03\x04broken", "不是压缩包".encode()):
        with pytest.raises(ArchiveError) as err:
            open_archive(data)
        assert "压缩包" in err.value.zh
