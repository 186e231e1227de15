"""The layout-independent table reader on lines as each kind of reader produces them."""

from parser.layout import Line, row_line, text_line
from parser.tables import (
    build_groups,
    is_page_number,
    parse_value,
    read_active,
    read_applications,
    read_review_litigation,
    split_runs,
)

LABELS_2021 = [
    ("一、本年新收政府信息公开申请数量",),
    ("二、上年结转政府信息公开申请数量",),
    ("三、本年度办理结果", "（一）予以公开"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",),
    ("（三）不予公开", "1.属于国家秘密"),
    ("2.其他法律行政法规禁止公开",),
    ("3.危及“三安全一稳定”",),
    ("4.保护第三方合法权益",),
    ("5.属于三类内部事务信息",),
    ("6.属于四类过程性信息",),
    ("7.属于行政执法案卷",),
    ("8.属于行政查询事项",),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("2.没有现成信息需要另行制作",),
    ("3.补正后申请内容仍不明确",),
    ("（五）不予处理", "1.信访举报投诉类申请"),
    ("2.重复申请",),
    ("3.要求提供公开出版物",),
    ("4.无正当理由大量反复申请",),
    ("5.要求行政机关确认或重新出具已获取信息",),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",),
    ("3.其他",),
    ("（七）总计",),
    ("四、结转下年度继续办理",),
]
KEYS_2021 = [
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_three_safeties",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_administrative_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "not_processed_complaint",
    "not_processed_repeat",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
    "other_no_correction",
    "other_no_fee",
    "other_other",
    "total_processed",
    "carried_forward",
]
HEADER = [
    row_line(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]),
    row_line(["自然人", "法人或其他组织", "总计"]),
    row_line(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]),
]


def values_for(i):
    """Distinct, recognisable values per row so that any misplacement shows."""
    row = [i * 10 + c for c in range(6)]
    return row + [sum(row)]


def structured_table(labels=LABELS_2021, blank=None):
    lines = list(HEADER)
    for i, label in enumerate(labels):
        cells = [str(v) for v in values_for(i)]
        if blank is not None and i == blank:
            cells[2] = ""
        lines.append(row_line([*label, *cells], page=4))
    return lines


def test_structured_rows_give_every_cell():
    result = read_applications(structured_table())
    assert result is not None
    rows = result.table.rows()
    assert list(rows) == KEYS_2021
    for i, key in enumerate(KEYS_2021):
        assert rows[key].values() == values_for(i), key
    assert result.template_hint == "2021"
    assert result.sources["applications.carried_forward"].printed_number == "四、"


def test_blank_cell_in_a_structured_row_stays_null():
    result = read_applications(structured_table(blank=5))
    assert result.table.denied_law_prohibited.research is None
    assert result.table.denied_law_prohibited.natural_person == 50


def text_stream(labels=LABELS_2021, wrap=False, page_break_at=None):
    """Text as a PDF extractor gives it: labels wrapped, numbers on the label's line or the next."""
    lines = [
        text_line("申请人情况"),
        text_line("自然人 法人或其他组织 总计"),
        text_line("商业企业 科研机构 其他"),
    ]
    for i, label in enumerate(labels):
        group, text = "".join(label[:-1]), label[-1]
        numbers = " ".join(str(v) for v in values_for(i))
        if page_break_at == i:
            lines += [text_line("- 4 -"), text_line("第 5 页")]
        if wrap and len(text) > 14:  # a long label wraps inside its narrow cell
            lines += [text_line(group + text[:12] + " " + numbers), text_line(text[12:])]
        else:
            lines.append(text_line(f"{group}{text} {numbers}"))
    return lines


def test_text_stream_with_wrapped_labels_and_page_numbers():
    result = read_applications(text_stream(wrap=True, page_break_at=13))
    rows = result.table.rows()
    assert list(rows) == KEYS_2021
    for i, key in enumerate(KEYS_2021):
        assert rows[key].values() == values_for(i), key


def test_misspelt_label_and_missing_numbering_still_match():
    labels = list(LABELS_2021)
    labels[5] = ("其他法律行政止公开",)  # misspelt, numbering missing
    labels[1] = ("上年结转政府信息公开申请数量",)
    result = read_applications(text_stream(labels))
    assert result.table.denied_law_prohibited.values() == values_for(5)
    assert result.table.carried_over.values() == values_for(1)


