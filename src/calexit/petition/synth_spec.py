"""What to synthesise: the options, the invalid-reason mix, the dates, and the precedence rule.

The public names are re-exported by :mod:`calexit.petition.synth`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import IntEnum
from functools import cache

import numpy as np
from numpy.typing import NDArray

from calexit.errors import InputError, Problem
from calexit.petition.schema import Reason
from calexit.reference.datasets import counties
from calexit.rules.load import builtin_pack

REASONS: tuple[Reason, ...] = tuple(Reason)
"""Every reason in precedence order (the order ``Reason`` declares them)."""

FILING_DATE = date(2028, 4, 24)
FIRST_REGISTRATION = date(1975, 1, 1)
LAST_REGISTRATION = date(2027, 12, 31)
EPOCH = date(1970, 1, 1)
MAX_SCALE = 2.0


@cache
def circulation_days() -> int:
    """Elections Code 9014(b): 180 days, read from the ``calexit-2028`` rule pack."""
    petition = builtin_pack("calexit-2028").rules.petition
    return int(petition.circulation_days.value) if petition else 180


def day(value: date) -> int:
    """Days since 1970-01-01 (Arrow's ``date32``)."""
    return (value - EPOCH).days


def window() -> tuple[int, int]:
    """First and last day a signature may be made: the 180 days before filing."""
    first = FILING_DATE - timedelta(days=circulation_days())
    return day(first), day(FILING_DATE) - 1


@dataclass(frozen=True)
class ReasonMix:
    """Shares of the INVALID signatures by reason (they sum to 1).

    ``hard_not_registered`` is the share of NOT_REGISTERED lines signed by an unregistered
    person who lives at a registered voter's address and shares that voter's last name.
    """

    not_registered: float = 0.40
    address_mismatch: float = 0.12
    wrong_county: float = 0.10
    duplicate: float = 0.15
    registered_after_signing: float = 0.06
    no_address: float = 0.05
    withdrawn: float = 0.04
    signature_mismatch: float = 0.08
    hard_not_registered: float = 0.5

    def __post_init__(self) -> None:
        shares = self.shares()
        if any(not 0.0 <= s <= 1.0 for s in shares.values()):
            raise ValueError("every share of the reason mix must lie between 0 and 1")
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"the reason mix must sum to 1, not {sum(shares.values())}")
        if not 0.0 <= self.hard_not_registered <= 1.0:
            raise ValueError("hard_not_registered must lie between 0 and 1")

    def shares(self) -> dict[Reason, float]:
        """Share of the invalid signatures for every reason but VALID."""
        values = asdict(self)
        return {r: float(values[r.value.lower()]) for r in REASONS if r is not Reason.VALID}

    def vector(self) -> NDArray[np.float64]:
        """The shares in precedence order, VALID (0) last."""
        shares = self.shares()
        return np.array([shares.get(r, 0.0) for r in REASONS])


@dataclass(frozen=True)
class SynthSpec:
    """Options of one synthetic run; ``signatures`` defaults to ``round(1_000_000 * scale)``."""

    seed: int = 2028
    scale: float = 0.01
    signatures: int | None = None
    validity: float = 0.70
    mix: ReasonMix = field(default_factory=ReasonMix)
    batch_rows: int = 1_000_000

    @property
    def signature_count(self) -> int:
        if self.signatures is not None:
            return self.signatures
        return max(1, round(1_000_000 * self.scale))


def spec_problems(spec: SynthSpec, names: Mapping[str, str] | None = None) -> list[Problem]:
    """Everything wrong with ``spec``; ``names`` maps a field to the option a user typed."""
    names = names or {}
    found: list[Problem] = []

    def bad(key: str, value: object, message: str) -> None:
        text = format(value, "g") if isinstance(value, float) else str(value)
        found.append(Problem(message, key=names.get(key, key), value=text))

    if not 0 < spec.scale <= MAX_SCALE:
        bad("scale", spec.scale, f"must be more than 0 and at most {MAX_SCALE:g}")
    if spec.seed < 0:
        bad("seed", spec.seed, "must be zero or more")
    if not 0.0 <= spec.validity <= 1.0:
        bad("validity", spec.validity, "must lie between 0 and 1")
    if spec.signatures is not None and spec.signatures < 1:
        bad("signatures", spec.signatures, "must be at least 1")
    elif 0 < spec.scale <= MAX_SCALE:
        people = sum(max(1, round(c.registered_voters * spec.scale)) for c in counties())
        if spec.signature_count > people // 2:
            bad(
                "signatures",
                spec.signature_count,
                f"must be at most half the {people:,} voters made at this scale",
            )
    if spec.batch_rows < 1:
        bad("batch_rows", spec.batch_rows, "must be at least 1")
    return found


def check_spec(spec: SynthSpec, names: Mapping[str, str] | None = None) -> None:
    """Raise :class:`InputError` listing every bad option of ``spec``."""
    problems = spec_problems(spec, names)
    if problems:
        raise InputError("bad options for the synthetic petition data", problems)


class Kind(IntEnum):
    """Who signed a line and what address they wrote (before the line's flags)."""

    VOTER = 0  # a voter of the section's county at an address registered on that day
    UNREGISTERED = 1
    OTHER_COUNTY = 2  # a voter of another county at their own address
    OTHER_ADDRESS = 3  # a voter of the county at an address where they are not registered
    LATE = 4  # a voter of the county who registered after signing
    REPEAT = 5  # a second line by a voter whose earlier line counts


KIND_REASON: dict[Kind, Reason] = {
    Kind.VOTER: Reason.VALID,
    Kind.UNREGISTERED: Reason.NOT_REGISTERED,
    Kind.OTHER_COUNTY: Reason.WRONG_COUNTY,
    Kind.OTHER_ADDRESS: Reason.ADDRESS_MISMATCH,
    Kind.LATE: Reason.REGISTERED_AFTER_SIGNING,
    Kind.REPEAT: Reason.DUPLICATE,
}


def expected_reasons(
    kind: NDArray[np.int8],
    mismatch: NDArray[np.int8],
    withdrawn: NDArray[np.bool_],
    no_address: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """Index into :data:`REASONS` of each line's reason: the first that applies wins."""
    rank = np.full(len(kind), REASONS.index(Reason.VALID), dtype=np.int64)
    conditions: list[tuple[Reason, NDArray[np.bool_]]] = [
        (Reason.SIGNATURE_MISMATCH, mismatch == 1),
        (Reason.WITHDRAWN, withdrawn),
        (Reason.NO_ADDRESS, no_address),
    ]
    conditions += [(KIND_REASON[k], kind == k) for k in Kind]
    for reason, applies in conditions:
        rank = np.where(applies, np.minimum(rank, REASONS.index(reason)), rank)
    return rank
