"""The report model of shared/spec/report-model.md: one pydantic model from parser to store to reply.

Keys of tables, rows and columns are fixed by the spec; `Report.check_json()` prints exactly the
object that shared/spec/check-json.md describes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parser.textutil import CN_NUMERALS

Template = Literal["2021", "2019"]
Severity = Literal["error", "warning"]

SECTION_KEYS = ("overview", "active", "applications", "review_litigation", "problems", "other_matters")
SECTION_TITLES = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
TABLE_SECTIONS = ("active", "applications", "review_litigation")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def values(self) -> list[int | float | None]:
        return [getattr(self, name) for name in type(self).model_fields]


# ---- table 2 (active disclosure) ----


class DocumentCounts2021(_Row):
    issued: int | None = None
    repealed: int | None = None
    in_force: int | None = None


class Decisions2021(_Row):
    decisions: int | None = None


class Fees2021(_Row):
    amount: float | None = None


class Active2021(BaseModel):
    rules: DocumentCounts2021 = Field(default_factory=DocumentCounts2021)
    normative_documents: DocumentCounts2021 = Field(default_factory=DocumentCounts2021)
    licensing: Decisions2021 = Field(default_factory=Decisions2021)
    penalty: Decisions2021 = Field(default_factory=Decisions2021)
    coercion: Decisions2021 = Field(default_factory=Decisions2021)
    fees: Fees2021 = Field(default_factory=Fees2021)


class DocumentCounts2019(_Row):
    made: int | None = None
    published: int | None = None
    total_published: int | None = None


class Items2019(_Row):
    previous: int | None = None
    change: int | None = None
    decisions: int | None = None


class Fees2019(_Row):
    previous: int | None = None
    change: int | None = None


class Procurement2019(_Row):
    projects: int | None = None
    amount: float | None = None


class Active2019(BaseModel):
    rules: DocumentCounts2019 = Field(default_factory=DocumentCounts2019)
    normative_documents: DocumentCounts2019 = Field(default_factory=DocumentCounts2019)
    licensing: Items2019 = Field(default_factory=Items2019)
    other_services: Items2019 = Field(default_factory=Items2019)
    penalty: Items2019 = Field(default_factory=Items2019)
    coercion: Items2019 = Field(default_factory=Items2019)
    fees: Fees2019 = Field(default_factory=Fees2019)
    procurement: Procurement2019 = Field(default_factory=Procurement2019)


# ---- table 3 (applications) ----

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
APPLICANT_COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


class ApplicantCounts(_Row):
    natural_person: int | None = None
    commercial: int | None = None
    research: int | None = None
    social_welfare: int | None = None
    legal_service: int | None = None
    other_org: int | None = None
    total: int | None = None


# Row keys in template order with their printed labels (numbering as the template prints it).
APPLICATION_ROWS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_complaint": "（五）不予处理 1.信访举报投诉类申请",
    "not_processed_repeat": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用",
    "other_other": "3.其他",
    "other": "（六）其他处理",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
OTHER_SUBROWS = ("other_no_correction", "other_no_fee", "other_other")
OUTCOME_ROWS = tuple(
    k
    for k in APPLICATION_ROWS
    if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
)


class Applications(BaseModel):
    new_received: ApplicantCounts = Field(default_factory=ApplicantCounts)
    carried_over: ApplicantCounts = Field(default_factory=ApplicantCounts)
    granted: ApplicantCounts = Field(default_factory=ApplicantCounts)
    partially_granted: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_state_secret: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_law_prohibited: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_three_safeties: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_third_party: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_internal_affairs: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_process_info: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_enforcement_file: ApplicantCounts = Field(default_factory=ApplicantCounts)
    denied_administrative_query: ApplicantCounts = Field(default_factory=ApplicantCounts)
    unavailable_not_held: ApplicantCounts = Field(default_factory=ApplicantCounts)
    unavailable_needs_creation: ApplicantCounts = Field(default_factory=ApplicantCounts)
    unavailable_unclear: ApplicantCounts = Field(default_factory=ApplicantCounts)
    not_processed_complaint: ApplicantCounts = Field(default_factory=ApplicantCounts)
    not_processed_repeat: ApplicantCounts = Field(default_factory=ApplicantCounts)
    not_processed_publication: ApplicantCounts = Field(default_factory=ApplicantCounts)
    not_processed_excessive: ApplicantCounts = Field(default_factory=ApplicantCounts)
    not_processed_confirmation: ApplicantCounts = Field(default_factory=ApplicantCounts)
    # The three （六） sub-rows exist in template 2021 only; `other` is （六） printed as one row
    # (always in 2019, sometimes in 2021). Absent rows are None and left out of the JSON.
    other_no_correction: ApplicantCounts | None = None
    other_no_fee: ApplicantCounts | None = None
    other_other: ApplicantCounts | None = None
    other: ApplicantCounts | None = None
    total_processed: ApplicantCounts = Field(default_factory=ApplicantCounts)
    carried_forward: ApplicantCounts = Field(default_factory=ApplicantCounts)

    def rows(self) -> dict[str, ApplicantCounts]:
        """Present rows in template order (None rows skipped)."""
        return {k: getattr(self, k) for k in APPLICATION_ROWS if getattr(self, k) is not None}

    def outcome_rows(self) -> dict[str, ApplicantCounts]:
        return {k: v for k, v in self.rows().items() if k in OUTCOME_ROWS}

    def total_column_unfilled(self) -> bool:
        """The 总计 column is 0 or blank in every row while the applicant columns hold numbers:
        it was not filled in (one mistake, not one per row)."""
        rows = list(self.rows().values())
        return all(not row.total for row in rows) and any(
            getattr(row, column) for row in rows for column in APPLICANT_COLUMNS[:-1]
        )

    def with_row_totals(self) -> Applications:
        """A copy whose 总计 column is each row's sum of the six applicant columns (rows never read stay blank)."""
        copy = self.model_copy(deep=True)
        for row in copy.rows().values():
            if any(value is not None for value in row.values()):
                row.total = sum(getattr(row, column) or 0 for column in APPLICANT_COLUMNS[:-1])
        return copy

    def to_json(self, template: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in APPLICATION_ROWS:
            row = getattr(self, key)
            if key == "other" and row is None:
                continue
            if key in OTHER_SUBROWS and (template == "2019" or (row is None and self.other is None)):
                continue
            out[key] = row.model_dump() if row is not None else None
        return out


# ---- table 4 (administrative review and litigation) ----

LITIGATION_GROUPS = ("review", "litigation_direct", "litigation_after_review")
LITIGATION_GROUP_LABELS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
OUTCOME_COLUMNS = ("maintained", "corrected", "other", "pending", "total")
OUTCOME_COLUMN_LABELS = {
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


class OutcomeCounts(_Row):
    maintained: int | None = None
    corrected: int | None = None
    other: int | None = None
    pending: int | None = None
    total: int | None = None


class ReviewLitigation(BaseModel):
    review: OutcomeCounts = Field(default_factory=OutcomeCounts)
    litigation_direct: OutcomeCounts = Field(default_factory=OutcomeCounts)
    litigation_after_review: OutcomeCounts = Field(default_factory=OutcomeCounts)


# ---- Chinese names of cells, for messages, exports and comparisons ----

ACTIVE_ITEM_LABELS = {
    "rules": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
ACTIVE_COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "金额（万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
}
_ROW_NUMBERING = re.compile(rf"[{CN_NUMERALS}]+、|（[{CN_NUMERALS}]+）|\d+\.")


def cell_label(path: str) -> str:
    """A Chinese label for a cell path, e.g. 本年新收政府信息公开申请数量·总计."""
    parts = path.split(".")
    if len(parts) != 3:
        return path
    table, row, col = parts
    if table == "active":
        col_label = ACTIVE_COLUMN_LABELS.get(col, col)
        if row == "procurement" and col == "amount":
            col_label = "采购总金额（万元）"
        if row == "fees" and col == "amount":
            col_label = "本年收费金额（万元）"
        return f"{ACTIVE_ITEM_LABELS.get(row, row)}·{col_label}"
    if table == "applications":
        row_label = _ROW_NUMBERING.sub("", APPLICATION_ROWS.get(row, row)).replace(" ", "")
        if row == "total_processed":
            row_label = "办理结果总计"
        if row.startswith("denied_"):
            row_label = "不予公开：" + row_label.removeprefix("不予公开")
        elif row.startswith("unavailable_"):
            row_label = "无法提供：" + row_label.removeprefix("无法提供")
        elif row.startswith("not_processed_"):
            row_label = "不予处理：" + row_label.removeprefix("不予处理")
        elif row.startswith("other_") and row != "other":
            row_label = "其他处理：" + row_label.removeprefix("其他处理")
        return f"{row_label}·{APPLICANT_COLUMN_LABELS.get(col, col)}"
    if table == "review_litigation":
        return f"{LITIGATION_GROUP_LABELS.get(row, row)}·{OUTCOME_COLUMN_LABELS.get(col, col)}"
    return path


# ---- provenance, prose, findings ----


class Source(BaseModel):
    """Where a table row or section heading was read: for messages that quote the report."""

    page: int | None = None
    quote: str = ""
    printed_number: str | None = None  # the numbering printed before a label, e.g. "七、"


class Paragraph(BaseModel):
    section: str | None  # section key, None before the first section
    page: int | None
    text: str


class Fact(BaseModel):
    """A figure stated in prose (filled by the validator's fact reader)."""

    kind: str  # e.g. "received", "carried_forward", "total", "share"
    value: float
    approx: bool = False
    unit: str | None = None
    label: str = ""
    parts: list[float] = Field(default_factory=list)
    parts_approx: bool = False
    share: float | None = None  # stated percentage
    of: float | None = None  # the count the share is of
    section: str | None = None
    page: int | None = None
    sentence: str = ""


class Doubt(BaseModel):
    """A cell OCR read with doubt (see parser/validate/doubts.py); `corrected` is the value the sums imply,
    when used."""

    path: str  # dotted cell path, e.g. applications.granted.natural_person
    page: int | None = None
    read: int | float | None = None
    corrected: int | float | None = None
    confirmed: bool = False  # its row and column sums hold: the reading is as good as certain
    by_sum: bool = False  # read with confidence, but a sum through it fails: which cell is wrong is unknown


class Finding(BaseModel):
    rule: str
    severity: Severity
    where: str
    message: str
    page: int | None = None
    quote: str | None = None


class Report(BaseModel):
    file: str | None = None
    sha256: str | None = None
    format: str | None = None
    ocr: bool = False
    pages: int | None = None
    agency: str | None = None
    agency_short: str | None = None
    year: int | None = None
    title_year: int | None = None
    template: Template | None = None
    cites_2019_notice: bool = False
    period: tuple[date, date] | None = None
    published: date | None = None
    sections: list[str] = Field(default_factory=list)
    active: Active2021 | Active2019 | None = None
    applications: Applications | None = None
    review_litigation: ReviewLitigation | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    doubtful: list[Doubt] = Field(default_factory=list)
    # tables printed in the report whose numbers could not be placed in their cells: left unknown
    unreadable: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    previous_year: int | None = None

    def totals_from_rows(self) -> bool:
        """Table 3's 总计 column was left unfilled: the checks and the summary use the row sums instead."""
        return self.applications is not None and self.applications.total_column_unfilled()

    def applications_as_meant(self) -> Applications | None:
        """Table 3 as the report evidently means it, for every check and the summary (never stored or
        printed as read): an unfilled 总计 column is taken from the row sums (rules.md, APP-ROW-TOTAL)."""
        if self.applications is not None and self.applications.total_column_unfilled():
            return self.applications.with_row_totals()
        return self.applications

    def section_text(self, section: str) -> str:
        return "\n".join(p.text for p in self.paragraphs if p.section == section)

    def check_json(self) -> dict[str, Any]:
        """The object of shared/spec/check-json.md, keys in its order."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "format": self.format,
            "ocr": self.ocr,
            "agency": self.agency,
            "agency_short": self.agency_short,
            "year": self.year,
            "template": self.template,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "published": self.published.isoformat() if self.published else None,
            "sections": list(self.sections),
            "active": self.active.model_dump() if self.active is not None else None,
            "applications": self.applications.to_json(self.template)
            if self.applications is not None
            else None,
            "review_litigation": self.review_litigation.model_dump()
            if self.review_litigation is not None
            else None,
            "findings": [f.model_dump() for f in self.findings],
            "previous_year": self.previous_year,
        }
