"""The season at a glance: for every agency expected to report, whether it did, when, and what is wrong.

An agency is expected when it is on the roster (or, without a roster, when it reported the year
before or this year: storage.roster.expected). Its kind comes from the roster, else from its name.

`late`: for a report, its signature date is after the agency's deadline (None when the report
carries no date — the upload date says when the office got it, not when it was published, and a
guess could raise a false alarm); for a missing report, the deadline has passed (逾期未报).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from bot.deadlines import Deadlines, guess_kind
from parser.agency import KINDS

if TYPE_CHECKING:
    from bot.charts import SeasonChartData


class AgencyStatus(BaseModel):
    agency: str  # as the roster lists it (or as stored, for an agency on no roster)
    kind: str
    due: date
    reported: bool
    agency_id: int | None = None
    stored_name: str | None = None  # the name its reports go by, when it has one
    published: date | None = None
    late: bool | None = None
    errors: int | None = None  # None: no report
    warnings: int | None = None
    file: str | None = None
    uploaded_at: str | None = None

    def to_json(self) -> dict:
        return {
            "agency": self.agency,
            "kind": self.kind,
            "reported": self.reported,
            "published": self.published.isoformat() if self.published else None,
            "late": self.late,
            "errors": self.errors,
            "warnings": self.warnings,
        }


class KindTotals(BaseModel):
    kind: str
    due: date
    agencies: int = 0
    reported: int = 0
    late: int = 0  # reported after the deadline
    undated: int = 0  # reported, no signature date
    missing: int = 0
    with_errors: int = 0


class SeasonStatus(BaseModel):
    report_year: int
    today: date
    from_roster: bool
    agencies: list[AgencyStatus] = Field(default_factory=list)
    not_on_roster: list[AgencyStatus] = Field(default_factory=list)
    totals: list[KindTotals] = Field(default_factory=list)

    def to_json(self) -> dict:
        """The object of `nianbao season --json`."""
        return {
            "report_year": self.report_year,
            "agencies": [a.to_json() for a in self.agencies],
            "not_on_roster": [a.to_json() for a in self.not_on_roster],
        }

    @property
    def everyone(self) -> list[AgencyStatus]:
        return self.agencies + self.not_on_roster

    def chart_data(self) -> SeasonChartData:
        """The roster's agencies counted by kind for the season's bar chart (agencies off the roster left out:
        nobody expected them, so they are neither reported nor missing)."""
        from bot.charts import SeasonChartData

        return SeasonChartData.from_agencies(self.report_year, self.agencies, order=KINDS)


def _status(
    name: str, kind: str, year: int, deadlines: Deadlines, today: date, report, agency_id
) -> AgencyStatus:
    due = deadlines.due(kind, year)
    if report is None:
        return AgencyStatus(
            agency=name, kind=kind, due=due, reported=False, agency_id=agency_id, late=today > due
        )
    late = report.published > due if report.published else None
    return AgencyStatus(
        agency=name,
        kind=kind,
        due=due,
        reported=True,
        agency_id=report.agency_id,
        stored_name=report.agency,
        published=report.published,
        late=late,
        errors=report.errors,
        warnings=report.warnings,
        file=report.file,
        uploaded_at=report.uploaded_at,
    )


async def season_status(db, year: int, deadlines: Deadlines, today: date) -> SeasonStatus:
    """Every expected agency's status for report year `year`, agencies that reported off the roster, totals by kind."""
    from storage import roster
    from storage import season as stored

    entries, _, from_roster = await roster.expected(db, year)
    reports = {r.agency_id: r for r in await stored.current_reports(db, year)}
    out = SeasonStatus(report_year=year, today=today, from_roster=from_roster)
    listed: set[int] = set()
    for e in entries:
        kind = e.kind or guess_kind(e.name)
        report = reports.get(e.agency_id) if e.agency_id is not None else None
        out.agencies.append(_status(e.name, kind, year, deadlines, today, report, e.agency_id))
        if e.agency_id is not None:
            listed.add(e.agency_id)
    for agency_id, report in reports.items():
        if agency_id not in listed:
            out.not_on_roster.append(
                _status(report.agency, guess_kind(report.agency), year, deadlines, today, report, agency_id)
            )
    for kind in KINDS:
        mine = [a for a in out.agencies if a.kind == kind]
        if not mine:
            continue
        reported = [a for a in mine if a.reported]
        out.totals.append(
            KindTotals(
                kind=kind,
                due=deadlines.due(kind, year),
                agencies=len(mine),
                reported=len(reported),
                late=sum(a.late is True for a in reported),
                undated=sum(a.published is None for a in reported),
                missing=len(mine) - len(reported),
                with_errors=sum(bool(a.errors) for a in reported),
            )
        )
    return out
