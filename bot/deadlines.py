"""Reporting deadlines: who must publish the annual report by when, who has and who has not.

Pure: dates, names and sets in, statuses out; the database is read by storage/roster.py.

Deadlines (《政府信息公开条例》第四十九条, 国办公开办函〔2021〕30号), in the year after the report
year: 县级以上人民政府部门, 乡镇人民政府 and 街道办事处 by 31 January; the county-level
government's report by 20 February, the city-level by 10 March, the provincial by 31 March. A
place may set earlier internal dates: NIANBAO_DEADLINES="乡镇=01-20,部门=01-25".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from parser.agency import KINDS, LEGAL_DUE, agency_kind

DEFAULT_DUE = LEGAL_DUE
AFTER = -1  # the reminder "day" of the notice sent the day after a deadline

# Other ways people write a kind in a roster or a command.
_KIND_ALIASES = {
    "部门": "部门",
    "政府部门": "部门",
    "县级以上人民政府部门": "部门",
    "人民政府部门": "部门",
    "单位": "部门",
    "乡镇": "乡镇",
    "乡": "乡镇",
    "镇": "乡镇",
    "乡镇政府": "乡镇",
    "乡镇人民政府": "乡镇",
    "苏木": "乡镇",
    "街道": "街道",
    "街道办": "街道",
    "街道办事处": "街道",
    "县级政府": "县级政府",
    "县级": "县级政府",
    "县级人民政府": "县级政府",
    "县政府": "县级政府",
    "区政府": "县级政府",
    "县区政府": "县级政府",
    "市级政府": "市级政府",
    "市级": "市级政府",
    "市级人民政府": "市级政府",
    "市政府": "市级政府",
    "设区的市级人民政府": "市级政府",
    "地市级政府": "市级政府",
    "省级政府": "省级政府",
    "省级": "省级政府",
    "省级人民政府": "省级政府",
    "省政府": "省级政府",
}


def parse_kind(text: str) -> str | None:
    """One of KINDS for what a user wrote (部门, 乡镇, 街道办事处, 县政府, …), else None."""
    return _KIND_ALIASES.get(re.sub(r"\s+", "", text or ""))


def guess_kind(name: str) -> str:
    """The kind an agency's name suggests, for agencies on no roster (部门 when the name does not tell)."""
    return agency_kind(name) or "部门"


_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?$")


def parse_month_day(text: str) -> tuple[int, int]:
    m = _MONTH_DAY.match(text.strip())
    if not m:
        raise ValueError(f"invalid date {text!r}: expected MM-DD")
    month, day = int(m.group(1)), int(m.group(2))
    date(2023, month, day)  # a date every year has (no 29 February)
    return month, day


def parse_overrides(text: str | None) -> dict[str, tuple[int, int]]:
    """ "乡镇=01-20,部门=01-25" → {"乡镇": (1, 20), "部门": (1, 25)}."""
    out: dict[str, tuple[int, int]] = {}
    for part in re.split(r"[,，;；\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*[=:：]\s*(.+)", part)
        kind = parse_kind(m.group(1)) if m else None
        if kind is None:
            raise ValueError(
                f"invalid deadline {part!r}: expected KIND=MM-DD with KIND one of {'、'.join(KINDS)}"
            )
        out[kind] = parse_month_day(m.group(2))
    return out


