"""The demo's vote stage: synthetic returns canvassed, then a comparison audit to the end.

At 1/200 scale (about 81,000 ballots) with a 58% Yes share and one CVR in a thousand
misread: the canvass applies the pack's participation and approval rules, and the
risk-limiting audit draws rounds from a public seed, reads the sampled paper ballots,
measures the risk and stops when it is confirmed (or escalates to a full hand count).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from calexit import __version__
from calexit.cli.output import console, table
from calexit.files.audit_bundle import verify_audit_bundle, write_audit_bundle
from calexit.files.audit_files import (
    cvr_codes,
    read_cvr_votes,
    read_results,
    sha256_file,
    write_retrieval_list,
)
from calexit.files.vote_synth_writer import hand_results, write_vote
from calexit.reference.datasets import counties
from calexit.rules.load import LoadedPack
from calexit.store import Store
from calexit.vote.canvass import Canvass, canvass
from calexit.vote.manifest import DrawnBallot, draw_ballots
from calexit.vote.rla import (
    AuditKind,
    AuditPlan,
    AuditStatus,
    audit_status,
    measure_risks,
    next_round_size,
    plan_audit,
    plan_to_json,
)
from calexit.vote.synth import synthesize_vote

DEMO_AUDIT_SEED = "20281107000000000002"


@dataclass(frozen=True)
class VoteDemo:
    canvass: Canvass
    plan: AuditPlan
    rounds: list[tuple[int, dict[str, float], AuditStatus]]
    bundle: Path
    bundle_ok: bool


def _round(
    folder: Path, number: int, drawn: tuple[DrawnBallot, ...], every: list[DrawnBallot]
) -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    listing, results = folder / f"round-{number}.csv", folder / f"results-{number}.csv"
    write_retrieval_list(listing, drawn)
    hand_results(folder / "paper.csv", listing, results)
    mvr = read_results(results, drawn)
    cvr = cvr_codes(read_cvr_votes(folder / "cvrs.csv"), every)
    return mvr, cvr


def _county_rows(result: Canvass) -> list[dict[str, object]]:
    """Each county's canvassed figures, for the portal's county map and table."""
    rows: list[dict[str, object]] = []
    for county in result.counties:
        c = county.counts
        turnout = c.ballots_cast / c.registered if c.registered else 0.0
        rows.append(
            {
                "county": county.county,
                "yes": c.yes,
                "no": c.no,
                "ballots": c.ballots_cast,
                "registered": c.registered,
                "turnout": round(turnout, 4),
            }
        )
    return rows


def run_vote_demo(pack: LoadedPack, store: Store, folder: Path) -> VoteDemo:
    """Synthesise, canvass, audit to the end, bundle and re-check, in ``folder``."""
    passage = pack.rules.passage
    if passage is None:
        raise ValueError("the demo pack has no passage rules")
    if folder.exists():
        shutil.rmtree(folder)
    vote = synthesize_vote(counties(), scale=0.005, yes_share=0.58, seed=2028, error_rate=0.001)
    paths = write_vote(vote, folder)
    result = canvass(vote.returns, passage)
    plan = plan_audit(
        result,
        passage,
        vote.manifest.total,
        AuditKind.COMPARISON,
        0.05,
        np.random.default_rng(int(DEMO_AUDIT_SEED)),
        n_sims=100,
    )
    now = datetime.now(UTC)
    reported = {
        "outcome": result.outcome.value,
        "returns_sha256": sha256_file(paths["returns"]),
        "cvrs_sha256": sha256_file(paths["cvrs"]),
        "statewide": vars(result.statewide),
    }
    audit_id = store.create_audit(
        pack.rules.id,
        "comparison",
        0.05,
        DEMO_AUDIT_SEED,
        reported,
        plan_to_json(plan),
        vote.manifest.total,
        sha256_file(paths["manifest"]),
        now=now,
    )
    rounds: list[tuple[int, dict[str, float], AuditStatus]] = []
    every: list[DrawnBallot] = []
    mvr_all = np.zeros(0, dtype=np.int8)
    status, drawn_so_far, number = AuditStatus.IN_PROGRESS, 0, 0
    while status is AuditStatus.IN_PROGRESS:
        number += 1
        target = plan.initial_size() if number == 1 else next_round_size(plan, drawn_so_far)
        frame = vote.manifest.with_phantoms(plan.reported.phantom)
        drawn = draw_ballots(frame, DEMO_AUDIT_SEED, target - drawn_so_far, drawn_so_far)
        every += drawn
        store.add_round(
            audit_id,
            number,
            target,
            [[b.county, b.batch, b.position, b.ticket, b.order] for b in drawn],
            now=datetime.now(UTC),
        )
        mvr, cvr = _round(folder, number, drawn, every)
        mvr_all = np.concatenate([mvr_all, mvr])
        risks = measure_risks(plan, mvr_all, cvr)
        status = audit_status(plan, risks, drawn=target, rounds=number)
        store.record_round(
            audit_id, number, mvr.tolist(), risks, status.value, now=datetime.now(UTC)
        )
        rounds.append((target, risks, status))
        drawn_so_far = target
    record = store.audit(audit_id)
    bundle = folder / "bundle"
    write_audit_bundle(
        bundle,
        audit={
            "audit": audit_id,
            "kind": "comparison",
            "seed": DEMO_AUDIT_SEED,
            "risk_limit": str(record.risk_limit),
            "status": record.status.value,
            "reported": reported,
            "plan": record.assertions,
        },
        rounds=[
            {
                "round": r.number,
                "cards": r.sample_size,
                "drawn": r.drawn,
                "results": r.results,
                "risks": r.risks,
                "status": r.status.value,
            }
            for r in store.rounds(audit_id)
        ],
        pack_text=pack.text,
        returns=paths["returns"],
        manifest=paths["manifest"],
        cvrs=paths["cvrs"],
    )
    ok = all(c.passed for c in verify_audit_bundle(bundle))
    run = store.start_run(
        "vote", pack.rules.id, seed=DEMO_AUDIT_SEED, code_version=__version__, now=now
    )
    store.finish_run(
        run,
        status="succeeded",
        summary={
            "outcome": result.outcome.value,
            "audit": audit_id,
            "audit_status": status.value,
            "rounds": len(rounds),
            "counties": _county_rows(result),
        },
        now=datetime.now(UTC),
    )
    return VoteDemo(result, plan, rounds, bundle, ok)


def print_vote_demo(demo: VoteDemo) -> None:
    total = demo.canvass.statewide
    console.print(
        f"Vote (demo at 1/200 scale, synthetic): {total.ballots_cast:,} ballots of "
        f"{total.registered:,} registered; outcome [bold]"
        f"{demo.canvass.outcome.value}[/bold]."
    )
    console.print(
        table(
            "Conditions",
            ["condition", "value", "needed", "margin", "passed"],
            [[c.name, c.percent, c.needed, c.margin, c.passed] for c in demo.canvass.conditions],
        )
    )
    console.print(
        table(
            f"Risk-limiting audit (comparison, seed {DEMO_AUDIT_SEED})",
            ["round", "cards in all", "risk", "status"],
            [
                [i + 1, cards, ", ".join(f"{v:.4f}" for v in risks.values()), status.value]
                for i, (cards, risks, status) in enumerate(demo.rounds)
            ],
        )
    )
    console.print(f"Audit bundle {demo.bundle} re-checked: {'yes' if demo.bundle_ok else 'NO'}.")
