"""End to end: every command with right and wrong arguments, the agency keyboard, the allow-list."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
from shared_files import shared

sys.path.insert(0, str(Path(__file__).parent))
from fake_api import ADMIN, STRANGER, USER, BotHarness  # noqa: E402

from bot.telegram.texts import COMMANDS, USAGE  # noqa: E402

SEEDS = shared("seeds")
S2024 = SEEDS / "000_1a7957aec9d503ee.txt"  # 银川市兴庆区掌政镇人民政府 2024
S2023 = SEEDS / "001_dafca5b4e645eaed.txt"  # 兴庆区掌政镇 2023
XIXIA_TOWN = SEEDS / "003_24cd27ad2d34b72d.txt"  # 银川市西夏区兴泾镇人民政府 2020
XIXIA_OFFICE = SEEDS / "004_543066760ff56c6c.txt"  # 西夏区人民政府办公室 2024


async def upload(bot: BotHarness, *paths: Path) -> None:
    for path in paths:
        replies = await bot.reply_to_file(bot.api.send_file(path.read_bytes(), path.name, USER))
        assert replies[0].text.startswith("✅"), replies[0].text


async def test_menu_start_help_whoami(tmp_path):
    async with BotHarness(tmp_path) as bot:
        menu = bot.api.called("setMyCommands")
        assert menu and [c["command"] for c in menu[-1].params["commands"]] == [c for c, _ in COMMANDS]
        assert all(c["description"] for c in menu[-1].params["commands"])
        (start,) = await bot.command("/start")
        assert "年报助手" in start.text and "/help" in start.text
        (help_,) = await bot.command("/help")
        for name, _ in COMMANDS:  # every command, with an example
            assert f"/{name}" in help_.text
        assert (
            "例如：/compare 掌政镇 2023 2024" in help_.text and "PDF" in help_.text and "DOCX" in help_.text
        )
        (me,) = await bot.command("/whoami")
        assert "用户 ID：1001" in me.text and "会话 ID：1001" in me.text and "可以使用" in me.text
        (admin,) = await bot.command("/whoami", ADMIN)
        assert "管理员" in admin.text
        (unknown,) = await bot.command("/frobnicate")
        assert "/help" in unknown.text


async def test_wrong_arguments_get_the_usage_line(tmp_path):
    async with BotHarness(tmp_path) as bot:
        for text, usage in [
            ("/compare", "compare"),
            ("/compare 掌政镇 2023", "compare"),
            ("/compare 掌政镇 2024 2024", "compare"),
            ("/compare 2023 2024", "compare"),
            ("/show 掌政镇", "show"),
            ("/show 2024", "show"),
            ("/show 掌政镇 去年", "show"),
            ("/list 掌政镇 2024", "list"),
            ("/export 去年", "export"),
            ("/export 2023 2024", "export"),
        ]:
            (reply,) = await bot.command(text)
            assert reply.text == USAGE[usage], text
        (reply,) = await bot.command("/delete 掌政镇", ADMIN)
        assert reply.text == USAGE["delete"]


async def test_list_show_compare_export_delete(tmp_path):
    async with BotHarness(tmp_path) as bot:
        (empty,) = await bot.command("/list")
        assert "还没有保存" in empty.text
        (none,) = await bot.command("/export")
        assert "还没有保存" in none.text
        await upload(bot, S2023, S2024)

        (listing,) = await bot.command("/list")
        assert "掌政镇" in listing.text and "2023、2024" in listing.text
        (detail,) = await bot.command("/list 掌政镇")
        assert (
            "2023 年度" in detail.text
            and "2024 年度" in detail.text
            and "001_dafca5b4e645eaed.txt" in detail.text
        )

        shown = await bot.command("/show 掌政镇 2024", count=2)
        assert "银川市兴庆区掌政镇人民政府 · 2024 年度" in shown[0].text
        assert "2023 年与 2024 年" in "\n".join(m.text for m in shown if m.text)
        assert shown[-1].document is not None
        (missing,) = await bot.command("/show 掌政镇 2019")
        assert "没有 2019 年度的报告" in missing.text
        (unknown,) = await bot.command("/show 不存在的机关 2024")
        assert "没有找到机关" in unknown.text

        compared = await bot.command("/compare 掌政镇 2023年 2024", count=2)
        assert "2023 年与 2024 年" in compared[0].text and "本年新收政府信息公开申请数量" in compared[0].text
        assert compared[1].photo[:8] == b"\x89PNG\r\n\x1a\n" and "主要数据对比" in compared[1].caption
        (gap,) = await bot.command("/compare 掌政镇 2022 2024")
        assert "没有 2022 年度的报告" in gap.text

        (export,) = await bot.command("/export")
        wb = openpyxl.load_workbook(io.BytesIO(export.document[1]))
        rows = list(wb["年度报告"].iter_rows(values_only=True))
        assert rows[0][0] == "机关" and len(rows) == 3
        (export_2024,) = await bot.command("/export 2024")
        wb = openpyxl.load_workbook(io.BytesIO(export_2024.document[1]))
        assert len(list(wb["年度报告"].iter_rows(values_only=True))) == 2
        (none,) = await bot.command("/export 2019")
        assert "2019 年度" in none.text

        (refused,) = await bot.command("/delete 掌政镇 2023")
        assert "只有管理员" in refused.text
        # Deleting asks first; 取消 keeps the report.
        (ask,) = await bot.command("/delete 掌政镇 2023", ADMIN)
        assert "确认删除" in ask.text and "无法恢复" in ask.text
        cancel, confirm = (b["callback_data"] for b in ask.reply_markup["inline_keyboard"][0][::-1])
        bot.api.click(ask.message_id, cancel, ADMIN)
        await bot.api.wait_for(
            lambda: "已取消" in (bot.api.messages[ask.message_id].text or ""), 20, "the cancel"
        )
        (listing,) = await bot.command("/list 掌政镇")
        assert "2023 年度" in listing.text
        (ask,) = await bot.command("/delete 掌政镇 2023", ADMIN)
        confirm = ask.reply_markup["inline_keyboard"][0][0]["callback_data"]
        bot.api.click(ask.message_id, confirm, STRANGER, ADMIN)  # someone else's press changes nothing
        bot.api.click(ask.message_id, confirm, ADMIN)
        await bot.api.wait_for(
            lambda: "已删除" in (bot.api.messages[ask.message_id].text or ""), 20, "the deletion"
        )
        assert "2023" in bot.api.messages[ask.message_id].text
        (again,) = await bot.command("/delete 掌政镇 2023", ADMIN)
        assert "没有 2023 年度的报告" in again.text
        (listing,) = await bot.command("/list 掌政镇")
        assert "2023 年度" not in listing.text and "2024 年度" in listing.text


async def test_ambiguous_agency_gets_a_keyboard(tmp_path):
    async with BotHarness(tmp_path) as bot:
        await upload(bot, XIXIA_TOWN, XIXIA_OFFICE)
        (choice,) = await bot.command("/show 西夏区 2024")
        assert "匹配到 2 个机关" in choice.text
        buttons = [b for row in choice.reply_markup["inline_keyboard"] for b in row]
        assert len(buttons) == 2
        office = next(b for b in buttons if "办公室" in b["text"])
        before = len(bot.api.chat_messages(USER))
        bot.api.click(choice.message_id, office["callback_data"], USER)
        await bot.api.wait_for(
            lambda: bot.api.documents(USER) and len(bot.api.chat_messages(USER)) > before + 1,
            20,
            "the chosen report",
        )
        assert bot.api.called("answerCallbackQuery")
        assert bot.api.messages[choice.message_id].text.startswith("已选择：西夏区人民政府办公室")
        new = [m.text for m in bot.api.chat_messages(USER)[before:] if m.text]
        assert any("西夏区人民政府办公室 · 2024 年度" in t for t in new)

        # /list and /compare choose the same way; a button for the wrong year says so.
        (choice,) = await bot.command("/compare 西夏区 2023 2024")
        town = next(b for row in choice.reply_markup["inline_keyboard"] for b in row if "兴泾镇" in b["text"])
        before = len(bot.api.chat_messages(USER))
        bot.api.click(choice.message_id, town["callback_data"], USER)
        await bot.api.wait_for(lambda: len(bot.api.chat_messages(USER)) > before, 20, "the compare answer")
        assert "没有 2023、2024 年度的报告" in bot.api.texts(USER)[-1]

        # Deleting through the keyboard needs an admin, checked again on the button.
        (choice,) = await bot.command("/delete 西夏区 2024", ADMIN, ADMIN)
        office = next(
            b for row in choice.reply_markup["inline_keyboard"] for b in row if "办公室" in b["text"]
        )
        bot.api.click(choice.message_id, office["callback_data"], ADMIN)
        await bot.api.wait_for(lambda: any("确认删除" in t for t in bot.api.texts(ADMIN)), 20, "the question")
        ask = next(m for m in bot.api.chat_messages(ADMIN) if m.text and m.text.startswith("确认删除"))
        bot.api.click(ask.message_id, ask.reply_markup["inline_keyboard"][0][0]["callback_data"], ADMIN)
        await bot.api.wait_for(
            lambda: "已删除" in (bot.api.messages[ask.message_id].text or ""), 20, "deletion"
        )


async def test_strangers_are_refused_and_their_files_never_downloaded(tmp_path):
    async with BotHarness(tmp_path) as bot:
        bot.api.send_file(S2024.read_bytes(), "a.txt", STRANGER)
        await bot.api.wait_for(lambda: bot.api.texts(STRANGER), 10, "the refusal")
        refusal = bot.api.texts(STRANGER)[0]
        assert "没有使用本机器人的权限" in refusal and str(STRANGER) in refusal
        for text in ("/help", "/list", "/show 掌政镇 2024", "/start"):
            (reply,) = await bot.command(text, STRANGER)
            assert "没有使用本机器人的权限" in reply.text, text
        (me,) = await bot.command("/whoami", STRANGER)  # so they can ask for access
        assert f"用户 ID：{STRANGER}" in me.text and "尚未加入允许名单" in me.text

        # A stranger pressing someone's button gets an alert, nothing else.
        await upload(bot, XIXIA_TOWN, XIXIA_OFFICE)
        (choice,) = await bot.command("/show 西夏区 2024")
        data = choice.reply_markup["inline_keyboard"][0][0]["callback_data"]
        bot.api.click(choice.message_id, data, STRANGER, USER)
        await bot.api.wait_for(lambda: bot.api.called("answerCallbackQuery"), 10, "the alert")
        alert = bot.api.called("answerCallbackQuery")[-1].params
        assert "没有使用本机器人的权限" in alert["text"]

        stranger_downloads = [c for c in bot.api.called("getFile")]
        assert len(stranger_downloads) == 2  # only the two files USER sent
        assert not bot.api.documents(STRANGER)
    import sqlite3

    with sqlite3.connect(tmp_path / "nianbao.db") as conn:
        uploaders = {r[0] for r in conn.execute("SELECT uploaded_by FROM reports")}
    assert all(str(STRANGER) not in u for u in uploaders)
