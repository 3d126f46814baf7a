"""The transparent draw: one panel out of a published lottery, and the ordered alternates.

Following Flanigan, Kehne and Procaccia ("Fair Sortition Made Transparent", NeurIPS 2021),
the selection algorithm's distribution is rounded to a :class:`UniformLottery` of ``m``
equally likely panels, the list is published (and committed to), and only then is a
public seed (:mod:`calexit.commission.seed`) turned into one index of the list. Everything
below is a pure function of the published list, pool and seed, and is specified exactly
so that anyone can re-implement it in a few lines of another language.

The generator
-------------
A *stream* is named by the seed's canonical text ``S`` (e.g. ``dice:3141…``) and a
purpose ``P`` (``panel`` or ``alternates``). Its ``i``-th block (``i = 0, 1, 2, …``) is ::

    block(i) = SHA-256( ASCII bytes of  S + "|" + P + "|" + decimal(i) )

for example ``SHA-256(b"dice:314152653…|panel|0")`` — the same as
``printf '%s' 'dice:314152653…|panel|0' | sha256sum``. A uniform integer in ``[0, n)``
takes the stream's next block, reads it as a 256-bit big-endian unsigned integer ``x``,
and returns ``x mod n`` if ``x < 2**256 - (2**256 mod n)``; otherwise it discards the
block and tries the next one (rejection sampling: no modulo bias; a block is discarded
with probability below ``n / 2**256``, i.e. practically never, but the rule is part of
the definition). Successive draws from one stream continue its counter.

The panel
---------
The drawn index is the first uniform integer in ``[0, m)`` of stream ``panel``; the panel
is the list's row with that (0-based) index.

The alternates
--------------
Everyone in the pool who is not on the drawn panel, in an order drawn from stream
``alternates``: repeatedly, among the people not yet placed, in order of their ids
(Unicode code points), each with weight ``w`` = the number of listed panels that include
them (``m`` times their lottery probability):

* if some have ``w > 0``: draw ``r`` uniform in ``[0, W)`` where ``W`` is the sum of their
  weights, and place the first of them (in id order) at which the running sum of weights
  exceeds ``r``;
* otherwise (only people on no listed panel remain) draw ``r`` uniform in ``[0, k)`` for
  the ``k`` who remain and place the ``r``-th (0-based) of them in id order.

This is successive sampling in proportion to selection probability (the Plackett–Luce
order), with the people the lottery never selects last, in uniform random order. It is
weighted rather than uniform so that filling a vacancy follows the fair distribution: the
order restricted to any group of people is again drawn in proportion to their weights, so
among the alternates who fit a given vacancy, each is the replacement with probability
proportional to their selection probability. A uniform order would hand vacancies to
whichever groups are largest in the pool, which is what the quotas and the algorithm's
probabilities were there to correct.

A vacancy (:func:`fill_vacancy`) goes to the first alternate, in the published order, for
whom the panel minus the leaver plus the alternate still meets every quota and the
household rule. The list holds everyone not on the panel, so a vacancy can go unfilled only
if no single person in the pool could fill it; no new lottery is ever needed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from calexit.commission.model import Instance, Panel, UniformLottery
from calexit.commission.seed import PublicSeed
from calexit.errors import CalexitError, InputError, Problem

GENERATOR = "sha256-counter-rejection/1"
"""Names the generator above; recorded in the bundle so a verifier knows what to run."""
ALTERNATES = "weighted-by-panel-count/1"
"""Names the alternates order above."""
PANEL_STREAM = "panel"
ALTERNATES_STREAM = "alternates"
_SPACE = 2**256


def block(seed_text: str, purpose: str, counter: int) -> bytes:
    """Block ``counter`` of the stream ``(seed_text, purpose)``: 32 bytes."""
    return hashlib.sha256(f"{seed_text}|{purpose}|{counter}".encode("ascii")).digest()


class Stream:
    """The blocks of one ``(seed, purpose)`` stream, and uniform integers drawn from them."""

    def __init__(self, seed_text: str, purpose: str) -> None:
        self.seed_text = seed_text
        self.purpose = purpose
        self.counter = 0
        """How many blocks have been used."""

    def next_block(self) -> bytes:
        value = block(self.seed_text, self.purpose, self.counter)
        self.counter += 1
        return value

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``, by rejection sampling (see the module text)."""
        if n < 1:
            raise ValueError(f"cannot draw below {n}")
        limit = _SPACE - _SPACE % n
        while True:
            x = int.from_bytes(self.next_block(), "big")
            if x < limit:
                return x % n


def draw_index(seed: PublicSeed | str, m: int) -> int:
    """The drawn (0-based) index of a list of ``m`` panels."""
    text = seed if isinstance(seed, str) else seed.text
    return Stream(text, PANEL_STREAM).below(m)


