"""HTML: a report as published on a government web page, without the page around it.

Site chrome (menus, breadcrumbs, sidebars of other years' reports, share bars, footers) is
dropped by tag, by id/class names that say what it is, and by a line being nothing but links.
Anything that holds a substantial amount of plain text or a real table is never dropped by
name, since CMS templates give content wrappers odd names too (an ASP.NET page is one <form>).
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from parser.errors import corrupt, empty
from parser.layout import Document, Line, is_layout_table, picture_line, row_line, text_line
from parser.textutil import clean_text, join_cell
from parser.textutil import decode as decode_bytes

KIND = "HTML"

ALWAYS_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "nav",
    "select",
    "option",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "svg",
    "math",
    "canvas",
    "video",
    "audio",
    "map",
    "button",
    "input",
    "textarea",
    "link",
    "meta",
    "base",
}
# chrome by tag, unless it holds content (see _substantial)
CHROME_TAGS = {"footer", "aside", "form"}
BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "center",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "legend",
    "details",
    "summary",
    "body",
    "html",
}
HEADINGS = ("h1", "h2", "h3")
TABLE_PARTS = {"thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}

# id/class words that name site chrome: whole words, and stems that are safe inside longer names
CHROME_WORDS = {
    "nav",
    "navi",
    "navigation",
    "menu",
    "menus",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "bread",
    "footer",
    "foot",
    "sidebar",
    "side",
    "aside",
    "share",
    "topbar",
    "position",
    "location",
    "dqwz",
    "toolbar",
    "tools",
    "copyright",
    "banner",
    "logo",
}
CHROME_STEMS = (
    "breadcrumb",
    "crumb",
    "navbar",
    "sidebar",
    "topbar",
    "footer",
    "bdshare",
    "share",
    "menu",
    "nav",
)
# "header"/"head"/"top" also name an article's own head holding its title: dropped only when
# made of links (see _site_header)
HEADER_WORDS = {"header", "head", "top"}

# a container keeps its place when it has this much non-link text, or a table this long
SUBSTANTIAL_CHARS = 1000
SUBSTANTIAL_ROWS = 5

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SPACES_ONLY = re.compile(r"\s+")
_MSO_ELEMENT = re.compile(r"mso-element\s*:\s*([a-z-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# separators and dates that sit beside links in menus and lists without making them content
_LINK_FILLER = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?|[\s|｜/\\>›»·•\-—_:：,，、;；\[\]【】()（）<>《》\"'“”]+"
)
# a source line break between two CJK characters is not a space (browsers drop it too)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])[ \t\r]*\n[ \t\r\n]*(?=[{_CJK}])")
_CHROME_LINE = re.compile(
    r"^(?:当前位置|您现在的位置|您当前的位置|您的位置|您所在的位置|当前所在位置|所在位置)\s*[:：]"
    r"|^(?:分享到|打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】)"
)


# -- decoding --------------------------------------------------------------


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # GB2312 and GBK pages routinely use characters only their superset has
    return "gb18030" if codec in ("gb2312", "gbk", "hz") else codec


def decode(data: bytes) -> str:
    """The page's text: its own <meta> charset is one guess among others (see parser.textutil.decode)."""
    match = _META_CHARSET.search(data[:32768])
    declared = _codec(match.group(1).decode("ascii", "ignore")) if match else None
    if declared and declared.startswith("utf-16"):
        declared = None  # bytes without a BOM that still parse as ASCII markup are not UTF-16
    return decode_bytes(data, declared)


# -- chrome ----------------------------------------------------------------


def _words(el: etree._Element) -> set[str]:
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    if el.tag == "div":
        # office exports mark page headers/footers: LibreOffice by title, Word by an mso style
        names += f" {el.get('title') or ''} {' '.join(_MSO_ELEMENT.findall(el.get('style') or ''))}"
    # "mainNav" counts as "main" and "nav", "topBar" also as "topbar"
    words = _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", names).lower()) + _WORD_SPLIT.split(names.lower())
    return {w for w in words if w}


def _names_chrome(el: etree._Element) -> bool:
    words = _words(el)
    if words & CHROME_WORDS:
        return True
    return any(stem in word for word in words for stem in CHROME_STEMS)


def _link_share(el: etree._Element) -> tuple[int, int]:
    """(all text, link text) lengths, spaces not counted."""

    def size(node: etree._Element) -> int:
        return len(_SPACES_ONLY.sub("", node.text_content()))

    return size(el), sum(size(a) for a in el.iter("a"))


def _site_header(el: etree._Element) -> bool:
    if el.tag != "header" and not _words(el) & HEADER_WORDS:
        return False
    if next((h for tag in HEADINGS for h in el.iter(tag)), None) is not None:
        return False
    total, links = _link_share(el)
    return links * 2 >= total


def _substantial(el: etree._Element) -> bool:
    total, links = _link_share(el)
    if total - links > SUBSTANTIAL_CHARS:
        return True
    return any(len(t.xpath(".//tr")) >= SUBSTANTIAL_ROWS for t in el.iter("table"))


