"""Plain text: UTF-8, GB18030/GBK or UTF-16, as typed or as extracted from a PDF or DOCX.

Tab-separated lines are table rows (DOCX text extraction writes cells that way); form feeds
separate pages.
"""

from __future__ import annotations

from parser.layout import Document, Line, row_line, text_line
from parser.textutil import decode


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    page = 1
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        parts = raw.split("\f")
        for i, part in enumerate(parts):
            if i:
                page += 1
            if "\t" in part:
                cells = [c.strip() for c in part.split("\t")]
                if any(cells):
                    lines.append(row_line(cells, page))
            elif part.strip():
                lines.append(text_line(part.strip(), page))
    return lines


def read(data: bytes) -> Document:
    text = decode(data)
    lines = split_lines(text)
    pages = (lines[-1].page or 1) if lines else 0
    # Without form feeds a text file has no pages to cite
    if pages <= 1:
        for line in lines:
            line.page = None
        pages = None
    return Document(lines=lines, format="txt", pages=pages)
