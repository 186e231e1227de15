"""Build Report objects for store tests: consistent series by default, broken on request."""

from __future__ import annotations

import random

from parser.model import (
    APPLICATION_ROWS,
    OTHER_SUBROWS,
    Active2021,
    ApplicantCounts,
    Applications,
    DocumentCounts2021,
    Fact,
    Finding,
    Paragraph,
    Report,
    ReviewLitigation,
    Source,
)

# Common characters; random strings of them share no 12-character run by chance.
_POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def prose(seed: int, length: int = 300) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(_POOL) for _ in range(length))


def counts(total: int | None, natural_person: int | None = None) -> ApplicantCounts:
    """A row with everything on natural persons (or as given) and the total."""
    np_ = total if natural_person is None else natural_person
    return ApplicantCounts(
        natural_person=np_,
        commercial=0,
        research=0,
        social_welfare=0,
        legal_service=0,
        other_org=0,
        total=total,
    )


def applications(new: int, carried_over: int, carried_forward: int) -> Applications:
    closed = new + carried_over - carried_forward
    rows = {k: counts(0) for k in APPLICATION_ROWS if k not in ("other",)}
    rows.update(
        new_received=counts(new),
        carried_over=counts(carried_over),
        granted=counts(closed),
        total_processed=counts(closed),
        carried_forward=counts(carried_forward),
    )
    for k in OTHER_SUBROWS:
        rows[k] = counts(0)
    return Applications(**rows)


def make_report(
    agency: str,
    year: int,
    *,
    short: str | None = None,
    template: str = "2021",
    new: int = 2,
    carried_over: int = 0,
    carried_forward: int = 0,
    tables: bool = True,
    rules_in_force: int = 5,
    rules_issued: int = 0,
    rules_repealed: int = 0,
    problems: str | None = None,
    facts: list[Fact] | None = None,
    findings: list[Finding] | None = None,
    file: str | None = None,
) -> Report:
    active = Active2021(
        rules=DocumentCounts2021(issued=rules_issued, repealed=rules_repealed, in_force=rules_in_force),
        normative_documents=DocumentCounts2021(issued=0, repealed=0, in_force=0),
    )
    report = Report(
        file=file or f"{agency}{year}.txt",
        format="txt",
        agency=agency,
        agency_short=short or agency[-3:],
        year=year,
        template=template,
        sections=["overview", "active", "applications", "review_litigation", "problems", "other_matters"],
        active=active,
        applications=applications(new, carried_over, carried_forward) if tables else None,
        review_litigation=ReviewLitigation() if tables else None,
        paragraphs=[
            Paragraph(section="overview", page=1, text=f"{year}年，{agency}依法做好政府信息公开工作。"),
            Paragraph(section="problems", page=3, text=problems if problems is not None else prose(year)),
        ],
        sources={
            "applications.carried_over": Source(
                page=2, quote=f"二、上年结转政府信息公开申请数量 {carried_over}"
            )
        },
        facts=facts or [],
        findings=findings or [],
    )
    return report


def payload(report: Report, salt: str = "") -> bytes:
    """Stand-in original bytes for a report (unique per report unless the same salt repeats)."""
    return f"{report.agency}|{report.year}|{salt}|{report.file}".encode()


def series(agency: str, years: list[int], **kw) -> list[Report]:
    """A consistent series: each year's carried_over equals the previous year's carried_forward."""
    out, carry = [], 0
    for i, year in enumerate(years):
        forward = (i + 1) % 3
        out.append(
            make_report(
                agency,
                year,
                carried_over=carry,
                carried_forward=forward,
                new=3 + i,
                rules_in_force=5 + i,
                rules_issued=1 if i else 0,
                **kw,
            )
        )
        carry = forward
    return out
