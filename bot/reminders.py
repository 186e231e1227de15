"""Deadline reminders: decided from the database and a clock, sent through PTB's JobQueue.

What is due is a pure function of (subscriptions, send log, who has reported, now), so tests
drive whole seasons with an injected clock. The JobQueue only wakes the check: every few
minutes, at REMIND_TIME, and once at start-up.

A reminder goes out at REMIND_TIME (09:00 Asia/Shanghai) on each of REMIND_DAYS before a
deadline and on the day after it. Its window stays open until the deadline has passed (the
day-after notice: that day), so after downtime the latest missed reminder is sent once on
start-up, and one whose deadline has passed is skipped. A reminder listing nobody is not sent
before a deadline; after it, the notice says that everyone reported. Each (chat, report year,
deadline, day) is claimed in the send log before sending, so it goes out once across checks,
restarts and processes. A chat that blocked the bot is unsubscribed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.deadlines import (
    AFTER,
    Deadlines,
    DeadlineSettings,
    Expected,
    Season,
    group_label,
    guess_kind,
    reminder_text,
    season,
    send_times,
)
from storage import roster
from storage.db import Database
from storage.roster import LogKey, Subscription

log = logging.getLogger("nianbao.reminders")

JOB_NAMES = ("nianbao-reminders-check", "nianbao-reminders-daily")


@dataclass(frozen=True)
class Slot:
    """One reminder of one deadline (for every subscribed chat)."""

    report_year: int
    due: date
    kinds: tuple[str, ...]
    day: int  # days before the due date, or AFTER
    at: datetime  # when it is meant to go out (aware)

    @property
    def deadline(self) -> str:
        return group_label(self.kinds)

    def key(self, chat_id: int) -> LogKey:
        return (chat_id, self.report_year, self.deadline, self.day)


@dataclass(frozen=True)
class Outgoing:
    chat_id: int
    slot: Slot
    texts: list[str]
    missing: int

    @property
    def key(self) -> LogKey:
        return self.slot.key(self.chat_id)


@dataclass
class RunResult:
    sent: list[Outgoing] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)  # chats unsubscribed because they blocked the bot
    failed: list[Outgoing] = field(default_factory=list)  # to be tried again at the next check


# ---------------------------------------------------------------- pure decisions


def _at(d: date, settings: DeadlineSettings) -> datetime:
    return datetime.combine(d, settings.remind_time, tzinfo=settings.zone)


def open_slots(now: datetime, settings: DeadlineSettings) -> list[Slot]:
    """The reminders whose time has come and whose window is still open at `now`.

    Before a deadline only the latest reminder whose time has come counts (after downtime, the
    earlier ones are not sent at all); its window closes when the deadline day ends. The day-after
    notice's window is that day.
    """
    today = now.astimezone(settings.zone).date()
    deadlines = settings.deadlines
    out = []
    # Reminders of report year Y fall between December of Y and the spring of Y+1 (earlier with
    # overrides); the day-after notice of a late-December date falls in the next year.
    for year in (today.year - 2, today.year - 1, today.year):
        for due, kinds in deadlines.groups(year):
            times = [(day, _at(d, settings)) for day, d in send_times(due, settings.remind_days)]
            before = [(day, t) for day, t in times if day != AFTER and t <= now]
            if before and today <= due:
                day, t = max(before, key=lambda dt: dt[1])
                out.append(Slot(year, due, kinds, day, t))
            after = times[-1][1]
            if now >= after and today == due + timedelta(days=1):
                out.append(Slot(year, due, kinds, AFTER, after))
    return out


def pending(
    now: datetime, settings: DeadlineSettings, subs: Iterable[Subscription], sent: set[LogKey]
) -> list[tuple[int, Slot]]:
    """(chat, slot) owed now: open, not in the send log, and due after the chat subscribed."""
    slots = open_slots(now, settings)
    return [
        (s.chat_id, slot)
        for s in subs
        for slot in slots
        if slot.key(s.chat_id) not in sent and slot.at >= s.subscribed_at
    ]


def compose(
    owed: list[tuple[int, Slot]], seasons: Mapping[int, Season], now: datetime, settings: DeadlineSettings
) -> list[Outgoing]:
    """The messages for what is owed, given who has reported; nothing for a deadline nobody is listed for."""
    from bot.telegram.texts import split_messages  # the bot's own splitting at line ends, under 4096

    today = now.astimezone(settings.zone).date()
    out = []
    for chat_id, slot in owed:
        statuses = seasons[slot.report_year].of(slot.kinds)
        if not sum(d.agencies for d in statuses):
            continue
        missing = sum(len(d.missing) for d in statuses)
        if not missing and slot.day != AFTER:
            continue
        text = reminder_text(slot.report_year, slot.due, statuses, slot.day, today)
        out.append(Outgoing(chat_id, slot, split_messages(text), missing))
    return out


def due_reminders(
    now: datetime,
    settings: DeadlineSettings,
    subs: Iterable[Subscription],
    sent: set[LogKey],
    seasons: Mapping[int, Season],
) -> list[Outgoing]:
    """Everything to send at `now`: `pending` then `compose` (seasons of every report year concerned)."""
    return compose(pending(now, settings, subs, sent), seasons, now, settings)


# ---------------------------------------------------------------- database


async def load_season(db: Database, report_year: int, deadlines: Deadlines) -> tuple[Season, bool]:
    """The season's status from the database, and whether a roster defined who is expected."""
    from storage.season import error_counts

    entries, reported, from_roster = await roster.expected(db, report_year)
    expected = [Expected(e.name, e.kind or guess_kind(e.name), e.agency_id) for e in entries]
    errors = await error_counts(db, report_year)
    return season(report_year, expected, reported, deadlines, errors), from_roster


