"""Other forms of a spec: PDF (LibreOffice renders the DOCX), a government web page, extracted text.

PDF renders are cached under tests/.cache/render/ by the DOCX's hash, so repeat runs cost nothing.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

from .layout import Block, Grid, blocks
from .spec import ReportSpec

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "render"
RENDER_TIMEOUT = 240  # seconds for one soffice call (a batch); a cold start alone takes a few seconds


class RenderError(RuntimeError):
    pass


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RenderError(
            "LibreOffice (soffice) is not installed; the test suite's install step provides it "
            "(Debian: apt-get install libreoffice-writer-nogui fonts-noto-cjk)"
        )
    return exe


def docx_to_pdf(docx_bytes: bytes) -> bytes:
    return docx_to_pdfs([docx_bytes])[0]


def docx_to_pdfs(docs: list[bytes]) -> list[bytes]:
    """Render several DOCX files with ONE soffice call (each cold start costs seconds); cached by content."""
    keys = [hashlib.sha256(d).hexdigest() for d in docs]
    missing = {k: d for k, d in zip(keys, docs, strict=True) if not (CACHE / f"{k}.pdf").exists()}
    if missing:
        _render(missing)
    return [(CACHE / f"{k}.pdf").read_bytes() for k in keys]


def render_count() -> int:
    """How many soffice calls this process made (tests keep the suite's renders in check)."""
    return _calls


_calls = 0


def _render(docs: dict[str, bytes]) -> None:
    global _calls
    exe = _soffice()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-render-") as tmp:
        work = Path(tmp)
        files = []
        for key, data in docs.items():
            path = work / f"{key}.docx"
            path.write_bytes(data)
            files.append(str(path))
        out = work / "out"
        # a private profile: parallel runs and a user's own LibreOffice never share (or lock) one
        cmd = [
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ]
        _calls += 1
        try:
            proc = subprocess.run(
                cmd, capture_output=True, timeout=RENDER_TIMEOUT, env={**os.environ, "HOME": str(work)}
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(
                f"soffice did not finish converting {len(files)} files in {RENDER_TIMEOUT}s"
            ) from exc
        for key in docs:
            pdf = out / f"{key}.pdf"
            if not pdf.exists():
                raise RenderError(
                    f"soffice made no PDF for {key[:12]} (exit {proc.returncode}): "
                    f"{proc.stderr.decode(errors='replace')[-500:]}"
                )
            tmp_dst = CACHE / f"{key}.pdf.{os.getpid()}"
            shutil.copyfile(pdf, tmp_dst)
            os.replace(tmp_dst, CACHE / f"{key}.pdf")  # atomic: parallel sessions never read half a file


# ---------------------------------------------------------------- browser printing

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        raise RenderError("Chromium is not installed (Debian: apt-get install chromium)")
    return exe


def html_to_pdfs(pages: list[bytes]) -> list[bytes]:
    """Web pages printed to PDF by a browser (headless Chromium, its default header and footer: the page's
    title, date, address, page numbers), as a clerk saves a report page. Cached by the page's hash."""
    keys = [hashlib.sha256(b"chromium\0" + page).hexdigest() for page in pages]
    for key, page in zip(keys, pages, strict=True):
        if not (CACHE / f"{key}.pdf").exists():
            _print_page(key, page)
    return [(CACHE / f"{key}.pdf").read_bytes() for key in keys]


def _print_page(key: str, page: bytes) -> None:
    global _calls
    exe = _chromium()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-print-") as tmp:
        work = Path(tmp)
        src = work / "index.html"
        src.write_bytes(page)
        out = work / "out.pdf"
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        _calls += 1
        try:
            proc = subprocess.run(
                cmd, capture_output=True, timeout=RENDER_TIMEOUT, env={**os.environ, "HOME": tmp}
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"chromium did not print the page in {RENDER_TIMEOUT}s") from exc
        if not out.exists():
            raise RenderError(
                f"chromium made no PDF (exit {proc.returncode}): "
                f"{proc.stderr.decode(errors='replace')[-500:]}"
            )
        tmp_dst = CACHE / f"{key}.pdf.{os.getpid()}"
        shutil.copyfile(out, tmp_dst)
        os.replace(tmp_dst, CACHE / f"{key}.pdf")


# ---------------------------------------------------------------- scans


def scan_pdf(pdf: bytes, angle: float = 0.6, dpi: int = 150) -> bytes:
    """An image-only PDF as a flatbed scanner makes one: pages rasterised at `dpi`, greyscale, turned by
    `angle` degrees. Cached by the PDF's hash and the parameters."""
    key = hashlib.sha256(pdf + f"scan/{angle}/{dpi}".encode()).hexdigest()
    path = CACHE / f"{key}.scan.pdf"
    if not path.exists():
        import io

        import pypdfium2 as pdfium
        from PIL import Image

        doc = pdfium.PdfDocument(pdf)
        try:
            pages = [
                doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))
            ]
        finally:
            doc.close()
        turned = [page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255) for page in pages]
        buf = io.BytesIO()
        turned[0].save(buf, format="PDF", save_all=True, append_images=turned[1:], resolution=dpi)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp_dst = CACHE / f"{key}.scan.pdf.{os.getpid()}"
        tmp_dst.write_bytes(buf.getvalue())
        os.replace(tmp_dst, path)
    return path.read_bytes()


