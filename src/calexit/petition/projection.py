"""One county's projection of valid signatures from its random sample (2 CCR 20530-20532).

The steps, with the regulation's own rounding (worked example: 2 CCR 20540):

1. p = valid / sample, as a percentage to two decimal places (20530(c));
2. uncorrected = raw x p, rounded up to a whole number (20530(d));
3. A = raw / sample, the value of each signature, to four decimal places (20531);
4. B = A x (A - 1), the weight of each duplicate found in the sample, to four places;
5. C = B x duplicates, rounded up (20531);
6. projected = uncorrected - C (20532).

Rounding to a number of places is half-up, as in the example (516/722 = 71.468...% is
71.47%). Where every signature was examined (a raw count of 500 or fewer, Elections Code
9030(d)), there is nothing to project: the count is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from calexit.errors import InputError, Problem

_PERCENT_PLACES = Decimal("0.01")
_VALUE_PLACES = Decimal("0.0001")


class Method(StrEnum):
    RANDOM_SAMPLE = "random-sample"
    FULL_EXAMINATION = "full-examination"


@dataclass(frozen=True)
class CountyProjection:
    """Every intermediate figure of one county's projection, as the county would publish it."""

    raw: int
    sample: int
    valid: int
    duplicates: int
    method: Method
    p_percent: Decimal
    uncorrected: int
    a: Decimal
    b: Decimal
    c: int
    projected: int


def _check_counts(raw: int, sample: int, valid: int, duplicates: int) -> None:
    problems = []
    for name, value in (
        ("raw", raw),
        ("sample", sample),
        ("valid", valid),
        ("duplicates", duplicates),
    ):
        if value < 0:
            problems.append(Problem("must not be negative", key=name, value=str(value)))
    if sample == 0 and raw > 0:
        problems.append(
            Problem("must be above 0 when signatures were filed", key="sample", value="0")
        )
    if sample > raw:
        problems.append(Problem(f"exceeds the raw count {raw}", key="sample", value=str(sample)))
    if valid + duplicates > sample:
        problems.append(
            Problem(
                f"valid plus duplicates exceed the sample of {sample}",
                key="valid",
                value=str(valid),
            )
        )
    if problems:
        raise InputError("these counts cannot come from a random sample", problems)


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _ceiling(value: Decimal) -> int:
    return int(value.to_integral_value(rounding="ROUND_CEILING"))


def project_valid_signatures(
    raw: int, sample: int, valid: int, duplicates: int
) -> CountyProjection:
    """The projected number of valid signatures (2 CCR 20530-20532).

    ``valid`` counts the sampled signatures found valid (a withdrawn signature is not
    valid, 20530(b)(1)); ``duplicates`` counts duplicate signatures found in the sample.
    When ``sample == raw`` every signature was examined and the result is ``valid``.
    """
    _check_counts(raw, sample, valid, duplicates)
    if sample == raw:
        percent = (
            _round(Decimal(100 * valid) / Decimal(raw), _PERCENT_PLACES) if raw else Decimal(0)
        )
        return CountyProjection(
            raw,
            sample,
            valid,
            duplicates,
            Method.FULL_EXAMINATION,
            percent,
            valid,
            Decimal(1),
            Decimal(0),
            0,
            valid,
        )
    p_percent = _round(Decimal(100 * valid) / Decimal(sample), _PERCENT_PLACES)
    uncorrected = _ceiling(Decimal(raw) * p_percent / 100)
    a = _round(Decimal(raw) / Decimal(sample), _VALUE_PLACES)
    b = _round(a * (a - 1), _VALUE_PLACES)
    c = _ceiling(b * duplicates)
    return CountyProjection(
        raw,
        sample,
        valid,
        duplicates,
        Method.RANDOM_SAMPLE,
        p_percent,
        uncorrected,
        a,
        b,
        c,
        uncorrected - c,
    )


def statewide_projection(projections: list[CountyProjection]) -> int:
    """The statewide projection: the sum of the counties' projections (Elections Code 9030(e))."""
    return sum(p.projected for p in projections)
