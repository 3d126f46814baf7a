"""``calexit audit``: plan, sample, record and follow the risk-limiting audit of the vote.

The audit lives in the store between commands: ``plan`` creates it from the returns and
the ballot manifest, ``sample`` draws a round's ballots from the public seed and writes
the retrieval list, ``record`` reads the hand results of that round and measures the
risk, ``status`` says where it stands.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from calexit.cli.output import console, print_json, table
from calexit.cli.store_cmd import DatabaseOption, JsonOption, connect
from calexit.errors import InputError, Problem
from calexit.files.audit_bundle import verify_audit_bundle, write_audit_bundle
from calexit.files.audit_files import (
    cvr_codes,
    read_cvr_votes,
    read_cvrs,
    read_manifest,
    read_results,
    sha256_file,
    write_retrieval_list,
)
from calexit.files.vote_returns import read_returns
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.store import Store
from calexit.store.audits import AuditRecord, RoundRecord
from calexit.vote.canvass import canvass
from calexit.vote.manifest import DrawnBallot, check_audit_seed, draw_ballots
from calexit.vote.rla import (
    AuditKind,
    AuditPlan,
    AuditStatus,
    audit_status,
    measure_risks,
    next_round_size,
    plan_audit,
    plan_from_json,
    plan_to_json,
)

app = typer.Typer(
    help="The risk-limiting audit of the vote: plan, sample, record, status.", no_args_is_help=True
)

AuditOption = Annotated[int | None, typer.Option("--audit", help="Audit id (default: latest).")]
ManifestOption = Annotated[
    Path, typer.Option(help="Ballot manifest CSV (county,batch,ballots).", show_default=False)
]


def _pack_passage(pack: str) -> tuple[LoadedPack, Any]:
    loaded = resolve_pack(pack)
    if loaded.rules.passage is None:
        raise InputError(
            f"pack {loaded.rules.id} has no passage rules",
            [Problem("has no [passage] section", key="--pack", value=pack)],
        )
    return loaded, loaded.rules.passage


def _print_plan(plan: AuditPlan, audit_id: int) -> None:
    console.print(
        f"Audit {audit_id}: {plan.kind.value}, risk limit {plan.risk_limit:.0%}; "
        f"reported outcome {'PASSES' if plan.reported_passes else 'FAILS'}."
    )
    console.print(
        table(
            "Assertions (SHANGRLA)",
            ["condition", "claim", "margin", "expected cards", "90th percentile"],
            [
                [a.condition, a.claim, f"{a.reported_margin:.4f}", round(a.expected), round(a.p90)]
                for a in plan.assertions
            ],
        )
    )
    if plan.accounting:
        acc = plan.accounting
        console.print(
            f"Participation by ballot accounting: manifest {acc.manifest_cards:,} "
            f"cards, {acc.needed:,} needed of {acc.registered:,} registered: "
            f"{'holds' if acc.holds else 'FALLS SHORT'}"
            f"{'' if acc.agrees_with_report else ' (differs from the report)'}."
        )
    console.print(f"First round: {plan.initial_size():,} cards.")


@app.command("plan")
def plan_command(
    returns: Annotated[
        Path, typer.Option(help="County returns (CSV or NIST JSON).", show_default=False)
    ],
    manifest: ManifestOption,
    seed: Annotated[
        str, typer.Option(help="Public 20-digit seed (e.g. rolled dice).", show_default=False)
    ],
    cvrs: Annotated[
        Path | None, typer.Option(help="Cast vote records, for a comparison audit.")
    ] = None,
    kind: Annotated[
        AuditKind | None,
        typer.Option(help="polling or comparison (default: comparison when CVRs are given)."),
    ] = None,
    risk_limit: Annotated[float, typer.Option(help="Risk limit alpha.")] = 0.05,
    simulations: Annotated[int, typer.Option(help="Simulated audits per estimate.")] = 200,
    pack: Annotated[str, typer.Option(help="Rule pack id or file.")] = "calexit-2028",
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan the audit: assertions, ballot accounting and sample-size estimates."""
    loaded, passage = _pack_passage(pack)
    seed = check_audit_seed(seed)
    chosen = kind or (AuditKind.COMPARISON if cvrs else AuditKind.POLLING)
    if chosen is AuditKind.COMPARISON and cvrs is None:
        raise InputError(
            "a comparison audit needs cast vote records",
            [Problem("is required for --kind comparison", key="--cvrs")],
        )
    if not 0 < risk_limit < 1 or simulations < 10:
        raise InputError(
            "bad option",
            [
                Problem(
                    "must lie strictly between 0 and 1", key="--risk-limit", value=str(risk_limit)
                )
            ]
            if not 0 < risk_limit < 1
            else [Problem("must be 10 or more", key="--simulations", value=str(simulations))],
        )
    if round(risk_limit, 5) != risk_limit:
        raise InputError(
            "bad option",
            [Problem("has more than 5 decimal places", key="--risk-limit", value=str(risk_limit))],
        )
    result = canvass(read_returns(returns), passage)
    ballots = read_manifest(manifest)
    if cvrs is not None:
        read_cvrs(cvrs, ballots)
    plan = plan_audit(
        result,
        passage,
        ballots.total,
        chosen,
        risk_limit,
        np.random.default_rng(int(seed)),
        n_sims=simulations,
    )
    reported = {
        "outcome": result.outcome.value,
        "returns_sha256": sha256_file(returns),
        "cvrs_sha256": sha256_file(cvrs) if cvrs else None,
        "statewide": vars(result.statewide),
    }
    now = datetime.now(UTC)
    with connect(database_url) as store:
        info = loaded.rules.pack
        store.save_pack(info.id, info.version, info.title, loaded.text, now=now)
        audit_id = store.create_audit(
            info.id,
            chosen.value,
            risk_limit,
            seed,
            reported,
            plan_to_json(plan),
            ballots.total,
            sha256_file(manifest),
            now=now,
        )
    if as_json:
        print_json(
            {
                "audit": audit_id,
                "plan": plan_to_json(plan),
                "reported": reported,
                "first_round": plan.initial_size(),
            }
        )
        return
    _print_plan(plan, audit_id)


