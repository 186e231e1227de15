"""APP-BALANCE, APP-OUTCOME-SUM, APP-ROW-TOTAL, LIT-TOTAL and the culprit diagnosis."""

from __future__ import annotations

from parser.model import (
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    ApplicantCounts,
    Applications,
    OutcomeCounts,
    Report,
    ReviewLitigation,
    Source,
)
from parser.validate import validate
from parser.validate.arithmetic import culprits, leaf_rows


def row(*values: int | None) -> ApplicantCounts:
    return ApplicantCounts(**dict(zip(APPLICANT_COLUMNS, values, strict=True)))


def clean_applications(single_other: bool = False) -> Applications:
    rows = {
        k: row(0, 0, 0, 0, 0, 0, 0) for k in Applications.model_fields if k not in (*OTHER_SUBROWS, "other")
    }
    rows.update(
        new_received=row(5, 2, 0, 0, 1, 0, 8),
        carried_over=row(1, 0, 0, 0, 0, 0, 1),
        granted=row(3, 1, 0, 0, 1, 0, 5),
        partially_granted=row(1, 0, 0, 0, 0, 0, 1),
        not_processed_repeat=row(1, 0, 0, 0, 0, 0, 1),
        total_processed=row(5, 1, 0, 0, 1, 0, 7),
        carried_forward=row(1, 1, 0, 0, 0, 0, 2),
    )
    if single_other:
        rows["other"] = row(0, 0, 0, 0, 0, 0, 0)
    else:
        rows.update({k: row(0, 0, 0, 0, 0, 0, 0) for k in OTHER_SUBROWS})
    return Applications(**rows)


def make(
    apps: Applications | None = None, lit: ReviewLitigation | None = None, template: str = "2021", **kw
) -> Report:
    return Report(
        year=2024,
        template=template,
        sections=["overview", "active", "applications", "review_litigation", "problems", "other_matters"],
        applications=apps or clean_applications(),
        review_litigation=lit or ReviewLitigation(),
        **kw,
    )


def rules(report: Report) -> set[tuple[str, str]]:
    return {(f.rule, f.where) for f in validate(report) if f.rule.startswith(("APP", "LIT"))}


def test_clean_tables_are_quiet():
    assert rules(make()) == set()
    lit = ReviewLitigation(review=OutcomeCounts(maintained=2, corrected=1, other=0, pending=1, total=4))
    assert rules(make(lit=lit)) == set()


def test_blank_cells_count_as_zero():
    apps = clean_applications()
    apps.carried_over = row(None, None, None, None, None, None, None)
    apps.new_received = row(6, 2, None, None, 1, None, 9)
    assert rules(make(apps)) == set()


def test_balance_fires_per_column():
    apps = clean_applications()
    apps.carried_forward = row(
        2, 1, 0, 0, 0, 0, 3
    )  # row total holds; natural_person and total columns do not
    findings = [f for f in validate(make(apps)) if f.rule == "APP-BALANCE"]
    assert {f.where for f in findings} == {"applications.natural_person", "applications.total"}
    message = next(f.message for f in findings if f.where == "applications.natural_person")
    assert message.startswith("表三「自然人」列：第一项加第二项（5+1=6）不等于第三项加第四项（5+2=7）")
    assert all(f.severity == "error" for f in findings)


def test_outcome_sum_fires_and_says_the_right_total():
    apps = clean_applications()
    apps.total_processed = row(5, 1, 0, 0, 1, 0, 7)
    apps.denied_third_party = row(0, 0, 0, 0, 1, 0, 1)
    apps.carried_forward = row(1, 1, 0, 0, -1, 0, 1)  # keeps the balance holding in legal_service
    findings = [f for f in validate(make(apps)) if f.rule == "APP-OUTCOME-SUM"]
    assert {f.where for f in findings} == {"applications.legal_service", "applications.total"}


def test_outcome_sum_uses_the_single_other_row_in_2019():
    apps = clean_applications(single_other=True)
    apps.other = row(1, 0, 0, 0, 0, 0, 1)
    assert "other" in leaf_rows(apps)
    assert rules(make(apps, template="2019")) == {
        ("APP-OUTCOME-SUM", "applications.natural_person"),
        ("APP-OUTCOME-SUM", "applications.total"),
    }


