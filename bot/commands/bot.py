"""`nianbao bot [--env-file PATH]`: run the Telegram bot until SIGTERM (settings: .env.example)."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bot", help="启动 Telegram 机器人", description="启动 Telegram 机器人（设置见 .env.example）"
    )
    p.add_argument("--env-file", default=".env", help="设置文件（默认 .env；环境变量优先）")
    p.set_defaults(func=run)


def load(env_file: str | None):
    """Settings, or None after printing what is wrong with them."""
    from pydantic import ValidationError

    from bot.settings import load_settings

    try:
        return load_settings(env_file)
    except ValidationError as exc:
        print("设置有误（见 .env.example）：", file=sys.stderr)
        for error in exc.errors():
            print(f"  {'.'.join(map(str, error['loc'])).upper()}: {error['msg']}", file=sys.stderr)
        return None


def run(args) -> int:
    settings = load(args.env_file)
    if settings is None:
        return 2
    if not settings.bot_token:
        print(
            "未设置 BOT_TOKEN。请在 .env 中写入 BOT_TOKEN=…（向 @BotFather 申请，见 README）。",
            file=sys.stderr,
        )
        return 2
    from bot.app import run as run_bot

    return run_bot(settings)
