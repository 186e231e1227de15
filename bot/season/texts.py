"""What the office reads: the result of a ZIP, the season at a glance, the summary (bot and CLI alike)."""

from __future__ import annotations

from bot.deadlines import zh_date
from bot.season.batch import BatchResult, FileOutcome
from bot.season.status import AgencyStatus, SeasonStatus
from bot.season.summary import Indicators, Summary
from parser.reply import key_figures

# The bot commands this feature adds, for the menu and /help.
COMMANDS: list[tuple[str, str]] = [
    ("season", "本年度各机关报送和检查情况：/season [年度]"),
    ("summary", "本年度汇总数据和考核指标：/summary [年度]"),
]
HELP_LINES = (
    "【整批检查】把多份报告打成 ZIP 压缩包发送，逐份检查并保存，最后回复汇总和 XLSX 情况表。\n"
    "/season [年度] — 名单内每个机关是否已报、是否逾期、错误和提示数，附 XLSX「年报检查情况表」\n"
    "　例如：/season 或 /season 2024\n"
    "/summary [年度] — 名单内机关表二、三、四逐项合计，公开率、纠错率等指标（附 XLSX）\n"
    "　例如：/summary 2024"
)
USAGE = {
    "season": "用法：/season [年度]\n例如：/season 或 /season 2024",
    "summary": "用法：/summary [年度]\n例如：/summary 或 /summary 2024",
}

