"""`nianbao`: the command line. Every command runs the same services the bot runs."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules, each with register(subparsers) whose parser sets func=run(args) -> int.
COMMAND_MODULES = (
    "bot.commands.check",
    "bot.commands.compare",
    "bot.commands.trend",
    "bot.commands.listing",
    "bot.commands.importer",
    "bot.commands.export",
    "bot.commands.alias",
    "bot.commands.reparse",
    "bot.commands.run",
    "bot.commands.bot",
    "bot.commands.deadlines",
    "bot.commands.roster",
    "bot.commands.season",
    "bot.commands.findings",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="年报助手：政府信息公开工作年度报告检查工具")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nianbao list | head`: the reader has gone, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
