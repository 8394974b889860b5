"""`xxgk parse`: readable summaries, JSON lines, exit codes, errors on stderr."""

from __future__ import annotations

import json

from xxgk.cli import main

from .conftest import CORPUS_FILES, ROOT, corpus_file


def test_parse_json_one_object_per_report(capsys):
    assert main(["parse", "--json", *map(str, CORPUS_FILES)]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == len(CORPUS_FILES)
    report = json.loads(lines[0])
    assert set(report) >= {"id", "source", "title", "agency", "year", "template", "sections", "split", "figures"}
    assert set(report["sections"]) == {
        "overview",
        "active",
        "applications",
        "review",
        "problems",
        "improvements",
        "other",
        "statistics",  # a report before 2019's 统计表; empty in the others
    }
    assert all({"rule", "severity", "message"} <= set(f) for f in report["findings"])


def test_ids_are_stable(capsys):
    path = str(corpus_file("2021-郑州"))
    main(["parse", "--json", path])
    main(["parse", "--json", path])
    first, second = (json.loads(line) for line in capsys.readouterr().out.strip().split("\n"))
    assert first["id"] == second["id"] and len(first["id"]) == 16


def test_summary_and_failure_exit_code(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert main(["parse", str(bad), str(corpus_file("2021-郑州"))]) == 2
    out, err = capsys.readouterr()
    assert "郑州经济技术开发区管委会" in out and "template  2021" in out
    assert f"{bad}: empty file" in err and "Traceback" not in err


def test_index_then_search_json(tmp_path, capsys):
    ix = str(tmp_path / "ix")
    assert main(["index", "--corpus", str(CORPUS_FILES[0].parent), "--index", ix, "--quiet"]) == 0
    # the seeds, the 20 development reports and the published PDF
    assert "26 added, 0 updated, 0 unchanged, 0 removed, 0 failed" in capsys.readouterr().out
    assert main(["index", "--index", ix, "--corpus", str(CORPUS_FILES[0].parent)]) == 0
    assert "26 unchanged" in capsys.readouterr().out
    assert main(["search", "政务新媒体", "--index", ix, "--json", "--section", "narrative", "--limit", "2"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"query", "sections", "total", "reports", "page", "limit", "hits"}
    assert result["total"] >= result["reports"] >= 1 and len(result["hits"]) <= 2
    hit = result["hits"][0]
    assert set(hit) == {"report_id", "agency", "year", "section", "score", "snippet", "spans"}
    assert hit["section"] in ("problems", "improvements")
    assert all(hit["snippet"][a:b] == "政务新媒体" for a, b in hit["spans"])


def test_search_plain_output_marks_matches(tmp_path, capsys):
    ix = str(tmp_path / "ix")
    main(["index", "--corpus", str(CORPUS_FILES[0].parent), "--index", ix, "--quiet"])
    capsys.readouterr()
    assert main(["search", "更新不及时", "--index", ix, "--by-report"]) == 0
    out = capsys.readouterr().out
    assert "【更新不及时】" in out and "sections in" in out


def test_search_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["search", "人员", "--index", str(tmp_path / "none")]) == 2
    assert "no index at" in capsys.readouterr().err
    ix = str(tmp_path / "ix")
    main(["index", "--corpus", str(CORPUS_FILES[0].parent), "--index", ix, "--quiet"])
    for args in (['"人员'], ["人员", "--year", "abc"], ["人员", "--where", "nope>1"], ["人员", "--limit", "1000"]):
        assert main(["search", *args, "--index", ix]) == 2
        err = capsys.readouterr().err
        assert err.startswith("xxgk search: ") and "Traceback" not in err


def test_an_excluded_word_first_needs_no_double_dash(tmp_path, capsys):
    ix = str(tmp_path / "ix")
    assert main(["index", "--corpus", str(CORPUS_FILES[0].parent), "--index", ix, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", "-保密", "公开", "--index", ix, "--json", "--section", "all"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["search", "公开 -保密", "--index", ix, "--json", "--section", "all"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert first["total"] == same["total"] > 0 and first["query"] == "-保密 公开"
    assert main(["search", "更新不急时", "--index", ix]) == 0
    assert "did you mean: 更新不及时" in capsys.readouterr().out


def test_cli_polish(tmp_path, capsys):
    # parse takes folders (make parse on corpus/ with its subfolders)
    assert main(["parse", str(ROOT / "corpus" / "dev"), "--json"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 20
    # a dry run creates nothing, and a missing folder is said once, in plain words
    assert main(["index", "--corpus", str(tmp_path / "gone"), "--index", str(tmp_path / "ix"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert not (tmp_path / "ix").exists()
    assert "no such file or directory" in err and "No such file or directory" not in err


def test_search_by_report_and_topics_in_columns(built_index, capsys):
    folder = str(built_index.folder)
    assert main(["search", "公开", "--section", "all", "--by-report", "--index", folder]) == 0
    assert "(also )" not in capsys.readouterr().out
    assert main(["topics", "--index", folder]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("议题") and all(" 份" in line for line in lines[1:])
    widths = {_width(line[: line.index(" 份")]) for line in lines[1:]}
    assert len(widths) == 1  # the counts end in one column, whatever the topic's name


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_a_roster_import_that_removes_units_stops_until_confirmed(tmp_path, capsys):
    import shutil

    from index.build import build_index

    shutil.copy(corpus_file("2021-郑州"), tmp_path / "a.txt")
    assert not build_index([tmp_path], tmp_path / "ix").failed
    first, second = tmp_path / "r1.csv", tmp_path / "r2.csv"
    first.write_text("单位名称\n某县教育局\n某县财政局\n", encoding="utf-8")
    second.write_text("单位名称\n某县教育局\n", encoding="utf-8")
    index = ["--index", str(tmp_path / "ix")]
    assert main(["roster", "import", str(first), *index]) == 0
    assert main(["roster", "import", str(second), *index]) == 2
    assert "将从名单中移除 1 个单位：某县财政局；确认请加 --yes" in capsys.readouterr().err
    assert main(["roster", *index]) == 0 and "某县财政局" in capsys.readouterr().out  # nothing removed
    assert main(["roster", "import", str(second), *index, "--yes"]) == 0
    assert "移除 1" in capsys.readouterr().out
