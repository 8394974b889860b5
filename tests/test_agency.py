"""The agency page (one agency across its years), the browse grid, and hits that open at their passage."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from web import create_app


@pytest.fixture(scope="module")
def client(built_index):
    app = create_app({"INDEX_DIR": str(built_index.ix.storage.folder), "TESTING": True})
    return app.test_client()


PINGTAN = "福建省福州市平潭综合实验区"  # its places in full, from the gazetteer


def test_browse_is_an_agency_by_year_grid(client):
    data = client.get("/api/browse").get_json()
    pingtan = next(r for r in data["rows"] if r["key"] == PINGTAN)
    # 平潭综合实验区, 平潭综合实验区管委会 and 平潭综合实验区（管委会） are one agency
    assert len(pingtan["names"]) >= 2 and len(pingtan["years"]) >= 8
    # every report is listed: those without a recognised agency in a row of their own
    unknown = data["unknown_agency"]
    assert unknown["reports"] >= 1 and len(unknown["ids"]) == unknown["reports"]
    assert data["reports"] == sum(r["reports"] for r in data["rows"]) + unknown["reports"]
    assert set(pingtan["years"]) <= set(data["years"])
    page = client.get("/browse").text
    assert "/agencies/%E7%A6%8F%E5%BB%BA%E7%9C%81" in page and "机关不详" in page
    filtered = client.get("/api/browse", query_string={"agency": "郑州"}).get_json()
    # by name, or by the places of its key: 金水区 lies in 郑州市
    assert filtered["rows"] and all(
        any("郑州" in n for n in r["names"]) or "郑州" in r["key"] for r in filtered["rows"]
    )
    assert any(r["names"] == ["金水区工业和信息化局"] for r in filtered["rows"])


def test_home_page_says_what_is_indexed(client):
    page = client.get("/").text
    m = re.search(r"已收录 <strong>(\d+)</strong> 份报告、<strong>(\d+)</strong> 个机关", page)
    browse = client.get("/api/browse").get_json()
    assert m and int(m.group(2)) == browse["agencies"] and int(m.group(1)) == browse["reports"]


def test_agency_page_shows_every_year_figures_and_repeats(client):
    data = client.get(f"/api/agencies/{PINGTAN}").get_json()
    years = data["years"]
    assert years == sorted(years) and len(years) >= 8
    new = next(s for s in data["series"] if s["key"] == "applications.new.total")
    assert new["label"] == "本年新收·总计" and len(new["points"]) == len(years) == len(new["states"])
    assert None in new["points"]  # years before the 2019 format: its format has no such cell, never drawn as 0
    formats = [r["template"] for r in data["reports"]]
    gaps = {(f, s) for v, s, f in zip(new["points"], new["states"], formats, strict=True) if v is None}
    assert ("legacy", "old_format") in gaps and gaps <= {("legacy", "old_format"), ("2019", "unread")}
    assert any(v is not None for v in new["points"])
    repeated = [y for y in data["narrative"] if y["repeated"]]
    assert repeated, "some year repeats sentences of the year before"
    year = repeated[0]
    same = [s for n in ("problems", "improvements") for s in year[n] if s["same_as_last_year"]]
    assert len(same) == year["repeated"]
    page = client.get(f"/agencies/{PINGTAN}").text
    assert page.count("<svg") == len(data["series"]) and 'class="repeat"' in page
    # every year from the first to the last on the charts: a year without a report is a labelled gap
    missing = set(range(min(years), max(years) + 1)) - set(years)
    assert missing and "无报告" in page and page.count("与上年比较") >= 3
    assert "年度不详" not in page or None in years


def test_the_old_formats_figures_are_series_of_their_own(client):
    """Before 2019 the statistics table's figures are charted on their own, never joined to the 2019/2021
    series: a year in the later format shows 新格式 there, as a year before 2019 shows 旧格式 above."""
    data = client.get(f"/api/agencies/{PINGTAN}").get_json()
    active = next(s for s in data["series"] if s["key"] == "legacy.active.year")
    assert active["legacy"] and active["label"] == "统计表·主动公开政府信息数·本年"
    rows = list(zip(data["reports"], active["points"], active["states"], strict=True))
    assert {s for r, v, s in rows if r["template"] in ("2019", "2021")} == {"new_format"}
    read = {r["year"]: v for r, v, s in rows if s == "printed"}
    assert read[2014] == 2543 and all(year < 2019 for year in read)
    assert not [s for s in data["series"] if not s["legacy"] and s["key"].startswith("legacy.")]
    page = client.get(f"/agencies/{PINGTAN}").text
    old = page.index("旧格式的政府信息公开情况统计表")
    assert 'data-key="legacy.active.year"' in page[old:] and 'data-key="applications.new.total"' in page[:old]
    assert ">新格式<" in page[old:] and ">旧格式<" in page[:old]


def test_agency_page_is_reached_from_reports_and_hits(client):
    hits = client.get("/", query_string={"q": "政务公开", "section": "all"}).text
    assert 'class="agency" href="/agencies/' in hits
    report_id = client.get(f"/api/agencies/{PINGTAN}").get_json()["reports"][0]["id"]
    report_page = client.get(f"/reports/{report_id}").text
    assert 'class="agency" href="/agencies/%E7%A6%8F%E5%BB%BA%E7%9C%81' in report_page
    assert client.get("/agencies/没有这个机关").status_code == 404
    # a printed name finds its agency's page
    named = client.get("/agencies/平潭综合实验区管委会")
    assert named.status_code == 301 and named.location.endswith("/agencies/" + quote(PINGTAN))


def test_a_hit_opens_the_report_at_its_passage_with_the_match_marked(client):
    page = client.get("/", query_string={"q": "政务新媒体"}).text
    href = re.search(r'class="hit-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    path, anchor = href.split("#")
    assert anchor in ("problems", "improvements") and "q=" in path
    report = client.get(path).text
    assert f'id="{anchor}"' in report
    section = report[report.index(f'id="{anchor}"') :]
    assert "<mark>政务新媒体</mark>" in section.split("</section>")[0]
