"""Figures stated in a report's prose: totals with their parts, shares, and quantities the tables hold.

`extract_facts(report)` reads `report.paragraphs` (section by section, paragraphs joined: the table
reader may break a paragraph where a PDF line ends with 。) and returns `Fact`s:

- kind "total": a stated total and the parts listed after 「其中」 (`value`, `parts`, `approx` for the
  total, `parts_approx` when any part is approximate);
- kind "share": a stated percentage (`share`) with the count it is of (`value`) and the whole (`of`);
  `approx` when the share or either count is approximate (「约占」「3800 余条」);
- kinds "received", "carried_over", "carried_forward", "closed", "reviews", "lawsuits", "fee": a
  quantity that a table also holds (or, for "fee", the 信息处理费 charged);
- kinds named by a table 2 cell path ("active.normative_documents.issued", "active.penalty.decisions"…):
  a figure of table 2 the prose states;
- kind "all_closed": 「均已办结」 said of the year's applications (nothing carried forward).

Approximate amounts (「余」「多」「约」「近」「左右」) carry `approx=True`; `interval()` gives the range
they allow. Quiet over clever: anything ambiguous yields no fact, since a wrong fact becomes a false alarm.
"""

from __future__ import annotations

import re

from parser.model import Fact, Report
from parser.quantities import (
    CLOSE_PAREN,
    OPEN_PAREN,
    SENTENCE_END,
    Quantity,
    Section,
    interval,
)

_TOTAL_MARK = re.compile(r"共|总计|合计|累计|全年|总数|总量")
_COMPARISON = re.compile(
    r"同比|环比|较上年|比上年|较去年|比去年|上年同期|较\d{4}年|比\d{4}年|增加|减少|增长|下降|提高"
)
_CUMULATIVE = re.compile(r"截至|截止|历年|累计至")  # counts over several years, not the report year's
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_NOT_APPLICATION = re.compile(
    r"咨询|投诉|留言|诉求|来电|热线|信件|来信|信访|工单|建议|提案|议案|网民|许可|审批|政务服务|办件"
)
_SHARE = re.compile(
    r"(?P<kw>约占|占比|占|回复率|答复率|办结率|回应率|办理率)(?P<mid>[^，,。；;%\d]{0,15}?)"
    r"(?P<approx>约|近)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%"
)
_RATE_VERB = re.compile(r"回复|回应|答复|办结|办理|处理|受理")
_ZERO_RECEIVED = re.compile(r"(?:没有|未|无)(?:收到|受理|接到|接收)[^，,。；;\d]{0,20}?申请")
_ZERO_FEE = re.compile(r"(?:没有|未|不)(?:收取|收缴)[^，,。；;\d]{0,20}?(?:信息)?处理费")


def extract_facts(report: Report) -> list[Fact]:
    by_section: dict[str, list[tuple[int | None, str]]] = {}
    for p in report.paragraphs:
        if p.section is not None:  # the preamble before 一、 states no figures to check
            by_section.setdefault(p.section, []).append((p.page, p.text))
    facts: list[Fact] = []
    for key, paragraphs in by_section.items():
        sec = Section(key, paragraphs)
        totals = _totals(sec)
        facts.extend(fact for fact, _, _ in totals)
        facts.extend(_shares(sec, totals))
        table_facts = _table_quantities(sec, report.year) + _active_quantities(sec, report.year)
        table_facts += _all_closed(sec, report.year)
        facts.extend(table_facts)
        facts.extend(_figures(sec, report.year, {f.sentence + str(f.value) for f in table_facts}))
    return facts


# ---- totals and their parts (「共 N 条，其中 a 条、b 条」) ----