# ---------------------------------------------------------------- HTML

_STYLE = """
body{margin:0;font-family:"Microsoft YaHei",SimSun,sans-serif;font-size:14px;color:#333}
.top-nav{background:#b40000;height:40px}.top-nav li{float:left;list-style:none;padding:0 18px;line-height:40px}
.top-nav a{color:#fff;text-decoration:none}.breadcrumb{padding:8px 20px;color:#666}
.sidebar{float:left;width:220px}.content{margin-left:240px}.article p{line-height:2em;margin:0}
.article table{border-collapse:collapse;margin:0 auto}.article td{border:1px solid #000;padding:2px 4px}
.footer{clear:both;border-top:2px solid #b40000;text-align:center;color:#666;padding:12px}
"""


def _cell_html(cell, font: str) -> str:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    align = "left" if cell.kind in ("label", "group") else "center"
    return (
        f'<td{attrs} valign="middle" style="text-align:{align};"><p style="margin:0;">'
        f'<span style="font-family:{font};font-size:9pt;">{html.escape(cell.text) or "&nbsp;"}</span></p></td>'
    )


def _table_html(grid: Grid, spec: ReportSpec) -> str:
    border = ' border="1"' if spec.variations.borders else ""
    rows = []
    for row in grid.rows:
        rows.append("<tr>" + "".join(_cell_html(c, spec.variations.font) for c in row.cells) + "</tr>")
    return (
        f'<table{border} cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


PICTURE = (
    '<p style="text-align:center;"><img src="/u/cms/www/{stamp}/{name}.jpg" width="{w}" height="{h}" '
    'style="width:{w}px;height:{h}px;" alt="" border="0" /></p>'
)


def _article(spec: ReportSpec, pictures: bool = False, title: bool = True) -> str:
    font = spec.variations.font
    parts = []
    stamp = f"{spec.year + 1}0115"
    for block in blocks(spec):
        if block.kind == "title":
            if pictures:  # a banner above the title, as CMS editors paste one
                parts.append(PICTURE.format(stamp=stamp, name="banner", w=640, h=120))
            if not title:
                continue
            for line in block.lines:
                parts.append(
                    f'<p style="text-align:center;"><span style="font-family:方正小标宋简体;font-size:22pt;">'
                    f"{html.escape(line)}</span></p>"
                )
        elif block.kind == "heading":
            for line in block.lines:
                parts.append(
                    f'<p style="text-indent:2em;"><span style="font-family:黑体;font-size:16pt;">'
                    f"{html.escape(line)}</span></p>"
                )
        elif block.kind == "para":
            parts.append(
                f'<p style="text-indent:2em;"><span style="font-family:{font};font-size:16pt;">'
                f"{html.escape(block.lines[0])}</span></p>"
            )
            if pictures and block.section == "overview" and not any("photo" in p for p in parts):
                parts.append(
                    PICTURE.format(stamp=stamp, name="photo1", w=560, h=373)
                )  # a photo of the year's work
        elif block.kind == "table":
            assert block.grid is not None
            parts.append(_table_html(block.grid, spec))
        elif block.kind == "signature":
            parts.extend(
                f'<p style="text-align:right;"><span style="font-family:{font};font-size:16pt;">'
                f"{html.escape(line)}</span></p>"
                for line in block.lines
            )
    return "\n".join(parts)


# ---------------------------------------------------------------- HTML pasted from Word (mso styles)

_MSO_RUN = (
    "font-size:{size}pt;font-family:{font};mso-hansi-font-family:宋体;mso-bidi-font-family:宋体;color:black"
)


def _mso_text(text: str, font: str, size: float) -> str:
    """Word's HTML: runs of digits and Latin letters in their own lang="EN-US" spans, empty text as &nbsp;."""
    style = _MSO_RUN.format(size=size, font=font)
    if not text:
        return f'<span lang="EN-US" style="{style}"><o:p>&nbsp;</o:p></span>'
    out, buf, latin = [], "", None
    for ch in text + "\0":
        is_latin = ch.isascii() and ch != "\0"
        if ch == "\0" or (latin is not None and is_latin != latin):
            if buf:
                esc = html.escape(buf)
                out.append(
                    f'<span lang="EN-US" style="{style}">{esc}</span>'
                    if latin
                    else f'<span style="{style}">{esc}</span>'
                )
            buf = ""
        buf += ch
        latin = is_latin
    return "".join(out) + f'<span lang="EN-US" style="{style}"><o:p></o:p></span>'


def _mso_para(text: str, font: str, size: float, align: str | None = None, indent: bool = False) -> str:
    style = "line-height:28.0pt;mso-line-height-rule:exactly"
    if indent:
        style = "text-indent:32.0pt;mso-char-indent-count:2.0;" + style
    attr = f' align="{align}"' if align else ""
    if align:
        style = f"text-align:{align};" + style
    return f'<p class="MsoNormal"{attr} style="{style}">{_mso_text(text, font, size)}</p>'


def _mso_table(grid: Grid, spec: ReportSpec) -> str:
    border = (
        "border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;"
        if spec.variations.borders
        else ""
    )
    rows = []
    for r, row in enumerate(grid.rows):
        tds = []
        for cell in row.cells:
            span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            )
            width = 48 * cell.colspan
            align = "left" if cell.kind in ("label", "group") else "center"
            body = _mso_para(cell.text, "宋体", 9, align=align).replace("line-height:28.0pt;", "")
            tds.append(
                f'<td width="{width}"{span} valign="center" style="width:{width * 0.75:.1f}pt;{border}'
                f'padding:0cm 5.4pt 0cm 5.4pt;height:20.25pt">{body}</td>'
            )
        first = ";mso-yfti-firstrow:yes" if r == 0 else ""
        rows.append(f'<tr style="mso-yfti-irow:{r}{first};height:20.25pt">' + "".join(tds) + "</tr>")
    return (
        '<div align="center"><table class="MsoNormalTable" border="0" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse;mso-table-layout-alt:fixed;border:none;mso-border-alt:solid windowtext '
        '.5pt;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt">\n'
        + "\n".join(rows)
        + "\n</table></div>"
    )


