"""A ZIP of reports: through the service, the real bot with the fake Bot API, and `nianbao import x.zip`."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import sys
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_api import USER, BotHarness  # noqa: E402
from season_data import YEAR, as_docx, as_txt, spec_for, windows_zip  # noqa: E402

import bot.cli  # noqa: E402
from bot.season.archive import ArchiveError  # noqa: E402
from bot.season.batch import check_archive  # noqa: E402
from bot.service import session  # noqa: E402

NOTICE = "关于报送2024年度政府信息公开工作年度报告的通知\n各部门、各乡镇：请于1月31日前报送。\n".encode("gbk")
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\n" + b"\x00garbage" * 50


def reports(db: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT a.name, r.year, r.file_name FROM reports r JOIN agencies a ON a.id = r.agency_id"
            " WHERE r.superseded_by IS NULL ORDER BY a.name"
        ).fetchall()


@pytest.fixture(scope="module")
def season_zip(rendered_pdfs) -> bytes:
    """The ZIP a clerk makes on Chinese Windows from the folder the agencies' reports landed in."""
    education = spec_for("永宁县教育局", 1)
    finance = spec_for("永宁县财政局", 2, faulty=True)
    town = spec_for("永宁县杨和镇人民政府", 3)
    pdf = rendered_pdfs["town2021"]  # a real PDF (LibreOffice), 银川市兴庆区掌政镇人民政府
    entries = [
        ("2024年报/部门/永宁县教育局2024年政府信息公开工作年度报告.docx", as_docx(education)),
        ("2024年报/部门/财政局年报（终稿）.docx", as_docx(finance)),
        ("2024年报/乡镇/杨和镇年报.txt", as_txt(town)),
        ("2024年报/乡镇/新建文件夹/杨和镇年报 - 副本.txt", as_txt(town)),  # the same file twice
        ("2024年报/乡镇/掌政镇年报.pdf", pdf),
        ("2024年报/关于报送年报的通知.txt", NOTICE),  # not a report
        ("2024年报/街道/城关街道年报.pdf", CORRUPT_PDF),  # damaged
        ("2024年报/附件/历年报告.zip", b"PK\x05\x06" + b"\0" * 18),  # an archive inside
        ("2024年报/../../逃逸.txt", b"x"),  # a path trick
        ("2024年报/部门/Thumbs.db", b"\0" * 64),
        ("2024年报/desktop.ini", b"[.ShellClassInfo]\r\n"),
        ("__MACOSX/2024年报/乡镇/._杨和镇年报.txt", b"\0\5\26\7"),
    ]
    return windows_zip(entries)


async def test_service_checks_each_report_once_and_keeps_the_later_version(tmp_path):
    first = spec_for("永宁县教育局", 1)
    second = replace(
        spec_for("永宁县教育局", 5), published=date(YEAR + 1, 1, 20)
    )  # the same agency-year, redone
    data = windows_zip(
        [
            ("教育局/旧版.txt", as_txt(first)),
            ("教育局/新版.txt", as_txt(second)),
            ("教育局/新版 - 副本.txt", as_txt(second)),
            ("说明.txt", NOTICE),
        ]
    )
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    async with session(tmp_path / "nb.db", workers=2) as checker:
        result = await check_archive(checker, data, "教育局.zip", "test", progress)
        assert [(f.path, f.status) for f in result.files] == [
            ("教育局/旧版.txt", "new"),
            ("教育局/新版.txt", "superseded"),
            ("教育局/新版 - 副本.txt", "same"),
            ("说明.txt", "failed"),
        ]
        assert result.files[2].same_as == "教育局/新版.txt"
        assert "不是政府信息公开工作年度报告" in result.files[3].reason
        assert seen[-1] == (4, 4) and [d for d, _ in seen] == [1, 2, 3, 4]
        ((kept, others),) = result.repeats()
        assert kept.path == "教育局/新版.txt" and [o.path for o in others] == ["教育局/旧版.txt"]
        current = await checker.show(kept.agency_id, YEAR)
        assert current.published == date(YEAR + 1, 1, 20)  # the later file in the archive is current
        again = await check_archive(checker, data, "教育局.zip", "test")
        assert [f.status for f in again.files] == ["duplicate", "duplicate", "same", "failed"]
        with pytest.raises(ArchiveError):
            await check_archive(checker, b"not a zip", "x.zip", "test")


