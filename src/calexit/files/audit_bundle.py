"""The audit bundle: what anyone needs to re-check the risk-limiting audit of the vote.

A folder with the rule pack, the returns, the ballot manifest, the CVRs (comparison
audits), the plan, every round's drawn cards and hand results, and a manifest of SHA-256
digests. :func:`verify_audit_bundle` re-canvasses the returns, re-derives the assertions,
re-draws every round from the public seed, re-measures every risk and re-derives the
status, naming each check that fails.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from calexit import __version__
from calexit.errors import InputError, Problem
from calexit.files.audit_files import cvr_codes, read_cvr_votes, read_manifest, sha256_file
from calexit.files.petition_bundle import Check
from calexit.files.vote_returns import read_returns
from calexit.rules.load import parse_pack
from calexit.vote.canvass import canvass
from calexit.vote.manifest import DrawnBallot, draw_ballots
from calexit.vote.rla import AuditKind, audit_status, measure_risks, plan_from_json

INPUTS = ("pack.toml", "returns", "manifest.csv")


def _write_json(path: Path, value: Any) -> None:
    path.write_text(
        json.dumps(value, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )


def write_audit_bundle(
    folder: Path,
    *,
    audit: dict[str, Any],
    rounds: list[dict[str, Any]],
    pack_text: str,
    returns: Path,
    manifest: Path,
    cvrs: Path | None,
) -> Path:
    """Copy the inputs and write the audit (``audit.json``: id, kind, seed, risk limit,
    status, reported, plan) and its rounds (``rounds.json``) into ``folder``."""
    if folder.exists() and any(folder.iterdir()):
        raise InputError(
            "the bundle folder must be empty",
            [Problem("is not empty", key="--out", value=str(folder))],
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(pack_text, encoding="utf-8")
    shutil.copyfile(returns, folder / f"returns{returns.suffix}")
    shutil.copyfile(manifest, folder / "manifest.csv")
    if cvrs is not None:
        shutil.copyfile(cvrs, folder / "cvrs.csv")
    _write_json(folder / "audit.json", audit)
    _write_json(folder / "rounds.json", rounds)
    files = {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}
    _write_json(folder / "manifest.json", {"calexit_version": __version__, "files": files})
    return folder


def _returns_file(folder: Path) -> Path | None:
    found = sorted(folder.glob("returns.*"))
    return found[0] if found else None


def _check_canvass(folder: Path, audit: dict[str, Any]) -> Check:
    pack = parse_pack((folder / "pack.toml").read_text(encoding="utf-8"), "pack.toml")
    returns = _returns_file(folder)
    if pack.rules.passage is None or returns is None:
        return Check("the returns give the reported outcome", False, "no passage rules or returns")
    result = canvass(read_returns(returns), pack.rules.passage)
    expected = audit["reported"]["outcome"]
    return Check(
        "the returns give the reported outcome",
        result.outcome.value == expected,
        f"{result.outcome.value} (reported {expected})",
    )


def _check_draws(folder: Path, audit: dict[str, Any], rounds: list[dict[str, Any]]) -> Check:
    phantoms = plan_from_json(audit["plan"]).reported.phantom
    manifest = read_manifest(folder / "manifest.csv").with_phantoms(phantoms)
    so_far, wrong = 0, []
    for round_ in rounds:
        again = draw_ballots(manifest, audit["seed"], round_["cards"] - so_far, so_far)
        drawn = [[b.county, b.batch, b.position, b.ticket, b.order] for b in again]
        if drawn != round_["drawn"]:
            wrong.append(str(round_["round"]))
        so_far = round_["cards"]
    return Check(
        "every round's cards are re-drawn from the seed",
        not wrong,
        "rounds " + ", ".join(wrong) if wrong else f"{len(rounds)} rounds re-drawn",
    )


def _check_risks(folder: Path, audit: dict[str, Any], rounds: list[dict[str, Any]]) -> list[Check]:
    plan = plan_from_json(audit["plan"])
    cvrs = read_cvr_votes(folder / "cvrs.csv") if plan.kind is AuditKind.COMPARISON else None
    mvr: list[int] = []
    drawn: list[DrawnBallot] = []
    wrong: list[str] = []
    status = "in-progress" if rounds else "planned"  # a drawn round moves a plan on
    for round_ in [r for r in rounds if r["results"] is not None]:
        mvr += round_["results"]
        drawn += [
            DrawnBallot(str(t), str(c), str(b), int(p), int(o)) for c, b, p, t, o in round_["drawn"]
        ]
        cvr = cvr_codes(cvrs, drawn) if cvrs is not None else None
        risks = measure_risks(plan, np.asarray(mvr, dtype=np.int8), cvr)
        if any(
            not math.isclose(risks[k], round_["risks"].get(k, -1.0), rel_tol=1e-9, abs_tol=1e-12)
            for k in risks
        ):
            wrong.append(str(round_["round"]))
        status = audit_status(plan, risks, drawn=round_["cards"], rounds=round_["round"]).value
    return [
        Check(
            "every recorded risk is re-measured from the hand results",
            not wrong,
            "rounds " + ", ".join(wrong) if wrong else "all agree",
        ),
        Check(
            "the status follows from the risks",
            status == audit["status"],
            f"{status} (recorded {audit['status']})",
        ),
    ]


def verify_audit_bundle(folder: Path) -> list[Check]:
    """Re-check the audit in ``folder``; one Check per step."""
    if not (folder / "manifest.json").is_file():
        raise InputError(
            "not an audit bundle",
            [Problem("has no manifest.json", key="FOLDER", value=str(folder))],
        )
    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    bad = [
        name
        for name, digest in listed.items()
        if not (folder / name).is_file() or sha256_file(folder / name) != digest
    ]
    checks = [Check("files match the manifest", not bad, ", ".join(bad) or "all SHA-256 agree")]
    missing = [
        n
        for n in ("audit.json", "rounds.json", "pack.toml", "manifest.csv")
        if not (folder / n).is_file()
    ]
    if missing or _returns_file(folder) is None:
        return [
            *checks,
            Check(
                "the bundle holds every file",
                False,
                "missing: " + ", ".join(missing or ["returns"]),
            ),
        ]
    audit = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    rounds = json.loads((folder / "rounds.json").read_text(encoding="utf-8"))
    return [
        *checks,
        _check_canvass(folder, audit),
        _check_draws(folder, audit, rounds),
        *_check_risks(folder, audit, rounds),
    ]
