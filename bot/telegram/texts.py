"""What users read: the command menu, help, usage lines, and the lines around a checked file."""

from __future__ import annotations

from datetime import datetime

from telegram import BotCommand

from bot import deadlines, xlsx
from bot import review as reviewing
from bot.season import texts as season
from bot.service import CheckResult
from bot.settings import Settings
from parser import reply
from parser.errors import ReportError
from parser.model import Report

FORMATS = "PDF、DOCX、DOC、WPS、ODT、RTF、HTML、TXT，以及扫描件（PNG、JPEG、TIFF 图片或扫描的 PDF）"

COMMANDS: list[tuple[str, str]] = [
    ("start", "开始使用"),
    ("help", "使用说明和命令示例"),
    ("compare", "比较两个年度：/compare 机关 年份 年份"),
    ("trend", "历年主要数据和折线图：/trend 机关"),
    ("list", "已保存的报告：/list [机关]"),
    ("show", "查看报告检查结果：/show 机关 年份"),
    ("export", "导出全部报告（XLSX）：/export [年份]"),
    ("delete", "删除报告（管理员）：/delete 机关 年份"),
    ("whoami", "显示我的用户 ID 和会话 ID"),
    *deadlines.COMMANDS,
    *season.COMMANDS,
    *reviewing.COMMANDS,
]
BOT_COMMANDS = [BotCommand(name, description) for name, description in COMMANDS]

USAGE = {
    "compare": "用法：/compare 机关 年份 年份\n例如：/compare 掌政镇 2023 2024",
    "trend": "用法：/trend 机关\n例如：/trend 掌政镇",
    "list": "用法：/list [机关]\n例如：/list 或 /list 掌政镇",
    "show": "用法：/show 机关 年份\n例如：/show 掌政镇 2024",
    "export": "用法：/export [年份]\n例如：/export 或 /export 2024",
    "delete": "用法：/delete 机关 年份（仅管理员）\n例如：/delete 掌政镇 2024",
    **reviewing.USAGE,
}

START_TEXT = (
    "您好！我是年报助手，帮您检查政府信息公开工作年度报告。\n\n"
    f"直接把报告文件发给我（{FORMATS}，可以一次发送多个），我会读取表格和正文，"
    "核对勾稽关系、文字与表格是否一致、格式是否符合模板，并与该机关上一年度的报告比较。\n\n"
    "发送 /help 查看全部命令。"
)

HELP_TEXT = (
    "📋 年报助手使用说明\n\n"
    "【检查报告】直接发送年度报告文件，可一次发送多个。\n"
    f"支持格式：{FORMATS}。按文件内容识别格式，与文件名无关。\n"
    "扫描件会先做文字识别（OCR），每页约需数秒，识读可能有误的单元格会在回复中标出。\n"
    "每个文件会收到：检查摘要、发现的问题、与上一年度的比较（如已保存上一年度报告），"
    "以及一份包含全部表格和问题清单的 XLSX 文件。\n\n"
    "【命令】\n"
    "/compare 机关 年份 年份 — 比较同一机关两个年度：变化最大的项目和主要数据对比图\n"
    "　例如：/compare 掌政镇 2023 2024\n"
    "/trend 机关 — 同一机关历年的主要数据和折线图\n"
    "　例如：/trend 掌政镇\n"
    "/list [机关] — 列出已保存的报告\n"
    "　例如：/list 或 /list 掌政镇\n"
    "/show 机关 年份 — 再次查看某份报告的检查结果\n"
    "　例如：/show 掌政镇 2024\n"
    "/export [年份] — 导出已保存报告的全部数据（XLSX）\n"
    "　例如：/export 或 /export 2024\n"
    "/delete 机关 年份 — 删除一份报告（仅管理员，删除前会请您确认）\n"
    "　例如：/delete 掌政镇 2024\n"
    "/whoami — 显示您的用户 ID 和会话 ID（申请使用权限时发给管理员）\n"
    f"{deadlines.HELP_LINES}\n"
    f"{season.HELP_LINES}\n"
    f"{reviewing.HELP_LINES}\n"
    "/help — 显示本说明　/start — 欢迎语\n\n"
    "机关名称可以用简称，如「掌政镇」；匹配到多个机关时会请您选择。"
)

APOLOGY = "抱歉，处理时出现了意外错误，已记录日志。请稍后重试；如果反复出现，请联系管理员。"
REFUSAL = "抱歉，您没有使用本机器人的权限。"

STAGES = {
    "downloading": "📥 正在下载《{name}》…",
    "reading": "📖 正在读取和检查《{name}》…",
    "ocr": "🔎 正在识别扫描件《{name}》第 {page}/{pages} 页…",
    "saving": "💾 正在保存并与上一年度比较《{name}》…",
}


def split_messages(text: str) -> list[str]:
    """Split at line ends into messages Telegram accepts (≤ 4096 characters)."""
    return reply.split_messages(text.split("\n"))


def error_message(exc: ReportError, name: str) -> str:
    return f"❌ 《{name}》无法处理：{exc.zh}"


def status_line(result: CheckResult, name: str) -> str:
    from bot.review import open_counts

    report = result.report
    errors, warnings, dismissed = open_counts(report, result.reviews)
    what = f"{report.agency or report.agency_short or '未识别机关'} {report.year or '？'} 年度报告"
    line = f"✅ 《{name}》检查完成：{what}，{errors} 个错误、{warnings} 个提示。"
    if dismissed:
        line += f"另有 {dismissed} 个已核实不是问题，不计入。"
    if result.status == "duplicate":
        line += "\n该文件此前已保存，本次未重复保存。"
    elif result.status == "superseded":
        line += "\n已替换此前保存的同一年度版本。"
    elif result.status == "unsaved":
        line += f"\n（{result.note or '未保存'}）"
    return line


def result_messages(result: CheckResult, name: str) -> list[str]:
    """Everything a user reads after sending a file: the status line, then the reply."""
    return [status_line(result, name), *reply.format_reply(result.report, result.comparison)]


def xlsx_filename(report: Report) -> str:
    who = report.agency_short or report.agency or "年报"
    return xlsx.safe_filename(f"{who}{report.year or ''}年报检查结果") + ".xlsx"


def local_time(settings: Settings, iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
