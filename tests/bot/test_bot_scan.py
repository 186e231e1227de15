"""A scanned report through the bot: the status message follows OCR page by page; doubtful cells are named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parser" / "readers"))
from fake_api import USER, BotHarness  # noqa: E402

pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra is installed by ./run.sh")
pytestmark = [pytest.mark.slow, pytest.mark.ocr]
import scan_docs  # noqa: E402


async def test_scan_upload_shows_each_page_and_says_it_was_ocr(tmp_path):
    scan = scan_docs.scanned(scan_docs.report_pdf(), "PDF", pages=[0, 1])
    async with BotHarness(tmp_path, parse_timeout=120) as bot:
        replies = await bot.reply_to_file(bot.api.send_file(scan, "扫描件.pdf", USER), timeout=180)
        status = replies[0]
        pages = [h for h in status.history if h.startswith("🔎")]
        assert pages == [
            "🔎 正在识别扫描件《扫描件.pdf》第 1/2 页…",
            "🔎 正在识别扫描件《扫描件.pdf》第 2/2 页…",
        ]
        assert status.text.startswith("✅") and "测试县人民政府" in status.text
        text = "\n".join(bot.api.texts(USER))
        assert "本报告为扫描件，文字经 OCR 识别。" in text
