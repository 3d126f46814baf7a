"""Who may be drawn: the pack's eligibility rules applied to each nominee, every failure told.

A nominee is eligible when none of these applies (:class:`Ineligibility`, checked in
this order and all reported):

* ``RESIDENCY``: fewer years of California residency than ``residency_years_min``;
* ``NOMINATORS``: fewer distinct registered voters among the nominators than
  ``nominators_min`` (each voter counted once per nominee; the count comes from the
  voter-file check in :mod:`calexit.linkage.nominators`);
* ``CONFLICT_OF_INTEREST``: a declared role (:class:`~calexit.commission.nominees.Role`)
  held by the nominee or, under :attr:`ConflictPolicy.family`, an immediate family
  member, in the look-back window before the date nominations close. The model is the
  Citizens Redistricting Commission's (Gov. Code 8252(a)(2)): ten years, nominee and
  family alike. Roles are declared by year, so the window is counted in whole years: with
  a ten-year look-back and nominations closing in 2029, a role held in any year from
  2019 on is a conflict (a role that ended early in 2019 is counted: the doubt goes to
  the stricter reading);
* ``DUPLICATE_NOMINEE``: the same person (first and last name and dwelling) as a nominee
  earlier in the intake; one person has one chance in the lottery.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from calexit.commission.nominees import DeclaredRole, Nominee, Role, sort_roles
from calexit.rules.model import Commission

DEFAULT_LOOKBACK_YEARS = 10


class Ineligibility(StrEnum):
    """Why a nominee cannot be drawn."""

    RESIDENCY = "RESIDENCY"
    NOMINATORS = "NOMINATORS"
    CONFLICT_OF_INTEREST = "CONFLICT_OF_INTEREST"
    DUPLICATE_NOMINEE = "DUPLICATE_NOMINEE"


@dataclass(frozen=True)
class Failure:
    reason: Ineligibility
    text: str

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.text}"


@dataclass(frozen=True)
class ConflictPolicy:
    """Which declared roles disqualify, and for how long.

    ``lookback_years`` ``None`` switches the check off; ``family`` ``False`` looks only
    at the nominee's own roles.
    """

    lookback_years: int | None = DEFAULT_LOOKBACK_YEARS
    roles: frozenset[Role] = field(default_factory=lambda: frozenset(Role))
    family: bool = True

    def __post_init__(self) -> None:
        if self.lookback_years is not None and self.lookback_years < 0:
            raise ValueError("the look-back must be zero years or more")

    def first_year(self, as_of: date) -> int | None:
        """The first year inside the window, or ``None`` when there is no check."""
        return None if self.lookback_years is None else as_of.year - self.lookback_years

    def conflicts(self, roles: Iterable[DeclaredRole], as_of: date) -> tuple[DeclaredRole, ...]:
        """The declared roles that are conflicts on ``as_of``."""
        first = self.first_year(as_of)
        if first is None:
            return ()
        return tuple(
            r
            for r in sort_roles(roles)
            if r.role in self.roles and r.last >= first and (self.family or not r.family)
        )


@dataclass(frozen=True)
class EligibilityRules:
    nominators_min: int = 100
    residency_years_min: int = 5
    conflicts: ConflictPolicy = field(default_factory=ConflictPolicy)

    @classmethod
    def from_commission(
        cls, commission: Commission | None, conflicts: ConflictPolicy | None = None
    ) -> EligibilityRules:
        """The pack's rules; a rule the pack does not state is not applied (0 / no check).

        ``conflicts``, when given, replaces the pack's look-back (roles, family and years).
        """
        if conflicts is None:
            lookback = commission.conflict_lookback_years if commission else None
            conflicts = ConflictPolicy(lookback.value if lookback else None)
        nominators = commission.nominators_min if commission else None
        residency = commission.residency_years_min if commission else None
        return cls(
            nominators_min=nominators.value if nominators else 0,
            residency_years_min=residency.value if residency else 0,
            conflicts=conflicts,
        )


@dataclass(frozen=True)
class Decision:
    """One nominee's decision: eligible when ``failures`` is empty."""

    nominee_id: str
    valid_nominators: int
    failures: tuple[Failure, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.failures

    @property
    def reasons(self) -> tuple[Ineligibility, ...]:
        return tuple(f.reason for f in self.failures)

    def texts(self) -> list[str]:
        """Each failure as ``REASON: text`` (what the store keeps and the CLI prints)."""
        return [str(f) for f in self.failures]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def decide(
    nominee: Nominee,
    valid_nominators: int,
    rules: EligibilityRules,
    as_of: date,
    *,
    duplicate_of: str | None = None,
) -> Decision:
    """Every rule the nominee fails (none: eligible)."""
    failures: list[Failure] = []
    if nominee.residency_years < rules.residency_years_min:
        failures.append(
            Failure(
                Ineligibility.RESIDENCY,
                f"resident in California for {_plural(nominee.residency_years, 'year')}; "
                f"at least {rules.residency_years_min} are required",
            )
        )
    if valid_nominators < rules.nominators_min:
        failures.append(
            Failure(
                Ineligibility.NOMINATORS,
                f"nominated by {_plural(valid_nominators, 'registered voter')}; "
                f"at least {rules.nominators_min} are required",
            )
        )
    conflicts = rules.conflicts.conflicts(nominee.roles, as_of)
    if conflicts:
        first = rules.conflicts.first_year(as_of)
        failures.append(
            Failure(
                Ineligibility.CONFLICT_OF_INTEREST,
                f"{'; '.join(r.describe() for r in conflicts)}: within the "
                f"{rules.conflicts.lookback_years}-year look-back ({first} on)",
            )
        )
    if duplicate_of is not None:
        failures.append(
            Failure(
                Ineligibility.DUPLICATE_NOMINEE,
                f"the same person as nominee {duplicate_of} (name and address)",
            )
        )
    return Decision(nominee.id, valid_nominators, tuple(failures))


def decide_all(
    nominees: Sequence[Nominee],
    valid_nominators: Mapping[str, int],
    rules: EligibilityRules,
    as_of: date,
) -> tuple[Decision, ...]:
    """A decision per nominee, in intake order; a nominee absent from
    ``valid_nominators`` has none. A repeat of an earlier nominee is a duplicate."""
    first_seen: dict[tuple[str, str, str], str] = {}
    decisions = []
    for nominee in nominees:
        key = nominee.person_key
        earlier = first_seen.setdefault(key, nominee.id)
        decisions.append(
            decide(
                nominee,
                valid_nominators.get(nominee.id, 0),
                rules,
                as_of,
                duplicate_of=None if earlier == nominee.id else earlier,
            )
        )
    return tuple(decisions)


def reason_counts(decisions: Iterable[Decision]) -> dict[str, int]:
    """How many nominees are eligible and how many fail each rule (a nominee may fail
    several, so the reasons can add up to more than the ineligible)."""
    counts: Counter[str] = Counter()
    for decision in decisions:
        counts["ELIGIBLE" if decision.eligible else "INELIGIBLE"] += 1
        counts.update(r.value for r in decision.reasons)
    order = ["ELIGIBLE", "INELIGIBLE", *(r.value for r in Ineligibility)]
    return {key: counts.get(key, 0) for key in order}
