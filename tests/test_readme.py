"""Every command the README and the commands' --help show works as written on the bundled corpus."""

from __future__ import annotations

import glob
import re
import shlex
import subprocess
import sys

import pytest

from index.build import build_index
from xxgk.cli import build_parser

from .conftest import CORPUS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    block = re.search(r"## Command line\n\n```sh\n(.*?)```", README, re.S).group(1)
    return [line.split("  #")[0].strip().removeprefix(".venv/bin/xxgk ") for line in block.splitlines() if line]


def _help_examples() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = []
    for p in sub.choices.values():
        for m in re.finditer(r"Example: (xxgk .*?)(?:\n|$)", p.description or ""):
            for part in m.group(1).split(";"):
                part = part.strip()
                if part.startswith("xxgk ") and " serve" not in part and ", then" not in part:
                    out.append(part.removeprefix("xxgk "))
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("readme") / "ix"
    assert not build_index([CORPUS], path).failed
    return path


def _run(command: str, index) -> subprocess.CompletedProcess:
    args = []
    for word in shlex.split(command):
        args += sorted(glob.glob(word, root_dir=ROOT)) if "*" in word and "/" in word else [word]
    if args[0] not in ("parse",):
        args += ["--index", str(index)]
    # a command that asks for a password (xxgk users add) reads it from stdin, twice, as a script would
    password = "示例账号的密码-0123\n" * 2
    return subprocess.run(
        [sys.executable, "-m", "xxgk", *args], input=password, capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize("command", _readme_commands() + _help_examples())
def test_example_works_as_written(command, index):
    done = _run(command, index)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    first = done.stdout.splitlines()[0] if done.stdout else ""
    if command.startswith("search"):
        total = re.match(r'\{"query".*?"total": (\d+)', done.stdout) or re.match(r"(\d+) sections", first)
        assert total and int(total.group(1)) > 0, first
    if command.startswith("mentions"):
        assert not first.startswith("0 reports"), first


def test_the_readme_url_example_is_encoded():
    assert "--data-urlencode q=" in README
    assert not re.search(r"/api/search\?q=[^\x00-\x7f]", README)


def test_the_review_desk_commands_work_in_order(tmp_path):
    """The README's desk session, one command after another on a fresh index and database."""
    block = re.search(r"## The review desk\n.*?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("  #")[0].strip().removeprefix(".venv/bin/xxgk ") for line in block.splitlines() if line]
    assert not build_index([CORPUS], tmp_path / "ix").failed
    outputs = []
    for command in commands:
        command = command.replace("问题清单.xlsx", str(tmp_path / "问题清单.xlsx")).replace(
            "通报.docx", str(tmp_path / "通报.docx")
        )
        done = _run(command, tmp_path / "ix")
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    assert "已记录：确认" in "".join(outputs)
    assert (tmp_path / "问题清单.xlsx").stat().st_size and (tmp_path / "通报.docx").stat().st_size