def test_single_other_row_in_2021_table():
    labels = LABELS_2021[:20] + [("（六）其他处理",)] + LABELS_2021[23:]
    result = read_applications(structured_table(labels))
    table = result.table
    assert table.other is not None and table.other.values() == values_for(20)
    assert table.other_no_correction is None
    assert table.total_processed.values() == values_for(21)
    assert result.template_hint is None


def test_vertical_group_labels_spelt_out_character_by_character():
    lines = []
    for i, label in enumerate(LABELS_2021):
        if i == 2:
            lines += [text_line(ch) for ch in "三、本年度办理结果"]
        lines.append(text_line("".join(label[-1:]) + " " + " ".join(map(str, values_for(i)))))
    rows = read_applications(lines).table.rows()
    assert rows["granted"].values() == values_for(2)
    assert rows["denied_state_secret"].values() == values_for(4)


def test_not_a_table():
    assert read_applications([text_line("本年度共收到申请 3 件，办结 3 件。")]) is None


def test_litigation_fifteen_numbers_on_one_line_or_three_rows():
    header = [text_line("行政复议 行政诉讼"), text_line("结果维持 结果纠正 其他结果 尚未审结 总计")]
    one_line = read_review_litigation(header + [text_line(" ".join(str(n) for n in range(1, 16)))]).table
    assert one_line.review.values() == [1, 2, 3, 4, 5]
    assert one_line.litigation_after_review.total == 15
    rows = [
        row_line([name, *map(str, range(k * 5 + 1, k * 5 + 6))])
        for k, name in enumerate(["行政复议", "未经复议直接起诉", "复议后起诉"])
    ]
    assert read_review_litigation(header + rows).table.model_dump() == one_line.model_dump()


def test_litigation_with_unplaceable_numbers_is_kept_unknown():
    header = [text_line("行政复议 行政诉讼 结果维持 结果纠正")]
    table = read_review_litigation(header + [text_line("1 2 3")]).table
    assert table.review.total is None


def test_litigation_kept_unknown_when_the_heading_took_its_first_header_line():
    """A heading split over a page may take the 「行政复议 行政诉讼」 line; the rest of the header still says
    table 4 is there (未经复议直接起诉 / 复议后起诉), so it is unread, not missing."""
    header = [text_line("未经复议直接起诉 复议后起诉"), text_line("结果维持 结果纠正 其他结果 尚未审结 总计")]
    result = read_review_litigation(header + [text_line("1 1 0 0 0 0 0")])
    assert result is not None and result.unreadable


ACTIVE_2021 = [
    text_line("第二十条第（一）项"),
    text_line("信息内容 本年制发件数 本年废止件数 现行有效件数"),
    text_line("规章 1 0 11"),
    text_line("行政规范性文件 8 26 66"),
    text_line("第二十条第（五）项"),
    text_line("信息内容 本年处理决定数量"),
    text_line("行政许可 447228"),
    text_line("-3-"),
    text_line("第二十条第（六）项"),
    text_line("信息内容 本年处理决定数量"),
    text_line("行政处罚 3,985,758"),
    text_line("行政强制 /"),
    text_line("第二十条第（八）项"),
    text_line("信息内容 本年收费金额（单位：万元）"),
    text_line("行政事业性收费 96171.6"),
]


def test_active_2021_text():
    table = read_active(ACTIVE_2021, "2021").table
    assert table.rules.values() == [1, 0, 11]
    assert table.normative_documents.values() == [8, 26, 66]
    assert table.licensing.decisions == 447228
    assert table.penalty.decisions == 3985758
    assert table.coercion.decisions is None
    assert table.fees.amount == 96171.6


def test_active_2019_rows_with_blank_trailing_cells():
    lines = [
        row_line(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]),
        row_line(["规章", "1", "2", "3"]),
        row_line(["规范性文件", "4", "5", "6"]),
        row_line(["行政许可", "7", "", "9"]),
        row_line(["其他对外管理服务事项", "0", "0", "0"]),
        row_line(["行政处罚", "1", "1", "1"]),
        row_line(["行政强制", "—", "—", "—"]),
        row_line(["行政事业性收费", "2", "3", ""]),
        row_line(["政府集中采购", "4", "12.5", ""]),
    ]
    table = read_active(lines, "2019").table
    assert table.licensing.values() == [7, None, 9]
    assert table.coercion.values() == [None, None, None]
    assert table.fees.values() == [2, 3]
    assert table.procurement.values() == [4, 12.5]


