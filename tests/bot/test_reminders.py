"""Reminders with an injected clock, a real SQLite file and a real telegram.Bot talking to the fake Bot API.

A "season" runs the check every hour of the simulated days, as the JobQueue would every few
minutes, and records what each chat received when.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fake_api import FakeBotAPI, _ApiError
from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))

from report_factory import make_report, payload  # noqa: E402

from bot.deadlines import AFTER, DeadlineSettings  # noqa: E402
from bot.reminders import Reminders, due_reminders, load_season, open_slots  # noqa: E402
from storage import roster  # noqa: E402
from storage.roster import Subscription  # noqa: E402
from storage.store import Store  # noqa: E402

CST = ZoneInfo("Asia/Shanghai")
ME, OTHER, GROUP = 42, 43, -100500

ROSTER = [
    ("甲县财政局", "部门"),
    ("甲县城关镇人民政府", "乡镇"),
    ("甲县城南街道办事处", "街道"),
    ("甲县人民政府", "县级政府"),
    ("乙市人民政府", "市级政府"),
    ("丙省人民政府", "省级政府"),
]


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


class BlockingAPI(FakeBotAPI):
    """The fake Bot API, where a user may have blocked the bot."""

    def __init__(self):
        super().__init__()
        self.blocked: set[int] = set()
        self.down = False

    def _api_sendMessage(self, p, u):
        if self.down:
            raise _ApiError(502, "Bad Gateway")
        if int(p["chat_id"]) in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return super()._api_sendMessage(p, u)


class World:
    def __init__(self, tmp_path, api: BlockingAPI):
        self.path = tmp_path / "nb.db"
        self.api = api
        self.store: Store | None = None
        self.bot: Bot | None = None
        self.sent: list[tuple[datetime, int, str, int]] = []  # when, chat, deadline, day

    async def open(self, settings: DeadlineSettings | None = None) -> Reminders:
        self.store = await Store.open(self.path)
        self.reminders = Reminders(self.store.db, settings or DeadlineSettings(_env_file=None))
        return self.reminders

    async def restart(self) -> Reminders:
        settings = self.reminders.settings
        await self.store.close()
        return await self.open(settings)

    async def report(self, agency: str, year: int = 2024) -> None:
        r = make_report(agency, year)
        await self.store.save(r, payload(r), "test")

    async def run(self, start: datetime, end: datetime, step: timedelta = timedelta(hours=1), events=None):
        """Check every `step` from start to end (inclusive); `events[t]` is awaited before the check at t."""
        events = events or {}
        t = start
        while t <= end:
            if t in events:
                await events[t]()
            result = await self.reminders.run(self.bot, t)
            self.sent += [(t, o.chat_id, o.slot.deadline, o.slot.day) for o in result.sent]
            t += step

    def days(self, chat: int, deadline: str | None = None) -> list[tuple[str, str, int]]:
        return [
            (t.strftime("%m-%d %H:%M"), d, day)
            for t, c, d, day in self.sent
            if c == chat and (deadline is None or d == deadline)
        ]


@pytest.fixture
async def world(tmp_path, monkeypatch):
    for var in ("NIANBAO_DEADLINES", "REMIND_DAYS", "REMIND_TIME", "TZ"):
        monkeypatch.delenv(var, raising=False)
    api = BlockingAPI().start()
    w = World(tmp_path, api)
    w.bot = Bot(api.token, base_url=api.base_url)
    await w.bot.initialize()
    await w.open()
    await roster.roster_add_many(w.store.db, ROSTER)
    await roster.subscribe(w.store.db, ME, "tg:42", now=at(12, 1, year=2024))
    try:
        yield w
    finally:
        await w.bot.shutdown()
        await w.store.close()
        api.stop()


JAN31 = "部门,乡镇,街道"


async def test_whole_season_from_january_to_april(world):
    await world.report("甲县城关镇人民政府")  # in before the season

    async def finance_reports():
        await world.report("甲县财政局")

    async def county_reports():
        await world.report("甲县人民政府")

    async def other_subscribes():
        await roster.subscribe(world.store.db, OTHER, "tg:43", now=at(1, 25, 10, 0))

    events = {at(1, 20, 12): finance_reports, at(2, 10, 15): county_reports, at(1, 25, 10): other_subscribes}
    await world.run(at(1, 1, 0), at(4, 1, 23), events=events)

    assert world.days(ME) == [
        ("01-17 09:00", JAN31, 14),
        ("01-24 09:00", JAN31, 7),
        ("01-28 09:00", JAN31, 3),
        ("01-30 09:00", JAN31, 1),
        ("02-01 09:00", JAN31, AFTER),
        # The county government reported on 10 February: no reminder listing nobody; the notice after says so.
        ("02-06 09:00", "县级政府", 14),
        ("02-21 09:00", "县级政府", AFTER),
        ("02-24 09:00", "市级政府", 14),
        ("03-03 09:00", "市级政府", 7),
        ("03-07 09:00", "市级政府", 3),
        ("03-09 09:00", "市级政府", 1),
        ("03-11 09:00", "市级政府", AFTER),
        ("03-17 09:00", "省级政府", 14),
        ("03-24 09:00", "省级政府", 7),
        ("03-28 09:00", "省级政府", 3),
        ("03-30 09:00", "省级政府", 1),
        ("04-01 09:00", "省级政府", AFTER),
    ]
    # Subscribed on 25 January: owed nothing due before that.
    assert (
        world.days(OTHER)[0] == ("01-28 09:00", JAN31, 3)
        and len(world.days(OTHER)) == len(world.days(ME)) - 2
    )

    texts = world.api.texts(ME)
    assert len(texts) == 17  # every reminder fits one message, each sent once
    jan17, jan24 = texts[0], texts[1]
    assert "以下 2 个机关尚未提交（应报 3 个）" in jan17
    assert "甲县财政局" in jan17 and "甲县城南街道办事处" in jan17 and "甲县城关镇" not in jan17
    # The finance bureau's report arrived on 20 January: it dropped off the list.
    assert "甲县财政局" not in jan24 and "以下 1 个机关尚未提交" in jan24 and "还有 7 天" in jan24
    assert texts[4].startswith("⚠️") and "甲县城南街道办事处" in texts[4]
    assert texts[6].startswith("✅") and "均已提交" in texts[6]
    assert "乙市人民政府" in texts[7] and "丙省人民政府" in texts[12]
    log = await roster.log_entries(world.store.db)
    assert {e["status"] for e in log} == {"sent"} and len(log) == 17 + 15


async def test_restart_in_the_middle_sends_nothing_twice(world):
    await world.run(at(1, 15, 0), at(1, 24, 9, 30), step=timedelta(minutes=30))
    assert world.days(ME) == [("01-17 09:00", JAN31, 14), ("01-24 09:00", JAN31, 7)]
    await world.restart()  # memory gone: only the database remembers
    # A check was killed after claiming the next reminder but before sending it: not sent again.
    await roster.claim(world.store.db, (ME, 2024, JAN31, 3), missing=3)
    await world.run(at(1, 24, 9, 30), at(1, 31, 23, 30), step=timedelta(minutes=30))
    assert world.days(ME) == [
        ("01-17 09:00", JAN31, 14),
        ("01-24 09:00", JAN31, 7),
        ("01-30 09:00", JAN31, 1),
    ]
    assert len(world.api.texts(ME)) == 3


async def test_downtime_over_a_reminder_day_sends_it_once_on_start_up(world):
    await world.run(at(1, 15, 0), at(1, 22, 0))
    await world.restart()  # down from 22 January to 29 January 10:00: the 7- and 3-day reminders were due
    await world.run(at(1, 29, 10, 0), at(2, 2, 0))
    assert world.days(ME, JAN31) == [
        ("01-17 09:00", JAN31, 14),
        ("01-29 10:00", JAN31, 3),
        ("01-30 09:00", JAN31, 1),
        ("02-01 09:00", JAN31, AFTER),
    ]
    late = world.api.texts(ME)[1]
    assert "还有 2 天" in late and "2025年1月31日（星期五）" in late


async def test_downtime_past_the_deadline_skips_its_reminders(world):
    await world.run(at(1, 28, 0), at(1, 30, 8))  # first start: the 7-day reminder of 24 January is owed
    await world.restart()  # down over the 1-day reminder, the deadline and the notice after it
    await world.run(at(2, 2, 10), at(2, 7, 0))
    assert world.days(ME) == [
        ("01-28 00:00", JAN31, 7),
        ("01-28 09:00", JAN31, 3),
        ("02-06 09:00", "县级政府", 14),
    ]


async def test_year_boundary_with_an_early_internal_deadline(world):
    settings = DeadlineSettings(_env_file=None, nianbao_deadlines="部门=01-05")
    world.reminders = Reminders(world.store.db, settings)
    await world.run(at(12, 15, 0, year=2024), at(1, 10, 0))
    assert world.days(ME, "部门") == [
        ("12-22 09:00", "部门", 14),
        ("12-29 09:00", "部门", 7),
        ("01-02 09:00", "部门", 3),
        ("01-04 09:00", "部门", 1),
        ("01-06 09:00", "部门", AFTER),
    ]
    texts = world.api.texts(ME)
    assert texts[0].startswith("⏰ 年报提醒：2024 年度") and "2025年1月5日（星期日）" in texts[0]
    # Nothing of the report year 2025 yet, and the 31 January group goes on as usual.
    assert {d for _, _, d, _ in world.sent} == {"部门"}
    assert (await load_season(world.store.db, 2024, settings.deadlines))[0].of(("部门",))[0].missing == [
        "甲县财政局"
    ]


async def test_deadlines_and_days_overridden_in_settings(world, monkeypatch):
    monkeypatch.setenv("NIANBAO_DEADLINES", "乡镇=01-20")
    monkeypatch.setenv("REMIND_DAYS", "7,1")
    monkeypatch.setenv("REMIND_TIME", "08:30")
    world.reminders = Reminders(world.store.db, DeadlineSettings(_env_file=None))
    await world.run(at(1, 1, 0), at(2, 2, 0), step=timedelta(minutes=30))
    assert world.days(ME) == [
        ("01-13 08:30", "乡镇", 7),
        ("01-19 08:30", "乡镇", 1),
        ("01-21 08:30", "乡镇", AFTER),
        ("01-24 08:30", "部门,街道", 7),
        ("01-30 08:30", "部门,街道", 1),
        ("02-01 08:30", "部门,街道", AFTER),
    ]
    assert "2025年1月20日（星期一）前公布" in world.api.texts(ME)[0]


async def test_blocked_chat_is_unsubscribed_not_retried(world):
    await roster.subscribe(world.store.db, OTHER, "tg:43", now=at(12, 1, year=2024))
    world.api.blocked.add(ME)
    result = await world.reminders.run(world.bot, at(1, 17, 9, 5))
    assert result.blocked == [ME] and [o.chat_id for o in result.sent] == [OTHER]
    assert [s.chat_id for s in await roster.subscriptions(world.store.db)] == [OTHER]
    await world.run(at(1, 17, 10), at(1, 25, 0))
    assert len([c for c in world.api.called("sendMessage") if int(c.params["chat_id"]) == ME]) == 1
    assert len(world.api.texts(OTHER)) == 2
    statuses = {(e["chat_id"], e["day"]): e["status"] for e in await roster.log_entries(world.store.db)}
    assert statuses[(ME, 14)] == "blocked" and statuses[(OTHER, 14)] == statuses[(OTHER, 7)] == "sent"


async def test_a_failed_send_is_tried_again(world):
    world.api.down = True  # Telegram has a bad moment
    result = await world.reminders.run(world.bot, at(1, 17, 9, 5))
    assert result.failed and not result.sent
    assert await roster.log_entries(world.store.db) == []  # the claim was released
    world.api.down = False
    assert [o.chat_id for o in (await world.reminders.run(world.bot, at(1, 17, 9, 10))).sent] == [ME]
    assert [o.chat_id for o in (await world.reminders.run(world.bot, at(1, 17, 9, 15))).sent] == []


async def test_long_lists_are_split_under_4096(world):
    many = [(f"甲县第{i:03d}号乡镇人民政府以及一个很长很长的附加名称", "乡镇") for i in range(300)]
    await roster.roster_add_many(world.store.db, many)
    result = await world.reminders.run(world.bot, at(1, 17, 9, 0))
    (out,) = result.sent
    assert len(out.texts) > 1 and all(len(t) <= 4096 for t in out.texts)
    received = world.api.texts(ME)
    assert received == out.texts
    joined = "\n".join(received)
    assert "以下 303 个机关尚未提交（应报 303 个）" in joined and "【乡镇】301 个" in joined
    assert all(name in joined for name, _ in many)


def test_decision_is_a_pure_function_of_state_and_now():
    settings = DeadlineSettings(_env_file=None)
    subs = [Subscription(ME, None, "t", at(12, 1, year=2024))]
    assert open_slots(at(1, 17, 8, 59), settings) == []
    (slot,) = open_slots(at(1, 17, 9, 0), settings)
    assert (slot.report_year, slot.deadline, slot.day, slot.at) == (2024, JAN31, 14, at(1, 17, 9, 0))
    from bot.deadlines import Deadlines, Expected, season

    seasons = {2024: season(2024, [Expected("甲局", "部门", 1)], set(), Deadlines())}
    (out,) = due_reminders(at(1, 20, 12), settings, subs, set(), seasons)
    assert out.key == (ME, 2024, JAN31, 14) and out.missing == 1
    assert due_reminders(at(1, 20, 12), settings, subs, {out.key}, seasons) == []
    seasons_done = {2024: season(2024, [Expected("甲局", "部门", 1)], {1}, Deadlines())}
    assert due_reminders(at(1, 20, 12), settings, subs, set(), seasons_done) == []


async def test_a_chat_taken_off_the_allow_list_hears_nothing_more(world):
    from bot.settings import Settings

    allowed_me_only = Settings(_env_file=None, allowed_user_ids=str(ME))  # ME is a private chat
    await roster.subscribe(world.store.db, OTHER, "tg:43", now=at(1, 2, 10, 0))
    world.reminders.settings = allowed_me_only
    await world.run(at(1, 17, 8), at(1, 17, 10))
    assert world.days(ME) == [("01-17 09:00", JAN31, 14)]
    assert world.days(OTHER) == []
