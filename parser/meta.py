"""Metadata from the report's text: agency and year from the title, period, signature date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import product

from parser.textutil import cn_to_int, nfkc

# 「政府信息公开工作年度报告」, often without 工作
_REPORT_WORDS = r"政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告"
_TITLE = re.compile(r"(?P<before>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<between>.*?)" + _REPORT_WORDS)
# 「某某局政府信息公开工作年度报告（2024年度）」: the year after the words
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<before>.*?)(?P<between>)"
    + _REPORT_WORDS
    + r"\s*[（(]\s*(?P<year>(?:19|20)\d{2})\s*年?\s*度?\s*[)）]"
)
_QUOTED = re.compile(
    r"《(?P<before>[^《》]*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<between>[^《》]*?)"
    + _REPORT_WORDS
    + r"》"
)
# what may follow a title on its line: nothing, or a web page's suffix 「-某某局」「_政府信息公开年报_某某区人民政府」
_SUFFIX_SEP = r"[-_|｜—–－·]"
_TITLE_END = re.compile(rf"^\s*(?:$|{_SUFFIX_SEP})")
# a browser's print header before the title: 「2025/1/20 09:30」「2025-01-20 上午9:30」
_PRINT_STAMP = re.compile(
    r"^\s*\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\s*(?:(?:上午|下午|AM|PM)\s*)?"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?)?\s*",
    re.I,
)
# suffix parts that name the site or the column, not the agency
_SITE_WORDS = re.compile(
    r"网站|门户|网$|首页|频道|专栏|栏目|年报|年度报告|信息公开|政务公开|平台|www|gov", re.I
)
_AGENCY_END = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|办事处|委员会|局|厅|委|办|中心|署|院|所|馆|站|队|处|部|室|镇|乡|苏木|街道|"
    r"区|县|市|旗|州|盟|会|团|社|司|行|校|学|园|关|台|场|庭)$"
)
_DATE = r"(?P<y1>(?:19|20)\d{2})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
_PERIOD = re.compile(
    _DATE
    + r"\s*(?:起\s*)?(?:至|到|—+|-+|~|－)\s*(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?"
)
_SIGNATURE_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2}|[二〇○零一二三四五六七八九Ｏ]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$"
)
_NOISE_PREFIX = re.compile(r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|关于|附件\d*[:：]?)+")


@dataclass(slots=True)
class Title:
    agency: str | None
    year: int | None


_CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=\s*年)")


def _arabic_years(text: str) -> str:
    """「二〇二四年」 → 「2024年」: some titles spell the year in Chinese numerals."""
    return _CN_YEAR.sub(lambda m: str(cn_to_int(m.group())), text)


def _clean_agency(text: str) -> str | None:
    text = re.sub(r"\s+", "", _PRINT_STAMP.sub("", text))
    text = strip_pictures(text)
    text = _NOISE_PREFIX.sub("", text).strip("《》“”\"'：:，,。 -_|｜—–－")
    text = re.sub(r"(?:关于|的)$", "", text)  # 「某某局关于2024年…」
    if not text or len(text) > 40 or re.search(r"[，。；：！？:;/\\|<>›»]", text):
        return None
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 2:
        return None  # a name is Chinese words, not a date or a stray number
    return text


# What readers print for a picture (parser.layout.PICTURE_TEXT) and the markers web pages show for one
_PICTURE = re.compile(r"[\[［【(（]\s*(?:图片|图像|图|image|img|picture|photo)\s*[\]］】)）]", re.I)


def strip_pictures(text: str) -> str:
    """「［图片］某某局」 → 「某某局」: names hold text only."""
    return _PICTURE.sub("", text)


def suffix_agency(rest: str) -> str | None:
    """The agency in a web page title's suffix: 「-某某局」, 「_政府信息公开年报_某某区人民政府」."""
    for part in re.split(_SUFFIX_SEP + "+", rest):
        part = re.sub(r"\s+", "", part)
        if not part or _SITE_WORDS.search(part) or not _AGENCY_END.search(part):
            continue
        agency = _clean_agency(part)
        if agency and not re.search(r"\d", agency):
            return agency
    return None


def _match_title(line: str) -> re.Match | None:
    """The title at the start of `line`, when nothing but a page suffix follows it."""
    for pattern in (_TITLE, _TITLE_YEAR_AFTER):
        m = pattern.match(line)
        if m and _TITLE_END.match(line[m.end() :]):
            return m
    return None


