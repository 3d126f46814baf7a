"""The public seed of the commission draw: dice rolled in public, or a drand beacon round.

A seed is chosen so that nobody, the Secretary of State included, can know or steer it
before the lottery list is published and committed to. Two sources are accepted:

**Dice.** At least :data:`DICE_MIN_ROLLS` (30) rolls of six-sided dice, written as the
digits ``1``..``6`` in the order rolled (spaces, commas and line breaks between them are
ignored). A fair die gives log2(6) ≈ 2.585 bits a roll, so 30 rolls give about 77.5
bits, more than the 20 decimal digits (66.4 bits) of the vote stage's audit seed. The
draw itself needs only log2(1000) ≈ 10 bits; the rest is margin for real dice and real
rollers: even dice so loaded that one face shows half the time still give at least one
bit a roll (min-entropy), so 30 of them still carry three times what the draw needs, and
no single roll (or a quietly repeated one) decides the outcome. Twenty rolls (51.7 bits)
would leave too thin a margin for that argument; 30 is the documented floor.

**drand quicknet.** A round of the League of Entropy's *quicknet* beacon (chain hash
:data:`QUICKNET_CHAIN_HASH`, BLS signatures on G1, unchained, a round every 3 seconds
from :data:`QUICKNET_GENESIS`). The round's signature is a threshold BLS signature over
the round number that no single operator of the network can predict or bias; it is
checked offline against the network's public key with ``drand-verify``, so a wrong or
altered signature is refused (a :class:`~calexit.errors.InputError`, never a traceback).
The round is fixed *before* the draw, in the commitment (:class:`SeedPlan`), and its
publication time is :func:`quicknet_round_time`: anyone can compare it with the time the
commitment was announced.

Either way the seed has one canonical text, :attr:`PublicSeed.text`::

    dice:<the digits>                                e.g. dice:314152653...
    drand-quicknet:<round>:<signature, lower-case hex> e.g. drand-quicknet:123:b75c69d0...

That text, as ASCII bytes, is what the SHA-256 generator of :mod:`calexit.commission.draw`
hashes; :func:`parse_seed` reads it back (re-verifying a drand signature).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import drand_verify

from calexit.errors import InputError, Problem

DICE_MIN_ROLLS = 30
"""The fewest d6 rolls accepted: 30 × log2(6) ≈ 77.5 bits."""
DICE_SEPARATORS = frozenset(" \t\r\n,")
QUICKNET_CHAIN_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_GENESIS = 1692803367
"""Unix time of quicknet round 1."""
QUICKNET_PERIOD = 3
"""Seconds between quicknet rounds."""
QUICKNET_SIGNATURE_HEX = 96
"""A quicknet signature is a compressed G1 point: 48 bytes, 96 hex digits."""
MAX_ROUND = 2**64 - 1

_HEX = re.compile(r"^[0-9a-f]*$")
_SHOWN = 10
"""How many bad characters an error lists."""


class SeedKind(StrEnum):
    DICE = "dice"
    DRAND_QUICKNET = "drand-quicknet"


def dice_bits(rolls: int) -> float:
    """Entropy of ``rolls`` fair d6 rolls, in bits."""
    return rolls * math.log2(6)


@dataclass(frozen=True)
class PublicSeed:
    """A checked public seed. Build it with :func:`dice_seed`, :func:`drand_seed` or
    :func:`parse_seed`, which validate (and for drand, verify) it."""

    kind: SeedKind
    dice: str = ""
    """The dice digits, for a dice seed."""
    round: int | None = None
    """The quicknet round, for a drand seed."""
    signature: str = ""
    """The round's BLS signature in lower-case hex, for a drand seed."""
    randomness: str = ""
    """drand's randomness for the round (SHA-256 of the signature), for a drand seed."""

    @property
    def text(self) -> str:
        """The canonical text: what the bundle records and the generator hashes."""
        if self.kind is SeedKind.DICE:
            return f"{SeedKind.DICE}:{self.dice}"
        return f"{SeedKind.DRAND_QUICKNET}:{self.round}:{self.signature}"

    def describe(self) -> dict[str, str | int | float]:
        """Everything about the seed worth publishing next to its text (``seed.json``)."""
        if self.kind is SeedKind.DICE:
            return {
                "kind": str(self.kind),
                "text": self.text,
                "rolls": len(self.dice),
                "bits": round(dice_bits(len(self.dice)), 1),
            }
        assert self.round is not None
        return {
            "kind": str(self.kind),
            "text": self.text,
            "chain_hash": QUICKNET_CHAIN_HASH,
            "round": self.round,
            "round_time": quicknet_round_time(self.round).isoformat(),
            "signature": self.signature,
            "randomness": self.randomness,
        }


def dice_seed(rolls: str, source: str = "seed") -> PublicSeed:
    """A seed from dice digits as rolled; every character that is not a roll is reported."""
    bad = [
        Problem(
            "a d6 roll is a digit from 1 to 6",
            source=source,
            line=line,
            column=column,
            key="dice",
            value=char,
        )
        for line, text in enumerate(rolls.split("\n"), start=1)
        for column, char in enumerate(text, start=1)
        if char not in "123456" and char not in DICE_SEPARATORS
    ]
    if bad:
        raise InputError("the dice rolls cannot be read", bad[:_SHOWN], total=len(bad))
    digits = "".join(c for c in rolls if c in "123456")
    if len(digits) < DICE_MIN_ROLLS:
        raise InputError(
            "too few dice rolls for a public seed",
            [
                Problem(
                    f"{len(digits)} rolls ({dice_bits(len(digits)):.1f} bits); at least "
                    f"{DICE_MIN_ROLLS} are needed ({dice_bits(DICE_MIN_ROLLS):.1f} bits)",
                    source=source,
                    key="dice",
                )
            ],
        )
    return PublicSeed(SeedKind.DICE, dice=digits)


