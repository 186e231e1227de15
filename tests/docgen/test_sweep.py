"""REGRESSION GATE: a small fixed-seed run of the random sweep (bench/sweep.py runs the large one).

Reports drawn from every template, agency kind and printing variation, clean or with one known error
(tests/docgen/inject.py), as text, DOCX, a web page and LibreOffice PDF. Each must give no false finding, every
cell and metadata field right, and catch its injected error. A case that fails today because of a known class of
bug is marked xfail(strict=True) by the class, never by seed: when the class is fixed its cases pass, strict
xfail turns them red, and the class's entry in KNOWN is to be deleted.
"""

from __future__ import annotations

import pytest

from docgen.sweep import Case, build_all, make_cases, score

SEEDS = range(1, 13)
FORMATS = ["txt", "docx", "html", "pdf"]
CASES = make_cases(SEEDS)


def _blank(case: Case) -> bool:
    return any(v is None for row in case.spec.applications.rows().values() for v in row.values())


# Known classes of failure (issue 10), each a predicate on what a case prints; delete an entry when fixed.
KNOWN: list[tuple[str, object]] = [
    (
        "borderless LibreOffice PDF with blank cells: blank rows and 0 rows trade places (harmless to the sums)",
        lambda c, fmt: (
            fmt == "pdf" and not c.spec.variations.borders and _blank(c) and not c.spec.variations.null_mark
        ),
    ),
    (
        "borderless 2021 LibreOffice PDF whose table 3 runs over a page: the rows after the break are not read",
        lambda c, fmt: (
            fmt == "pdf"
            and not c.spec.variations.borders
            and c.spec.variations.page_break_table3
            and c.spec.template == "2021"
        ),
    ),
]


def known(case: Case, fmt: str) -> list[str]:
    return [reason for reason, applies in KNOWN if applies(case, fmt)]


def _params():
    out = []
    for case in CASES:
        for fmt in FORMATS:
            reasons = known(case, fmt)
            marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
            out.append(pytest.param(case, fmt, marks=marks, id=f"{case.seed}-{case.variant}-{fmt}"))
    return out


@pytest.fixture(scope="module")
def files():
    """Every file of the gate, PDFs rendered by one batched soffice call (cached in tests/.cache/render)."""
    return build_all(CASES, FORMATS, chunk=len(CASES) * 2)


@pytest.mark.parametrize(("case", "fmt"), _params())
def test_sweep_gate(case: Case, fmt: str, files):
    r = score(case, fmt, files[case.id, "this", fmt], files.get((case.id, "previous", fmt)))
    problems = [
        *([f"error: {r.error}"] if r.error else []),
        *(f"false finding: {x}" for x in r.false),
        *(f"wrong cell: {x}" for x in r.wrong),
        *(f"unread cell: {x}" for x in r.unread),
        *(f"blank read as 0, or 0 as blank: {x}" for x in r.blank0),
        *(f"metadata: {x}" for x in r.meta),
        *(
            [f"injected {case.variant} not caught: expected one of {sorted(case.expect)}"]
            if r.caught is False
            else []
        ),
        *(f"printed fault not found: {x}" for x in r.missed_faults),
    ]
    repro = f".venv/bin/python bench/sweep.py --seed {case.seed} --n 1 --formats {fmt} --variant {case.variant} --show"
    assert not problems, f"{case.id} as {fmt} ({repro}):\n" + "\n".join(problems[:40])


def test_gate_covers_the_variations():
    """The fixed seeds keep covering both templates, injected errors, web-page quirks and year over year."""
    assert {c.spec.template for c in CASES} == {"2021", "2019"}
    assert len({c.variant for c in CASES}) >= 5
    assert any(c.html["word"] for c in CASES) and any(c.html["pictures"] for c in CASES)
    assert any(c.previous for c in CASES)
    assert any(
        None in [v for row in c.spec.applications.rows().values() for v in row.values()] for c in CASES
    )
