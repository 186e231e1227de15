"""The real PTB Application against the fake Bot API: the JobQueue sends a reminder as sendMessage,
and /deadlines, /remind, /roster answer in Chinese with admins' rights checked."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fake_api import ADMIN, GROUP, USER, BotHarness

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))

from report_factory import make_report, payload  # noqa: E402

from bot.deadlines import DeadlineSettings  # noqa: E402
from bot.telegram import deadlines as deadline_handlers  # noqa: E402
from storage import roster  # noqa: E402
from storage.store import Store  # noqa: E402

CST = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 1, 24, 9, 30, tzinfo=CST)


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    for var in ("NIANBAO_DEADLINES", "REMIND_DAYS", "REMIND_TIME"):
        monkeypatch.delenv(var, raising=False)


async def _prepare(db: Path, subscribe: bool = True) -> None:
    async with await Store.open(db) as store:
        r = make_report("兴庆区掌政镇", 2024, short="掌政镇")
        await store.save(r, payload(r), "test")
        await roster.roster_add_many(
            store.db,
            [
                ("银川市兴庆区掌政镇人民政府", "乡镇"),
                ("银川市兴庆区财政局", "部门"),
                ("兴庆区凤凰北街街道办事处", "街道"),
            ],
        )
        if subscribe:
            await roster.subscribe(store.db, GROUP, "test", now=datetime(2024, 12, 1, tzinfo=CST))


def _register(harness: BotHarness, now: datetime = NOW) -> None:
    deadline_handlers.register(harness.app, settings=DeadlineSettings(_env_file=None), clock=lambda: now)


async def test_job_queue_sends_the_due_reminder_once(tmp_path):
    await _prepare(tmp_path / "nianbao.db")
    async with BotHarness(tmp_path) as bot:
        _register(bot)
        (text,) = await bot.api.wait_for(lambda: bot.api.texts(GROUP), 20, "the reminder")
        assert text.startswith("⏰ 年报提醒：2024 年度") and "还有 7 天" in text
        assert "以下 2 个机关尚未提交（应报 3 个）" in text
        assert "银川市兴庆区财政局" in text and "兴庆区凤凰北街街道办事处" in text and "掌政镇" not in text
        jobs = {j.name for j in bot.app.job_queue.jobs()}
        assert jobs == {"nianbao-reminders-check", "nianbao-reminders-daily"}
        _register(bot)  # registering again replaces the jobs and does not add the commands twice
        assert len(bot.app.job_queue.jobs()) == 2
        assert (
            sum(
                h.__class__.__name__ == "CommandHandler" and "roster" in h.commands
                for h in bot.app.handlers[0]
            )
            == 1
        )
    # Restarted: the send log in the database keeps it from going out twice.
    async with BotHarness(tmp_path) as bot:
        _register(bot)
        (check,) = bot.app.job_queue.get_jobs_by_name("nianbao-reminders-check")
        await check.run(bot.app)  # a check now, besides the one at start-up
        assert bot.api.texts(GROUP) == []
    async with await Store.open(tmp_path / "nianbao.db") as store:
        assert [(e["chat_id"], e["day"], e["status"]) for e in await roster.log_entries(store.db)] == [
            (GROUP, 7, "sent")
        ]


async def test_commands(tmp_path):
    await _prepare(tmp_path / "nianbao.db", subscribe=False)
    async with BotHarness(tmp_path) as bot:
        _register(bot, datetime(2025, 1, 1, 8, 0, tzinfo=CST))  # nothing due: the commands alone speak
        (reply,) = await bot.command("/deadlines")
        assert "2024 年度" in reply.text and "【部门】2025年1月31日截止（还有 30 天）" in reply.text
        assert "未报：银川市兴庆区财政局" in reply.text

        (reply,) = await bot.command("/remind")
        assert "未开启" in reply.text
        (reply,) = await bot.command("/remind on")
        assert reply.text.startswith("✅ 已开启截止日期提醒") and "09:00" in reply.text
        (reply,) = await bot.command("/remind on", USER, GROUP)
        assert "只有管理员" in reply.text
        (reply,) = await bot.command("/remind on", ADMIN, GROUP)
        assert reply.text.startswith("✅")
        (reply,) = await bot.command("/remind off", ADMIN, GROUP)
        assert reply.text == "已关闭截止日期提醒。"
        subs = await roster.subscriptions(bot.state.checker.store.db)
        assert [s.chat_id for s in subs] == [USER]

        (reply,) = await bot.command("/roster")
        assert "应报机关名单（共 3 个）" in reply.text and "【乡镇】1 个" in reply.text
        (reply,) = await bot.command("/roster add 甲县财政局 部门")
        assert "只有管理员" in reply.text
        (reply,) = await bot.command("/roster add 兴庆区人民政府 县级政府", ADMIN)
        assert (
            reply.text.startswith("已添加：兴庆区人民政府（县级政府）") and "还没有保存的报告" in reply.text
        )
        (reply,) = await bot.command("/roster add 兴庆区大新镇", ADMIN)
        assert "类别按名称推断为“乡镇”" in reply.text
        (reply,) = await bot.command("/roster remove 大新镇", ADMIN)
        assert reply.text == "已从名单中移除：兴庆区大新镇（乡镇）"
        (reply,) = await bot.command("/roster remove 大新镇", ADMIN)
        assert "名单中没有" in reply.text
        (reply,) = await bot.command("/deadlines")
        assert "【县级政府】2025年2月20日截止" in reply.text