def _article_word(spec: ReportSpec, pictures: bool = False, title: bool = True) -> str:
    """The report as a Word document saved or pasted as HTML (MsoNormal paragraphs, MsoNormalTable)."""
    font = spec.variations.font
    parts = ['<div class="WordSection1" style="layout-grid:15.6pt">']
    stamp = f"{spec.year + 1}0115"
    for block in blocks(spec):
        if block.kind == "title":
            if pictures:
                parts.append(PICTURE.format(stamp=stamp, name="image001", w=640, h=120))
            if title:
                parts.extend(_mso_para(line, "方正小标宋简体", 22, align="center") for line in block.lines)
        elif block.kind == "heading":
            parts.extend(_mso_para(line, "黑体", 16, indent=True) for line in block.lines)
        elif block.kind == "para":
            parts.append(_mso_para(block.lines[0], font, 16, indent=True))
            if pictures and block.section == "overview" and not any("image002" in p for p in parts):
                parts.append(PICTURE.format(stamp=stamp, name="image002", w=560, h=373))
        elif block.kind == "table":
            assert block.grid is not None
            parts.append(_mso_table(block.grid, spec))
            parts.append(_mso_para("", font, 10))
        elif block.kind == "signature":
            parts.extend(_mso_para(line, font, 16, align="right") for line in block.lines)
    parts.append("</div>")
    return "\n".join(parts)