def test_values_and_marks():
    assert parse_value("１２") == (True, 12)
    assert parse_value("3,119") == (True, 3119)
    assert parse_value("/") == (True, None)
    assert parse_value("") == (True, None)
    assert parse_value("5件") == (True, 5)
    assert parse_value("1.属于国家秘密") == (False, None)
    assert is_page_number("- 3 -") and is_page_number("第3页 共6页") and is_page_number("—4—")
    assert not is_page_number("3")


def test_page_numbers_in_the_margin():
    """In a page's top or bottom band a bare number or a line starting 「第3页」 is a page number (OCR
    reads footers with specks after them); in the body neither is, and a year is never one."""
    for text in ("3", "- 3 -", "－ 5 －", "~7~", "3 -", "第3页", "第3页共6页 x", "第 12 页 ,"):
        assert is_page_number(text, in_margin=True), text
    for text in ("3", "第3页共6页 x"):
        assert not is_page_number(text), text
    for text in ("2024", "3 4", "第三章", "共3项"):
        assert not is_page_number(text, in_margin=True), text


def test_numbering_is_label_not_value():
    groups = build_groups([Line(["1.属于国家秘密 2 0 0 0 0 0 2"]), Line(["2、重复申请 0 0 0 0 0 0 0"])])
    assert [g.values for g in groups] == [[2, 0, 0, 0, 0, 0, 2], [0] * 7]
    assert groups[1].label == "2重复申请"


def test_label_overflow_rows_join_the_row_above():
    """Narrow label columns in PDFs: a row's label ends in a label-only row, on the next page too."""
    lines = list(HEADER)
    for i, label in enumerate(LABELS_2021):
        groups, text = list(label[:-1]), label[-1]
        cells = [str(v) for v in values_for(i)] + [""]
        if len(text) > 12:  # the leaf label's cell overflows into a label-only row
            lines.append(row_line([*groups, text[:9], *cells], page=4))
            lines.append(row_line([text[9:]] + [""] * 8, page=5))
        else:
            lines.append(row_line([*groups, text, *cells], page=4))
    rows = read_applications(lines).table.rows()
    for i, key in enumerate(KEYS_2021):
        assert rows[key].values() == values_for(i), key


def test_blank_numbered_row_is_its_own_row():
    lines = structured_table()
    index = next(i for i, line in enumerate(lines) if "重复申请" in line.text)
    lines[index] = row_line(["2.重复申请"] + [""] * 7)
    rows = read_applications(lines).table.rows()
    assert rows["not_processed_repeat"].values() == [None] * 7
    assert rows["not_processed_publication"].values() == values_for(17)


def test_short_text_rows_are_left_unread_not_guessed():
    """Blank cells vanish from extracted text: 「3 3」 may be 自然人 3 or 商业企业 3, 「3 1 0 0 0」 (a table
    extracted column by column) or a lone 114 could belong anywhere — those rows stay unknown. Zeros read
    the same in any cell."""
    lines = list(text_stream())
    lines[3] = text_line("一、本年新收政府信息公开申请数量 3 3")
    lines[4] = text_line("二、上年结转政府信息公开申请数量 3 1 0 0 0")
    lines[5] = text_line("三、本年度办理结果（一）予以公开 114")
    lines[6] = text_line("（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0")
    result = read_applications(lines)
    rows = result.table.rows()
    for key in ("new_received", "carried_over", "granted"):
        assert rows[key].values() == [None] * 7 and f"applications.{key}" not in result.sources
    assert rows["partially_granted"].values() == [0, None, None, None, None, None, 0]


