"""The demo's commission stage: a synthetic nominee pool, intake, the leximin lottery and
a public draw, the way `calexit commission pool | select | draw` run them.

Nominees are drawn from the petition demo's synthetic voter file (their nominators are
registered voters in it, with the usual share of typos, repeats and unregistered
lines); eligibility follows the pack; the pool is pseudonymous; the quotas are the pack's
defaults. The seed is a fixed string of dice digits, marked as the demo's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from calexit.cli.commission_pool import PoolRun, run_pool
from calexit.cli.commission_run import Selection, select_lottery
from calexit.cli.output import console, table
from calexit.commission.seed import SeedKind, SeedPlan, dice_seed
from calexit.commission.synth import CommissionSynthSpec, synthesize_commission
from calexit.files.commission_bundle import verify_draw
from calexit.rules.load import LoadedPack
from calexit.store import Store

DEMO_NOMINEES = 2000
DEMO_DICE = "3625141625364152634152634125364152635241"
"""The demo's "dice rolls" (40 digits 1-6): fixed so the demo is reproducible; a real
draw uses dice rolled in public or a drand round named in advance."""
DEMO_POOL_SECRET = "calexit-demo-pool"
DEMO_M = 1000


@dataclass(frozen=True)
class CommissionDemo:
    pool: PoolRun
    selection: Selection
    verified: bool

    def summary(self) -> dict[str, Any]:
        draw = self.selection.draw
        return {
            "intake": self.pool.summary(),
            "lottery": self.selection.lottery_id,
            "algorithm": self.selection.algorithm,
            "m": self.selection.lottery.m,
            "commitment": self.selection.commitment,
            "optimal": self.selection.optimum,
            "published": self.selection.published,
            "rounding_bound": self.selection.bound,
            "seed": draw.seed.text if draw else None,
            "panel_index": draw.index if draw else None,
            "members": sorted(draw.panel) if draw else [],
            "bundle": str(self.selection.bundle),
            "verified": self.verified,
        }


def run_commission_demo(
    pack: LoadedPack,
    store: Store,
    voters: Path,
    folder: Path,
    *,
    nominees: int = DEMO_NOMINEES,
    progress: Callable[[str], None] | None = None,
) -> CommissionDemo | None:
    """Nominees from ``voters`` (the petition demo's voter file) to a drawn commission."""
    commission = pack.rules.commission
    if commission is None or commission.members is None or not voters.is_file():
        return None
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    table_ = pq.read_table(voters)
    synthetic = synthesize_commission(
        table_, commission, CommissionSynthSpec(seed=2029, nominees=nominees)
    )
    pool = run_pool(
        pack,
        synthetic.nominees,
        synthetic.nominators,
        table_,
        as_of=synthetic.spec.as_of,
        store=store,
        secret=DEMO_POOL_SECRET,
        progress=progress or (lambda _: None),
    )
    seed = dice_seed(DEMO_DICE, "the demo's dice")
    selection = select_lottery(
        store,
        pack,
        pool.instance,
        algorithm="leximin",
        m=DEMO_M,
        plan=SeedPlan(SeedKind.DICE),
        bundle=folder / "lottery",
        seed=seed,
        parameters={"pool": "demo nominees", "quotas": f"{pack.rules.id} default quotas"},
        progress=progress,
    )
    verified = all(c.passed for c in verify_draw(selection.bundle, selection.commitment))
    return CommissionDemo(pool, selection, verified)


def print_commission_demo(demo: CommissionDemo) -> None:
    selection, pool = demo.selection, demo.pool
    draw = selection.draw
    reasons = pool.summary()["reasons"]
    rejected = ", ".join(f"{reason} {count}" for reason, count in reasons.items() if count)
    console.print(
        f"Commission: {len(pool.nominees):,} synthetic nominees, {pool.eligible:,} eligible"
        + (f" (rejected: {rejected})" if rejected else "")
    )
    if draw is None:
        return
    people = {p.id: p for p in selection.instance.people}
    optimal = selection.optimal
    console.print(
        table(
            f"The commission drawn by lottery ({selection.algorithm}, panel {draw.index} of "
            f"{draw.m}, demo dice seed)",
            ["#", "id", "region", "party", "sector", "probability"],
            (
                [
                    n,
                    pid,
                    people[pid].features.get("region", ""),
                    people[pid].features.get("party", ""),
                    people[pid].features.get("sector", ""),
                    f"{optimal.get(pid, 0.0):.4f}",
                ]
                for n, pid in enumerate(sorted(draw.panel), start=1)
            ),
        )
    )
    optimum, published = selection.optimum, selection.published
    console.print(
        f"Selection probabilities: {optimum['min']:.4f} to {optimum['max']:.4f} under "
        f"leximin (Gini {optimum['gini']:.3f}); {published['min']:.4f} to "
        f"{published['max']:.4f} in the published list of {draw.m} panels."
    )
    console.print(
        f"Lottery bundle {selection.bundle} re-checked: {'yes' if demo.verified else 'NO'} "
        f"(calexit commission verify-draw {selection.bundle})."
    )
