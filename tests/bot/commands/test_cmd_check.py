"""`nianbao check` as a clerk runs it: JSON lines per shared/spec/check-json.md, exit codes, bad files among good."""

import json
import os
import subprocess
import sys
from pathlib import Path

from shared_files import shared

SEEDS = shared("seeds")
KEYS = [
    "file",
    "sha256",
    "format",
    "ocr",
    "agency",
    "agency_short",
    "year",
    "template",
    "period",
    "published",
    "sections",
    "active",
    "applications",
    "review_litigation",
    "findings",
    "previous_year",
]


def nianbao(*args, cwd):
    env = {**os.environ, "NIANBAO_DB": str(Path(cwd) / "default.db")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        timeout=120,
    )


def test_json_lines_in_order_with_errors_and_exit_status(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("明天上午九点开会，请准时参加。", encoding="utf-8")
    files = [
        str(SEEDS / "001_dafca5b4e645eaed.txt"),
        str(tmp_path / "empty.pdf"),
        str(tmp_path / "notes.txt"),
        str(SEEDS / "000_1a7957aec9d503ee.txt"),
    ]
    run = nianbao("check", "--json", "--db", str(tmp_path / "a.db"), *files, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == [Path(f).name for f in files]
    first, empty, notes, last = lines
    assert list(first) == KEYS and list(last) == KEYS
    assert set(empty) == {"file", "error"} and "空" in empty["error"] and "empty" in empty["error"]
    assert "年度报告" in notes["error"] and "not an annual report" in notes["error"]
    assert first["year"] == 2023 and first["applications"] is None and first["previous_year"] is None
    assert last["previous_year"] == 2023  # stored in the same call, then compared
    assert [(f["rule"], f["where"]) for f in last["findings"]] == [
        ("STRUCT-NUMBERING", "applications.carried_forward")
    ]
    assert (tmp_path / "a.db").exists() and not (tmp_path / "default.db").exists()


def test_readable_summary_and_no_store(tmp_path):
    run = nianbao("check", "--no-store", str(SEEDS / "002_0a7990abdff832d1.txt"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "沙坡头区兴仁镇 · 2024 年度" in run.stdout
    assert "64" in run.stdout and "65" in run.stdout  # the TEXT-SUM finding names both numbers
    assert not list(tmp_path.glob("*.db"))


def test_missing_file_is_reported_and_the_rest_still_runs(tmp_path):
    run = nianbao(
        "check",
        "--json",
        "--no-store",
        str(tmp_path / "nope.pdf"),
        str(SEEDS / "003_24cd27ad2d34b72d.txt"),
        cwd=tmp_path,
    )
    assert run.returncode == 1
    missing, report = (json.loads(line) for line in run.stdout.splitlines())
    assert "找不到文件" in missing["error"]
    assert report["template"] == "2019" and report["findings"] == []


def test_unfilled_total_column_is_one_finding_and_the_summary_uses_row_sums(tmp_path):
    """A 总计 column left at 0 in every row: one APP-ROW-TOTAL at applications.total, figures from the row sums."""
    from docgen import build_docx, make_spec
    from docgen.spec import default_prose

    spec = make_spec("unfilled", 21, "2021", "永宁县人民政府", scale="small")
    spec.prose["overview"] = default_prose(spec, "overview")  # the prose keeps the real figures
    received = sum(getattr(spec.applications.new_received, c) or 0 for c in KEYS_SIX)
    for row in spec.applications.rows().values():
        row.total = 0
    path = tmp_path / "永宁县人民政府2024年政府信息公开工作年度报告.docx"
    path.write_bytes(build_docx(spec))
    run = nianbao("check", "--json", "--no-store", str(path), cwd=tmp_path)
    report = json.loads(run.stdout)
    assert [(f["rule"], f["where"]) for f in report["findings"]] == [("APP-ROW-TOTAL", "applications.total")]
    assert report["applications"]["new_received"]["total"] == 0  # the JSON keeps what is printed
    run = nianbao("check", "--no-store", str(path), cwd=tmp_path)
    assert "总计栏未填写，以下按各列之和" in run.stdout and f"新收申请 {received} 件" in run.stdout
    assert run.stdout.count("APP-ROW-TOTAL") <= 1 and "改为 0" not in run.stdout
    assert "发现 1 个问题" in run.stdout


KEYS_SIX = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