class _Fenwick:
    """Prefix sums over non-negative integer weights, with removal and search."""

    def __init__(self, weights: Sequence[int]) -> None:
        self.size = len(weights)
        self.tree = [0] * (self.size + 1)
        for index, weight in enumerate(weights):
            self.add(index, weight)

    def add(self, index: int, delta: int) -> None:
        position = index + 1
        while position <= self.size:
            self.tree[position] += delta
            position += position & -position

    def first_exceeding(self, r: int) -> int:
        """The smallest index whose running sum of weights exceeds ``r``."""
        position, remaining = 0, r
        step = 1 << self.size.bit_length()
        while step:
            ahead = position + step
            if ahead <= self.size and self.tree[ahead] <= remaining:
                position = ahead
                remaining -= self.tree[ahead]
            step >>= 1
        return position


def _successive(ids: Sequence[str], weights: Sequence[int], stream: Stream) -> list[str]:
    """Everyone in ``ids`` (sorted), each placed with probability proportional to weight."""
    tree = _Fenwick(weights)
    left = list(weights)
    total = sum(weights)
    order: list[str] = []
    for _ in ids:
        index = tree.first_exceeding(stream.below(total))
        order.append(ids[index])
        tree.add(index, -left[index])
        total -= left[index]
        left[index] = 0
    return order


def alternate_order(seed: PublicSeed | str, weights: Mapping[str, int]) -> tuple[str, ...]:
    """Everyone in ``weights`` in the drawn alternates order (see the module text)."""
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights cannot be negative")
    stream = Stream(seed if isinstance(seed, str) else seed.text, ALTERNATES_STREAM)
    weighted = sorted(i for i, w in weights.items() if w > 0)
    unweighted = sorted(i for i, w in weights.items() if w == 0)
    return (
        *_successive(weighted, [weights[i] for i in weighted], stream),
        *_successive(unweighted, [1] * len(unweighted), stream),
    )


def panel_counts(lottery: UniformLottery, pool: Iterable[str]) -> dict[str, int]:
    """How many listed panels include each person of ``pool`` (their weight)."""
    counts = Counter(person for panel in lottery.panels for person in panel)
    return {person: counts[person] for person in pool}


def draw_alternates(
    instance: Instance, lottery: UniformLottery, panel: Panel, seed: PublicSeed | str
) -> tuple[str, ...]:
    """Everyone in the pool not on ``panel``, in the drawn alternates order."""
    counts = panel_counts(lottery, (p.id for p in instance.people))
    return alternate_order(seed, {i: w for i, w in counts.items() if i not in panel})


def lottery_problems(instance: Instance, lottery: UniformLottery) -> list[Problem]:
    """Why ``lottery`` cannot be drawn from for ``instance`` (empty if it can)."""
    if lottery.m < 1:
        return [Problem("the lottery lists no panels", key="panels")]
    return [
        Problem("; ".join(wrong), key=f"panel {index}")
        for index, panel in enumerate(lottery.panels)
        if (wrong := instance.violations(panel))
    ]


@dataclass(frozen=True)
class Draw:
    """The outcome of a transparent draw."""

    seed: PublicSeed
    m: int
    index: int
    """0-based row of the lottery list."""
    panel: Panel
    alternates: tuple[str, ...]
    """Everyone else in the pool, in the order they are offered vacancies."""


def transparent_draw(instance: Instance, lottery: UniformLottery, seed: PublicSeed) -> Draw:
    """Draw the panel and the alternates from ``lottery`` with ``seed``.

    Every listed panel must meet the quotas and the household rule for ``instance``
    (otherwise an InputError lists the ones that do not).
    """
    problems = lottery_problems(instance, lottery)
    if problems:
        raise InputError("the lottery holds panels that cannot be drawn", problems)
    index = draw_index(seed, lottery.m)
    panel = lottery.panels[index]
    return Draw(
        seed=seed,
        m=lottery.m,
        index=index,
        panel=panel,
        alternates=draw_alternates(instance, lottery, panel, seed),
    )


def fill_vacancy(
    instance: Instance, panel: Iterable[str], leaving_id: str, alternates: Sequence[str]
) -> str:
    """The replacement for ``leaving_id``: the first of ``alternates`` (in order) with whom
    the panel still meets every quota and the household rule.

    Alternates already on the panel are skipped; to fill a later vacancy pass the panel as
    it then stands and leave out alternates who declined. Raises a CalexitError if the
    leaver is not on the panel, the panel was not valid to begin with, or no alternate fits.
    """
    members = frozenset(panel)
    if leaving_id not in members:
        raise CalexitError(f"{leaving_id!r} is not on the panel, so leaves no vacancy")
    before = instance.violations(members)
    if before:
        raise CalexitError(
            "the panel does not meet the quotas and household rule to begin with: "
            + "; ".join(before)
        )
    staying = members - {leaving_id}
    for candidate in alternates:
        if candidate not in members and not instance.violations(staying | {candidate}):
            return candidate
    raise CalexitError(
        f"no alternate can replace {leaving_id!r} without breaking a quota or the household "
        f"rule ({len(alternates)} alternates tried)"
    )
