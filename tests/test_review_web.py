"""The desk through Flask's test client: logins, CSRF, verdicts and corrections, the roster, uploads (and
bad ones: a zip bomb, a script, a path for a name, a file too large), and the exports read back."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from docx import Document
from openpyxl import load_workbook

from index.build import build_index
from review.accounts import MAX_FAILURES, add_user
from review.db import open_database
from web import create_app

from .conftest import CORPUS_FILES, PDF_FILES, ROOT, corpus_file

SEED = corpus_file("2021-郑州")
PASSWORD = "审核台的密码-2024"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk-web")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, corpus / path.name)
    assert not build_index([corpus], root / "ix").failed
    url = f"sqlite:///{root / 'review.sqlite'}"
    engine = open_database(url)
    add_user(engine, "管理员", PASSWORD, "admin")
    add_user(engine, "张三", PASSWORD, "reviewer")
    config = {"INDEX_DIR": str(root / "ix"), "DATABASE_URL": url, "UPLOAD_DIR": str(root / "uploads"), "TESTING": True}
    return root, create_app(config)


@pytest.fixture
def app(setup):
    return setup[1]


def token(client) -> str:
    """The session's CSRF token, as a form on any page carries it."""
    page = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def login(client, name: str = "张三", password: str = PASSWORD, next_: str = ""):
    query = {"next": next_} if next_ else {}
    return client.post(
        "/login", query_string=query, data={"name": name, "password": password, "csrf_token": token(client)}
    )


