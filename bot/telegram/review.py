"""Acting on findings in Telegram: 「属实」/「不是问题」 buttons, the reason typed as a reply, undo, /history.

Every message of a checked report's reply carries a row of buttons for each finding it lists, so a
long reply split over several messages stays usable. A button's data is `rv:ACTION:KEY:N` — KEY the
finding's ten-digit key (storage/reviews.py), N its number in the reply — resolved by bot/review.py.
Strangers never get here (the gate answers their press with a refusal); undoing is for admins.
"""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import review
from bot.review import USAGE, ReviewError
from bot.telegram.access import admin_only, chat_of, is_admin
from bot.telegram.context import Context
from bot.telegram.replies import send_texts
from parser.model import Finding
from storage.reviews import KEY_LENGTH, Review, finding_key

ADMINS_UNDO = "只有管理员可以撤销「不是问题」。"
_KEY = rf"[0-9a-f]{{{KEY_LENGTH}}}"
PROMPT_MARK = "排除编号："  # the reason prompt names the finding; a reply to it is its reason
_PROMPT_KEY = re.compile(rf"{PROMPT_MARK}({_KEY})")


# ---------------------------------------------------------------- the buttons


def _row(key: str, number: int, review_: Review | None) -> list[InlineKeyboardButton]:
    if review_ is not None and review_.dismissed:
        return [InlineKeyboardButton(f"{number} 已排除 · 撤销", callback_data=f"rv:u:{key}:{number}")]
    confirmed = review_ is not None and review_.verdict == "confirmed"
    return [
        InlineKeyboardButton(
            f"{number} {'✓ 属实' if confirmed else '属实'}", callback_data=f"rv:y:{key}:{number}"
        ),
        InlineKeyboardButton(f"{number} 不是问题", callback_data=f"rv:n:{key}:{number}"),
    ]


