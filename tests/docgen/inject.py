"""One known error put into a clean spec, with the findings it must raise: what the sweep measures recall on.

    case = inject(spec, "leaf_cell", rng)   # → Injected(spec, expect, allowed, previous)

`expect`: (rule, where) pairs of which at least one must be found (the error is then caught); `allowed`: every
finding the error may rightly raise (rules.md's "one root cause, one finding" keeps this set small). The prose
is frozen from the clean spec first, so a wrong table figure disagrees with the sentence that states it, as
in a real report where a clerk mistyped one cell.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from parser.model import APPLICANT_COLUMNS, LITIGATION_GROUPS, SECTION_KEYS, Active2021, ApplicantCounts

from .spec import ReportSpec, _leaves, default_prose, make_spec, with_variations

Pair = tuple[str, str]

KINDS = [
    "leaf_cell",  # a wrong outcome cell in table 3 (row and column sums both fail, crossing at it)
    "row_total",  # a row's 总计 mistyped
    "balance",  # a carried-forward cell (and its total) wrong: 第一项+第二项 ≠ 第三项+第四项
    "zero_total",  # table 3's 总计 column left at 0
    "lit_total",  # a table 4 group total wrong
    "missing_section",  # one of the six sections left out (the later ones renumbered, or not)
    "prose_received",  # section 一 states a received count the table does not hold
    "prose_table2",  # section 一 states a table 2 figure that differs (2021)
    "all_closed",  # 「申请均已办结」 while applications are carried forward
    "no_fee",  # section 六 says nothing about fees for handling requests (2021)
    "empty_problems",  # section 五 says only 「无。」
    "stale_carry",  # this year's carried-over differs from last year's carried-forward
]


@dataclass
class Injected:
    kind: str
    spec: ReportSpec
    expect: set[Pair]
    allowed: set[Pair] = field(default_factory=set)
    previous: ReportSpec | None = None  # last year's report, for the year-over-year rules


def _n(v):
    return v or 0


def applicable(spec: ReportSpec) -> list[str]:
    apps = spec.applications
    kinds = list(KINDS)
    if spec.template != "2021":
        kinds = [k for k in kinds if k not in ("prose_table2", "no_fee")]
    if not _n(apps.carried_forward.total):
        kinds.remove("all_closed")
    if spec.year <= 2019:
        kinds.remove("stale_carry")  # no 2018 report in the national template
    if not any(_n(getattr(apps.total_processed, c)) for c in APPLICANT_COLUMNS[:-1]):
        kinds.remove("zero_total")
    return kinds


def frozen(spec: ReportSpec) -> ReportSpec:
    """The clean spec's prose fixed, so table errors do not flow into the sentences."""
    prose = {s: default_prose(spec, s) for s in SECTION_KEYS if default_prose(spec, s)}
    return replace(spec, prose={**prose, **spec.prose})


def _set(row: ApplicantCounts, **cells) -> ApplicantCounts:
    return row.model_copy(update=cells)


def _apps(spec: ReportSpec, **rows) -> ReportSpec:
    return replace(spec, applications=spec.applications.model_copy(update=rows))