class DeadlineSettings(BaseSettings):
    """Deadline and reminder settings from the environment or `.env` (to be merged into bot.settings)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # NIANBAO_DEADLINES="乡镇=01-20,部门=01-25": earlier local dates, by kind.
    nianbao_deadlines: Annotated[dict[str, tuple[int, int]], NoDecode] = Field(default_factory=dict)
    # REMIND_DAYS="14,7,3,1": days before each deadline a reminder goes out.
    remind_days: Annotated[tuple[int, ...], NoDecode] = (14, 7, 3, 1)
    remind_time: time = time(9, 0)
    tz: str = "Asia/Shanghai"
    # How often the bot looks for due reminders (it also looks at REMIND_TIME and at start-up).
    remind_check_minutes: float = Field(5.0, gt=0)

    @field_validator("nianbao_deadlines", mode="before")
    @classmethod
    def _overrides(cls, value):
        if value is None:
            return {}
        if isinstance(value, str):
            return parse_overrides(value)
        return {parse_kind(k) or k: parse_month_day(v) if isinstance(v, str) else v for k, v in value.items()}

    @field_validator("nianbao_deadlines")
    @classmethod
    def _known_kinds(cls, value):
        for kind in value:
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r}; one of {'、'.join(KINDS)}")
        return value

    @field_validator("remind_days", mode="before")
    @classmethod
    def _days(cls, value):
        if value is None:
            return ()
        if isinstance(value, str):
            value = [p for p in re.split(r"[,，\s;]+", value.strip()) if p]
        days = sorted({int(v) for v in value}, reverse=True)
        if any(d < 0 for d in days):
            raise ValueError("REMIND_DAYS must be days before the deadline (0 or more)")
        return tuple(days)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(self.nianbao_deadlines)


def load_deadline_settings(env_file: str | None = ".env", **overrides) -> DeadlineSettings:
    return DeadlineSettings(_env_file=env_file, **overrides)


@dataclass(frozen=True)
class Deadlines:
    """Due dates by kind: the defaults with a place's overrides."""

    overrides: dict[str, tuple[int, int]] | None = None

    def month_day(self, kind: str) -> tuple[int, int]:
        return (self.overrides or {}).get(kind, DEFAULT_DUE[kind])

    def due(self, kind: str, report_year: int) -> date:
        month, day = self.month_day(kind)
        return date(report_year + 1, month, day)

    def last_due(self, report_year: int) -> date:
        return max(self.due(k, report_year) for k in KINDS)

    def groups(self, report_year: int) -> list[tuple[date, tuple[str, ...]]]:
        """Due dates in order, each with the kinds due then (one reminder covers them all)."""
        by_date: dict[date, list[str]] = {}
        for kind in KINDS:
            by_date.setdefault(self.due(kind, report_year), []).append(kind)
        return sorted((d, tuple(kinds)) for d, kinds in by_date.items())

    def report_year(self, today: date) -> int:
        """The report year being collected: last year's, until its last deadline has passed."""
        return today.year - 1 if today <= self.last_due(today.year - 1) else today.year


def group_label(kinds: tuple[str, ...] | list[str]) -> str:
    """The send log's name of a deadline: its kinds, e.g. '部门,乡镇,街道'."""
    return ",".join(k for k in KINDS if k in kinds)


@dataclass(frozen=True)
class Expected:
    """An agency expected to report: its name as listed, kind, and the stored agency it resolved to."""

    name: str
    kind: str
    agency_id: int | None = None


class DeadlineStatus(BaseModel):
    kind: str
    due: date
    agencies: int
    reported: list[str]
    missing: list[str]
    # reported agencies whose stored report has errors open (for reminders; not in `deadlines --json`)
    errors: dict[str, int] = Field(default_factory=dict, exclude=True)


class Season(BaseModel):
    report_year: int
    deadlines: list[DeadlineStatus]

    def of(self, kinds) -> list[DeadlineStatus]:
        return [d for d in self.deadlines if d.kind in kinds]


def season(
    report_year: int,
    expected: list[Expected],
    reported_ids: set[int],
    deadlines: Deadlines,
    errors: Mapping[int, int] | None = None,
) -> Season:
    """Every kind's deadline for the report year, in date order, with who reported and who is missing.

    `errors`: agency id → errors open in its stored report, for the reported agencies that have some."""
    out = []
    errors = errors or {}
    for kind in sorted(KINDS, key=lambda k: (deadlines.due(k, report_year), KINDS.index(k))):
        mine = [e for e in expected if e.kind == kind]
        done = [e for e in mine if e.agency_id is not None and e.agency_id in reported_ids]
        missing = [e.name for e in mine if e.agency_id is None or e.agency_id not in reported_ids]
        out.append(
            DeadlineStatus(
                kind=kind,
                due=deadlines.due(kind, report_year),
                agencies=len(mine),
                reported=[e.name for e in done],
                missing=missing,
                errors={e.name: errors[e.agency_id] for e in done if errors.get(e.agency_id)},
            )
        )
    return Season(report_year=report_year, deadlines=out)


# ---------------------------------------------------------------- text


_WEEKDAYS = "一二三四五六日"


def zh_date(d: date, weekday: bool = False) -> str:
    out = f"{d.year}年{d.month}月{d.day}日"
    return out + f"（星期{_WEEKDAYS[d.weekday()]}）" if weekday else out


def days_phrase(today: date, due: date) -> str:
    n = (due - today).days
    if n > 0:
        return f"还有 {n} 天"
    if n == 0:
        return "今天截止"
    return f"已过 {-n} 天"


