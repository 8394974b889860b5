"""The review database on SQLite and on a real PostgreSQL server: migrations, accounts, verdicts with
their history and conflicts, corrections laid over a real report, and the roster."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import insert

from index.reader import parse_file
from review.accounts import MAX_ADDRESS_FAILURES, MAX_FAILURES, add_user, authenticate, list_users, set_active
from review.corrections import apply, correct, history_of, in_force, parse_value
from review.db import open_database
from review.errors import Conflict, DatabaseError, Invalid, LoginFailed
from review.keys import finding_key, slot_of
from review.log import recent
from review.roster import decode, import_roster, load_roster, read_roster
from review.schema import VERSION, schema_version
from review.verdicts import change, verdicts_of
from search.identity import Identity

from .conftest import corpus_file

# 郑州经济技术开发区 2021: table 三 balanced (20 new, 20 answered), no arithmetic finding
SEED = corpus_file("2021-郑州")


@pytest.fixture
def engine(database_url):
    return open_database(database_url)


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_a_database_is_migrated_once_and_refuses_a_newer_schema(database_url):
    engine = open_database(database_url)
    again = open_database(database_url)  # a second process opening it finds every step done
    with again.connect() as conn:
        versions = [row[0] for row in conn.execute(schema_version.select())]
    assert versions == list(range(1, VERSION + 1))
    with engine.begin() as conn:
        conn.execute(insert(schema_version).values(version=VERSION + 1))
    with pytest.raises(DatabaseError, match="较新版本"):
        open_database(database_url)


def test_a_database_that_cannot_be_opened_is_said_in_chinese(tmp_path):
    folder = tmp_path / "not-a-file.sqlite"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="无法打开数据库"):
        open_database(f"sqlite:///{folder}")
    with pytest.raises(DatabaseError, match="数据库地址无法识别"):
        open_database("not a url")


def test_accounts(engine):
    add_user(engine, "reviewer1", "a long password", "reviewer")
    with pytest.raises(Invalid, match="已存在"):
        add_user(engine, "reviewer1", "another long one")
    with pytest.raises(Invalid, match="至少 10 个字符"):
        add_user(engine, "reviewer2", "short")
    with pytest.raises(Invalid, match="角色"):
        add_user(engine, "reviewer3", "a long password", "root")
    assert authenticate(engine, "reviewer1", "a long password").name == "reviewer1"
    with pytest.raises(LoginFailed, match="账号或密码不正确"):
        authenticate(engine, "reviewer1", "a wrong password")
    with pytest.raises(LoginFailed, match="账号或密码不正确"):
        authenticate(engine, "nobody", "a long password")
    set_active(engine, "reviewer1", False, by="admin")
    with pytest.raises(LoginFailed):
        authenticate(engine, "reviewer1", "a long password")
    stored = next(u for u in list_users(engine) if u.name == "reviewer1")
    assert not stored.active
    actions = [r["action"] for r in recent(engine)]
    assert actions.count("user.add") == 1 and "user.active" in actions and "login" in actions


def test_logins_are_rate_limited_per_name_and_per_address(engine):
    add_user(engine, "target", "the right password")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed, match="不正确"):
            authenticate(engine, "target", "guess", "10.0.0.1")
    with pytest.raises(LoginFailed, match="过多"):  # even the right password is not checked now
        authenticate(engine, "target", "the right password", "10.0.0.2")
    add_user(engine, "colleague", "another password")
    assert authenticate(engine, "colleague", "another password", "10.0.0.1").name == "colleague"  # one proxy
    for i in range(MAX_ADDRESS_FAILURES - MAX_FAILURES):  # many names guessed from one address
        with pytest.raises(LoginFailed, match="不正确"):
            authenticate(engine, f"name{i}", "guess", "10.0.0.1")
    with pytest.raises(LoginFailed, match="过多"):  # and the address is refused for every name
        authenticate(engine, "colleague", "another password", "10.0.0.1")


def test_a_verdict_moves_through_its_statuses_with_its_history(engine, seed):
    finding = _a_finding(seed)
    slot = slot_of(seed, Identity())
    v = change(engine, slot, seed, finding, user="甲", seen=0, decision="confirmed", note="属实")
    assert (v.latest.decision, v.latest.status, v.seq) == ("confirmed", "todo", 1)
    with pytest.raises(Invalid, match="不能从“待整改”改为“复核通过”"):
        change(engine, slot, seed, finding, user="甲", seen=1, status="passed")
    v = change(engine, slot, seed, finding, user="乙", seen=1, status="fixed", responsible="区政府办")
    with pytest.raises(Invalid, match="写明理由"):
        change(engine, slot, seed, finding, user="甲", seen=2, status="returned")
    v = change(engine, slot, seed, finding, user="甲", seen=2, status="returned", note="未见整改材料")
    v = change(engine, slot, seed, finding, user="乙", seen=3, status="fixed")
    v = change(engine, slot, seed, finding, user="甲", seen=4, status="passed")
    assert [(c.user, c.status) for c in v.history] == [
        ("甲", "todo"), ("乙", "fixed"), ("甲", "returned"), ("乙", "fixed"), ("甲", "passed"),
    ]  # fmt: skip
    assert v.latest.responsible == "区政府办"  # kept from the change that named it
    with pytest.raises(Invalid, match="写明理由"):
        change(engine, slot, seed, finding, user="甲", seen=5, decision="dismissed")
    v = change(engine, slot, seed, finding, user="甲", seen=5, decision="dismissed", note="误报")
    assert (v.latest.decision, v.latest.status) == ("dismissed", None)
    assert verdicts_of(engine, slot, seed.id)[finding_key(finding)].seq == 6


def test_two_reviewers_on_one_finding_never_lose_a_change(engine, seed):
    finding = _a_finding(seed)
    slot = slot_of(seed, Identity())
    change(engine, slot, seed, finding, user="甲", seen=0, decision="confirmed")
    # 乙 opened the page before 甲 saved: 乙's change names version 0 and is refused, nothing written
    with pytest.raises(Conflict, match="已被甲"):
        change(engine, slot, seed, finding, user="乙", seen=0, decision="dismissed", note="不同意")
    assert [c.user for c in verdicts_of(engine, slot, seed.id)[finding_key(finding)].history] == ["甲"]


def _race(url: str, source: str, user: str, start, results) -> None:
    engine = open_database(url)
    report = parse_file(source)
    finding = _a_finding(report)
    start.wait()
    try:
        change(engine, slot_of(report, Identity()), report, finding, user=user, seen=0, decision="confirmed")
        results.put("saved")
    except Conflict:
        results.put("conflict")


def test_processes_writing_at_once_each_save_or_are_told(database_url):
    """Four processes confirm one finding at the same moment: exactly one is saved, the others are told."""
    open_database(database_url)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(database_url, str(SEED), f"u{i}", start, results)) for i in range(4)]
    for p in procs:
        p.start()
    start.set()
    outcomes = sorted(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert outcomes == ["conflict", "conflict", "conflict", "saved"]


def _a_finding(report):
    from index.reader.report import Finding

    # the seed has no finding of its own: one an office would add by hand is still a finding to decide
    return report.findings[0] if report.findings else Finding("P4", "warning", "第五部分只有 12 字", "problems")


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [("21", "applications.new.total", "21"), (" 1,234 ", "applications.new.total", "1234"),
     ("", "applications.new.total", ""), ("空白", "review.total", ""),
     ("2766.7879", "art20.fees.amount", "2766.7879"), ("2766.78790", "art20.fees.amount", "2766.7879")],
)  # fmt: skip
def test_a_corrected_value_is_kept_as_written(text, key, value):
    assert parse_value(text, key) == value


@pytest.mark.parametrize(("text", "key"), [("1.5", "applications.new.total"), ("-3", "review.total"),
                                           ("abc", "review.total"), ("1e400", "art20.fees.amount")])  # fmt: skip
def test_a_value_that_is_no_count_is_refused(text, key):
    with pytest.raises(Invalid):
        parse_value(text, key)


def test_a_correction_is_laid_over_the_report_and_its_checks_run_again(engine, seed):
    slot = slot_of(seed, Identity())
    assert seed.figures["applications.new.total"] == 20 and not [f for f in seed.findings if f.rule == "E1"]
    version = correct(engine, slot, seed, "applications.new.total", "21", user="甲", seen=0, note="第3页印为21")
    corrected = apply(seed, in_force(history_of(engine, slot, seed.id)))
    assert corrected.figures["applications.new.total"] == 21 and seed.figures["applications.new.total"] == 20
    assert corrected.corrected["applications.new.total"]["original"] == "20"
    rules = {f.rule for f in corrected.findings}
    assert {"E1", "I1"} <= rules  # 21 new against 20 answered: the balance no longer holds
    # the text's own contradiction (未收到申请) is checked against the corrected number
    assert any(f.rule == "T2" and "21" in f.message for f in corrected.findings)
    with pytest.raises(Conflict):
        correct(engine, slot, seed, "applications.new.total", "22", user="乙", seen=0, note="x")
    with pytest.raises(Invalid, match="依据"):
        correct(engine, slot, seed, "applications.new.total", "22", user="乙", seen=version, note="")
    correct(engine, slot, seed, "applications.new.total", None, user="甲", seen=version, note="撤销")
    back = apply(seed, in_force(history_of(engine, slot, seed.id)))
    assert back is seed  # withdrawn: the reading stands again
    blank = correct(engine, slot, seed, "review.total", "", user="甲", seen=0, note="报告印为空白")
    assert blank == 1
    laid = apply(seed, in_force(history_of(engine, slot, seed.id)))
    assert "review.total" in laid.blank and "review.total" not in laid.figures


ROSTER = """单位名称,上级单位,地区,层级,类型,汇总下级
淮安市洪泽区人民政府,淮安市人民政府,,县级,,是
洪泽区教育局,淮安市洪泽区人民政府,,,,否
郑州经济技术开发区管委会,,,园区,,
"""


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_roster_imports_and_reimports(engine, encoding):
    units = read_roster(decode(ROSTER.encode(encoding), "名单.csv"), Identity(), "名单.csv")
    assert [u.name for u in units] == ["淮安市洪泽区人民政府", "洪泽区教育局", "郑州经济技术开发区管委会"]
    hongze, school, zone = units
    assert hongze.region == "江苏省淮安市洪泽区" and hongze.sums and hongze.is_government
    assert school.parent == hongze.key and school.level == "部门" and school.kind == "教育"
    assert zone.level == "园区" and not zone.sums
    assert import_roster(engine, units, "甲") == {"added": 3, "updated": 0, "removed": 0, "unchanged": 0}
    fewer = read_roster(decode(ROSTER.replace("否", "是").encode(encoding), "x"), Identity())[:2]
    assert import_roster(engine, fewer, "甲") == {"added": 0, "updated": 1, "removed": 1, "unchanged": 1}
    assert [u.name for u in load_roster(engine)] == ["淮安市洪泽区人民政府", "洪泽区教育局"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("名称x,地区\n甲,乙\n", "单位名称"), ("单位名称,层级\n洪泽区教育局,局级\n", "第 2 行：层级"),
     ("单位名称\n洪泽区教育局\n洪泽区教育局\n", "第 3 行"), ("单位名称,汇总下级\n洪泽区教育局,也许\n", "汇总下级"),
     ("", "为空")],
)  # fmt: skip
def test_a_bad_roster_changes_nothing_and_names_the_row(engine, text, message):
    with pytest.raises(Invalid, match=message):
        read_roster(text, Identity(), "名单.csv")
    assert load_roster(engine) == []


def test_a_roster_in_an_unknown_encoding_is_refused():
    with pytest.raises(Invalid, match="编码"):
        decode(b"\xff\xfe\x00\xd8" * 10, "名单.csv")


def test_a_finding_key_is_stable_and_a_changed_finding_has_another(seed):
    from index.reader.report import Finding

    a = Finding("E1", "error", "应为 20，实为 21", "applications.total.total", 20, 21)
    same = Finding("E1", "error", "应为 20，实为 21", "applications.total.total", 20, 21)
    other = Finding("E1", "error", "应为 20，实为 22", "applications.total.total", 20, 22)
    assert finding_key(a) == finding_key(same) != finding_key(other)
    assert slot_of(seed, Identity()) == f"{Identity().key(seed.agency)}@2021"
    assert slot_of(seed, Identity(), alone=False) == f"file:{seed.source}"


def test_the_log_names_what_a_write_was_made_to_in_words():
    from review.log import local_time, target_text

    said = target_text("江苏省淮安市洪泽区@2024#applications.new.total")
    assert said == "江苏省淮安市洪泽区 2024 年度报告 · 本年新收·总计"
    assert target_text("file:/data/uploads/a.pdf#0f3a9c2b1d4e5f60") == "文件 a.pdf"  # a finding: named in the details
    assert target_text("张三") == "张三"  # an account
    assert local_time("2026-12-05T16:30:00+00:00") == "2026-12-06 00:30"  # Beijing time, the next day
