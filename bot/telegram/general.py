"""/start, /help, and what is not a report: photos, chat lines, unknown commands — and errors."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.context import Context
from bot.telegram.texts import APOLOGY, FORMATS, HELP_TEXT, START_TEXT

log = logging.getLogger("nianbao.bot")


async def start(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(START_TEXT)


async def help_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(HELP_TEXT)


async def photo(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(
        "以照片方式发送的图片经 Telegram 压缩后难以准确识别。请把年度报告或扫描件作为文件发送（"
        + FORMATS
        + "）。"
    )


async def text(update: Update, context: Context) -> None:
    if update.effective_chat and update.effective_chat.type == "private":
        await update.effective_message.reply_text("请直接发送年度报告文件，或发送 /help 查看命令。")


async def unknown_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text("没有这个命令。发送 /help 查看全部命令。")


async def on_error(update: object, context: Context) -> None:
    """Full traceback to the log, a short apology to the user."""
    log.error("error handling update %s", getattr(update, "update_id", update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except TelegramError:
            log.warning("could not send the apology", exc_info=True)
