"""Reports printed in traditional script, their agency named only in the body: the opening sentence that
publishes the report, or the contact line (請與…聯繫), read as printed and grouped with the simplified name."""

from __future__ import annotations

import pytest

from bench.render import to_traditional as traditional
from index.reader.parse import parse_text
from index.reader.text.agency import agency_key

from .conftest import corpus_file

SEED = corpus_file("2021-郑州")  # its title names the agency; the variants drop it


def untitled(agency: str, opening: str, contact: str) -> str:
    body = SEED.read_text(encoding="utf-8").split("\n", 3)[3]  # the title line gone
    body = body.replace("郑州经济技术开发区管委会", "本单位")
    head = f"{opening.format(agency=agency)}\n" if opening else ""
    tail = f"\n{contact.format(agency=agency)}\n" if contact else ""
    return head + body + tail


@pytest.mark.parametrize(
    ("opening", "contact"),
    [
        ("根据《中华人民共和国政府信息公开条例》规定，现公布{agency}2021年政府信息公开工作年度报告。", ""),
        ("现将{agency}2021年度政府信息公开工作年度报告公布如下。", ""),
        ("", "如对本报告有疑问，请与{agency}办公室联系（电话：0769-12345678）。"),
    ],
)
@pytest.mark.parametrize("agency", ["东莞市教育局", "香洲区人民政府"])
def test_the_agency_named_only_in_the_body_in_traditional_script(opening, contact, agency):
    simple = parse_text(untitled(agency, opening, contact))
    printed = parse_text(traditional(untitled(agency, opening, contact)))
    assert simple.agency == agency and simple.agency_from == "body"
    assert printed.agency == traditional(agency) != agency  # as printed
    assert agency_key(printed.agency) == agency_key(agency)  # one agency whichever script
    assert printed.year == simple.year == 2021
    assert printed.figures == simple.figures and printed.figures["applications.new.total"] == 20


def test_a_report_without_any_name_stays_without_one():
    report = parse_text(traditional(untitled("某局", "", "")))
    assert report.agency is None
