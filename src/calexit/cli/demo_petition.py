"""The demo's petition stage: a synthetic petition verified end to end, at a small scale.

The demo runs at 1/200 of California (about 113,000 registrations and 5,000 signatures),
so the requirement is scaled by the same factor and said to be; everything else (the
sample sizes, the public draw, the projection, the 95/110 rule) is the real procedure.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from calexit.cli.output import console, table
from calexit.files.petition_bundle import verify_bundle, write_bundle
from calexit.files.synth_writer import write_synth
from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.linkage.verification import Verification, county_rows, summary, verify_petition
from calexit.petition.matching.model import MatchSettings
from calexit.petition.synth import SynthSpec, synthesize
from calexit.rules.load import LoadedPack
from calexit.rules.model import Petition, Rule

DEMO_SCALE = 0.005
DEMO_SEED = "20281107000000000001"
"""The demo's public seed (20 digits), printed so anyone can re-draw its sample."""


@dataclass(frozen=True)
class PetitionDemo:
    result: Verification
    bundle: Path
    checks_passed: bool
    scaled_requirement: int


def scaled_rules(rules: Petition, scale: float) -> Petition:
    """The pack's petition rules with the requirement scaled to the demo's electorate."""
    required = max(1, round(rules.required_signatures.value * scale))
    source = f"{rules.required_signatures.source}; scaled by {scale} for the demo"
    votes = round(required / rules.signature_share.value)
    return rules.model_copy(
        update={
            "required_signatures": Rule[int](value=required, source=source),
            "gubernatorial_votes": Rule[int](value=votes, source=source),
        }
    )


def run_petition_demo(pack: LoadedPack, folder: Path) -> PetitionDemo:
    """Synthesise, verify, bundle and re-check a petition in ``folder`` (replaced each run)."""
    if pack.rules.petition is None:
        raise ValueError("the demo pack has no petition rules")
    if folder.exists():
        shutil.rmtree(folder)
    data, bundle = folder / "synthetic", folder / "bundle"
    spec = SynthSpec(seed=2028, scale=DEMO_SCALE)
    write_synth(synthesize(spec), spec, data)
    rules = scaled_rules(pack.rules.petition, DEMO_SCALE)
    engine = DuckDBEngine()
    try:
        result, _ = verify_petition(
            data / "voters.parquet",
            data / "signatures.parquet",
            rules,
            DEMO_SEED,
            MatchSettings(),
            engine=engine,
        )
        write_bundle(
            bundle,
            connection=engine.connection,
            pack=pack,
            inputs={"voters": data / "voters.parquet", "signatures": data / "signatures.parquet"},
            counties=county_rows(result),
            decision=summary(result),
            model=result.linkage.model,
            settings=MatchSettings(),
            full_count=result.full_count is not None,
            rules=rules,
        )
    finally:
        engine.close()
    return PetitionDemo(
        result,
        bundle,
        all(c.passed for c in verify_bundle(bundle)),
        rules.required_signatures.value,
    )


def print_petition_demo(demo: PetitionDemo) -> None:
    decision = demo.result.decision
    largest = sorted(demo.result.counties, key=lambda c: -c.projection.raw)[:8]
    console.print(
        table(
            f"Petition (demo at 1/{round(1 / DEMO_SCALE)} scale; seed {DEMO_SEED}): "
            "largest counties",
            ["county", "raw", "sample", "valid", "dup", "projected"],
            [
                [
                    c.county,
                    c.projection.raw,
                    c.projection.sample,
                    c.projection.valid,
                    c.projection.duplicates,
                    c.projection.projected,
                ]
                for c in largest
            ],
        )
    )
    console.print(
        f"Statewide: {decision.raw_total:,} filed, {decision.projected:,} projected valid of "
        f"{demo.scaled_requirement:,} required (scaled): [bold]{decision.outcome.value}[/bold]. "
        f"Bundle {demo.bundle} re-derived: {'yes' if demo.checks_passed else 'NO'}."
    )
