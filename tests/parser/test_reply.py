"""The reply: summary, key figures, findings by severity, messages within Telegram's 4096 characters."""

from __future__ import annotations

from types import SimpleNamespace

from shared_files import shared

from parser.api import parse_report
from parser.errors import not_a_report
from parser.model import Finding, Report
from parser.reply import LIMIT, format_comparison, format_error, format_reply, split_messages
from parser.validate import validate

SEEDS = shared("seeds")


def seed(name: str) -> Report:
    report = parse_report((SEEDS / name).read_bytes(), name)
    report.findings = validate(report)
    return report


def test_clean_report_summary():
    (message,) = format_reply(seed("003_24cd27ad2d34b72d.txt"))
    lines = message.splitlines()
    assert lines[0] == "银川市西夏区兴泾镇人民政府 · 2020 年度"
    assert "2019 年版" in lines[1]
    assert "新收申请 0 件" in message and "行政复议 0 件" in message
    assert lines[-1] == "未发现问题。"


def test_key_figures_and_finding_with_quote():
    (message,) = format_reply(seed("000_1a7957aec9d503ee.txt"))
    assert "新收申请 3 件，上年结转 0 件，办结 3 件" in message and "结转下年 0 件" in message
    assert "行政复议 1 件，行政诉讼 0 件" in message
    assert "【警告】" in message and "【错误】" not in message
    assert "1. 表三「结转下年度继续办理」行前的编号印为“七、”" in message
    assert "原文：“七、结转下年度继续办理 0 0 0 0 0 0 0”" in message


def test_errors_before_warnings_and_missing_tables_said():
    (message,) = format_reply(seed("001_dafca5b4e645eaed.txt"))
    assert "错误 2 个，警告 1 个" in message
    assert message.index("【错误】") < message.index("【警告】")
    assert "依申请公开（表三）：未找到" in message
    assert "落款日期：2024年1月29日" in message


def test_page_shown_as_location():
    report = Report(
        agency="某镇人民政府",
        year=2024,
        template="2021",
        findings=[
            Finding(
                rule="APP-ROW-TOTAL",
                severity="error",
                where="applications.granted",
                page=4,
                message="表三「（一）予以公开」行：六类申请人之和为 6，与总计 5 不符。",
                quote="（一）予以公开 4 1 0 0 1 0 5",
            ),
            Finding(rule="TEXT-SUM", severity="warning", where="overview", page=2, message="数字不一致。"),
        ],
    )
    (message,) = format_reply(report)
    assert "1. （第4页）表三「（一）予以公开」行" in message
    assert "2. （一、总体情况，第2页）数字不一致。" in message


def test_comparison_follows_the_findings():
    change = SimpleNamespace(absolute=2, percent=200.0)
    rows = [
        SimpleNamespace(label="本年新收申请（总计）", values=[1, 3], change=change),
        SimpleNamespace(
            label="行政复议（总计）", values=[0, 0], change=SimpleNamespace(absolute=0, percent=None)
        ),
    ]
    comparison = SimpleNamespace(agency="掌政镇", years=[2023, 2024], rows=rows)
    (message,) = format_reply(seed("000_1a7957aec9d503ee.txt"), comparison)
    assert message.index("【警告】") < message.index("掌政镇 2023 年与 2024 年对比")
    assert "本年新收申请（总计）：1 → 3（+2，+200%）" in message and "另有 1 项两年均为 0。" in message
    assert format_comparison(SimpleNamespace(agency="掌政镇", years=[2023, 2024], rows=[]))[0].endswith(
        "两个年度没有可比较的数据。"
    )


def test_long_replies_split_on_line_boundaries():
    findings = [
        Finding(
            rule="TEXT-SUM",
            severity="warning",
            where="overview",
            message=f"第{i}处：" + "数字不一致。" * 30,
            quote="原文" * 20,
        )
        for i in range(60)
    ]
    report = Report(agency="某镇人民政府", year=2024, template="2021", findings=findings)
    messages = format_reply(report)
    assert len(messages) > 1
    assert all(len(m) <= LIMIT for m in messages)
    joined = "\n".join(messages)
    for i in range(60):
        assert f"第{i}处：" in joined
    # no line is cut in two
    whole_lines = set(joined.splitlines())
    assert all(line in whole_lines for m in messages for line in m.splitlines())


def test_split_messages_cuts_only_an_overlong_line():
    assert split_messages(["a" * 10, "b" * 10], limit=15) == ["a" * 10, "b" * 10]
    assert split_messages(["c" * 20], limit=8) == ["c" * 8, "c" * 8, "c" * 4]


def test_format_error():
    assert format_error("x.pdf", not_a_report()).startswith(
        "《x.pdf》无法读取：这不是政府信息公开工作年度报告"
    )
    assert "x.pdf" in format_error("x.pdf", RuntimeError("boom")) and "boom" not in format_error(
        "x.pdf", RuntimeError("boom")
    )


def test_unreadable_table_is_said_and_not_checked(shared_dir):
    seed = shared_dir / "seeds" / "000_1a7957aec9d503ee.txt"
    report = parse_report(seed.read_bytes(), "x.txt")
    report.applications.new_received.total = 99  # would break the row and the column
    report.unreadable = ["applications"]
    assert not [f for f in validate(report) if f.rule.startswith("APP-")]
    assert "表三，但其中数字的位置无法可靠识别" in "\n".join(format_reply(report))
