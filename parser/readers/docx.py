"""DOCX: body paragraphs and table rows of word/document.xml, in document order.

Read with lxml rather than python-docx, whose cell API repeats a merged cell once per grid
column and per merged row; here a cell spanning columns (w:gridSpan) appears once and a cell
continuing a vertical merge (w:vMerge) is left out of the later rows. Headers, footers,
footnotes and comments live in other parts and are never read.

A table whose cells are one column, or hold long prose or a real table of their own, is a
layout frame: its content is read as paragraphs and rows, not as one giant row. A w:altChunk
(a web page embedded by "export to Word" tools) is read with the HTML reader.

Pages: a document saved by Word records where its pages broke (w:lastRenderedPageBreak,
which also marks hard breaks); other writers only leave hard breaks (w:br w:type="page",
w:pageBreakBefore, section breaks). A document with neither gets page=None.
"""

from __future__ import annotations

import email
import email.policy
import posixpath
import zipfile
from collections.abc import Callable

from lxml import etree

from parser.errors import ReportError, corrupt
from parser.layout import Document, Line, is_layout_table, picture_line, row_line, text_line
from parser.readers.archive import open_zip, read_member
from parser.textutil import clean_text, join_cell

KIND = "DOCX"
MAIN_PART = "word/document.xml"
# a real report's document.xml is well under 5 MB; lxml needs several times the XML in memory
XML_LIMIT = 64 * 1024 * 1024
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS_PART = "word/_rels/document.xml.rels"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

_PICTURES = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{urn:schemas-microsoft-com:vml}imagedata",
)


def _has_picture(paragraph: etree._Element) -> bool:
    """A picture in the paragraph (DrawingML a:blip or VML v:imagedata): a table may have been pasted as one."""
    return any(True for _ in paragraph.iter(*_PICTURES))


