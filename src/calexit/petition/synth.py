"""Synthetic voter file, petition signatures and ground truth, for testing verification.

Pure domain code: no files, no clock, no global randomness. Everything follows from
:class:`SynthSpec` (``seed``, ``scale``, ``signatures``, ``validity``, :class:`ReasonMix`)
through independent ``numpy.random.PCG64`` streams: one for the statewide plan
(``SeedSequence([seed, 0])``), one per county for places (``[seed, 1, i]``) and one per
county for its voters and lines (``[seed, 2, i]``), so the output does not depend on
how it is chunked. :func:`synthesize` yields one :class:`CountyOutput` per county.

Columns are exactly :mod:`calexit.petition.schema`'s. Types: dates are ``date32``; ids,
names, addresses and ``party`` (``DEM``, ``REP``, ``NPP``, ``OTH``) are strings, with an
empty string (never null) for a missing middle name, suffix, unit or address field;
``section`` and ``line`` are ``int32`` (sections numbered from 1 per county, lines 1..100
within a section, in signing order); ``signature_id`` is ``"<fips>-<section:06>-<line:03>"``;
``withdrawn`` is a non-null bool, ``examiner_mismatch`` a nullable bool (true: the
signature did not compare; false: examined and compared, on about 10% of voters' lines;
null: not examined); ``cancelled_on``, ``true_voter_id`` may be null.

The voter file: each county holds ``max(1, round(registered_voters * scale))`` active
registrations, plus one cancelled row for every mover whose earlier registration was in
that county (about 3% of people move, 35% of them from another county; the cancelled
row's ``cancelled_on`` is the day of the new registration, and ``voter_id``, "CA" and 9
digits, is the same on both rows). Registration dates run from 1975-01-01 to 2027-12-31.

The petition: filed 2028-04-24, signed in the 180 days before (Elections Code 9014(b)).
``true_voter_id`` is the signer's voter id whenever the signer is a registered voter,
whatever the reason, and null for unregistered signers. ``expected_reason`` is the first
:class:`~calexit.petition.schema.Reason`, in its declared order, that applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from calexit.petition.schema import SIGNATURE_COLUMNS, TRUTH_COLUMNS, VOTER_COLUMNS
from calexit.petition.synth_county import CountyVoters, county_voters, voter_batches, voter_id_array
from calexit.petition.synth_lines import county_lines
from calexit.petition.synth_noise import signature_batch
from calexit.petition.synth_people import Columns
from calexit.petition.synth_plan import TAG_COUNTY, Plan, make_plan, persons_per_county, stream
from calexit.petition.synth_spec import (
    FILING_DATE,
    REASONS,
    ReasonMix,
    SynthSpec,
    check_spec,
    circulation_days,
    expected_reasons,
    spec_problems,
)

__all__ = [
    "FILING_DATE",
    "SIGNATURE_SCHEMA",
    "TRUTH_SCHEMA",
    "VOTER_SCHEMA",
    "CountyOutput",
    "ReasonMix",
    "SynthSpec",
    "SynthTables",
    "check_spec",
    "circulation_days",
    "persons_per_county",
    "spec_problems",
    "synthesize",
    "synthesize_tables",
]

_TYPES: dict[str, Any] = {
    "registered_on": pa.date32(),
    "cancelled_on": pa.date32(),
    "date_of_birth": pa.date32(),
    "signed_on": pa.date32(),
    "section": pa.int32(),
    "line": pa.int32(),
    "withdrawn": pa.bool_(),
    "examiner_mismatch": pa.bool_(),
}
_NOT_NULL = {"withdrawn", "signature_id", "voter_id", "expected_reason"}


def _schema(columns: tuple[str, ...]) -> Any:
    return pa.schema(
        [pa.field(c, _TYPES.get(c, pa.string()), nullable=c not in _NOT_NULL) for c in columns]
    )


VOTER_SCHEMA = _schema(VOTER_COLUMNS)
SIGNATURE_SCHEMA = _schema(SIGNATURE_COLUMNS)
TRUTH_SCHEMA = _schema(TRUTH_COLUMNS)


@dataclass(frozen=True, eq=False)
class CountyOutput:
    """One county: its voter rows (in batches, built on demand), lines and ground truth.

    Read :meth:`voters` before asking for the next county: the county's columns are
    held only until then.
    """

    index: int
    name: str
    fips: str
    voter_rows: int
    signatures: Any  # pyarrow.RecordBatch of SIGNATURE_SCHEMA
    truth: Any  # pyarrow.RecordBatch of TRUTH_SCHEMA
    _plan: Plan
    _voters: CountyVoters

    def voters(self) -> Iterator[Any]:
        """The county's voter rows as RecordBatches of at most ``spec.batch_rows`` rows."""
        return voter_batches(self._plan, self._voters, VOTER_SCHEMA, self._plan.spec.batch_rows)


@dataclass(frozen=True)
class SynthTables:
    voters: Any  # pyarrow.Table
    signatures: Any
    truth: Any


def _truth(plan: Plan, lines: Columns, ids: Any) -> Any:
    reason = expected_reasons(
        lines["kind"], lines["mismatch"], lines["withdrawn"], lines["no_address"]
    )
    voter = voter_id_array(plan, np.maximum(lines["pid"], 0))
    voter = pa.array(voter.to_numpy(zero_copy_only=False), mask=lines["pid"] < 0, type=pa.string())
    names = pa.array([r.value for r in REASONS], type=pa.string())
    arrays = [ids, voter, names.take(pa.array(reason))]
    return pa.RecordBatch.from_arrays(arrays, schema=TRUTH_SCHEMA)


def _county(plan: Plan, index: int) -> CountyOutput:
    county = plan.counties[index]
    rng = stream(plan.spec.seed, TAG_COUNTY, index)
    voters = county_voters(rng, plan, county)
    lines = county_lines(rng, plan, voters)
    signatures = signature_batch(rng, plan, lines, county.name, county.fips, SIGNATURE_SCHEMA)
    truth = _truth(plan, lines, signatures.column(0))
    return CountyOutput(
        index, county.name, county.fips, len(voters.rows), signatures, truth, plan, voters
    )


def synthesize(spec: SynthSpec) -> Iterator[CountyOutput]:
    """One :class:`CountyOutput` per county, in the order of ``counties()``.

    Raises :class:`~calexit.errors.InputError` for bad options (see :func:`check_spec`).
    """
    check_spec(spec)
    plan = make_plan(spec)
    for index in range(len(plan.counties)):
        yield _county(plan, index)


def synthesize_tables(spec: SynthSpec) -> SynthTables:
    """The three tables in memory (for small scales: tests, examples)."""
    voters: list[Any] = []
    signatures: list[Any] = []
    truth: list[Any] = []
    for county in synthesize(spec):
        voters.extend(county.voters())
        signatures.append(county.signatures)
        truth.append(county.truth)
    return SynthTables(
        pa.Table.from_batches(voters, VOTER_SCHEMA),
        pa.Table.from_batches(signatures, SIGNATURE_SCHEMA),
        pa.Table.from_batches(truth, TRUTH_SCHEMA),
    )
