"""HTML reader on pages shaped like real government sites: chrome around the report, GBK bytes."""

from __future__ import annotations

import pytest

from parser.errors import ReportError
from parser.layout import Line
from parser.readers import html as reader

TABLE = """
<table border="1" cellspacing="0" style="border-collapse:collapse">
 <tbody>
  <tr><td colspan="4" style="width:100%"><p align="center"><span style="font-family:黑体;font-size:16px">第二十条第（一）项</span></p></td></tr>
  <tr><td><p><span>信息内容</span></p></td><td><p><span>本年制发件数</span></p></td>
      <td><p><span>本年废止件数</span></p></td><td><p><span>现行有效件数</span></p></td></tr>
  <tr><td><p><span>规章</span></p></td><td>0</td><td>&nbsp;</td><td><p>3</p></td></tr>
  <tr><td><p><span>行政规范性</span></p><p><span>文件</span></p></td><td>12</td><td>1</td><td>40</td></tr>
 </tbody>
</table>"""

TABLE_ROWS = [
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "", "3"],
    ["行政规范性文件", "12", "1", "40"],
]

CHROME_PAGE = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>XX市2023年政府信息公开工作年度报告_XX市人民政府</title>
<style>.content p {{ text-indent: 2em; }}</style>
<script>document.write("政府信息公开工作年度报告");</script>
</head><body>
<div class="header"><div class="logo">XX市人民政府</div>
  <ul class="mainNav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></div>
<div class="topBar">今天是2024年1月1日 <a href="#">无障碍</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 年度报告</div>
<div class="wrap">
 <div class="leftList"><h3>年度报告</h3><ul>
  <li><a href="/2022.html">XX市2022年政府信息公开工作年度报告</a><span>2023-01-30</span></li>
  <li><a href="/2021.html">XX市2021年政府信息公开工作年度报告</a></li></ul></div>
 <div class="article">
  <h1 class="title">XX市2023年政府信息公开工作年度报告</h1>
  <div class="info">发布时间：2024-01-20 &nbsp; 来源：市政府办公室</div>
  <div class="TRS_Editor">
   <p style="text-indent:2em"><span style="font-family:仿宋_GB2312;font-size:16pt">一、总体情况</span></p>
   <p>　　2023年，本机关主动公开政府信息&nbsp;&nbsp;117&nbsp;条，详见<a href="/zdgk">主动公开专栏</a>。</p>
   <p><strong>二、主动公开政府信息情况</strong></p>
   {TABLE}
  </div>
  <div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>
  <div class="tools">【<a href="javascript:print()">打印本页</a>】【<a href="javascript:close()">关闭窗口</a>】</div>
 </div>