async def test_zip_through_the_bot(tmp_path, season_zip, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    store = tmp_path / "store"
    store.mkdir()
    async with BotHarness(store) as bot:
        up = bot.api.send_file(season_zip, "2024年度年报.zip", USER, mime_type="application/zip")

        def finished():
            replies = bot.api.replies_to(up["message"]["message_id"])
            return (
                replies
                if any(m.document for m in replies) or (replies and replies[0].text.startswith("❌"))
                else None
            )

        replies = await bot.api.wait_for(finished, 120, "the reply to the ZIP")
        status = replies[0]
        assert status.history[0] == "📥 正在下载《2024年度年报.zip》…"
        progress = [h for h in status.history if "已检查" in h]
        assert progress and progress[-1] == "📦 《2024年度年报.zip》：已检查 7/7"
        assert all(re.fullmatch(r"📦 《2024年度年报\.zip》：已检查 \d/7", h) for h in progress)
        assert status.text == "✅ 《2024年度年报.zip》检查完成：读取 4 份报告，1 份有错误，4 个文件无法读取。"

        summary = "\n".join(m.text for m in replies[1:] if m.text)
        assert (
            "共 9 个文件，读取 4 份报告。" in summary
        )  # 12 entries less __MACOSX, Thumbs.db and desktop.ini
        assert "有错误 1 份" in summary and "新保存 4 份" in summary
        errors = summary.index("❗ 有错误的机关（1）：")
        assert "永宁县财政局 2024 年度：1 个错误（2024年报/部门/财政局年报（终稿）.docx）" in summary
        for agency in ("永宁县教育局", "永宁县杨和镇人民政府", "银川市兴庆区掌政镇人民政府"):
            assert summary.index(agency) > errors  # agencies with errors first
        unreadable = summary[summary.index("❌ 无法读取的文件（4）：") :]
        assert "• 2024年报/关于报送年报的通知.txt：这不是政府信息公开工作年度报告" in unreadable
        assert "• 2024年报/街道/城关街道年报.pdf：文件已损坏" in unreadable
        assert "• 2024年报/附件/历年报告.zip：压缩包中的压缩包不予处理" in unreadable
        assert "• 2024年报/../../逃逸.txt：路径不安全" in unreadable
        assert (
            "• 2024年报/乡镇/新建文件夹/杨和镇年报 - 副本.txt 与 2024年报/乡镇/杨和镇年报.txt 内容相同"
            in summary
        )
        assert "已忽略 3 个文件夹和系统文件" in summary

        doc = replies[-1].document
        assert doc[0] == "年报检查情况表.xlsx" and replies[-1].reply_to == up["message"]["message_id"]
        wb = openpyxl.load_workbook(io.BytesIO(doc[1]))
        assert wb.sheetnames == ["检查结果", "问题清单"]
        rows = {r[0]: r for r in wb["检查结果"].iter_rows(min_row=2, values_only=True)}
        assert len(rows) == 9
        assert rows["2024年报/部门/财政局年报（终稿）.docx"][1:6] == ("永宁县财政局", 2024, "新保存", 1, 0)
        assert rows["2024年报/乡镇/新建文件夹/杨和镇年报 - 副本.txt"][3] == "与另一文件相同"
        assert (
            rows["2024年报/街道/城关街道年报.pdf"][3] == "无法读取"
            and "损坏" in rows["2024年报/街道/城关街道年报.pdf"][7]
        )
        issues = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
        errors = [r for r in issues if r[3] == "错误"]
        assert len(errors) == 1 and all(
            r[:2] == ("永宁县财政局", 2024) and r[2].startswith("APP-") for r in errors
        )

        # the season now knows them
        season = await bot.command(f"/season {YEAR}", count=3)  # text, chart, XLSX
        assert "永宁县财政局" in season[0].text
    stored = reports(store / "nianbao.db")
    assert sorted(name for name, _, _ in stored) == sorted(
        ["永宁县教育局", "永宁县财政局", "永宁县杨和镇人民政府", "银川市兴庆区掌政镇人民政府"]
    )
    # nothing written outside the store: the database and its files, nothing where the archive pointed
    assert {p.name for p in store.iterdir()} <= {
        "nianbao.db",
        "nianbao.db-wal",
        "nianbao.db-shm",
        "nianbao.files",
    }
    assert (
        len([p for p in (store / "nianbao.files").rglob("*") if p.is_file()]) == 4
    )  # the reports' originals
    assert not list(cwd.iterdir()) and sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "store"]


