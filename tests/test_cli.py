"""`xxgk parse`: readable summaries, JSON lines, exit codes, errors on stderr."""

from __future__ import annotations

import json

from xxgk.cli import main

from .conftest import CORPUS_FILES, corpus_file


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
