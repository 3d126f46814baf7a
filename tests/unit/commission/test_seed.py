"""Public seeds for the commission draw: dice digits, and drand quicknet rounds verified offline.

The drand vectors are genuine published quicknet beacons:

* round 123: the quicknet example in the ``drand-verify`` Rust crate (noislabs/drand-verify,
  ``src/verify.rs``, test ``verify_works_for_g1g2_swapped_rfc``), taken there from
  ``https://api3.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/123``;
* round 657413: the quicknet example in the README of the Python ``drand-verify`` package.

Both verify against quicknet's public key, and drand's randomness for a round is the SHA-256
of its signature, which the tests recompute with hashlib.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from calexit.commission.seed import (
    DICE_MIN_ROLLS,
    QUICKNET_CHAIN_HASH,
    PublicSeed,
    SeedKind,
    SeedPlan,
    dice_bits,
    dice_seed,
    drand_seed,
    parse_seed,
    parse_seed_plan,
    quicknet_round_after,
    quicknet_round_time,
)
from calexit.errors import CalexitError, InputError

ROUND_123 = 123
SIGNATURE_123 = (
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d"
    "43765482e26cd02df835d3546d23c4b13e0dfc92"
)
RANDOMNESS_123 = "fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc"
ROUND_657413 = 657413
SIGNATURE_657413 = (
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b"
)
RANDOMNESS_657413 = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
DICE = "316254" * 5


def flip(signature: str, position: int = 10) -> str:
    """The signature with one hex digit changed."""
    digit = "0" if signature[position] != "0" else "1"
    return signature[:position] + digit + signature[position + 1 :]


# --- dice


def test_thirty_rolls_are_the_documented_floor_and_carry_77_bits() -> None:
    assert DICE_MIN_ROLLS == 30
    assert dice_bits(DICE_MIN_ROLLS) > 77
    assert dice_bits(20) < 52  # why twenty would be too thin a margin
    seed = dice_seed(DICE)
    assert seed.kind is SeedKind.DICE
    assert seed.text == f"dice:{DICE}"
    with pytest.raises(InputError, match="too few dice rolls") as caught:
        dice_seed(DICE[:29])
    assert "29 rolls" in caught.value.problems[0].message
    assert "30 are needed" in caught.value.problems[0].message


def test_separators_between_rolls_are_ignored() -> None:
    spaced = " ".join(DICE[:15]) + ",\n" + ", ".join(DICE[15:])
    assert dice_seed(spaced).text == f"dice:{DICE}"


def test_every_character_that_is_not_a_roll_is_located() -> None:
    with pytest.raises(InputError) as caught:
        dice_seed("12345" + "7" + "0" + DICE + "\n12x", source="rolls.txt")
    error = caught.value
    assert [(p.line, p.column, p.value) for p in error.problems] == [
        (1, 6, "7"),
        (1, 7, "0"),
        (2, 3, "x"),
    ]
    assert str(error.problems[0]).startswith("rolls.txt:1:6: dice: a d6 roll")
    assert isinstance(error, CalexitError)


def test_dice_seed_describes_itself_for_the_bundle() -> None:
    assert dice_seed(DICE).describe() == {
        "kind": "dice",
        "text": f"dice:{DICE}",
        "rolls": 30,
        "bits": 77.5,
    }


# --- drand quicknet


@pytest.mark.parametrize(
    ("round_", "signature", "randomness"),
    [
        (ROUND_123, SIGNATURE_123, RANDOMNESS_123),
        (ROUND_657413, SIGNATURE_657413, RANDOMNESS_657413),
    ],
)
def test_a_genuine_quicknet_round_verifies(round_: int, signature: str, randomness: str) -> None:
    seed = drand_seed(round_, signature)
    assert seed.kind is SeedKind.DRAND_QUICKNET
    assert seed.randomness == randomness
    assert randomness == hashlib.sha256(bytes.fromhex(signature)).hexdigest()
    assert seed.text == f"drand-quicknet:{round_}:{signature}"


def test_upper_case_and_surrounding_space_are_normalised() -> None:
    seed = drand_seed(ROUND_123, f"  {SIGNATURE_123.upper()}\n")
    assert seed.signature == SIGNATURE_123


def test_a_corrupted_signature_is_a_user_error() -> None:
    with pytest.raises(InputError, match="does not verify") as caught:
        drand_seed(ROUND_123, flip(SIGNATURE_123))
    assert caught.value.problems[0].key == "signature"


def test_a_genuine_signature_of_another_round_is_refused() -> None:
    with pytest.raises(InputError, match="does not verify") as caught:
        drand_seed(ROUND_123 + 1, SIGNATURE_123)
    assert "round 124" in caught.value.problems[0].message


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "zz" + SIGNATURE_123[2:],  # not hex: the library would panic on this
        SIGNATURE_123[:-2],
        SIGNATURE_123 + "00",
        "0" * 96,
    ],
)
def test_malformed_signatures_are_user_errors(signature: str) -> None:
    with pytest.raises(InputError):
        drand_seed(ROUND_123, signature)


@pytest.mark.parametrize("round_", [0, -1, 2**64])
def test_rounds_out_of_range_are_user_errors(round_: int) -> None:
    with pytest.raises(InputError, match="not a drand round"):
        drand_seed(round_, SIGNATURE_123)


def test_drand_seed_describes_the_round_for_the_bundle() -> None:
    described = drand_seed(ROUND_123, SIGNATURE_123).describe()
    assert described == {
        "kind": "drand-quicknet",
        "text": f"drand-quicknet:123:{SIGNATURE_123}",
        "chain_hash": QUICKNET_CHAIN_HASH,
        "round": 123,
        "round_time": "2023-08-23T15:15:33+00:00",
        "signature": SIGNATURE_123,
        "randomness": RANDOMNESS_123,
    }


def test_round_times_follow_genesis_and_period() -> None:
    assert quicknet_round_time(1) == datetime(2023, 8, 23, 15, 9, 27, tzinfo=UTC)
    assert quicknet_round_time(123) - quicknet_round_time(122) == timedelta(seconds=3)
    at = quicknet_round_time(1000)
    assert quicknet_round_after(at) == 1001
    assert quicknet_round_after(at - timedelta(seconds=1)) == 1000
    assert quicknet_round_after(at + timedelta(seconds=2.5)) == 1001
    assert quicknet_round_after(datetime(2000, 1, 1, tzinfo=UTC)) == 1


# --- canonical text


@pytest.mark.parametrize(
    "seed",
    [dice_seed(DICE), drand_seed(ROUND_123, SIGNATURE_123)],
    ids=["dice", "drand"],
)
def test_the_canonical_text_reads_back(seed: PublicSeed) -> None:
    assert parse_seed(seed.text) == seed


def test_reading_a_text_reverifies_the_signature() -> None:
    with pytest.raises(InputError, match="does not verify"):
        parse_seed(f"drand-quicknet:123:{flip(SIGNATURE_123)}", "seed.json")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "coin:1010",
        "dice",
        f"dice:{DICE}:1",
        "drand-quicknet:123",
        f"drand-quicknet:abc:{SIGNATURE_123}",
        f"drand-quicknet::{SIGNATURE_123}",
    ],
)
def test_texts_that_are_not_seeds_are_user_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_seed(text)


# --- seed plans


def test_a_plan_admits_only_the_seed_it_announced() -> None:
    plan = parse_seed_plan("drand-quicknet:123")
    assert plan == SeedPlan(SeedKind.DRAND_QUICKNET, 123)
    assert plan.text == "drand-quicknet:123"
    assert plan.admits(drand_seed(ROUND_123, SIGNATURE_123))
    assert not plan.admits(drand_seed(ROUND_657413, SIGNATURE_657413))
    assert not plan.admits(dice_seed(DICE))
    dice = parse_seed_plan("dice")
    assert dice.admits(dice_seed(DICE))
    assert not dice.admits(drand_seed(ROUND_123, SIGNATURE_123))


@pytest.mark.parametrize("text", ["dice:30", "drand-quicknet", "drand-quicknet:x", "beacon:1"])
def test_malformed_plans_are_user_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_seed_plan(text)


def test_a_drand_plan_needs_a_round_and_a_dice_plan_none() -> None:
    with pytest.raises(InputError):
        SeedPlan(SeedKind.DRAND_QUICKNET)
    with pytest.raises(InputError):
        SeedPlan(SeedKind.DICE, 5)