def _audit(store: Store, audit_id: int | None) -> AuditRecord:
    record = store.audit(audit_id) if audit_id is not None else store.latest_audit()
    if record is None:
        raise InputError("no audit in the store yet: run `calexit audit plan` first")
    return record


def _same_file(path: Path, expected: str | None, option: str) -> None:
    if expected is not None and sha256_file(path) != expected:
        raise InputError(
            f"{path.name} is not the file the audit was planned with",
            [Problem("has a different SHA-256", key=option, value=str(path))],
        )


@app.command("sample")
def sample_command(
    manifest: ManifestOption,
    audit: AuditOption = None,
    size: Annotated[
        int | None,
        typer.Option(help="Cards drawn in all after this round (default: the plan's estimate)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Retrieval list CSV to write.")] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw the next round's cards from the public seed and write the retrieval list."""
    with connect(database_url) as store:
        record = _audit(store, audit)
        _same_file(manifest, record.manifest_sha256, "--manifest")
        rounds = store.rounds(record.id)
        if record.status.value in (AuditStatus.CONFIRMED, AuditStatus.FULL_HAND_COUNT):
            raise InputError(f"audit {record.id} is finished ({record.status.value})")
        if rounds and rounds[-1].results is None:
            raise InputError(
                f"round {rounds[-1].number} of audit {record.id} is drawn but not "
                "recorded: run `calexit audit record` first"
            )
        plan = plan_from_json(record.assertions)
        so_far = rounds[-1].sample_size if rounds else 0
        target = size or (next_round_size(plan, so_far) if rounds else plan.initial_size())
        if target <= so_far:
            raise InputError(
                "the round must draw more cards",
                [
                    Problem(
                        f"must exceed the {so_far:,} already drawn", key="--size", value=str(target)
                    )
                ],
            )
        frame = read_manifest(manifest).with_phantoms(plan.reported.phantom)
        drawn = draw_ballots(frame, record.seed, target - so_far, so_far)
        number = len(rounds) + 1
        store.add_round(
            record.id,
            number,
            target,
            [[b.county, b.batch, b.position, b.ticket, b.order] for b in drawn],
            now=datetime.now(UTC),
        )
    path = out or Path("calexit-output") / f"audit-{record.id}" / f"round-{number}.csv"
    write_retrieval_list(path, drawn)
    if as_json:
        print_json(
            {
                "audit": record.id,
                "round": number,
                "cards": len(drawn),
                "drawn_in_all": target,
                "retrieval_list": str(path),
            }
        )
        return
    console.print(
        f"Audit {record.id}, round {number}: {len(drawn):,} cards to retrieve "
        f"({target:,} in all) listed in {path}."
    )


def _drawn(round_: RoundRecord) -> list[DrawnBallot]:
    return [DrawnBallot(str(t), str(c), str(b), int(p), int(o)) for c, b, p, t, o in round_.drawn]


@app.command("record")
def record_command(
    results: Annotated[Path, typer.Argument(help="Hand results CSV (county,batch,position,vote).")],
    audit: AuditOption = None,
    cvrs: Annotated[
        Path | None, typer.Option(help="The CVRs the audit was planned with (comparison audits).")
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a round's hand results, measure the risk and say what happens next."""
    with connect(database_url) as store:
        record = _audit(store, audit)
        rounds = store.rounds(record.id)
        if not rounds or rounds[-1].results is not None:
            raise InputError(
                f"audit {record.id} has no drawn round waiting for results: run "
                "`calexit audit sample` first"
            )
        current = rounds[-1]
        plan = plan_from_json(record.assertions)
        codes = read_results(results, _drawn(current))
        mvr = np.concatenate([np.asarray(r.results, dtype=np.int8) for r in rounds[:-1]] + [codes])
        cvr = None
        if plan.kind is AuditKind.COMPARISON:
            if cvrs is None:
                raise InputError(
                    "a comparison audit needs its CVRs", [Problem("is required", key="--cvrs")]
                )
            _same_file(cvrs, record.reported.get("cvrs_sha256"), "--cvrs")
            every = [b for r in rounds for b in _drawn(r)]
            cvr = cvr_codes(read_cvr_votes(cvrs), every)
        risks = measure_risks(plan, mvr, cvr)
        status = audit_status(plan, risks, drawn=current.sample_size, rounds=current.number)
        store.record_round(
            record.id, current.number, codes.tolist(), risks, status.value, now=datetime.now(UTC)
        )
    summary = {
        "audit": record.id,
        "round": current.number,
        "cards": current.sample_size,
        "risks": risks,
        "status": status.value,
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        table(
            f"Audit {record.id} after round {current.number} ({current.sample_size:,} cards)",
            ["assertion", "risk"],
            [[name, f"{p:.4f}"] for name, p in risks.items()],
        )
    )
    console.print(f"Status: [bold]{status.value}[/bold] (risk limit {plan.risk_limit:.0%}).")


@app.command("status")
def status_command(
    audit: AuditOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Where the audit stands: its plan, every round, the risks and the status."""
    with connect(database_url) as store:
        record = _audit(store, audit)
        rounds = store.rounds(record.id)
    plan = plan_from_json(record.assertions)
    shown = {
        "audit": record.id,
        "kind": record.kind.value,
        "status": record.status.value,
        "seed": record.seed,
        "risk_limit": str(record.risk_limit),
        "reported": record.reported,
        "rounds": [
            {
                "round": r.number,
                "cards": r.sample_size,
                "drawn": len(r.drawn),
                "status": r.status.value,
                "risks": r.risks,
            }
            for r in rounds
        ],
    }
    if as_json:
        print_json(shown)
        return
    _print_plan(plan, record.id)
    console.print(
        table(
            "Rounds",
            ["round", "cards in all", "status", "risks"],
            [
                [
                    r.number,
                    r.sample_size,
                    r.status.value,
                    ", ".join(f"{k} {v:.4f}" for k, v in (r.risks or {}).items()),
                ]
                for r in rounds
            ],
        )
    )
    console.print(f"Status: [bold]{record.status.value}[/bold]; seed {record.seed}.")


@app.command("bundle")
def bundle_command(
    returns: Annotated[
        Path, typer.Option(help="The returns the audit was planned with.", show_default=False)
    ],
    manifest: ManifestOption,
    out: Annotated[
        Path, typer.Option(help="Folder for the bundle (new or empty).", show_default=False)
    ],
    cvrs: Annotated[Path | None, typer.Option(help="The CVRs (comparison audits).")] = None,
    audit: AuditOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the audit bundle: inputs, plan, every round; anyone can re-check it."""
    with connect(database_url) as store:
        record = _audit(store, audit)
        rounds = store.rounds(record.id)
        pack_text = store.pack(record.pack_id).toml_text
    _same_file(returns, record.reported.get("returns_sha256"), "--returns")
    _same_file(manifest, record.manifest_sha256, "--manifest")
    if record.kind.value == AuditKind.COMPARISON:
        if cvrs is None:
            raise InputError(
                "a comparison audit's bundle needs its CVRs", [Problem("is required", key="--cvrs")]
            )
        _same_file(cvrs, record.reported.get("cvrs_sha256"), "--cvrs")
    audit_json = {
        "audit": record.id,
        "kind": record.kind.value,
        "seed": record.seed,
        "risk_limit": str(record.risk_limit),
        "status": record.status.value,
        "reported": record.reported,
        "plan": record.assertions,
    }
    rounds_json = [
        {
            "round": r.number,
            "cards": r.sample_size,
            "drawn": r.drawn,
            "results": r.results,
            "risks": r.risks,
            "status": r.status.value,
        }
        for r in rounds
    ]
    write_audit_bundle(
        out,
        audit=audit_json,
        rounds=rounds_json,
        pack_text=pack_text,
        returns=returns,
        manifest=manifest,
        cvrs=cvrs,
    )
    if as_json:
        print_json({"audit": record.id, "bundle": str(out), "rounds": len(rounds)})
        return
    console.print(f"Audit {record.id}: bundle written to {out} ({len(rounds)} rounds).")


@app.command("verify-bundle")
def verify_bundle_command(
    folder: Annotated[Path, typer.Argument(help="An audit bundle folder.")],
    as_json: JsonOption = False,
) -> None:
    """Re-check an audit from its bundle; exit 1 if any check fails."""
    checks = verify_audit_bundle(folder)
    if as_json:
        print_json({"ok": all(c.passed for c in checks), "checks": checks})
    else:
        console.print(
            table(
                f"Re-checking {folder}",
                ["check", "result", "detail"],
                [[c.name, "pass" if c.passed else "FAIL", c.detail] for c in checks],
            )
        )
    if not all(c.passed for c in checks):
        raise typer.Exit(1)