@pytest.fixture
def reviewer(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def admin(app):
    client = app.test_client()
    assert login(client, "管理员").status_code == 302
    return client


def report_id(client, agency: str = "郑州经济技术开发区管委会", year: int = 2021) -> str:
    rows = client.get("/api/review", query_string={"year": year}).get_json()["rows"]
    (row,) = [r for r in rows if r["name"] == agency]
    return row["reports"][0]["id"]


def test_reading_stays_open_and_the_desk_needs_a_login(app):
    client = app.test_client()
    assert client.get("/").status_code == 200
    page = client.get("/review?year=2021")
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    answer = client.get("/api/review")
    assert answer.status_code == 401 and answer.get_json() == {"error": "请先登录"}
    assert client.get("/review.xlsx").status_code == 302


def test_every_write_needs_a_login_and_a_token(app):
    client = app.test_client()
    logged_in = app.test_client()
    assert login(logged_in).status_code == 302
    rid = report_id(logged_in)
    writes = [
        f"/review/reports/{rid}/findings/0000",
        f"/review/reports/{rid}/cells/applications.new.total",
        f"/api/review/reports/{rid}/findings/0000",
        "/review/roster",
        "/review/upload",
        "/logout",
        "/admin/users",
    ]
    for url in writes:
        assert client.post(url, data={"csrf_token": token(client)}).status_code == 401, url
        refused = client.post(url)
        assert refused.status_code == 400 and "安全令牌" in refused.text, url
        assert logged_in.post(url).status_code == 400, url  # logged in, but no token: still refused
    page = logged_in.post("/review/roster", data={"csrf_token": "forged"})
    assert page.status_code == 400 and "Traceback" not in page.text


def test_login_names_no_account_and_is_rate_limited(setup, tmp_path):
    _, app = setup
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"  # a database of its own: its failures lock out no other test
    add_user(open_database(url), "管理员", PASSWORD, "admin")
    add_user(open_database(url), "张三", PASSWORD, "reviewer")
    app = create_app(dict(app.config) | {"DATABASE_URL": url})
    client = app.test_client()
    failed = login(client, "张三", "not the password")
    assert failed.status_code == 401 and "账号或密码不正确" in failed.text
    assert login(client, "无此人", "x" * 10).status_code == 401
    # someone else's next= is never followed; a path of this site is
    assert login(client, next_="//evil.example/x").headers["Location"] == "/review"
    assert login(client, next_="https://evil.example/").headers["Location"] == "/review"
    assert login(client, next_="/review?year=2020").headers["Location"] == "/review?year=2020"
    other = app.test_client()
    for _ in range(MAX_FAILURES):
        login(other, "管理员", "wrong password")
    blocked = login(other, "管理员", PASSWORD)  # the right password, too late
    assert blocked.status_code == 401 and "分钟后再试" in blocked.text


def test_a_verdict_with_its_history_and_a_stale_one_refused(reviewer):
    rid = report_id(reviewer)
    data = reviewer.get(f"/api/review/reports/{rid}").get_json()
    (finding,) = [f for f in data["findings"] if "未收到申请" in f["rule_name"]]
    url = f"/review/reports/{rid}/findings/{finding['key']}"
    seen = finding["seq"]
    refused = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": seen, "decision": "dismissed"})
    assert refused.status_code == 303 and "写明理由" in reviewer.get(f"/review/reports/{rid}").text  # said once
    done = reviewer.post(
        url,
        data={"csrf_token": token(reviewer), "seen": seen, "decision": "confirmed", "note": "正文与表三矛盾",
              "responsible": "管委会办公室"},
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["Location"].endswith(f"#f-{finding['key']}")
    now = next(
        f for f in reviewer.get(f"/api/review/reports/{rid}").get_json()["findings"] if f["key"] == finding["key"]
    )
    assert now["decision_name"] == "确认" and now["status_name"] == "待整改" and now["responsible"] == "管委会办公室"
    assert [(h["user"], h["note"]) for h in now["history"]] == [("张三", "正文与表三矛盾")]
    # the time kept is UTC; a person reads Beijing time
    at = datetime.fromisoformat(now["history"][0]["at"])
    shown = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(timezone(timedelta(hours=8)))
    assert f"{shown:%Y-%m-%d %H:%M} 张三" in reviewer.get(f"/review/reports/{rid}").text
    # another reviewer's page, opened before that change, cannot overwrite it
    stale = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": seen, "decision": "dismissed", "note": "x"})
    assert stale.status_code == 303
    page = reviewer.get(f"/review/reports/{rid}").text
    assert "已被张三" in page and "正文与表三矛盾" in page
    api = reviewer.post(
        f"/api/review/reports/{rid}/findings/{finding['key']}",
        data={"seen": now["seq"], "status": "fixed"},
        headers={"X-CSRF-Token": token(reviewer)},
    )
    assert api.status_code == 200 and api.get_json() == {"message": "已保存审核意见"}
    conflict = reviewer.post(
        f"/api/review/reports/{rid}/findings/{finding['key']}",
        data={"seen": now["seq"], "status": "passed"},
        headers={"X-CSRF-Token": token(reviewer)},
    )
    assert conflict.status_code == 409 and "已被张三" in conflict.get_json()["error"]
    desk = reviewer.get("/api/review", query_string={"year": 2021}).get_json()
    assert desk["totals"]["statuses"]["fixed"] == 1 and desk["totals"]["decisions"]["confirmed"] == 1
    notice = Document(io.BytesIO(reviewer.get("/review.docx?year=2021").data))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "郑州经济技术开发区管委会" in text and "审核意见：正文与表三矛盾" in text and "已整改" in text


def test_a_corrected_figure_is_marked_everywhere_and_audited_again(reviewer, app):
    rid = report_id(reviewer)
    key = "applications.granted.total"  # printed 20, of 20 answered: corrected to 18, table three no longer adds up
    before = reviewer.get(f"/api/review/reports/{rid}").get_json()
    assert not [f for f in before["findings"] if f["family"] == "report" and f["severity"] == "error"]
    form = reviewer.get(f"/review/reports/{rid}?cell={key}")
    assert form.status_code == 200 and "依据" in form.text
    url = f"/review/reports/{rid}/cells/{key}"
    empty = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": 0, "value": "18"})
    assert empty.status_code == 303  # no 依据: refused, said on the page
    assert "依据" in reviewer.get(f"/review/reports/{rid}").text
    assert not reviewer.get(f"/api/review/reports/{rid}").get_json()["corrected"]
    done = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": 0, "value": "18", "origin": "unit",
                                    "note": "单位来函：予以公开为 18 件"})  # fmt: skip
    assert done.status_code == 303
    after = reviewer.get(f"/api/review/reports/{rid}").get_json()
    assert after["corrected"][key]["value"] == "18" and after["corrected"][key]["original"] == "20"
    errors = [f for f in after["findings"] if f["family"] == "report" and f["severity"] == "error"]
    assert errors and any("18" in f["message"] for f in errors)
    # the public pages and exports show the corrected number, marked, with the original beside it
    anyone = app.test_client()
    page = anyone.get(f"/reports/{rid}").text
    assert "更正" in page and "单位来函" in page
    figures = anyone.get("/api/figures", query_string={"fig": key, "agency": "郑州经济技术开发区管委会"}).get_json()
    (row,) = [r for r in figures["rows"] if r["report_id"] == rid]
    assert row["values"] == [18] and row["corrected"] == [True]
    lines = list(csv.reader(io.StringIO(anyone.get("/figures.csv", query_string={"fig": key}).text)))
    (line,) = [x for x in lines if rid in x[0]]
    assert line[4] == "18" and line[5].startswith("更正（原读为 ") and line[5] != "更正（原读为 18）"
    audit = anyone.get("/api/audit").get_json()["reports"]
    (row,) = [r for r in audit if r["report_id"] == rid]
    assert any(f["severity"] == "error" and "18" in f["message"] for f in row["findings"])
    # withdrawn: the printed number again, the error gone
    history = after["corrections"][key]
    back = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": history[-1]["seq"], "withdraw": "1",
                                    "note": "撤销"})  # fmt: skip
    assert back.status_code == 303
    again = reviewer.get(f"/api/review/reports/{rid}").get_json()
    assert not again["corrected"] and len(again["corrections"][key]) == 2
    withdrawal, made = again["corrections"][key][-1], again["corrections"][key][0]
    assert withdrawal["value"] is None and withdrawal["origin_name"] == made["origin_name"]  # not the form's default
    assert not [f for f in again["findings"] if f["family"] == "report" and f["severity"] == "error"]