def _totals(sec: Section) -> list[tuple[Fact, Quantity, list[Quantity]]]:
    text = sec.text
    out = []
    for m in re.finditer("其中", text):
        depth = sec.depth[m.start()]
        s_start, _ = sec.sentence_bounds(m.start())
        before = [q for q in sec.qty_in(s_start, m.start()) if q.end <= m.start() and q.depth <= depth]
        if not before:
            # 「…395 条。其中，…」: the total closes the sentence before
            prev_start, _ = sec.sentence_bounds(max(s_start - 1, 0)) if s_start else (0, 0)
            only_gap = not re.search(r"[^\s，,：:]", text[s_start : m.start()])
            before = (
                [q for q in sec.qty_in(prev_start, s_start) if q.end <= s_start]
                if s_start and only_gap
                else []
            )
        if not before:
            continue
        parts = _parts(sec, m.end(), before[-1].unit)
        if len(parts) < 2:
            continue
        # The total is the count just before 其中 — unless another one just before adds up with the parts
        # (「共收到申请 66 件，结转 2 件。其中自然人 58 件，法人 8 件」)
        plo = sum(interval(q.value, q.approx)[0] for q in parts)
        phi = sum(interval(q.value, q.approx)[1] for q in parts)
        fitting = [
            q
            for q in before
            if q.unit == parts[0].unit
            and interval(q.value, q.approx)[0] <= phi
            and interval(q.value, q.approx)[1] >= plo
        ]
        total = fitting[-1] if fitting else before[-1]
        fact = sec.fact(
            "total", total, parts=[q.value for q in parts], parts_approx=any(q.approx for q in parts)
        )
        # quote from the total to the last part: 「…3800 余条。其中…1800 余条；」 may span two sentences
        fact.sentence = sec.span(sec.sentence_bounds(total.start)[0], sec.sentence_bounds(parts[-1].start)[1])
        out.append((fact, total, parts))
    return out


def _parts(sec: Section, pos: int, unit: str) -> list[Quantity]:
    """The parts listed from `pos` (just after 其中) to the end of the list."""
    text = sec.text
    clauses: list[tuple[int, int]] = []
    depth, start, i = 0, pos, pos
    while i < len(text):
        ch = text[i]
        if ch in OPEN_PAREN:
            depth += 1
        elif ch in CLOSE_PAREN:
            depth -= 1
            if depth < 0:  # the list sat inside （…）, which closes here
                break
        elif depth == 0 and ch in SENTENCE_END:
            break
        elif depth == 0 and ch in "，,；;、：:":
            clauses.append((start, i))
            start = i + 1
        i += 1
    clauses.append((start, i))

    base = sec.depth[pos] if pos < len(text) else 0
    parts: list[Quantity] = []
    first_body = ""
    for k, (cs, ce) in enumerate(clauses):
        body = _drop_parens(text[cs:ce]).strip()
        if not body:
            continue
        if re.match(r"(?:另有|另外|此外|还有|同时|另)", body):
            break
        later = [text[a:b].strip() for a, b in clauses[k + 1 :] if text[a:b].strip()]
        if later and later[0].startswith("其中"):
            break  # this clause opens a list of its own: a new total, not a part of ours
        if parts and _new_flow(body, first_body):
            break  # 「办结 4 件，其中予以公开 4 件，结转下年度 1 件」: the list ended, another figure follows
        found = [q for q in sec.qty_in(cs, ce) if q.unit == unit and q.depth == base]
        if not found:
            if "%" in body:  # 「占比 70%」 between two parts
                continue
            break
        if not parts:
            first_body = body
        parts.extend(found)
    return parts


# Figures of the application flow: a clause naming one after the first part starts a new statement
_FLOW = re.compile(r"结转|办结|受理|收到|复议|诉讼|顺延")


def _new_flow(body: str, first: str) -> bool:
    return any(m.group() not in first for m in _FLOW.finditer(body))