def season_text(s: Season, today: date) -> str:
    """/deadlines and `nianbao deadlines`: each deadline with its date, counts and the missing agencies."""
    lines = [f"📅 {s.report_year} 年度政府信息公开工作年度报告（今天：{zh_date(today)}）"]
    shown = [d for d in s.deadlines if d.agencies]
    if not shown:
        lines.append("还没有应报机关名单，上一年度也没有已保存的报告。")
        lines.append("请用 /roster add 机关 类别 添加，或 nianbao roster import 名单.xlsx 导入。")
        lines.append("截止日期：" + "；".join(f"{d.kind} {zh_date(d.due)}" for d in s.deadlines))
        return "\n".join(lines)
    for d in shown:
        lines.append("")
        lines.append(
            f"【{d.kind}】{zh_date(d.due)}截止（{days_phrase(today, d.due)}）："
            f"应报 {d.agencies} 个，已报 {len(d.reported)} 个，未报 {len(d.missing)} 个"
        )
        if d.missing:
            lines.append("　未报：" + "、".join(d.missing))
    empty = [d.kind for d in s.deadlines if not d.agencies]
    if empty:
        lines.append("")
        lines.append(f"（{'、'.join(empty)}：名单中没有此类机关）")
    return "\n".join(lines)


def reminder_text(report_year: int, due: date, statuses: list[DeadlineStatus], day: int, today: date) -> str:
    """A reminder before a deadline (day ≥ 0) or the notice after it (day == AFTER)."""
    total = sum(d.agencies for d in statuses)
    missing = sum(len(d.missing) for d in statuses)
    kinds = "、".join(d.kind for d in statuses if d.agencies)
    if day == AFTER:
        if not missing:
            head = (
                f"✅ {report_year} 年度政府信息公开工作年度报告（{kinds}）已于 {zh_date(due)} 截止，"
                f"应报的 {total} 个机关均已提交。"
            )
            return "\n".join([head, *_errors_open(statuses)])
        lines = [
            f"⚠️ {report_year} 年度政府信息公开工作年度报告（{kinds}）已于 {zh_date(due)} 截止。",
            f"以下 {missing} 个机关逾期尚未提交（应报 {total} 个）：",
        ]
    else:
        when = "今天" if (due - today).days == 0 else f"还有 {(due - today).days} 天"
        lines = [
            f"⏰ 年报提醒：{report_year} 年度政府信息公开工作年度报告（{kinds}）应于 "
            f"{zh_date(due, weekday=True)}前公布，{when}。",
            f"以下 {missing} 个机关尚未提交（应报 {total} 个）：",
        ]
    for d in statuses:
        if d.missing:
            lines.append("")
            lines.append(f"【{d.kind}】{len(d.missing)} 个")
            lines += [f"{n}. {name}" for n, name in enumerate(d.missing, start=1)]
    if day == AFTER:
        lines += _errors_open(statuses)
    lines.append("")
    lines.append("收到报告后请直接发给我检查；已保存的机关会自动从名单中去掉。发送 /deadlines 查看最新情况。")
    return "\n".join(lines)


def _errors_open(statuses: list[DeadlineStatus]) -> list[str]:
    """After a deadline: the agencies whose stored report still has errors, to be corrected and republished."""
    count = sum(len(d.errors) for d in statuses)
    if not count:
        return []
    lines = [
        "",
        f"以下 {count} 个机关已提交的报告仍有错误，请督促更正后重新发布（发送 /season 查看问题清单）：",
    ]
    for d in statuses:
        if d.errors:
            lines.append(f"【{d.kind}】")
            lines += [
                f"{n}. {name}（{errors} 个错误）"
                for n, (name, errors) in enumerate(d.errors.items(), start=1)
            ]
    return lines


def send_times(due: date, days: tuple[int, ...]) -> list[tuple[int, date]]:
    """(day, date) of each reminder of a deadline: the days before it, then the day after."""
    return [(d, due - timedelta(days=d)) for d in sorted(set(days), reverse=True)] + [
        (AFTER, due + timedelta(days=1))
    ]


# The bot commands this feature adds, for the menu and /help.
COMMANDS: list[tuple[str, str]] = [
    ("deadlines", "年报截止日期和未报机关"),
    ("remind", "截止日期提醒：/remind on 或 /remind off"),
    ("roster", "应报机关名单：/roster [add 机关 类别 | remove 机关]"),
]

HELP_LINES = (
    "/deadlines — 各类机关的截止日期、已报和未报机关\n"
    "/remind on|off — 开启或关闭本会话的截止日期提醒（群组需管理员操作）\n"
    "/roster — 查看应报机关名单\n"
    "/roster add 机关 类别 — 添加（仅管理员），类别：" + "、".join(KINDS) + "\n"
    "　例如：/roster add 掌政镇 乡镇\n"
    "/roster remove 机关 — 移除（仅管理员）"
)
