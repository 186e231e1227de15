"""End to end: /compare sends its short text and a picture, /trend a table and a line chart (real PTB, fake Bot API)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from chart_reports import AGENCY, fill_db  # noqa: E402
from fake_api import USER, BotHarness  # noqa: E402
from test_charts import png_size  # noqa: E402

from bot.telegram.texts import USAGE  # noqa: E402


async def test_compare_sends_the_largest_changes_and_a_chart(tmp_path):
    await fill_db(tmp_path / "nianbao.db")
    async with BotHarness(tmp_path) as bot:
        text, photo = await bot.command("/compare 掌政镇 2021 2022", count=2)
        assert text.text.startswith(f"{AGENCY} 2021 年与 2022 年对比")
        lines = text.text.split("\n")
        changes = [line for line in lines if line.startswith("• ")]
        assert len(changes) == 8  # of 10 rows that changed
        # largest first: 行政许可 1,350 → 980 outweighs 行政处罚 40 → 52; 予以公开 4 → 3 is left out
        assert changes[0].startswith("• 无法提供：本机关不掌握相关政府信息·总计：2 → 0")
        assert changes.index("• 行政许可·本年处理决定数量：1350 → 980（-370，-27.4%）") < changes.index(
            "• 行政处罚·本年处理决定数量：40 → 52（+12，+30%）"
        )
        assert not any("予以公开" in c for c in changes)
        assert lines[-1] == "另有 2 项变化较小、3 项持平、6 项两年均为 0。"
        (button,) = text.reply_markup["inline_keyboard"][0]
        assert button["text"].startswith("显示全部") and button["callback_data"].startswith("cmpall:")

        assert photo.photo is not None and photo.caption == f"{AGENCY} 2021 年与 2022 年主要数据对比"
        width, height = png_size(photo.photo)
        assert width > 1000 and height > 500
        assert bot.api.called("sendChatAction")[-1].params["action"] == "upload_photo"

        # the button gives every row, as `nianbao compare` prints it
        before = len(bot.api.chat_messages(USER))
        bot.api.click(text.message_id, button["callback_data"], USER)
        await bot.api.wait_for(lambda: len(bot.api.chat_messages(USER)) > before, 20, "the full comparison")
        full = bot.api.texts(USER)[-1]
        assert full.startswith(f"{AGENCY} 2021 年与 2022 年对比") and len(full.split("\n")) > len(lines)
        assert "行政复议·总计：1 → 1（持平）" in full
        assert bot.api.messages[text.message_id].text == text.text  # the short text stays

        # the report's XLSX (/show, and after a check) has the same charts, native in Excel
        shown = await bot.command("/show 掌政镇 2022", count=2)
        await bot.api.wait_for(lambda: bot.api.documents(USER), 20, "the XLSX")
        wb = openpyxl.load_workbook(io.BytesIO(bot.api.documents(USER)[-1].document[1]))
        assert len(wb["主要数据"]._charts) == 10 and wb["主要数据"]["B1"].value == "2021年"
        assert "银川市兴庆区掌政镇人民政府 · 2022 年度" in shown[0].text

        (gap,) = await bot.command("/compare 掌政镇 2019 2022")
        assert "没有 2019 年度的报告" in gap.text and not gap.photo


async def test_trend_sends_every_year_and_a_line_chart(tmp_path):
    await fill_db(tmp_path / "nianbao.db")
    async with BotHarness(tmp_path) as bot:
        text, photo = await bot.command("/trend 掌政镇", count=2)
        assert "历年主要数据（2020—2023 年，共 4 个年度）" in text.text
        assert "• 行政许可处理决定（件）：2020年 1,200，2021年 1,350，2022年 980，2023年 1,500" in text.text
        assert "• 行政规范性文件现行有效（件）：2020年 —，2021年 12" in text.text
        assert "2020 年度报告为 2019 年版格式" in text.text
        assert photo.caption == f"{AGENCY} 历年主要数据" and png_size(photo.photo)[0] > 1000
        (usage,) = await bot.command("/trend")
        assert usage.text == USAGE["trend"]
        (unknown,) = await bot.command("/trend 不存在的机关")
        assert "没有找到机关" in unknown.text
