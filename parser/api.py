"""The parser's one entry point: bytes in, a `Report` out. Pure: no files, no network, no Telegram.

`parse_report` is what the CLI, the bot's worker processes and the benchmark call.
"""

from __future__ import annotations

import hashlib
import logging
import re

from parser import errors
from parser.agency import short_name
from parser.detect import detect_format
from parser.layout import Document, Line
from parser.limits import MAX_FILE_BYTES, MAX_FILE_MB
from parser.meta import (
    cites_2019_notice,
    find_period,
    find_quoted_title,
    find_signature_agency,
    find_signature_date,
    find_title,
)
from parser.model import (
    OTHER_SUBROWS,
    SECTION_KEYS,
    TABLE_SECTIONS,
    ApplicantCounts,
    Paragraph,
    Report,
    Source,
)
from parser.sections import Heading, find_headings
from parser.tables import (
    TableResult,
    active_template,
    empty_table,
    read_active,
    read_applications,
    read_review_litigation,
)
from parser.textutil import CN_NUMERALS, CN_ORDINAL, is_page_number, join_broken_lines, nfkc

_PARAGRAPH_START = re.compile(
    rf"^\s*(?:[（(][{CN_NUMERALS}\d]{{1,3}}[)）]|{CN_ORDINAL}[、.．]|\d{{1,2}}[.．、](?!\d)|[{CN_NUMERALS}]是)"
)


def read_document(data: bytes, progress=None) -> Document:
    """Bytes of any supported format → lines. Raises ReportError for what we cannot read.

    `progress(page, pages)`, when given, is called before each page of a scan is read by OCR
    (seconds a page), so that the bot can show which page it is on."""
    if len(data) > MAX_FILE_BYTES:
        raise errors.too_large(MAX_FILE_MB)
    kind = detect_format(data)
    if kind == "empty":
        raise errors.empty()
    if kind == "pdf":
        from parser.readers import ocr, pdf

        try:
            document = pdf.read(data)
        except errors.ReportError as exc:
            if exc.code != "no_text":
                raise
            if not ocr.available():
                raise ocr.missing_engine() from None
            return ocr.read_pdf(data, progress)
        # fonts without a Unicode map give private-use or replacement characters, or Latin junk
        if ocr.garbled(document) and ocr.available():
            return ocr.read_pdf(data, progress)
        return _with_scanned_pages(data, document, progress)
    if kind == "docx":
        from parser.readers import docx

        return docx.read(data)
    if kind == "html":
        from parser.readers import html

        return html.read(data)
    if kind == "txt":
        from parser.readers import text

        return text.read(data)
    if kind == "zip":
        raise errors.ReportError(
            "unsupported",
            "这是一个压缩包，不是 DOCX 文档。请解压后分别发送年度报告文件。",
            "a ZIP archive that is not a DOCX document; unpack it and send the reports",
        )
    if kind in ("ole", "rtf", "odt"):
        from parser.readers import legacy

        return legacy.read(data, kind)
    if kind in ("png", "jpeg", "tiff"):
        from parser.readers import ocr

        return ocr.read_image(data, progress)
    raise errors.unsupported({"binary": "二进制文件"}.get(kind, kind))


def _with_scanned_pages(data: bytes, document: Document, progress) -> Document:
    """A PDF whose tables were scanned and pasted in as pictures: OCR those pages, keep the rest."""
    from parser.readers import ocr

    text_on_page: dict[int, int] = {}
    for line in document.lines:
        text_on_page[line.page or 0] = text_on_page.get(line.page or 0, 0) + len(line.text)
    # a page with a heading or nothing at all in text, and a page-sized picture, is a scanned page
    quiet = [n for n in range(1, (document.pages or 0) + 1) if text_on_page.get(n, 0) < 100]
    if not quiet or not ocr.available():
        return document
    try:
        scanned = ocr.image_pages(data, quiet)
    except Exception as exc:  # noqa: BLE001 - a damaged page's objects: keep the text that was read
        logging.getLogger("nianbao.pdf").warning(
            "cannot look for scanned pages: %s: %s", type(exc).__name__, exc
        )
        return document
    if not scanned:
        return document
    read = ocr.read_pdf(data, progress, pages=scanned)
    kept = [line for line in document.lines if line.page not in scanned]  # OCR reads their few words too
    lines = sorted(kept + read.lines, key=lambda line: line.page or 0)  # stable: order within a page kept
    return Document(lines=lines, format="pdf", pages=document.pages, ocr=True)


