"""Sending: a checked report (texts, then the XLSX), long texts split, status messages edited."""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot import xlsx
from bot.telegram.context import Context
from bot.telegram.texts import split_messages, xlsx_filename
from parser import reply
from parser.model import Report

log = logging.getLogger("nianbao.bot")


async def send_report(context: Context, chat_id: int, report: Report, comparison, reply_to: int | None) -> None:
    """The reply (summary, findings, comparison with the previous year), then the XLSX attachment."""
    for n, text in enumerate(reply.format_reply(report, comparison)):
        quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if n == 0 and reply_to else None
        await context.bot.send_message(chat_id, text, reply_parameters=quote)
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    figures = None  # the key figures of both years compared, as charts in the XLSX
    if comparison is not None:
        figures = await context.bot_data.checker.trend(comparison.agency_id, comparison.years)
    data = await asyncio.to_thread(xlsx.report_workbook, report, comparison, figures)
    # The attachment quotes the user's file too, so a dozen files sent at once stay told apart.
    quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    await context.bot.send_document(chat_id, document=data, filename=xlsx_filename(report),
                                    caption="解析出的表格和全部问题清单（XLSX），便于留存。", reply_parameters=quote)


async def send_texts(context: Context, chat_id: int, text: str) -> None:
    for part in split_messages(text):
        await context.bot.send_message(chat_id, part)


async def reply_texts(update: Update, text: str) -> None:
    for part in split_messages(text):
        await update.effective_message.reply_text(part)


async def edit(message: Message, text: str) -> None:
    """Best effort: a status message the user deleted, or an edit Telegram refused, must not stop the check."""
    try:
        await message.edit_text(text)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("status message not edited: %s", exc)
    except TelegramError as exc:
        log.warning("status message not edited: %s", exc)
