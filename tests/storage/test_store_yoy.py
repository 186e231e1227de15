"""YOY-CARRY, YOY-IN-FORCE, YOY-SAME-DATA, YOY-REUSE: firing on broken series, quiet on consistent ones, redone late."""

from __future__ import annotations

from report_factory import make_report, payload, prose, series

from parser.model import Fact, Finding
from storage.store import Store
from storage.yoy import check_yoy, reuse_share, reuse_text, yoy_carry, yoy_in_force, yoy_reuse


def _rules(findings):
    return sorted((f.rule, f.where) for f in findings)


def test_consistent_series_is_quiet():
    reports = series("兴庆区掌政镇", [2021, 2022, 2023, 2024])
    for prev, cur in zip(reports, reports[1:], strict=False):
        assert check_yoy(prev, cur) == []


def test_carry_fires_per_column_with_both_figures():
    prev = make_report("某镇", 2023, carried_forward=2)
    cur = make_report("某镇", 2024, carried_over=3, new=5)
    found = yoy_carry(prev, cur)
    assert _rules(found) == [
        ("YOY-CARRY", "applications.carried_over.natural_person"),
        ("YOY-CARRY", "applications.carried_over.total"),
    ]
    assert all(f.severity == "error" for f in found)
    assert "2023" in found[0].message and "2" in found[0].message and "3" in found[0].message
    assert found[0].page == 2 and found[0].quote.startswith("二、上年结转")


def _total_column_left_blank(report):
    for row in report.applications.rows().values():
        row.total = None
    return report


def test_carry_reads_an_unfilled_total_column_as_the_row_sums():
    prev = _total_column_left_blank(make_report("某镇", 2023, carried_forward=2))
    cur = _total_column_left_blank(make_report("某镇", 2024, carried_over=2, new=5))
    assert prev.applications.total_column_unfilled() and cur.applications.total_column_unfilled()
    assert yoy_carry(prev, cur) == []  # both years carry 2 in their row sums: nothing to report
    cur = _total_column_left_blank(make_report("某镇", 2024, carried_over=3, new=5))
    assert _rules(yoy_carry(prev, cur)) == [
        ("YOY-CARRY", "applications.carried_over.natural_person"),
        ("YOY-CARRY", "applications.carried_over.total"),
    ]


def test_carry_is_quiet_when_this_years_row_was_not_read():
    """A carried-over row the table reader did not find is unknown, not zeros (e.g. extracted text)."""
    prev = make_report("某镇", 2023, carried_forward=2)
    cur = make_report("某镇", 2024, carried_over=2, new=5)
    cur.sources["applications.new_received"] = cur.sources.pop("applications.carried_over")
    for column in type(cur.applications.carried_over).model_fields:
        setattr(cur.applications.carried_over, column, None)
    assert yoy_carry(prev, cur) == []
    cur.sources["applications.carried_over"] = cur.sources["applications.new_received"]  # read, and blank
    assert _rules(yoy_carry(prev, cur))  # a blank row that was read is 0: last year's 2 must carry


def test_carry_uses_last_years_prose_when_it_has_no_table_3():
    said_zero = [Fact(kind="carried_forward", value=0, sentence="0件结转下年度办理")]
    prev = make_report("兴庆区掌政镇", 2023, tables=False, facts=said_zero)
    assert yoy_carry(prev, make_report("掌政镇", 2024, carried_over=0)) == []
    found = yoy_carry(prev, make_report("掌政镇", 2024, carried_over=4, new=4))
    assert _rules(found) == [("YOY-CARRY", "applications.carried_over.total")]
    assert "正文" in found[0].message
    # no table and no prose figure: nothing to compare, nothing said
    assert (
        yoy_carry(make_report("某镇", 2023, tables=False), make_report("某镇", 2024, carried_over=4, new=4))
        == []
    )