def keyboard(
    agency_id: int, year: int, listed: list[tuple[int, Finding]], reviews: review.Reviews
) -> InlineKeyboardMarkup | None:
    """One row per finding a message lists (its number as printed)."""
    rows = [
        _row(finding_key(agency_id, year, f.rule, f.where), n, reviews.get((f.rule, f.where)))
        for n, f in listed
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _user(update: Update) -> tuple[str, str | None]:
    """(user id as stored, the name others see)."""
    user = update.effective_user
    name = user.full_name + (f"（@{user.username}）" if user.username else "")
    return f"tg:{user.id}", name


async def _redraw(update: Update, key: str, number: int, review_: Review | None) -> None:
    """The pressed finding's row shows its new state; the other rows stay as they are."""
    message = update.callback_query.message
    if message is None or message.reply_markup is None:
        return
    rows = []
    for row in message.reply_markup.inline_keyboard:
        ours = any(f":{key}:" in (b.callback_data or "") for b in row)
        rows.append(_row(key, number, review_) if ours else list(row))
    try:
        await update.callback_query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest:
        pass  # not modified, or too old to edit: the verdict is stored all the same


async def _mark(update: Update, context: Context, verdict: review.Verdict) -> Review | None:
    query = update.callback_query
    key, number = context.matches[0].group(1), int(context.matches[0].group(2))
    user_id, name = _user(update)
    try:
        result = await review.mark(
            context.bot_data.checker, key, verdict, user_id, name, admin=is_admin(update, context)
        )
    except ReviewError as exc:
        await query.answer(exc.zh, show_alert=True)
        return None
    await query.answer("已标记为属实。" if verdict == "confirmed" else "已排除，不再计入。")
    await _redraw(update, key, number, result)
    return result


async def confirm_pressed(update: Update, context: Context) -> None:
    await _mark(update, context, "confirmed")


async def dismiss_pressed(update: Update, context: Context) -> None:
    result = await _mark(update, context, "dismissed")
    if result is None:
        return
    number = context.matches[0].group(2)
    message = update.callback_query.message
    quote = ReplyParameters(message.message_id, allow_sending_without_reply=True) if message else None
    # In a group the reply box opens for the one who pressed (a selective ForceReply targets those mentioned).
    username = update.effective_user.username
    mention = f"@{username} " if username else ""
    await context.bot.send_message(
        chat_of(update),
        f"{mention}已将第 {number} 个问题（{result.identity.rule}）标记为「不是问题」，不再计入统计和提醒。\n"
        f"如需说明理由，请回复本消息输入（可不填）。\n{PROMPT_MARK}{result.key}",
        reply_parameters=quote,
        reply_markup=ForceReply(selective=bool(username), input_field_placeholder="不是问题的理由（可不填）"),
    )


@admin_only(ADMINS_UNDO)
async def undo_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    key, number = context.matches[0].group(1), int(context.matches[0].group(2))
    try:
        await review.undo(context.bot_data.checker, key, *_user(update))
    except ReviewError as exc:
        await query.answer(exc.zh, show_alert=True)
        return
    await query.answer("已撤销，该问题重新计入。")
    await _redraw(update, key, number, None)


# ---------------------------------------------------------------- the reason, typed as a reply


class _ReplyToPrompt(filters.MessageFilter):
    """A text replying to the bot's 「不是问题」 prompt."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied is not None
            and replied.from_user is not None
            and replied.from_user.is_bot
            and _PROMPT_KEY.search(replied.text or "")
        )


async def reason_given(update: Update, context: Context) -> None:
    message = update.effective_message
    key = _PROMPT_KEY.search(message.reply_to_message.text).group(1)
    reason = (message.text or "").strip()
    try:
        result = await review.give_reason(context.bot_data.checker, key, reason, *_user(update))
    except ReviewError as exc:
        await message.reply_text(exc.zh)
        return
    if result is None or not result.dismissed:
        await message.reply_text("该问题的「不是问题」标记已被撤销，理由未记录。")
        return
    await message.reply_text(f"已记录理由：{reason}")


# ---------------------------------------------------------------- commands


@admin_only(ADMINS_UNDO)
async def undismiss(update: Update, context: Context) -> None:
    if len(context.args) != 1:
        await update.effective_message.reply_text(USAGE["undismiss"])
        return
    checker = context.bot_data.checker
    try:
        identity, removed = await review.undo(checker, context.args[0], *_user(update))
    except ReviewError as exc:
        await update.effective_message.reply_text(exc.zh)
        return
    agency = await checker.agency(identity.agency_id)
    what = f"{agency.name if agency else ''} {identity.year} 年度的问题 {identity.key}（{identity.rule}）"
    if removed is None:
        await update.effective_message.reply_text(f"{what}没有被排除，无需撤销。")
        return
    await update.effective_message.reply_text(
        f"已撤销对{what}的「{review.VERDICT_ZH[removed.verdict]}」标记，该问题计入统计。"
    )


async def findings(update: Update, context: Context) -> None:
    """`/findings [机关] [年份]`: the findings of the stored reports, each with its buttons."""
    from bot.telegram.reports import _resolve, split_agency_years

    parsed = split_agency_years(context.args)
    if parsed is None or len(parsed[1]) > 1:
        await update.effective_message.reply_text(USAGE["findings"])
        return
    name, years = parsed
    year = years[0] if years else None
    agency_id = None
    if name:
        agency = await _resolve(update, context, name, "fnd", str(year or ""))
        if agency is None:
            return
        agency_id = agency.id
    await do_findings(context, update.effective_chat.id, agency_id, year)


async def findings_chosen(update: Update, context: Context) -> None:
    from bot.telegram.reports import _button

    if (button := await _button(update, context)) is not None:
        agency, years = button
        await do_findings(context, chat_of(update), agency.id, years[0] if years else None)


async def do_findings(context: Context, chat_id: int, agency_id: int | None, year: int | None) -> None:
    checker = context.bot_data.checker
    agency = await checker.agency(agency_id) if agency_id is not None else None
    scope = (agency.name if agency else "全部机关") + (f" {year} 年度" if year else "（各年度当前版本）")
    found = await review.findings(checker, [agency_id] if agency_id is not None else None, year)
    for text, listed in review.findings_parts(found, scope, context.bot_data.settings.zone):
        rows = [_row(f.key, n, f.review) for n, f in listed]
        await context.bot.send_message(
            chat_id, text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
        )


async def history(update: Update, context: Context) -> None:
    from bot.telegram.reports import _agency_and_year

    found = await _agency_and_year(update, context, "history", "his")
    if found is not None:
        await do_history(context, update.effective_chat.id, found[0].id, found[1])


async def history_chosen(update: Update, context: Context) -> None:
    from bot.telegram.reports import _button

    if (button := await _button(update, context)) is not None:
        agency, (year,) = button
        await do_history(context, chat_of(update), agency.id, year)


async def do_history(context: Context, chat_id: int, agency_id: int, year: int) -> None:
    checker = context.bot_data.checker
    agency = await checker.agency(agency_id)
    entries = await checker.history([agency_id], year)
    log = await review.log_for(checker, agency_id, year)
    lines = review.history_lines(
        agency.name if agency else "该机关", year, entries, context.bot_data.settings.zone, log
    )
    await send_texts(context, chat_id, "\n".join(lines))


def register(app: Application) -> None:
    """The buttons, the reason replies and the commands; called before the catch-all handlers."""
    app.add_handler(CommandHandler("findings", findings))
    app.add_handler(CallbackQueryHandler(findings_chosen, pattern=r"^fnd:(\d+):?$"))  # no year given
    app.add_handler(CallbackQueryHandler(findings_chosen, pattern=r"^fnd:(\d+):(\d+)$"))
    app.add_handler(CommandHandler("history", history))
    app.add_handler(CommandHandler("undismiss", undismiss))
    app.add_handler(CallbackQueryHandler(confirm_pressed, pattern=rf"^rv:y:({_KEY}):(\d+)$"))
    app.add_handler(CallbackQueryHandler(dismiss_pressed, pattern=rf"^rv:n:({_KEY}):(\d+)$"))
    app.add_handler(CallbackQueryHandler(undo_pressed, pattern=rf"^rv:u:({_KEY}):(\d+)$"))
    app.add_handler(CallbackQueryHandler(history_chosen, pattern=r"^his:(\d+):(\d+)$"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & _ReplyToPrompt(), reason_given))
