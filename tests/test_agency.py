"""The agency page (one agency across its years), the browse grid, and hits that open at their passage."""

from __future__ import annotations

import re

import pytest

from web import create_app


@pytest.fixture(scope="module")
def client(built_index):
    app = create_app({"INDEX_DIR": str(built_index.ix.storage.folder), "TESTING": True})
    return app.test_client()


def test_browse_is_an_agency_by_year_grid(client):
    data = client.get("/api/browse").get_json()
    pingtan = next(r for r in data["rows"] if r["key"] == "平潭综合实验区")
    # 平潭综合实验区, 平潭综合实验区管委会 and 平潭综合实验区（管委会） are one agency
    assert len(pingtan["names"]) >= 2 and len(pingtan["years"]) >= 8
    assert data["reports"] == sum(r["reports"] for r in data["rows"])
    assert set(pingtan["years"]) <= set(data["years"])
    page = client.get("/browse").text
    assert "/agencies/%E5%B9%B3%E6%BD%AD%E7%BB%BC%E5%90%88%E5%AE%9E%E9%AA%8C%E5%8C%BA" in page
    filtered = client.get("/api/browse", query_string={"agency": "郑州"}).get_json()
    assert filtered["rows"] and all(any("郑州" in n for n in r["names"]) for r in filtered["rows"])


def test_home_page_says_what_is_indexed(client):
    page = client.get("/").text
    m = re.search(r"已收录 <strong>(\d+)</strong> 份报告、<strong>(\d+)</strong> 个机关", page)
    browse = client.get("/api/browse").get_json()
    assert m and int(m.group(2)) == browse["agencies"] and int(m.group(1)) >= browse["reports"]


def test_agency_page_shows_every_year_figures_and_repeats(client):
    data = client.get("/api/agencies/平潭综合实验区").get_json()
    years = data["years"]
    assert years == sorted(years) and len(years) >= 8
    new = next(s for s in data["series"] if s["key"] == "applications.new.total")
    assert new["label"] == "本年新收·总计" and len(new["points"]) == len(years)
    assert None in new["points"]  # years before the 2019 format: not read, never drawn as 0
    assert any(v is not None for v in new["points"])
    repeated = [y for y in data["narrative"] if y["repeated"]]
    assert repeated, "some year repeats sentences of the year before"
    year = repeated[0]
    same = [s for n in ("problems", "improvements") for s in year[n] if s["same_as_last_year"]]
    assert len(same) == year["repeated"]
    page = client.get("/agencies/平潭综合实验区").text
    assert page.count("<svg") == len(data["series"]) and 'class="repeat"' in page
    assert "年度不详" not in page or None in years


def test_agency_page_is_reached_from_reports_and_hits(client):
    hits = client.get("/", query_string={"q": "政务公开", "section": "all"}).text
    assert 'class="agency" href="/agencies/' in hits
    report_id = client.get("/api/agencies/平潭综合实验区").get_json()["reports"][0]["id"]
    report_page = client.get(f"/reports/{report_id}").text
    assert 'class="agency" href="/agencies/%E5%B9%B3%E6%BD%AD' in report_page
    assert client.get("/agencies/没有这个机关").status_code == 404


def test_a_hit_opens_the_report_at_its_passage_with_the_match_marked(client):
    page = client.get("/", query_string={"q": "政务新媒体"}).text
    href = re.search(r'class="hit-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    path, anchor = href.split("#")
    assert anchor in ("problems", "improvements") and "q=" in path
    report = client.get(path).text
    assert f'id="{anchor}"' in report
    section = report[report.index(f'id="{anchor}"') :]
    assert "<mark>政务新媒体</mark>" in section.split("</section>")[0]