def parse_report(data: bytes, filename: str | None = None, progress=None) -> Report:
    """`progress(page, pages)`, when given, hears of each page of a scan as OCR reads it."""
    document = read_document(data, progress)
    report = read_report(document)
    report.file = filename
    report.sha256 = hashlib.sha256(data).hexdigest()
    return report


def read_report(document: Document) -> Report:
    lines = [line for line in document.lines if line.text.strip()]
    headings = find_headings(lines)
    first = headings[0].line if headings else len(lines)
    preamble = lines[:first]
    regions = _regions(lines, headings)

    texts = [line.text for line in lines]
    period = find_period(join_broken_lines([line.text for line in preamble]) or "") or find_period(
        join_broken_lines([line.text for line in regions.get("overview", [])])
    )
    quoted = find_quoted_title(join_broken_lines([line.text for line in preamble if not line.picture]))
    # the year the body speaks of: a printed page's sidebar names other years' reports
    body_year = period[0].year if period else (quoted.year if quoted else None)
    # pictures (［图片］) stand where they were: never part of a title or a name
    title = find_title(
        ["" if line.picture else line.text for line in lines[: max(first, 1) if headings else 60]], body_year
    )
    # a web page's own title: 「某某局2024年政府信息公开年度报告_某某市人民政府」 or 「…年度报告-某某局」
    page_title = find_title([document.title]) if document.title else None
    if title is None and page_title is not None:
        title = (page_title[0], -1)
    # the title in the introduction 「现发布《某某局2024年…年度报告》」 when the page's columns ran into the
    # title itself and what is left names no agency and another year (a sidebar's link)
    if (
        title
        and quoted
        and quoted.agency
        and title[0].agency is None
        and body_year is not None
        and title[0].year != body_year == quoted.year
    ):
        title = (quoted, title[1])
    intro_text = (
        " ".join(line.text for line in preamble)
        + " "
        + " ".join(line.text for line in regions.get("overview", []))
    )
    agency = (
        (title[0].agency if title else None)
        or (quoted.agency if quoted else None)
        or (page_title[0].agency if page_title else None)
        or find_signature_agency(texts)
    )
    title_year = (title[0].year if title else None) or (quoted.year if quoted else None)
    # no title: still a report when it holds the statistical tables (checked once they are read)
    untitled = title is None and quoted is None and len(headings) < 3
    year = title_year or (period[0].year if period else None)

    report = Report(
        format=document.format,
        ocr=document.ocr,
        pages=document.pages,
        agency=agency,
        agency_short=short_name(agency),
        year=year,
        title_year=title_year,
        period=period,
        published=find_signature_date(texts),
        sections=[h.key for h in headings],
        cites_2019_notice=cites_2019_notice(intro_text),
    )
    for heading in headings:
        report.sources[f"section.{heading.key}"] = Source(
            page=heading.page, quote=heading.text[:80], printed_number=heading.printed_number
        )

    _read_tables(report, regions, headings, lines)
    has_tables = report.active is not None or report.applications is not None
    if (untitled or not report.sections) and not has_tables:
        raise errors.not_a_report()
    report.paragraphs = _paragraphs(preamble, regions, title[1] + 1 if title else 0)
    return report


def _regions(lines: list[Line], headings: list[Heading]) -> dict[str, list[Line]]:
    regions: dict[str, list[Line]] = {}
    for k, heading in enumerate(headings):
        end = headings[k + 1].line if k + 1 < len(headings) else len(lines)
        regions[heading.key] = lines[heading.end : end]
    return regions


