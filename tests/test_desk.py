"""The desk on real reports: every unit with its report or 未发布, the checks that need the roster or the
corpus's dates (R1, R2), part 五 copied from last year (X3), and the 问题清单 and 通报 read back."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from index.build import build_index
from index.reader import parse_file
from review.corrections import correct
from review.db import open_database
from review.desk import Desk, desk_table, finding_by_key, findings_of, report_review
from review.notice import desk_notice
from review.roster import import_roster, read_roster
from review.verdicts import change
from review.workbook import desk_workbook
from search import derived
from search.compare import year_checks
from search.engine import SearchIndex

from .conftest import DEV_CORPUS, corpus_file

SEED = corpus_file("2021-郑州")  # a department's 2021 report, 20 applications, 1 review


def variant(folder, name: str, agency: str, year: int, text: str | None = None) -> None:
    """The seed report as another agency's report of another year (a real report's text, its table three)."""
    text = text or SEED.read_text(encoding="utf-8")
    text = text.replace("郑州经济技术开发区管委会", agency).replace("2021", str(year))
    (folder / name).write_text(text, encoding="utf-8")


def desk_on(tmp_path, folder) -> Desk:
    summary = build_index([folder], tmp_path / "ix")
    assert not summary.failed, summary.failed
    return Desk(SearchIndex.open(tmp_path / "ix"), open_database(f"sqlite:///{tmp_path / 'review.sqlite'}"))


@pytest.fixture(scope="module")
def desk(built_index, tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('desk') / 'review.sqlite'}")
    return Desk(built_index, engine)


def row_of(table: dict, name: str) -> dict:
    (row,) = [r for r in table["rows"] if r["name"] == name]
    return row


def test_without_a_roster_every_agency_of_the_year_or_the_one_before_is_listed(desk):
    table = desk_table(desk, "", 2021)
    assert not table["from_roster"]
    names = {r["name"] for r in table["rows"]}
    assert "郑州经济技术开发区管委会" in names and "平潭综合实验区" in names
    jinshui = row_of(table, "金水区工业和信息化局")  # a 2020 report, none for 2021
    assert not jinshui["filed"] and jinshui["reports"] == []
    zz = row_of(table, "郑州经济技术开发区管委会")
    assert zz["filed"] and table["filed"] + table["unfiled"] == table["units"] == len(table["rows"])
    (report,) = zz["reports"]
    _, review = report_review(desk, report["id"])
    assert report["counts"] == review["counts"]
    assert zz["open"] == sum(1 for f in review["findings"] if f["decidable"])
    # the region narrows to the agencies whose name or area holds it
    assert {r["name"] for r in desk_table(desk, "河南", 2021)["rows"]} >= {"郑州经济技术开发区管委会"}
    assert "平潭综合实验区" not in {r["name"] for r in desk_table(desk, "河南", 2021)["rows"]}


@pytest.mark.skipif(not (DEV_CORPUS / "dev-0019.txt").exists(), reason="the development corpus is not bundled")
def test_part5_copied_from_last_year_is_named_on_a_real_pair(desk):
    # 平潭综合实验区 printed in 2013 the problems and plans of its 2012 report, nearly word for word
    old, new = parse_file(DEV_CORPUS / "dev-0020.txt"), parse_file(DEV_CORPUS / "dev-0019.txt")
    (x3,) = [f for f in year_checks(old, new, same_agency=True) if f.rule == "X3"]
    assert "与 2012 年报告相同" in x3.message and "兼职" in x3.message and x3.found >= 0.5
    # at the desk the 2013 report carries it; no other report of the bundled corpus is flagged
    flagged = set()
    for meta in desk.metas:
        report = desk.report(meta["id"])
        if any(f.rule == "X3" for f in findings_of(desk, report)):
            flagged.add((report.agency, report.year))
    assert flagged == {("平潭综合实验区", 2013)}


def test_part5_copied_from_last_year_on_crafted_variants(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    variant(folder, "a.txt", "某县市场监督管理局", 2021)
    old = parse_file(folder / "a.txt")
    variant(folder, "b.txt", "某县市场监督管理局", 2022)
    copied = parse_file(folder / "b.txt")
    (x3,) = [f for f in year_checks(old, copied, same_agency=True) if f.rule == "X3"]
    assert "与 2021 年报告相同" in x3.message and "信息公开种类相对单一" in x3.message
    assert not [f for f in year_checks(old, copied, same_agency=False) if f.rule == "X3"]  # two agencies
    # part 五 rewritten (the headings the format prescribes stay the same every year): nothing to say
    text = SEED.read_text(encoding="utf-8")
    head, _, _ = text.partition("五、存在的主要问题及改进情况")
    tail = text[text.index("六、其他需要报告的事项") :]
    fresh = (
        head + "五、存在的主要问题及改进情况\n一是政务新媒体更新不及时，部分栏目长期未更新；\n"
        "二是依申请公开答复文书格式不统一，答复期限把握不准确；\n三是基层工作人员业务培训不足，人员流动较大。\n"
        "下一步，我们将建立栏目更新台账，每月检查一次，统一答复文书模板。\n" + tail
    )
    variant(folder, "c.txt", "某县市场监督管理局", 2022, fresh)
    assert not [f for f in year_checks(old, parse_file(folder / "c.txt"), same_agency=True) if f.rule == "X3"]


def test_a_late_report_is_named_only_where_a_date_is_known(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    variant(folder, "late.txt", "某县教育局", 2023)
    variant(folder, "ontime.txt", "某县卫生健康委员会", 2023)
    variant(folder, "unknown.txt", "某县民政局", 2023)
    (folder / "MANIFEST.tsv").write_text(
        "file\tagency\tpublished\nlate.txt\t某县教育局\t2024-02-15\nontime.txt\t某县卫生健康委员会\t2024-01-31\n"
        "unknown.txt\t某县民政局\t2024-02-30\n",  # a day that does not exist is not used
        encoding="utf-8",
    )
    # a web page's own 发布时间 line, with no manifest row
    page = SEED.read_text(encoding="utf-8").replace("郑州经济技术开发区管委会", "某县财政局").replace("2021", "2023")
    (folder / "page.html").write_text(
        "<html><body><div>发布时间：2024-03-02 09:30 来源：县财政局</div><pre>" + page + "</pre></body></html>",
        encoding="utf-8",
    )
    desk = desk_on(tmp_path, folder)
    table = desk_table(desk, "", 2023)
    late = row_of(table, "某县教育局")["reports"][0]
    assert late["published"] == "2024-02-15" and late["deadline"] == "2024-01-31"
    (r2,) = [f for f in late["findings"] if f["rule"] == "R2"]
    assert "晚 15 天" in r2["message"] and "语料清单" in r2["message"] and r2["label"] == "发布时间"
    for name in ("某县卫生健康委员会", "某县民政局"):
        assert not [f for f in row_of(table, name)["reports"][0]["findings"] if f["rule"] == "R2"], name
    assert row_of(table, "某县民政局")["reports"][0]["published"] is None
    paged = row_of(table, "某县财政局")["reports"][0]
    assert paged["published"] == "2024-03-02"
    assert [f["found"] for f in paged["findings"] if f["rule"] == "R2"] == [31]
    # a county government's deadline is 2月20日 (F2021 二(二)), given by the roster's level
    roster = "单位名称,层级,类型\n某县教育局,县级,人民政府\n"
    import_roster(desk.engine, read_roster(roster, desk.identity), "张三")
    desk = Desk(desk.index, desk.engine)
    assert row_of(desk_table(desk, "", 2023), "某县教育局")["reports"][0]["deadline"] == "2024-02-20"


def test_a_government_below_the_sum_of_its_units(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(corpus_file("2021-郑州"), folder / "zz.txt")
    hongze = next((SEED.parent / "pdf").glob("*.pdf"))  # 洪泽区人民政府 2024: 95 applications, 2 reviews
    shutil.copy(hongze, folder / hongze.name)
    for i, name in enumerate(("洪泽区教育局", "洪泽区民政局", "洪泽区财政局")):
        variant(folder, f"u{i}.txt", name, 2024)  # each: 20 applications, 1 review
    desk = desk_on(tmp_path, folder)
    roster = (
        "单位名称,上级单位,地区,层级,类型,汇总下级\n"
        "淮安市洪泽区人民政府,,江苏省淮安市洪泽区,县级,人民政府,是\n"
        + "".join(f"{n},淮安市洪泽区人民政府,江苏省淮安市洪泽区,部门,,否\n" for n in ("洪泽区教育局", "洪泽区民政局"))
        + "洪泽区财政局,淮安市洪泽区人民政府,江苏省淮安市洪泽区,部门,,否\n"
        "洪泽区水利局,淮安市洪泽区人民政府,江苏省淮安市洪泽区,部门,,否\n"
    )
    counts = import_roster(desk.engine, read_roster(roster, desk.identity), "张三", "roster.csv")
    assert counts["added"] == 5
    table = desk_table(desk, "洪泽", 2024)
    assert table["from_roster"] and table["units"] == 5 and table["unfiled"] == 1
    government = row_of(table, "淮安市洪泽区人民政府")["reports"][0]
    r1 = [f for f in government["findings"] if f["rule"] == "R1"]
    # three units (1 review, 1 lawsuit, 1 after review, 20 applications each) against the government's
    # 2 reviews, 1 lawsuit (said), 3 lawsuits after review and 95 applications (not: a sum may be more)
    by_place = {f["location"]: f for f in r1}
    assert set(by_place) == {"review.total", "litigation_direct.total", "units"}
    assert by_place["review.total"]["expected"] == 3 and by_place["review.total"]["found"] == 2
    assert "洪泽区水利局" in by_place["units"]["message"]
    # a report of a unit the roster does not name is listed beside the table, never lost
    assert [m["agency"] for m in desk_table(desk, "", 2024)["others"]] == []
    assert "郑州经济技术开发区管委会" in [m["agency"] for m in desk_table(desk, "", 2021)["others"]]


def test_the_exports_read_back(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    variant(folder, "a.txt", "某县市场监督管理局", 2021)
    variant(folder, "b.txt", "某县市场监督管理局", 2022)
    variant(folder, "c.txt", "某县自然资源局", 2021)  # none for 2022: 未发布
    desk = desk_on(tmp_path, folder)
    table = desk_table(desk, "", 2022)
    report_id = row_of(table, "某县市场监督管理局")["reports"][0]["id"]
    report, review = report_review(desk, report_id)
    (x3,) = [f for f in review["findings"] if f["rule"] == "X3"]
    finding = next(f for f in findings_of(desk, report) if f.rule == "X3")
    change(desk.engine, review["slot"], report, finding, user="张三", seen=0, decision="confirmed",
           note="第五部分与上年相同，须重写", responsible="县市场监管局办公室")  # fmt: skip
    correct(desk.engine, review["slot"], desk.raw(report_id), "review.total", "", user="张三", seen=0,
            origin="unit", note="单位来函：复议一栏应为空白")  # fmt: skip
    derived.run(Path(desk.index.folder))  # the audit's comparison of copied text, as the server's job runs it
    table = desk_table(Desk(desk.index, desk.engine), "", 2022)
    assert table["copies_status"] == "ready"

    book = load_workbook(io.BytesIO(desk_workbook(table)))
    assert book.sheetnames == ["汇总", "问题清单", "更正记录"]
    summary = list(book["汇总"].values)
    assert summary[0][:4] == ("单位", "地区", "层级", "是否发布") and book["汇总"].auto_filter.ref
    status = {row[0]: row[3] for row in summary[1:]}
    copied = {row[0]: row[summary[0].index("与他人文字雷同")] for row in summary[1:]}
    # its text is 某县自然资源局's 2021 report's, word for word (another agency, an earlier year)
    assert copied["某县自然资源局"] is None and copied["某县市场监督管理局"].startswith("100%")
    assert status == {"某县市场监督管理局": "已发布", "某县自然资源局": "未发布"}
    lines = list(book["问题清单"].values)
    header = lines[0]
    (row,) = [dict(zip(header, line, strict=True)) for line in lines[1:] if "年年雷同" in line[header.index("规则")]]
    assert row["审核意见"] == "确认" and row["审核说明"] == "第五部分与上年相同，须重写"
    assert row["责任单位"] == "县市场监管局办公室" and row["整改状态"] == "待整改" and row["审核人"] == "张三"
    assert row["位置"] == x3["label"] and row["报告编号"] == report_id
    # a text check's two numbers are the table's and the text's, not 应为/实为
    texts = [
        dict(zip(header, line, strict=True)) for line in lines[1:] if str(line[header.index("规则")]).startswith("正文")
    ]
    assert texts and all(t["应为"] is None and t["实为"] is None and t["表格中"] is not None for t in texts)
    fixes = list(book["更正记录"].values)
    assert fixes[1][:8] == ("某县市场监督管理局", 2022, "b.txt", "行政复议·总计", 1, "空白", "单位提供",
                            "单位来函：复议一栏应为空白")  # fmt: skip

    document = Document(
        io.BytesIO(desk_notice(table, "某县政务公开办公室", "各乡镇人民政府，县直各单位", date(2026, 3, 2)))
    )
    text = "\n".join(p.text for p in document.paragraphs)
    # an official document: A4 with the national margins, 主送 under the title, 落款 and date at the end
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.top_margin.mm)) == (210, 297, 37)
    lines = [p.text for p in document.paragraphs if p.text]
    assert lines[-2:] == ["某县政务公开办公室", "2026年3月2日"]
    # findings not yet decided: the file says it is a draft, under the title, before the addressee
    assert (
        lines[1] == "（草稿：尚有 3 条审核发现待审核，审核完成后请重新导出）"
        and lines[2] == "各乡镇人民政府，县直各单位："
    )
    assert document.core_properties.author == "某县政务公开办公室"
    assert document.styles["Normal"].font.size.pt == 16 and "PAGE" in section.footer.paragraphs[0]._p.xml
    assert "关于" in text and "2022年度政府信息公开工作年度报告审核情况的通报" in text
    assert "某县政务公开办公室" in text and "库中未找到年度报告的单位：某县自然资源局" in text
    assert "某县市场监督管理局" in text and "审核意见：第五部分与上年相同，须重写" in text
    assert "某县市场监督管理局：报告正文有" in text and "与其他机关的报告相同或相近" in text
    grid = document.tables[0]
    assert grid.rows[0].cells[0].text == "单位" and grid.rows[1].cells[0].text == "某县市场监督管理局"
    cells = [c.text for c in grid.rows[1].cells]
    assert "20" in cells and "（空白）（更正）" in cells  # 20 new applications as printed; the review total corrected


def test_verdicts_survive_a_replaced_file(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    granted = "(一) 予以公开\t13\t4\t0\t0\t3\t0\t20"
    assert granted in text
    # first published with 予以公开 总计 misprinted 19: the row and the column no longer add up
    (folder / "r.txt").write_text(text.replace(granted, granted[:-2] + "19"), encoding="utf-8")
    desk = desk_on(tmp_path, folder)
    (meta,) = desk.metas
    report, review = report_review(desk, meta["id"])
    decidable = [f for f in review["findings"] if f["decidable"]]
    assert len(decidable) >= 2 and any("未收到申请" in f["rule_name"] for f in decidable)
    for item in decidable:
        finding = finding_by_key(desk, report, item["key"])
        change(desk.engine, review["slot"], report, finding, user="张三", seen=0, decision="confirmed", note="确认")
    # the unit publishes a corrected file: the same agency and year, another file content
    (folder / "r.txt").write_text(text, encoding="utf-8")
    desk = desk_on(tmp_path, folder)
    (meta2,) = desk.metas
    assert meta2["id"] != meta["id"]
    _, again = report_review(desk, meta2["id"])
    (kept,) = [f for f in again["findings"] if f["decidable"]]
    assert "未收到申请" in kept["rule_name"] and kept["decision"] == "confirmed"  # unchanged: carried over
    assert [h["user"] for h in kept["history"]] == ["张三"]
    stale = again["stale"]  # the arithmetic findings the new file no longer has: to be looked at again
    assert len(stale) == len(decidable) - 1 and all(s["decision"] == "confirmed" for s in stale)
    assert all("19" in s["message"] for s in stale)


def test_the_share_of_other_outcomes_is_the_offices_to_set(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    variant(folder, "a.txt", "某县市场监督管理局", 2021)
    desk = desk_on(tmp_path, folder)
    (meta,) = desk.metas
    raw = desk.raw(meta["id"])
    # the unit says 3 of its 20 applications ended in 其他处理 (15%): below the default 20%, above 10%
    correct(desk.engine, desk.slot(raw), raw, "applications.other.other.total", "3", user="张三", seen=0,
            origin="unit", note="单位来函")  # fmt: skip
    report = desk.report(meta["id"])
    assert not [f for f in findings_of(desk, report) if f.rule == "P6"]
    strict = Desk(desk.index, desk.engine, other_threshold=0.1)
    (p6,) = [f for f in findings_of(strict, strict.report(meta["id"])) if f.rule == "P6"]
    assert "3 件" in p6.message and "15%" in p6.message and "10% 以上" in p6.message


def test_a_files_own_date_is_the_earliest_it_was_published(tmp_path):
    from datetime import datetime

    from docx import Document as NewDocument

    from index.reader.formats.dates import file_created, plausible
    from index.reader.parse import parse_bytes
    from review.checks import late, published_text

    # the published PDF says it was made on 2025-02-25, after a county government's 2月20日
    pdf = next((SEED.parent / "pdf").glob("*.pdf"))
    assert file_created(pdf.read_bytes(), ".pdf") == date(2025, 2, 25)
    report = parse_file(pdf)
    assert (report.published, report.published_from) == ("2025-02-25", "file")
    assert published_text(report) == "不早于 2025-02-25（文件生成日期）"
    (r2,) = late(report, None)
    assert "晚于县级人民政府的发布期限 2025年2月20日 5 天" in r2.message and "不可能在期限前发布" in r2.message

    def word(made: datetime) -> bytes:
        document = NewDocument()
        for line in SEED.read_text(encoding="utf-8").replace("2021", "2023").splitlines():
            document.add_paragraph(line)
        document.core_properties.created = made
        path = tmp_path / "r.docx"
        document.save(path)
        return path.read_bytes()

    # a department's Word file made on 2024-01-10: published then or later — which says nothing of lateness
    early = parse_bytes(word(datetime(2024, 1, 10, 9)), "r.docx", ".docx")
    assert early.published == "2024-01-10" and not late(early, None)
    made_late = parse_bytes(word(datetime(2024, 3, 1, 9)), "r.docx", ".docx")
    assert [f.found for f in late(made_late, None)] == [30]
    # a template's date (years before the report) or a clock set wrong is no date at all
    stale = parse_bytes(word(datetime(2016, 5, 1)), "r.docx", ".docx")
    assert stale.published is None and not late(stale, None)
    assert plausible(date(2030, 1, 1), 2023) is None and file_created(b"%PDF-1.4 broken", ".pdf") is None


def test_a_report_without_an_agency_is_listed_beside_the_table(desk):
    # 2020-工业园区（无标题）: no title, no agency read — it belongs to no unit, and is never dropped
    table = desk_table(desk, "", 2020)
    assert any(m["agency"] is None and "无标题" in (m["source"] or "") for m in table["others"])
    # the office settles it: listed in the workbook's 汇总; the 通报 that goes out to the units does not name it
    text = "\n".join(p.text for p in Document(io.BytesIO(desk_notice(table))).paragraphs)
    assert "未能对应" not in text and "无标题" not in text
    summary = list(load_workbook(io.BytesIO(desk_workbook(table)))["汇总"].values)
    (row,) = [r for r in summary if r[3] in ("名单外的报告", "机关不详的报告")]
    assert row[0] == "机关不详" and "无标题" in row[4]


def test_the_note_that_stands_is_never_a_return_no_longer_in_force(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    variant(folder, "a.txt", "某县市场监督管理局", 2021)
    desk = desk_on(tmp_path, folder)
    (meta,) = desk.metas
    report, review = report_review(desk, meta["id"])
    item = next(f for f in review["findings"] if f["decidable"])
    finding = finding_by_key(desk, report, item["key"])
    steps = [("confirmed", None, "正文与表三矛盾"), (None, "fixed", ""), (None, "returned", "重新发布仍写未收到申请"),
             (None, "fixed", ""), (None, "passed", "")]  # fmt: skip
    for seen, (decision, status, note) in enumerate(steps):
        change(desk.engine, review["slot"], report, finding, user="张三", seen=seen, decision=decision, status=status,
               note=note)  # fmt: skip
    _, review = report_review(desk, meta["id"])
    now = next(f for f in review["findings"] if f["key"] == item["key"])
    assert now["status_name"] == "复核通过" and now["note"] == "正文与表三矛盾"


def test_names_sort_in_pinyin_order():
    from review.desk import pinyin

    names = ["郑州市", "安阳市", "洛阳市", "开封市", "南阳市", "信阳市", "周口市"]
    assert sorted(names, key=pinyin) == ["安阳市", "开封市", "洛阳市", "南阳市", "信阳市", "郑州市", "周口市"]
    assert sorted(["张三", "李四", None], key=pinyin) == [None, "李四", "张三"]
