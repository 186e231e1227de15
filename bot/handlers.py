"""Telegram handlers: thin — parse the arguments, call the service, format the reply.

State shared by handlers (settings, the Checker, update and file de-duplication) lives in
`application.bot_data["state"]` as a `BotState`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import deadlines, xlsx
from bot.service import Checker, CheckResult
from bot.settings import TELEGRAM_API, Settings
from parser import reply
from parser.errors import ReportError
from parser.model import Report

log = logging.getLogger("nianbao.bot")

TELEGRAM_DOWNLOAD_LIMIT_MB = 20  # getFile on Telegram's own server; a local Bot API server has none
MAX_CHOICES = 10

FORMATS = "PDF、DOCX、DOC、WPS、ODT、RTF、HTML、TXT，以及扫描件（PNG、JPEG、TIFF 图片或扫描的 PDF）"

COMMANDS: list[tuple[str, str]] = [
    ("start", "开始使用"),
    ("help", "使用说明和命令示例"),
    ("compare", "比较两个年度：/compare 机关 年份 年份"),
    ("list", "已保存的报告：/list [机关]"),
    ("show", "查看报告检查结果：/show 机关 年份"),
    ("export", "导出全部报告（XLSX）：/export [年份]"),
    ("delete", "删除报告（管理员）：/delete 机关 年份"),
    ("whoami", "显示我的用户 ID 和会话 ID"),
    *deadlines.COMMANDS,
]
BOT_COMMANDS = [BotCommand(name, description) for name, description in COMMANDS]

USAGE = {
    "compare": "用法：/compare 机关 年份 年份\n例如：/compare 掌政镇 2023 2024",
    "list": "用法：/list [机关]\n例如：/list 或 /list 掌政镇",
    "show": "用法：/show 机关 年份\n例如：/show 掌政镇 2024",
    "export": "用法：/export [年份]\n例如：/export 或 /export 2024",
    "delete": "用法：/delete 机关 年份（仅管理员）\n例如：/delete 掌政镇 2024",
}

START_TEXT = (
    "您好！我是年报助手，帮您检查政府信息公开工作年度报告。\n\n"
    f"直接把报告文件发给我（{FORMATS}，可以一次发送多个），我会读取表格和正文，"
    "核对勾稽关系、文字与表格是否一致、格式是否符合模板，并与该机关上一年度的报告比较。\n\n"
    "发送 /help 查看全部命令。"
)

HELP_TEXT = (
    "📋 年报助手使用说明\n\n"
    "【检查报告】直接发送年度报告文件，可一次发送多个。\n"
    f"支持格式：{FORMATS}。按文件内容识别格式，与文件名无关。\n"
    "扫描件会先做文字识别（OCR），每页约需数秒，识读可能有误的单元格会在回复中标出。\n"
    "每个文件会收到：检查摘要、发现的问题、与上一年度的比较（如已保存上一年度报告），"
    "以及一份包含全部表格和问题清单的 XLSX 文件。\n\n"
    "【命令】\n"
    "/compare 机关 年份 年份 — 比较同一机关两个年度的主要数据\n"
    "　例如：/compare 掌政镇 2023 2024\n"
    "/list [机关] — 列出已保存的报告\n"
    "　例如：/list 或 /list 掌政镇\n"
    "/show 机关 年份 — 再次查看某份报告的检查结果\n"
    "　例如：/show 掌政镇 2024\n"
    "/export [年份] — 导出已保存报告的全部数据（XLSX）\n"
    "　例如：/export 或 /export 2024\n"
    "/delete 机关 年份 — 删除一份报告（仅管理员，删除前会请您确认）\n"
    "　例如：/delete 掌政镇 2024\n"
    "/whoami — 显示您的用户 ID 和会话 ID（申请使用权限时发给管理员）\n"
    f"{deadlines.HELP_LINES}\n"
    "/help — 显示本说明　/start — 欢迎语\n\n"
    "机关名称可以用简称，如「掌政镇」；匹配到多个机关时会请您选择。"
)

APOLOGY = "抱歉，处理时出现了意外错误，已记录日志。请稍后重试；如果反复出现，请联系管理员。"

STAGES = {
    "downloading": "📥 正在下载《{name}》…",
    "reading": "📖 正在读取和检查《{name}》…",
    "ocr": "🔎 正在识别扫描件《{name}》第 {page}/{pages} 页…",
    "saving": "💾 正在保存并与上一年度比较《{name}》…",
}


# ---------------------------------------------------------------- state


@dataclass
class BotState:
    settings: Settings
    checker: Checker
    seen_updates: OrderedDict[int, None] = field(default_factory=OrderedDict)
    files_in_flight: set[str] = field(default_factory=set)
    files_done: OrderedDict[str, tuple[int, int]] = field(default_factory=OrderedDict)  # → report, agency id
    memory: int = 5000

    def first_time(self, update_id: int) -> bool:
        """False for an update already handled (Telegram re-delivers after a restart or a timeout)."""
        if update_id in self.seen_updates:
            return False
        self.seen_updates[update_id] = None
        while len(self.seen_updates) > self.memory:
            self.seen_updates.popitem(last=False)
        return True

    def remember_file(self, file_unique_id: str, report_id: int, agency_id: int) -> None:
        self.files_done[file_unique_id] = (report_id, agency_id)
        while len(self.files_done) > self.memory:
            self.files_done.popitem(last=False)

    @property
    def download_limit_mb(self) -> int:
        limit = self.settings.max_file_mb
        if self.settings.bot_api_base_url.rstrip("/").startswith(TELEGRAM_API):
            limit = min(limit, TELEGRAM_DOWNLOAD_LIMIT_MB)
        return limit


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]


# ---------------------------------------------------------------- formatting


def split_messages(text: str) -> list[str]:
    """Split at line ends into messages Telegram accepts (≤ 4096 characters)."""
    return reply.split_messages(text.split("\n"))


def report_messages(report: Report, comparison=None) -> list[str]:
    """The reply: summary, findings, then the comparison with the previous year if any."""
    return reply.format_reply(report, comparison)


def comparison_messages(comparison) -> list[str]:
    return reply.format_comparison(comparison)


def error_message(exc: ReportError, name: str) -> str:
    return f"❌ 《{name}》无法处理：{exc.zh}"


def status_line(result: CheckResult, name: str) -> str:
    report = result.report
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = len(report.findings) - errors
    what = f"{report.agency or report.agency_short or '未识别机关'} {report.year or '？'} 年度报告"
    line = f"✅ 《{name}》检查完成：{what}，{errors} 个错误、{warnings} 个提示。"
    if result.status == "duplicate":
        line += "\n该文件此前已保存，本次未重复保存。"
    elif result.status == "superseded":
        line += "\n已替换此前保存的同一年度版本。"
    elif result.status == "unsaved":
        line += f"\n（{result.note or '未保存'}）"
    return line


def result_messages(result: CheckResult, name: str) -> list[str]:
    """Everything a user reads after sending a file: the status line, then the reply."""
    return [status_line(result, name), *report_messages(result.report, result.comparison)]


def xlsx_filename(report: Report) -> str:
    who = report.agency_short or report.agency or "年报"
    return xlsx.safe_filename(f"{who}{report.year or ''}年报检查结果") + ".xlsx"


def _local_time(settings: Settings, iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


# ---------------------------------------------------------------- arguments


_YEAR = re.compile(r"^((?:19|20)\d\d)年?(?:度)?$")


def parse_year(text: str) -> int | None:
    m = _YEAR.match(text.strip())
    return int(m.group(1)) if m else None


def split_agency_years(args: list[str]) -> tuple[str, list[int]] | None:
    """`机关 年份…` → (机关, [年份…]); trailing years; the rest (joined) is the agency name."""
    years: list[int] = []
    rest = list(args)
    while rest and (y := parse_year(rest[-1])) is not None:
        years.insert(0, y)
        rest.pop()
    if any(parse_year(a) is not None for a in rest):
        return None
    return "".join(rest), years


# ---------------------------------------------------------------- access gate


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1, before any handler: drop re-delivered updates, refuse anyone not allowed."""
    state = state_of(context)
    if not state.first_time(update.update_id):
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    chat = update.effective_chat
    user_id = user.id if user else None
    chat_id = chat.id if chat else None
    if state.settings.is_allowed(user_id, chat_id):
        return
    message = update.effective_message
    if message is not None and _command_of(message.text) == "whoami":
        return  # anyone may learn their id, to ask for access
    log.info("refused user %s in chat %s", user_id, chat_id)
    refusal = (f"抱歉，您没有使用本机器人的权限。\n您的用户 ID：{user_id}\n会话 ID：{chat_id}\n"
               "如需使用，请把以上 ID 发给管理员，加入允许名单。")
    if update.callback_query is not None:
        await update.callback_query.answer("抱歉，您没有使用本机器人的权限。", show_alert=True)
    elif message is not None and chat is not None and (chat.type == "private" or _addressed(message)):
        await message.reply_text(refusal)
    raise ApplicationHandlerStop


