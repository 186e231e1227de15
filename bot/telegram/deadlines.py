"""Telegram commands for deadlines: /deadlines, /remind on|off, /roster [add|remove] — and the reminder jobs.

Thin: parse the arguments, call the service (bot.service.Checker), reply. `register(application)`
is called from bot/app.py; staff access is checked by access.gate before these run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.deadlines import (
    KINDS,
    DeadlineSettings,
    guess_kind,
    load_deadline_settings,
    parse_kind,
    season_text,
)
from bot.reminders import schedule, utc_now
from bot.telegram.access import admin_only, is_admin, who
from bot.telegram.context import Context, DeadlineSetup
from bot.telegram.replies import reply_texts

log = logging.getLogger("nianbao.bot")
ADMINS_ROSTER = "只有管理员可以修改应报机关名单。"

USAGE = {
    "remind": "用法：/remind on 开启提醒，/remind off 关闭提醒，/remind 查看状态。",
    "roster_add": "用法：/roster add 机关 类别（仅管理员）\n类别："
    + "、".join(KINDS)
    + "\n例如：/roster add 掌政镇 乡镇",
    "roster_remove": "用法：/roster remove 机关（仅管理员）\n例如：/roster remove 掌政镇",
}

_ON = {"on", "开", "开启", "打开", "订阅"}
_OFF = {"off", "关", "关闭", "取消", "退订"}


def _store(context: Context):
    """The store reminder jobs read; AttributeError until post_init has opened it."""
    return context.bot_data.checker.store


def _setup(context: Context) -> DeadlineSetup:
    return context.bot_data.deadlines


# ---------------------------------------------------------------- commands


async def deadlines_command(update: Update, context: Context) -> None:
    setup = _setup(context)
    today = setup.clock().astimezone(setup.settings.zone).date()
    current, from_roster = await context.bot_data.checker.season(today, setup.settings.deadlines)
    text = season_text(current, today)
    if not from_roster and any(d.agencies for d in current.deadlines):
        text += "\n\n（尚无应报机关名单：按上一年度已提交报告的机关统计，类别按名称推断。管理员可用 /roster add 添加。）"
    await reply_texts(update, text)


async def remind_command(update: Update, context: Context) -> None:
    setup, checker = _setup(context), context.bot_data.checker
    settings = setup.settings
    chat = update.effective_chat
    arg = context.args[0].lower() if context.args else ""
    days = "、".join(str(d) for d in settings.remind_days)
    when = f"每个截止日期前 {days} 天和截止后一天的 {settings.remind_time.strftime('%H:%M')}（{settings.tz}）"
    if not arg:
        subscribed = any(s.chat_id == chat.id for s in await checker.subscriptions())
        state = "已开启" if subscribed else "未开启"
        await reply_texts(update, f"本会话的截止日期提醒：{state}。\n提醒时间：{when}。\n{USAGE['remind']}")
        return
    if arg not in _ON | _OFF:
        await reply_texts(update, USAGE["remind"])
        return
    if chat.type != "private" and not is_admin(update, context):  # anyone may in their own private chat
        await reply_texts(update, "只有管理员可以为群组开启或关闭提醒。")
        return
    if arg in _ON:
        title = chat.title or chat.username or chat.first_name
        new = await checker.subscribe(chat.id, who(update), title, now=setup.clock())
        head = "✅ 已开启截止日期提醒" if new else "本会话已开启截止日期提醒"
        await reply_texts(
            update,
            f"{head}：{when}，列出尚未提交年度报告的机关。\n发送 /deadlines 查看当前情况，/remind off 关闭。",
        )
    else:
        gone = await checker.unsubscribe(chat.id)
        await reply_texts(update, "已关闭截止日期提醒。" if gone else "本会话没有开启截止日期提醒。")


async def roster_command(update: Update, context: Context) -> None:
    args = list(context.args)
    action = args[0].lower() if args else ""
    if action in ("add", "添加"):
        await _roster_add(update, context)
    elif action in ("remove", "rm", "del", "删除", "移除"):
        await _roster_remove(update, context)
    elif not args:
        await _roster_show(update, context)
    else:
        await reply_texts(update, "用法：/roster 查看名单；/roster add 机关 类别；/roster remove 机关")


@admin_only(ADMINS_ROSTER)
async def _roster_add(update: Update, context: Context) -> None:
    args = context.args[1:]
    if not args:
        await reply_texts(update, USAGE["roster_add"])
        return
    kind = parse_kind(args[-1]) if len(args) > 1 else None
    name = "".join(args[:-1] if kind else args)
    guessed = kind is None
    if guessed:
        kind = guess_kind(name)
    entry, new = await context.bot_data.checker.roster_add(name, kind, who(update))
    verb = "已添加" if new else "已更新"
    note = f"（类别按名称推断为“{kind}”；如不对请重新发送 /roster add {name} 类别）" if guessed else ""
    found = "" if entry.agency_id is not None else "\n该机关还没有保存的报告。"
    await reply_texts(update, f"{verb}：{entry.name}（{entry.kind}）{note}{found}")


@admin_only(ADMINS_ROSTER)
async def _roster_remove(update: Update, context: Context) -> None:
    args = context.args[1:]
    if not args:
        await reply_texts(update, USAGE["roster_remove"])
        return
    name = "".join(args)
    removed = await context.bot_data.checker.roster_remove(name)
    if len(removed) == 1:
        await reply_texts(update, f"已从名单中移除：{removed[0].name}（{removed[0].kind}）")
    elif removed:
        await reply_texts(update, "名单中有多个机关符合，请写全称：" + "、".join(e.name for e in removed))
    else:
        await reply_texts(update, f"名单中没有「{name}」。发送 /roster 查看名单。")


async def _roster_show(update: Update, context: Context) -> None:
    entries = await context.bot_data.checker.roster()
    if not entries:
        await reply_texts(
            update,
            "应报机关名单为空。\n没有名单时，按上一年度已提交报告的机关统计。\n"
            "管理员可用 /roster add 机关 类别 添加，或在服务器上运行 nianbao roster import 名单.xlsx。",
        )
        return
    lines = [f"📋 应报机关名单（共 {len(entries)} 个）"]
    for kind in KINDS:
        mine = [e for e in entries if e.kind == kind]
        if mine:
            lines.append(f"\n【{kind}】{len(mine)} 个")
            lines += [f"• {e.name}" + ("" if e.agency_id is not None else "（尚无保存的报告）") for e in mine]
    await reply_texts(update, "\n".join(lines))


# ---------------------------------------------------------------- wiring


def register(
    application: Application,
    *,
    settings: DeadlineSettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Add /deadlines, /remind and /roster, and schedule the reminder checks.

    The commands go first in handler group 0, ahead of any catch-all already registered there.
    Calling it again replaces the settings, clock and jobs without adding the commands twice.
    """
    settings = settings or load_deadline_settings()
    clock = clock or utc_now
    data = application.bot_data
    first_time = data.deadlines is None
    data.deadlines = DeadlineSetup(settings, clock)
    if first_time:
        group = application.handlers.setdefault(0, [])
        for n, handler in enumerate(
            [
                CommandHandler("deadlines", deadlines_command),
                CommandHandler("remind", remind_command),
                CommandHandler("roster", roster_command),
            ]
        ):
            application.add_handler(handler)
            group.remove(handler)
            group.insert(n, handler)
    schedule(application, _store, settings, clock)
