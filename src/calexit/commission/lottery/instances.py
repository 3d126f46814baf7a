"""Reference and synthetic instances, for the tests and ``bench/lottery.py``.

* :func:`alternate` is the instance "Alternate(n, k)" of the supplementary information
  of Flanigan et al., *Fair algorithms for selecting citizens' assemblies* (Nature 596,
  2021): n/2 male conservatives, n/2 - 1 female liberals and one female conservative;
  features gender and politics; every value needs between k/2 - 1 and k panel members.
  The leximin (and maximin) minimum selection probability is exactly 10% = k/n: with
  ``a`` male conservatives, ``b`` female liberals and ``c`` in {0, 1} female
  conservatives on a panel, the male conservatives' probability ``E[a]/(n/2)`` and the
  female liberals' ``E[b]/(n/2 - 1)`` are at most ``(k - p)/(n - 1)`` when the female
  conservative has probability ``p = P(c = 1)``, and ``min(p, (k - p)/(n - 1))`` is
  largest at ``p = k/n``.
* :func:`synthetic` draws pools shaped like the paper's real ones: a few categories with
  skewed value shares, a pool skewed against the population by unequal response rates,
  and quotas around each value's population share, so that they bind.
"""

from __future__ import annotations

import math
import random

from calexit.commission.lottery.panels import PanelFinder
from calexit.commission.model import Instance, Person, Quota


def alternate(pool: int = 200, panel: int = 20) -> Instance:
    """Alternate(pool, panel); ``pool`` and ``panel`` must be even."""
    if pool % 2 or panel % 2 or panel > pool:
        raise ValueError("Alternate(n, k) needs even n >= k")
    half = pool // 2
    people = [
        *(
            Person(f"mc{i:05d}", {"gender": "male", "politics": "conservative"})
            for i in range(half)
        ),
        *(
            Person(f"fl{i:05d}", {"gender": "female", "politics": "liberal"})
            for i in range(half - 1)
        ),
        Person("fc00000", {"gender": "female", "politics": "conservative"}),
    ]
    low = panel // 2 - 1
    quotas = [
        Quota("gender", "male", low, panel),
        Quota("gender", "female", low, panel),
        Quota("politics", "conservative", low, panel),
        Quota("politics", "liberal", low, panel),
    ]
    return Instance(tuple(people), tuple(quotas), panel)


CATEGORIES: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("gender", (("female", 0.50), ("male", 0.48), ("non-binary", 0.02))),
    ("age", (("16-29", 0.22), ("30-44", 0.26), ("45-59", 0.24), ("60-74", 0.19), ("75+", 0.09))),
    ("region", (("north", 0.1), ("bay", 0.2), ("central", 0.15), ("south", 0.45), ("inland", 0.1))),
    ("education", (("school", 0.35), ("college", 0.3), ("degree", 0.35))),
    ("ethnicity", (("a", 0.4), ("b", 0.38), ("c", 0.15), ("d", 0.07))),
    ("attitude", (("very concerned", 0.3), ("concerned", 0.35), ("unsure", 0.2), ("not", 0.15))),
    ("tenure", (("owner", 0.55), ("renter", 0.4), ("other", 0.05))),
)
"""Categories with rough population shares, in the style of the paper's instances."""


def synthetic(
    pool: int, panel: int, categories: int, *, seed: int = 0, households: float = 0.0
) -> Instance:
    """A pool of ``pool`` people with the first ``categories`` of :data:`CATEGORIES`.

    Population shares are the listed ones perturbed by up to 20%, the pool over- or
    under-represents each value by a response rate between 1/3 and 3, and each quota is
    the value's population share of the panel, rounded down and up, widened by one seat
    on each side (more if needed to make the instance feasible). A share ``households``
    of the pool lives in two-person households. Deterministic in ``seed``.
    """
    if not 1 <= categories <= len(CATEGORIES):
        raise ValueError(f"between 1 and {len(CATEGORIES)} categories")
    rng = random.Random(seed)
    chosen = CATEGORIES[:categories]
    population: dict[str, list[float]] = {}
    in_pool: dict[str, list[float]] = {}
    for name, listed in chosen:
        raw = [share * rng.uniform(0.8, 1.2) for _, share in listed]
        shares = [r / sum(raw) for r in raw]
        rates = [3.0 ** rng.uniform(-1.0, 1.0) for _ in listed]
        weighted = [s * r for s, r in zip(shares, rates, strict=True)]
        total = sum(weighted)
        population[name] = shares
        in_pool[name] = [w / total for w in weighted]
    pairs = int(pool * households) // 2
    people = []
    for i in range(pool):
        features = {
            name: rng.choices([v for v, _ in listed], weights=in_pool[name])[0]
            for name, listed in chosen
        }
        household = f"h{i // 2:05d}" if i < 2 * pairs else None
        people.append(Person(f"p{i:05d}", features, household))
    counts = {(name, v): 0 for name, listed in chosen for v, _ in listed}
    for person in people:
        for name, _ in chosen:
            counts[name, person.features[name]] += 1
    for widen in range(1, panel + 1):
        quotas = []
        for name, listed in chosen:
            for (v, _), share in zip(listed, population[name], strict=True):
                target = share * panel
                low = max(0, min(math.floor(target) - widen, counts[name, v]))
                high = min(panel, math.ceil(target) + widen)
                quotas.append(Quota(name, v, low, max(low, high)))
        instance = Instance(tuple(people), tuple(quotas), panel)
        if PanelFinder(instance).any() is not None:
            return instance
    raise ValueError("no feasible quotas for this pool")  # pragma: no cover
