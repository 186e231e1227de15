"""End to end: the real PTB Application polling a fake Bot API server, real report files, real SQLite."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import sys
from pathlib import Path

import openpyxl
from shared_files import shared

sys.path.insert(0, str(Path(__file__).parent))
from fake_api import GROUP, USER, BotHarness  # noqa: E402

from bot.worker import analyse  # noqa: E402

SEEDS = shared("seeds")
S2024 = SEEDS / "000_1a7957aec9d503ee.txt"  # 掌政镇 2024
S2023 = SEEDS / "001_dafca5b4e645eaed.txt"  # 掌政镇 2023
OTHERS = [
    SEEDS / "002_0a7990abdff832d1.txt",
    SEEDS / "003_24cd27ad2d34b72d.txt",
    SEEDS / "004_543066760ff56c6c.txt",
]


def stored_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def workbook(message) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(message.document[1]))


async def test_upload_edits_status_then_replies_with_findings_and_xlsx(tmp_path):
    data = S2024.read_bytes()
    expected = analyse(data, "x").findings
    async with BotHarness(tmp_path) as bot:
        # A TXT named .pdf: formats are told by content, not by name.
        up = bot.api.send_file(data, "掌政镇2024年报.pdf", USER, mime_type="application/pdf")
        replies = await bot.reply_to_file(up)
        status = replies[0]
        assert status.history[0].startswith("📥")
        assert any(h.startswith("📖") for h in status.history)
        assert status.text.startswith("✅") and "掌政镇" in status.text and "2024" in status.text
        warnings = sum(f.severity == "warning" for f in expected)
        assert f"{warnings} 个提示" in status.text
        text = "\n".join(bot.api.texts(USER))
        assert "银川市兴庆区掌政镇人民政府" in text
        for finding in expected:  # every finding of the validator reaches the user
            assert finding.message in text
        docs = bot.api.documents(USER)
        assert len(docs) == 1 and docs[0].document[0].endswith(".xlsx")
        wb = workbook(docs[0])
        assert {"概况", "主动公开", "依申请公开", "复议诉讼", "问题清单"} <= set(wb.sheetnames)
        rows = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
        assert [r[1] for r in rows] == [f.rule for f in expected]
        apps = {r[0]: r[1:] for r in wb["依申请公开"].iter_rows(min_row=2, values_only=True)}
        assert apps["一、本年新收政府信息公开申请数量"][-1] == 3
        assert [c.method for c in bot.api.calls].count("getFile") == 1
    assert stored_rows(tmp_path / "nianbao.db") == 1


async def test_warnings_are_listed(tmp_path):
    data = S2024.read_bytes()
    expected = [f for f in analyse(data, "x").findings if f.severity == "warning"]
    assert expected  # rules.md: STRUCT-NUMBERING at applications.carried_forward
    async with BotHarness(tmp_path) as bot:
        await bot.reply_to_file(bot.api.send_file(data, "a.txt", USER))
        text = "\n".join(bot.api.texts(USER))
        for finding in expected:
            assert finding.message in text
            if finding.quote:
                assert finding.quote in text


async def test_second_year_is_compared_with_the_first(tmp_path):
    async with BotHarness(tmp_path) as bot:
        first = await bot.reply_to_file(bot.api.send_file(S2023.read_bytes(), "2023.txt", USER))
        assert "2023 年与" not in "\n".join(bot.api.texts(USER))
        n = len(bot.api.chat_messages(USER))
        second = await bot.reply_to_file(bot.api.send_file(S2024.read_bytes(), "2024.txt", USER))
        assert first[0].text.startswith("✅") and second[0].text.startswith("✅")
        new = [m.text for m in bot.api.chat_messages(USER)[n:] if m.text]
        comparison = [t for t in new if "2023 年与 2024 年" in t]
        assert comparison, new
        assert "本年新收政府信息公开申请数量" in comparison[0]
        assert "→ 3" in comparison[0]  # 2024's table gives 3 new applications
        wb = workbook(bot.api.documents(USER)[-1])
        assert "同比" in wb.sheetnames
        head = next(wb["同比"].iter_rows(values_only=True))
        assert head[1:3] == ("2023年", "2024年")
        # The rule of shared/spec/rules.md: 2023 prose 0 carried forward = 2024 table 0 carried over.
        assert not any(r[1] == "YOY-CARRY" for r in wb["问题清单"].iter_rows(min_row=2, values_only=True))


async def test_bad_files_get_a_clear_message_and_nothing_is_stored(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    not_report = "今天天气很好，我们去公园散步。\n".encode() * 20
    async with BotHarness(tmp_path, max_file_mb=1) as bot:
        replies = await bot.reply_to_file(bot.api.send_file(png, "年报.pdf", USER))
        assert replies[0].text.startswith("❌") and "图片" in replies[0].text
        replies = await bot.reply_to_file(bot.api.send_file(b"", "empty.docx", USER, file_size=0))
        assert "空" in replies[0].text
        replies = await bot.reply_to_file(bot.api.send_file(not_report, "note.txt", USER))
        assert "不是政府信息公开工作年度报告" in replies[0].text
        # Too large: refused from the size Telegram reports, never downloaded.
        getfiles = len(bot.api.called("getFile"))
        big = bot.api.send_file(b"%PDF-1.7 tiny", "big.pdf", USER, file_size=3 * 1024 * 1024)
        msgs = await bot.api.wait_for(lambda: bot.api.replies_to(big["message"]["message_id"]), 10)
        assert "过大" in msgs[0].text and "1 MB" in msgs[0].text and "PDF" in msgs[0].text
        assert len(bot.api.called("getFile")) == getfiles
        # A photo (compressed image) is not a file.
        n = len(bot.api.texts(USER))
        bot.api.send_photo(USER)
        await bot.api.wait_for(lambda: len(bot.api.texts(USER)) > n, 10)
        assert "图片" in bot.api.texts(USER)[-1]
        assert not bot.api.documents(USER)
    assert stored_rows(tmp_path / "nianbao.db") == 0


async def test_concurrent_uploads_each_answered_while_commands_still_work(tmp_path):
    files = [S2024, S2023, *OTHERS]
    async with BotHarness(tmp_path) as bot:
        ups = [bot.api.send_file(f.read_bytes(), f.name, USER) for f in files]
        bot.api.send_text("/help", USER)
        results = await asyncio.gather(*(bot.reply_to_file(up) for up in ups))
        for replies in results:
            assert replies[0].text.startswith("✅"), replies[0].text
        assert len(bot.api.documents(USER)) == len(files)
        assert any(t.startswith("📋 年报助手使用说明") for t in bot.api.texts(USER))
    assert stored_rows(tmp_path / "nianbao.db") == len(files)


async def test_files_in_an_allowed_group(tmp_path):
    async with BotHarness(tmp_path, allowed_user_ids="") as bot:
        up = bot.api.send_file(S2023.read_bytes(), "2023.txt", 5555, GROUP)  # user not listed, group is
        replies = await bot.reply_to_file(up)
        assert replies[0].text.startswith("✅")


async def test_redelivered_update_and_same_file_are_not_stored_twice(tmp_path):
    data = S2024.read_bytes()
    async with BotHarness(tmp_path) as bot:
        up = bot.api.send_file(data, "a.txt", USER, file_unique_id="SAME-FILE")
        await bot.reply_to_file(up)
        count = len(bot.api.chat_messages(USER))
        bot.api.redeliver(up)  # same update_id again
        await bot.command("/whoami")  # a later update has been handled: the re-delivery was seen before it
        assert len(bot.api.chat_messages(USER)) == count + 1
        assert len(bot.api.called("getFile")) == 1

        # The same Telegram file in a new message: answered from the store, not downloaded again.
        again = bot.api.send_file(data, "a.txt", USER, file_unique_id="SAME-FILE")
        replies = await bot.reply_to_file(again)
        assert "此前已保存" in replies[0].text
        assert len(bot.api.called("getFile")) == 1

        # The same bytes as another Telegram file: downloaded, recognised by its hash.
        other = bot.api.send_file(data, "copy.txt", USER, file_unique_id="OTHER-FILE")
        replies = await bot.reply_to_file(other)
        assert "此前已保存" in replies[0].text
        assert len(bot.api.called("getFile")) == 2
    assert stored_rows(tmp_path / "nianbao.db") == 1


async def test_stop_finishes_files_in_flight(tmp_path):
    files = [S2024, S2023, *OTHERS]
    bot = BotHarness(tmp_path)
    async with bot:
        ups = [bot.api.send_file(f.read_bytes(), f.name, USER) for f in files]
        # Stop as run_polling does on SIGTERM, as soon as the first file is being worked on.
        await bot.api.wait_for(lambda: bot.api.called("getFile"), 20, "a download")
        await bot.stop()
        started = [up for up in ups if bot.api.replies_to(up["message"]["message_id"])]
        assert started
        for up in started:  # every file the bot took is answered in full before it exits
            status = bot.api.replies_to(up["message"]["message_id"])[0]
            assert status.text.startswith("✅"), status.history
        assert len(bot.api.documents(USER)) == len(started)
    assert stored_rows(tmp_path / "nianbao.db") == len(started)


async def test_a_status_message_that_cannot_be_edited_does_not_stop_the_check(tmp_path):
    async with BotHarness(tmp_path) as bot:
        bot.api.refuse_edits = True  # the user deleted the status message at once
        up = bot.api.send_file(S2024.read_bytes(), "a.txt", USER)
        await bot.api.wait_for(lambda: bot.api.documents(USER), 60, "the XLSX")
        assert "银川市兴庆区掌政镇人民政府" in "\n".join(bot.api.texts(USER))
        assert up
    assert stored_rows(tmp_path / "nianbao.db") == 1


async def test_a_report_without_a_recognisable_year_is_still_answered(tmp_path):
    text = S2024.read_text(encoding="utf-8").replace("2024", "9999")
    async with BotHarness(tmp_path) as bot:
        replies = await bot.reply_to_file(bot.api.send_file(text.encode(), "a.txt", USER))
        assert replies[0].text.startswith("✅") and "未能识别报告年度" in replies[0].text
        text = "\n".join(bot.api.texts(USER))
        assert "年度未识别" in text and "按模板应为“四、”" in text  # the check itself still reaches the user
    assert stored_rows(tmp_path / "nianbao.db") == 0
