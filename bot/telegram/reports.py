"""Commands about stored reports — /compare /trend /list /show /export /delete — and their buttons.

A name matching several agencies gets a keyboard; each button carries `action:agency_id:numbers`
and is answered by the CallbackQueryHandler whose pattern names that action (see `BUTTONS`).
"""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import charts, review, xlsx
from bot.figures import trend_lines
from bot.telegram.access import admin_only, chat_of
from bot.telegram.context import Context
from bot.telegram.replies import edit, send_report, send_texts
from bot.telegram.texts import USAGE, local_time
from parser import reply

MAX_CHOICES = 10
ADMINS_DELETE = "只有管理员可以删除报告。"

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


async def _resolve(update: Update, context: Context, name: str, action: str, rest: str):
    """One agency for the name, or None after replying (not found, or a keyboard to choose)."""
    matches = await context.bot_data.checker.find_agencies(name)
    message = update.effective_message
    if not matches:
        await message.reply_text(f"没有找到机关「{name}」。发送 /list 查看已保存报告的机关。")
        return None
    if len(matches) == 1:
        return matches[0]
    buttons = [
        [
            InlineKeyboardButton(
                a.name + (f"（{'、'.join(map(str, a.years))}）" if a.years else ""),
                callback_data=f"{action}:{a.id}:{rest}",
            )
        ]
        for a in matches[:MAX_CHOICES]
    ]
    more = f"\n（仅列出前 {MAX_CHOICES} 个，请输入更完整的名称）" if len(matches) > MAX_CHOICES else ""
    await message.reply_text(
        f"「{name}」匹配到 {len(matches)} 个机关，请选择：{more}", reply_markup=InlineKeyboardMarkup(buttons)
    )
    return None


async def _agency_and_year(update: Update, context: Context, command: str, action: str):
    """`/command 机关 年份`: (agency, year), or None after replying with the usage or a keyboard to choose."""
    parsed = split_agency_years(context.args)
    if parsed is None or not parsed[0] or len(parsed[1]) != 1:
        await update.effective_message.reply_text(USAGE[command])
        return None
    name, (year,) = parsed
    agency = await _resolve(update, context, name, action, str(year))
    return (agency, year) if agency is not None else None


# ---------------------------------------------------------------- commands


async def compare(update: Update, context: Context) -> None:
    parsed = split_agency_years(context.args)
    if parsed is None or not parsed[0] or len(parsed[1]) != 2 or parsed[1][0] == parsed[1][1]:
        await update.effective_message.reply_text(USAGE["compare"])
        return
    name, (a, b) = parsed
    agency = await _resolve(update, context, name, "cmp", f"{a}:{b}")
    if agency is not None:
        await do_compare(context, update.effective_chat.id, agency.id, a, b)


async def trend(update: Update, context: Context) -> None:
    parsed = split_agency_years(context.args)
    if parsed is None or not parsed[0] or parsed[1]:
        await update.effective_message.reply_text(USAGE["trend"])
        return
    agency = await _resolve(update, context, parsed[0], "trd", "")
    if agency is not None:
        await do_trend(context, update.effective_chat.id, agency.id)


async def list_command(update: Update, context: Context) -> None:
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


async def show(update: Update, context: Context) -> None:
    found = await _agency_and_year(update, context, "show", "shw")
    if found is not None:
        await do_show(context, update.effective_chat.id, found[0].id, found[1])


async def export(update: Update, context: Context) -> None:
    args = context.args
    year = parse_year(args[0]) if len(args) == 1 else None
    if args and year is None:
        await update.effective_message.reply_text(USAGE["export"])
        return
    table = await context.bot_data.checker.export(year)
    chat_id = update.effective_chat.id
    if not table.rows:
        scope = f"{year} 年度" if year else ""
        await update.effective_message.reply_text(f"还没有保存任何{scope}报告。")
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(xlsx.export_workbook, table)
    name = f"年报数据导出{year or '全部'}.xlsx"
    caption = (
        f"已保存报告{f'（{year} 年度）' if year else ''}共 {len(table.rows)} 份，每行一个机关的一个年度。"
    )
    await context.bot.send_document(chat_id, document=data, filename=name, caption=caption)


@admin_only(ADMINS_DELETE)
async def delete(update: Update, context: Context) -> None:
    found = await _agency_and_year(update, context, "delete", "del")
    if found is not None:
        await do_delete(context, update.effective_chat.id, found[0].id, found[1])


