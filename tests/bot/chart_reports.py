"""Four stored years of one agency for the chart tests: 2020 in the 2019 template, 2023 with table 3 in prose only."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))

from report_factory import counts, make_report, payload  # noqa: E402

from parser.model import (  # noqa: E402
    Active2019,
    Active2021,
    Decisions2021,
    DocumentCounts2019,
    DocumentCounts2021,
    Fact,
    Items2019,
    OutcomeCounts,
    Report,
    ReviewLitigation,
)

AGENCY = "银川市兴庆区掌政镇人民政府"
SHORT = "掌政镇"

# year → (new, not held, review, direct + after-review litigation, normative in force, licensing, penalty, coercion)
FIGURES = {
    2020: (4, 1, 0, (0, 0), None, 1200, 35, 2),
    2021: (6, 2, 1, (0, 0), 12, 1350, 40, 0),
    2022: (3, 0, 1, (1, 1), 14, 980, 52, 1),
    2023: (1, None, None, None, 15, 1500, 60, 0),
}


def _litigation(review: int, direct: int, after: int) -> ReviewLitigation:
    def row(total: int) -> OutcomeCounts:
        return OutcomeCounts(maintained=total, corrected=0, other=0, pending=0, total=total)

    return ReviewLitigation(
        review=row(review), litigation_direct=row(direct), litigation_after_review=row(after)
    )


def year_report(year: int) -> Report:
    new, not_held, review, litigation, in_force, licensing, penalty, coercion = FIGURES[year]
    if year == 2023:  # no table 3 or 4: the prose states the applications received
        report = make_report(
            AGENCY, year, short=SHORT, tables=False, facts=[Fact(kind="received", value=new)]
        )
    else:
        report = make_report(AGENCY, year, short=SHORT, new=new)
        apps = report.applications
        apps.unavailable_not_held = counts(not_held)
        apps.granted = counts(new - not_held)
        report.review_litigation = _litigation(review, *litigation)
    if year == 2020:
        report.template = "2019"
        report.active = Active2019(
            rules=DocumentCounts2019(made=0, published=0, total_published=3),
            normative_documents=DocumentCounts2019(made=2, published=2, total_published=30),
            licensing=Items2019(previous=10, change=0, decisions=licensing),
            penalty=Items2019(previous=5, change=0, decisions=penalty),
            coercion=Items2019(previous=1, change=0, decisions=coercion),
        )
        apps = report.applications
        apps.other = counts(0)
        apps.other_no_correction = apps.other_no_fee = apps.other_other = None
    else:
        report.active = Active2021(
            rules=DocumentCounts2021(issued=0, repealed=0, in_force=5),
            normative_documents=DocumentCounts2021(issued=1, repealed=0, in_force=in_force),
            licensing=Decisions2021(decisions=licensing),
            penalty=Decisions2021(decisions=penalty),
            coercion=Decisions2021(decisions=coercion),
        )
    return report


async def fill(store, years=tuple(FIGURES)) -> None:
    for year in years:
        report = year_report(year)
        await store.save(report, payload(report), "cli")


async def fill_db(db: Path, years=tuple(FIGURES)) -> None:
    from storage.store import Store

    async with await Store.open(db) as store:
        await fill(store, years)
