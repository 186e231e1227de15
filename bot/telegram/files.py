"""A report sent as a file: a status message at once, edited as it is downloaded, read and checked; then the reply.

A ZIP of files is told by its bytes (DOCX, XLSX and ODT are ZIPs too) and goes to the season's ZIP import."""

from __future__ import annotations

import logging

from telegram import Document, Message, Update

from bot import review
from bot.season.archive import is_zip_of_files
from bot.service import CheckResult
from bot.telegram.access import who
from bot.telegram.context import BotData, Context
from bot.telegram.replies import edit, once_at_a_time, refused_as_too_large, send_report
from bot.telegram.season import check_archive_content
from bot.telegram.texts import APOLOGY, FORMATS, STAGES, error_message, status_line
from parser.errors import ReportError

log = logging.getLogger("nianbao.bot")

# Errors about what was sent (not about the bot): the reply reminds which files are welcome.
_WRONG_FILE = ("unsupported", "not_report", "empty", "too_large")


async def document(update: Update, context: Context) -> None:
    data = context.bot_data
    message = update.effective_message
    doc = message.document
    name = doc.file_name or "未命名文件"
    if await refused_as_too_large(
        message, data, doc, name, f"\n请发送 {FORMATS} 格式的年度报告；PDF 过大时可压缩图片后重新导出。"
    ):
        return
    await once_at_a_time(
        message,
        data.files_in_flight,
        doc.file_unique_id,
        name,
        lambda: _check_document(update, context, data, doc, name),
    )


async def _check_document(update: Update, context: Context, data: BotData, doc: Document, name: str) -> None:
    message = update.effective_message
    chat_id = message.chat.id
    status = await message.reply_text(STAGES["downloading"].format(name=name), do_quote=True)

    async def stage(key: str, **info) -> None:
        await edit(status, STAGES[key].format(name=name, **info))

    if await _sent_before(context, data, doc, name, status, message):
        return
    try:
        content = await data.download(doc)
        # a ZIP named or typed otherwise (「年报.dat」, octet-stream) is the season's ZIP import
        if is_zip_of_files(content):
            await check_archive_content(update, context, name, content, status)
            return
        await stage("reading")
        result = await data.checker.check(content, name, who(update), progress=stage)
    except ReportError as exc:
        await edit(
            status,
            error_message(exc, name) + f"\n请发送 {FORMATS} 格式的政府信息公开工作年度报告。"
            if exc.code in _WRONG_FILE
            else error_message(exc, name),
        )
        return
    except Exception as exc:
        from storage.store import StoreError

        if isinstance(exc, StoreError):
            await edit(status, f"⚠️ 《{name}》已检查，但保存时出错：{exc.zh}")
            return
        log.exception("checking %s failed", name)
        await edit(status, f"❌ 《{name}》：{APOLOGY}")
        return
    if result.report_id is not None:
        data.remember_file(doc.file_unique_id, result.report_id, result.agency_id)
    await edit(status, status_line(result, name))
    await send_report(
        context,
        chat_id,
        result.report,
        result.comparison,
        message.message_id,
        agency_id=result.agency_id,
        reviews=result.reviews,
        changes=result.changes,
    )


async def _sent_before(
    context: Context, data: BotData, doc: Document, name: str, status: Message, message: Message
) -> bool:
    """The same Telegram file again: answered from the store, with no download and no new row."""
    done = data.files_done.get(doc.file_unique_id)
    if done is None:
        return False
    report_id, agency_id = done
    report = await data.checker.get_report(report_id)
    if report is None:
        return False
    comparison = None
    if report.previous_year is not None and report.year is not None:
        comparison = await data.checker.compare_or_none(agency_id, report.previous_year, report.year)
    reviews = await review.reviews_for(data.checker, agency_id, report.year)
    await edit(
        status,
        status_line(
            CheckResult(report, "duplicate", report_id, agency_id, comparison, reviews=reviews), name
        ),
    )
    await send_report(
        context, message.chat.id, report, comparison, message.message_id, agency_id=agency_id, reviews=reviews
    )
    return True