</div>
<div id="footer"><p>主办：XX市人民政府办公室 地址：XX路1号</p><p>网站标识码：1234000001 苏ICP备12345678号</p></div>
</body></html>"""

EXPECTED_CHROME_PAGE = [
    Line(["年度报告"]),
    Line(["XX市2023年政府信息公开工作年度报告"]),
    Line(["发布时间：2024-01-20 来源：市政府办公室"]),
    Line(["一、总体情况"]),
    Line(["2023年，本机关主动公开政府信息 117 条，详见主动公开专栏。"]),
    Line(["二、主动公开政府信息情况"]),
    *[Line(cells, is_row=True) for cells in TABLE_ROWS],
]


def test_gbk_page_without_its_chrome():
    doc = reader.read(CHROME_PAGE.encode("gbk"))
    assert doc.format == "html"
    assert doc.pages is None
    assert doc.lines == EXPECTED_CHROME_PAGE


def test_colspan_and_rowspan():
    page = """<table>
      <tr><th rowspan="2">申请人情况</th><th rowspan="2">自然人</th><th colspan="3">法人或其他组织</th><th rowspan="2">总计</th></tr>
      <tr><th>商业企业</th><th>科研机构</th><th>其他</th></tr>
      <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>1</td><td>0</td><td></td><td>5</td></tr>
      <tr><td rowspan="3">三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td>0</td><td>0</td><td>2</td></tr>
      <tr><td>（二）部分公开</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
      <tr><td>（三）不予<br>公开</td><td>2</td><td>3</td><td>4</td><td>9</td></tr>
    </table>"""
    doc = reader.read(page.encode())
    assert [line.cells for line in doc.lines] == [
        ["申请人情况", "自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "其他"],
        ["一、本年新收政府信息公开申请数量", "1", "0", "", "5"],
        ["三、本年度办理结果", "（一）予以公开", "1", "0", "0", "2"],
        ["（二）部分公开", "0", "0", "0", "0"],
        ["（三）不予公开", "2", "3", "4", "9"],
    ]
    assert all(line.is_row and line.page is None for line in doc.lines)


def test_cell_numbers_on_separate_lines_stay_apart():
    page = """<table><tr><td>合计</td><td>1<br>2</td><td><div>3</div><div>万元</div></td>
      <td>本年新收政府信息
          公开申请数量</td><td>2023
          年</td></tr></table>"""
    assert reader.read(page.encode()).lines == [
        Line(["合计", "1 2", "3万元", "本年新收政府信息公开申请数量", "2023 年"], is_row=True)
    ]


@pytest.mark.parametrize(
    "data",
    [
        "<html><body><p>年度报告：主动公开</p></body></html>".encode("gbk"),  # no charset at all
        '<meta charset="utf-8"><p>年度报告：主动公开</p>'.encode("gbk"),  # wrong declaration
        '<meta charset="GBK"><p>年度报告：主动公开</p>'.encode("gbk"),
        '<meta charset="gb2312"><p>年度报告：主动公开</p>'.encode(),  # stale declaration on a UTF-8 page
        '<meta http-equiv="content-type" content="text/html;charset=utf-8"><p>年度报告：主动公开</p>'.encode(),
        "<p>年度报告：主动公开</p>".encode("utf-8-sig"),
        "<p>年度报告：主动公开</p>".encode("utf-16"),
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>年度报告：主动公开</p></body></html>'.encode(),
    ],
)
def test_encodings(data):
    assert reader.read(data).lines == [Line(["年度报告：主动公开"])]


def test_layout_table_page_flows_and_keeps_its_data_table():
    # an older CMS: the whole page is one table, menu in the left cell, report in the right
    prose = "本报告根据《中华人民共和国政府信息公开条例》编制。" * 10
    page = f"""<html><body><table width="1000"><tr>
      <td width="200" class="left"><table><tr><td><a href="1">机构概况</a></td></tr>
        <tr><td><a href="2">XX区2022年政府信息公开工作年度报告</a></td></tr></table></td>
      <td><div align="center"><b>XX区2023年政府信息公开工作年度报告</b></div>
        <p>{prose}</p>{TABLE}</td></tr>
      <tr><td colspan="2" align="center">版权所有：XX区人民政府</td></tr></table></body></html>"""
    doc = reader.read(page.encode())
    assert doc.lines == [
        Line(["XX区2023年政府信息公开工作年度报告"]),
        Line([prose]),
        *[Line(cells, is_row=True) for cells in TABLE_ROWS],
        Line(["版权所有：XX区人民政府"]),
    ]


def test_content_wrapper_with_a_chrome_name_is_kept():
    # ASP.NET pages wrap everything in one <form>; some templates call the article "main-nav-content"
    prose = "（一）主动公开。" + "全年主动公开各类政府信息。" * 100
    page = f"""<html><body><form id="form1" method="post"><input type="hidden" value="x">
      <div class="main-nav-content"><h2>XX县2023年政府信息公开工作年度报告</h2><p>{prose}</p>{TABLE}</div>
      <div class="nav"><a href="/">首页</a> 说明文字</div></form></body></html>"""
    doc = reader.read(page.encode())
    assert doc.lines == [
        Line(["XX县2023年政府信息公开工作年度报告"]),
        Line([prose]),
        *[Line(cells, is_row=True) for cells in TABLE_ROWS],
    ]


def test_small_nested_table_rows_follow_their_row():
    page = """<table><tr><td>外层</td><td>1</td></tr>
      <tr><td>第二行</td><td>说明<table><tr><td>n00</td><td>n01</td></tr></table></td></tr>
      <tr><td>第三行</td><td>3</td></tr></table>"""
    assert [line.cells for line in reader.read(page.encode()).lines] == [
        ["外层", "1"],
        ["第二行", "说明"],
        ["n00", "n01"],
        ["第三行", "3"],
    ]


def test_hidden_blocks_headings_pre_and_spaces():
    page = """<body><div style="display: none">隐藏的模板文字</div>
      <header class="article-header"><h1>XX镇2023年政府信息公开工作年度报告</h1></header>
      <h3>三、收到和处理政府信息公开申请情况</h3><p>甲\u3000\u3000乙&nbsp; &#12288;丙<br/>丁</p>
      <pre>第一行
第二行</pre><ul><li>列表项<a href="#">附件下载</a></li></ul></body>"""
    assert [line.text for line in reader.read(page.encode()).lines] == [
        "XX镇2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "甲 乙 丙",
        "丁",
        "第一行",
        "第二行",
        "列表项附件下载",
    ]


def test_link_only_rows_are_dropped():
    page = """<table><tr><td><a href="1">上一篇：XX市2022年政府信息公开工作年度报告</a></td>
      <td><a href="2">下一篇：无</a></td></tr><tr><td>行政许可</td><td><a href="3">5</a></td></tr></table>"""
    assert [line.cells for line in reader.read(page.encode()).lines] == [["行政许可", "5"]]


@pytest.mark.parametrize("data", [b"", b"   \n  ", b"<!-- only a comment -->"])
def test_empty_pages(data):
    with pytest.raises(ReportError) as err:
        reader.read(data)
    assert err.value.code == "empty"


def test_article_head_is_kept_site_head_is_not():
    page = """<body><div id="head"><span>XX市人民政府</span><a href="/">首页</a><a href="/a">机构</a>
      <a href="/b">政务公开</a><a href="/c">政务服务</a><a href="/d">互动交流</a></div>
      <div class="content"><div class="detail-head"><div class="title">XX市2023年政府信息公开工作年度报告</div>
      <span>发布日期：2024-01-20</span> <a href="#">打印</a></div><p>正文</p></div></body>"""
    assert [line.text for line in reader.read(page.encode()).lines] == [
        "XX市2023年政府信息公开工作年度报告",
        "发布日期：2024-01-20 打印",
        "正文",
    ]