def _drop_chrome(root: etree._Element) -> None:
    for el in list(root.iter(*ALWAYS_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    doomed = []
    for el in root.iter():
        # a table's rows and cells are judged by their content (link-only rows), never by their names
        if not isinstance(el.tag, str) or el.tag in ("html", "body") or el.tag in TABLE_PARTS:
            continue
        hidden = el.get("hidden") is not None or _HIDDEN.search(el.get("style") or "")
        chrome = hidden or el.tag in CHROME_TAGS or _names_chrome(el) or _site_header(el)
        if chrome and not _substantial(el):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


# -- lines -----------------------------------------------------------------


def _large_picture(img: etree._Element) -> bool:
    """An image that may be a pasted table, not an icon, a logo or a spacer."""
    for attr in ("width", "height"):
        value = re.match(r"\s*(\d+)", img.get(attr) or "")
        if value and int(value.group(1)) < 200:
            return False
    return True


class _Builder:
    """Pieces of the current line, each remembered as link text or not."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bool]] = []
        self.lines: list[tuple[str, bool]] = []  # (text, only links)

    def add(self, text: str | None, link: bool) -> None:
        if text:
            self.pieces.append((text, link))

    def cut(self) -> None:
        if not self.pieces:
            return
        text = clean_text(_CJK_BREAK.sub("", "".join(t for t, _ in self.pieces)))
        if text:
            plain = _LINK_FILLER.sub("", "".join(t for t, link in self.pieces if not link))
            linked = any(link and t.strip() for t, link in self.pieces)
            self.lines.append((text, linked and not plain))
        self.pieces = []


class _Walker:
    def __init__(self) -> None:
        self.out: list[Line] = []

    def _emit_text(self, builder: _Builder) -> None:
        builder.cut()
        for text, link_only in builder.lines:
            if not link_only and not _CHROME_LINE.search(text):
                self.out.append(text_line(text))
        builder.lines = []

    def flow(self, el: etree._Element) -> None:
        """Lines of a container's content, tables as rows."""
        builder = _Builder()
        self._walk(el, builder, None, in_link=False, in_pre=False)
        self._emit_text(builder)

    def _walk(
        self,
        el: etree._Element,
        b: _Builder,
        nested: list[etree._Element] | None,
        in_link: bool,
        in_pre: bool,
    ) -> None:
        """Text of `el` into `b`. Tables go to `nested` inside a cell, else out as rows at once."""
        in_link = in_link or el.tag == "a"
        in_pre = in_pre or el.tag == "pre"
        self._text(el.text, b, in_link, in_pre)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                pass
            elif tag == "table":
                b.cut()
                if nested is not None:
                    nested.append(child)
                else:
                    self._emit_text(b)
                    self.table(child)
            elif tag == "img":
                if nested is None and _large_picture(child):
                    self._emit_text(b)
                    self.out.append(picture_line())
            elif tag in BLOCK_TAGS:
                b.cut()
                self._walk(child, b, nested, in_link, in_pre)
                b.cut()
            else:
                self._walk(child, b, nested, in_link, in_pre)
            self._text(child.tail, b, in_link, in_pre)

    @staticmethod
    def _text(text: str | None, b: _Builder, link: bool, pre: bool) -> None:
        if not text:
            return
        if not pre:
            b.add(text, link)
            return
        for i, part in enumerate(text.split("\n")):
            if i:
                b.cut()
            b.add(part, link)

    # -- tables ------------------------------------------------------------

    @staticmethod
    def _rows(table: etree._Element) -> list[etree._Element]:
        rows = []
        for child in table:
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(c for c in child if c.tag == "tr")
        return rows

    @staticmethod
    def _cells(tr: etree._Element) -> list[etree._Element]:
        return [c for c in tr if c.tag in ("td", "th")]

    def _is_layout(self, rows: list[list[etree._Element]]) -> bool:
        return is_layout_table(
            rows,
            lambda cell: len(cell.text_content()) - sum(len(t.text_content()) for t in _outer_tables(cell)),
            lambda cell: (len(self._rows(t)) for t in _outer_tables(cell)),
        )

    def table(self, table: etree._Element) -> None:
        for caption in table.iterchildren("caption"):
            self.flow(caption)
        # HTML lists only the cells that start in a row: a colspan cell is one <td>, and a
        # rowspan cell is absent from the rows below, which is exactly the Line contract
        rows = [self._cells(tr) for tr in self._rows(table)]
        if self._is_layout(rows):
            for cells in rows:
                for cell in cells:
                    self.flow(cell)
            return
        for cells in rows:
            texts: list[str] = []
            link_only: list[bool] = []
            nested: list[etree._Element] = []
            for cell in cells:
                b = _Builder()
                self._walk(cell, b, nested, in_link=False, in_pre=False)
                b.cut()
                texts.append(join_cell([text for text, _ in b.lines]))
                link_only.append(bool(b.lines) and all(only for _, only in b.lines))
            filled = [i for i, text in enumerate(texts) if text]
            if filled and not all(link_only[i] for i in filled):
                self.out.append(row_line(texts))
            for inner in nested:
                self.table(inner)


def _outer_tables(el: etree._Element) -> list[etree._Element]:
    found = []
    for child in el:
        if child.tag == "table":
            found.append(child)
        elif isinstance(child.tag, str):
            found.extend(_outer_tables(child))
    return found


def _parse(text: str) -> etree._Element:
    text = _XML_DECL.sub("", text, count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError as exc:
        raise empty() from exc
    except (ValueError, etree.LxmlError) as exc:
        raise corrupt(KIND, str(exc)) from exc


def read(data: bytes) -> Document:
    root = _parse(decode(data))
    title = root.findtext(".//title")  # read before the chrome (and <head>) is dropped
    _drop_chrome(root)
    body = root.find("body")
    walker = _Walker()
    walker.flow(body if body is not None else root)
    return Document(lines=walker.out, format="html", pages=None, title=clean_text(title) if title else None)
