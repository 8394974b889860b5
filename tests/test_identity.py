"""One agency, one identity: name variants of one place are one agency everywhere, and a user settles the rest."""

from __future__ import annotations

import pytest

from index.build import build_index
from index.reader.parse import parse_text
from search.identity import AliasError, identity_in, merge
from web import create_app
from xxgk.cli import main

from .conftest import corpus_file

SEED = corpus_file("2021-郑州")  # a 2021-format report with every table read
TITLE = "郑州经济技术开发区管委会 2021 年政府信息公开 工作年度报告"


def _variant(title: str, year: int) -> str:
    text = SEED.read_text(encoding="utf-8")
    assert TITLE in text
    return text.replace(TITLE, title).replace("2021", str(year))


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """Reports of one county under its name with and without its city, a department likewise, and one
    report whose name has a page's metadata label glued to it."""
    root = tmp_path_factory.mktemp("identity")
    corpus = root / "corpus"
    corpus.mkdir()
    files = {
        "a.txt": _variant("洪泽区人民政府2023年政府信息公开工作年度报告", 2023),
        "b.txt": _variant("淮安市洪泽区人民政府2024年政府信息公开工作年度报告", 2024),
        "c.txt": _variant("沭阳县发展和改革局2022年政府信息公开工作年度报告", 2022),
        "d.txt": _variant("名称\t宿迁市沭阳县发展和改革局2023年政府信息公开工作年度报告", 2023),
        "e.txt": _variant("鼓楼区人民政府2022年政府信息公开工作年度报告", 2022),
        "f.txt": _variant("南京市鼓楼区人民政府2023年政府信息公开工作年度报告", 2023),
    }
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = root / "ix"
    assert not build_index([corpus], index).failed
    return index


@pytest.fixture
def client(variants):
    return create_app({"INDEX_DIR": str(variants), "TESTING": True}).test_client()


def test_a_metadata_label_is_not_part_of_the_name():
    report = parse_text(_variant("名称\t宿迁市沭阳县发展和改革局2023年政府信息公开工作年度报告", 2023))
    assert report.agency == "宿迁市沭阳县发展和改革局"


def test_name_variants_of_one_place_are_one_row_in_browse(client):
    rows = client.get("/api/browse").get_json()["rows"]
    by_key = {r["key"]: r for r in rows}
    assert set(by_key["江苏省淮安市洪泽区"]["names"]) == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    assert by_key["江苏省淮安市洪泽区"]["years"] == [2023, 2024]
    assert set(by_key["江苏省宿迁市沭阳县发展和改革局"]["names"]) == {"沭阳县发展和改革局", "宿迁市沭阳县发展和改革局"}
    # 鼓楼区 lies in four cities: the region does not agree, so it is not merged with 南京市鼓楼区
    assert "鼓楼区" in by_key and "江苏省南京市鼓楼区" in by_key


def test_previous_and_next_year_across_name_variants(client):
    rows = {r["key"]: r for r in client.get("/api/browse").get_json()["rows"]}
    first, second = rows["江苏省淮安市洪泽区"]["ids"]
    later = client.get(f"/api/reports/{second['id']}").get_json()
    assert later["previous_year"]["id"] == first["id"] and later["agency_key"] == "江苏省淮安市洪泽区"
    earlier = client.get(f"/api/reports/{first['id']}").get_json()
    assert earlier["next_year"]["id"] == second["id"] and earlier["previous_year"] is None
    page = client.get(f"/reports/{second['id']}").text
    assert "与上年（2023）比较" in page
    # the agency page holds both years, and its cross-year checks run between them
    agency = client.get("/api/agencies/江苏省淮安市洪泽区").get_json()
    assert agency["years"] == [2023, 2024] and len(agency["names"]) == 2


def test_the_agency_facet_counts_one_agency_once(client):
    facets = client.get("/api/search", query_string={"q": "公开", "section": "all"}).get_json()["facets"]["agency"]
    names = set(facets)
    assert len(names & {"洪泽区人民政府", "淮安市洪泽区人民政府"}) == 1
    # and filtering by that facet value finds the reports of both names
    value = next(iter(names & {"洪泽区人民政府", "淮安市洪泽区人民政府"}))
    found = client.get("/api/search", query_string={"q": "公开", "section": "all", "agency": value, "by_report": "1"})
    assert {h["agency"] for h in found.get_json()["hits"]} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}


def test_a_user_merges_what_rules_cannot(variants, client, capsys):
    assert main(["agencies", "merge", "鼓楼区人民政府", "南京市鼓楼区人民政府", "--index", str(variants)]) == 0
    try:
        assert "已记录" in capsys.readouterr().out
        assert identity_in(variants).key("鼓楼区人民政府") == "江苏省南京市鼓楼区"
        rows = {r["key"]: r for r in client.get("/api/browse").get_json()["rows"]}
        assert "鼓楼区" not in rows and len(rows["江苏省南京市鼓楼区"]["names"]) == 2
        # the command line lists it so
        assert main(["agencies", "--index", str(variants)]) == 0
        listing = capsys.readouterr().out
        assert "江苏省南京市鼓楼区  2 份（2022、2023）" in listing and "    鼓楼区人民政府" in listing
        # merged already: said, nothing written; the other way round would be a loop
        assert main(["agencies", "merge", "鼓楼区人民政府", "南京市鼓楼区人民政府", "--index", str(variants)]) == 0
        assert "已是同一机关" in capsys.readouterr().out
    finally:
        (variants / "aliases.csv").unlink()
    assert "鼓楼区" in {r["key"] for r in client.get("/api/browse").get_json()["rows"]}


def test_a_bad_aliases_file_is_named(tmp_path):
    (tmp_path / "aliases.csv").write_text("name,agency\n只有一列\n", encoding="utf-8")
    with pytest.raises(AliasError, match="第 2 行"):
        identity_in(tmp_path)
    with pytest.raises(AliasError):
        merge(tmp_path, "", "某局")


@pytest.mark.parametrize(
    ("title", "body", "agency"),
    [
        # OCR read 洪泽 as 法泽 in the title; the text prints the name right: the text's name, said
        ("淮安市法泽区人民政府", "本报告由淮安市洪泽区人民政府办公室编制。", "淮安市洪泽区人民政府"),
        # the title's name printed again in the text: it stands
        ("淮安市洪泽区人民政府", "本报告由淮安市洪泽区人民政府办公室编制。", "淮安市洪泽区人民政府"),
        # a name one character off that the gazetteer knows no better (both unknown): the title's stands
        ("某某县教育局", "本报告由某甲县教育局编制。", "某某县教育局"),
        # two candidates in the text: which is right cannot be told, the title's stands
        ("淮安市淮北区人民政府", "淮安市淮阴区人民政府、淮安市淮安区人民政府", "淮安市淮北区人民政府"),
    ],
)
def test_a_titles_misread_name_gives_way_to_the_texts(title, body, agency):
    text = SEED.read_text(encoding="utf-8").split("\n", 1)[1].replace("郑州经济技术开发区管委会", "本机关")
    report = parse_text(f"{title}2021年政府信息公开工作年度报告\n{body}\n{text}")
    assert report.agency == agency
    named = [f for f in report.findings if f.rule == "named"]
    assert bool(named) == (agency != title) and report.agency_from == ("body" if named else "title")
    if named:
        assert title in named[0].message and report.title.startswith(title)  # the title stays as printed
