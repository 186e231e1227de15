"""What every format reader produces and the table reader consumes: lines in reading order.

A `Line` is either plain text (one cell) or a table row whose distinct cells are known
(merged cells appear once, at their first row and column; a blank cell is ""). Readers know
nothing about reports; the table reader knows nothing about formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    cells: list[str]
    page: int | None = None
    is_row: bool = False  # True when the cells come from a real table structure
    doubtful: list[int] = field(default_factory=list)  # indexes of cells read with low confidence (OCR)
    picture: bool = False  # a picture stood here (a table pasted as an image, in DOCX and HTML)

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)


@dataclass(slots=True)
class Document:
    lines: list[Line]
    format: str
    pages: int | None = None
    ocr: bool = False
    title: str | None = None  # the file's own title (an HTML page's <title>): a fallback for the report's


def text_line(text: str, page: int | None = None) -> Line:
    return Line([text], page)


def row_line(cells: list[str], page: int | None = None) -> Line:
    return Line(list(cells), page, is_row=True)


PICTURE_TEXT = "［图片］"


def picture_line(page: int | None = None) -> Line:
    return Line([PICTURE_TEXT], page, picture=True)
