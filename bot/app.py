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
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.service import Checker
from bot.settings import Settings
from bot.telegram import access, deadlines, files, general, reports, review, season
from bot.telegram.context import CONTEXT_TYPES, BotData
from bot.telegram.texts import BOT_COMMANDS
from bot.worker import ParsePool

log = logging.getLogger("nianbao.bot")


def build_application(
    settings: Settings, *, checker: Checker | None = None, rate_limiter: bool = True
) -> Application:
    """An Application wired to the service. Without `checker`, one is opened on NIANBAO_DB at start-up."""
    if not settings.bot_token:
        raise ValueError("BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .context_types(CONTEXT_TYPES)  # context.bot_data is a BotData
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
    data: BotData = app.bot_data
    data.settings = settings
    if checker is not None:
        data.checker = checker
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, access.gate), group=-1)  # staff only, each update once
    app.add_handler(CommandHandler("start", general.start))
    app.add_handler(CommandHandler("help", general.help_command))
    app.add_handler(CommandHandler("whoami", access.whoami))
    app.add_handler(CommandHandler("compare", reports.compare))
    app.add_handler(CommandHandler("trend", reports.trend))
    app.add_handler(CommandHandler("list", reports.list_command))
    app.add_handler(CommandHandler("show", reports.show))
    app.add_handler(CommandHandler("export", reports.export))
    app.add_handler(CommandHandler("delete", reports.delete))
    deadlines.register(app, settings=app.bot_data.settings)  # /deadlines /remind /roster, reminder jobs
    season.register(app)  # /season /summary and ZIP archives of reports
    review.register(app)  # 属实/不是问题 buttons and reasons, /history /undismiss
    for button in reports.BUTTONS:
        app.add_handler(button)
    app.add_handler(MessageHandler(filters.Document.ALL, files.document))
    app.add_handler(MessageHandler(filters.PHOTO, general.photo))
    app.add_handler(MessageHandler(filters.COMMAND, general.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, general.text))
    app.add_error_handler(general.on_error)


async def _post_init(app: Application) -> None:
    data: BotData = app.bot_data
    settings = data.settings
    if not hasattr(data, "checker"):  # none given to build_application (tests and bench give one)
        from storage.store import Store

        pool = ParsePool(settings.parse_workers, settings.parse_timeout, settings.parse_memory_mb)
        pool.start_all()  # in the background: the first file sent is not kept waiting for the parser to load
        data.checker = Checker(pool, await Store.open(settings.nianbao_db))
        data.owns_checker = True
    await app.bot.set_my_commands(BOT_COMMANDS)
    if not (settings.allowed_user_ids or settings.allowed_chat_ids or settings.admin_user_ids):
        log.warning(
            "ALLOWED_USER_IDS, ALLOWED_CHAT_IDS and ADMIN_USER_IDS are empty: everyone is refused "
            "(they can still send /whoami to learn their id)"
        )
    log.info("bot @%s ready; database %s", app.bot.username, settings.nianbao_db)


async def _post_shutdown(app: Application) -> None:
    data: BotData = app.bot_data
    if not data.owns_checker:
        return
    if data.checker.store is not None:
        await data.checker.store.close()
    await asyncio.to_thread(data.checker.pool.close)
    log.info("stopped")


def run(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT: polling by default, a webhook when WEBHOOK_URL is set."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per getUpdates otherwise
    app = build_application(settings)
    # Updates a message type we do not handle are not even fetched.
    allowed = ["message", "callback_query"]
    if settings.webhook_url:
        if not settings.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        path = settings.webhook_path.strip("/")
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=f"{settings.webhook_url.rstrip('/')}/{path}",
            secret_token=settings.webhook_secret,
            allowed_updates=allowed,
        )
    else:
        app.run_polling(allowed_updates=allowed)
    return 0
