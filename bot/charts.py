"""Charts as PNG: two years side by side (/compare), every year (/trend), the season by kind (/season).

Pure: data in, PNG bytes out. matplotlib is imported on first use (bot start-up and the CLI stay
fast), drawn headless with the Agg canvas and no pyplot state. Text is drawn with a CJK font found by
family name; without one, or if a label has a character the font lacks, ChartError says so in
Chinese instead of a picture of empty boxes.

The figures differ by orders of magnitude (3 applications, 2 000 penalty decisions), so each figure
gets its own small panel with its own scale and its values written on it, rather than one shared axis.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bot.figures import KEY_FIGURES, Number, Trend, fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Family names tried in order; fonts-noto-cjk provides the first ones (./run.sh installs it).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
NO_FONT = "无法生成图表：系统中没有中文字体（需要 Noto Sans CJK）。请安装 fonts-noto-cjk（sudo apt-get install fonts-noto-cjk）后重试。"

FIRST, SECOND = "#9ecae1", "#2171b5"  # the earlier and the later year
UP, DOWN, FLAT = "#c0392b", "#1e8449", "#555555"
LINE = "#2171b5"
SEASON_COLOURS = {"reported": "#2171b5", "late": "#fd8d3c", "with_errors": "#cb181d", "missing": "#969696"}
SEASON_LABELS = {"reported": "已报送", "late": "逾期报送", "with_errors": "有错误", "missing": "未报送"}
DPI = 120
COLUMNS = 5  # panels per row

# FreeType faces are shared between figures and are not thread-safe; charts are drawn in to_thread.
_LOCK = threading.RLock()


class ChartError(Exception):
    """A chart that cannot be drawn; `zh` is the message for the user."""

    def __init__(self, zh: str):
        super().__init__(zh)
        self.zh = zh


@cache
def cjk_family() -> str:
    """The first CJK family installed, found by name (never matplotlib's default font)."""
    from matplotlib import font_manager

    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    raise ChartError(NO_FONT)


def _rc(family: str) -> dict[str, Any]:
    return {
        "font.family": [family],
        "font.size": 10,
        "axes.unicode_minus": False,
        "text.parse_math": False,
    }


def fonts_used(fig: Figure) -> list[tuple[str, str, str]]:
    """Every text drawn in the figure: (text, font file matplotlib resolved for it, characters it lacks)."""
    from matplotlib import font_manager
    from matplotlib.text import Text

    out = []
    for text in fig.findobj(Text):
        s = text.get_text()
        if not s or not text.get_visible():
            continue
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        font = font_manager.get_font(path)
        missing = "".join(sorted({ch for ch in s if not ch.isspace() and font.get_char_index(ord(ch)) == 0}))
        out.append((s, str(path), missing))
    return out


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    missing = "".join(sorted({ch for _, _, m in fonts_used(fig) for ch in m}))
    if missing:
        raise ChartError(f"无法生成图表：中文字体 {cjk_family()} 缺少字符「{missing}」。")
    canvas = FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def _build(builder, *args) -> Figure:
    """A figure whose texts take the CJK font (fixed when each text is made, so rendering needs no context)."""
    import matplotlib

    family = cjk_family()  # raises before anything is drawn
    with _LOCK, matplotlib.rc_context(_rc(family)):
        return builder(*args)


def _draw(builder, *args) -> bytes:
    with _LOCK:
        return _png(_build(builder, *args))


# ---------------------------------------------------------------- numbers


def change_text(a: Number | None, b: Number | None, years: tuple[int, int] = (0, 0)) -> tuple[str, str]:
    """The change from a to b as a clerk writes it, and its colour."""
    if a is None or b is None:
        gone = [str(y) for y, v in zip(years, (a, b), strict=True) if v is None]
        return f"{'、'.join(gone)} 年无此项", FLAT
    diff = b - a
    if diff == 0:
        return "持平", FLAT
    percent = f"{abs(diff) / a * 100:.0f}%" if a else ""
    if diff > 0:
        return f"▲ 增加 {fmt(diff)}" + (f"，增长 {percent}" if percent else ""), UP
    return f"▼ 减少 {fmt(-diff)}" + (f"，下降 {percent}" if percent else ""), DOWN


def _grid(n: int):
    cols = min(COLUMNS, n)
    return math.ceil(n / cols), cols


def _panel(ax, title: str) -> None:
    ax.set_title(title, fontsize=11, fontweight="bold", pad=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", left=False, labelleft=False)


def _footnotes(fig, notes: list[str]) -> None:
    if notes:
        fig.text(
            0.01, 0.01, "\n".join(notes), fontsize=9, color="#555555", ha="left", va="bottom", linespacing=1.7
        )


def _shown(trend: Trend):
    return [f for f in KEY_FIGURES if any(v is not None for v in trend.series(f.key))]


def _template_note(trend: Trend, keys: list[str]) -> list[str]:
    old = [str(y.year) for y in trend.years if y.template == "2019"]
    if old and "normative_in_force" in keys:
        return [
            f"{'、'.join(old)} 年度报告为 2019 年版格式，没有“现行有效件数”，“规范性文件现行有效”该年空缺。"
        ]
    return []


# ---------------------------------------------------------------- /compare


def _compare_figure(trend: Trend) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    first, second = trend.years
    figures = _shown(trend)
    rows, cols = _grid(max(len(figures), 1))
    fig = Figure(figsize=(2.5 * cols + 0.3, 2.7 * rows + 1.5), dpi=DPI)
    fig.suptitle(
        f"{trend.agency}\n{first.year} 年与 {second.year} 年主要数据对比", fontsize=14, fontweight="bold"
    )
    starred = False
    for i, figure in enumerate(figures):
        ax = fig.add_subplot(rows, cols, i + 1)
        _panel(ax, figure.short)
        values = [first.values.get(figure.key), second.values.get(figure.key)]
        top = max((v for v in values if v is not None), default=0) or 1
        for x, (year, value, colour) in enumerate(zip((first, second), values, (FIRST, SECOND), strict=True)):
            label = fmt(value)
            if value is not None:
                ax.bar(x, value, width=0.62, color=colour)
                if figure.key in year.from_text:
                    label += "*"
                    starred = True
            ax.text(x, (value or 0) + top * 0.04, label, ha="center", va="bottom", fontsize=11)
        ax.set_xticks([0, 1], [f"{first.year}年", f"{second.year}年"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylim(0, top * 1.35)
        text, colour = change_text(*values, (first.year, second.year))
        ax.set_xlabel(text, color=colour, fontsize=11, fontweight="bold")
    if not figures:
        fig.text(0.5, 0.5, "两个年度都没有这些主要数据。", ha="center", va="center", fontsize=12)
    fig.legend(
        handles=[Patch(color=FIRST, label=f"{first.year}年"), Patch(color=SECOND, label=f"{second.year}年")],
        loc="upper right",
        ncols=2,
        frameon=False,
    )
    return _finish(fig, trend, figures, "“—”表示该年度报告中没有这一项。", starred, rows)


def _finish(fig: Figure, trend: Trend, figures: list, first_note: str, starred: bool, rows: int) -> Figure:
    """The footnotes under a chart of key figures (what a gap means, figures from the text, 2019 layout)."""
    notes = [first_note]
    if starred:
        notes.append("标 * 的数据取自报告正文（该年度报告没有相应表格）。")
    notes += _template_note(trend, [f.key for f in figures])
    _footnotes(fig, notes)
    fig.tight_layout(rect=(0, 0.02 + 0.035 * len(notes), 1, 0.95 if rows > 1 else 0.89), h_pad=2.0)
    return fig


def compare_figure(trend: Trend) -> Figure:
    return _build(_compare_figure, trend)


def compare_chart(trend: Trend) -> bytes:
    """PNG: each key figure of the two years as a pair of bars, with the change under it."""
    if len(trend.years) != 2:
        raise ValueError("compare_chart needs exactly two years")
    return _draw(_compare_figure, trend)


# ---------------------------------------------------------------- /trend


def _trend_figure(trend: Trend) -> Figure:
    from matplotlib.figure import Figure

    years = [y.year for y in trend.years]
    figures = _shown(trend)
    rows, cols = _grid(max(len(figures), 1))
    fig = Figure(figsize=(2.7 * cols + 0.3, 2.6 * rows + 1.3), dpi=DPI)
    span = f"{years[0]}—{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年" if years else ""
    fig.suptitle(f"{trend.agency}\n历年主要数据（{span}）", fontsize=14, fontweight="bold")
    starred = False
    for i, figure in enumerate(figures):
        ax = fig.add_subplot(rows, cols, i + 1)
        _panel(ax, figure.short)
        series = trend.series(figure.key)
        top = max((v for v in series if v is not None), default=0) or 1
        ax.plot(years, [math.nan if v is None else v for v in series], color=LINE, marker="o", linewidth=2)
        for year, value in zip(trend.years, series, strict=True):
            if value is None:
                continue
            label = fmt(value)
            if figure.key in year.from_text:
                label += "*"
                starred = True
            ax.text(year.year, value + top * 0.06, label, ha="center", va="bottom", fontsize=10)
        ax.set_xticks(years, [str(y) for y in years], fontsize=9)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_ylim(-top * 0.06, top * 1.35)  # points at 0 stay visible above the axis line
    if not figures:
        fig.text(0.5, 0.5, "已保存的报告中没有这些主要数据。", ha="center", va="center", fontsize=12)
    return _finish(
        fig, trend, figures, "横轴为报告年度；折线断开处表示该年度报告中没有这一项。", starred, rows
    )


def trend_figure(trend: Trend) -> Figure:
    return _build(_trend_figure, trend)


def trend_chart(trend: Trend) -> bytes:
    """PNG: each key figure as a line over every stored year, with its values written at the points."""
    if not trend.years:
        raise ValueError("trend_chart needs at least one year")
    return _draw(_trend_figure, trend)


# ---------------------------------------------------------------- /season


class SeasonKind(BaseModel):
    """One kind of agency (部门, 乡镇, 街道 …) in a report season. Late and with-errors are reported too."""

    kind: str
    expected: int = 0  # on the roster
    reported: int = 0
    late: int = 0
    with_errors: int = 0
    missing: int = 0


class SeasonChartData(BaseModel):
    report_year: int
    kinds: list[SeasonKind]

    @classmethod
    def from_agencies(
        cls, report_year: int, agencies: Iterable[Any], order: Iterable[str] = ()
    ) -> SeasonChartData:
        """Count the season's agency lines per kind.

        Each item has `kind`, `reported` (bool), `late` (bool) and `errors` (int) — as attributes or as
        keys, like the `agencies` of `nianbao season --json`. `order`: the kinds first, in this order."""

        def get(item, name):
            return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)

        counts: dict[str, SeasonKind] = {k: SeasonKind(kind=k) for k in order}
        for item in agencies:
            kind = get(item, "kind") or "其他"
            row = counts.setdefault(kind, SeasonKind(kind=kind))
            row.expected += 1
            if get(item, "reported"):
                row.reported += 1
                row.late += bool(get(item, "late"))
                row.with_errors += bool(get(item, "errors"))
            else:
                row.missing += 1
        return cls(report_year=report_year, kinds=[k for k in counts.values() if k.expected])


def _season_figure(data: SeasonChartData) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    groups = list(data.kinds)
    if len(groups) > 1:
        groups.append(
            SeasonKind(
                kind="合计",
                **{
                    f: sum(getattr(k, f) for k in groups)
                    for f in ("expected", "reported", "late", "with_errors", "missing")
                },
            )
        )
    fields = list(SEASON_LABELS)
    fig = Figure(figsize=(max(6.5, 1.9 * len(groups) + 2), 5.2), dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(fields)
    top = max((getattr(g, f) for g in groups for f in fields), default=0) or 1
    for j, field in enumerate(fields):
        xs = [i + (j - (len(fields) - 1) / 2) * width for i in range(len(groups))]
        values = [getattr(g, field) for g in groups]
        ax.bar(xs, values, width=width * 0.92, color=SEASON_COLOURS[field], label=SEASON_LABELS[field])
        for x, v in zip(xs, values, strict=True):
            ax.text(x, v + top * 0.02, str(v), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(range(len(groups)), [f"{g.kind}\n应报 {g.expected} 个" for g in groups], fontsize=11)
    ax.set_ylim(0, top * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("机关数（个）")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=4, frameon=False, fontsize=11)
    if not groups:
        ax.text(0.5, 0.5, "还没有应报机关名单。", transform=ax.transAxes, ha="center", fontsize=12)
    fig.suptitle(
        f"{data.report_year} 年度政府信息公开工作年度报告报送情况（按机关类别）",
        fontsize=14,
        fontweight="bold",
    )
    _footnotes(fig, ["逾期报送和有错误的机关都已计入“已报送”；有错误指已保存的报告仍有未解决的错误。"])
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    return fig


def season_figure(data: SeasonChartData) -> Figure:
    return _build(_season_figure, data)


def season_chart(data: SeasonChartData) -> bytes:
    """PNG: per kind of agency (and in total), bars of reported / late / with errors / missing."""
    return _draw(_season_figure, data)