def _command_of(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split()[0][1:].split("@")[0].lower()


def _addressed(message) -> bool:
    """In a group, answer a stranger only when they send a command or a file (not every chat line)."""
    return bool(message.document) or _command_of(message.text) is not None


# ---------------------------------------------------------------- commands


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(START_TEXT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP_TEXT)


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    settings = state_of(context).settings
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else "—"
    lines = [f"用户：{name}" + (f"（@{user.username}）" if user and user.username else ""),
             f"用户 ID：{user.id if user else '—'}",
             f"会话 ID：{chat.id if chat else '—'}（{chat.type if chat else '—'}）"]
    uid, cid = (user.id if user else None), (chat.id if chat else None)
    if settings.is_admin(uid):
        lines.append("权限：管理员")
    elif settings.is_allowed(uid, cid):
        lines.append("权限：可以使用")
    else:
        lines.append("权限：尚未加入允许名单")
    await update.effective_message.reply_text("\n".join(lines))


async def compare(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parsed = split_agency_years(context.args)
    if parsed is None or not parsed[0] or len(parsed[1]) != 2 or parsed[1][0] == parsed[1][1]:
        await update.effective_message.reply_text(USAGE["compare"])
        return
    name, (a, b) = parsed
    agency = await _resolve(update, context, name, "cmp", f"{a}:{b}")
    if agency is not None:
        await do_compare(context, update.effective_chat.id, agency.id, a, b)


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parsed = split_agency_years(context.args)
    if parsed is None or parsed[1]:
        await update.effective_message.reply_text(USAGE["list"])
        return
    name = parsed[0]
    if not name:
        await do_list(context, update.effective_chat.id, None)
        return
    agency = await _resolve(update, context, name, "lst", "")
    if agency is not None:
        await do_list(context, update.effective_chat.id, agency.id)


async def _agency_and_year(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str, action: str):
    """`/command 机关 年份`: (agency, year), or None after replying with the usage or a keyboard to choose."""
    parsed = split_agency_years(context.args)
    if parsed is None or not parsed[0] or len(parsed[1]) != 1:
        await update.effective_message.reply_text(USAGE[command])
        return None
    name, (year,) = parsed
    agency = await _resolve(update, context, name, action, str(year))
    return (agency, year) if agency is not None else None


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await _agency_and_year(update, context, "show", "shw")
    if found is not None:
        await do_show(context, update.effective_chat.id, found[0].id, found[1])


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args
    year = parse_year(args[0]) if len(args) == 1 else None
    if args and year is None:
        await update.effective_message.reply_text(USAGE["export"])
        return
    state = state_of(context)
    table = await state.checker.export(year)
    chat_id = update.effective_chat.id
    if not table.rows:
        scope = f"{year} 年度" if year else ""
        await update.effective_message.reply_text(f"还没有保存任何{scope}报告。")
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(xlsx.export_workbook, table)
    name = f"年报数据导出{year or '全部'}.xlsx"
    caption = f"已保存报告{f'（{year} 年度）' if year else ''}共 {len(table.rows)} 份，每行一个机关的一个年度。"
    await context.bot.send_document(chat_id, document=data, filename=name, caption=caption)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = state_of(context)
    if not state.settings.is_admin(update.effective_user.id if update.effective_user else None):
        await update.effective_message.reply_text("只有管理员可以删除报告。")
        return
    found = await _agency_and_year(update, context, "delete", "del")
    if found is not None:
        await do_delete(context, update.effective_chat.id, found[0].id, found[1])


async def _resolve(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, action: str, rest: str):
    """One agency for the name, or None after replying (not found, or a keyboard to choose)."""
    matches = await state_of(context).checker.find_agencies(name)
    message = update.effective_message
    if not matches:
        await message.reply_text(f"没有找到机关「{name}」。发送 /list 查看已保存报告的机关。")
        return None
    if len(matches) == 1:
        return matches[0]
    buttons = [[InlineKeyboardButton(a.name + (f"（{'、'.join(map(str, a.years))}）" if a.years else ""),
                                     callback_data=f"{action}:{a.id}:{rest}")] for a in matches[:MAX_CHOICES]]
    more = f"\n（仅列出前 {MAX_CHOICES} 个，请输入更完整的名称）" if len(matches) > MAX_CHOICES else ""
    await message.reply_text(f"「{name}」匹配到 {len(matches)} 个机关，请选择：{more}",
                             reply_markup=InlineKeyboardMarkup(buttons))
    return None


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of the agency keyboard: `action:agency_id:args`."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    state = state_of(context)
    try:
        action, agency_id, args = parts[0], int(parts[1]), [int(p) for p in parts[2:] if p]
    except (IndexError, ValueError):
        await query.answer("无法识别的选择。")
        return
    agency = await state.checker.agency(agency_id)
    if agency is None:
        await query.answer("该机关已不存在。", show_alert=True)
        return
    await query.answer()
    chat_id = query.message.chat.id if query.message else update.effective_chat.id
    if action in ("delok", "delno") and len(args) == 1:
        if not state.settings.is_admin(query.from_user.id):
            await context.bot.send_message(chat_id, "只有管理员可以删除报告。")
            return
        outcome = await delete_confirmed(context, chat_id, agency_id, args[0]) if action == "delok" else "已取消，未删除。"
        if query.message:
            await _edit(query.message, outcome)
        else:
            await context.bot.send_message(chat_id, outcome)
        return
    try:
        await query.edit_message_text(f"已选择：{agency.name}")
    except BadRequest:
        pass  # the message is too old to edit, or already says this
    if action == "cmp" and len(args) == 2:
        await do_compare(context, chat_id, agency_id, args[0], args[1])
    elif action == "shw" and len(args) == 1:
        await do_show(context, chat_id, agency_id, args[0])
    elif action == "lst":
        await do_list(context, chat_id, agency_id)
    elif action == "del" and len(args) == 1:
        if not state.settings.is_admin(query.from_user.id):
            await context.bot.send_message(chat_id, "只有管理员可以删除报告。")
            return
        await do_delete(context, chat_id, agency_id, args[0])


async def do_compare(context, chat_id: int, agency_id: int, a: int, b: int) -> None:
    from storage.store import StoreError

    try:
        comparison = await state_of(context).checker.compare(agency_id, a, b)
    except StoreError as exc:
        await context.bot.send_message(chat_id, exc.zh)
        return
    for text in comparison_messages(comparison):
        await context.bot.send_message(chat_id, text)


async def do_list(context, chat_id: int, agency_id: int | None) -> None:
    state = state_of(context)
    entries = await state.checker.list([agency_id] if agency_id is not None else None)
    if not entries:
        await context.bot.send_message(chat_id, "还没有保存任何报告。发送报告文件即可检查并保存。")
        return
    if agency_id is None:
        by_agency: dict[str, list[int]] = {}
        for e in entries:
            by_agency.setdefault(e.agency, []).append(e.year)
        lines = [f"已保存 {len(by_agency)} 个机关的 {len(entries)} 份报告："]
        lines += [f"• {name}：{'、'.join(map(str, sorted(set(years))))}" for name, years in by_agency.items()]
        lines.append("\n发送 /list 机关 查看详情，/show 机关 年份 查看检查结果。")
    else:
        lines = [f"{entries[0].agency} 已保存的报告："]
        for e in entries:
            lines.append(f"• {e.year} 年度：{e.file or '（无文件名）'}，{e.findings} 个问题，"
                         f"上传于 {_local_time(state.settings, e.uploaded_at)}")
    for text in split_messages("\n".join(lines)):
        await context.bot.send_message(chat_id, text)


async def do_show(context, chat_id: int, agency_id: int, year: int) -> None:
    state = state_of(context)
    report = await state.checker.show(agency_id, year)
    if report is None:
        agency = await state.checker.agency(agency_id)
        await context.bot.send_message(chat_id, f"{agency.name if agency else '该机关'} 没有 {year} 年度的报告。")
        return
    comparison = None
    if report.previous_year is not None:
        comparison = await state.checker.compare_or_none(agency_id, report.previous_year, year)
    await _send_report(context, chat_id, report, comparison, None)


async def do_delete(context, chat_id: int, agency_id: int, year: int) -> None:
    """Ask first: a deleted report is gone for good."""
    state = state_of(context)
    report = await state.checker.show(agency_id, year)
    if report is None:
        agency = await state.checker.agency(agency_id)
        await context.bot.send_message(chat_id, f"{agency.name if agency else '该机关'} 没有 {year} 年度的报告。")
        return
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton("确认删除", callback_data=f"delok:{agency_id}:{year}"),
        InlineKeyboardButton("取消", callback_data=f"delno:{agency_id}:{year}"),
    ]])
    await context.bot.send_message(
        chat_id, f"确认删除 {report.agency} {year} 年度报告（{report.file or '无文件名'}）？删除后无法恢复。",
        reply_markup=keyboard)


