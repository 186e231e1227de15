"""`nianbao`: the command line. Every command runs the same services the bot runs."""

from __future__ import annotations

import argparse
import importlib
import os
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


def entry() -> None:
    """The `nianbao` command: main(), then out at once. Everything the command does is done and closed by
    then (the store, the workers); the interpreter's own teardown (every module, the threads' and the
    forkserver's clean-up) would add some 40 ms to each run for nothing."""
    code = main()
    if "logging" in sys.modules:  # its handlers flushed and closed, as at a normal exit
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`nianbao list | head`)
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
