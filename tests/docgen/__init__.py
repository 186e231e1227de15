"""Builds real report files (DOCX, PDF, HTML, TXT) from known values, for tests of the whole parser.

spec = varied_specs()[0]            # or make_spec(...)
build_docx(spec) / docx_to_pdf(...) / build_html(spec, "gbk") / build_txt(spec, "gb18030")
expected_json(spec)                 # what `nianbao check --json` must print for it
random_spec(seed) / inject.inject(spec, kind)   # the sweep: any variation, with or without one known error
"""

from .docx_builder import build_docx
from .render import RenderError, build_html, build_txt, docx_to_pdf, docx_to_pdfs, html_to_pdfs, scan_pdf
from .spec import (
    AGENCIES,
    ReportSpec,
    Variations,
    diff_json,
    expected_json,
    make_spec,
    printed_faults,
    random_spec,
    random_values,
    varied_specs,
    with_variations,
)

__all__ = [
    "AGENCIES",
    "RenderError",
    "ReportSpec",
    "Variations",
    "build_docx",
    "build_html",
    "build_txt",
    "diff_json",
    "docx_to_pdf",
    "docx_to_pdfs",
    "expected_json",
    "html_to_pdfs",
    "make_spec",
    "printed_faults",
    "random_spec",
    "random_values",
    "scan_pdf",
    "varied_specs",
    "with_variations",
]