STATUS_ZH = {
    "new": "新保存",
    "superseded": "已替换旧版本",
    "duplicate": "此前已保存",
    "unsaved": "已检查，未保存",
    "same": "与另一文件相同",
    "refused": "未读取",
    "failed": "无法读取",
}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _n(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if value != int(value) else str(int(value))


def _counts(errors: int | None, warnings: int | None) -> str:
    if not errors and not warnings:
        return "未发现问题"
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if warnings:
        parts.append(f"{warnings} 个提示")
    return "、".join(parts)


# ---------------------------------------------------------------- a ZIP


def progress_text(name: str, done: int, total: int) -> str:
    return f"📦 《{name}》：已检查 {done}/{total}"


def _file_line(f: FileOutcome) -> str:
    r = f.report
    line = f"• {f.agency} {r.year or '？'} 年度：{_counts(f.errors, f.warnings)}（{f.path}）"
    if f.status == "unsaved":
        line += f"，未保存：{f.reason}"
    return line


def batch_text(result: BatchResult) -> str:
    """The one reply to a ZIP: counts, agencies with errors first, files not read with the reason."""
    read = result.read
    errors = [f for f in read if f.errors]
    warnings = [f for f in read if not f.errors and f.warnings]
    clean = [f for f in read if not f.errors and not f.warnings]
    files = len(result.files)
    lines = [
        f"📦 《{result.name}》检查完成：共 {files} 个文件，读取 {len(read)} 份报告。",
        f"有错误 {len(errors)} 份，仅有提示 {len(warnings)} 份，未发现问题 {len(clean)} 份。",
    ]
    saved = {s: sum(f.status == s for f in read) for s in ("new", "superseded", "duplicate", "unsaved")}
    parts = [f"新保存 {saved['new'] + saved['superseded']} 份"]
    if saved["superseded"]:
        parts.append(f"其中替换旧版本 {saved['superseded']} 份")
    if saved["duplicate"]:
        parts.append(f"此前已保存 {saved['duplicate']} 份")
    if saved["unsaved"]:
        parts.append(f"未能保存 {saved['unsaved']} 份")
    lines.append("，".join(parts) + "。")
    if errors:
        lines += ["", f"❗ 有错误的机关（{len(errors)}）："]
        lines += [_file_line(f) for f in sorted(errors, key=lambda f: (-f.errors, f.agency))]
    if warnings:
        lines += ["", f"⚠️ 仅有提示（{len(warnings)}）："]
        lines += [_file_line(f) for f in sorted(warnings, key=lambda f: f.agency)]
    if clean:
        lines += [
            "",
            f"✅ 未发现问题（{len(clean)}）："
            + "、".join(f"{f.agency} {f.report.year or '？'}" for f in clean),
        ]
    unreadable = result.unreadable
    if unreadable:
        lines += ["", f"❌ 无法读取的文件（{len(unreadable)}）："]
        lines += [f"• {f.path}：{f.reason}" for f in unreadable]
    repeats = result.repeats()
    if result.same or repeats:
        lines += ["", "↺ 重复的报告："]
        lines += [f"• {f.path} 与 {f.same_as} 内容相同，只检查一次" for f in result.same]
        for kept, others in repeats:
            names = "、".join(f.path for f in [*others, kept])
            lines.append(
                f"• {kept.agency} {kept.report.year} 年度有 {len(others) + 1} 个文件（{names}），"
                f"以 {kept.path} 为准"
            )
    if result.ignored:
        lines += ["", f"已忽略 {result.ignored} 个文件夹和系统文件（如 __MACOSX、Thumbs.db）。"]
    if read:
        lines += [
            "",
            "每份报告的问题见附件 XLSX「年报检查情况表」的「问题清单」；发送 /season 查看全部机关的报送情况。",
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------- /season


def _agency_line(a: AgencyStatus, today) -> str:
    if not a.reported:
        state = "逾期未报" if a.late else f"未报（{zh_date(a.due)}截止）"
        return f"❌ {a.agency}：{state}"
    mark = "❗" if a.errors else ("⚠️" if a.warnings else "✅")
    if a.published is None:
        when = "已报，落款日期不详"
    else:
        when = f"{a.published.isoformat()} 发布，{'逾期' if a.late else '按时'}"
    return f"{mark} {a.agency}：{when}；{_counts(a.errors, a.warnings)}"


def season_text(s: SeasonStatus) -> str:
    """/season and `nianbao season`: one line per agency by kind, totals per kind, agencies off the roster."""
    lines = [f"📊 {s.report_year} 年度政府信息公开工作年度报告报送情况（{zh_date(s.today)}）"]
    if not s.agencies and not s.not_on_roster:
        lines.append("还没有应报机关名单，也没有已保存的该年度报告。")
        lines.append("请用 /roster add 机关 类别 添加名单，或直接发送报告（可打包成 ZIP）。")
        return "\n".join(lines)
    reported = [a for a in s.agencies if a.reported]
    late = sum(a.late is True for a in reported)
    errors = sum(bool(a.errors) for a in reported)
    lines.append(
        f"应报 {len(s.agencies)} 个，已报 {len(reported)} 个（逾期 {late} 个），"
        f"未报 {len(s.agencies) - len(reported)} 个；已报告中有错误的 {errors} 个。"
    )
    if not s.from_roster:
        lines.append("（尚无应报机关名单：按上一年度和本年度已提交报告的机关统计，类别按名称推断。）")
    for t in s.totals:
        lines += [
            "",
            f"【{t.kind}】{zh_date(t.due)}截止：应报 {t.agencies}，已报 {t.reported}"
            f"（逾期 {t.late}{f'，落款日期不详 {t.undated}' if t.undated else ''}），"
            f"未报 {t.missing}，有错误 {t.with_errors}",
        ]
        lines += [_agency_line(a, s.today) for a in s.agencies if a.kind == t.kind]
    if s.not_on_roster:
        lines += ["", f"【不在名单中但已报送】{len(s.not_on_roster)} 个"]
        lines += [_agency_line(a, s.today) for a in s.not_on_roster]
    lines += ["", "附件 XLSX「年报检查情况表」含全部机关和「问题清单」（每条问题一行，可转给各机关更正）。"]
    return "\n".join(lines)


# ---------------------------------------------------------------- /summary


def _indicator_line(i: Indicators) -> str:
    parts = []
    if i.processed:
        parts.append(f"办结 {_n(i.processed)} 件，公开率 {percent(i.granted_share)}")
    if i.review_total:
        parts.append(f"复议 {_n(i.review_total)} 件，纠错率 {percent(i.review_rate)}")
    if i.litigation_total:
        parts.append(f"诉讼 {_n(i.litigation_total)} 件，纠错率 {percent(i.litigation_rate)}")
    return f"• {i.agency}：" + "；".join(parts)


def summary_text(s: Summary) -> str:
    lines = [f"📈 {s.report_year} 年度政府信息公开工作汇总（{s.template} 年版表格口径）"]
    if not s.covered:
        lines.append(
            "该年度还没有可汇总的报告。" + (f"名单内 {s.expected} 个机关均未报送。" if s.expected else "")
        )
        return "\n".join(lines)
    scope = (
        f"名单内 {s.expected} 个机关"
        if s.from_roster
        else f"尚无应报机关名单，按上一年度和本年度报送过的 {s.expected} 个机关统计"
    )
    lines.append(f"汇总 {len(s.covered)} 份报告（{scope}）。")
    if s.missing:
        lines.append(f"未报 {len(s.missing)} 个，未计入：{'、'.join(s.missing)}")
    if s.not_on_roster:
        lines.append(f"不在名单中的 {len(s.not_on_roster)} 份报告未计入：{'、'.join(s.not_on_roster)}")
    lines.append("")
    lines += key_figures(s.totals)
    t = s.total
    lines.append("")
    lines.append(
        f"公开率（予以公开＋部分公开）/办结：{_n((t.granted or 0) + (t.partially_granted or 0))}"
        f"/{_n(t.processed)}＝{percent(t.granted_share)}"
    )
    lines.append(
        f"行政复议纠错率（结果纠正/总计）：{_n(t.review_corrected)}/{_n(t.review_total)}＝{percent(t.review_rate)}"
    )
    lines.append(
        f"行政诉讼纠错率（结果纠正/总计）：{_n(t.litigation_corrected)}/{_n(t.litigation_total)}"
        f"＝{percent(t.litigation_rate)}"
    )
    busy = [i for i in s.per_agency if i.processed or i.review_total or i.litigation_total]
    if busy:
        lines += ["", "各机关（有申请或复议诉讼的）："]
        lines += [_indicator_line(i) for i in busy]
    if s.notes:
        lines += ["", "说明："]
        lines += [f"• {n}" for n in s.notes]
    lines += ["", "附件 XLSX 含表二、三、四逐项合计和各机关指标。"]
    return "\n".join(lines)
