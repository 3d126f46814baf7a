"""How many raw signatures a campaign should file: the projection's sampling distribution.

For a raw total spread over the counties like the registered voters, each county's random
sample (Elections Code 9030(d)) finds valid signatures and duplicate pairs by chance; the
statewide projection (2 CCR 20530-20532, the exact formula, in integers) then clears 110
percent of the requirement with some probability. :func:`plan_raw_signatures` finds the
smallest raw total that qualifies on the random sample with the wanted probability.

Model: each signature is valid with probability ``validity``; a share ``duplicates`` of
signatures are second signatures of someone who also signed, so a county with raw count R
holds about ``duplicates x R`` duplicate pairs, each caught by a sample of n when both
signatures are drawn (probability about (n/R)^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.rules.model import Petition

IntArray = NDArray[np.int64]


def _round_half_up_div(numerator: IntArray, denominator: IntArray) -> IntArray:
    """round(numerator / denominator), halves up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def project_vectorised(
    raw: IntArray, sample: IntArray, valid: IntArray, duplicates: IntArray
) -> IntArray:
    """2 CCR 20530-20532 on arrays, in exact integer arithmetic (no floats).

    p in hundredths of a percent, A in ten-thousandths: the same roundings as
    :func:`calexit.petition.projection.project_valid_signatures`.
    """
    full = sample == raw
    if np.any(raw > 100_000 * np.maximum(sample, 1)):
        # A x 10^4 squared would pass int64; exact Python integers instead (never the case
        # for a legal sample, where raw / sample stays below 34).
        raw, sample, valid, duplicates = (
            x.astype(object) for x in (raw, sample, valid, duplicates)
        )
    safe_sample = np.maximum(sample, 1)
    p_bp = _round_half_up_div(10_000 * valid, safe_sample)  # percent x 100
    uncorrected = -((-raw * p_bp) // 10_000)  # ceil(raw x p / 100)
    a4 = _round_half_up_div(10_000 * raw, safe_sample)  # A x 10^4
    b4 = _round_half_up_div(a4 * (a4 - 10_000), 10_000 + 0 * a4)  # B x 10^4
    c = -((-b4 * duplicates) // 10_000)
    return np.where(full, valid, uncorrected - c).astype(np.int64)


@dataclass(frozen=True)
class PlanPoint:
    raw_total: int
    probability: float
    median_projection: int


@dataclass(frozen=True)
class Plan:
    target: int
    validity: float
    duplicates: float
    confidence: float
    raw_needed: int
    points: tuple[PlanPoint, ...]


def _county_sizes(raw_total: int, weights: NDArray[np.float64]) -> IntArray:
    sizes = np.floor(weights * raw_total).astype(np.int64)
    sizes[np.argsort(-(weights * raw_total - sizes))[: raw_total - int(sizes.sum())]] += 1
    return sizes


def _sample_sizes(raw: IntArray, rules: Petition) -> IntArray:
    share = rules.sample_share.value
    by_share = -((-raw * share.numerator) // share.denominator)
    sized = np.minimum(raw, np.maximum(rules.sample_minimum.value, by_share))
    return np.where(raw <= rules.full_check_at_or_below.value, raw, sized)


def qualify_probability(
    raw_total: int,
    weights: NDArray[np.float64],
    rules: Petition,
    validity: float,
    duplicates: float,
    draws: int,
    generator: np.random.Generator,
) -> PlanPoint:
    """Chance that a petition of ``raw_total`` signatures is eligible on the random sample."""
    raw = _county_sizes(raw_total, weights)
    sample = _sample_sizes(raw, rules)
    shape = (draws, raw.size)
    pairs = np.broadcast_to(np.round(duplicates * raw).astype(np.int64), shape)
    both = np.where(raw > 0, (sample / np.maximum(raw, 1)) ** 2, 0.0)
    found = generator.binomial(pairs, np.broadcast_to(both, shape))
    checked = np.maximum(sample - found, 0)
    valid = generator.binomial(checked, validity)
    projected = project_vectorised(
        np.broadcast_to(raw, shape), np.broadcast_to(sample, shape), valid, found
    ).sum(axis=1)
    required = rules.required_signatures.value
    line = math.floor(rules.qualify_above.value * required) + 1
    eligible = projected >= line
    return PlanPoint(raw_total, float(eligible.mean()), int(np.median(projected)))


def plan_raw_signatures(
    rules: Petition,
    weights: NDArray[np.float64],
    *,
    validity: float,
    duplicates: float,
    confidence: float = 0.95,
    draws: int = 2_000,
    seed: int = 2028,
) -> Plan:
    """The smallest raw total (to the nearest 1,000) eligible with ``confidence``."""
    if not 0 < validity <= 1 or not 0 <= duplicates < 1 or not 0 < confidence < 1:
        raise ValueError("validity in (0, 1], duplicates in [0, 1), confidence in (0, 1)")
    target = rules.required_signatures.value
    weights = weights / weights.sum()
    points: list[PlanPoint] = []

    def chance(total: int) -> float:
        generator = np.random.Generator(np.random.PCG64(seed))
        point = qualify_probability(total, weights, rules, validity, duplicates, draws, generator)
        points.append(point)
        return point.probability

    low = target
    high = max(target + 1_000, math.ceil(target * 1.1 / validity * 1.3))
    while chance(high) < confidence:
        low, high = high, high * 2
    while high - low > 1_000:
        middle = (low + high) // 2
        low, high = (low, middle) if chance(middle) >= confidence else (middle, high)
    ordered = tuple(sorted({p.raw_total: p for p in points}.values(), key=lambda p: p.raw_total))
    return Plan(target, validity, duplicates, confidence, high, ordered)
