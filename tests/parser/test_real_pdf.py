"""The real published report in ../shared/real: every metadata field and cell, and no finding."""

import json

import pytest
from shared_files import shared

from parser.api import parse_report

REAL = shared("real")
PDFS = sorted(REAL.glob("*.pdf"))


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_real_pdf_gives_every_expected_value(pdf):
    expected = json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = parse_report(pdf.read_bytes(), pdf.name).check_json()
    assert got["format"] == "pdf"
    for key in ("agency", "agency_short", "year", "template"):
        assert got[key] == expected[key], key
    for table in ("active", "applications", "review_litigation"):
        for row, cells in expected[table].items():
            assert got[table][row] == cells, f"{table}.{row}"