def test_the_roster_is_an_administrators(reviewer, admin):
    example = (ROOT / "docs" / "roster-example.csv").read_bytes()
    refused = reviewer.post(
        "/review/roster", data={"csrf_token": token(reviewer), "file": (io.BytesIO(example), "roster.csv")}
    )
    assert refused.status_code == 403 and "管理员" in refused.text
    bad = admin.post(
        "/review/roster",
        data={"csrf_token": token(admin), "file": (io.BytesIO("地区\n河南\n".encode()), "bad.csv")},
        follow_redirects=True,
    )
    assert "单位名称" in bad.text  # the column it lacks, named
    done = admin.post(
        "/review/roster",
        data={"csrf_token": token(admin), "file": (io.BytesIO(example.decode().encode("gb18030")), "名单.csv")},
        follow_redirects=True,
    )
    assert "名单已导入：新增 5" in done.text
    table = admin.get("/api/review", query_string={"year": 2021}).get_json()
    assert table["from_roster"] and table["units"] == 5
    by_name = {r["name"]: r for r in table["rows"]}
    assert by_name["郑州经济技术开发区管委会"]["filed"] and not by_name["郑州市金水区人民政府"]["filed"]
    unfiled = admin.get("/api/review", query_string={"year": 2021, "show": "unfiled"}).get_json()["rows"]
    assert {r["name"] for r in unfiled} == {n for n, r in by_name.items() if not r["filed"]}
    back = list(csv.reader(io.StringIO(admin.get("/review/roster.csv").text.lstrip("\ufeff"))))
    assert back[0] == ["单位名称", "上级单位", "地区", "层级", "类型", "汇总下级"] and len(back) == 6
    # the exports of the desk, read back
    book = load_workbook(io.BytesIO(admin.get("/review.xlsx?year=2021").data))
    names = [row[0] for row in list(book["汇总"].values)[1:]]
    assert sorted(names) == sorted(by_name)
    notice = Document(io.BytesIO(admin.get("/review.docx?year=2021&office=某市政务公开办公室").data))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "某市政务公开办公室" in text and "库中未找到年度报告的单位" in text
    assert admin.get("/review.csv?year=2021").text.lstrip("\ufeff").startswith("单位,地区")
    log = admin.get("/admin/log").text
    assert "名单" in log and "张三" in log
    assert "@" not in log and "#" not in log  # what a write was made to, in words: never a slot or a key
    assert reviewer.get("/admin/log").status_code == 403