# ---------------------------------------------------------------- buttons


async def _button(update: Update, context: Context, *, picked: bool = True):
    """(agency, numbers) a button carries, after answering it; None after an alert when the agency is gone.

    `picked`: the button was one of the agency keyboard, whose message then says which was chosen."""
    query = update.callback_query
    agency_id, *numbers = (int(n) for n in context.matches[0].groups())
    agency = await context.bot_data.checker.agency(agency_id)
    if agency is None:
        await query.answer("该机关已不存在。", show_alert=True)
        return None
    await query.answer()
    if picked:
        try:
            await query.edit_message_text(f"已选择：{agency.name}")
        except BadRequest:
            pass  # the message is too old to edit, or already says this
    return agency, numbers


async def compare_chosen(update: Update, context: Context) -> None:
    if (button := await _button(update, context)) is not None:
        agency, (a, b) = button
        await do_compare(context, chat_of(update), agency.id, a, b)


async def compare_all(update: Update, context: Context) -> None:
    """「显示全部」under a short comparison: every row, as `nianbao compare` prints it."""
    if (button := await _button(update, context, picked=False)) is not None:
        agency, (a, b) = button
        await do_compare(context, chat_of(update), agency.id, a, b, full=True)


async def trend_chosen(update: Update, context: Context) -> None:
    if (button := await _button(update, context)) is not None:
        await do_trend(context, chat_of(update), button[0].id)


async def show_chosen(update: Update, context: Context) -> None:
    if (button := await _button(update, context)) is not None:
        agency, (year,) = button
        await do_show(context, chat_of(update), agency.id, year)


async def list_chosen(update: Update, context: Context) -> None:
    if (button := await _button(update, context)) is not None:
        await do_list(context, chat_of(update), button[0].id)


@admin_only(ADMINS_DELETE)
async def delete_chosen(update: Update, context: Context) -> None:
    if (button := await _button(update, context)) is not None:
        agency, (year,) = button
        await do_delete(context, chat_of(update), agency.id, year)


@admin_only(ADMINS_DELETE)
async def delete_confirmed(update: Update, context: Context) -> None:
    if (button := await _button(update, context, picked=False)) is not None:
        agency, (year,) = button
        await _outcome(update, context, await _delete(context, agency.id, year))


@admin_only(ADMINS_DELETE)
async def delete_cancelled(update: Update, context: Context) -> None:
    if await _button(update, context, picked=False) is not None:
        await _outcome(update, context, "已取消，未删除。")


async def _outcome(update: Update, context: Context, text: str) -> None:
    """The answer to 确认删除 / 取消 replaces the question."""
    message = update.callback_query.message
    if message:
        await edit(message, text)
    else:
        await context.bot.send_message(chat_of(update), text)


async def unknown_button(update: Update, context: Context) -> None:
    await update.callback_query.answer("无法识别的选择。")


# One handler per button action; the data is `action:agency_id:numbers` (64 bytes at most).
BUTTONS = [
    CallbackQueryHandler(compare_chosen, pattern=r"^cmp:(\d+):(\d+):(\d+)$"),
    CallbackQueryHandler(compare_all, pattern=r"^cmpall:(\d+):(\d+):(\d+)$"),
    CallbackQueryHandler(trend_chosen, pattern=r"^trd:(\d+):?$"),
    CallbackQueryHandler(show_chosen, pattern=r"^shw:(\d+):(\d+)$"),
    CallbackQueryHandler(list_chosen, pattern=r"^lst:(\d+):?$"),
    CallbackQueryHandler(delete_chosen, pattern=r"^del:(\d+):(\d+)$"),
    CallbackQueryHandler(delete_confirmed, pattern=r"^delok:(\d+):(\d+)$"),
    CallbackQueryHandler(delete_cancelled, pattern=r"^delno:(\d+):(\d+)$"),
    CallbackQueryHandler(unknown_button),  # a button of an older version of the bot
]


# ---------------------------------------------------------------- answers


