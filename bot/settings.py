"""The bot's settings: environment variables or `.env` (every one documented in .env.example)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bot.deadlines import DeadlineSettings

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILE_API = "https://api.telegram.org/file/bot"

# Comma- or space-separated lists of ids: "123, 456" (NoDecode: not JSON).
IdSet = Annotated[frozenset[int], NoDecode]


class Settings(DeadlineSettings):
    """Everything the bot reads; the deadline and reminder settings come from DeadlineSettings."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: str | None = None
    bot_api_base_url: str = TELEGRAM_API
    bot_api_file_url: str = TELEGRAM_FILE_API
    # A local Bot API server started with --local returns file paths on its own disk.
    bot_api_local_mode: bool = False
    nianbao_db: Path = Path("data/nianbao.db")

    allowed_user_ids: IdSet = frozenset()
    allowed_chat_ids: IdSet = frozenset()
    admin_user_ids: IdSet = frozenset()

    max_file_mb: int = Field(20, ge=1)
    parse_timeout: float = Field(60.0, gt=0)
    parse_workers: int = Field(2, ge=1)
    parse_memory_mb: int = Field(4096, ge=256)
    max_concurrent_updates: int = Field(32, ge=1)

    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"

    log_level: str = "INFO"

    @field_validator("allowed_user_ids", "allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _id_list(cls, value):
        if value is None:
            return frozenset()
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[,\s;]+", value.strip()) if part)
        if isinstance(value, int):
            return frozenset({value})
        return frozenset(int(v) for v in value)

    @field_validator("bot_token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value):
        # Telegram's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return value

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_user_ids

    def is_allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """Allowed users and admins anywhere; anyone in an allowed chat (a staff group)."""
        if user_id is not None and (user_id in self.allowed_user_ids or user_id in self.admin_user_ids):
            return True
        return chat_id is not None and chat_id in self.allowed_chat_ids


def load_settings(env_file: str | Path | None = ".env", **overrides) -> Settings:
    return Settings(_env_file=env_file, **overrides)
