"""Nominators checked against the voter file with the petition stage's matcher.

Each nominator line is matched as a petition signature would be (:class:`DuckDBEngine`:
exact SQL, then Splink on the rest): the nominator id stands for the signature id, the
nominee for the petition section, the date of signing for the day of signing. The
petition's reasons then become a nominator's (:class:`NominatorReason`):

* a registered voter at the address given, registered on the day of signing, counts;
  unlike a petition section a nomination is not tied to a county, so a voter whose
  registration is in another county than the line names counts too (if registered
  anywhere in California on that day);
* the same voter on a later line for the same nominee is a ``DUPLICATE`` (each nominator
  counts once per nominee); a voter may nominate several nominees;
* ``NOT_REGISTERED``, ``ADDRESS_MISMATCH``, ``NO_ADDRESS`` and ``REGISTERED_AFTER_SIGNING``
  (here ``REGISTERED_AFTER_NOMINATING``) mean what they mean for a petition.

The inputs are checked before they come here (:func:`calexit.files.commission_inputs.
read_nominators`, :func:`calexit.files.petition_inputs.check_voter_file`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calexit.commission.nominees import NominatorReason
from calexit.linkage.duckdb_engine import DuckDBEngine, LinkageRun
from calexit.petition.matching.model import MatchSettings

Progress = Callable[[str], None]

_AS_SIGNATURES = """
    select nominator_id as signature_id, county, nominee_id as section, line, signed_on,
           first_name, middle_name, last_name, house_number, street, unit, city, zip,
           false as withdrawn, cast(null as boolean) as examiner_mismatch
    from nominators_input"""

_RESULTS = """
    create or replace table nominator_results as
    with matched as (
        select n.line, n.nominator_id, n.nominee_id, n.signed_on, d.voter_id,
               d.match_probability, d.method, d.reason
        from nominators_input n join determinations d on d.signature_id = n.nominator_id),
    elsewhere as (
        -- a voter registered in another county than the line names: registered on the day?
        select m.nominator_id,
               bool_or(r.registered_on <= m.signed_on
                       and (r.cancelled_on is null or r.cancelled_on > m.signed_on)) as active,
               bool_or(r.registered_on > m.signed_on) as later
        from matched m join voters_n r on r.voter_id = m.voter_id
        where m.reason = 'WRONG_COUNTY'
        group by m.nominator_id),
    standing as (
        select m.*,
               case
                 when m.reason in ('VALID', 'DUPLICATE') then 'REGISTERED'
                 when m.reason = 'WRONG_COUNTY' and e.active then 'REGISTERED'
                 when m.reason = 'WRONG_COUNTY' and e.later then 'REGISTERED_AFTER_NOMINATING'
                 when m.reason = 'WRONG_COUNTY' then 'NOT_REGISTERED'
                 when m.reason = 'REGISTERED_AFTER_SIGNING' then 'REGISTERED_AFTER_NOMINATING'
                 else m.reason
               end as standing
        from matched m left join elsewhere e using (nominator_id))
    select line, nominator_id, nominee_id,
           case when standing in ('REGISTERED', 'REGISTERED_AFTER_NOMINATING')
                then voter_id end as voter_id,
           case when standing = 'REGISTERED' then
                  case when row_number() over (
                           partition by nominee_id,
                                        case when standing = 'REGISTERED' then voter_id end
                           order by line) = 1
                       then 'VALID' else 'DUPLICATE' end
                else standing end as reason,
           method, match_probability
    from standing"""


@dataclass(frozen=True)
class NominatorLine:
    line: int
    nominator_id: str
    nominee_id: str
    voter_id: str | None
    """The registration matched (``None`` when the line matched none)."""
    reason: NominatorReason
    method: str
    """``exact``, ``probabilistic`` or ``none``."""
    match_probability: float | None


@dataclass(frozen=True)
class NominatorCheck:
    valid: dict[str, int]
    """Nominee id -> distinct registered voters among the nominators (nominees with at
    least one line; read others as 0)."""
    table: Any
    """pyarrow.Table, one row per line: line, nominator_id, nominee_id, voter_id,
    reason, method, match_probability; in line order."""
    reasons: dict[str, int]
    linkage: LinkageRun
    seconds: float

    def lines(self) -> Iterator[NominatorLine]:
        for row in self.table.to_pylist():
            yield NominatorLine(
                int(row["line"]),
                str(row["nominator_id"]),
                str(row["nominee_id"]),
                row["voter_id"],
                NominatorReason(row["reason"]),
                str(row["method"]),
                row["match_probability"],
            )


def check_nominators(
    voters: Path | Any,
    nominators: Any,
    settings: MatchSettings | None = None,
    *,
    engine: DuckDBEngine | None = None,
    progress: Progress = lambda _: None,
) -> NominatorCheck:
    """Match every nominator line (a pyarrow table of ``NOMINATOR_SCHEMA``) to the voter
    file (a Parquet or CSV path, or a pyarrow table with the petition stage's voter
    columns); count each nominee's distinct registered voters.

    An engine passed in is left open (its ``nominator_results`` table holds the lines);
    otherwise one is made and closed here.
    """
    started = time.perf_counter()
    own = engine is None
    engine = engine or DuckDBEngine()
    try:
        if isinstance(voters, Path):
            engine.register_file("voters_raw", voters)
        else:
            engine.connection.register("voters_arrow", voters)
            engine.connection.execute("create or replace table voters_raw as from voters_arrow")
            engine.connection.unregister("voters_arrow")
        engine.connection.register("nominators_arrow", nominators)
        engine.connection.execute(
            "create or replace table nominators_input as select * from nominators_arrow"
        )
        engine.connection.unregister("nominators_arrow")
        engine.register_table("signatures_raw", _AS_SIGNATURES)
        run = engine.verify(settings or MatchSettings(), progress)
        progress("nominator_results")
        engine.connection.execute(_RESULTS)
        table = engine.connection.sql(
            "select * from nominator_results order by line"
        ).to_arrow_table()
        counts = engine.connection.execute(
            "select nominee_id, count(*) filter (where reason = 'VALID') "
            "from nominator_results group by nominee_id"
        ).fetchall()
        reasons = dict(
            engine.connection.execute(
                "select reason, count(*) from nominator_results group by reason"
            ).fetchall()
        )
    finally:
        if own:
            engine.close()
    return NominatorCheck(
        valid={str(n): int(c) for n, c in counts},
        table=table,
        reasons={r.value: int(reasons.get(r.value, 0)) for r in NominatorReason},
        linkage=run,
        seconds=time.perf_counter() - started,
    )