def test_column_ordered_runs_split_into_rows():
    lines = [text_line("一、本年新收政府信息公开申请数量")]
    lines += [text_line(str(v)) for i in range(3) for v in values_for(i)]  # three rows' numbers in one run
    lines += [
        text_line("".join(label) + " " + " ".join(map(str, values_for(i))))
        for i, label in enumerate(LABELS_2021)
        if i >= 3
    ]
    groups = split_runs(build_groups(lines), 7)
    assert [g.values for g in groups[:4]] == [values_for(i) for i in range(4)]
    assert [bool(g.label) for g in groups[:3]] == [True, False, False]  # placed by their order alone
    # these made-up rows do not add up: the two placed by order alone are left unknown, never guessed
    result = read_applications(lines)
    rows = result.table.rows()
    assert rows["new_received"].values() == values_for(0) and rows[
        "partially_granted"
    ].values() == values_for(3)
    assert rows["carried_over"].values() == rows["granted"].values() == [None] * 7
    assert "applications.granted" not in result.sources


def test_rows_placed_by_order_are_kept_when_the_sums_hold():
    """The safety net only acts when the table does not add up: a consistent table keeps every row."""
    counts = {
        "new_received": 5,
        "carried_over": 1,
        "granted": 3,
        "partially_granted": 1,
        "not_processed_repeat": 1,
        "total_processed": 5,
        "carried_forward": 1,
    }
    lines = [text_line("一、本年新收政府信息公开申请数量")]
    for i, key in enumerate(KEYS_2021):
        n = counts.get(key, 0)
        numbers = " ".join(map(str, [n, 0, 0, 0, 0, 0, n]))
        lines.append(
            text_line(numbers if i in (1, 2) else "".join(LABELS_2021[i]) + " " + numbers)
            if i
            else text_line(numbers)
        )
    rows = read_applications(lines).table.rows()
    assert (
        rows["carried_over"].total == 1 and rows["granted"].total == 3 and rows["total_processed"].total == 5
    )


def test_printed_table_whose_numbers_cannot_be_placed_is_unreadable_not_missing():
    lines = [
        text_line("信息内容 本年制发件数 本年废止件数 现行有效件数"),
        text_line("本年处理决定数量"),
        text_line("规章"),
        text_line("行政规范性文件"),
    ]
    result = read_active(lines, "2021")
    assert result.unreadable and result.table.rules.values() == [None, None, None]


def test_signed_changes_are_values():
    """2019 table 2's 本年增/减: decreases printed with a minus or in words, increases with + or 增加."""
    for printed, value in (
        ("-1", -1),
        ("－1", -1),
        ("−2", -2),
        ("减少1", -1),
        ("减少 3 项", -3),
        ("+1", 1),
        ("增加1", 1),
        ("增加2个", 2),
        ("持平", 0),
    ):
        assert parse_value(printed) == (True, value), printed
    # a dash alone is a null mark; a page number or a double sign is no value
    assert parse_value("-") == (True, None) and parse_value("—") == (True, None)
    for printed in ("-3-", "--1", "+-1", "减少"):
        assert parse_value(printed) == (False, None), printed


def test_signed_changes_keep_the_row_in_its_columns():
    rows = [
        ("行政许可", "12", "-1", "30"),
        ("其他对外管理服务事项", "5", "减少2", "7"),
        ("行政处罚", "8", "－1", "40"),
        ("行政强制", "3", "增加1", "9"),
    ]
    header = [text_line("第二十条第（五）项"), text_line("信息内容 上一年项目数量 本年增/减 处理决定数量")]
    structured = header + [row_line(list(r)) for r in rows]
    # pdftotext -layout separates 「减少」 from its number
    text = header + [text_line(" ".join(r).replace("减少", "减少 ")) for r in rows]
    for lines in (structured, text):
        table = read_active(lines, "2019").table
        assert table.licensing.values() == [12, -1, 30]
        assert table.other_services.values() == [5, -2, 7]
        assert table.penalty.values() == [8, -1, 40]
        assert table.coercion.values() == [3, 1, 9]


def test_page_numbers_between_rows_are_no_values():
    lines = [
        text_line("信息内容 上一年项目数量 本年增/减 处理决定数量"),
        text_line("行政许可 12 -1 30"),
        text_line("-3-"),
        text_line("- 4 -"),
        text_line("其他对外管理服务事项 5 - 7"),
        text_line("行政处罚 8 减少1 40"),
        text_line("— 5 —"),
        text_line("行政强制 3 +1 9"),
    ]
    table = read_active(lines, "2019").table
    assert table.licensing.values() == [12, -1, 30]
    assert table.other_services.values() == [5, None, 7]
    assert table.penalty.values() == [8, -1, 40] and table.coercion.values() == [3, 1, 9]
