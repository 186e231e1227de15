"""Who may use the bot: the gate every update passes first, `@admin_only`, and /whoami.

Staff (ALLOWED_USER_IDS, ALLOWED_CHAT_IDS, and admins) are let through by `gate`, which runs in
handler group -1 before any handler — so a stranger's file is never downloaded and no handler
repeats the check. Admin-only actions (deleting, changing the roster) wear `@admin_only`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import Context
from bot.telegram.texts import REFUSAL

log = logging.getLogger("nianbao.bot")

Handler = Callable[[Update, Context], Awaitable[None]]


async def gate(update: Update, context: Context) -> None:
    """Group -1, before any handler: drop re-delivered updates, refuse anyone not allowed."""
    data = context.bot_data
    if not data.first_time(update.update_id):
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    chat = update.effective_chat
    user_id = user.id if user else None
    chat_id = chat.id if chat else None
    if data.settings.is_allowed(user_id, chat_id):
        return
    message = update.effective_message
    if message is not None and command_of(message.text) == "whoami":
        return  # anyone may learn their id, to ask for access
    log.info("refused user %s in chat %s", user_id, chat_id)
    refusal = (
        f"{REFUSAL}\n您的用户 ID：{user_id}\n会话 ID：{chat_id}\n"
        "如需使用，请把以上 ID 发给管理员，加入允许名单。"
    )
    if update.callback_query is not None:
        await update.callback_query.answer(REFUSAL, show_alert=True)
    elif message is not None and chat is not None and (chat.type == "private" or _addressed(message)):
        await message.reply_text(refusal)
    raise ApplicationHandlerStop


def command_of(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split()[0][1:].split("@")[0].lower()


def _addressed(message: Message) -> bool:
    """In a group, answer a stranger only when they send a command or a file (not every chat line)."""
    return bool(message.document) or command_of(message.text) is not None


def is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return context.bot_data.settings.is_admin(user.id if user else None)


def admin_only(refusal: str) -> Callable[[Handler], Handler]:
    """Run the handler for admins; tell anyone else `refusal` (a button press is answered first)."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(update: Update, context: Context) -> None:
            if is_admin(update, context):
                await handler(update, context)
            elif update.callback_query is not None:
                await update.callback_query.answer()
                await context.bot.send_message(chat_of(update), refusal)
            else:
                await update.effective_message.reply_text(refusal)

        return checked

    return decorate


def chat_of(update: Update) -> int:
    """The chat to answer in (a button's message may be too old for Telegram to include it)."""
    query = update.callback_query
    if query is not None and query.message is not None:
        return query.message.chat.id
    return update.effective_chat.id


def who(update: Update) -> str:
    """How an uploader or subscriber is recorded: `tg:ID@username`, or the chat when there is no user."""
    user = update.effective_user
    if user is None:
        return f"chat:{update.effective_chat.id}"
    return f"tg:{user.id}" + (f"@{user.username}" if user.username else "")


async def whoami(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    settings = context.bot_data.settings
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else "—"
    lines = [
        f"用户：{name}" + (f"（@{user.username}）" if user and user.username else ""),
        f"用户 ID：{user.id if user else '—'}",
        f"会话 ID：{chat.id if chat else '—'}（{chat.type if chat else '—'}）",
    ]
    uid, cid = (user.id if user else None), (chat.id if chat else None)
    if settings.is_admin(uid):
        lines.append("权限：管理员")
    elif settings.is_allowed(uid, cid):
        lines.append("权限：可以使用")
    else:
        lines.append("权限：尚未加入允许名单")
    await update.effective_message.reply_text("\n".join(lines))
