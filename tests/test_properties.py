"""Whatever comes in, parsing returns a Report or raises the documented ParseError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.reader.errors import ParseError
from index.reader.formats.files import load_text
from index.reader.parse import parse_text
from index.reader.report import SECTIONS

from .conftest import CORPUS_FILES, DEV_FILES

TEXTS = [p.read_text(encoding="utf-8") for p in CORPUS_FILES + DEV_FILES]
REPORT_ALPHABET = st.sampled_from(sorted(set("".join(TEXTS)) | set("\t\n\r （）()|-.0123456789")))


def check(text: str) -> None:
    try:
        report = parse_text(text)
    except ParseError:
        return
    covered = sum(b - a for name in SECTIONS for a, b in report.spans.get(name, []))
    assert covered == len(report.body)


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_text(text):
    check(text)


@settings(max_examples=300)
@given(st.text(alphabet=REPORT_ALPHABET, max_size=400))
def test_text_made_of_report_characters(text):
    check(text)


@settings(max_examples=200)
@given(st.sampled_from(TEXTS), st.data())
def test_truncated_and_spliced_real_reports(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    check(text[:end])
    check(text[start:end])
    check(text[:start] + text[end:])


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    try:
        check(load_text(path))
    except ParseError as exc:
        assert exc.source == str(path)
