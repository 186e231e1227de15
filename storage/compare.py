"""Two years of one agency side by side: the key figures of tables 2–4 and the prose figures both state.

Table figures keep the dotted key of report-model.md. Where a year has no table for a quantity but
its prose states it (「共收到政府信息公开申请 1 件」), that figure stands under the table key and the
row's label says it comes from the text. Prose-only figures both years state get `text.` keys.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from parser.comparison import Change, Comparison, ComparisonRow, Number  # noqa: F401 (re-exported)
from parser.model import OUTCOME_ROWS, Fact, cell_label

# Prose fact kinds that state a table quantity (names used by parser/facts.py and common spellings).
FACT_TABLE_KEYS: dict[str, str] = {
    "received": "applications.new_received.total",
    "new_received": "applications.new_received.total",
    "carried_over": "applications.carried_over.total",
    "carried_forward": "applications.carried_forward.total",
    "closed": "applications.total_processed.total",
    "processed": "applications.total_processed.total",
    "total_processed": "applications.total_processed.total",
    "review": "review_litigation.review.total",
    "reviews": "review_litigation.review.total",
}
# Fact kinds that never make a text.* row: shares are ratios, not figures to line up.
_NOT_COMPARED = {"share", "percent", "lawsuits", "litigation"}

_ACTIVE_KEYS = (
    "active.rules.issued",
    "active.rules.repealed",
    "active.rules.in_force",
    "active.rules.made",
    "active.rules.published",
    "active.rules.total_published",
    "active.normative_documents.issued",
    "active.normative_documents.repealed",
    "active.normative_documents.in_force",
    "active.normative_documents.made",
    "active.normative_documents.published",
    "active.normative_documents.total_published",
    "active.licensing.decisions",
    "active.other_services.decisions",
    "active.penalty.decisions",
    "active.coercion.decisions",
    "active.fees.amount",
    "active.procurement.projects",
    "active.procurement.amount",
)
FACT_TABLE_KEYS.update({key: key for key in _ACTIVE_KEYS})  # table 2's figures stated in the prose
_NOT_COMPARED.add("all_closed")  # 「均已办结」: a claim, not a figure
_APP_ALWAYS = ("new_received", "carried_over", "granted", "partially_granted")
_APP_CLOSING = ("total_processed", "carried_forward")
_LIT_GROUPS = ("review", "litigation_direct", "litigation_after_review")


class YearData(BaseModel):
    """What the store read for one year: its cells (path → value) and prose facts."""

    year: int
    cells: dict[str, float | None]
    facts: list[Fact] = Field(default_factory=list)

    def has_table(self, table: str) -> bool:
        prefix = table + "."
        return any(p.startswith(prefix) for p in self.cells)


def _num(value: float | None) -> Number | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def change_of(a: Number | None, b: Number | None) -> Change | None:
    if a is None or b is None:
        return None
    absolute = _num(round(b - a, 4))
    percent = round((b - a) / a * 100, 1) if a else None
    return Change(absolute=absolute, percent=percent)


def _text_value(data: YearData, key: str) -> float | None:
    for fact in data.facts:
        if FACT_TABLE_KEYS.get(fact.kind) == key and fact.share is None:
            return fact.value
    return None


def _table_keys(a: YearData, b: YearData) -> list[str]:
    keys: list[str] = []

    def wanted(path: str) -> bool:
        table = path.split(".", 1)[0]
        in_a, in_b = path in a.cells, path in b.cells
        # A figure both years hold, or one year holds while the other lacks the whole table.
        return (in_a and in_b) or (in_a and not b.has_table(table)) or (in_b and not a.has_table(table))

    keys += [k for k in _ACTIVE_KEYS if wanted(k)]
    app = [f"applications.{r}.total" for r in _APP_ALWAYS]
    for row in OUTCOME_ROWS:
        path = f"applications.{row}.total"
        if row not in _APP_ALWAYS and (a.cells.get(path) or b.cells.get(path)):
            app.append(path)  # a minor outcome row only when some year has any
    app += [f"applications.{r}.total" for r in _APP_CLOSING]
    keys += [k for k in app if wanted(k) or (_text_value(a, k) is not None or _text_value(b, k) is not None)]
    for group in _LIT_GROUPS:
        path = f"review_litigation.{group}.total"
        if wanted(path) or _text_value(a, path) is not None or _text_value(b, path) is not None:
            keys.append(path)
        corrected = f"review_litigation.{group}.corrected"
        if wanted(corrected) and (a.cells.get(corrected) or b.cells.get(corrected)):
            keys.append(corrected)
    return keys


def build_comparison(agency: str, agency_id: int, a: YearData, b: YearData) -> Comparison:
    rows: list[ComparisonRow] = []
    for key in _table_keys(a, b):
        table = key.split(".", 1)[0]
        values: list[Number | None] = []
        from_text = []
        for data in (a, b):
            if key in data.cells:
                values.append(_num(data.cells[key]))
                from_text.append(False)
            elif not data.has_table(table) and (t := _text_value(data, key)) is not None:
                values.append(_num(t))
                from_text.append(True)
            else:
                values.append(None)
                from_text.append(False)
        if all(v is None for v in values):
            continue
        label = cell_label(key)
        text_years = [str(d.year) for d, t in zip((a, b), from_text, strict=True) if t]
        if text_years:
            label += f"（{'、'.join(text_years)}年无此表，数据取自报告正文）"
        rows.append(
            ComparisonRow(key=key, label=label, values=values, change=change_of(*values), from_text=from_text)
        )
    rows += _text_rows(a, b)
    return Comparison(agency=agency, agency_id=agency_id, years=[a.year, b.year], rows=rows)


def _fact_key(fact: Fact) -> str | None:
    if fact.kind in FACT_TABLE_KEYS or fact.kind in _NOT_COMPARED or fact.share is not None:
        return None
    label = "".join(ch for ch in (fact.label or "") if ch.isalnum())
    if not label:
        return None
    return f"text.{fact.kind}.{label}"


def _text_rows(a: YearData, b: YearData) -> list[ComparisonRow]:
    """Prose figures (platform post counts and the like) that both years state under the same label."""

    def index(data: YearData) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        for fact in data.facts:
            key = _fact_key(fact)
            if key and key not in out:
                out[key] = fact
        return out

    ia, ib = index(a), index(b)
    rows = []
    for key, fa in ia.items():
        fb = ib.get(key)
        if fb is None or (fa.unit or "") != (fb.unit or ""):
            continue
        values = [_num(fa.value), _num(fb.value)]
        label = fa.label + (f"（{fa.unit}）" if fa.unit else "")
        if fa.approx or fb.approx:
            label += "（约数）"
        rows.append(
            ComparisonRow(
                key=key, label=label, values=values, change=change_of(*values), from_text=[True, True]
            )
        )
    return rows