def _check_round(round_: int, source: str) -> None:
    if isinstance(round_, bool) or not isinstance(round_, int) or not 1 <= round_ <= MAX_ROUND:
        raise InputError(
            "not a drand round",
            [
                Problem(
                    f"a round is a whole number from 1 to {MAX_ROUND}",
                    source=source,
                    key="round",
                    value=str(round_),
                )
            ],
        )


def drand_seed(round_: int, signature: str, source: str = "seed") -> PublicSeed:
    """A seed from quicknet round ``round_`` and its signature, verified offline.

    The signature must be the 96 hex digits the beacon published for that round; any
    other value, or the signature of another round, is refused with an InputError.
    """
    _check_round(round_, source)
    hex_signature = signature.strip().lower()
    if len(hex_signature) != QUICKNET_SIGNATURE_HEX or not _HEX.match(hex_signature):
        raise InputError(
            "not a drand quicknet signature",
            [
                Problem(
                    f"a quicknet signature is {QUICKNET_SIGNATURE_HEX} hexadecimal digits",
                    source=source,
                    key="signature",
                    value=signature,
                )
            ],
        )
    try:
        randomness = str(drand_verify.verify_quicknet(round_, hex_signature))
    except ValueError:
        randomness = ""
    if randomness != hashlib.sha256(bytes.fromhex(hex_signature)).hexdigest():
        raise InputError(
            "the drand signature does not verify",
            [
                Problem(
                    f"is not quicknet's signature of round {round_} "
                    f"(chain {QUICKNET_CHAIN_HASH[:16]}…)",
                    source=source,
                    key="signature",
                    value=hex_signature,
                )
            ],
        )
    return PublicSeed(
        SeedKind.DRAND_QUICKNET, round=round_, signature=hex_signature, randomness=randomness
    )


def _split(text: str, source: str, what: str) -> tuple[str, list[str]]:
    kind, _, rest = text.strip().partition(":")
    if kind not in {k.value for k in SeedKind}:
        raise InputError(
            f"not a {what}",
            [
                Problem(
                    f"starts with {SeedKind.DICE}: or {SeedKind.DRAND_QUICKNET}:",
                    source=source,
                    value=text,
                )
            ],
        )
    return kind, rest.split(":") if rest else []


def _round_number(text: str, source: str) -> int:
    if not text.isdigit():
        raise InputError(
            "not a drand round",
            [Problem("a round is a whole number", source=source, key="round", value=text)],
        )
    number = int(text)
    _check_round(number, source)
    return number


def parse_seed(text: str, source: str = "seed") -> PublicSeed:
    """Read a seed's canonical text (``dice:…`` or ``drand-quicknet:ROUND:SIGNATURE``),
    validating dice digits and verifying a drand signature."""
    kind, parts = _split(text, source, "public seed")
    if kind == SeedKind.DICE and len(parts) == 1:
        return dice_seed(parts[0], source)
    if kind == SeedKind.DRAND_QUICKNET and len(parts) == 2:
        return drand_seed(_round_number(parts[0], source), parts[1], source)
    raise InputError(
        "not a public seed",
        [
            Problem(
                "expected dice:DIGITS or drand-quicknet:ROUND:SIGNATURE",
                source=source,
                value=text,
            )
        ],
    )


@dataclass(frozen=True)
class SeedPlan:
    """How the seed will be chosen, fixed in the commitment before the seed exists: dice,
    or one named future quicknet round (so nobody can pick a round after seeing it)."""

    kind: SeedKind
    round: int | None = None

    def __post_init__(self) -> None:
        if (self.kind is SeedKind.DRAND_QUICKNET) != (self.round is not None):
            raise InputError(
                "a seed plan names a round for drand and none for dice",
                [Problem("round and kind disagree", key="seed_plan", value=str(self.round))],
            )
        if self.round is not None:
            _check_round(self.round, "seed_plan")

    @property
    def text(self) -> str:
        """``dice`` or ``drand-quicknet:ROUND``."""
        return str(self.kind) if self.round is None else f"{self.kind}:{self.round}"

    def admits(self, seed: PublicSeed) -> bool:
        """Whether ``seed`` is the one this plan announced."""
        return seed.kind is self.kind and seed.round == self.round


def parse_seed_plan(text: str, source: str = "seed_plan") -> SeedPlan:
    """Read ``dice`` or ``drand-quicknet:ROUND``."""
    kind, parts = _split(text, source, "seed plan")
    if kind == SeedKind.DICE and not parts:
        return SeedPlan(SeedKind.DICE)
    if kind == SeedKind.DRAND_QUICKNET and len(parts) == 1:
        return SeedPlan(SeedKind.DRAND_QUICKNET, _round_number(parts[0], source))
    raise InputError(
        "not a seed plan",
        [Problem("expected dice or drand-quicknet:ROUND", source=source, value=text)],
    )


def quicknet_round_time(round_: int) -> datetime:
    """When quicknet publishes ``round_`` (UTC)."""
    _check_round(round_, "round")
    return datetime.fromtimestamp(QUICKNET_GENESIS, UTC) + timedelta(
        seconds=(round_ - 1) * QUICKNET_PERIOD
    )


def quicknet_round_after(when: datetime) -> int:
    """The first quicknet round published strictly after ``when`` (an aware datetime): the
    round to name in a commitment announced at ``when``."""
    elapsed = math.floor((when - datetime.fromtimestamp(QUICKNET_GENESIS, UTC)).total_seconds())
    if elapsed < 0:
        return 1
    return elapsed // QUICKNET_PERIOD + 2
