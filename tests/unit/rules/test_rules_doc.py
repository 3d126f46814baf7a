"""docs/rules.md lists every rule of every shipped pack; it must not fall behind the packs."""

from __future__ import annotations

from pathlib import Path

from calexit.cli.rules_doc import rules_markdown
from calexit.rules.catalog import rule_rows
from calexit.rules.load import builtin_pack, builtin_pack_ids

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `calexit rules docs > docs/rules.md`"
    )


def test_every_rule_and_source_is_in_the_document() -> None:
    text = DOC.read_text(encoding="utf-8")
    for pack_id in builtin_pack_ids():
        for row in rule_rows(builtin_pack(pack_id).rules):
            assert f"`{row.key}`" in text
            assert row.source.replace("|", "\\|") in text
