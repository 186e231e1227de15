"""Building the CLI's parser loads no heavy library (issue 12: `nianbao --help` and `nianbao check` start fast).

bot/cli.py imports every command module to register its subparser, so a heavy import at the top of any
command module slows every command. A test on modules loaded, not on seconds.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = [
    "openpyxl",
    "pydantic",
    "matplotlib",
    "pdfplumber",
    "pypdfium2",
    "telegram",
    "numpy",
    "tqdm",
    "aiosqlite",
    "bot.service",
    "bot.worker",
    "parser.model",
]

PROBE = """
import argparse, json, sys
import bot.cli

parser = bot.cli.build_parser()
commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
for argv in [["--help"]] + [[name, "--help"] for name in commands]:
    try:
        bot.cli.main(argv)
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def test_building_the_parser_and_every_help_imports_no_heavy_module(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout.splitlines()[-1]))
    assert "bot.commands.check" in loaded and "bot.commands.season" in loaded  # the probe did register them
    assert [m for m in HEAVY if m in loaded] == []
