"""Blank is blank, read is read: a cell printed blank is never 0 after the reader — in compare, charts,
exports, the API and the cross-year checks — and every number is shown exactly as printed."""

from __future__ import annotations

import csv
import io
import re

import pytest

from index.build import build_index
from index.reader.parse import parse_text
from index.reader.report import number_text
from search.compare import compare
from web import create_app

from .conftest import corpus_file

SEED = corpus_file("2021-郑州")  # 20 applications, every cell of table 三 printed
TITLE = "郑州经济技术开发区管委会 2021 年政府信息公开 工作年度报告"


def blank_total_column(text: str) -> str:
    """The report with table 三's 总计 column printed blank (a mark where the total was)."""
    out, inside = [], False
    for line in text.split("\n"):
        inside = inside or "本年新收" in line
        fields = line.split("\t")
        numbers = [i for i, f in enumerate(fields) if re.fullmatch(r"\d+", f.strip())]
        if inside and len(numbers) >= 7:
            fields[numbers[-1]] = "—"
        out.append("\t".join(fields))
        inside = inside and "结转下年度" not in line
    return "\n".join(out)


def next_year(text: str) -> str:
    """The report as the next year's: its fees (printed 2766.7879) now 24252.311082."""
    text = text.replace(TITLE, "郑州经济技术开发区管委会 2022 年政府信息公开工作年度报告").replace("2021", "2022")
    assert "\t2766.7879\t" in text
    return text.replace("\t2766.7879\t", "\t24252.311082\t")


@pytest.fixture(scope="module")
def reports():
    text = SEED.read_text(encoding="utf-8")
    return parse_text(text, "2021.txt"), parse_text(blank_total_column(next_year(text)), "2022.txt")


def test_a_blank_total_column_has_no_numbers_and_one_finding(reports):
    _, blank = reports
    totals = [k for k in blank.blank if k.startswith("applications.") and k.endswith(".total")]
    assert len(totals) >= 20 and not [k for k in totals if k in blank.figures]
    assert all(blank.state(k) == "blank" for k in totals)
    (finding,) = [f for f in blank.findings if f.rule == "B1"]
    assert finding.location == "applications.*.total" and "“总计”列" in finding.message
    assert not [f for f in blank.findings if f.severity == "error"]  # not the agency's arithmetic


def test_compare_never_counts_a_blank_as_zero(reports):
    old, new = reports
    result = compare(old, new, same_agency=True)
    totals = {f["key"]: f for f in result["figures"] if f["key"].endswith(".total") and f["table"] == "三"}
    granted = totals["applications.granted.total"]
    assert (granted["a"], granted["a_state"], granted["b"], granted["b_state"]) == (20, "printed", None, "blank")
    assert granted["delta"] is None and granted["pct"] is None and not granted["comparable"]
    assert "B 空白" in granted["why"]
    # the largest changes are between printed numbers only
    assert not [f for f in result["summary"]["largest"] if f["key"] in totals]
    # X1 across the years reads only printed cells
    assert all(f["found"] is not None for f in result["findings"])


@pytest.fixture(scope="module")
def client(tmp_path_factory, reports):
    root = tmp_path_factory.mktemp("states")
    corpus = root / "corpus"
    corpus.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (corpus / "2021.txt").write_text(text, encoding="utf-8")
    (corpus / "2022.txt").write_text(blank_total_column(next_year(text)), encoding="utf-8")
    assert not build_index([corpus], root / "ix").failed
    return create_app({"INDEX_DIR": str(root / "ix"), "TESTING": True}).test_client()


def _ids(client) -> tuple[str, str]:
    (row,) = client.get("/api/browse").get_json()["rows"]
    return row["ids"][0]["id"], row["ids"][1]["id"]


