"""Copied text: planted sentences are found, template wording is not, the work is not quadratic."""

from __future__ import annotations

from bench.synth import SyntheticCorpus
from index.reader.parse import parse_text
from search.copies import TEMPLATE_MIN_AGENCIES, find_copies

PLANTED = "本单位信息公开工作人员长期由办公室文秘兼任，专业能力难以满足日益增长的依申请公开办理需要。"
NEAR = "本单位信息公开工作人员长期由办公室文书兼任，专业能力难以满足不断增长的依申请公开办理需要。"


def reports_with(extra: dict[int, str], n: int = 12):
    corpus = SyntheticCorpus(seed=5)
    out = []
    for i in range(n):
        rep = corpus.report(i)
        text = rep.text.replace("\n\n下一步，", f"\n\n{extra[i]}\n\n下一步，", 1) if i in extra else rep.text
        out.append(parse_text(text, source=rep.name))
    return out


def copied_sentences(found, report):
    return {c["sentence"]: c for c in found[report.id]["sentences"] if c["section"] == "problems"}


def test_planted_sentence_found_identical_and_near():
    reports = reports_with({0: PLANTED, 1: PLANTED, 2: NEAR})
    assert len({r.agency for r in reports[:3]}) == 3
    assert [r.year for r in reports[:3]] == [2019, 2023, 2024]
    found = find_copies(reports)
    # the latest report copied from both earlier ones, the earliest named first; the earliest copied nothing
    near = copied_sentences(found, reports[2])[NEAR]
    assert near["kind"] == "near" and 0.7 <= near["similarity"] < 1
    assert [s["report_id"] for s in near["sources"]] == [reports[0].id, reports[1].id]
    second = copied_sentences(found, reports[1])[PLANTED]
    assert second["kind"] == "identical" and second["similarity"] == 1.0
    assert [s["report_id"] for s in second["sources"]] == [reports[0].id]
    assert PLANTED not in copied_sentences(found, reports[0])  # a later report is never its source
    assert found[reports[1].id]["share"]["problems"] > 0
    assert PLANTED not in copied_sentences(found, reports[5])


def test_same_agency_copies_only_from_earlier_years():
    a = parse_text(f"某局2020年政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n{PLANTED}\n")
    b = parse_text(f"某局2021年政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n{PLANTED}\n")
    found = find_copies([a, b])
    assert found[a.id]["sentences"] == []  # the earlier report copied nothing
    assert [c["sources"][0]["year"] for c in found[b.id]["sentences"]] == [2020]
    assert found[b.id]["share"]["problems"] == 1.0


def test_template_wording_shared_by_many_agencies_is_not_copying():
    boiler = "根据政府信息公开条例的规定，现将本机关政府信息公开工作年度报告全文向社会公布如下。"
    n = max(TEMPLATE_MIN_AGENCIES, 6)
    reports = reports_with({i: boiler for i in range(n)}, n=n + 2)
    found = find_copies(reports)
    assert all(boiler not in copied_sentences(found, r) for r in reports)


def test_real_reports_copied_between_years(dev_reports):
    found = find_copies(list(dev_reports.values()))
    r2013 = dev_reports["dev-0019.txt"]  # 2013's part 五 repeats the county's 2012 report word for word
    assert found[r2013.id]["share"]["problems"] == 1.0