def bomb() -> bytes:
    """A .docx whose document.xml unzips to 300 MB of the same byte (a few hundred KB zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                part.write(chunk)
    return out.getvalue()


def upload(client, data: bytes, name: str, mode: str = "check"):
    return client.post(
        "/review/upload", data={"csrf_token": token(client), "mode": mode, "file": (io.BytesIO(data), name)}
    )


def test_uploads_checked_only_and_stored(reviewer, setup):
    root, _ = setup
    uploads = root / "uploads"
    text = (
        SEED.read_text(encoding="utf-8").replace("郑州经济技术开发区管委会", "某县交通运输局").replace("2021", "2023")
    )
    checked = upload(reviewer, text.encode(), "草稿.txt")
    assert checked.status_code == 200 and "某县交通运输局 2023 年度报告" in checked.text and "未保存" in checked.text
    assert "正文称未收到申请" in checked.text  # its findings, in seconds, before it is published
    assert not uploads.exists() or not any(uploads.iterdir())
    assert "某县交通运输局" not in reviewer.get("/api/review", query_string={"year": 2023}).text
    # a real PDF sent under a name that is a path: kept under a safe name in the uploads folder only
    pdf = PDF_FILES[0].read_bytes()
    stored = upload(reviewer, pdf, "../x.pdf", "store")
    assert stored.status_code == 303 and "/review/reports/" in stored.headers["Location"]
    (kept,) = uploads.iterdir()
    assert kept.suffix == ".pdf" and ".." not in kept.name and kept.name.endswith("-x.pdf")
    assert not (root / "x.pdf").exists()
    page = reviewer.get(stored.headers["Location"])
    assert page.status_code == 200 and "洪泽区" in page.text
    assert "淮安市洪泽区人民政府" in reviewer.get("/api/review", query_string={"year": 2024}).text
    again = upload(reviewer, pdf, "洪泽.pdf", "store")  # the same file again: in the index already, once
    assert again.status_code == 200 and "此文件已在库中" in again.text
    assert len(list(uploads.iterdir())) == 1


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"", "empty.pdf", "文件是空的"),
        (b"PK\x03\x04" + b"\x00" * 100, "x.docx", "不是 Word 文档"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "report.pdf", "不支持的文件类型"),
        (b"%PDF-1.4\n%%EOF\n" + b"garbage" * 100, "a.pdf", "PDF"),
        (b"Hello, this is not a report at all.", "a.txt", "中文"),
        # a web page of news: Chinese text, but no part of the format and no table
        (
            (
                "<html><body><h1>区政府召开常务会议</h1><p>"
                + "会议研究部署了下一阶段重点工作。" * 30
                + "</p></body></html>"
            ).encode(),
            "news.html",
            "没有找到年度报告的内容",
        ),
    ],
)
def test_bad_uploads_are_refused_in_chinese(reviewer, setup, data, name, said):
    refused = upload(reviewer, data, name, "store")
    assert refused.status_code == 400 and said in refused.text
    assert "Traceback" not in refused.text and str(setup[0]) not in refused.text
    uploads = setup[0] / "uploads"
    assert not any(p.name.endswith(name) for p in (uploads.iterdir() if uploads.exists() else []))


def test_a_zip_bomb_a_script_and_a_file_too_large(reviewer, setup):
    root, _ = setup
    before = sorted((root / "uploads").iterdir()) if (root / "uploads").exists() else []
    refused = upload(reviewer, bomb(), "bomb.docx", "store")
    assert refused.status_code == 400 and "处理上限" in refused.text
    hostile = (
        "<html><body><h1>某局2023年政府信息公开工作年度报告</h1><script>window.xssFired = 1</script>"
        '<p>一、总体情况</p><p><img src=x onerror="window.xssFired=1">本年度主动公开信息。</p>'
        "<p>五、存在的主要问题及改进情况</p><p>人员不足<script>alert(1)</script>。</p></body></html>"
    )
    page = upload(reviewer, hostile.encode(), "x.html")
    assert page.status_code == 200 and "<script>window.xssFired" not in page.text and "<img src=x" not in page.text
    # 200 MB (the server in front refuses it unread, tests/test_hardening.py; the app, too, behind another)
    form = (
        (
            f'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token(reviewer)}\r\n'
            '--b\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\n\r\n%PDF-1.4\n'
        ).encode()
        + b"0" * (200 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    huge = reviewer.post("/review/upload", data=form, content_type="multipart/form-data; boundary=b")
    assert huge.status_code == 413 and "文件过大" in huge.text
    after = sorted((root / "uploads").iterdir()) if (root / "uploads").exists() else []
    assert after == before
    assert reviewer.get("/").status_code == 200 and reviewer.get("/api/review").status_code == 200


def test_a_private_server_asks_a_login_for_everything(setup):
    _, app = setup
    private = create_app(dict(app.config) | {"LOGIN_REQUIRED": True})
    client = private.test_client()
    home = client.get("/")
    assert home.status_code == 302 and "/login" in home.headers["Location"]
    assert client.get("/api/search?q=公开").status_code == 401
    assert client.get("/login").status_code == 200
    assert login(client).status_code == 302 and client.get("/").status_code == 200


def test_the_same_desk_on_sqlite_and_postgresql(setup, database_url):
    _, app = setup
    add_user(open_database(database_url), "李四", PASSWORD, "reviewer")
    client = create_app(dict(app.config) | {"DATABASE_URL": database_url}).test_client()
    assert login(client, "李四").status_code == 302
    rid = report_id(client)
    data = client.get(f"/api/review/reports/{rid}").get_json()
    (finding,) = [f for f in data["findings"] if "未收到申请" in f["rule_name"]]
    headers = {"X-CSRF-Token": token(client)}
    done = client.post(
        f"/api/review/reports/{rid}/findings/{finding['key']}",
        data={"seen": 0, "decision": "dismissed", "note": "正文所称为依申请公开以外的渠道"},
        headers=headers,
    )
    assert done.status_code == 200
    fixed = client.post(
        f"/api/review/reports/{rid}/cells/applications.new.total",
        data={"seen": 0, "value": "", "note": "报告第 3 页此格印为空白"},
        headers=headers,
    )
    assert fixed.status_code == 200
    after = client.get(f"/api/review/reports/{rid}").get_json()
    assert after["corrected"]["applications.new.total"]["value"] == ""  # a blank, kept blank, never 0
    # with 本年新收 blank the text no longer contradicts the table: the dismissed finding is gone, and its
    # verdict is listed to be looked at again, never silently dropped
    assert finding["key"] not in {f["key"] for f in after["findings"]}
    (stale,) = after["stale"]
    assert stale["key"] == finding["key"] and stale["decision_name"] == "不予采纳" and stale["user"] == "李四"


def test_the_desk_page_says_when_a_report_was_published_and_how_much_it_shares(reviewer, setup):
    from search import derived

    root, _ = setup
    derived.run(root / "ix")  # the audit's comparison of copied text, as the server's job runs it
    page = reviewer.get("/review?year=2022").text
    assert "审核此报告" in page and "Traceback" not in page
    rows = reviewer.get("/api/review", query_string={"year": 2022}).get_json()["rows"]
    copied = [r["copied"] for row in rows for r in row["reports"] if r["copied"]]
    assert copied  # 郑东新区科技人才局 2022 shares a sentence with another agency's report
    for c in copied:
        assert f"正文约 {c['share'] * 100:.0f}% 与其他机关的报告相同" in page


def test_a_report_outside_the_roster_is_merged_into_its_unit(tmp_path):
    """The roster prints a unit with a city before it the report's name lacks (郑州市郑东新区科技人才局 /
    郑东新区科技人才局): the report is listed outside the roster, and an administrator merges it into the
    unit from the desk — a reviewer cannot, a name not in the roster is refused, and the merge is logged."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(corpus_file("2022-郑东"), corpus / "zd.txt")
    assert not build_index([corpus], tmp_path / "ix").failed
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    engine = open_database(url)
    add_user(engine, "管理员", PASSWORD, "admin")
    add_user(engine, "张三", PASSWORD, "reviewer")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "DATABASE_URL": url, "TESTING": True})
    admin, reviewer = app.test_client(), app.test_client()
    assert login(admin, "管理员").status_code == 302 and login(reviewer).status_code == 302
    roster = "单位名称,地区\n郑州市郑东新区科技人才局,河南省郑州市\n".encode()
    admin.post("/review/roster", data={"csrf_token": token(admin), "file": (io.BytesIO(roster), "r.csv")})
    before = admin.get("/api/review", query_string={"year": 2022}).get_json()
    (other,) = before["others"]
    assert not before["rows"][0]["filed"] and other["agency"] == "郑东新区科技人才局"
    page = admin.get("/review", query_string={"year": 2022}).text
    assert 'action="/review/merge"' in page and '<option value="郑州市郑东新区科技人才局">' in page
    assert 'action="/review/merge"' not in reviewer.get("/review", query_string={"year": 2022}).text
    form = {"name": other["agency"], "into": "郑州市郑东新区科技人才局", "year": "2022"}
    assert reviewer.post("/review/merge", data=form | {"csrf_token": token(reviewer)}).status_code == 403
    assert admin.post("/review/merge", data=form).status_code == 400  # no CSRF token
    wrong = admin.post("/review/merge", data=form | {"into": "某局", "csrf_token": token(admin)}, follow_redirects=True)
    assert "不是名单中的单位" in wrong.text
    done = admin.post("/review/merge", data=form | {"csrf_token": token(admin)}, follow_redirects=True)
    assert "已将“郑东新区科技人才局”并入名单中的“郑州市郑东新区科技人才局”" in done.text
    after = admin.get("/api/review", query_string={"year": 2022}).get_json()
    assert after["rows"][0]["filed"] and not after["others"]
    log = admin.get("/admin/log").text
    assert "并入名单单位" in log and "并入：郑州市郑东新区科技人才局" in log


