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

from telegram import Document
from telegram.error import BadRequest
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.settings import TELEGRAM_API, Settings
from parser.errors import too_large
from parser.limits import MAX_FILE_MB

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
        """MAX_FILE_MB, never above what the parser reads (parser.limits) nor what Telegram serves."""
        limit = min(self.settings.max_file_mb, MAX_FILE_MB)
        if self.settings.bot_api_base_url.rstrip("/").startswith(TELEGRAM_API):
            limit = min(limit, TELEGRAM_DOWNLOAD_LIMIT_MB)
        return limit

    def over_limit(self, doc: Document) -> bool:
        """The size Telegram announces is already over the download limit: refuse before downloading."""
        return bool(doc.file_size and doc.file_size > self.download_limit_mb * 1024 * 1024)

    async def download(self, doc: Document) -> bytes:
        """A document's bytes; too_large when the Bot API refuses it or it turns out over the limit."""
        try:
            file = await doc.get_file()
        except BadRequest as exc:
            if "too big" not in str(exc).lower():
                raise
            raise too_large(self.download_limit_mb) from None
        content = bytes(await file.download_as_bytearray())
        if len(content) > self.download_limit_mb * 1024 * 1024:
            raise too_large(self.download_limit_mb)
        return content


# The `context` of every handler and job: bot, user_data, chat_data, bot_data.
Context = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
