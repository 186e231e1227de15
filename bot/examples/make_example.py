"""Write the bundled example report (`nianbao run` without a token checks it).

A fictional town's 2024 report in the 2021 template, as plain text the way PDF text extraction
gives it. Its tables balance; its overview states one figure the table contradicts, so the
example shows what a finding looks like. Run: .venv/bin/python bot/examples/make_example.py
(tests/docgen/make_example.py will replace it with a PDF once the document builders exist).
"""

from __future__ import annotations

from pathlib import Path

AGENCY = "示例市示例区示例镇人民政府"
YEAR = 2024
OUT = Path(__file__).with_name("示例镇2024年政府信息公开工作年度报告.txt")

# table 3: row label -> natural person, commercial, research, social welfare, legal service, other
APPLICATIONS = [
    ("一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 0, 0]),
    ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0]),
    ("（一）予以公开", [3, 1, 0, 0, 0, 0]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [1, 0, 0, 0, 0, 0]),
    ("（三）不予公开 1.属于国家秘密", [0] * 6),
    ("2.其他法律行政法规禁止公开", [0] * 6),
    ("3.危及“三安全一稳定”", [0] * 6),
    ("4.保护第三方合法权益", [0] * 6),
    ("5.属于三类内部事务信息", [0] * 6),
    ("6.属于四类过程性信息", [0] * 6),
    ("7.属于行政执法案卷", [0] * 6),
    ("8.属于行政查询事项", [0] * 6),
    ("（四）无法提供 1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0]),
    ("2.没有现成信息需要另行制作", [0] * 6),
    ("3.补正后申请内容仍不明确", [0] * 6),
    ("（五）不予处理 1.信访举报投诉类申请", [0] * 6),
    ("2.重复申请", [0] * 6),
    ("3.要求提供公开出版物", [0] * 6),
    ("4.无正当理由大量反复申请", [0] * 6),
    ("5.要求行政机关确认或重新出具已获取信息", [0] * 6),
    ("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0] * 6),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 6),
    ("3.其他", [0] * 6),
    ("（七）总计", [5, 1, 0, 0, 0, 0]),
    ("四、结转下年度继续办理", [1, 0, 0, 0, 0, 0]),
]


def row(label: str, values: list[int]) -> str:
    return " ".join([label, *map(str, values), str(sum(values))])


def text() -> str:
    new = sum(APPLICATIONS[0][1])
    lines = [
        AGENCY,
        f"{YEAR}年政府信息公开工作年度报告",
        "",
        "根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发"
        "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，"
        f"现发布《{AGENCY}{YEAR}年政府信息公开工作年度报告》，本报告统计数据从 {YEAR} 年 1 月 1 日至 12 月 31 日。",
        "一、总体情况",
        f"（一）主动公开。{YEAR} 年，本镇通过政府网站主动公开信息 86 条，通过政务公众号发布信息 120 条。",
        # Deliberately neither table 3's new applications nor new + carried over: the example has a finding.
        f"（二）依申请公开。{YEAR} 年，共收到政府信息公开申请 {new + 2} 件，1件结转下年度办理。",
        "（三）政府信息管理。严格执行信息发布审核制度，及时更新公开目录。",
        "（四）平台建设。持续优化政府网站栏目设置，提升政务新媒体服务水平。",
        "（五）监督保障。将政务公开工作纳入年度绩效考核，未发生责任追究事件。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 0 0 0",
        "行政规范性文件 2 0 5",
        "第二十条第（五）项",
        "信息内容 本年处理决定数量",
        "行政许可 12",
        "第二十条第（六）项",
        "信息内容 本年处理决定数量",
        "行政处罚 3",
        "行政强制 0",
        "第二十条第（八）项",
        "信息内容 本年收费金额（单位：万元）",
        "行政事业性收费 0",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
        *(row(label, values) for label, values in APPLICATIONS[:2]),
        "三、本年度办理结果",
        *(row(label, values) for label, values in APPLICATIONS[2:]),
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0",
        "五、存在的主要问题及改进情况",
        "存在的问题：政策解读形式较为单一。改进措施：增加图文、视频等解读形式，提高解读质量。",
        "六、其他需要报告的事项",
        f"本机关{YEAR}年未收取信息处理费。",
        f"{AGENCY}",
        f"{YEAR + 1}年1月20日",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(text(), encoding="utf-8")
    print(OUT)