def test_what_was_typed_into_a_refused_form_comes_back(reviewer):
    """A refused verdict or correction returns to its form with what was typed in it (once), the correction's
    form open on its cell."""
    rid = report_id(reviewer)
    data = reviewer.get(f"/api/review/reports/{rid}").get_json()
    finding = next(f for f in data["findings"] if f["decidable"])
    url = f"/review/reports/{rid}/findings/{finding['key']}"
    typed = {"seen": finding["seq"], "decision": "confirmed", "responsible": "县" * 300,
             "note": "这是一段很长的审核说明，被拒后不应丢失"}  # fmt: skip
    refused = reviewer.post(url, data=typed | {"csrf_token": token(reviewer)}, follow_redirects=True)
    assert "责任单位名称过长" in refused.text and "这是一段很长的审核说明，被拒后不应丢失</textarea>" in refused.text
    assert 'value="' + "县" * 300 + '"' in refused.text and '<option value="confirmed" selected>' in refused.text
    assert "被拒后不应丢失</textarea>" not in reviewer.get(f"/review/reports/{rid}").text  # once
    key = "applications.new.total"
    cell = {"seen": 0, "value": "十八", "origin": "unit", "note": "第3页印为18"}
    back = reviewer.post(f"/review/reports/{rid}/cells/{key}", data=cell | {"csrf_token": token(reviewer)})
    assert back.status_code == 303 and f"cell={key}" in back.headers["Location"]
    page = reviewer.get(back.headers["Location"]).text
    assert 'value="十八"' in page and "第3页印为18</textarea>" in page and '<option value="unit" selected>' in page