async def do_compare(
    context: Context, chat_id: int, agency_id: int, a: int, b: int, *, full: bool = False
) -> None:
    """The largest changes (a button shows every row), then the key figures of both years as a picture."""
    from storage.store import StoreError

    checker = context.bot_data.checker
    try:
        comparison = await checker.compare(agency_id, a, b)
    except StoreError as exc:
        await context.bot.send_message(chat_id, exc.zh)
        return
    if full:
        for text in reply.format_comparison(comparison):
            await context.bot.send_message(chat_id, text)
        return
    lines = reply.largest_changes_lines(comparison)
    shown = sum(line.startswith("• ") for line in lines)
    markup = None
    if len(comparison.rows) > shown:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        f"显示全部 {len(comparison.rows)} 项对比", callback_data=f"cmpall:{agency_id}:{a}:{b}"
                    )
                ]
            ]
        )
    await context.bot.send_message(chat_id, "\n".join(lines), reply_markup=markup)
    figures = await checker.trend(agency_id, [a, b])
    if figures is not None and len(figures.years) == 2:
        await _send_chart(
            context,
            chat_id,
            charts.compare_chart,
            figures,
            f"{comparison.agency} {a} 年与 {b} 年主要数据对比",
        )


async def do_trend(context: Context, chat_id: int, agency_id: int) -> None:
    """Every stored year's key figures: one line each, then the line chart."""
    figures = await context.bot_data.checker.trend(agency_id)
    if figures is None or not figures.years:
        await context.bot.send_message(chat_id, "该机关还没有保存的报告。")
        return
    await send_texts(context, chat_id, "\n".join(trend_lines(figures)))
    await _send_chart(context, chat_id, charts.trend_chart, figures, f"{figures.agency} 历年主要数据")


async def _send_chart(context: Context, chat_id: int, draw, figures, caption: str) -> None:
    """A chart of key figures, unless no year has any (the text already says so)."""
    if not any(v is not None for y in figures.years for v in y.values.values()):
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    try:
        png = await asyncio.to_thread(draw, figures)
    except charts.ChartError as exc:
        await context.bot.send_message(chat_id, exc.zh)
        return
    await context.bot.send_photo(chat_id, photo=png, caption=caption)


async def do_list(context: Context, chat_id: int, agency_id: int | None) -> None:
    data = context.bot_data
    entries = await data.checker.list([agency_id] if agency_id is not None else None)
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
            lines.append(
                f"• {e.year} 年度：{e.file or '（无文件名）'}，{e.findings} 个问题，"
                f"上传于 {local_time(data.settings, e.uploaded_at)}"
            )
    await send_texts(context, chat_id, "\n".join(lines))


async def _no_report(context: Context, chat_id: int, agency_id: int, year: int) -> None:
    agency = await context.bot_data.checker.agency(agency_id)
    await context.bot.send_message(chat_id, f"{agency.name if agency else '该机关'} 没有 {year} 年度的报告。")


async def do_show(context: Context, chat_id: int, agency_id: int, year: int) -> None:
    checker = context.bot_data.checker
    report = await checker.show(agency_id, year)
    if report is None:
        await _no_report(context, chat_id, agency_id, year)
        return
    comparison = None
    if report.previous_year is not None:
        comparison = await checker.compare_or_none(agency_id, report.previous_year, year)
    reviews = await review.reviews_for(checker, agency_id, year)
    await send_report(context, chat_id, report, comparison, None, agency_id=agency_id, reviews=reviews)


async def do_delete(context: Context, chat_id: int, agency_id: int, year: int) -> None:
    """Ask first: a deleted report is gone for good."""
    report = await context.bot_data.checker.show(agency_id, year)
    if report is None:
        await _no_report(context, chat_id, agency_id, year)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("确认删除", callback_data=f"delok:{agency_id}:{year}"),
                InlineKeyboardButton("取消", callback_data=f"delno:{agency_id}:{year}"),
            ]
        ]
    )
    await context.bot.send_message(
        chat_id,
        f"确认删除 {report.agency} {year} 年度报告（{report.file or '无文件名'}）？删除后无法恢复。",
        reply_markup=keyboard,
    )


async def _delete(context: Context, agency_id: int, year: int) -> str:
    data = context.bot_data
    entry = await data.checker.delete(agency_id, year)
    if entry is None:
        return "该报告已不存在。"
    data.forget_report(entry.id)
    left = await data.checker.show(agency_id, year)
    note = "\n此前的版本已恢复为当前版本。" if left is not None else ""
    return f"已删除 {entry.agency} {year} 年度报告（{entry.file or '无文件名'}）。{note}"