# a web page's navigation, breadcrumbs and link lists: never part of an agency's name
_NAV_WORDS = re.compile(r"首页|当前位置|您的位置|所在位置|年报|网站|门户|栏目|导航|链接|走进|专题|[>›»]")
# the page's furniture between its title and the report: 「发布时间：… 来源：… 浏览次数：… 【字体：大 中 小】」
_PAGE_META = re.compile(
    r"发布(?:时间|日期)|来源[:：]|浏览|点击|字体|打印|分享|索引号|文号|作者[:：]|编辑[:：]"
)
_BODY_START = re.compile(r"^[一1][、.．]|根据|依据|按照|本报告")


def _menu_line(text: str) -> bool:
    """「首页 政务公开 政民互动 办事服务」: a site's menu or a list of links, many short words on one line."""
    tokens = text.split()
    return len(tokens) >= 3 and all(len(t) <= 10 for t in tokens) and not re.search(r"\d|[，。；：,;:]", text)


def _agency_in(text: str, between: bool = False) -> str | None:
    """The agency in the words before or within a title, unless they are a page's navigation. Words
    before a gap belong to the name only when they are a name too (「银川市兴庆区 掌政镇人民政府」); else
    they are a sidebar's or a menu's run into the title's line (「依申请公开 某某局」)."""
    text = _PRINT_STAMP.sub("", text)
    if _NAV_WORDS.search(text) or _menu_line(text):
        return None
    tokens = text.split()
    k = len(tokens) - 1
    while k > 0 and _AGENCY_END.search(tokens[k - 1]):
        k -= 1
    text = " ".join(tokens[k:])
    if _NAV_WORDS.search(text) or re.search(r"[【】\[\]<>]", text):
        return None
    name = _clean_agency(text)
    if between and name and not _AGENCY_END.search(name):
        return None  # 「2024年某某局政府信息公开…」 names an agency; other words there are not one
    return name


@dataclass(slots=True)
class _Candidate:
    title: Title
    start: int  # its first line
    end: int  # its last line
    key: str  # what it says, to know the same title printed twice (a page's heading and the article's)


def _lead_line(text: str) -> bool:
    """The first line of a wrapped title: part of the title's words, or a name standing on its own line
    (「银川市兴庆区」, 「某某局」) — not a sidebar's last link (「依申请公开」) run into the title."""
    if _NAV_WORDS.search(text) or re.search(r"[:：|]", text):
        return False  # a breadcrumb 「当前位置：首页 > …」
    if re.search(r"\d|政\s*府\s*信|[〇零○Ｏ一二三四五六七八九]{4}", text):
        return True
    name = re.sub(r"\s+", "", strip_pictures(text))
    return not name or bool(_AGENCY_END.search(name)) or len(name) >= 10


def _pieces(line: str, first: bool, whole: bool = False) -> list[str]:
    """What of a line may belong to a title. A printed page's sidebar and its article stand side by
    side and come as one line 「政府信息公开年报 某某局2024年…年度报」: the title may start after a gap
    (on its first line), and a wrapped title's next line may be the words before or after a gap."""
    gaps = list(re.finditer(r"\s+", line))
    if first:
        starts = [0] + [g.end() for g in gaps if g.end() < len(line)]
        # cut before a gap only when the title is whole on its line (a sidebar's links to its right)
        ends = [g.start() for g in gaps if g.start() > 0] if whole else []
        return [line[a:b] for a in starts for b in [len(line), *ends] if b > a]
    return (
        [line]
        + [line[g.end() :] for g in gaps if g.end() < len(line)]
        + [line[: g.start()] for g in gaps if g.start() > 0]
    )


def _candidates(top: list[str], i: int) -> list[_Candidate]:
    """The titles starting on line `i`, possibly wrapped over up to three lines."""
    out: list[_Candidate] = []
    for span in (1, 2, 3):
        rest = top[i + 1 : i + span]
        if len(rest) < span - 1 or any(_menu_line(part) for part in rest):
            break
        for parts in product(_pieces(top[i], True, span == 1), *(_pieces(part, False) for part in rest)):
            if any(len(part) > 40 for part in parts[1:]) or (span > 1 and not _lead_line(parts[0])):
                continue
            cand = _candidate(top, i, list(parts), top[i].startswith(parts[0]))
            if cand and cand not in out:
                out.append(cand)
        if out:
            break
    return out


def _candidate(top: list[str], i: int, parts: list[str], line_start: bool) -> _Candidate | None:
    line = "".join(parts)
    m = _match_title(_PRINT_STAMP.sub("", line))
    if not m or len(line) > 80:
        return None
    agency = _agency_in(m.group("between"), between=True) or _agency_in(m.group("before"))
    if agency is None and not _NAV_WORDS.search(_PRINT_STAMP.sub("", m.group("before"))):
        agency = suffix_agency(_PRINT_STAMP.sub("", line)[m.end() :])
    if agency is None and line_start:
        for back in (1, 2):
            if i - back >= 0:
                prev = _agency_in(top[i - back])
                if prev and not re.search(r"\d", prev) and _AGENCY_END.search(prev):
                    agency = prev
                    break
    year = int(m.group("year"))
    return _Candidate(Title(agency, year), i, i + len(parts) - 1, f"{agency}/{year}")