def test_a_roster_that_removes_units_is_imported_when_confirmed(tmp_path):
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    add_user(open_database(url), "管理员", PASSWORD, "admin")
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("dev", "pdf"))
    assert not build_index([tmp_path / "corpus"], tmp_path / "ix").failed
    admin = create_app({"INDEX_DIR": str(tmp_path / "ix"), "DATABASE_URL": url, "TESTING": True}).test_client()
    assert login(admin, "管理员").status_code == 302

    def send(text: str):
        file = (io.BytesIO(text.encode()), "名单.csv")
        return admin.post("/review/roster", data={"csrf_token": token(admin), "file": file}, follow_redirects=True)

    def names() -> list[str]:
        rows = csv.DictReader(io.StringIO(admin.get("/review/roster.csv").text.lstrip("\ufeff")))
        return [row["单位名称"] for row in rows]

    assert "新增 2" in send("单位名称\n某县教育局\n某县财政局\n").text
    asked = send("单位名称\n某县教育局\n某县民政局\n")
    assert "将从名单中移除以下 1 个单位：</strong>某县财政局" in asked.text and "确认导入" in asked.text
    assert names() == ["某县教育局", "某县财政局"]  # nothing changed yet
    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', asked.text, re.S).group(1)
    done = admin.post("/review/roster", data={"csrf_token": token(admin), "confirm": "1", "name": "名单.csv",
                                               "text": html.unescape(text)}, follow_redirects=True)  # fmt: skip
    assert "新增 1、更新 0、移除 1" in done.text and "某县民政局" in done.text and "某县财政局" not in done.text
    assert "移除的单位：某县财政局" in admin.get("/admin/log").text  # which, not only how many
    # the desk opens on the latest year a unit of the roster has a report for (the library's, when none has)
    assert admin.get("/api/review").get_json()["year"] == 2022
    only = "单位名称\n郑州经济技术开发区管委会\n"
    admin.post("/review/roster", data={"csrf_token": token(admin), "confirm": "1", "name": "n.csv", "text": only})
    assert names() == ["郑州经济技术开发区管委会"] and admin.get("/api/review").get_json()["year"] == 2021


def test_an_empty_number_box_is_no_blank_unless_said(reviewer):
    """On the page an empty box is refused (said, the form kept); the cell is made blank only by ticking
    改为空白."""
    rid = report_id(reviewer)
    key = "review.total"
    url = f"/review/reports/{rid}/cells/{key}"
    seen = reviewer.get(f"/api/review/reports/{rid}").get_json()["corrections"].get(key, [{"seq": 0}])[-1]["seq"]
    empty = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": seen, "value": " ", "note": "核对原文"})
    page = reviewer.get(empty.headers["Location"]).text
    assert "请勾选“改为空白”" in page and "核对原文</textarea>" in page
    # the refusal is said beside the form it is about (the page opens there), not only at its top
    form = page[page.index('id="c-review.total"') :]
    assert form.index("请勾选“改为空白”") < form.index("<form")
    assert key not in reviewer.get(f"/api/review/reports/{rid}").get_json()["corrected"]
    blank = reviewer.post(url, data={"csrf_token": token(reviewer), "seen": seen, "value": "", "blank": "1",
                                     "note": "报告此格未填"})  # fmt: skip
    assert blank.status_code == 303
    assert reviewer.get(f"/api/review/reports/{rid}").get_json()["corrected"][key]["value"] == ""