def inject(spec: ReportSpec, kind: str, rng: random.Random) -> Injected:
    base = frozen(spec)
    apps = spec.applications
    k = rng.randint(1, 9)
    text_table = ("TEXT-TABLE", "overview")
    if kind == "leaf_cell":
        row = rng.choice(
            _leaves(spec.template)
            if apps.other is None
            else [x for x in _leaves(spec.template) if not x.startswith("other_")] + ["other"]
        )
        col = rng.choice(APPLICANT_COLUMNS[:-1])
        bad = _apps(
            base, **{row: _set(getattr(apps, row), **{col: _n(getattr(getattr(apps, row), col)) + k})}
        )
        pairs = {("APP-ROW-TOTAL", f"applications.{row}"), ("APP-OUTCOME-SUM", f"applications.{col}")}
        return Injected(kind, bad, pairs, pairs)
    if kind == "row_total":
        row = rng.choice(["new_received", "carried_over", "granted", "total_processed", "carried_forward"])
        old = getattr(apps, row)
        bad = _apps(base, **{row: _set(old, total=_n(old.total) + k)})
        pair = ("APP-ROW-TOTAL", f"applications.{row}")
        # the 总计 column's own sums fail at the same cell (the crossing rules.md asks to name as the culprit)
        column = (
            {("APP-OUTCOME-SUM", "applications.total")} if row in ("granted", "total_processed") else set()
        )
        if row != "granted":
            column.add(("APP-BALANCE", "applications.total"))
        return Injected(kind, bad, {pair}, {pair, text_table, *column})
    if kind == "balance":
        col = rng.choice(APPLICANT_COLUMNS[:-1])
        old = apps.carried_forward
        bad = _apps(
            base, carried_forward=_set(old, **{col: _n(getattr(old, col)) + k, "total": _n(old.total) + k})
        )
        return Injected(
            kind,
            bad,
            {("APP-BALANCE", f"applications.{col}")},
            {("APP-BALANCE", f"applications.{col}"), ("APP-BALANCE", "applications.total"), text_table},
        )
    if kind == "zero_total":
        zero = 0 if spec.variations.null_mark == "" or rng.random() < 0.5 else None
        rows = {key: _set(row, total=zero) for key, row in apps.rows().items()}
        pair = {("APP-ROW-TOTAL", "applications.total")}
        return Injected(kind, _apps(base, **rows), pair, pair)
    if kind == "lit_total":
        group = rng.choice(list(LITIGATION_GROUPS))
        old = getattr(spec.review_litigation, group)
        rl = spec.review_litigation.model_copy(
            update={group: old.model_copy(update={"total": _n(old.total) + k})}
        )
        pair = ("LIT-TOTAL", f"review_litigation.{group}")
        return Injected(kind, replace(base, review_litigation=rl), {pair}, {pair, text_table})
    if kind == "missing_section":
        section = rng.choice(list(SECTION_KEYS))
        bad = replace(base, omitted=(section,), renumber=rng.random() < 0.7)
        allowed = {("STRUCT-MISSING", section)}
        if section == "other_matters" and spec.template == "2021":
            allowed.add(("STRUCT-FEE", "other_matters"))  # the fee statement lived there
        return Injected(kind, bad, {("STRUCT-MISSING", section)}, allowed)
    if kind == "prose_received":
        received, carried = _n(apps.new_received.total), _n(apps.carried_over.total)
        wrong = received + k if received + k != received + carried else received + k + 1
        overview = [
            p.replace(f"共收到政府信息公开申请{received}件", f"共收到政府信息公开申请{wrong}件")
            for p in base.prose["overview"]
        ]
        return Injected(
            kind, replace(base, prose={**base.prose, "overview": overview}), {text_table}, {text_table}
        )
    if kind == "prose_table2":
        stated = with_variations(spec, prose_table2=True)
        overview = default_prose(stated, "overview")
        a = spec.active
        assert isinstance(a, Active2021)
        item, value = rng.choice(
            [
                ("行政许可决定", a.licensing.decisions),
                ("行政处罚", a.penalty.decisions),
                ("行政强制", a.coercion.decisions),
                ("现行有效规章", a.rules.in_force),
            ]
        )
        old, new = f"{item}{_n(value)}件", f"{item}{_n(value) + k}件"
        overview = [p.replace(old, new) for p in overview]
        bad = replace(frozen(stated), prose={**frozen(stated).prose, "overview": overview})
        return Injected(kind, bad, {text_table}, {text_table})
    if kind == "all_closed":
        return Injected(kind, frozen(with_variations(spec, all_closed=True)), {text_table}, {text_table})
    if kind == "no_fee":
        bad = replace(base, prose={**base.prose, "other_matters": ["本机关无其他需要报告的事项。"]})
        pair = ("STRUCT-FEE", "other_matters")
        return Injected(kind, bad, {pair}, {pair})
    if kind == "empty_problems":
        pair = ("STRUCT-EMPTY", "problems")
        return Injected(kind, replace(base, prose={**base.prose, "problems": ["无。"]}), {pair}, {pair})
    if kind == "stale_carry":
        col = rng.choice(APPLICANT_COLUMNS[:-1])
        previous = previous_spec(spec, stale={col: k})
        pairs = {
            ("YOY-CARRY", f"applications.carried_over.{col}"),
            ("YOY-CARRY", "applications.carried_over.total"),
        }
        return Injected(kind, spec, {("YOY-CARRY", f"applications.carried_over.{col}")}, pairs, previous)
    raise ValueError(kind)


def previous_spec(spec: ReportSpec, stale: dict[str, int] | None = None) -> ReportSpec:
    """Last year's report of the same agency, consistent with this one: its carried-forward is this year's
    carried-over (plus `stale` per column, an error), its 现行有效 leads to this year's; section 五 worded
    differently. Same printing variations."""
    year = spec.year - 1
    template = "2021" if year >= 2021 else "2019"
    seed = int(spec.name.removeprefix("sweep")) if spec.name.removeprefix("sweep").isdigit() else 0
    prev = make_spec(
        f"{spec.name}-prev",
        seed + 7919,
        template,
        spec.agency,
        year=year,
        published=spec.published is not None,
        period=spec.period is not None,
    )
    prev = replace(
        prev,
        variations=replace(
            spec.variations,
            problems_wording=(spec.variations.problems_wording + 1) % 3,
            all_closed=False,
            prose_table2=False,
        ),
    )
    apps = prev.applications
    rows = {
        key: dict(getattr(apps, key).model_dump())
        for key in ("new_received", "carried_over", "carried_forward", "total_processed")
    }
    for col in APPLICANT_COLUMNS[:-1]:
        forward = _n(getattr(spec.applications.carried_over, col)) + (stale or {}).get(col, 0)
        processed, carried = _n(rows["total_processed"][col]), _n(rows["carried_over"][col])
        new = processed + forward - carried
        if new < 0:
            carried, new = processed + forward, 0
        rows["carried_forward"][col], rows["new_received"][col], rows["carried_over"][col] = (
            forward,
            new,
            carried,
        )
    update = {}
    for key in ("new_received", "carried_over", "carried_forward"):
        cells = rows[key]
        cells["total"] = sum(_n(cells[c]) for c in APPLICANT_COLUMNS[:-1])
        update[key] = ApplicantCounts(**cells)
    prev = replace(prev, applications=apps.model_copy(update=update))
    if isinstance(prev.active, Active2021) and isinstance(spec.active, Active2021):
        items = {}
        for item in ("rules", "normative_documents"):
            now = getattr(spec.active, item)
            in_force = _n(now.in_force) - _n(now.issued) + _n(now.repealed)
            old = getattr(prev.active, item)
            items[item] = old.model_copy(
                update={"in_force": in_force, "issued": min(_n(old.issued), in_force)}
            )
        prev = replace(prev, active=prev.active.model_copy(update=items))
    return prev