class _Tags:
    """Clark-notation tag names in the document's WordprocessingML namespace (transitional or strict)."""

    def __init__(self, ns: str):
        def q(local: str) -> str:
            return f"{{{ns}}}{local}"

        self.ns = ns
        for local in (
            "body p pPr r t tab ptab br cr noBreakHyphen lastRenderedPageBreak pageBreakBefore sectPr type "
            "tbl tr tc tcPr gridSpan vMerge hMerge sdt sdtContent customXml smartTag hyperlink ins moveTo "
            "fldSimple dir bdo drawing pict object txbxContent altChunk"
        ).split():
            setattr(self, local, q(local))
        self.val = q("val")
        self.type_attr = q("type")
        self.alt = f"{{{MC}}}AlternateContent"
        self.choice = f"{{{MC}}}Choice"
        # inline wrappers whose runs are ordinary text of the paragraph
        self.inline_wrappers = {
            self.hyperlink,
            self.smartTag,
            self.customXml,
            self.ins,
            self.moveTo,
            self.fldSimple,
            self.dir,
            self.bdo,
            self.sdt,
            self.sdtContent,
        }
        self.math_ns = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """el.find(tag) for a plain tag, without lxml parsing the path again (a report has ~300 paragraphs)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _flag_on(el: etree._Element | None, val_attr: str) -> bool:
    """An OOXML on/off property: present and not switched off."""
    if el is None:
        return False
    return el.get(val_attr, "true").lower() not in ("false", "0", "off")


class _Segments:
    """Text of one paragraph split at line breaks, each piece with the page its text starts on."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.parts: list[str] = []
        self.page: int | None = None
        self.done: list[tuple[str, int | None]] = []

    def add(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        if self.page is None and text.strip():
            self.page = self.reader.page

    def cut(self) -> None:
        text = clean_text("".join(self.parts))
        if text:
            self.done.append((text, self.page if self.reader.paged else None))
        self.parts = []
        self.page = None


class _Reader:
    def __init__(self, root: etree._Element, chunks: Callable[[str], list[Line]] | None = None):
        self.t = _Tags(etree.QName(root).namespace or "")
        self.chunks = chunks
        self.lines: list[Line] = []
        self.page = 1
        self.started = False
        t = self.t
        self.rendered = next(root.iter(t.lastRenderedPageBreak), None) is not None
        # section i ends at the paragraph holding sectPr i; how section i+1 starts decides the break
        sects = list(root.iter(t.sectPr))
        self.section_break: dict[etree._Element, bool] = {}
        for i, sect in enumerate(sects[:-1]):
            kind = sects[i + 1].find(t.type)
            val = kind.get(t.val, "nextPage") if kind is not None else "nextPage"
            self.section_break[sect] = val not in ("continuous", "nextColumn")
        hard = any(v for v in self.section_break.values())
        if not hard:
            hard = any(br.get(t.type_attr) == "page" for br in root.iter(t.br))
        if not hard:
            hard = any(_flag_on(el, t.val) for el in root.iter(t.pageBreakBefore))
        self.paged = self.rendered or hard

    # -- pages -------------------------------------------------------------

    def _hard_break(self) -> None:
        # Word's rendered marks already include hard breaks; count those only when absent
        if not self.rendered:
            self.page += 1

    def _line_page(self) -> int | None:
        return self.page if self.paged else None

    # -- blocks ------------------------------------------------------------

    def blocks(self, container: etree._Element) -> None:
        t = self.t
        for child in container:
            tag = child.tag
            if tag == t.p:
                segments, boxes = self.paragraph(child)
                for text, page in segments:
                    self.lines.append(text_line(text, page))
                for box in boxes:
                    self.blocks(box)
                if not boxes and _has_picture(child):
                    self.lines.append(picture_line(self._line_page()))
            elif tag == t.tbl:
                self.table(child)
            elif tag == t.sdt:
                for content in child.iterchildren(t.sdtContent):
                    self.blocks(content)
            elif tag in (t.customXml, t.ins, t.moveTo):
                self.blocks(child)
            elif tag == t.alt:
                choice = child.find(t.choice)
                if choice is not None:
                    self.blocks(choice)
            elif tag == t.altChunk and self.chunks is not None:
                self.lines.extend(self.chunks(child.get(REL_ID, "")))

    def paragraph(self, p: etree._Element) -> tuple[list[tuple[str, int | None]], list[etree._Element]]:
        t = self.t
        ppr = _child(p, t.pPr)
        # the first paragraph of a document is on page 1 whatever it asks for
        if ppr is not None and self.started and _flag_on(_child(ppr, t.pageBreakBefore), t.val):
            self._hard_break()
        self.started = True
        seg = _Segments(self)
        boxes: list[etree._Element] = []
        self._inline(p, seg, boxes)
        seg.cut()
        if ppr is not None:
            sect = _child(ppr, t.sectPr)
            if sect is not None and self.section_break.get(sect):
                self._hard_break()
        return seg.done, boxes

    def _inline(self, el: etree._Element, seg: _Segments, boxes: list[etree._Element]) -> None:
        t = self.t
        for child in el:
            tag = child.tag
            if tag == t.r:
                self._run(child, seg, boxes)
            elif tag in t.inline_wrappers:
                self._inline(child, seg, boxes)
            elif tag == t.alt:
                choice = child.find(t.choice)
                if choice is not None:
                    self._inline(choice, seg, boxes)
            elif isinstance(tag, str) and tag.startswith("{" + t.math_ns):
                # equations: keep their visible text (m:r/m:t)
                seg.add("".join(x.text or "" for x in child.iter(f"{{{t.math_ns}}}t")))

    def _run(self, run: etree._Element, seg: _Segments, boxes: list[etree._Element]) -> None:
        t = self.t
        for child in run:
            tag = child.tag
            if tag == t.t:
                seg.add(child.text or "")
            elif tag in (t.tab, t.ptab):
                seg.add(" ")
            elif tag == t.br:
                seg.cut()
                if child.get(t.type_attr) == "page":
                    self._hard_break()
            elif tag == t.cr:
                seg.cut()
            elif tag == t.noBreakHyphen:
                seg.add("-")
            elif tag == t.lastRenderedPageBreak:
                self.page += 1
            elif tag in (t.drawing, t.pict, t.object, t.alt):
                boxes.extend(self._text_boxes(child))

    def _text_boxes(self, el: etree._Element) -> list[etree._Element]:
        """Outermost w:txbxContent under a drawing, taking one branch of each mc:AlternateContent
        (Word writes every text box twice: DrawingML in Choice, VML in Fallback)."""
        t = self.t
        if el.tag == t.txbxContent:
            return [el]
        if el.tag == t.alt:
            choice = el.find(t.choice)
            return self._text_boxes(choice) if choice is not None else []
        found: list[etree._Element] = []
        for child in el:
            if isinstance(child.tag, str):
                found.extend(self._text_boxes(child))
        return found

    # -- tables ------------------------------------------------------------

    def _rows(self, tbl: etree._Element) -> list[etree._Element]:
        t = self.t
        return [el for el in self._unwrap(tbl) if el.tag == t.tr]

    def _cells(self, tr: etree._Element) -> list[etree._Element]:
        t = self.t
        return [el for el in self._unwrap(tr) if el.tag == t.tc]

    def _unwrap(self, parent: etree._Element):
        """Children, looking through content controls and custom XML wrapped around rows or cells."""
        t = self.t
        for child in parent:
            if child.tag == t.sdt:
                for content in child.iterchildren(t.sdtContent):
                    yield from self._unwrap(content)
            elif child.tag == t.customXml:
                yield from self._unwrap(child)
            else:
                yield child

    def _continues_merge(self, tc: etree._Element) -> bool:
        t = self.t
        tcpr = _child(tc, t.tcPr)
        if tcpr is None:
            return False
        for tag in (t.vMerge, t.hMerge):
            merge = _child(tcpr, tag)
            # a bare <w:vMerge/> means "continue"; only val="restart" starts a merged cell
            if merge is not None and merge.get(t.val, "continue") == "continue":
                return True
        return False

    def _own_text_len(self, tc: etree._Element) -> int:
        t = self.t
        n = 0
        for child in tc:
            if child.tag != t.tbl:
                n += sum(len(x.text or "") for x in child.iter(t.t))
        return n

    def _is_layout(self, rows: list[list[etree._Element]]) -> bool:
        tbl = self.t.tbl
        return is_layout_table(
            rows, self._own_text_len, lambda tc: (len(self._rows(inner)) for inner in tc.iter(tbl))
        )

    def table(self, tbl: etree._Element) -> None:
        rows = [self._cells(tr) for tr in self._rows(tbl)]
        if self._is_layout(rows):
            for cells in rows:
                for tc in cells:
                    self.blocks(tc)
            return
        for cells in rows:
            texts: list[str] = []
            nested: list[etree._Element] = []
            page: int | None = None
            for tc in cells:
                if self._continues_merge(tc):
                    continue
                pieces: list[tuple[str, int | None]] = []
                self._cell(tc, pieces, nested)
                texts.append(join_cell([text for text, _ in pieces]))
                if page is None and pieces:
                    page = pieces[0][1]
            if any(texts):
                self.lines.append(row_line(texts, page if page is not None else self._line_page()))
            for inner in nested:
                self.table(inner)

    def _cell(self, container: etree._Element, pieces: list, nested: list[etree._Element]) -> None:
        t = self.t
        for child in container:
            tag = child.tag
            if tag == t.p:
                segments, boxes = self.paragraph(child)
                pieces.extend(segments)
                for box in boxes:
                    self._cell(box, pieces, nested)
            elif tag == t.tbl:
                nested.append(child)
            elif tag == t.sdt:
                for content in child.iterchildren(t.sdtContent):
                    self._cell(content, pieces, nested)
            elif tag in (t.customXml, t.ins, t.moveTo):
                self._cell(child, pieces, nested)


def _parse_xml(xml: bytes, name: str = MAIN_PART) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise corrupt(KIND, f"{name}: {exc}") from exc


def _html_of_chunk(payload: bytes, name: str) -> bytes:
    """The HTML inside an altChunk part: plain HTML, or the text/html part of an MHT archive."""
    if not name.lower().endswith((".mht", ".mhtml")) and b"multipart/" not in payload[:4096].lower():
        return payload
    message = email.message_from_bytes(payload, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True) or b""
    return b""


def _chunk_reader(zf: zipfile.ZipFile) -> Callable[[str], list[Line]]:
    """Lines of a w:altChunk: editors that export "Word" from a web page embed the page as HTML."""
    targets: dict[str, str] = {}
    if RELS_PART in zf.namelist():
        rels = _parse_xml(read_member(zf, RELS_PART, KIND, XML_LIMIT), RELS_PART)
        for rel in rels.iter(f"{{{PKG_RELS}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External" and target:
                targets[rel.get("Id", "")] = posixpath.normpath(posixpath.join("word", target)).lstrip("/")

    def lines(rel_id: str) -> list[Line]:
        from parser.readers import html  # html builds on this module's text helpers

        name = targets.get(rel_id)
        if name is None or name not in zf.namelist():
            return []
        payload = _html_of_chunk(read_member(zf, name, KIND, XML_LIMIT), name)
        if not payload.strip():
            return []
        try:
            return html.read(payload).lines
        except ReportError:
            return []

    return lines


def read(data: bytes) -> Document:
    with open_zip(data, KIND, required=(MAIN_PART,)) as zf:
        root = _parse_xml(read_member(zf, MAIN_PART, KIND, XML_LIMIT))
        chunks = _chunk_reader(zf) if next(root.iter("{*}altChunk"), None) is not None else None
        reader = _Reader(root, chunks)
        body = root.find(reader.t.body)
        if body is None:
            raise corrupt(KIND, f"{MAIN_PART} has no body")
        reader.blocks(body)
    pages = None
    if reader.paged:
        pages = max((line.page or 1 for line in reader.lines), default=1)
    return Document(lines=reader.lines, format="docx", pages=pages)