def test_the_compare_page_and_its_csv_show_blank_as_blank(client):
    a, b = _ids(client)
    page = client.get("/compare", query_string={"a": a, "b": b}).text
    row = page[page.index('id="fig-applications.granted.total"') :].split("</tr>")[0]
    assert '<span class="state blank"' in row and "（空白）" in row and "不是 0" in row  # the tooltip says so
    largest = page[page.index("变化最大的数字") :].split("</ol>")[0] if "变化最大的数字" in page else ""
    assert "总计 0 →" not in largest and "→ B 0" not in largest
    rows = list(
        csv.reader(io.StringIO(client.get("/compare.csv", query_string={"a": a, "b": b}).text.lstrip("\ufeff")))
    )
    header, body = rows[0], {r[1]: r for r in rows[1:]}
    assert header[2].startswith("A：郑州经济技术开发区管委会 2021") and header[4].startswith(
        "B：郑州经济技术开发区管委会 2022"
    )
    assert body["予以公开·总计"][2:7] == ["20", "印出", "", "空白", ""]


def test_numbers_are_never_rounded_on_the_compare_page(client):
    a, b = _ids(client)
    page = client.get("/compare", query_string={"a": a, "b": b}).text
    row = page[page.index('id="fig-art20.fees.amount"') :].split("</tr>")[0]
    assert "2766.7879" in row and "24252.311082" in row and "+21485.523182" in row
    assert "2766.79" not in page and "24252.3<" not in page


def test_the_figures_table_exports_blank_as_empty_with_its_state(client):
    query = {"q": "公开", "section": "all", "fig": ["applications.granted.total", "applications.new.natural_person"]}
    table = client.get("/api/figures", query_string=query).get_json()
    by_year = {r["year"]: r for r in table["rows"]}
    assert by_year[2022]["values"][0] is None and by_year[2022]["states"][0] == "blank"
    assert by_year[2021]["values"] == [20, 13] and all(isinstance(v, int) for v in by_year[2021]["values"])
    text = client.get("/figures.csv", query_string=query).text.lstrip("\ufeff")
    rows = {r[3]: r for r in csv.reader(io.StringIO(text))}
    assert rows["2022"][4:6] == ["", "空白"] and rows["2021"][4:6] == ["20", "印出"]
    assert "20.0" not in text and ",0,空白" not in text


def test_the_agency_chart_shows_a_blank_year_as_a_gap(client):
    (row,) = client.get("/api/browse").get_json()["rows"]
    page = client.get(f"/agencies/{row['key']}").text
    chart = page[page.index('data-key="applications.granted.total"') :].split("</figure>")[0]
    assert "空白" in chart and "2022 年：报告在此未填数字" in chart
    assert ">20<" in chart  # 2021's bar, with its value


@pytest.mark.parametrize(
    ("value", "shown"), [(2766.7879, "2766.7879"), (24252.311082, "24252.311082"), (206.0, "206"), (0.00005, "0.00005")]
)
def test_numbers_are_shown_exactly_as_printed(value, shown):
    assert number_text(value) == shown


def test_a_figure_read_by_inference_is_never_called_printed(client):
    a, b = _ids(client)
    text = client.get("/compare.csv", query_string={"a": a, "b": b}).text.lstrip("\ufeff")
    states = {r[1]: (r[3], r[5]) for r in list(csv.reader(io.StringIO(text)))[1:]}
    assert all(s in ("印出", "推断", "空白", "未读出", "格式无此项") for pair in states.values() for s in pair)


def test_the_2021_other_rows_summed_for_2019_are_marked_computed(reports):
    old, _ = reports
    from search.compare import comparable_figures

    _, state, inferred = comparable_figures(old)["applications.other.total"]
    assert state == "printed" and inferred  # the report prints its three parts, not their sum


def test_browse_shows_every_year_between_the_first_and_the_last(client):
    data = client.get("/api/browse").get_json()
    assert data["years"] == list(range(min(data["years"]), max(data["years"]) + 1))


def test_two_agencies_compared_are_said_to_be_two(client):
    a, _ = _ids(client)
    page = client.get("/compare", query_string={"a": a, "b": "郑州经济技术开发区管委会@2022"}).text
    assert "不同机关" not in page  # one agency, two years
