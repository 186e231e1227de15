"""Formats are told by content; bad input gets a one-line reason."""

import io
import zipfile

import pytest

from parser.api import parse_report
from parser.detect import detect_format
from parser.errors import ReportError
from parser.readers.text import decode

SEED = "银川市某某镇人民政府\n2024年政府信息公开工作年度报告\n一、总体情况\n本年度工作正常开展。\n"


def test_detect_by_content_not_name():
    assert detect_format(b"%PDF-1.7\n...") == "pdf"
    assert detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "ole"
    assert detect_format(b"\x89PNG\r\n\x1a\n....") == "png"
    assert detect_format("<html><body><p>报告</p></body></html>".encode()) == "html"
    assert detect_format(SEED.encode("gb18030")) == "txt"
    assert detect_format(SEED.encode("utf-16")) == "txt"
    assert detect_format(b"   \n") == "empty"
    assert detect_format(bytes(range(256)) * 4) == "binary"


def test_encodings_decode_to_the_same_text():
    for encoding in ("utf-8", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-8-sig"):
        assert decode(SEED.encode(encoding)).lstrip("\ufeff") == SEED, encoding


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n garbage", "corrupt"),
        (zip_bytes({"a.txt": "x"}), "unsupported"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "corrupt"),  # an OLE2 header and nothing inside
        (bytes(range(256)) * 8, "unsupported"),
        ("今天天气很好，我们去公园散步。\n晚上吃饺子。".encode(), "not_report"),
    ],
)
def test_bad_input_gets_a_reason(data, code):
    with pytest.raises(ReportError) as caught:
        parse_report(data, "x")
    assert caught.value.code == code
    assert caught.value.zh and caught.value.en


def test_gbk_text_report_reads_like_utf8():
    text = (SEED + "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n").encode("gbk")
    report = parse_report(text)
    assert report.agency == "银川市某某镇人民政府" and report.year == 2024


def test_damaged_zip_structures_give_a_reason_not_a_crash():
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("银川市某镇人民政府2024年政府信息公开工作年度报告")
    document.save(buffer)
    data = bytearray(buffer.getvalue())
    # every central-directory entry claims a zip version this library cannot read
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 6 : at + 8] = (186).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(ReportError) as caught:
        parse_report(bytes(data), "x.docx")
    assert caught.value.code == "corrupt"
    # an ODF-looking zip whose mimetype member claims to be huge is not inflated to find out
    odd = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text" + " " * 5000})
    assert detect_format(odd) == "zip"