def test_in_force_fires_when_stock_does_not_carry():
    prev = make_report("某镇", 2023, rules_in_force=5)
    ok = make_report("某镇", 2024, rules_in_force=6, rules_issued=2, rules_repealed=1)
    assert yoy_in_force(prev, ok) == []
    bad = make_report("某镇", 2024, rules_in_force=9, rules_issued=2, rules_repealed=1)
    found = yoy_in_force(prev, bad)
    assert _rules(found) == [("YOY-IN-FORCE", "active.rules")]
    assert found[0].severity == "warning" and "应为 6 件" in found[0].message
    # only between two 2021-template years
    assert yoy_in_force(make_report("某镇", 2020, template="2019", rules_in_force=5), bad) == []


def test_reuse_share_algorithm():
    assert reuse_text("一、存在问题：2023年 工作（不足）！") == "一存在问题年工作不足"
    text = prose(1, 200)
    assert reuse_share(text, text) == 1.0
    assert reuse_share(prose(1, 200), prose(2, 200)) == 0.0
    # 11 shared characters never mark anything; 12 do
    assert reuse_share("甲" * 0 + text[:11], text[:11] + prose(3, 89)) == 0.0
    assert reuse_share(text[:12] + prose(4, 50), text[:12] + prose(3, 88)) == 0.12
    # digits and punctuation do not hide a copy
    copy = "，".join(text[i : i + 20] + str(i) for i in range(0, 200, 20))
    assert reuse_share(text, copy) == 1.0


def test_reuse_fires_at_half():
    base = prose(7, 400)
    prev = make_report("某镇", 2023, problems=base)
    half = make_report("某镇", 2024, problems=base[:200] + prose(8, 200))
    found = yoy_reuse(prev, half)
    assert _rules(found) == [("YOY-REUSE", "problems")]
    assert "50%" in found[0].message
    below = make_report("某镇", 2024, problems=base[:190] + prose(8, 210))
    assert yoy_reuse(prev, below) == []


async def test_store_runs_yoy_on_save_and_redoes_it_when_an_earlier_year_arrives(tmp_path):
    copied = prose(11, 300)
    y2023 = make_report("兴庆区掌政镇", 2023, carried_forward=1, rules_in_force=5, problems=copied)
    # each year's own applications (the same table twice is YOY-SAME-DATA)
    y2024 = make_report(
        "银川市兴庆区掌政镇人民政府", 2024, carried_over=0, rules_in_force=8, problems=copied, new=3
    )
    y2025 = make_report(
        "掌政镇人民政府", 2025, carried_over=0, rules_in_force=8, problems=prose(12, 300), new=4
    )
    async with await Store.open(tmp_path / "y.db") as store:
        s2024 = await store.save(y2024, payload(y2024), "cli")
        assert s2024.report.previous_year is None and s2024.report.findings == []
        s2025 = await store.save(y2025, payload(y2025), "cli")
        assert s2025.report.previous_year == 2024 and s2025.report.findings == []
        # 2023 arrives late: 2024 is re-checked and its stored findings updated
        s2023 = await store.save(y2023, payload(y2023), "cli")
        assert s2023.rechecked == [s2024.report_id]
        again = await store.get(s2024.agency_id, 2024)
        assert again.previous_year == 2023
        assert _rules(again.findings) == [
            ("YOY-CARRY", "applications.carried_over.natural_person"),
            ("YOY-CARRY", "applications.carried_over.total"),
            ("YOY-IN-FORCE", "active.rules"),
            ("YOY-REUSE", "problems"),
        ]
        # a corrected 2023 (carrying 0, stock 8) supersedes it and clears two of the three
        fixed = make_report("兴庆区掌政镇", 2023, carried_forward=0, rules_in_force=8, problems=copied)
        await store.save(fixed, payload(fixed, "fixed"), "cli")
        assert _rules((await store.get(s2024.agency_id, 2024)).findings) == [("YOY-REUSE", "problems")]
        # deleting the corrected 2023 brings back the first version, and its findings
        await store.delete((await store.list(year=2023, include_superseded=False))[0].id)
        assert len(_rules((await store.get(s2024.agency_id, 2024)).findings)) == 4
        # deleting that too leaves 2024 without a previous year and without YOY findings
        await store.delete(s2023.report_id)
        later = await store.get(s2024.agency_id, 2024)
        assert later.previous_year is None and later.findings == []


