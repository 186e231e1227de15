"""The printed form of a spec, shared by every builder: blocks of text and table grids with real spans.

A grid row lists only the cells that start in it (as HTML does); `colspan`/`rowspan` cover the rest.
The layouts are those the national templates print (国办公开办函〔2021〕30号, 〔2019〕60号).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parser.model import LITIGATION_GROUPS, OTHER_SUBROWS, OUTCOME_COLUMNS

from .spec import ReportSpec, intro, signature_lines


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    kind: str = "label"  # label | head | num | group (a spanning heading row of table 2)


@dataclass
class Row:
    cells: list[Cell]
    break_before: bool = False  # a page break before this row (table continues on the next page)


@dataclass
class Grid:
    key: str  # active | applications | review_litigation
    cols: int
    rows: list[Row] = field(default_factory=list)
    widths_cm: list[float] = field(default_factory=list)

    def full(self) -> list[list[tuple[Cell, bool] | None]]:
        """Every position of the grid: (cell, is_origin), so builders that need a dense grid (DOCX) get one."""
        out: list[list[tuple[Cell, bool] | None]] = [[None] * self.cols for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row.cells:
                while out[r][c] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        out[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
                c += cell.colspan
        return out


def fmt(value: int | float | None, null_mark: str) -> str:
    if value is None:
        return null_mark
    if value < 0:
        return "-" + fmt(-value, null_mark)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


# ---------------------------------------------------------------- table 2

ACTIVE_2021 = [
    (
        "第二十条第（一）项",
        ["本年制发件数", "本年废止件数", "现行有效件数"],
        [("rules", "规章"), ("normative_documents", "行政规范性文件")],
    ),
    ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可")]),
    ("第二十条第（六）项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("coercion", "行政强制")]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")]),
]
ACTIVE_2019 = [
    (
        "第二十条第（一）项",
        ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        [("rules", "规章"), ("normative_documents", "规范性文件")],
    ),
    (
        "第二十条第（五）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
    ),
    (
        "第二十条第（六）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [("penalty", "行政处罚"), ("coercion", "行政强制")],
    ),
    ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("fees", "行政事业性收费")]),
    ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("procurement", "政府集中采购")]),
]


def _spread(texts: list[str], kind: str) -> list[Cell]:
    """Cells for 1..3 values over the 3 value columns: the last one spans what is left (as the template)."""
    cells = [Cell(t, kind=kind) for t in texts]
    cells[-1].colspan = 4 - len(texts)
    return cells


def _change(value: int, style: str) -> str:
    """本年增/减 as agencies print it."""
    if style == "words":
        return f"{'减少' if value < 0 else '增加'}{abs(value)}"
    if style == "signed":
        return f"{value:+d}"
    if style == "fullwidth" and value < 0:
        return f"－{-value}"
    return str(value)


def active_grid(spec: ReportSpec) -> Grid:
    grid = Grid("active", 4, widths_cm=[4.6, 4.0, 4.0, 4.0])
    null = spec.variations.null_mark
    for group, heads, items in ACTIVE_2021 if spec.template == "2021" else ACTIVE_2019:
        grid.rows.append(Row([Cell(group, colspan=4, kind="group")]))
        grid.rows.append(Row([Cell("信息内容", kind="head"), *_spread(heads, "head")]))
        for key, label in items:
            row = getattr(spec.active, key)
            texts = [
                _change(v, spec.variations.change_style) if name == "change" and v else fmt(v, null)
                for name, v in row.model_dump().items()
            ]
            grid.rows.append(Row([Cell(label), *_spread(texts, "num")]))
    return grid


# ---------------------------------------------------------------- table 3

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
GROUPS = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
LEAF_LABELS = {
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_complaint": "1.信访举报投诉类申请",
    "not_processed_repeat": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
}
TABLE3_WIDTHS = {  # label columns A (三、本年度办理结果), B (groups), C (leaves), then 7 number columns
    "standard": [1.1, 2.0, 5.0] + [1.2] * 6 + [1.3],
    "narrow": [0.8, 1.5, 3.3] + [1.55] * 6 + [1.6],
    "wide": [1.3, 2.4, 5.9] + [1.0] * 6 + [1.2],
}


def applications_grid(spec: ReportSpec) -> Grid:
    v, apps, null = spec.variations, spec.applications, spec.variations.null_mark
    grid = Grid("applications", 10, widths_cm=TABLE3_WIDTHS[v.col_widths])

    def nums(key: str) -> list[Cell]:
        return [Cell(fmt(x, null), kind="num") for x in getattr(apps, key).values()]

    def top(label: str) -> str:
        return label.split("、", 1)[1] if v.missing_numbering else label

    grid.rows.append(
        Row([Cell(NOTE, colspan=3, rowspan=3, kind="head"), Cell("申请人情况", colspan=7, kind="head")])
    )
    grid.rows.append(
        Row(
            [
                Cell("自然人", rowspan=2, kind="head"),
                Cell("法人或其他组织", colspan=5, kind="head"),
                Cell("总计", rowspan=2, kind="head"),
            ]
        )
    )
    grid.rows.append(
        Row([Cell(t, kind="head") for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")])
    )
    grid.rows.append(Row([Cell(top("一、本年新收政府信息公开申请数量"), colspan=3), *nums("new_received")]))
    grid.rows.append(Row([Cell(top("二、上年结转政府信息公开申请数量"), colspan=3), *nums("carried_over")]))

    single_other = apps.other is not None
    plan: list[tuple[str | None, list[str]]] = [
        (None, ["granted"]),
        (None, ["partially_granted"]),
        ("denied", [k for k in LEAF_LABELS if k.startswith("denied_")]),
        ("unavailable", [k for k in LEAF_LABELS if k.startswith("unavailable_")]),
        ("not_processed", [k for k in LEAF_LABELS if k.startswith("not_processed_")]),
        (None, ["other"]) if single_other else ("other", list(OTHER_SUBROWS)),
        (None, ["total_processed"]),
    ]
    single_labels = {
        "granted": "（一）予以公开",
        "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "other": "（六）其他处理",
        "total_processed": "总计" if v.missing_numbering else "（七）总计",
    }
    span = sum(len(keys) for _, keys in plan)
    first = True
    for group, keys in plan:
        for i, key in enumerate(keys):
            cells = []
            if first:
                cells.append(Cell(top("三、本年度办理结果"), rowspan=span))
                first = False
            if group is None:
                cells.append(Cell(single_labels[key], colspan=2))
            else:
                if i == 0:
                    cells.append(Cell(GROUPS[group], rowspan=len(keys)))
                label = LEAF_LABELS[key]
                if v.misspelt_label and key == "denied_law_prohibited":
                    label = "2.其他法律行政止公开"
                cells.append(Cell(label))
            # the break falls inside a vertically merged group, as in real reports
            grid.rows.append(
                Row(
                    [*cells, *nums(key)],
                    break_before=v.page_break_table3 and key == "unavailable_needs_creation",
                )
            )
    forward = "七、结转下年度继续办理" if v.wrong_numbering else top("四、结转下年度继续办理")
    grid.rows.append(Row([Cell(forward, colspan=3), *nums("carried_forward")]))
    return grid


# ---------------------------------------------------------------- table 4

OUTCOME_HEADS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def review_grid(spec: ReportSpec) -> Grid:
    grid = Grid("review_litigation", 15, widths_cm=[1.1] * 15)
    grid.rows.append(
        Row([Cell("行政复议", colspan=5, kind="head"), Cell("行政诉讼", colspan=10, kind="head")])
    )
    grid.rows.append(
        Row(
            [
                *(Cell(t, rowspan=2, kind="head") for t in OUTCOME_HEADS),
                Cell("未经复议直接起诉", colspan=5, kind="head"),
                Cell("复议后起诉", colspan=5, kind="head"),
            ]
        )
    )
    grid.rows.append(Row([Cell(t, kind="head") for t in OUTCOME_HEADS * 2]))
    values = [
        getattr(getattr(spec.review_litigation, g), c) for g in LITIGATION_GROUPS for c in OUTCOME_COLUMNS
    ]
    grid.rows.append(Row([Cell(fmt(x, spec.variations.null_mark), kind="num") for x in values]))
    return grid


# ---------------------------------------------------------------- blocks


@dataclass
class Block:
    kind: str  # title | para | heading | table | signature
    lines: list[str] = field(default_factory=list)  # title/heading/signature lines; para: one line
    grid: Grid | None = None
    section: str | None = None


def heading_lines(spec: ReportSpec, section: str) -> list[str]:
    text = spec.heading(section)
    if spec.variations.split_heading == section:
        cut = len(text) * 2 // 3
        if "、" in text[3:]:
            cut = text.index("、", 3) + 1
        return [text[:cut], text[cut:]]
    return [text]


def blocks(spec: ReportSpec) -> list[Block]:
    title = spec.title()
    out = [Block("title", title)] if title else []
    out.append(Block("para", [intro(spec)]))
    grids = {"active": active_grid, "applications": applications_grid, "review_litigation": review_grid}
    for section in spec.present():
        out.append(Block("heading", heading_lines(spec, section), section=section))
        if section in grids:
            out.append(Block("table", grid=grids[section](spec), section=section))
        else:
            out.extend(Block("para", [p], section=section) for p in spec.paragraphs(section))
    sig = signature_lines(spec)
    if sig:
        out.append(Block("signature", sig))
    return out
