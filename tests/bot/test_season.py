"""The season on a county of 20 agencies: missing, late, undated, clean, faulty and 2019-layout reports, and one
agency off the roster — stored through the service, then /season, /summary, their CLI twins and reminders."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart

sys.path.insert(0, str(Path(__file__).parent))
from fake_api import BotHarness  # noqa: E402
from season_data import COUNTY, MISSING, OUTSIDE, ROSTER, YEAR, as_txt, county_specs  # noqa: E402
from test_charts import png_size  # noqa: E402

import bot.cli  # noqa: E402
from bot.deadlines import AFTER, Deadlines, reminder_text  # noqa: E402
from bot.reminders import load_season  # noqa: E402
from bot.season import season_status, season_summary  # noqa: E402
from bot.season.texts import season_text, summary_text  # noqa: E402
from bot.season.workbook import season_workbook, summary_workbook  # noqa: E402
from bot.service import session  # noqa: E402
from parser.model import APPLICANT_COLUMNS, OTHER_SUBROWS  # noqa: E402

TODAY = date(YEAR + 1, 2, 5)  # departments, towns and streets are due 31 January; the county on 20 February
SPECS = county_specs()
ON_ROSTER = [s for s in SPECS if s.agency != OUTSIDE]


async def fill(db: Path) -> None:
    async with session(db, workers=2) as checker:
        await checker.roster_add_many([(name, kind) for name, kind, _ in ROSTER], "test")
        results = await asyncio.gather(*(checker.check(as_txt(s), f"{s.agency}.txt", "test") for s in SPECS))
        assert all(r.status == "new" for r in results)


@pytest.fixture(scope="module")
def county_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("county") / "nianbao.db"
    asyncio.run(fill(db))
    return db


@pytest.fixture
def db(county_db, tmp_path) -> Path:
    """A copy of the county's database (and its stored originals) for a test to use as it likes."""
    for path in county_db.parent.iterdir():
        target = tmp_path / path.name
        (shutil.copytree if path.is_dir() else shutil.copy)(path, target)
    return tmp_path / county_db.name


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# ---------------------------------------------------------------- /season