async def delete_confirmed(context, chat_id: int, agency_id: int, year: int) -> str:
    state = state_of(context)
    entry = await state.checker.delete(agency_id, year)
    if entry is None:
        return "该报告已不存在。"
    for fuid, (report_id, _) in list(state.files_done.items()):
        if report_id == entry.id:
            del state.files_done[fuid]
    left = await state.checker.show(agency_id, year)
    note = "\n此前的版本已恢复为当前版本。" if left is not None else ""
    return f"已删除 {entry.agency} {year} 年度报告（{entry.file or '无文件名'}）。{note}"


# ---------------------------------------------------------------- files


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: status message at once, edited as it is downloaded, read and checked; then the reply."""
    state = state_of(context)
    message = update.effective_message
    doc = message.document
    name = doc.file_name or "未命名文件"
    limit_mb = state.download_limit_mb
    if doc.file_size and doc.file_size > limit_mb * 1024 * 1024:
        await message.reply_text(
            f"❌ 《{name}》过大（{doc.file_size / 1048576:.1f} MB），最大支持 {limit_mb} MB。\n"
            f"请发送 {FORMATS} 格式的年度报告；PDF 过大时可压缩图片后重新导出。", do_quote=True)
        return
    # the same file again in the same chat while it is checked (a re-delivered update, a double send)
    key = f"{message.chat.id}:{doc.file_unique_id}"
    if key in state.files_in_flight:
        await message.reply_text(f"《{name}》正在处理中，完成后会发送结果。", do_quote=True)
        return
    state.files_in_flight.add(key)
    try:
        await _check_document(update, context, state, doc, name)
    finally:
        state.files_in_flight.discard(key)


async def _check_document(update: Update, context, state: BotState, doc, name: str) -> None:
    message = update.effective_message
    chat_id = message.chat.id
    status = await message.reply_text(STAGES["downloading"].format(name=name), do_quote=True)

    async def stage(key: str, **info) -> None:
        await _edit(status, STAGES[key].format(name=name, **info))

    done = state.files_done.get(doc.file_unique_id)
    if done is not None:
        report = await state.checker.get_report(done[0])
        if report is not None:  # the same Telegram file again: no download, no new row
            comparison = None
            if report.previous_year is not None and report.year is not None:
                comparison = await state.checker.compare_or_none(done[1], report.previous_year, report.year)
            result = CheckResult(report, "duplicate", done[0], done[1], comparison)
            await _edit(status, status_line(result, name))
            await _send_report(context, chat_id, report, comparison, message.message_id)
            return
    try:
        try:
            file = await doc.get_file()
        except BadRequest as exc:
            if "too big" not in str(exc).lower():
                raise
            raise ReportError("too_large", f"文件过大，Telegram 服务器只允许机器人下载 {state.download_limit_mb} MB 以内的文件。",
                              "file too big for the Bot API to download") from None
        data = bytes(await file.download_as_bytearray())
        if len(data) > state.download_limit_mb * 1024 * 1024:
            raise ReportError("too_large", f"文件过大，最大支持 {state.download_limit_mb} MB。", "file too large")
        await stage("reading")
        uploader = _uploader(update)
        result = await state.checker.check(data, name, uploader, progress=stage)
    except ReportError as exc:
        await _edit(status, error_message(exc, name) + f"\n请发送 {FORMATS} 格式的政府信息公开工作年度报告。"
                    if exc.code in ("unsupported", "not_report", "empty", "too_large") else error_message(exc, name))
        return
    except Exception as exc:
        from storage.store import StoreError

        if isinstance(exc, StoreError):
            await _edit(status, f"⚠️ 《{name}》已检查，但保存时出错：{exc.zh}")
            return
        log.exception("checking %s failed", name)
        await _edit(status, f"❌ 《{name}》：{APOLOGY}")
        return
    if result.report_id is not None:
        state.remember_file(doc.file_unique_id, result.report_id, result.agency_id)
    await _edit(status, status_line(result, name))
    await _send_report(context, chat_id, result.report, result.comparison, message.message_id)


def _uploader(update: Update) -> str:
    user = update.effective_user
    if user is None:
        return f"chat:{update.effective_chat.id}"
    return f"tg:{user.id}" + (f"@{user.username}" if user.username else "")


async def _send_report(context, chat_id: int, report: Report, comparison, reply_to: int | None) -> None:
    for n, text in enumerate(report_messages(report, comparison)):
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if n == 0 and reply_to else None
        await context.bot.send_message(chat_id, text, reply_parameters=reply)
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(xlsx.report_workbook, report, comparison)
    # The attachment quotes the user's file too, so a dozen files sent at once stay told apart.
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    await context.bot.send_document(chat_id, document=data, filename=xlsx_filename(report),
                                    caption="解析出的表格和全部问题清单（XLSX），便于留存。", reply_parameters=reply)


async def _edit(message, text: str) -> None:
    """Best effort: a status message the user deleted, or an edit Telegram refused, must not stop the check."""
    try:
        await message.edit_text(text)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("status message not edited: %s", exc)
    except TelegramError as exc:
        log.warning("status message not edited: %s", exc)


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        "以照片方式发送的图片经 Telegram 压缩后难以准确识别。请把年度报告或扫描件作为文件发送（" + FORMATS + "）。")


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat and update.effective_chat.type == "private":
        await update.effective_message.reply_text("请直接发送年度报告文件，或发送 /help 查看命令。")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("没有这个命令。发送 /help 查看全部命令。")


# ---------------------------------------------------------------- errors


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Full traceback to the log, a short apology to the user."""
    log.error("error handling update %s", getattr(update, "update_id", update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except TelegramError:
            log.warning("could not send the apology", exc_info=True)

