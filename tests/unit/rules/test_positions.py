"""Key positions in TOML text, used to put a line and column on every rule-pack problem."""

from __future__ import annotations

from calexit.rules.positions import key_positions, locate

DOCUMENT = '''# a comment with = and [brackets]
[pack]
id = "x"  # trailing [comment]
title = "a # b = c"
road = ["a",
  "b"]

[petition]
required = { value = 5, source = "s, t" }
nested.deep = { a = { b = 1 }, c = [1, {d = 2}] }
text = """
multi = line [x]
"""
after = 1

[[gates]]
id = "h"
[[gates]]
id = "s"
'''


def test_positions_of_every_kind_of_key() -> None:
    found = key_positions(DOCUMENT)
    assert found[("pack",)] == (2, 2)
    assert found[("pack", "title")] == (4, 1)
    assert found[("pack", "road", 1)] == (6, 3)
    assert found[("petition", "required", "source")] == (9, 25)
    assert found[("petition", "nested", "deep", "a", "b")] == (10, 23)
    assert found[("petition", "nested", "deep", "c", 1, "d")] == (10, 41)
    assert found[("petition", "after")] == (14, 1)
    assert found[("gates", 1, "id")] == (19, 1)
    assert ("petition", "multi") not in found, "keys inside a multi-line string are text"


def test_locate_falls_back_to_the_longest_known_prefix() -> None:
    found = key_positions(DOCUMENT)
    assert locate(found, ("petition", "required", "value", "deeper")) == (9, 14)
    assert locate(found, ("nowhere",)) is None


def test_quoted_keys_with_escaped_quotes_are_located_and_read_as_toml_reads_them() -> None:
    text = 'a = 1\n"we\\"ird" = 2\n[t]\n"x\\"y".z = { "q\\"r" = 3 }\n'
    positions = key_positions(text)
    assert positions[('we"ird',)] == (2, 1)
    assert positions[("t", 'x"y', "z", 'q"r')] == (4, 14)


def test_unrecognised_text_never_stalls_the_scanner() -> None:
    assert key_positions("a = [1, 2, @]\n")[("a", 2)] == (1, 12)
