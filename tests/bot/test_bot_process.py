"""The bot as systemd runs it: a separate process, settings from the environment, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from shared_files import shared

sys.path.insert(0, str(Path(__file__).parent))
from fake_api import USER, FakeBotAPI  # noqa: E402

from bot.settings import Settings, load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = shared("seeds")


def test_settings_from_environment(monkeypatch, tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "BOT_TOKEN=123:abc\nALLOWED_USER_IDS=1, 2 3\nADMIN_USER_IDS=9\nMAX_FILE_MB=50\n", encoding="utf-8"
    )
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-100500")
    monkeypatch.setenv("MAX_FILE_MB", "30")  # the environment wins over .env
    s = load_settings(env)
    assert s.bot_token == "123:abc" and s.allowed_user_ids == {1, 2, 3} and s.admin_user_ids == {9}
    assert s.allowed_chat_ids == {-100500} and s.max_file_mb == 30 and s.tz == "Asia/Shanghai"
    assert s.is_allowed(2, 2) and s.is_allowed(9, 9) and s.is_allowed(5, -100500) and not s.is_allowed(5, 5)
    assert s.is_admin(9) and not s.is_admin(1)
    with pytest.raises(ValueError):
        Settings(_env_file=None, webhook_secret="has spaces")
    with pytest.raises(ValueError):
        Settings(_env_file=None, tz="Mars/Olympus")


@pytest.mark.slow  # the CLI in a subprocess
def test_run_without_token_prints_the_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--env-file", str(tmp_path / "none")],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "检查完成" in out.stdout and "@BotFather" in out.stdout and "XLSX" in out.stdout


@pytest.mark.slow  # the bot in a subprocess
async def test_sigterm_finishes_in_flight_files_and_exits(tmp_path):
    api = FakeBotAPI().start()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_FILE_URL": api.base_file_url,
        "NIANBAO_DB": str(tmp_path / "bot.db"),
        "ALLOWED_USER_IDS": f"{USER}, 1003",
        "PARSE_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
    }
    # as systemd starts it: the `nianbao bot` command, through bot.cli.entry (which exits at once once
    # the command returns: every file being checked must be answered and stored by then)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "bot", "--env-file", str(tmp_path / "none.env")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda: api.called("getUpdates"), 60, "polling")
        assert api.called("setMyCommands")
        files = sorted(SEEDS.glob("*.txt"))
        ups = [api.send_file(f.read_bytes(), f.name, USER) for f in files]
        await api.wait_for(lambda: api.called("getFile"), 30, "a download")
        proc.send_signal(signal.SIGTERM)
        rc = await asyncio.to_thread(proc.wait, 60)
        stderr = proc.stderr.read().decode()
        assert rc == 0, stderr
        started = [up for up in ups if api.replies_to(up["message"]["message_id"])]
        assert started
        for up in started:
            replies = api.replies_to(up["message"]["message_id"])
            assert replies[0].text.startswith("✅"), replies[0].history
            assert replies[-1].document is not None
        with sqlite3.connect(tmp_path / "bot.db") as conn:
            assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == len(started)
    finally:
        if proc.poll() is None:
            proc.kill()
        api.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_takes_updates_with_the_secret_only(tmp_path):
    import httpx

    api = FakeBotAPI().start()
    port = free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_FILE_URL": api.base_file_url,
        "NIANBAO_DB": str(tmp_path / "bot.db"),
        "ALLOWED_USER_IDS": str(USER),
        "PARSE_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
        "WEBHOOK_URL": "https://bot.example.org/",
        "WEBHOOK_SECRET": "s3cret-token",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_PATH": "hook",
    }
    code = (
        "import sys; from bot.commands.bot import run; from argparse import Namespace; "
        "sys.exit(run(Namespace(env_file=None)))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        await api.wait_for(lambda: api.called("setWebhook"), 60, "setWebhook")
        hook = api.called("setWebhook")[-1].params
        assert hook["url"] == "https://bot.example.org/hook" and hook["secret_token"] == "s3cret-token"
        assert not api.called("getUpdates")
        url = f"http://127.0.0.1:{port}/hook"
        forged = api.send_text("/help", USER)
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            assert wrong.status_code == 403
            real = api.send_text("/whoami", USER)
            ok = await client.post(
                url, json=real, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            )
            assert ok.status_code == 200
        await api.wait_for(lambda: api.texts(USER), 30, "the reply")
        assert [f"用户 ID：{USER}" in t for t in api.texts(USER)] == [
            True
        ]  # /whoami answered, /help never seen
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(proc.wait, 30)
        finally:
            if proc.poll() is None:
                proc.kill()
            api.stop()