def utc_now() -> datetime:
    return datetime.now(UTC)


class Reminders:
    """Check and send reminders for one database; `clock` is injected by tests."""

    def __init__(self, db: Database, settings: DeadlineSettings, clock: Callable[[], datetime] | None = None):
        self.db = db
        self.settings = settings
        self.clock = clock or utc_now
        self._lock = asyncio.Lock()

    async def due(self, now: datetime | None = None) -> list[Outgoing]:
        """What would be sent at `now`, read from the database."""
        now = now or self.clock()
        subs = await roster.subscriptions(self.db)
        allowed = getattr(self.settings, "is_allowed", None)
        if allowed is not None:  # a chat taken off the allow-list hears nothing more
            # a private chat's id is its user's id; groups have negative ids
            subs = [s for s in subs if allowed(s.chat_id if s.chat_id > 0 else None, s.chat_id)]
        if not subs:
            return []
        today = now.astimezone(self.settings.zone).date()
        years = [today.year - 2, today.year - 1, today.year]
        owed = pending(now, self.settings, subs, await roster.sent_keys(self.db, years))
        if not owed:
            return []
        deadlines = self.settings.deadlines
        seasons = {
            y: (await load_season(self.db, y, deadlines))[0] for y in {slot.report_year for _, slot in owed}
        }
        return compose(owed, seasons, now, self.settings)

    async def run(self, bot, now: datetime | None = None) -> RunResult:
        """Send what is due through `bot` (telegram.Bot): claimed in the log first, so sent once."""
        from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

        result = RunResult()
        async with self._lock:  # the periodic and the daily job may wake together
            for out in await self.due(now):
                if out.chat_id in result.blocked:
                    continue
                if not await roster.claim(self.db, out.key, out.missing):
                    continue
                chat_id, key, parts = out.chat_id, out.key, 0
                try:
                    for text in out.texts:
                        try:
                            await bot.send_message(chat_id, text)
                        except ChatMigrated as exc:  # a group upgraded to a supergroup
                            await roster.move_subscription(self.db, chat_id, exc.new_chat_id)
                            chat_id = exc.new_chat_id
                            key = (chat_id, *key[1:])
                            await bot.send_message(chat_id, text)
                        parts += 1
                except (Forbidden, BadRequest) as exc:
                    if isinstance(exc, BadRequest) and "chat not found" not in str(exc).lower():
                        # Refused for good: the claim stays, so it is not retried every few minutes.
                        log.error("reminder to chat %s refused: %s", chat_id, exc)
                        if parts:
                            await roster.mark(self.db, key, "sent")
                        result.failed.append(out)
                        continue
                    log.warning("chat %s blocked the bot or is gone (%s): unsubscribed", chat_id, exc)
                    await roster.unsubscribe(self.db, chat_id)
                    await roster.mark(self.db, key, "blocked")
                    result.blocked.append(chat_id)
                    continue
                except TelegramError as exc:
                    log.warning(
                        "reminder to chat %s failed (%s); %s",
                        chat_id,
                        exc,
                        "partly sent" if parts else "will retry",
                    )
                    if parts:
                        await roster.mark(self.db, key, "sent")
                    else:
                        await roster.release(self.db, key)
                    result.failed.append(out)
                    continue
                await roster.mark(self.db, key, "sent")
                result.sent.append(out)
                log.info("reminder %s sent to chat %s (%d missing)", key[1:], chat_id, out.missing)
        return result


# ---------------------------------------------------------------- JobQueue


@dataclass
class _JobData:
    store_getter: Callable
    settings: DeadlineSettings
    clock: Callable[[], datetime] | None
    service: Reminders | None = None

    def for_db(self, db: Database) -> Reminders:
        if self.service is None or self.service.db is not db:
            self.service = Reminders(db, self.settings, self.clock)
        return self.service


async def _job(context) -> None:
    data: _JobData = context.job.data
    try:
        store = data.store_getter(context)
    except (KeyError, AttributeError):
        store = None
    if store is None:  # the store opens in post_init; the next check will find it
        return
    await data.for_db(store.db).run(context.bot)


def schedule(
    application,
    store_getter: Callable,
    settings: DeadlineSettings,
    clock: Callable[[], datetime] | None = None,
    first: float = 2.0,
) -> _JobData:
    """Check for due reminders at start-up (after `first` s), every few minutes, and at REMIND_TIME.

    Scheduling again replaces the jobs (and the clock) of an earlier call.
    """
    jq = application.job_queue
    if jq is None:
        raise RuntimeError("python-telegram-bot's job-queue extra is not installed")
    for name in JOB_NAMES:
        for job in jq.get_jobs_by_name(name):
            job.schedule_removal()
    data = _JobData(store_getter, settings, clock)
    jq.run_repeating(
        _job, interval=settings.remind_check_minutes * 60, first=first, data=data, name=JOB_NAMES[0]
    )
    jq.run_daily(_job, time=settings.remind_time.replace(tzinfo=settings.zone), data=data, name=JOB_NAMES[1])
    return data
