"""The five seed reports (text extracted from real PDFs and DOCX): every metadata field and cell."""

import pytest
from shared_files import shared

from parser.api import parse_report

SEEDS = shared("seeds")
ALL_SECTIONS = ["overview", "active", "applications", "review_litigation", "problems", "other_matters"]

# Per seed: metadata, and the non-zero cells (every other cell of a present table is 0).
EXPECTED = {
    "000_1a7957aec9d503ee.txt": dict(
        agency="银川市兴庆区掌政镇人民政府",
        agency_short="掌政镇",
        year=2024,
        template="2021",
        period=["2024-01-01", "2024-12-31"],
        published=None,
        sections=ALL_SECTIONS,
        cells={
            "applications.new_received.natural_person": 3,
            "applications.new_received.total": 3,
            "applications.partially_granted.natural_person": 2,
            "applications.partially_granted.total": 2,
            "applications.not_processed_complaint.natural_person": 1,
            "applications.not_processed_complaint.total": 1,
            "applications.total_processed.natural_person": 3,
            "applications.total_processed.total": 3,
            "review_litigation.review.corrected": 1,
            "review_litigation.review.total": 1,
        },
    ),
    "001_dafca5b4e645eaed.txt": dict(
        agency="兴庆区掌政镇",
        agency_short="掌政镇",
        year=2023,
        template="2021",
        period=["2023-01-01", "2023-12-31"],
        published="2024-01-29",
        sections=["overview", "active", "problems", "other_matters"],
        cells={},
    ),
    "002_0a7990abdff832d1.txt": dict(
        agency="沙坡头区兴仁镇",
        agency_short="兴仁镇",
        year=2024,
        template="2021",
        period=["2024-01-01", "2024-12-31"],
        published=None,
        sections=ALL_SECTIONS,
        cells={
            "active.penalty.decisions": 56,
            "applications.new_received.natural_person": 1,
            "applications.new_received.total": 1,
            "applications.not_processed_complaint.natural_person": 1,
            "applications.not_processed_complaint.total": 1,
            "applications.total_processed.natural_person": 1,
            "applications.total_processed.total": 1,
        },
    ),
    "003_24cd27ad2d34b72d.txt": dict(
        agency="银川市西夏区兴泾镇人民政府",
        agency_short="兴泾镇",
        year=2020,
        template="2019",
        period=["2020-01-01", "2020-12-31"],
        published=None,
        sections=ALL_SECTIONS,
        cells={},
    ),
    "004_543066760ff56c6c.txt": dict(
        agency="西夏区人民政府办公室",
        agency_short="西夏区人民政府办公室",
        year=2024,
        template="2021",
        period=["2024-01-01", "2024-12-31"],
        published=None,
        sections=ALL_SECTIONS,
        cells={
            "active.normative_documents.repealed": 1,
            "active.normative_documents.in_force": 10,
            "applications.new_received.natural_person": 9,
            "applications.new_received.total": 9,
            "applications.granted.natural_person": 8,
            "applications.granted.total": 8,
            "applications.not_processed_repeat.natural_person": 1,
            "applications.not_processed_repeat.total": 1,
            "applications.total_processed.natural_person": 9,
            "applications.total_processed.total": 9,
            "review_litigation.review.maintained": 1,
            "review_litigation.review.total": 1,
        },
    ),
}

ROWS_2021_ACTIVE = {"rules", "normative_documents", "licensing", "penalty", "coercion", "fees"}


def flatten(obj, prefix=""):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from flatten(value, f"{prefix}{key}.")
    else:
        yield prefix[:-1], obj


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata_and_every_cell(name):
    want = EXPECTED[name]
    got = parse_report((SEEDS / name).read_bytes(), name).check_json()
    for key in ("agency", "agency_short", "year", "template", "period", "published", "sections"):
        assert got[key] == want[key], key
    tables = {t: got[t] for t in ("active", "applications", "review_litigation")}
    if "applications" not in want["sections"]:
        assert tables["applications"] is None and tables["review_litigation"] is None
    cells = dict(flatten({k: v for k, v in tables.items() if v is not None}))
    assert cells, "no table read"
    for path, value in cells.items():
        assert value == want["cells"].get(path, 0), path
    for path in want["cells"]:
        assert path in cells, path


def test_seed_table_shapes():
    got = parse_report((SEEDS / "000_1a7957aec9d503ee.txt").read_bytes()).check_json()
    assert set(got["active"]) == ROWS_2021_ACTIVE
    assert "other" not in got["applications"]
    assert list(got["applications"])[-6:] == [
        "not_processed_confirmation",
        "other_no_correction",
        "other_no_fee",
        "other_other",
        "total_processed",
        "carried_forward",
    ]
    old = parse_report((SEEDS / "003_24cd27ad2d34b72d.txt").read_bytes()).check_json()
    assert "other" in old["applications"] and "other_other" not in old["applications"]
    assert set(old["active"]) == ROWS_2021_ACTIVE - {"fees"} | {"other_services", "fees", "procurement"}


def test_printed_numbering_is_kept_for_the_validator():
    report = parse_report((SEEDS / "000_1a7957aec9d503ee.txt").read_bytes())
    assert report.sources["applications.carried_forward"].printed_number == "七、"
    assert report.sources["applications.new_received"].printed_number == "一、"
    assert report.sources["section.problems"].printed_number == "五、"
