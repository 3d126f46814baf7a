"""A whole petition verification: raw counts, the public sample, linkage, projection, decision.

The steps of Elections Code 9030-9031 in order. The domain decides (sample sizes, the
draw, the projection, the 95/110 rule); the DuckDB engine matches signatures to the
voter file. A full count examines every signature and reports how far the count had
to go before the requirement was reached.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calexit.linkage.duckdb_engine import DuckDBEngine, LinkageRun
from calexit.petition.matching.model import MatchSettings
from calexit.petition.projection import (
    CountyProjection,
    project_valid_signatures,
    statewide_projection,
)
from calexit.petition.qualify import Outcome, SampleDecision, decide_on_sample
from calexit.petition.sample import check_seed, draw_sample, sample_size
from calexit.reference.datasets import counties
from calexit.reference.datasets import county as county_named
from calexit.rules.model import Petition

Progress = Callable[[str], None]
PARALLEL_DRAW_ABOVE = 200_000
"""Raw signatures above which the sample is drawn on two processes."""


@dataclass(frozen=True)
class CountyResult:
    county: str
    fips: str
    projection: CountyProjection


@dataclass(frozen=True)
class FullCountResult:
    examined: int
    valid: int
    duplicates: int
    reached_requirement_after: int | None
    """Signatures examined (in the counties' interleaved filing order) when the valid count
    reached the requirement; None when it never did."""
    qualified: bool


@dataclass
class Verification:
    seed: str
    counties: list[CountyResult]
    decision: SampleDecision
    linkage: LinkageRun
    full_count: FullCountResult | None = None
    reasons: dict[str, int] | None = None


def _raw_counts(engine: DuckDBEngine) -> dict[str, int]:
    rows = engine.connection.execute(
        "select county, count(*) from signatures_input group by county"
    ).fetchall()
    return {county_named(str(name)).name: int(count) for name, count in rows}


def _prepare_signatures(engine: DuckDBEngine) -> None:
    """Number each county's signatures 1..raw in filing order (section, line, id)."""
    engine.connection.execute(
        """
        create or replace table signatures_input as
        select s.* replace (c.name as county),
               row_number() over (partition by c.name order by s.section,
                                  try_cast(s.line as bigint), s.signature_id) as position
        from signatures_file s
        join (select unnest(?) as name) c on upper(trim(s.county)) = upper(c.name)""",
        [[c.name for c in counties()]],
    )


def _county_draw(task: tuple[str, int, int, str, str]) -> list[tuple[str, int]]:
    name, count, size, seed, fips = task
    return [(name, position) for position in draw_sample(count, size, seed, fips)]


def _draw(raw: dict[str, int], rules: Petition, seed: str) -> list[tuple[str, int]]:
    """Every county's sample; large petitions hash on two processes (the result is the same:
    each county's draw depends only on the seed, its FIPS code and its raw count)."""
    tasks = [
        (name, count, sample_size(count, rules), seed, county_named(name).fips)
        for name, count in sorted(raw.items())
    ]
    if sum(raw.values()) < PARALLEL_DRAW_ABOVE or "fork" not in mp.get_all_start_methods():
        return [pair for task in tasks for pair in _county_draw(task)]
    by_size = sorted(tasks, key=lambda t: -t[1])
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        drawn = dict(zip([t[0] for t in by_size], pool.map(_county_draw, by_size), strict=True))
    return [pair for task in tasks for pair in drawn[task[0]]]


def _examine(
    engine: DuckDBEngine,
    relation: str,
    settings: MatchSettings,
    progress: Progress,
    *,
    exact_pass: bool,
) -> LinkageRun:
    engine.register_table("signatures_raw", relation)
    return engine.verify(settings, progress, exact_pass=exact_pass)


def _reason_counts(engine: DuckDBEngine) -> dict[str, dict[str, int]]:
    rows = engine.connection.execute(
        "select county, reason, count(*) from determinations group by all"
    ).fetchall()
    table: dict[str, dict[str, int]] = {}
    for county, reason, count in rows:
        table.setdefault(str(county), {})[str(reason)] = int(count)
    return table


def _reason_totals(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for per_county in counts.values():
        for reason, count in per_county.items():
            totals[reason] = totals.get(reason, 0) + count
    return totals


def verify_sample(
    engine: DuckDBEngine,
    rules: Petition,
    seed: str,
    settings: MatchSettings,
    progress: Progress = lambda _: None,
    *,
    exact_pass: bool = True,
) -> Verification:
    """Raw count, random sample, examination and projection; the 95/110 decision."""
    seed = check_seed(seed)
    _prepare_signatures(engine)
    raw = _raw_counts(engine)
    progress("drawing the sample")
    chosen = _draw(raw, rules, seed)
    engine.load_rows("sampled", ("county", "position"), chosen)
    relation = "select i.* from signatures_input i join sampled using (county, position)"
    linkage = _examine(engine, relation, settings, progress, exact_pass=exact_pass)
    engine.connection.execute(
        "create or replace table sample_determinations as select * from determinations"
    )
    counts = _reason_counts(engine)
    results = []
    for name, count in sorted(raw.items()):
        reasons = counts.get(name, {})
        size = sample_size(count, rules)
        projection = project_valid_signatures(
            count, size, reasons.get("VALID", 0), reasons.get("DUPLICATE", 0)
        )
        results.append(CountyResult(name, county_named(name).fips, projection))
    decision = decide_on_sample(
        sum(raw.values()), max(0, statewide_projection([r.projection for r in results])), rules
    )
    return Verification(seed, results, decision, linkage, reasons=_reason_totals(counts))


def full_count(
    engine: DuckDBEngine,
    rules: Petition,
    settings: MatchSettings,
    progress: Progress = lambda _: None,
    *,
    exact_pass: bool = True,
) -> tuple[FullCountResult, LinkageRun]:
    """Examine every signature (Elections Code 9031); counties report as they go."""
    linkage = _examine(
        engine, "select * from signatures_input", settings, progress, exact_pass=exact_pass
    )
    required = rules.required_signatures.value
    row = engine.connection.execute(f"""
        with ordered as (
            select d.reason, row_number() over (order by i.position, i.county) as step
            from determinations d join signatures_input i using (signature_id)),
        running as (
            select step, sum(case when reason = 'VALID' then 1 else 0 end)
                over (order by step) as valid_so_far from ordered)
        select (select count(*) from ordered),
               (select count(*) from ordered where reason = 'VALID'),
               (select count(*) from ordered where reason = 'DUPLICATE'),
               (select min(step) from running where valid_so_far >= {required})
        """).fetchall()[0]
    examined, valid, duplicates, reached = (int(row[0]), int(row[1]), int(row[2]), row[3])
    result = FullCountResult(
        examined,
        valid,
        duplicates,
        int(reached) if reached is not None else None,
        valid >= required,
    )
    return result, linkage


def verify_petition(
    voters: Path,
    signatures: Path,
    rules: Petition,
    seed: str,
    settings: MatchSettings,
    *,
    force_full_count: bool = False,
    progress: Progress = lambda _: None,
    engine: DuckDBEngine | None = None,
    exact_pass: bool = True,
) -> tuple[Verification, DuckDBEngine]:
    """The whole stage on two files; the caller closes the returned engine."""
    engine = engine or DuckDBEngine()
    engine.register_file("voters_raw", voters)
    engine.register_file("signatures_file", signatures)
    result = verify_sample(engine, rules, seed, settings, progress, exact_pass=exact_pass)
    wanted = result.decision.outcome is Outcome.FULL_COUNT or force_full_count
    if wanted and result.decision.outcome is not Outcome.FAILED_RAW_COUNT:
        result.full_count, result.linkage = full_count(
            engine, rules, settings, progress, exact_pass=exact_pass
        )
        result.reasons = _reason_totals(_reason_counts(engine))
    return result, engine


def summary(result: Verification) -> dict[str, Any]:
    """Plain values for JSON, the store and the bundle."""
    decision = result.decision
    return {
        "seed": result.seed,
        "required": decision.required,
        "raw_total": decision.raw_total,
        "projected": decision.projected,
        "outcome": decision.outcome.value,
        "qualify_line": decision.qualify_line,
        "fail_line": decision.fail_line,
        "reasons": result.reasons or {},
        "full_count": None if result.full_count is None else vars(result.full_count),
    }


def county_rows(result: Verification) -> list[dict[str, Any]]:
    """Each county's projection as plain values (counties.csv, JSON, the store)."""
    rows = []
    for county in result.counties:
        p = county.projection
        rows.append(
            {
                "county": county.county,
                "fips": county.fips,
                "raw": p.raw,
                "sample": p.sample,
                "valid": p.valid,
                "duplicates": p.duplicates,
                "method": p.method.value,
                "p_percent": str(p.p_percent),
                "uncorrected": p.uncorrected,
                "a": str(p.a),
                "b": str(p.b),
                "c": p.c,
                "projected": p.projected,
            }
        )
    return rows