def _followed_by_body(top: list[str], cand: _Candidate, others: list[_Candidate]) -> bool:
    """The report's own title is followed by its body (the introduction, or section 一), past the page's
    furniture and the same title printed again; a sidebar's link is followed by the next link."""
    j = cand.end + 1
    for _ in range(8):
        if j >= len(top):
            return False
        line = top[j]
        again = [c for c in others if c.start == j and c.key == cand.key]
        if again:
            j = max(c.end for c in again) + 1
            continue
        if _BODY_START.match(line) or (
            len(line) >= 12 and re.search(r"[，。；《]", line) and not _PAGE_META.search(line)
        ):
            return True
        if line and not _PAGE_META.search(line):
            return False
        j += 1
    return False


def find_title(lines: list[str], body_year: int | None = None) -> tuple[Title, int] | None:
    """The report's title in the first lines, possibly wrapped over up to three lines; the agency may
    stand on the line before it, or in a web page title's suffix. Returns the title and the index of
    its last line.

    A printed web page holds other titles too: links to other years' reports in a sidebar, a menu or a
    breadcrumb run into the title. The report's own title names its agency, agrees with the year of
    the report's body (`body_year`: its statistical period) and is followed by that body."""
    top = [_arabic_years(strip_pictures(nfkc(raw))).strip() for raw in lines[:60]]
    candidates: list[_Candidate] = []
    for i, line in enumerate(top):
        if not line or _menu_line(line):
            continue
        candidates += _candidates(top, i)
    if not candidates:
        return None

    def rank(c: _Candidate) -> tuple:
        agency = re.sub(r"[（(][^（）()]*[)）]$", "", c.title.agency or "")
        return (
            c.title.agency is not None,
            bool(_AGENCY_END.search(agency)),
            body_year is None or c.title.year == body_year,
            _followed_by_body(top, c, candidates),
            -c.start,
        )

    best = max(candidates, key=rank)
    # the same title printed again just below (a page's heading, then the article's): the body follows the last
    end = best.end
    for c in candidates:
        if c.key == best.key and c.start > end and c.start - end <= 4:
            end = c.end
    return best.title, end


def find_quoted_title(text: str) -> Title | None:
    """「现发布《银川市兴庆区掌政镇 2023 年政府信息公开工作年度报告》」 in the introduction."""
    m = _QUOTED.search(_arabic_years(strip_pictures(nfkc(text))))
    if not m:
        return None
    agency = _clean_agency(m.group("between")) or _clean_agency(m.group("before"))
    return Title(agency, int(m.group("year")))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_period(text: str) -> tuple[date, date] | None:
    text = nfkc(text)
    for m in _PERIOD.finditer(text):
        y1 = int(m.group("y1"))
        y2 = int(m.group("y2") or y1)
        start = _safe_date(y1, int(m.group("m1")), int(m.group("d1")))
        end = _safe_date(y2, int(m.group("m2")), int(m.group("d2")))
        if start and end and start < end:
            return start, end
    return None


_TAIL = 30  # lines from the end where the signature stands: a web page's links and footer may follow it


def find_signature_date(lines: list[str]) -> date | None:
    """The date alone on a line near the end, under the signature (落款); a printed page's sidebar and
    footer may follow it."""
    for raw in reversed(lines[-_TAIL:]):
        line = re.sub(r"\s+", "", nfkc(raw))
        m = _SIGNATURE_DATE.match(line)
        if m:
            year, month, day = (cn_to_int(m.group(k)) for k in ("y", "m", "d"))
            if year and month and day:
                return _safe_date(year, month, day)
    return None


def find_signature_agency(lines: list[str]) -> str | None:
    """The agency signing the report (落款): the line just above the date at its end."""
    tail = [re.sub(r"\s+", "", nfkc(raw)) for raw in lines[-_TAIL:]]
    for k in range(len(tail) - 1, 0, -1):
        if _SIGNATURE_DATE.match(tail[k]):
            name = _clean_agency(tail[k - 1])
            if name and not re.search(r"\d", name) and _AGENCY_END.search(name) and len(name) <= 30:
                return name
            return None
    return None


def cites_2019_notice(text: str) -> bool:
    return bool(re.search(r"2019\s*[〕\]）)]\s*60\s*号", nfkc(text)))
