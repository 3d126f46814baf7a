"""Bad rule packs: every problem at once, each with file, line, column, key and exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from calexit.errors import NotFoundError, RulePackError
from calexit.rules.load import builtin_pack, load_pack_file, parse_pack, resolve_pack
from calexit.rules.model import parse_fraction

GOOD = builtin_pack("calexit-2028").text


def _problems(text: str, source: str = "pack.toml") -> list[str]:
    with pytest.raises(RulePackError) as caught:
        parse_pack(text, source)
    return [str(p) for p in caught.value.problems]


def _line_of(text: str, start: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(start)


def test_the_shipped_pack_is_valid() -> None:
    assert parse_pack(GOOD, "calexit-2028.toml").rules.id == "calexit-2028"


def test_wrong_type() -> None:
    text = GOOD.replace(
        "required_signatures = { value = 546651", 'required_signatures = { value = "many"'
    )
    line = _line_of(text, "required_signatures")
    assert _problems(text) == [
        f"pack.toml:{line}:25: petition.required_signatures.value: "
        "expected a whole number, got the text 'many'"
    ]


def test_unknown_key() -> None:
    text = GOOD.replace("\nmembers = {", "\nmembrs = {")
    line = _line_of(text, "membrs")
    assert _problems(text) == [
        f"pack.toml:{line}:1: commission.membrs: unknown key",
    ]


def test_share_above_one() -> None:
    text = GOOD.replace('min = "55%"', 'min = "110%"')
    line = _line_of(text, "approval")
    assert _problems(text) == [
        f"pack.toml:{line}:14: passage.approval.min: a share must lie between 0 and 1, got 110%"
    ]


def test_missing_citation() -> None:
    text = GOOD.replace(
        'circulation_days = { value = 180, source = "Elections Code 9014(b) (petitions filed '
        'within 180 days of the official summary date)" }',
        "circulation_days = { value = 180 }",
    )
    line = _line_of(text, "circulation_days")
    assert _problems(text) == [
        f"pack.toml:{line}:1: petition.circulation_days.source: "
        "missing citation: every rule needs a source"
    ]


def test_empty_citation() -> None:
    text = GOOD.replace(
        'source = "Elections Code 9014(b) (petitions filed within 180 days of '
        'the official summary date)"',
        'source = ""',
    )
    line = _line_of(text, "circulation_days")
    assert _problems(text) == [
        f"pack.toml:{line}:35: petition.circulation_days.source: "
        "missing citation: the source is empty"
    ]


def test_float_threshold_is_refused() -> None:
    text = GOOD.replace('sample_share = { value = "3%"', "sample_share = { value = 0.03")
    line = _line_of(text, "sample_share")
    assert _problems(text) == [
        f"pack.toml:{line}:18: petition.sample_share.value: write thresholds as exact text "
        'such as "55%" or "11/20", not the float 0.03'
    ]


def test_every_problem_at_once_in_line_order() -> None:
    text = (
        GOOD.replace(
            "required_signatures = { value = 546651", 'required_signatures = { value = "many"'
        )
        .replace('min = "55%"', 'min = "110%"')
        .replace("\nmembers = {", "\nmembrs = {")
        .replace('kind = "initiative-statute"', 'kind = "petition"')
    )
    problems = _problems(text)
    assert [p.split(": ")[1] for p in problems] == [
        "pack.kind",
        "petition.required_signatures.value",
        "passage.approval.min",
        "commission.membrs",
    ]
    assert problems[0].endswith(
        "expected one of 'initiative-statute', 'initiative-constitutional-amendment', "
        "'federal-amendment', 'international-admission' or 'referendum', got 'petition'"
    )


def test_inconsistent_signature_requirement() -> None:
    text = GOOD.replace(
        "required_signatures = { value = 546651", "required_signatures = { value = 546650"
    )
    line = _line_of(text, "[petition]")
    assert _problems(text) == [
        f"pack.toml:{line}:2: petition: required_signatures is 546650 but 5% of 10933018 is 546651"
    ]


def test_missing_required_key() -> None:
    text = GOOD.replace('version = "2028.1"\n', "")
    line = _line_of(text, "[pack]")
    assert _problems(text) == [f"pack.toml:{line}:2: pack.version: required key is missing"]


def test_invalid_toml_names_line_and_column() -> None:
    assert _problems('[pack]\nid = "x"\nversion = \n') == [
        "pack.toml:3:11: invalid TOML: Invalid value"
    ]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="cannot read rule pack"):
        load_pack_file(tmp_path / "absent.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[pack]\nid = "caf\xe9"\n')
    with pytest.raises(RulePackError) as caught:
        load_pack_file(bad)
    assert "is not UTF-8 text" in str(caught.value)


def test_unknown_pack_id() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_pack("calexit-2030")
    assert str(caught.value) == (
        "no rule pack named 'calexit-2030'; shipped packs: article-v, calexit-2028, "
        "calexit-now-2026, quebec-1995, scotland-2014, un-membership"
    )


def test_error_lines_for_the_cli() -> None:
    text = GOOD.replace('min = "55%"', 'min = "110%"')
    with pytest.raises(RulePackError) as caught:
        parse_pack(text, "mine.toml")
    lines = caught.value.lines()
    assert lines[0] == "mine.toml is not a valid rule pack (1 problem):"
    assert lines[1].startswith("  mine.toml:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("55%", "11/20"), ("2/3", "2/3"), ("0.55", "11/20"), ("100%", "1"), (" 3 % ", "3/100")],
)
def test_parse_fraction(text: str, expected: str) -> None:
    assert str(parse_fraction(text)) == expected


@pytest.mark.parametrize("text", ["55", "", "1/0", "two thirds", "-5%"])
def test_parse_fraction_rejects(text: str) -> None:
    if text == "55":
        assert parse_fraction(text) == 55  # a whole number is a ratio of 55, refused as a share
        return
    with pytest.raises(ValueError, match="expected a fraction"):
        parse_fraction(text)