def test_row_total_fires():
    apps = clean_applications()
    apps.new_received = row(5, 2, 0, 0, 1, 0, 8)
    apps.partially_granted = row(1, 0, 0, 0, 0, 0, 1)
    apps.unavailable_not_held = row(0, 2, 0, 0, 0, 0, 0)  # also breaks the commercial column
    found = rules(make(apps))
    assert ("APP-ROW-TOTAL", "applications.unavailable_not_held") in found


def test_culprit_named_where_row_and_column_cross():
    apps = clean_applications()
    apps.granted = row(4, 1, 0, 0, 1, 0, 5)  # natural_person typed 4 instead of 3
    report = make(apps)
    assert culprits(report) == {("granted", "natural_person"): 3}
    findings = [f for f in validate(report) if f.rule.startswith("APP")]
    # one wrong cell, one finding: the row's, naming the column check it also breaks
    assert [(f.rule, f.where) for f in findings] == [("APP-ROW-TOTAL", "applications.granted")]
    assert "「（一）予以公开」行「自然人」列的 4：改为 3" in findings[0].message
    assert "「自然人」列各项办理结果之和 6 也与（七）总计 5 不符" in findings[0].message


def test_culprit_in_the_total_column():
    apps = clean_applications()
    apps.total_processed = row(5, 1, 0, 0, 1, 0, 8)
    report = make(apps)
    assert culprits(report) == {("total_processed", "total"): 7}
    assert rules(report) == {("APP-ROW-TOTAL", "applications.total_processed")}
    message = next(f.message for f in validate(report) if f.rule == "APP-ROW-TOTAL")
    assert "「总计」列第一项加第二项（9）也不等于第三项加第四项（10）" in message and "改为 7" in message


def test_no_culprit_when_one_value_cannot_mend_both():
    apps = clean_applications()
    apps.granted = row(4, 1, 0, 0, 1, 0, 7)  # the row wants 5 there, the column 3
    report = make(apps)
    assert culprits(report) == {}
    row_finding = next(f for f in validate(report) if f.rule == "APP-ROW-TOTAL")
    assert "总计应为 6" in row_finding.message and "最可能" not in row_finding.message


def test_rows_the_reader_never_found_are_not_zeros():
    apps = clean_applications()
    apps.total_processed = ApplicantCounts()
    sources = {f"applications.{k}": Source(quote=k) for k in apps.rows() if k != "total_processed"}
    assert rules(make(apps, sources=sources)) == set()


def test_quote_and_page_come_from_the_row():
    apps = clean_applications()
    apps.granted = row(4, 1, 0, 0, 1, 0, 5)
    sources = {f"applications.{k}": Source(page=4, quote=k) for k in apps.rows()}
    sources["applications.granted"] = Source(page=5, quote="（一）予以公开 4 1 0 0 1 0 5")
    finding = next(f for f in validate(make(apps, sources=sources)) if f.rule == "APP-ROW-TOTAL")
    assert (finding.page, finding.quote) == (5, "（一）予以公开 4 1 0 0 1 0 5")


def test_lit_total():
    lit = ReviewLitigation(
        review=OutcomeCounts(maintained=72, corrected=64, other=178, pending=37, total=351),
        litigation_direct=OutcomeCounts(maintained=13, corrected=4, other=8, pending=1, total=27),
        litigation_after_review=OutcomeCounts(),
    )
    findings = [f for f in validate(make(lit=lit)) if f.rule == "LIT-TOTAL"]
    assert [(f.where, f.severity) for f in findings] == [("review_litigation.litigation_direct", "error")]
    assert "= 26" in findings[0].message and "总计 27" in findings[0].message


def test_what_rules_share_is_worked_out_anew_for_each_validation():
    """Table 3 as meant and its culprit cells are worked out once per validate() call, for all the
    rules: a report corrected between two calls is checked as it is now."""
    apps = clean_applications()
    apps.granted = row(4, 1, 0, 0, 1, 0, 5)
    report = make(apps)
    assert rules(report) == {("APP-ROW-TOTAL", "applications.granted")}
    report.applications.granted = row(3, 1, 0, 0, 1, 0, 5)
    assert rules(report) == set()
    assert culprits(report) == {}  # outside a validation: nothing kept from it
