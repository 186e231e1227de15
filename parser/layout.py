"""What every format reader produces and the table reader consumes: lines in reading order.

A `Line` is either plain text (one cell) or a table row whose distinct cells are known
(merged cells appear once, at their first row and column; a blank cell is ""). Readers know
nothing about reports; the table reader knows nothing about formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar


@dataclass(slots=True)
class Line:
    cells: list[str]
    page: int | None = None
    is_row: bool = False  # True when the cells come from a real table structure
    doubtful: list[int] = field(default_factory=list)  # indexes of cells read with low confidence (OCR)
    picture: bool = False  # a picture stood here (a table pasted as an image, in DOCX and HTML)
    # the text, worked out once: the readers of tables, headings and metadata ask for it again and again
    # (a line's cells are never changed once it is made)
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            text = self._text = " ".join(c for c in self.cells if c)
        return text


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


# A table whose cells hold this much prose is a layout frame around the text, not data; a cell
# alone in its row may be longer (a note under a real table spanning all its columns)
LAYOUT_CELL_CHARS = 200
LAYOUT_LONE_CELL_CHARS = 1000
# ...as is one holding a real table of its own
LAYOUT_NESTED_ROWS = 3

Cell = TypeVar("Cell")


def is_layout_table(
    rows: Sequence[Sequence[Cell]],
    own_chars: Callable[[Cell], int],
    nested_rows: Callable[[Cell], Iterable[int]],
) -> bool:
    """A table that frames the text rather than holding data (DOCX and HTML judge alike): every row a
    single cell, a cell with much prose of its own, or a cell holding a real table.

    `own_chars(cell)` counts the cell's characters outside tables nested in it; `nested_rows(cell)`
    gives the row count of each table nested in it."""
    if all(len(cells) <= 1 for cells in rows):
        return True
    for cells in rows:
        limit = LAYOUT_CELL_CHARS if len(cells) > 1 else LAYOUT_LONE_CELL_CHARS
        for cell in cells:
            if own_chars(cell) > limit:
                return True
            if any(n >= LAYOUT_NESTED_ROWS for n in nested_rows(cell)):
                return True
    return False
