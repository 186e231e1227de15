"""deploy/: the service can write what it must write (the database, matplotlib's font cache) under its
hardening (a read-only system and home), in systemd and in the container."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "nianbao-bot.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_systemd_unit_writes_only_under_its_writable_paths():
    settings = _unit_settings()
    env = dict(v.split("=", 1) for v in settings["Environment"])
    writable = settings["ReadWritePaths"][0].split()
    assert settings["ProtectSystem"] == ["strict"] and settings["ProtectHome"] == ["true"]
    for name in ("NIANBAO_DB", "MPLCONFIGDIR"):
        assert any(env[name].startswith(path.rstrip("/") + "/") for path in writable), name


def test_container_keeps_the_database_and_font_cache_in_its_volume():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    volume = re.search(r'VOLUME \["([^"]+)"\]', text).group(1)
    env = dict(
        re.findall(r"(\w+)=(\S+)", next(line for line in text.splitlines() if line.startswith("ENV ")))
    )
    assert env["NIANBAO_DB"].startswith(volume + "/")
    assert env["MPLCONFIGDIR"].startswith(volume + "/")