def _drop_parens(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        if ch in OPEN_PAREN:
            depth += 1
        elif ch in CLOSE_PAREN:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


# ---- shares (「占比 X%」「约占 X%」「回复率 X%」) ----


def _shares(sec: Section, totals: list[tuple[Fact, Quantity, list[Quantity]]]) -> list[Fact]:
    text = sec.text
    out = []
    whole_of = {id(p): t for _, t, parts in totals for p in parts}
    for m in _SHARE.finditer(text):
        s_start, _ = sec.sentence_bounds(m.start())
        in_sentence = [q for q in sec.qty_in(s_start, m.start()) if q.end <= m.start()]
        pct = float(m.group("pct"))
        if m.group("kw").endswith("率"):
            # 「投诉 24 条，回应 24 条，回复率 100%」: the last two counts before the rate
            if len(in_sentence) < 2 or not _RATE_VERB.search(sec.segments(in_sentence[-1])[0]):
                continue  # the count just before must be the answered/closed one (「回应事件 24 条」)
            den, num = in_sentence[-2], in_sentence[-1]
        else:
            num = _share_count(sec, m.start(), in_sentence)
            if num is None:
                continue
            den = whole_of.get(id(num)) or _whole_before(sec, num)
            if den is None:
                continue
        if den.unit != num.unit or num.value > den.value or den.value <= 0:
            continue
        approx = bool(m.group("approx") or m.group("kw").startswith("约") or num.approx or den.approx)
        out.append(
            Fact(
                kind="share",
                value=num.value,
                of=den.value,
                share=pct,
                approx=approx,
                unit=num.unit,
                label=sec.label(num),
                section=sec.key,
                page=sec.page(m.start()),
                sentence=sec.sentence(m.start()),
            )
        )
    return out


def _share_count(sec: Section, pos: int, in_sentence: list[Quantity]) -> Quantity | None:
    """The count a share is of: in its clause, named by its subject (「动漫解读占比」), or just before."""
    cs, _ = sec.clause_bounds(pos)
    in_clause = [q for q in in_sentence if q.start >= cs]
    if in_clause:
        return in_clause[-1]
    subject = re.sub(r"[\s的其中分别而均约、“”]", "", sec.text[cs:pos])
    if not subject:
        return in_sentence[-1] if in_sentence else None
    if len(subject) < 2:
        return None
    window_start = sec.sentence_bounds(max(sec.sentence_bounds(pos)[0] - 1, 0))[0]
    for q in reversed([q for q in sec.qty_in(window_start, pos) if q.end <= pos]):
        label = sec.label(q)
        if len(label) >= 2 and (subject in label or label in subject):
            return q
    return None


def _whole_before(sec: Section, num: Quantity) -> Quantity | None:
    """The nearest earlier count of the same unit that the prose marks as a total (共、全年、合计…)."""
    s_start, _ = sec.sentence_bounds(num.start)
    window_start = sec.sentence_bounds(max(s_start - 1, 0))[0] if s_start else 0
    for q in reversed([q for q in sec.qty_in(window_start, num.start) if q.end <= num.start]):
        if q.unit == num.unit and q.value >= num.value and _TOTAL_MARK.search(sec.segments(q)[0]):
            return q
    return None


# ---- quantities a table also holds ----


_PUBLISHING = re.compile(r"公开|发布|发表|推送|刊登|刊发|出版|编印|解读|更新|转载|原创|召开")
_FIGURE_UNITS = ("条", "篇", "期", "个", "次", "场", "件")
_LABEL_LEAD = re.compile(
    r"^(?:(?:19|20)\d{2}年度?|全年|本年度?|今年|年内|共|累计|先后|依托|同时|此外|其中|另外)+"
)


def _figures(sec: Section, year: int | None, taken: set[str]) -> list[Fact]:
    """Publication figures the prose states (「通过政府网站主动公开信息 74 条」): what `/compare` lines up
    across years under the same label. The validator leaves them alone."""
    out = []
    for q in sec.qty:
        if q.unit not in _FIGURE_UNITS:
            continue
        left, _, clause = sec.segments(q)
        if not _PUBLISHING.search(left) or "申请" in left or _COMPARISON.search(clause):
            continue  # applications are the tables' business, changes are no figures
        if _CUMULATIVE.search(sec.sentence(q.start)):
            continue
        if year is not None and {int(y) for y in _YEAR.findall(clause)} - {year}:
            continue  # another year's figure
        fact = sec.fact("figure", q)
        fact.label = _LABEL_LEAD.sub("", re.sub(r"[^\w]", "", fact.label))
        if len(fact.label) >= 4 and fact.sentence + str(fact.value) not in taken:
            out.append(fact)
    return out


def _table_quantities(sec: Section, year: int | None) -> list[Fact]:
    out = []
    for q in sec.qty:
        kind = _table_kind(sec, q, year)
        if kind:
            out.append(sec.fact(kind, q))
    for m in _ZERO_RECEIVED.finditer(sec.text):
        cs, ce = sec.clause_bounds(m.start())
        if (
            re.search(r"复议|诉讼|投诉|咨询", sec.text[cs:ce])
            or year is not None
            and ({int(y) for y in _YEAR.findall(sec.text[cs:ce])} - {year})
        ):
            continue  # 「未收到因政府信息公开申请引起的行政复议」, or another year's
        out.append(_zero(sec, m, "received", "件"))
    out += [_zero(sec, m, "fee", "元") for m in _ZERO_FEE.finditer(sec.text)]
    return out


def _zero(sec: Section, m: re.Match, kind: str, unit: str) -> Fact:
    """「没有收到申请」「未收取信息处理费」: a zero the table also holds."""
    return Fact(
        kind=kind,
        value=0,
        unit=unit,
        label=m.group(0),
        section=sec.key,
        page=sec.page(m.start()),
        sentence=sec.sentence(m.start()),
    )


# ---- table 2's figures and 「均已办结」 ----

# 规章 / 行政规范性文件 with what was done to them: (verbs before the noun, or words naming the column)
_DOC_NOUNS = (("rules", re.compile(r"规章(?!制度)")), ("normative_documents", re.compile(r"规范性文件")))
_DOC_COLUMNS = (
    ("issued", re.compile(r"(?:制发|印发|出台|制定)(?:了|的)?(?:行政)?$|本年制发")),
    ("repealed", re.compile(r"(?:废止)(?:了|的)?(?:行政)?$|本年废止")),
    ("in_force", re.compile(r"现行有效(?:的)?(?:行政)?$")),
)
# decisions (table 2 counts 处理决定): only 「作出行政处罚 N 件」 or 「行政处罚决定 N 件」 say so unambiguously
_DECISIONS = (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制"))
_NOT_DECISIONS = re.compile(
    r"公开|公示|发布|推送|信息|受理|办理|申请|审批|事项|案件|案卷|清理|双随机|听证|复议|诉讼|目录"
)
# a part of the year's figure: by whose name, jointly, in a quarter, in a campaign
_PART = re.compile(r"名义|联合|牵头|代拟|季度|上半年|下半年|专项|期间|以来")  # in the sentence
_PART_CLAUSE = re.compile(r"其中|\d{1,2}\s*月")
_ALL_CLOSED = re.compile(
    r"(?:均已|均|全部|已全部|都已)(?:按时|按期|依法|及时)?(?:办结|办理完毕|答复完毕|办理完成)"
)
_NOT_ALL = re.compile(
    r"结转|上年|上一年|其余|其他|除|外|截至|截止|目前|咨询|投诉|留言|热线|来电|来信|信访|工单|建议|提案"
    r"|复议|诉讼|诉求|事项"
)


def _active_quantities(sec: Section, year: int | None) -> list[Fact]:
    """Figures of table 2 the prose states: 「制发行政规范性文件 3 件」「作出行政处罚决定 12 件」. Ambiguous
    wordings (「办理行政许可 N 件」: requests or decisions?) and other periods give nothing."""
    out = []
    for q in sec.qty:
        if q.unit not in ("件", "个", "份") or q.approx:
            continue
        left, _, clause = sec.segments(q)
        left = re.sub(r"[\s“”\"'《》]", "", left)
        if _COMPARISON.search(clause) or _PART_CLAUSE.search(clause) or _PART.search(sec.sentence(q.start)):
            continue
        years = {int(y) for y in _YEAR.findall(clause)}
        if year is not None and years - {year}:
            continue
        kind = None
        for item, noun in _DOC_NOUNS:
            m = noun.search(left)
            if not m or left[m.end() :] not in ("", "共", "共计", "合计"):
                continue  # the count must follow the noun: 「规范性文件 3 件」
            before = left[: m.start()]
            for column, verb in _DOC_COLUMNS:
                if verb.search(before):
                    kind = f"active.{item}.{column}"
                    break
        if kind is None:
            for item, noun in _DECISIONS:
                m = re.search(noun + r"(?:处理)?(?P<decision>决定(?:书)?)?(?:共|共计|合计)?$", left)
                if not m or _NOT_DECISIONS.search(left):
                    continue
                if m.group("decision") or re.search(r"作出(?:了)?$", left[: m.start()]):
                    kind = f"active.{item}.decisions"
        if kind is None:
            continue
        sentence = sec.sentence(q.start)
        if _CUMULATIVE.search(sentence) and not (
            kind.endswith("in_force") and year and str(year) in sentence
        ):
            continue  # 「截至目前」: not the year's figure (「截至2024年底现行有效」 is)
        out.append(sec.fact(kind, q))
    return out


def _all_closed(sec: Section, year: int | None) -> list[Fact]:
    """「收到政府信息公开申请 5 件，均已办结」: nothing carried forward, as a fact of value 0."""
    out = []
    for m in _ALL_CLOSED.finditer(sec.text):
        s_start, s_end = sec.sentence_bounds(m.start())
        sentence = sec.text[s_start:s_end]
        before = sec.text[s_start : m.start()]
        if "申请" not in before or _NOT_ALL.search(sentence) or _NOT_APPLICATION.search(sentence):
            continue
        if year is not None and {int(y) for y in _YEAR.findall(sentence)} - {year}:
            continue
        out.append(
            Fact(
                kind="all_closed",
                value=0,
                unit="件",
                label=m.group(0),
                section=sec.key,
                page=sec.page(m.start()),
                sentence=sec.sentence(m.start()),
            )
        )
    return out


def _table_kind(sec: Section, q: Quantity, year: int | None) -> str | None:
    left, right, clause = sec.segments(q)
    near = left + right
    s_start, s_end = sec.sentence_bounds(q.start)
    sentence = sec.text[s_start:s_end]
    before = sec.text[s_start : q.start]
    if _CUMULATIVE.search(before) or _COMPARISON.search(clause):
        return None
    years = {int(y) for y in _YEAR.findall(sec.text[sec.clause_bounds(q.start)[0] : q.start])}
    if year is not None and years - {year}:
        return None  # 「2023年收到申请 10 件」 in a 2024 report: last year's figure
    if q.unit in ("元", "万元"):
        return "fee" if "处理费" in near or "处理费" in sec.text[s_start : q.start] else None
    if q.unit not in ("件", "条", "个", "份", "次") or _COMPARISON.search(near):
        return None
    if re.search(r"下一?年|次年", near) and re.search(r"结转|顺延|转入|转至|延至|延期", near):
        return "carried_forward"
    if re.search(r"上一?年|去年", near) and "结转" in near:
        return "carried_over"
    about_disclosure = "申请" in sentence or "信息公开" in sentence
    if "复议" in near and not re.search(r"诉讼|起诉", near):
        return "reviews" if about_disclosure else None
    if "诉讼" in near and "复议" not in near:
        return "lawsuits" if about_disclosure else None
    if "申请" not in sentence or _NOT_APPLICATION.search(near):
        return None
    if re.search(r"不予|部分|无法|告知|其中|逾期|网络|信函|当面|传真|自然人|法人", near):
        return None  # a kind or an outcome of the applications, not their number
    if re.search(r"收到|受理|接收|新收|接到|共收", left) and "申请" in near:
        return "received"
    if re.search(r"办结|答复|办复|回复|办理完毕", left):
        return "closed"
    return None
