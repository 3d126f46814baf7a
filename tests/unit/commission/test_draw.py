"""The SHA-256 generator, the panel index, the alternates order and vacancy filling.

Known answer, re-computable with nothing but SHA-256 (e.g. a shell)::

    $ printf '%s' 'dice:316254316254316254316254316254|panel|0' | sha256sum
    80c26d97a05520458ba902082224f6dbecb7a15eb181beb2ab56a90b200c977e

    int(that hex, 16) mod 1000 = 622, and the block is far below the rejection limit
    2**256 - (2**256 mod 1000), so index 622 of a list of 1000 panels is drawn.

Blocks 1 and 2 of the same stream give 237 and 977. The tests below also re-implement the
whole published procedure naively from the module text and compare it with the module.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TypeVar

import pytest

from calexit.commission.draw import (
    Stream,
    alternate_order,
    block,
    draw_alternates,
    draw_index,
    fill_vacancy,
    lottery_problems,
    panel_counts,
    transparent_draw,
)
from calexit.commission.model import Instance, Person, Quota, UniformLottery
from calexit.commission.seed import dice_seed, drand_seed
from calexit.errors import CalexitError, InputError

DICE = "316254" * 5
SEED = f"dice:{DICE}"
BLOCK_0 = "80c26d97a05520458ba902082224f6dbecb7a15eb181beb2ab56a90b200c977e"
SIGNATURE_123 = (
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d"
    "43765482e26cd02df835d3546d23c4b13e0dfc92"
)
K = TypeVar("K")
CHI2_CRITICAL_0_001 = {3: 16.266, 5: 20.515, 9: 27.877}
"""Chi-square critical values at p = 0.001 by degrees of freedom (standard tables)."""


def chi_square(counts: Mapping[K, int], expected: Mapping[K, float]) -> float:
    return sum((counts.get(k, 0) - e) ** 2 / e for k, e in expected.items())


# --- a naive re-implementation of the published definition


def reference_below(seed: str, purpose: str, n: int, counter: int) -> tuple[int, int]:
    """(uniform integer in [0, n), next counter), straight from the definition."""
    while True:
        message = (seed + "|" + purpose + "|" + str(counter)).encode("ascii")
        x = int(hashlib.sha256(message).hexdigest(), 16)
        counter += 1
        if x < 2**256 - (2**256 % n):
            return x % n, counter


def reference_alternates(seed: str, weights: Mapping[str, int]) -> list[str]:
    remaining, order, counter = sorted(weights), [], 0
    while remaining:
        weighted = [i for i in remaining if weights[i] > 0]
        if weighted:
            r, counter = reference_below(
                seed, "alternates", sum(weights[i] for i in weighted), counter
            )
            running = 0
            for person in weighted:
                running += weights[person]
                if running > r:
                    break
        else:
            r, counter = reference_below(seed, "alternates", len(remaining), counter)
            person = remaining[r]
        remaining.remove(person)
        order.append(person)
    return order


# --- the generator


def test_known_answer_vector() -> None:
    message = b"dice:316254316254316254316254316254|panel|0"
    assert hashlib.sha256(message).hexdigest() == BLOCK_0
    assert block(SEED, "panel", 0).hex() == BLOCK_0
    assert int(BLOCK_0, 16) % 1000 == 622
    assert draw_index(SEED, 1000) == 622
    assert draw_index(dice_seed(DICE), 1000) == 622
    stream = Stream(SEED, "panel")
    assert [stream.below(1000) for _ in range(3)] == [622, 237, 977]
    assert stream.counter == 3


def test_known_answer_for_a_drand_seed() -> None:
    seed = drand_seed(123, SIGNATURE_123)
    text = f"drand-quicknet:123:{SIGNATURE_123}|panel|0"
    assert int(hashlib.sha256(text.encode()).hexdigest(), 16) % 1000 == 941
    assert draw_index(seed, 1000) == 941


def test_the_module_matches_the_naive_definition() -> None:
    for n in (1, 2, 3, 7, 1000, 2**64 + 13, 3 * 2**254):
        stream = Stream(SEED, "check")
        counter = 0
        for _ in range(5):
            value, counter = reference_below(SEED, "check", n, counter)
            assert stream.below(n) == value
            assert stream.counter == counter


class ScriptedStream(Stream):
    """A stream whose blocks are given, to exercise the rejection rule."""

    def __init__(self, blocks: Sequence[bytes]) -> None:
        super().__init__("scripted", "test")
        self.blocks = list(blocks)

    def next_block(self) -> bytes:
        self.counter += 1
        return self.blocks.pop(0)


def test_blocks_at_or_above_the_limit_are_rejected_not_folded() -> None:
    top = (2**256 - 1).to_bytes(32, "big")  # 2**256 mod 3 = 1, so the limit is 2**256 - 1
    five = (5).to_bytes(32, "big")
    stream = ScriptedStream([top, five])
    assert stream.below(3) == 2
    assert stream.counter == 2
    # a power of two divides 2**256: nothing is ever rejected
    assert ScriptedStream([top]).below(4) == 3
    # n = 3 * 2**254: the limit is n itself; 2**255 < n is kept, n + 1 is rejected
    n = 3 * 2**254
    stream = ScriptedStream([(n + 1).to_bytes(32, "big"), (2**255).to_bytes(32, "big")])
    assert stream.below(n) == 2**255
    assert stream.counter == 2


def test_below_needs_a_positive_bound() -> None:
    with pytest.raises(ValueError, match="below 0"):
        Stream(SEED, "panel").below(0)


def test_indices_are_uniform_across_seeds() -> None:
    # 10,000 fixed seeds: a deterministic test, passing at the 0.1% level
    counts = Counter(draw_index(f"dice:{i:040d}", 10) for i in range(10_000))
    assert chi_square(counts, dict.fromkeys(range(10), 1000.0)) < CHI2_CRITICAL_0_001[9]


def test_successive_draws_of_one_stream_are_uniform() -> None:
    stream = Stream(SEED, "uniformity")
    counts = Counter(stream.below(6) for _ in range(6_000))
    assert chi_square(counts, dict.fromkeys(range(6), 1000.0)) < CHI2_CRITICAL_0_001[5]


def test_streams_of_different_purposes_differ() -> None:
    assert block(SEED, "panel", 0) != block(SEED, "alternates", 0)
    assert block(SEED, "panel", 0) != block(SEED, "panel", 1)


# --- the alternates order


def test_the_alternates_order_matches_the_naive_definition() -> None:
    rng = random.Random(20281107)
    for case in range(40):
        weights = {f"P{i:03d}": rng.choice([0, 0, 1, 2, 5, 40]) for i in range(rng.randint(0, 60))}
        seed = f"dice:{case:030d}"
        assert list(alternate_order(seed, weights)) == reference_alternates(seed, weights)


def test_the_order_is_a_permutation_independent_of_input_order() -> None:
    weights = {"c": 3, "a": 1, "e": 0, "b": 2, "d": 0}
    order = alternate_order(SEED, weights)
    assert sorted(order) == sorted(weights)
    assert alternate_order(SEED, dict(sorted(weights.items()))) == order
    assert order == ("c", "b", "a", "e", "d")  # frozen
    assert set(order[3:]) == {"d", "e"}  # people on no listed panel come last


def test_first_alternates_follow_the_weights() -> None:
    weights = {"a": 1, "b": 2, "c": 3, "d": 4, "z": 0}
    firsts = Counter(alternate_order(f"dice:{i:040d}", weights)[0] for i in range(5_000))
    assert "z" not in firsts
    expected = {k: 5_000 * w / 10 for k, w in weights.items() if w}
    assert chi_square(firsts, expected) < CHI2_CRITICAL_0_001[3]


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        alternate_order(SEED, {"a": -1})


# --- a small instance


def person(id_: str, region: str, party: str, household: str | None = None) -> Person:
    return Person(id_, {"region": region, "party": party}, household)


POOL = (
    person("P01", "North", "D", "h-1"),
    person("P02", "South", "D", "h-1"),
    person("P03", "North", "R"),
    person("P04", "South", "D"),
    person("P05", "North", "D"),
    person("P06", "South", "R"),
    person("P07", "North", "D"),
    person("P08", "South", "D"),
    person("P09", "North", "R"),
    person("P10", "South", "D"),
)
INSTANCE = Instance(
    POOL,
    (
        Quota("region", "North", 2, 2),
        Quota("region", "South", 2, 2),
        Quota("party", "D", 1, 3),
        Quota("party", "R", 1, 3),
    ),
    4,
)
PANELS = (
    frozenset({"P01", "P03", "P04", "P06"}),
    frozenset({"P03", "P07", "P08", "P10"}),
    frozenset({"P02", "P03", "P05", "P06"}),
)
LOTTERY = UniformLottery("by hand", PANELS * 10, tuple(p.id for p in POOL))


def test_the_hand_built_lottery_is_valid() -> None:
    assert lottery_problems(INSTANCE, LOTTERY) == []
    assert panel_counts(LOTTERY, ["P03", "P09"]) == {"P03": 30, "P09": 0}


def test_the_draw_is_the_listed_panel_at_the_drawn_index() -> None:
    seed = dice_seed(DICE)
    draw = transparent_draw(INSTANCE, LOTTERY, seed)
    assert draw.m == 30
    assert draw.index == draw_index(seed, 30)
    assert draw.panel == LOTTERY.panels[draw.index]
    assert set(draw.alternates) == {p.id for p in POOL} - draw.panel
    assert draw.alternates == draw_alternates(INSTANCE, LOTTERY, draw.panel, seed)
    assert draw.alternates[-1] == "P09"  # on no listed panel: weight 0, last
    assert transparent_draw(INSTANCE, LOTTERY, seed) == draw


def test_a_lottery_with_an_invalid_panel_cannot_be_drawn() -> None:
    bad = UniformLottery("by hand", (*PANELS, frozenset({"P05", "P07", "P08", "P10"})))
    with pytest.raises(InputError, match="cannot be drawn") as caught:
        transparent_draw(INSTANCE, bad, dice_seed(DICE))
    assert [p.key for p in caught.value.problems] == ["panel 3"]
    assert "party=R [1, 3]: 0 members" in caught.value.problems[0].message
    with pytest.raises(InputError):
        transparent_draw(INSTANCE, UniformLottery("empty", ()), dice_seed(DICE))


# --- vacancies

VACANCY = Instance(
    (
        person("N1", "North", "D", "h-a"),
        person("N2", "North", "D"),
        person("N3", "North", "R"),
        person("S1", "South", "D"),
        person("S2", "South", "R"),
        person("S3", "South", "D", "h-a"),
    ),
    (Quota("region", "North", 1, 1), Quota("region", "South", 1, 1)),
    2,
)


def test_a_vacancy_goes_to_the_first_alternate_who_keeps_the_quotas() -> None:
    panel = {"N1", "S1"}
    alternates = ["N2", "S3", "S2", "N3"]
    # N2, first in line, would make two Northerners; S3 shares N1's household
    assert VACANCY.violations(panel - {"S1"} | {"N2"}) != []
    assert VACANCY.violations(panel - {"S1"} | {"S3"}) != []
    assert fill_vacancy(VACANCY, panel, "S1", alternates) == "S2"
    assert fill_vacancy(VACANCY, panel, "N1", alternates) == "N2"


def test_successive_vacancies_use_the_panel_as_it_stands() -> None:
    alternates = ["N2", "S3", "S2", "N3"]
    first = fill_vacancy(VACANCY, {"N1", "S1"}, "S1", alternates)
    panel = {"N1", first}
    remaining = [a for a in alternates if a != first]
    second = fill_vacancy(VACANCY, panel, "N1", remaining)
    assert (first, second) == ("S2", "N2")
    assert VACANCY.violations({first, second}) == []
    # an alternate already seated is passed over
    assert fill_vacancy(VACANCY, {"N2", "S2"}, "N2", ["S2", "N1"]) == "N1"


def test_no_fitting_alternate_is_a_clear_error() -> None:
    with pytest.raises(CalexitError, match="no alternate can replace 'S1'"):
        fill_vacancy(VACANCY, {"N1", "S1"}, "S1", ["N2", "N3", "S3"])


def test_a_leaver_must_be_on_a_valid_panel() -> None:
    with pytest.raises(CalexitError, match="not on the panel"):
        fill_vacancy(VACANCY, {"N1", "S1"}, "N2", ["N3"])
    with pytest.raises(CalexitError, match="to begin with"):
        fill_vacancy(VACANCY, {"N1", "N2"}, "N2", ["S1"])


def test_drawn_alternates_fill_every_vacancy_of_the_drawn_panel() -> None:
    draw = transparent_draw(INSTANCE, LOTTERY, dice_seed(DICE))
    assert draw.panel == {"P02", "P03", "P05", "P06"}
    assert draw.alternates == ("P08", "P01", "P07", "P10", "P04", "P09")  # frozen
    # P03 (North) leaves: the first alternate, P08, is from the South and the second,
    # P01, shares a household with P02; the third, P07, fits
    assert INSTANCE.violations(draw.panel - {"P03"} | {"P08"}) == [
        "region=North [2, 2]: 1 members",
        "region=South [2, 2]: 3 members",
    ]
    assert INSTANCE.violations(draw.panel - {"P03"} | {"P01"}) == ["household 'h-1': 2 members"]
    assert fill_vacancy(INSTANCE, draw.panel, "P03", draw.alternates) == "P07"
    for leaver in sorted(draw.panel):
        replacement = fill_vacancy(INSTANCE, draw.panel, leaver, draw.alternates)
        assert INSTANCE.violations(draw.panel - {leaver} | {replacement}) == []