def _table_region(
    regions: dict[str, list[Line]], headings: list[Heading], key: str, lines: list[Line]
) -> list[Line]:
    """A table's section, or — where its heading is missing — the section before it; with no heading
    found at all (a page printed from a browser, headings run into their paragraphs), the whole text."""
    if key in regions:
        return regions[key]
    if not headings and key == "applications":
        return lines
    order = SECTION_KEYS.index(key)
    before = [h for h in headings if SECTION_KEYS.index(h.key) < order]
    return regions[before[-1].key] if before else []


def _read_tables(
    report: Report, regions: dict[str, list[Line]], headings: list[Heading], lines: list[Line]
) -> None:
    active_lines = _table_region(regions, headings, "active", lines)
    app_lines = _table_region(regions, headings, "applications", lines)
    lit_lines = _table_region(regions, headings, "review_litigation", lines)

    applications = read_applications(app_lines) if app_lines else None
    template = active_template(active_lines) if "active" in regions else None
    template = template or (applications.template_hint if applications else None)
    if template is None and report.year is not None:
        template = "2021" if report.year >= 2021 else "2019"
    report.template = template  # type: ignore[assignment]

    if active_lines and template:
        _keep(report, "active", read_active(active_lines, template))
    if applications:
        _keep(report, "applications", applications)
        apps = report.applications
        # （六） is in every template, as one row (2019) or three: where the reader found none of it, its
        # cells are unknown (in the JSON as nulls, and no outcome sum is checked without them), not absent
        if template == "2019":
            for key in OTHER_SUBROWS:
                setattr(apps, key, None)
            if apps.other is None:
                apps.other = ApplicantCounts()
        elif apps.other is None and all(getattr(apps, key) is None for key in OTHER_SUBROWS):
            for key in OTHER_SUBROWS:
                setattr(apps, key, ApplicantCounts())
    own_section = "review_litigation" in regions
    if lit_lines and (own_section or "复议" in "".join(line.text for line in lit_lines)):
        _keep(report, "review_litigation", read_review_litigation(lit_lines))
    # a table pasted into the report as a picture is there, but unread: not a missing table
    for key in TABLE_SECTIONS:
        if getattr(report, key) is None and any(line.picture for line in regions.get(key, [])):
            _keep(report, key, TableResult(empty_table(key, template), {}, unreadable=True))


def _keep(report: Report, key: str, result: TableResult | None) -> None:
    """A table read into the report, with where each row was found and which cells are in doubt."""
    if result is None:
        return
    setattr(report, key, result.table)
    report.sources.update(result.sources)
    report.doubtful += result.doubts
    if result.unreadable:
        report.unreadable.append(key)


def _paragraphs(preamble: list[Line], regions: dict[str, list[Line]], title_end: int) -> list[Paragraph]:
    out: list[Paragraph] = []
    parts: list[tuple[str | None, list[Line]]] = [(None, preamble[title_end:])]
    parts += [(key, lines) for key, lines in regions.items()]
    for section, lines in parts:
        if section in ("active", "applications", "review_litigation"):
            lines = [line for line in lines if not line.is_row and not _looks_tabular(line.text)]
        buffer: list[str] = []
        page = None

        def flush(section: str | None = section) -> None:
            nonlocal buffer, page
            if buffer:
                out.append(Paragraph(section=section, page=page, text=join_broken_lines(buffer)))
            buffer, page = [], None

        for line in lines:
            text = line.text.strip()
            if is_page_number(text) or line.picture:
                continue
            if buffer and (
                _PARAGRAPH_START.match(nfkc(text))
                or buffer[-1].endswith(("。", "！", "？", "：", ":"))
                or _is_subheading(buffer)
            ):
                flush()
            if not buffer:
                page = line.page
            buffer.append(text)
        flush()
    return out


def _looks_tabular(text: str) -> bool:
    """Lines of a table that came as text: prose in a table section ends its sentences."""
    return "。" not in text


def _is_subheading(buffer: list[str]) -> bool:
    """「（一）存在问题」 alone on its line: a heading of its own, not the start of a sentence."""
    line = buffer[0]
    return (
        len(buffer) == 1
        and len(line) <= 20
        and bool(_PARAGRAPH_START.match(nfkc(line)))
        and not re.search(r"[。，；：,;:]", line)
    )
