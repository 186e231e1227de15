"""Sending: a checked report (texts, then the XLSX), long texts split, status messages edited."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot import review, xlsx
from bot.review import Reviews, VersionDiff
from bot.telegram.context import Context
from bot.telegram.texts import split_messages, xlsx_filename
from parser import reply
from parser.model import Report

log = logging.getLogger("nianbao.bot")


async def send_report(
    context: Context,
    chat_id: int,
    report: Report,
    comparison,
    reply_to: int | None,
    *,
    agency_id: int | None = None,
    reviews: Reviews | None = None,
    changes: VersionDiff | None = None,
) -> None:
    """The reply (summary, findings, comparison with the previous year), then the XLSX attachment.

    A stored report (`agency_id`) gets 「属实」/「不是问题」 buttons under each message for the findings it
    lists; findings dismissed before (`reviews`) are listed apart as 已排除. A new version of an
    agency-year (`changes`) is first told what it fixed."""
    from bot.telegram.review import keyboard

    zone = context.bot_data.settings.zone
    reviews = reviews or {}
    texts: list[tuple[str, InlineKeyboardMarkup | None]] = []
    if changes is not None:
        texts += [(text, None) for text in split_messages("\n".join(review.diff_lines(changes, zone)))]
    shown, excluded = review.split(report, reviews, zone)
    for text, listed in reply.reply_parts(shown, comparison, excluded):
        markup = None
        if agency_id is not None and report.year is not None:
            markup = keyboard(agency_id, report.year, listed, reviews)
        texts.append((text, markup))
    for n, (text, markup) in enumerate(texts):
        quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if n == 0 and reply_to else None
        await context.bot.send_message(chat_id, text, reply_parameters=quote, reply_markup=markup)
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    figures = None  # the key figures of both years compared, as charts in the XLSX
    if comparison is not None:
        figures = await context.bot_data.checker.trend(comparison.agency_id, comparison.years)
    data = await asyncio.to_thread(xlsx.report_workbook, report, comparison, figures, reviews)
    # The attachment quotes the user's file too, so a dozen files sent at once stay told apart.
    quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    await context.bot.send_document(
        chat_id,
        document=data,
        filename=xlsx_filename(report),
        caption="解析出的表格和全部问题清单（XLSX），便于留存。",
        reply_parameters=quote,
    )


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


async def once_at_a_time(message, in_flight: set[str], file_unique_id: str, name: str, check) -> None:
    """Run `check()` unless the same file is already being checked for this chat (a re-delivered update, a
    double send): then say so instead of checking it twice."""
    key = f"{message.chat.id}:{file_unique_id}"
    if key in in_flight:
        await message.reply_text(f"《{name}》正在处理中，完成后会发送结果。", do_quote=True)
        return
    in_flight.add(key)
    try:
        await check()
    finally:
        in_flight.discard(key)


async def refused_as_too_large(message, data, doc, name: str, advice: str) -> bool:
    """Say so, and return True, when `doc` is over what the bot may download (nothing is downloaded)."""
    if not data.over_limit(doc):
        return False
    await message.reply_text(
        f"❌ 《{name}》过大（{doc.file_size / 1048576:.1f} MB），最大支持 {data.download_limit_mb} MB。{advice}",
        do_quote=True,
    )
    return True
