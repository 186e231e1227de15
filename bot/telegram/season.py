"""The season in Telegram: a ZIP of reports, /season [年度] and /summary [年度].

Thin: download, call bot.season, reply. /season sends its text, the bar chart by kind of agency, then the XLSX. A ZIP gets one status message, edited as the reports are
checked (「已检查 12/37」, at most every EDIT_INTERVAL seconds: Telegram limits edits), then one
summary reply and the XLSX 「年报检查情况表」. `register(application)` is called from bot/app.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import charts
from bot.season import season_chart, season_status, season_summary
from bot.season.batch import check_archive
from bot.season.texts import USAGE, batch_text, progress_text, season_text, summary_text
from bot.season.workbook import batch_workbook, season_workbook, summary_workbook
from bot.telegram.access import who
from bot.telegram.context import Context
from bot.telegram.replies import edit, once_at_a_time, refused_as_too_large, reply_texts
from bot.telegram.texts import APOLOGY, split_messages
from parser.errors import ReportError

log = logging.getLogger("nianbao.bot")

EDIT_INTERVAL = 3.0  # seconds between two edits of a ZIP's status message
ZIP_FILES = (
    filters.Document.FileExtension("zip")
    | filters.Document.MimeType("application/zip")
    | filters.Document.MimeType("application/x-zip-compressed")
)


# ---------------------------------------------------------------- a ZIP of reports


async def archive_document(update: Update, context: Context) -> None:
    data = context.bot_data
    message = update.effective_message
    doc = message.document
    name = doc.file_name or "压缩包.zip"
    if await refused_as_too_large(message, data, doc, name, "请分成几个压缩包发送。"):
        return
    await once_at_a_time(
        message, data.files_in_flight, doc.file_unique_id, name, lambda: _check_archive(update, context, name)
    )


async def _check_archive(update: Update, context: Context, name: str) -> None:
    data = context.bot_data
    message = update.effective_message
    status = await message.reply_text(f"📥 正在下载《{name}》…", do_quote=True)
    try:
        content = await data.download(message.document)
    except ReportError as exc:
        await edit(status, f"❌ 《{name}》无法处理：{exc.zh}")
        return
    except Exception:
        log.exception("downloading the archive %s failed", name)
        await edit(status, f"❌ 《{name}》：{APOLOGY}")
        return
    await check_archive_content(update, context, name, content, status)


async def check_archive_content(
    update: Update, context: Context, name: str, content: bytes, status: Message
) -> None:
    """Check every report of a downloaded ZIP, editing `status` as it goes; then the summary and the XLSX.

    Also for a ZIP told by its bytes in bot.telegram.files (sent with no .zip name and no ZIP type)."""
    data = context.bot_data
    message = update.effective_message
    last = 0.0

    async def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= EDIT_INTERVAL:
            last = now
            await edit(status, progress_text(name, done, total))

    try:
        await edit(status, f"📦 《{name}》：正在打开压缩包…")
        result = await check_archive(data.checker, content, name, who(update), progress)
    except ReportError as exc:  # ArchiveError included: the archive as a whole is refused
        await edit(status, f"❌ 《{name}》无法处理：{exc.zh}")
        return
    except Exception:
        log.exception("checking the archive %s failed", name)
        await edit(status, f"❌ 《{name}》：{APOLOGY}")
        return
    read = len(result.read)
    errors = sum(bool(f.errors) for f in result.read)
    await edit(
        status,
        f"✅ 《{name}》检查完成：读取 {read} 份报告，{errors} 份有错误，"
        f"{len(result.unreadable)} 个文件无法读取。",
    )
    chat_id = message.chat.id
    quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    for n, part in enumerate(split_messages(batch_text(result))):
        await context.bot.send_message(chat_id, part, reply_parameters=quote if n == 0 else None)
    if result.files:
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        book = await asyncio.to_thread(batch_workbook, result)
        await context.bot.send_document(
            chat_id,
            document=book,
            filename="年报检查情况表.xlsx",
            caption="每个文件的检查结果和问题清单（XLSX）。",
            reply_parameters=quote,
        )


# ---------------------------------------------------------------- /season /summary


def _year(context: Context, usage: str) -> tuple[int, date] | str:
    """The report year asked for (default: the one being collected) and today, or the usage line."""
    from bot.telegram.reports import parse_year

    setup = context.bot_data.deadlines
    today = setup.clock().astimezone(setup.settings.zone).date()
    if not context.args:
        return setup.settings.deadlines.report_year(today), today
    year = parse_year(context.args[0]) if len(context.args) == 1 else None
    return (year, today) if year is not None else usage


async def season_command(update: Update, context: Context) -> None:
    asked = _year(context, USAGE["season"])
    if isinstance(asked, str):
        await reply_texts(update, asked)
        return
    year, today = asked
    status, findings = await season_status(
        context.bot_data.checker, year, context.bot_data.deadlines.settings.deadlines, today
    )
    await reply_texts(update, season_text(status))
    if status.agencies:
        chat_id = update.effective_message.chat.id
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        try:
            png = await season_chart(status)
        except charts.ChartError as exc:
            await context.bot.send_message(chat_id, exc.zh)
        else:
            await context.bot.send_photo(chat_id, photo=png, caption=f"{year} 年度报送情况（按机关类别）")
    if status.everyone:
        book = await asyncio.to_thread(season_workbook, status, findings)
        await update.effective_message.reply_document(
            book,
            filename=f"{year}年度年报检查情况表.xlsx",
            caption="年报检查情况表：各机关报送情况和问题清单。",
        )


async def summary_command(update: Update, context: Context) -> None:
    asked = _year(context, USAGE["summary"])
    if isinstance(asked, str):
        await reply_texts(update, asked)
        return
    year, _ = asked
    summary = await season_summary(context.bot_data.checker, year)
    await reply_texts(update, summary_text(summary))
    if summary.covered:
        book = await asyncio.to_thread(summary_workbook, summary)
        await update.effective_message.reply_document(
            book,
            filename=f"{year}年度政府信息公开工作汇总.xlsx",
            caption="表二、三、四逐项合计和各机关指标。",
        )


# ---------------------------------------------------------------- wiring


def register(application: Application) -> None:
    """/season, /summary and ZIP documents, ahead of the handlers already in group 0 (files, catch-alls).

    Needs the deadline setup (bot.telegram.deadlines.register) for the season's dates and clock.
    """
    group = application.handlers.setdefault(0, [])
    handlers = [
        CommandHandler("season", season_command),
        CommandHandler("summary", summary_command),
        MessageHandler(ZIP_FILES, archive_document),
    ]
    for n, handler in enumerate(handlers):
        application.add_handler(handler)
        group.remove(handler)
        group.insert(n, handler)
