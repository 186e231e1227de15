"""`nianbao run`: the bot when BOT_TOKEN is set; otherwise a demonstration on the bundled example.

Without a token it runs the bot's own pipeline (worker parse, validation, a throw-away store,
the reply formatter, the XLSX attachment) on bot/examples/ and prints what a user would read.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.commands.bot import load

BOTFATHER = """\
要在 Telegram 中使用机器人：
  1. 在 Telegram 中打开 @BotFather（https://t.me/BotFather），发送 /newbot，按提示起名；
  2. 把它给出的令牌写入 .env：BOT_TOKEN=123456:ABC…（参见 .env.example）；
  3. 先运行本命令并向机器人发送 /whoami，把显示的用户 ID 写入 .env 的 ADMIN_USER_IDS 或 ALLOWED_USER_IDS；
  4. 再次运行 ./run.sh（或 nianbao run），机器人即开始工作。"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "run",
        help="有 BOT_TOKEN 时启动机器人，否则演示检查示例报告",
        description="有 BOT_TOKEN 时启动机器人；否则用内置示例报告演示机器人的回复",
    )
    p.add_argument("--env-file", default=".env", help="设置文件（默认 .env）")
    p.add_argument("--example", help="演示时检查的文件（默认：内置示例报告）")
    p.set_defaults(func=run)


def run(args) -> int:
    settings = load(args.env_file)
    if settings is None:
        return 2
    if settings.bot_token:
        from bot.app import run as run_bot

        return run_bot(settings)
    import asyncio

    return asyncio.run(demo(args.example))


def example_files() -> list[Path]:
    folder = resources.files("bot").joinpath("examples")
    return sorted(
        Path(str(p))
        for p in folder.iterdir()
        if p.is_file() and p.name.endswith((".pdf", ".docx", ".html", ".txt"))
    )


async def demo(path: str | None = None) -> int:
    import tempfile

    from bot.service import session
    from bot.telegram.texts import result_messages, xlsx_filename
    from bot.xlsx import report_workbook
    from parser.errors import ReportError

    files = [Path(path)] if path else example_files()
    if not files:
        print("没有找到示例报告（bot/examples/）。")
        return 1
    print("未设置 BOT_TOKEN，下面演示机器人收到一份年度报告后的回复。\n")
    with tempfile.TemporaryDirectory() as tmp:
        async with session(Path(tmp) / "demo.db", workers=1) as checker:
            for file in files:
                print(f"━━ 用户发送文件《{file.name}》 ━━\n")
                try:
                    result = await checker.check(file.read_bytes(), file.name, "demo")
                except ReportError as exc:
                    print(f"❌ 《{file.name}》无法处理：{exc.zh}\n")
                    continue
                for message in result_messages(result, file.name):
                    print(message, end="\n\n")
                data = report_workbook(result.report, result.comparison)
                print(
                    f"📎 附件：{xlsx_filename(result.report)}（XLSX，{len(data) // 1024} KB，含解析出的表格和问题清单）\n"
                )
    print(BOTFATHER)
    return 0
