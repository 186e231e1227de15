"""Doubtful OCR cells: the sums decide between readings, and the reply names every doubtful cell."""


from shared_files import shared

from parser.api import parse_report
from parser.model import Doubt
from parser.reply import format_reply
from parser.validate import validate

SEED = shared("seeds", "000_1a7957aec9d503ee.txt")


def scanned_report():
    report = parse_report(SEED.read_bytes(), "scan.pdf")
    report.ocr = True
    return report


def test_misread_doubtful_cell_takes_the_value_the_sums_imply():
    report = scanned_report()
    report.applications.partially_granted.natural_person = 5  # printed 2, read as 5
    report.doubtful = [Doubt(path="applications.partially_granted.natural_person", page=4, read=5)]
    findings = validate(report)
    assert report.applications.partially_granted.natural_person == 2
    assert report.doubtful[0].corrected == 2
    assert not [f for f in findings if f.rule.startswith("APP-")]
    text = "\n".join(format_reply(report))
    assert "可能识读有误" in text and "识读为 5，按合计应为 2，已按 2 核对" in text


def test_doubtful_cell_that_adds_up_is_kept_and_counted():
    report = scanned_report()
    report.doubtful = [Doubt(path="applications.new_received.total", page=3, read=3),
                       Doubt(path="active.rules.issued", page=2, read=0)]
    assert [f.rule for f in validate(report)] == ["STRUCT-NUMBERING"]
    assert report.doubtful[0].corrected is None and report.doubtful[0].confirmed
    assert not report.doubtful[1].confirmed  # table 2 has no sums to confirm it
    text = "\n".join(format_reply(report))
    assert "以下 1 个单元格可能识读有误" in text and "第 2 页 表二 规章 本年制发件数：识读为 0" in text
    assert "另有 1 个不易辨认的单元格，其数值与行、列合计相符" in text


def test_a_reading_that_would_break_a_column_is_not_used():
    report = scanned_report()
    # total misread, but the natural-person column also disagrees with the column sums:
    # the row's implied total (5) would still leave the balance broken, the printed 3 fits everything else
    report.applications.new_received.natural_person = 5
    report.doubtful = [Doubt(path="applications.new_received.total", page=3, read=3)]
    findings = validate(report)
    assert report.applications.new_received.total == 3
    assert report.doubtful[0].corrected is None
    # one wrong cell (自然人 5), one finding: the row's, which names the balance it also breaks
    assert any(f.rule == "APP-ROW-TOTAL" and "第一项加第二项" in f.message for f in findings)


def test_text_reports_say_nothing_of_ocr():
    report = parse_report(SEED.read_bytes(), "x.txt")
    validate(report)
    assert "OCR" not in "\n".join(format_reply(report))
