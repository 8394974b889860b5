"""Documentation that is generated must match what generates it."""

from __future__ import annotations

from index.fieldsdoc import fields_markdown
from index.reader.parse import parse_file

from .conftest import CORPUS_FILES, DEV_FILES, ROOT


def test_fields_doc_is_current():
    assert (ROOT / "docs" / "fields.md").read_text(encoding="utf-8").strip() == fields_markdown().strip(), (
        "regenerate: python -m index.fieldsdoc > docs/fields.md"
    )


def test_every_key_the_parser_emits_is_documented():
    doc = fields_markdown()
    for path in CORPUS_FILES + DEV_FILES:
        for key in parse_file(path).figures:
            if key.startswith("applications."):
                row, col = key.removeprefix("applications.").rsplit(".", 1)
                assert f"`{row}`" in doc and f"`{col}`" in doc, key
            elif key.startswith("art20."):
                assert f"`{key}`" in doc, key
            elif key.startswith("legacy."):
                _, indicator, measure = key.split(".")
                assert f"`{indicator}`" in doc and f"`{measure}`" in doc, key
            else:
                group, col = key.split(".")
                assert f"`{group}`" in doc and f"`{col}`" in doc, key


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme


def test_every_audit_rule_is_in_the_parsing_doc():
    from index.reader.audit.rules import RULES

    doc = (ROOT / "docs" / "parsing.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| {rule.code} | {rule.name} | {rule.explanation} |" in doc, rule.code


def test_the_review_doc_says_what_the_desk_does():
    from review.accounts import MAX_ADDRESS_FAILURES, MAX_FAILURES, MIN_PASSWORD
    from review.corrections import ORIGINS
    from review.roster import HEADERS, LEVELS
    from review.uploads import MAX_BYTES
    from review.verdicts import DECISIONS, STATUSES

    doc = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    for code in ("X3", "R1", "R2", "P6"):
        assert f"| {code} " in doc, code
    for name in (*ORIGINS.values(), *DECISIONS.values(), *STATUSES.values(), *set(LEVELS.values())):
        assert name in doc, name
    for field, names in HEADERS.items():
        assert f"{names[0]} (`{field}`)" in doc, field
    assert f"at least {MIN_PASSWORD}" in doc and f"fails {MAX_FAILURES} logins" in doc
    assert f"after\n{MAX_ADDRESS_FAILURES}" in doc or f"after {MAX_ADDRESS_FAILURES}" in doc
    assert f"up to\n{MAX_BYTES // 1024 // 1024} MB" in doc or f"up to {MAX_BYTES // 1024 // 1024} MB" in doc
