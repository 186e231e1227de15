"""CLI subcommands (bot/cli.py registers each module's parser).

Registering must stay cheap: `nianbao --help` and `nianbao check` build every subcommand's parser,
so a command module imports at its top only argparse-level things and this module; the services,
the parser, storage, openpyxl and matplotlib load inside the command that runs
(tests/bot/commands/test_cli_imports.py keeps it so).
"""

from __future__ import annotations

DB_HELP = "SQLite 数据库文件（默认：NIANBAO_DB 或 data/nianbao.db）"


def run_command(db, make, **kwargs):
    """bot.service.run_command, loaded only when a command runs (it pulls in the parser and pydantic)."""
    from bot.service import run_command as run

    return run(db, make, **kwargs)
