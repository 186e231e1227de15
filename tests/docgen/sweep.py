"""The random sweep: reports drawn from every template, agency kind and printing variation, each clean or with
one known error, in every format, read back and checked; scored cell by cell and finding by finding.

    cases = make_cases(range(40))
    files = build_all(cases, ["txt", "pdf"])       # renders batched and cached (tests/.cache/render)
    result = score(case, fmt, files[case.id, fmt])  # cells right / wrong, true and false findings, recall

bench/sweep.py prints the figures per format; tests/docgen/test_sweep.py is the regression gate.
"""

from __future__ import annotations

import random
import subprocess
import traceback
from dataclasses import dataclass, field
from typing import Any

from .docx_builder import build_docx
from .inject import Injected, applicable, inject, previous_spec
from .render import build_html, build_txt, docx_to_pdfs, html_to_pdfs, scan_pdf
from .spec import ReportSpec, expected_json, printed_faults, random_spec

Pair = tuple[str, str]

# format id → file suffix given to the parser
FORMATS: dict[str, str] = {
    "txt": ".txt",  # text as a PDF tool extracts it (or tab-separated DOCX text when cells are blank)
    "txt-gb18030": ".txt",
    "docx": ".docx",
    "pdf": ".pdf",  # LibreOffice's rendering of the DOCX
    "pdftotext-layout": ".txt",  # `pdftotext -layout` of that PDF
    "pdftotext-raw": ".txt",
    "html": ".html",  # a government site's page (nav, pictures, Word-pasted tables for some)
    "html-print": ".pdf",  # that page printed to PDF by a browser (headless Chromium)
    "scan": ".pdf",  # the LibreOffice PDF scanned: 150 dpi greyscale, turned under 1° (slow: OCR)
}
PDF_BASED = {"pdf", "pdftotext-layout", "pdftotext-raw", "scan"}
TABLES = ("active", "applications", "review_litigation")
META = ("agency", "agency_short", "year", "template", "period", "published", "sections")


@dataclass
class Case:
    seed: int
    variant: str  # "clean" or an injection kind (docgen.inject.KINDS)
    spec: ReportSpec
    expect: set[Pair]  # at least one must be found (the injected error is caught)
    allowed: set[Pair]  # findings that are right for this document
    previous: ReportSpec | None = None  # last year's report: the year-over-year rules run too
    html: dict[str, Any] = field(
        default_factory=dict
    )  # build_html options (pictures, Mso tables, title suffix…)

    @property
    def id(self) -> str:
        return f"{self.seed}/{self.variant}"


def html_options(seed: int) -> dict[str, Any]:
    rng = random.Random(f"html/{seed}")
    return {
        "encoding": rng.choice(["utf-8", "utf-8", "gbk"]),
        "pictures": rng.random() < 0.5,
        "word": rng.random() < 0.4,
        "title_suffix": rng.choice([None, "-{short}", "_{short}"]),
        "article_title": rng.random() < 0.7,
    }


def make_cases(seeds, inject_share: float = 0.6, yoy_share: float = 0.25) -> list[Case]:
    """For each seed a clean report (a quarter of them with last year's report too) and, for most, one with
    a known error."""
    cases = []
    for seed in seeds:
        spec = random_spec(seed)
        rng = random.Random(f"inject/{seed}")
        faults = printed_faults(spec)
        html = html_options(seed)
        if html["title_suffix"]:
            html["title_suffix"] = html["title_suffix"].format(short=spec.agency_short)
        previous = previous_spec(spec) if spec.year > 2019 and rng.random() < yoy_share else None
        cases.append(Case(seed, "clean", spec, set(), set(faults), previous, html))
        if rng.random() < inject_share:
            kind = rng.choice(applicable(spec))
            made: Injected = inject(spec, kind, rng)
            cases.append(
                Case(
                    seed,
                    kind,
                    made.spec,
                    made.expect,
                    printed_faults(made.spec) | made.allowed,
                    made.previous,
                    html,
                )
            )
    return cases


# ---------------------------------------------------------------- files


def _pdftotext(pdf: bytes, mode: str) -> bytes:
    return subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout


def build_all(cases: list[Case], formats: list[str], chunk: int = 20) -> dict[tuple[str, str, str], bytes]:
    """{(case id, "this"|"previous", format): file}. PDFs rendered in batches (one soffice call for `chunk`
    documents) and cached; browser prints one page a call, cached too."""
    out: dict[tuple[str, str, str], bytes] = {}
    docs = [(c, which, s) for c in cases for which, s in (("this", c.spec), ("previous", c.previous)) if s]
    if PDF_BASED & set(formats):
        docx = {(c.id, which): build_docx(s) for c, which, s in docs}
        keys = list(docx)
        pdfs: dict[tuple[str, str], bytes] = {}
        for i in range(0, len(keys), chunk):
            part = keys[i : i + chunk]
            pdfs.update(zip(part, docx_to_pdfs([docx[k] for k in part]), strict=True))
    for c, which, s in docs:
        pages = None
        for fmt in formats:
            key = (c.id, which, fmt)
            if fmt == "txt":
                out[key] = build_txt(s)
            elif fmt == "txt-gb18030":
                out[key] = build_txt(s, "gb18030")
            elif fmt == "docx":
                out[key] = build_docx(s)
            elif fmt == "pdf":
                out[key] = pdfs[c.id, which]
            elif fmt == "pdftotext-layout":
                out[key] = _pdftotext(pdfs[c.id, which], "-layout")
            elif fmt == "pdftotext-raw":
                out[key] = _pdftotext(pdfs[c.id, which], "-raw")
            elif fmt in ("html", "html-print"):
                pages = pages or build_html(
                    s,
                    c.html["encoding"],
                    pictures=c.html["pictures"],
                    word=c.html["word"],
                    title_suffix=c.html["title_suffix"],
                    article_title=c.html["article_title"],
                )
                out[key] = pages if fmt == "html" else html_to_pdfs([pages])[0]
            elif fmt == "scan":
                out[key] = scan_pdf(pdfs[c.id, which], angle=random.Random(c.seed).uniform(-0.9, 0.9))
            else:
                raise ValueError(fmt)
    return out


# ---------------------------------------------------------------- scoring


@dataclass
class Result:
    case: Case
    fmt: str
    cells: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)  # "applications.granted.total: expected 3, got 5"
    unread: list[str] = field(default_factory=list)  # a non-zero value printed but read as unknown (None)
    blank0: list[str] = field(default_factory=list)  # a blank cell read as 0 or a 0 as blank: same arithmetic
    meta: list[str] = field(default_factory=list)  # metadata fields read wrong
    true: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)  # "RULE where: message"
    caught: bool | None = None  # None: nothing injected
    missed_faults: list[Pair] = field(default_factory=list)  # printed or injected faults not found
    error: str | None = None


def _cells(expected: dict, got: dict, result: Result) -> None:
    for table in TABLES:
        exp_t, got_t = expected.get(table), got.get(table)
        if exp_t is None:
            continue
        for row, exp_row in exp_t.items():
            if exp_row is None:
                continue
            got_row = (got_t or {}).get(row) or {}
            for col, want in exp_row.items():
                have = got_row.get(col)
                result.cells += 1
                where = f"{table}.{row}.{col}"
                if have == want:
                    result.right += 1
                elif not have and not want:
                    result.blank0.append(f"{where}: expected {want!r}, got {have!r}")
                elif have is None:
                    result.unread.append(f"{where}: expected {want!r}, got None")
                else:
                    result.wrong.append(f"{where}: expected {want!r}, got {have!r}")


def score(case: Case, fmt: str, data: bytes, previous: bytes | None = None) -> Result:
    from parser.api import parse_report
    from parser.validate import validate

    result = Result(case, fmt)
    spec = case.spec
    name = f"{''.join(spec.title())}{FORMATS[fmt]}"
    try:
        report = parse_report(data, name)
        findings = validate(report)
        if previous is not None:
            from storage.yoy import check_yoy

            findings += check_yoy(parse_report(previous, name), report)
    except Exception as exc:  # a rejected or crashed document: every cell and finding counts as missed
        result.error = f"{type(exc).__name__}: {exc}"[:300]
        if not isinstance(exc, ValueError) and type(exc).__name__ != "ReportError":
            result.error += "\n" + traceback.format_exc(limit=-3)
        _cells(expected_json(spec), {}, result)
        result.caught = False if case.expect else None
        return result
    got = report.check_json()
    expected = expected_json(spec)
    for key in META:
        if expected[key] != got.get(key):
            result.meta.append(f"{key}: expected {expected[key]!r}, got {got.get(key)!r}")
    _cells(expected, got, result)
    found = set()
    for f in findings:
        pair = (f.rule, f.where)
        found.add(pair)
        line = f"{f.rule} {f.where}: {f.message}"
        (result.true if pair in case.allowed or pair in case.expect else result.false).append(line)
    if case.expect:
        result.caught = bool(found & case.expect)
    result.missed_faults = sorted(printed_faults(spec) - found)
    return result


def run(cases: list[Case], formats: list[str]) -> list[Result]:
    files = build_all(cases, formats)
    results = []
    for case in cases:
        for fmt in formats:
            results.append(
                score(
                    case,
                    fmt,
                    files[case.id, "this", fmt],
                    files.get((case.id, "previous", fmt)) if case.previous else None,
                )
            )
    return results
