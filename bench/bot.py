"""Bot benchmark through the fake Bot API server: upload → reply for one report and for 20 at once,
and /help's reply time while those 20 are being parsed.

    .venv/bin/python bench/bot.py [--workers 2] [--no-rate-limiter] [--files DIR_OR_FILE ...]

Runs the real PTB Application (polling 127.0.0.1), real worker processes and a real SQLite file.
Default reports: the real PDF in ../shared/real and the seed texts in ../shared/seeds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "bot")]

from fake_api import USER, BotHarness  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the project
DEFAULT_SOURCES = [SHARED / "real", SHARED / "seeds"]


def reports(sources: list[Path]) -> list[Path]:
    out: list[Path] = []
    for src in sources:
        if src.is_file():
            out.append(src)
        elif src.is_dir():
            out += sorted(p for p in src.iterdir() if p.suffix.lower() in (".pdf", ".docx", ".html", ".txt"))
    return out


async def upload(bot: BotHarness, data: bytes, name: str) -> float:
    t = time.monotonic()
    replies = await bot.reply_to_file(bot.api.send_file(data, name, USER), timeout=600)
    if not replies[0].text.startswith("✅"):
        raise SystemExit(f"{name}: {replies[0].text}")
    return time.monotonic() - t


async def help_time(bot: BotHarness) -> float:
    """Send /help, time until its answer arrives."""
    before = {m.message_id for m in bot.api.chat_messages(USER)}
    t = time.monotonic()
    bot.api.send_text("/help", USER)
    await bot.api.wait_for(
        lambda: any(
            m.message_id not in before and (m.text or "").startswith("📋")
            for m in bot.api.chat_messages(USER)
        ),
        120,
        "/help",
    )
    return time.monotonic() - t


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-rate-limiter", action="store_true")
    ap.add_argument("--files", nargs="*", type=Path)
    args = ap.parse_args()
    files = reports(args.files or DEFAULT_SOURCES)
    if not files:
        raise SystemExit("no reports found")
    with tempfile.TemporaryDirectory() as tmp:
        async with BotHarness(
            Path(tmp), rate_limiter=not args.no_rate_limiter, parse_workers=args.workers, parse_timeout=120
        ) as bot:
            # Warm-up: starts the worker processes (forkserver) so figures are steady-state.
            await upload(bot, files[-1].read_bytes() + b"\n\n", "warmup" + files[-1].suffix)
            print(f"workers={args.workers} rate_limiter={not args.no_rate_limiter} reports={len(files)}")

            for f in files:
                one = await upload(bot, f.read_bytes() + b"\n", f.name)
                print(
                    f"one report   {f.name[:40]:<40} {f.stat().st_size / 1024:7.0f} KB  upload→reply {one:6.2f} s"
                )

            idle = [await help_time(bot) for _ in range(5)]
            print(f"/help idle                 median {statistics.median(idle) * 1000:6.0f} ms")

            # 20 at once: distinct bytes (so none is a stored duplicate), cycling the reports.
            batch = [
                (
                    files[i % len(files)].read_bytes() + b"\n" * (i + 2),
                    f"{i:02d}-{files[i % len(files)].name}",
                )
                for i in range(20)
            ]
            t0 = time.monotonic()
            uploads = [asyncio.create_task(upload(bot, data, name)) for data, name in batch]
            await asyncio.sleep(0.3)
            busy = []
            while not all(u.done() for u in uploads) and len(busy) < 10:
                busy.append(await help_time(bot))
            times = await asyncio.gather(*uploads)
            wall = time.monotonic() - t0
            print(
                f"20 at once   all replied in {wall:6.2f} s; per file upload→reply "
                f"min {min(times):.2f} / median {statistics.median(times):.2f} / max {max(times):.2f} s"
            )
            if busy:
                print(
                    f"/help while parsing        median {statistics.median(busy) * 1000:6.0f} ms, "
                    f"max {max(busy) * 1000:6.0f} ms ({len(busy)} samples)"
                )


if __name__ == "__main__":
    asyncio.run(main())