def build_html(
    spec: ReportSpec,
    encoding: str = "utf-8",
    noise: bool = True,
    *,
    pictures: bool = False,
    word: bool = False,
    title_suffix: str | None = None,
    article_title: bool = True,
) -> bytes:
    """A government site's page with the report in <div class="article">; `noise` adds nav, sidebar, footer.

    `pictures`: a banner above the title and a photo in section 一 (<img> in the body). `word`: the report
    pasted from Word (mso styles, digits in their own spans). `title_suffix`: the page's <title> is the
    report's title plus this (e.g. 「-某某局」) instead of the site's own suffix. `article_title=False`: the
    title only in the page's <h1>, as CMS pages print it, not in the article."""
    title = "".join(spec.title())
    charset = {"utf-8": "utf-8", "gbk": "gbk", "gb18030": "gb18030", "gb2312": "gb2312"}[encoding.lower()]
    body = (_article_word if word else _article)(spec, pictures=pictures, title=article_title)
    article = f'<div class="article">\n{body}\n</div>'
    if not noise:
        page = (
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{html.escape(title)}</title></head><body>\n{article}\n</body></html>\n"
        )
        return page.encode(encoding)
    site = spec.agency_short
    others = "\n".join(
        f'<li><a href="/zfxxgk/ndbg/{y}/index.html" title="{y}年政府信息公开工作年度报告">'
        f"{y}年政府信息公开工作年度报告</a></li>"
        for y in (spec.year - 1, spec.year - 2, spec.year - 3)
    )
    info = f"发布时间：{spec.published.isoformat()}&nbsp;&nbsp;" if spec.published else ""
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta name="SiteName" content="{html.escape(site)}门户网站" />
<meta name="ArticleTitle" content="{html.escape(title)}" />
<title>{html.escape(title + (title_suffix if title_suffix is not None else f"_政府信息公开年报_{site}"))}</title>
<style type="text/css">{_STYLE}</style>
<script type="text/javascript">var _hmt = _hmt || []; /* 统计代码 */</script>
</head>
<body>
<div class="top-nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zmhd/">政民互动</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/zjwm/">走进{html.escape(site)}</a></li>
</ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt;
<a href="/zfxxgk/ndbg/">政府信息公开年报</a></div>
<div class="main">
<div class="sidebar"><h3>政府信息公开年报</h3><ul>
{others}
</ul>
<h3>相关链接</h3><ul><li><a href="/zfxxgk/zn/">政府信息公开指南</a></li>
<li><a href="/zfxxgk/zd/">政府信息公开制度</a></li><li><a href="/zfxxgk/ysqgk/">依申请公开</a></li></ul></div>
<div class="content">
<h1 class="title">{html.escape(title)}</h1>
<div class="info">{info}来源：{html.escape(spec.agency)}&nbsp;&nbsp;浏览次数：<span id="hits">1024</span>
&nbsp;&nbsp;【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】</div>
{article}
<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a>
<a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="footer"><p>主办单位：{html.escape(spec.agency)}&nbsp;&nbsp;承办单位：{html.escape(site)}政务公开办公室</p>
<p>网站标识码：6401040001&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/">宁ICP备05001234号-1</a>&nbsp;&nbsp;
宁公网安备 64010402000123号</p></div>
</body>
</html>
"""
    return page.encode(encoding)


# ---------------------------------------------------------------- TXT


def _chunks(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _has_blank_cells(spec: ReportSpec) -> bool:
    return spec.variations.null_mark == "" and any(
        cell.kind == "num" and cell.text == ""
        for b in blocks(spec)
        if b.grid
        for row in b.grid.rows
        for cell in row.cells
    )


def build_txt(spec: ReportSpec, encoding: str = "utf-8", style: str | None = None) -> bytes:
    """Text as a tool extracts it. style "pdf": lines wrapped, numbers space-separated, headers split
    char by char (pdftotext-like); "tabs": DOCX text with cells joined by tabs. Default: "pdf", or "tabs"
    when some cells are blank (blank cells vanish from PDF text, so such a text would be ambiguous)."""
    style = style or ("tabs" if _has_blank_cells(spec) else "pdf")
    lines: list[str] = []
    for block in blocks(spec):
        if style == "tabs":
            lines.extend(_tabs_block(block))
        else:
            lines.extend(_pdf_block(block))
    return ("\n".join(lines) + "\n").encode(encoding)


def _tabs_block(block: Block) -> list[str]:
    if block.kind == "table":
        assert block.grid is not None
        rows = []
        for dense in block.grid.full():
            rows.append("\t".join(pos[0].text if pos and pos[1] else "" for pos in dense))
        return ["", *rows, ""]
    if block.kind == "para":
        return ["", block.lines[0]]
    return ["", *block.lines]


def _pdf_block(block: Block) -> list[str]:
    if block.kind == "title":
        return ["", *(" " + line for line in block.lines)]
    if block.kind == "heading":
        return list(block.lines)
    if block.kind == "para":
        return textwrap.wrap(block.lines[0], 29) or [""]
    if block.kind == "signature":
        return ["", *block.lines]
    assert block.grid is not None
    return _pdf_table(block.grid)


def _pdf_table(grid: Grid) -> list[str]:
    out: list[str] = []
    if grid.key == "review_litigation":
        heads = grid.rows
        out.append("行政复议 行政诉讼")
        for cell in heads[1].cells[:5]:
            out.extend(cell.text)  # one character a line, as narrow header cells come out
        out.append("未经复议直接起诉 复议后起诉")
        for cell in heads[2].cells:
            out.extend(cell.text)
        out.append(" ".join(c.text for c in heads[3].cells))
        return out
    if grid.key == "active":
        return [" ".join(c.text for c in row.cells if c.text) for row in grid.rows]
    header_rows = 3
    if header_rows:
        note, *_ = grid.rows[0].cells
        out.extend(_chunks(note.text, 22))
        out.append("申请人情况")
        out.extend(["自然", "人", "法人或其他组织", "总", "计"])
        for cell in grid.rows[2].cells:
            out.extend(_chunks(cell.text, 2))
    for row in grid.rows[header_rows:]:
        if row.break_before:
            out.append("- 2 -")  # a page number in the middle of the table, as pdftotext gives it
        labels = [c for c in row.cells if c.kind != "num"]
        nums = " ".join(c.text for c in row.cells if c.kind == "num")
        # cells spanning several rows (三、本年度办理结果, （三）不予公开) come out wrapped before the row
        for cell in labels[:-1]:
            out.extend(_chunks(cell.text, 1 if cell.rowspan > 10 else 5))
        label = labels[-1].text if labels else ""
        if len(label) > 15:
            out.extend(_chunks(label, 15))
            out.append(nums)
        else:
            out.append(f"{label} {nums}".strip())
    return out