async def test_season_lists_every_agency_on_the_roster(county_db):
    async with session(county_db) as checker:
        status, findings = await season_status(checker, YEAR, Deadlines(), TODAY)
    out = status.to_json()
    assert list(out) == ["report_year", "agencies", "not_on_roster"] and out["report_year"] == YEAR
    assert [a["agency"] for a in out["agencies"]] == [name for name, _, _ in ROSTER]
    assert all(
        list(a) == ["agency", "kind", "reported", "published", "late", "errors", "warnings"]
        for a in out["agencies"] + out["not_on_roster"]
    )
    by_name = {a["agency"]: a for a in out["agencies"]}
    printed = {name: printed for name, _, printed in ROSTER}
    for name, a in by_name.items():
        agency = printed[name]
        assert a["kind"] == dict((n, k) for n, k, _ in ROSTER)[name]
        assert a["reported"] == (agency not in MISSING), name
        if agency in COUNTY.late:
            assert a["late"] is True and a["published"] == f"{YEAR + 1}-02-10"
        elif agency in COUNTY.undated:
            assert a["late"] is None and a["published"] is None  # no date, no guess
        elif agency in MISSING:
            # overdue, except the county government's own report, due 20 February
            assert a["late"] is (agency != "永宁县人民政府") and a["errors"] is None
        else:
            assert a["late"] is False and a["published"].startswith(f"{YEAR + 1}-01-")
        if a["reported"]:
            assert (a["errors"] > 0) == (agency in COUNTY.faulty), name
    assert (
        by_name["杨和镇"]["reported"] and by_name["李俊镇"]["late"]
    )  # short names on the roster are matched
    assert by_name["永宁县农业农村局"]["warnings"] >= 1  # STRUCT-TEMPLATE
    assert [a["agency"] for a in out["not_on_roster"]] == [OUTSIDE]
    assert out["not_on_roster"][0]["kind"] == "部门"  # inferred from the name
    totals = {t.kind: t for t in status.totals}
    assert (totals["部门"].agencies, totals["部门"].reported, totals["部门"].missing) == (11, 9, 2)
    assert (totals["部门"].late, totals["部门"].undated, totals["部门"].with_errors) == (1, 1, 1)
    assert (totals["乡镇"].agencies, totals["乡镇"].reported, totals["乡镇"].late) == (6, 4, 1)
    assert (totals["街道"].agencies, totals["街道"].reported) == (2, 1)
    assert (totals["县级政府"].agencies, totals["县级政府"].reported) == (1, 0)

    text = season_text(status)
    assert "应报 20 个，已报 14 个（逾期 2 个），未报 6 个；已报告中有错误的 2 个。" in text
    assert "❌ 永宁县住房和城乡建设局：逾期未报" in text
    assert "❌ 永宁县人民政府：未报（2025年2月20日截止）" in text
    assert f"⚠️ 永宁县民政局：{YEAR + 1}-02-10 发布，逾期" in text
    assert "永宁县卫生健康局：已报，落款日期不详" in text
    assert "❗ 永宁县财政局：" in text and "个错误" in text
    assert "【不在名单中但已报送】1 个" in text and OUTSIDE in text
    assert "【部门】2025年1月31日截止：应报 11，已报 9（逾期 1，落款日期不详 1），未报 2，有错误 1" in text

    wb = book(season_workbook(status, findings))
    assert wb.sheetnames == ["年报情况", "分类统计", "报送情况图", "问题清单"]
    # the chart sheet: the roster's agencies by kind (the one off the roster is neither reported nor missing)
    chart_rows = {r[0]: r[1:] for r in wb["报送情况图"].iter_rows(min_row=2, values_only=True)}
    assert chart_rows["部门"] == (11, 9, 1, 1, 2)  # 应报, 已报送, 逾期报送, 有错误, 未报送
    assert chart_rows["县级政府"] == (1, 0, 0, 0, 1) and chart_rows["合计"] == (20, 14, 2, 2, 6)
    (chart,) = wb["报送情况图"]._charts
    assert isinstance(chart, BarChart) and len(chart.series) == 4
    rows = list(wb["年报情况"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 21 and rows[-1][1] == OUTSIDE and rows[-1][-1] == "不在应报名单中"
    assert next(r for r in rows if r[1] == "杨和镇")[-1] == "报告中的名称：永宁县杨和镇人民政府"
    issues = list(wb["问题清单"].iter_rows(values_only=True))
    assert issues[0] == ("机关", "年度", "规则", "级别", "说明", "单元格", "原文", "页码", "核实情况")
    assert len(issues) - 1 == len(findings) > 0
    errors = [r for r in issues[1:] if r[3] == "错误"]
    assert {r[0] for r in errors} == {"永宁县财政局", "永宁县闽宁镇人民政府"}
    assert all(r[1] == YEAR and r[2].startswith("APP-") and r[4] for r in errors)
    assert any(r[5] and r[5].startswith("表三 ") for r in errors)  # the cell, in words


# ---------------------------------------------------------------- /summary


def _sum(specs, get) -> float:
    values = [get(s) for s in specs]
    return sum(v for v in values if v is not None)


async def test_summary_sums_the_roster_reports_cell_by_cell(county_db):
    async with session(county_db) as checker:
        s = await season_summary(checker, YEAR)
    assert s.template == "2021" and s.expected == 20
    assert sorted(s.missing) == sorted([n for n, _, p in ROSTER if p in MISSING])
    assert len(s.covered) == 14 and s.not_on_roster == [OUTSIDE]
    t = s.totals
    for row in (
        "new_received",
        "carried_over",
        "granted",
        "partially_granted",
        "denied_third_party",
        "total_processed",
        "carried_forward",
    ):
        for col in APPLICANT_COLUMNS:
            expected = _sum(
                ON_ROSTER, lambda sp, row=row, col=col: getattr(getattr(sp.applications, row), col)
            )
            assert getattr(getattr(t.applications, row), col) == expected, (row, col)
    # （六）: every report adds its total (sub-rows summed when printed so); sub-rows only from 2021 reports
    other = _sum(
        ON_ROSTER,
        lambda sp: (
            sp.applications.other.total
            if sp.applications.other is not None
            else sum(getattr(sp.applications, r).total or 0 for r in OTHER_SUBROWS)
        ),
    )
    assert t.applications.other.total == other
    new_layout = [sp for sp in ON_ROSTER if sp.template == "2021"]
    assert t.applications.other_no_correction.total == _sum(
        new_layout, lambda sp: sp.applications.other_no_correction.total
    )
    # table 2: both layouts' 处理决定数; the 2021-only cells from 2021 reports alone
    assert t.active.licensing.decisions == _sum(ON_ROSTER, lambda sp: sp.active.licensing.decisions)
    assert t.active.rules.in_force == _sum(new_layout, lambda sp: sp.active.rules.in_force)
    for group in ("review", "litigation_direct", "litigation_after_review"):
        assert getattr(t.review_litigation, group).total == _sum(
            ON_ROSTER, lambda sp, g=group: getattr(sp.review_litigation, g).total
        )
    # the indicators
    granted = _sum(ON_ROSTER, lambda sp: sp.applications.granted.total) + _sum(
        ON_ROSTER, lambda sp: sp.applications.partially_granted.total
    )
    processed = t.applications.total_processed.total
    assert s.total.granted_share == pytest.approx(granted / processed)
    review = t.review_litigation.review
    assert s.total.review_rate == (pytest.approx(review.corrected / review.total) if review.total else None)
    assert len(s.per_agency) == 14
    office = next(i for i in s.per_agency if i.agency == "永宁县人民政府办公室")
    sp = next(x for x in SPECS if x.agency == "永宁县人民政府办公室")
    a = sp.applications
    if a.total_processed.total:
        assert office.granted_share == pytest.approx(
            (a.granted.total + a.partially_granted.total) / a.total_processed.total
        )
    assert any("2019 年版" in n and "永宁县农业农村局" in n and "行政许可" in n for n in s.notes)
    assert any("（六）其他处理" in n and "永宁县农业农村局" in n for n in s.notes)

    text = summary_text(s)
    assert "汇总 14 份报告（名单内 20 个机关）。" in text
    assert "未报 6 个，未计入：" in text and f"不在名单中的 1 份报告未计入：{OUTSIDE}" in text
    assert f"＝{s.total.granted_share * 100:.1f}%" in text
    assert "依申请公开：新收申请" in text and "说明：" in text

    wb = book(summary_workbook(s))
    assert wb.sheetnames == ["说明", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "各机关指标"]
    apps = {r[0]: r[1:] for r in wb["表三 依申请公开"].iter_rows(min_row=2, values_only=True)}
    assert apps["一、本年新收政府信息公开申请数量"][-1] == t.applications.new_received.total
    indicators = list(wb["各机关指标"].iter_rows(min_row=2, values_only=True))
    assert len(indicators) == 15 and indicators[-1][0] == "合计"
    assert indicators[-1][6] == pytest.approx(s.total.granted_share)
    assert wb["各机关指标"].cell(row=2, column=7).number_format == "0.0%"


async def test_summary_without_roster_or_reports(tmp_path):
    async with session(tmp_path / "empty.db") as checker:
        s = await season_summary(checker, YEAR)
        status, findings = await season_status(checker, YEAR, Deadlines(), TODAY)
    assert not s.covered and "还没有可汇总的报告" in summary_text(s)
    assert status.to_json() == {"report_year": YEAR, "agencies": [], "not_on_roster": []} and not findings
    assert "还没有应报机关名单" in season_text(status)


# ---------------------------------------------------------------- reminders


async def test_notice_after_the_deadline_names_agencies_with_errors_open(county_db):
    async with session(county_db) as checker:
        season, _ = await load_season(checker.store.db, YEAR, Deadlines())
    jan31 = season.of(("部门", "乡镇", "街道"))
    text = reminder_text(YEAR, date(YEAR + 1, 1, 31), jan31, AFTER, date(YEAR + 1, 2, 1))
    assert "以下 2 个机关已提交的报告仍有错误" in text
    # one wrong cell, one finding
    assert "永宁县财政局（1 个错误）" in text and "永宁县闽宁镇人民政府（1 个错误）" in text
    assert text.index("逾期尚未提交") < text.index("仍有错误")
    # before the deadline the reminder stays about who is missing
    before = reminder_text(YEAR, date(YEAR + 1, 1, 31), jan31, 3, date(YEAR + 1, 1, 28))
    assert "仍有错误" not in before
    # with no error open, the notice says nothing of errors
    clean = [d.model_copy(update={"errors": {}, "missing": []}) for d in jan31]
    assert "仍有错误" not in reminder_text(YEAR, date(YEAR + 1, 1, 31), clean, AFTER, date(YEAR + 1, 2, 1))


# ---------------------------------------------------------------- the bot


async def test_season_and_summary_commands(db, tmp_path):
    from bot.deadlines import DeadlineSettings
    from bot.telegram import deadlines as deadline_handlers

    now = datetime(YEAR + 1, 2, 5, 2, 0, tzinfo=UTC)
    async with BotHarness(tmp_path, nianbao_db=db) as bot:
        deadline_handlers.register(bot.app, settings=DeadlineSettings(_env_file=None), clock=lambda: now)
        replies = await bot.command("/season", count=3)
        text = "\n".join(m.text for m in replies if m.text)
        assert (
            f"📊 {YEAR} 年度" in text
            and "应报 20 个，已报 14 个" in text
            and "❌ 永宁县人民政府：未报" in text
        )
        # after the text, the bar chart by kind of agency; then the XLSX with the same chart, native
        (photo,) = [m for m in replies if m.photo is not None]
        assert replies.index(photo) == len(replies) - 2 and not any(m.text for m in replies[-2:])
        assert photo.caption == f"{YEAR} 年度报送情况（按机关类别）"
        width, height = png_size(photo.photo)
        assert width > 700 and height > 500
        assert "upload_photo" in [c.params["action"] for c in bot.api.called("sendChatAction")]
        doc = replies[-1].document
        assert doc[0] == f"{YEAR}年度年报检查情况表.xlsx" and "问题清单" in book(doc[1]).sheetnames
        assert len(book(doc[1])["报送情况图"]._charts) == 1
        replies = await bot.command(f"/summary {YEAR}年", count=2)
        assert "汇总 14 份报告" in replies[0].text
        assert replies[-1].document[0] == f"{YEAR}年度政府信息公开工作汇总.xlsx"
        (usage,) = await bot.command("/season 去年")
        assert usage.text.startswith("用法：/season")
        (none,) = await bot.command("/summary 2019")
        assert "还没有可汇总的报告" in none.text
        assert "/season" in (await bot.command("/help"))[0].text


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def main(monkeypatch):
    for var in ("NIANBAO_DEADLINES", "REMIND_DAYS", "REMIND_TIME", "TZ"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no stray .env is read
    return bot.cli.main


def test_cli_season_and_summary(db, tmp_path, main, capsys):
    assert main(["season", "--year", str(YEAR), "--today", TODAY.isoformat(), "--json", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["agencies"]) == 20 and out["not_on_roster"][0]["agency"] == OUTSIDE
    assert sum(a["reported"] for a in out["agencies"]) == 14
    xlsx = tmp_path / "out" / "情况表.xlsx"
    assert (
        main(
            [
                "season",
                "--year",
                str(YEAR),
                "--today",
                TODAY.isoformat(),
                "--xlsx",
                str(xlsx),
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert "应报 20 个，已报 14 个" in capsys.readouterr().out
    assert book(xlsx.read_bytes()).sheetnames == ["年报情况", "分类统计", "报送情况图", "问题清单"]
    png = tmp_path / "图" / "报送情况.png"
    args = ["season", "--year", str(YEAR), "--today", TODAY.isoformat(), "--png", str(png), "--db", str(db)]
    assert main(args) == 0
    width, height = png_size(png.read_bytes())
    assert width > 700 and height > 500
    assert "应报 20 个，已报 14 个" in capsys.readouterr().out  # the text is printed as without --png
    empty = tmp_path / "empty.db"
    assert main(["season", "--year", str(YEAR), "--png", str(tmp_path / "none.png"), "--db", str(empty)]) == 1
    assert "还没有应报机关" in capsys.readouterr().err and not (tmp_path / "none.png").exists()
    # the default year is the one being collected: until its last deadline, last year's
    assert main(["season", "--today", f"{YEAR + 1}-01-20", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["report_year"] == YEAR
    summary = tmp_path / "汇总.xlsx"
    assert main(["summary", "--year", str(YEAR), "--xlsx", str(summary), "--db", str(db)]) == 0
    assert "汇总 14 份报告（名单内 20 个机关）" in capsys.readouterr().out
    assert "各机关指标" in book(summary.read_bytes()).sheetnames
