"""The summary the office writes: tables 二、三、四 summed over its agencies, and the assessors' indicators.

Cells are summed one by one over the current reports of the roster's agencies (every agency that
reported, without a roster); a blank cell adds nothing, and a cell blank in every report stays
blank. The sums follow the year's template (2021 from report year 2021 on). A report in the other
layout adds the table-2 cells both layouts share (the 处理决定数 of 行政许可, 行政处罚, 行政强制 —
same keys in both models); its other table-2 cells mean something else and are left out, and the
note says so. In table 3, （六）其他处理 is summed as one row over every report (a report that prints
its three sub-rows adds their sum); the sub-rows are summed over the reports that print them.

Indicators: share of requests granted in full or in part = (予以公开 + 部分公开) / 办结 (table 3's
总计 column); correction rate = 结果纠正 / 总计, for review and for litigation (both rows of suits).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from parser.model import (
    ACTIVE_ITEM_LABELS,
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    Active2019,
    Active2021,
    Report,
)


class Indicators(BaseModel):
    agency: str
    kind: str | None = None
    template: str | None = None
    processed: float | None = None  # 办结 (（七）总计)
    granted: float | None = None
    partially_granted: float | None = None
    review_total: float | None = None
    review_corrected: float | None = None
    litigation_total: float | None = None
    litigation_corrected: float | None = None

    @property
    def granted_share(self) -> float | None:
        if not self.processed or (self.granted is None and self.partially_granted is None):
            return None
        return ((self.granted or 0) + (self.partially_granted or 0)) / self.processed

    @property
    def review_rate(self) -> float | None:
        return (self.review_corrected or 0) / self.review_total if self.review_total else None

    @property
    def litigation_rate(self) -> float | None:
        return (self.litigation_corrected or 0) / self.litigation_total if self.litigation_total else None


class Summary(BaseModel):
    report_year: int
    template: str  # the layout the sums follow
    from_roster: bool
    expected: int  # agencies on the roster (or reporting, without one)
    covered: list[str] = Field(default_factory=list)  # agencies whose report is summed
    missing: list[str] = Field(default_factory=list)  # roster agencies without a report
    not_on_roster: list[str] = Field(default_factory=list)  # reports left out: their agency is on no roster
    totals: Report  # the summed tables, as one report (agency 「合计」)
    per_agency: list[Indicators] = Field(default_factory=list)
    total: Indicators
    notes: list[str] = Field(default_factory=list)


def template_for(year: int) -> str:
    return "2021" if year >= 2021 else "2019"


def _paths(model) -> list[str]:
    return [
        f"active.{item}.{col}" for item, f in model.model_fields.items() for col in f.annotation.model_fields
    ]


def _add(sums: dict[str, float | None], path: str, value: float | None) -> None:
    if value is None:
        sums.setdefault(path, None)
    else:
        sums[path] = (sums.get(path) or 0) + value


def _indicators(
    name: str, kind: str | None, template: str | None, cells: dict[str, float | None]
) -> Indicators:
    def v(path: str) -> float | None:
        return cells.get(path)

    def both(*paths: str) -> float | None:
        values = [v(p) for p in paths if v(p) is not None]
        return sum(values) if values else None

    return Indicators(
        agency=name,
        kind=kind,
        template=template,
        processed=v("applications.total_processed.total"),
        granted=v("applications.granted.total"),
        partially_granted=v("applications.partially_granted.total"),
        review_total=v("review_litigation.review.total"),
        review_corrected=v("review_litigation.review.corrected"),
        litigation_total=both(
            "review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"
        ),
        litigation_corrected=both(
            "review_litigation.litigation_direct.corrected",
            "review_litigation.litigation_after_review.corrected",
        ),
    )


def summarise(
    year: int,
    reports: list[tuple[str, str | None, object, dict[str, float | None]]],
    *,
    expected: int,
    missing: list[str],
    not_on_roster: list[str],
    from_roster: bool,
) -> Summary:
    """Sum `reports` — (name, kind, storage.season.StoredReport, cells) — into a Summary (pure)."""
    from storage.cells import unflatten

    template = template_for(year)
    target = set(_paths(Active2021 if template == "2021" else Active2019))
    sums: dict[str, float | None] = {}
    other_layout: list[str] = []
    other_kept: set[str] = set()
    no_table: dict[str, list[str]] = {"active": [], "applications": [], "review_litigation": []}
    single_other: list[str] = []
    for name, _, report, cells in reports:
        tables = {p.split(".", 1)[0] for p in cells}
        for table, names in no_table.items():
            if table not in tables:
                names.append(name)
        layout = report.active_layout
        if "active" in tables and layout is not None and layout != template:
            other_layout.append(name)
        for path, value in cells.items():
            table, row, _ = path.split(".")
            if table == "active":
                if path in target:
                    _add(sums, path, value)
                    if layout != template:
                        other_kept.add(path)
            elif table == "applications" and row == "other":
                continue  # summed below with the sub-rows
            else:
                _add(sums, path, value)
        if "applications" in tables:
            has_sub = any(f"applications.{OTHER_SUBROWS[0]}.{c}" in cells for c in APPLICANT_COLUMNS)
            if "applications.other.total" in cells and not has_sub:
                single_other.append(name)
            for col in APPLICANT_COLUMNS:
                if f"applications.other.{col}" in cells:
                    value = cells[f"applications.other.{col}"]
                else:
                    parts = [cells.get(f"applications.{r}.{col}") for r in OTHER_SUBROWS]
                    known = [p for p in parts if p is not None]
                    value = sum(known) if known else None
                _add(sums, f"applications.other.{col}", value)
    # （六）'s sub-rows have cells only when some report printed them; else the model keeps them None
    totals = Report(agency="合计", year=year, template=template, **unflatten(list(sums.items()), template))

    notes = []
    if other_layout:
        kept = (
            "、".join(
                label
                for item, label in ACTIVE_ITEM_LABELS.items()
                if any(p.split(".")[1] == item for p in other_kept)
            )
            or "无"
        )
        other = "2019" if template == "2021" else "2021"
        notes.append(
            f"{len(other_layout)} 份报告按 {other} 年版格式填报（{'、'.join(other_layout)}）："
            f"表二只计入两版口径相同的栏目（{kept}的处理决定数），其余栏目未计入。"
        )
    if single_other and any(p.startswith(f"applications.{OTHER_SUBROWS[0]}.") for p in sums):
        notes.append(
            f"{len(single_other)} 份报告的「（六）其他处理」只有一行（{'、'.join(single_other)}）："
            "计入（六）合计，未计入其下三个细项。"
        )
    labels = {"active": "表二", "applications": "表三", "review_litigation": "表四"}
    for table, names in no_table.items():
        if names:
            notes.append(f"{labels[table]}未能读出，未计入合计：{'、'.join(names)}。")

    per_agency = [_indicators(name, kind, report.template, cells) for name, kind, report, cells in reports]
    total = _indicators("合计", None, template, dict(sums))
    return Summary(
        report_year=year,
        template=template,
        from_roster=from_roster,
        expected=expected,
        covered=[r[0] for r in reports],
        missing=missing,
        not_on_roster=not_on_roster,
        totals=totals,
        per_agency=per_agency,
        total=total,
        notes=notes,
    )


async def build_summary(db, year: int) -> Summary:
    """The summary of report year `year` from the store: the roster's agencies (all that reported, without one)."""
    from bot.deadlines import guess_kind
    from storage import roster
    from storage import season as stored

    entries, _, from_roster = await roster.expected(db, year)
    current = {r.agency_id: r for r in await stored.current_reports(db, year)}
    chosen, missing, listed = [], [], set()
    for e in entries:
        report = current.get(e.agency_id) if e.agency_id is not None else None
        if e.agency_id is not None:
            listed.add(e.agency_id)
        if report is None:
            missing.append(e.name)
        else:
            chosen.append((e.name, e.kind or guess_kind(e.name), report))
    # without a roster every agency that reported this year is expected, so none is outside
    outside = [r.agency for aid, r in current.items() if aid not in listed]
    cells = await stored.cells(db, [r.report_id for _, _, r in chosen])
    rows = [(name, kind, r, cells.get(r.report_id, {})) for name, kind, r in chosen]
    return summarise(
        year, rows, expected=len(entries), missing=missing, not_on_roster=outside, from_roster=from_roster
    )
