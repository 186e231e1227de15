"""`context.bot_data` as a typed object instead of a dict of strings (PTB's ContextTypes).

PTB builds `BotData()` with no arguments when the Application is built; bot/app.py then sets
`settings`, and `checker` once the store is open (post_init). Handlers read `context.bot_data.checker`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.settings import TELEGRAM_API, Settings

if TYPE_CHECKING:
    from bot.deadlines import DeadlineSettings
    from bot.service import Checker

TELEGRAM_DOWNLOAD_LIMIT_MB = 20  # getFile on Telegram's own server; a local Bot API server has none
MEMORY = 5000  # updates and files remembered, to recognise them when delivered or sent again


@dataclass
class DeadlineSetup:
    """What /deadlines, /remind and the reminder jobs run with (bot.telegram.deadlines.register)."""

    settings: DeadlineSettings
    clock: Callable[[], datetime]


class BotData:
    settings: Settings  # set by bot.app.build_application
    checker: Checker  # set in post_init, once the store is open
    owns_checker: bool = False  # opened by post_init, so closed by post_shutdown
    deadlines: DeadlineSetup | None = None

    def __init__(self) -> None:
        self.seen_updates: OrderedDict[int, None] = OrderedDict()
        self.files_in_flight: set[str] = set()
        self.files_done: OrderedDict[str, tuple[int, int]] = OrderedDict()  # file → report id, agency id

    def first_time(self, update_id: int) -> bool:
        """False for an update already handled (Telegram re-delivers after a restart or a timeout)."""
        if update_id in self.seen_updates:
            return False
        self.seen_updates[update_id] = None
        while len(self.seen_updates) > MEMORY:
            self.seen_updates.popitem(last=False)
        return True

    def remember_file(self, file_unique_id: str, report_id: int, agency_id: int) -> None:
        self.files_done[file_unique_id] = (report_id, agency_id)
        while len(self.files_done) > MEMORY:
            self.files_done.popitem(last=False)

    def forget_report(self, report_id: int) -> None:
        """A deleted report: the same file sent again is checked and saved anew."""
        for file_unique_id, (stored, _) in list(self.files_done.items()):
            if stored == report_id:
                del self.files_done[file_unique_id]

    @property
    def download_limit_mb(self) -> int:
        limit = self.settings.max_file_mb
        if self.settings.bot_api_base_url.rstrip("/").startswith(TELEGRAM_API):
            limit = min(limit, TELEGRAM_DOWNLOAD_LIMIT_MB)
        return limit


# The `context` of every handler and job: bot, user_data, chat_data, bot_data.
Context = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
