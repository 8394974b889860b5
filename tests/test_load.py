"""Loading files: encodings, HTML, and a clear error naming the file for everything else."""

from __future__ import annotations

import pytest

from index.reader.errors import ParseError
from index.reader.formats.files import load_text
from index.reader.formats.html import html_to_text

REPORT = "某局2021年政府信息公开工作年度报告\n一、总体情况\n内容。"


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin.txt", b"plain English text only", "no Chinese text"),
        ("undecodable.txt", b"\xff\xfe\xfd\x81\x30" * 20 + b"\x80", "cannot be decoded"),
        ("report.pdf", REPORT.encode(), "not a readable PDF"),
        ("report.docx", b"PK\x03\x04 not really a zip", "not a readable Word document"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "encrypted (password-protected)"),
        ("sheet.xlsx", REPORT.encode(), "unsupported file type '.xlsx'"),
        ("report", REPORT.encode(), "unsupported file type '(no extension)'"),
        ("empty.html", b"<html><body><script>x()</script></body></html>", "no text"),
    ],
)
def test_bad_files_name_the_file_and_the_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ParseError) as err:
        load_text(path)
    assert err.value.source == str(path)
    assert reason in err.value.reason
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ParseError, match="cannot read file"):
        load_text(tmp_path / "gone.txt")


def test_size_cap(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(REPORT * 100, encoding="utf-8")
    with pytest.raises(ParseError, match="over the 1,000-byte limit"):
        load_text(path, max_bytes=1000)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "r.txt"
    path.write_bytes(REPORT.replace("\n", "\r\n").encode(encoding))
    assert load_text(path) == REPORT


def test_html_table_rows_become_tab_separated_lines():
    page = """<html><head><style>td{}</style></head><body><h1>标题</h1><p>第一段<br>第二行</p>
    <table><tr><th>信息内容</th><th colspan="3">本年处理决定数量</th></tr>
    <tr><td>行政许可</td><td>&nbsp;</td><td>12</td><td></td></tr></table><div>结尾</div></body></html>"""
    assert html_to_text(page).split("\n") == [
        "标题",
        "第一段",
        "第二行",
        "信息内容\t本年处理决定数量\t\t",
        "行政许可\t\t12\t",
        "结尾",
    ]


def test_html_entities_and_scripts(tmp_path):
    path = tmp_path / "r.htm"
    path.write_text("<p>某局&lt;报告&gt;</p><script>alert('报告')</script><p>正文</p>", encoding="utf-8")
    assert load_text(path) == "某局<报告>\n正文"
