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
    report.doubtful = [
        Doubt(path="applications.new_received.total", page=3, read=3),
        Doubt(path="active.rules.issued", page=2, read=0),
    ]
    assert [f.rule for f in validate(report)] == ["STRUCT-NUMBERING"]
    assert report.doubtful[0].corrected is None and report.doubtful[0].confirmed
    assert not report.doubtful[1].confirmed  # table 2 has no sums to confirm it
    text = "\n".join(format_reply(report))
    assert "以下 1 个单元格可能识读有误" in text and "第 2 页 表二 规章 本年制发件数：识读为 0" in text
    assert "另有 1 个不易辨认的单元格，其数值与行、列合计相符" in text


def test_a_reading_that_would_break_a_column_is_not_used():
    report = scanned_report()
    # total misread, but the natural-person column also disagrees with the column sums:
    # the row's implied total (5) would still leave the balance broken, the printed 3 fits everything else.
    # On a scan nothing tells which cell is wrong: no finding, the failing sums are listed instead
    # (rules.md: a check involving a cell read with doubt gives no finding).
    report.applications.new_received.natural_person = 5
    report.doubtful = [Doubt(path="applications.new_received.total", page=3, read=3)]
    findings = validate(report)
    assert report.applications.new_received.total == 3
    assert report.doubtful[0].corrected is None
    assert not [f for f in findings if f.rule.startswith(("APP-", "TEXT-"))]
    text = "\n".join(format_reply(report))
    assert "识读为 3" in text
    assert (
        "本年新收政府信息公开申请数量」行：六类申请人之和" in text and "「自然人」列：第一项加第二项" in text
    )


def test_text_reports_say_nothing_of_ocr():
    report = parse_report(SEED.read_bytes(), "x.txt")
    validate(report)
    assert "OCR" not in "\n".join(format_reply(report))


# ---- built reports (tests/docgen): a cell misread by OCR never becomes a finding ----


def _built(ocr: bool = True):
    from docgen import build_txt, make_spec

    spec = make_spec("doubt", 11, "2021", "永宁县人民政府", scale="medium")
    report = parse_report(build_txt(spec), "scan.pdf")
    assert validate(report) == []  # the built report is clean
    report.findings = []
    report.ocr = ocr
    return report


def _app_or_text(findings):
    return [(f.rule, f.where) for f in findings if f.rule.startswith(("APP-", "TEXT-", "LIT-"))]


def test_doubtful_cell_that_breaks_sums_gives_no_finding_and_is_listed():
    report = _built()
    printed = report.applications.granted.natural_person
    read = printed + 30  # a digit misread, flagged by the recogniser
    report.applications.granted.natural_person = read
    report.doubtful = [Doubt(path="applications.granted.natural_person", page=3, read=read)]
    findings = validate(report)
    assert _app_or_text(findings) == []
    text = "\n".join(format_reply(report))
    # its row and its column both point at the printed value: used, and said so
    assert f"予以公开 自然人：识读为 {read}，按合计应为 {printed}，已按 {printed} 核对" in text
    assert report.applications.granted.natural_person == printed


def test_doubtful_cell_with_two_readings_of_the_sums_is_listed_uncorrected():
    report = _built()
    apps = report.applications
    apps.granted.natural_person += 30
    apps.granted.commercial = (apps.granted.commercial or 0) + 5  # a second misread in the same row
    report.doubtful = [
        Doubt(path="applications.granted.natural_person", page=3, read=apps.granted.natural_person)
    ]
    findings = validate(report)
    assert _app_or_text(findings) == []
    assert report.doubtful[0].corrected is None
    text = "\n".join(format_reply(report))
    assert f"予以公开 自然人：识读为 {apps.granted.natural_person}\n" in text
    assert "「商业企业」列：各项办理结果之和" in text


def test_misread_cell_the_recogniser_was_sure_of_gives_no_finding_on_a_scan():
    report = _built()
    report.applications.new_received.total += 7  # read with confidence, but the sums disagree with it
    findings = validate(report)
    assert _app_or_text(findings) == []  # neither APP-ROW-TOTAL, APP-BALANCE nor TEXT-TABLE
    assert "applications.new_received.total" in {d.path for d in report.doubtful}
    text = "\n".join(format_reply(report))
    assert "以下 2 处合计按识读的数字不成立" in text
    assert "本年新收政府信息公开申请数量」行" in text and "「总计」列：第一项加第二项" in text


def test_the_same_mistake_in_a_text_report_is_a_finding():
    report = _built(ocr=False)
    report.applications.new_received.total += 7
    rules = {rule for rule, _ in _app_or_text(validate(report))}
    assert "APP-ROW-TOTAL" in rules  # one wrong cell, one finding: the row's, naming the balance it breaks
    assert not report.doubtful


def test_table_4_cell_in_doubt_keeps_lit_total_quiet():
    report = _built()
    report.review_litigation.review.total = (report.review_litigation.review.total or 0) + 4
    report.doubtful = [
        Doubt(path="review_litigation.review.total", page=4, read=report.review_litigation.review.total)
    ]
    findings = validate(report)
    assert _app_or_text(findings) == []
    assert report.doubtful[0].corrected is None  # one sum alone never corrects a cell


def test_year_over_year_is_quiet_on_a_doubtful_carry():
    from storage.yoy import yoy_carry

    before = _built()
    now = _built()
    now.applications.carried_over.natural_person = (now.applications.carried_over.natural_person or 0) + 9
    assert yoy_carry(before, now)  # the mismatch fires when the cells are sure
    now.doubtful = [Doubt(path="applications.carried_over.natural_person", read=0)]
    assert not [f for f in yoy_carry(before, now) if f.where.endswith("natural_person")]
    before.doubtful = [Doubt(path="applications.carried_forward.total", read=0)]
    assert not [f for f in yoy_carry(before, now) if f.where.endswith(".total")]