async def test_a_zip_without_zip_name_or_type_is_imported_as_one(tmp_path):
    """Told by its bytes: a ZIP sent as 「年报材料」 (application/octet-stream) is the season's ZIP import, while a
    DOCX (a ZIP too) sent the same way is checked as one report."""
    education = spec_for("永宁县教育局", 1)
    town = spec_for("永宁县杨和镇人民政府", 3)
    data = windows_zip([("部门/教育局年报.txt", as_txt(education)), ("乡镇/杨和镇年报.txt", as_txt(town))])
    async with BotHarness(tmp_path) as bot:
        up = bot.api.send_file(data, "年报材料", USER, mime_type="application/octet-stream")
        replies = await bot.api.wait_for(
            lambda: (
                (r := bot.api.replies_to(up["message"]["message_id"])) and any(m.document for m in r) and r
            ),
            60,
            "the reply to the ZIP",
        )
        status = replies[0]
        assert status.text == "✅ 《年报材料》检查完成：读取 2 份报告，0 份有错误，0 个文件无法读取。"
        assert any("已检查 2/2" in h for h in status.history)
        assert not any("压缩包" in m.text and "解压" in m.text for m in replies if m.text)
        assert "共 2 个文件，读取 2 份报告。" in "\n".join(m.text for m in replies[1:] if m.text)
        assert replies[-1].document[0] == "年报检查情况表.xlsx"

        up = bot.api.send_file(
            as_docx(spec_for("永宁县财政局", 2)), "财政局年报", USER, mime_type="application/octet-stream"
        )
        replies = await bot.reply_to_file(up)
        assert replies[0].text.startswith("✅") and "永宁县财政局" in replies[0].text
        assert "检查完成：读取" not in replies[0].text
    assert sorted(name for name, _, _ in reports(tmp_path / "nianbao.db")) == [
        "永宁县教育局",
        "永宁县杨和镇人民政府",
        "永宁县财政局",
    ]


async def test_refused_archives_get_the_reason(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("年报.txt", b"\0" * (11 * 1024 * 1024))
    async with BotHarness(tmp_path) as bot:
        for data, name, reason in [
            (bomb.getvalue(), "炸弹.zip", "压缩炸弹"),
            (b"PK\x03\x04 broken", "坏.zip", "已损坏"),
        ]:
            up = bot.api.send_file(data, name, USER)
            replies = await bot.api.wait_for(
                lambda up=up: [
                    m
                    for m in bot.api.replies_to(up["message"]["message_id"])
                    if m.text and m.text.startswith("❌")
                ],
                30,
                name,
            )
            assert reason in replies[0].text and name in replies[0].text
    assert reports(tmp_path / "nianbao.db") == []


def test_cli_import_zip(tmp_path, season_zip, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    archive = tmp_path / "年报.zip"
    archive.write_bytes(season_zip)
    out_xlsx = tmp_path / "情况表.xlsx"
    db = tmp_path / "db" / "nb.db"
    code = bot.cli.main(["import", str(archive), "--db", str(db), "--jobs", "2", "--xlsx", str(out_xlsx)])
    out = capsys.readouterr().out
    assert code == 1  # some files could not be read
    assert "读取 4 份报告" in out and "❗ 有错误的机关（1）" in out and "无法读取的文件（4）" in out
    assert openpyxl.load_workbook(out_xlsx).sheetnames == ["检查结果", "问题清单"]
    assert len(reports(db)) == 4
    # run again: all stored already, nothing new
    bot.cli.main(["import", str(archive), "--db", str(db), "--jobs", "2"])
    assert "此前已保存 4 份" in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ["db", "年报.zip", "情况表.xlsx"]
    bad = tmp_path / "坏.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    assert bot.cli.main(["import", str(bad), "--db", str(db)]) == 1
    assert "压缩包已损坏" in capsys.readouterr().err
