"""The Telegram application: build it, register the handlers, run it by polling or webhook.

On SIGTERM (or SIGINT) PTB stops fetching updates, `Application.stop()` waits for the updates
being handled (concurrent updates run as tasks it awaits), then `post_shutdown` closes the store
and the parse pool — so a file being checked when systemd stops the bot is still answered.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import deadline_handlers, handlers
from bot.service import Checker
from bot.settings import Settings
from bot.worker import ParsePool

log = logging.getLogger("nianbao.bot")


def build_application(settings: Settings, *, checker: Checker | None = None,
                      rate_limiter: bool = True) -> Application:
    """An Application wired to the service. Without `checker`, one is opened on NIANBAO_DB at start-up."""
    if not settings.bot_token:
        raise ValueError("BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .local_mode(settings.bot_api_local_mode)
        .defaults(Defaults(tzinfo=settings.zone))
        # Files take seconds to parse; commands must still be answered meanwhile.
        .concurrent_updates(settings.max_concurrent_updates)
        .read_timeout(30)
        .write_timeout(60)
        .media_write_timeout(120)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter:
        # Telegram's flood limits: ~30 messages/s overall, 20/min per group; retry after a RetryAfter.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["checker"] = checker
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("whoami", handlers.whoami))
    app.add_handler(CommandHandler("compare", handlers.compare))
    app.add_handler(CommandHandler("list", handlers.list_command))
    app.add_handler(CommandHandler("show", handlers.show))
    app.add_handler(CommandHandler("export", handlers.export))
    app.add_handler(CommandHandler("delete", handlers.delete))
    deadline_handlers.register(app, settings=app.bot_data["settings"])
    app.add_handler(CallbackQueryHandler(handlers.choose))
    app.add_handler(MessageHandler(filters.Document.ALL, handlers.document))
    app.add_handler(MessageHandler(filters.PHOTO, handlers.photo))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text))
    app.add_error_handler(handlers.on_error)


async def _post_init(app: Application) -> None:
    settings: Settings = app.bot_data["settings"]
    checker: Checker | None = app.bot_data.pop("checker", None)
    if checker is None:
        from storage.store import Store

        pool = ParsePool(settings.parse_workers, settings.parse_timeout, settings.parse_memory_mb)
        checker = Checker(pool, await Store.open(settings.nianbao_db))
        app.bot_data["owns_checker"] = True
    app.bot_data["state"] = handlers.BotState(settings, checker)
    await app.bot.set_my_commands(handlers.BOT_COMMANDS)
    if not (settings.allowed_user_ids or settings.allowed_chat_ids or settings.admin_user_ids):
        log.warning("ALLOWED_USER_IDS, ALLOWED_CHAT_IDS and ADMIN_USER_IDS are empty: everyone is refused "
                    "(they can still send /whoami to learn their id)")
    log.info("bot @%s ready; database %s", app.bot.username, settings.nianbao_db)


async def _post_shutdown(app: Application) -> None:
    state: handlers.BotState | None = app.bot_data.get("state")
    if state is None or not app.bot_data.get("owns_checker"):
        return
    if state.checker.store is not None:
        await state.checker.store.close()
    await asyncio.to_thread(state.checker.pool.close)
    log.info("stopped")


def run(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT: polling by default, a webhook when WEBHOOK_URL is set."""
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per getUpdates otherwise
    app = build_application(settings)
    # Updates a message type we do not handle are not even fetched.
    allowed = ["message", "callback_query"]
    if settings.webhook_url:
        if not settings.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        path = settings.webhook_path.strip("/")
        app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port, url_path=path,
                        webhook_url=f"{settings.webhook_url.rstrip('/')}/{path}",
                        secret_token=settings.webhook_secret, allowed_updates=allowed)
    else:
        app.run_polling(allowed_updates=allowed)
    return 0
