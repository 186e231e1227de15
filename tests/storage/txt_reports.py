"""Plain-text annual reports in the published layout (template 2021), for tests that run the real parser."""

from __future__ import annotations

from parser.model import APPLICATION_ROWS

_ROW_TEXT = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
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
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def report_text(
    agency: str,
    year: int,
    *,
    new: int = 3,
    carried_over: int = 0,
    carried_forward: int = 0,
    in_force: int = 0,
    problems: str = "",
) -> str:
    closed = new + carried_over - carried_forward
    values = {
        "new_received": new,
        "carried_over": carried_over,
        "granted": closed,
        "total_processed": closed,
        "carried_forward": carried_forward,
    }
    lines = [
        f"{agency}",
        f"{year}年政府信息公开工作年度报告",
        "",
        "根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国"
        f"政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，现发布本报告，本报告统计数据从 {year} "
        "年 1 月 1 日至 12 月 31 日。",
        "",
        "一、总体情况",
        "",
        f"（一）主动公开。{year}年，本机关通过政府网站主动公开信息 {40 + year % 7} 条。",
        "",
        f"（二）依申请公开。{year}年，共收到政府信息公开申请 {new} 件，{carried_forward}件结转下年度办理。",
        "",
        "二、主动公开政府信息情况",
        "",
        "第二十条第（一）项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        f"规章\t0\t0\t{in_force}",
        "行政规范性文件\t0\t0\t0",
        "第二十条第（五）项",
        "信息内容\t本年处理决定数量",
        "行政许可\t0",
        "第二十条第（六）项",
        "信息内容\t本年处理决定数量",
        "行政处罚\t0",
        "行政强制\t0",
        "第二十条第（八）项",
        "信息内容\t本年收费金额（单位：万元）",
        "行政事业性收费\t0",
        "",
        "三、收到和处理政府信息公开申请情况",
        "",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    for key in APPLICATION_ROWS:
        if key == "other":
            continue
        if key == "granted":
            lines.append("三、本年度办理结果")
        v = values.get(key, 0)
        lines.append(f"{_ROW_TEXT[key]} {v} 0 0 0 0 0 {v}")
    lines += [
        "",
        "四、政府信息公开行政复议、行政诉讼情况",
        "",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        "未经复议直接起诉 复议后起诉",
        " ".join(["0"] * 15),
        "",
        "五、存在的主要问题及改进情况",
        "",
        problems or f"（一）存在问题。{agency}{year}年信息公开工作仍有不足。（二）改进情况。下一步加强培训。",
        "",
        "六、其他需要报告的事项",
        "",
        f"本机关{year}年未收取信息处理费。",
        "",
        agency,
        f"{year + 1}年1月20日",
    ]
    return "\n".join(lines) + "\n"