async def test_check_findings_are_kept_when_yoy_is_redone(tmp_path):
    from parser.model import Finding

    note = Finding(
        rule="STRUCT-NUMBERING", severity="warning", where="applications.carried_forward", message="m"
    )
    y2024 = make_report("某县甲镇", 2024, carried_over=2, new=3, findings=[note])
    async with await Store.open(tmp_path / "k.db") as store:
        saved = await store.save(y2024, payload(y2024), "cli")
        y2023 = make_report("某县甲镇", 2023, carried_forward=0)
        await store.save(y2023, payload(y2023), "cli")
        got = await store.get(saved.agency_id, 2024)
        assert [f.rule for f in got.findings] == ["STRUCT-NUMBERING", "YOY-CARRY", "YOY-CARRY"]


def _with_tables(report, like):
    return report.model_copy(
        update={
            "active": like.active.model_copy(deep=True),
            "applications": like.applications.model_copy(deep=True),
        }
    )


def test_same_data_fires_on_a_table_copied_from_last_year():
    prev = make_report("某镇", 2023, new=7, carried_forward=2, rules_in_force=5)
    cur = make_report("某镇", 2024, new=7, carried_forward=2, rules_in_force=5)  # table 3 copied, carry 0 → 2
    found = check_yoy(prev, cur)
    assert _rules(found) == [("YOY-SAME-DATA", "applications")]  # the carry mismatch is its consequence
    assert found[0].severity == "warning" and "2023" in found[0].message and "8 个非零" in found[0].message


def test_same_data_fires_on_table_2_with_enough_figures():
    prev = make_report("某镇", 2023, new=3)
    prev.active.rules.issued, prev.active.normative_documents.in_force = 2, 9
    prev.active.licensing.decisions, prev.active.penalty.decisions = 120, 35
    cur = _with_tables(make_report("某镇", 2024, new=5), prev)
    cur.applications = make_report("某镇", 2024, new=5).applications
    assert _rules(check_yoy(prev, cur)) == [("YOY-SAME-DATA", "active")]


def test_same_data_quiet():
    prev = make_report("某镇", 2023, new=7, carried_forward=2)
    # one cell differs
    cur = make_report("某镇", 2024, new=7, carried_over=2, carried_forward=2)
    assert not [f for f in check_yoy(prev, cur) if f.rule == "YOY-SAME-DATA"]
    # all equal but too few figures to tell (a small office with no requests either year)
    quiet = make_report("某镇", 2023, new=0)
    assert check_yoy(quiet, make_report("某镇", 2024, new=0)) == []
    # last year's table not read (a picture): nothing to compare
    unread = make_report("某镇", 2024, new=7, carried_forward=2)
    unread.unreadable.append("applications")
    assert not [f for f in check_yoy(prev, unread) if f.rule == "YOY-SAME-DATA"]


def test_yoy_rules_are_registered_and_the_store_recognises_its_own():
    from storage.yoy import YOY_RULES, is_yoy, without_yoy

    assert [r.id for r in YOY_RULES] == ["YOY-CARRY", "YOY-IN-FORCE", "YOY-SAME-DATA", "YOY-REUSE"]
    prev, cur = make_report("某镇", 2023, new=7, carried_forward=2), make_report("某镇", 2024, new=7)
    own = Finding(rule="STRUCT-FEE", severity="warning", where="other_matters", message="…")
    yoy = check_yoy(prev, cur)
    assert yoy and all(is_yoy(f) for f in yoy) and not is_yoy(own)
    assert without_yoy([own, *yoy]) == [own]


async def test_store_gives_same_data_and_nothing_else_for_a_copied_table(tmp_path):
    prev = make_report("兴庆区掌政镇", 2023, new=7, carried_forward=2, problems=prose(21, 300))
    cur = make_report("兴庆区掌政镇", 2024, new=7, carried_forward=2, problems=prose(22, 300))
    async with await Store.open(tmp_path / "s.db") as store:
        await store.save(prev, payload(prev), "cli")
        saved = await store.save(cur, payload(cur), "cli")
        assert _rules(saved.report.findings) == [("YOY-SAME-DATA", "applications")]
        assert _rules((await store.get(saved.agency_id, 2024)).findings) == [
            ("YOY-SAME-DATA", "applications")
        ]
