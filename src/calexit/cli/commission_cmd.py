"""``calexit commission``: nominees to pool, quotas, a fair lottery, a public draw, vacancies.

The lottery is published before it is drawn: ``select`` computes everyone's selection
probability and a list of ``m`` equally likely panels and writes them, with a commitment
hash, into an audit bundle; ``draw`` picks one listed panel with a public seed (dice, or
a drand round verified offline); ``verify-draw`` lets anyone re-derive the panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from calexit.cli.commission_run import (
    RELAX_HELP,
    Selection,
    draw_lottery,
    fill_vacancy,
    lottery_or_latest,
    relaxation_limits,
    seat_table,
    select_lottery,
    stored_instance,
)
from calexit.cli.output import console, print_json, spinner, table
from calexit.cli.store_cmd import DatabaseOption, JsonOption, connect
from calexit.commission.draw import Draw
from calexit.commission.lottery import ALGORITHMS
from calexit.commission.model import Instance
from calexit.commission.quotas import default_quotas, panel_size
from calexit.commission.seed import SeedKind, SeedPlan, parse_seed, parse_seed_plan
from calexit.errors import InputError, Problem
from calexit.files.commission_bundle import verify_draw
from calexit.files.commission_inputs import QuotaFile, read_pool, read_quotas
from calexit.rules.load import LoadedPack, resolve_pack

app = typer.Typer(
    help="The commission lottery: nominees, quotas, a fair draw anyone can verify.",
    no_args_is_help=True,
)

PackOption = Annotated[str, typer.Option("--pack", help="Rule pack id or file.")]
_SHOWN_ALTERNATES = 10


def _quotas(loaded: LoadedPack, path: Path | None, seats: int | None) -> tuple[QuotaFile, int]:
    if path is not None:
        found = read_quotas(path, seats=seats)
        size = seats or found.panel_size or panel_size(loaded.rules.commission)
        return found, size
    commission = loaded.rules.commission
    size = seats or panel_size(commission)
    if commission is None or size != panel_size(commission):
        raise InputError(
            "the default quotas are for the pack's commission size",
            [Problem("give --quotas for another panel size", key="--seats", value=str(size))],
        )
    quotas = default_quotas(commission)
    return QuotaFile(quotas, {}, f"{loaded.rules.id} default quotas", size), size


def _plan(seed_text: str | None, plan_text: str | None) -> tuple[SeedPlan, Any]:
    seed = parse_seed(seed_text, "--seed") if seed_text else None
    if plan_text:
        return parse_seed_plan(plan_text, "--seed-plan"), seed
    if seed is not None:
        return SeedPlan(seed.kind, seed.round), seed
    return SeedPlan(SeedKind.DICE), None


def _selection_json(selection: Selection) -> dict[str, Any]:
    optimal = selection.optimal
    rounded = selection.lottery.probabilities()
    features = {p.id: dict(p.features) for p in selection.instance.people}
    return {
        "lottery": selection.lottery_id,
        "algorithm": selection.algorithm,
        "commitment": selection.commitment,
        "bundle": str(selection.bundle),
        "m": selection.lottery.m,
        "panel_size": selection.instance.panel_size,
        "rounding_bound": selection.bound,
        "summary": selection.summary,
        "people": [
            {
                "id": pid,
                "probability": optimal.get(pid, 0.0),
                "lottery_probability": rounded.get(pid, 0.0),
                **features[pid],
            }
            for pid in sorted(features)
        ],
        "draw": _draw_json(selection.draw, selection.instance) if selection.draw else None,
    }


def _draw_json(draw: Draw, instance: Instance | None = None) -> dict[str, Any]:
    features = {p.id: dict(p.features) for p in instance.people} if instance else {}
    return {
        "seed": draw.seed.text,
        "index": draw.index,
        "m": draw.m,
        "panel": [{"id": pid, **features.get(pid, {})} for pid in sorted(draw.panel)],
        "alternates": list(draw.alternates),
    }


def _print_panel(draw: Draw, instance: Instance) -> None:
    features = instance.features
    by_id = {p.id: p for p in instance.people}
    console.print(
        table(
            f"The commission: panel {draw.index} of {draw.m}, drawn with {draw.seed.text[:40]}…",
            ["#", "id", *features],
            (
                [n, pid, *(by_id[pid].features.get(f, "") for f in features)]
                for n, pid in enumerate(sorted(draw.panel), start=1)
            ),
        )
    )
    shown = ", ".join(draw.alternates[:_SHOWN_ALTERNATES])
    console.print(f"Alternates in order ({len(draw.alternates)}): {shown}, …")


def print_selection(selection: Selection) -> None:
    optimum, rounded = selection.optimum, selection.published
    console.print(
        table(
            f"Lottery {selection.lottery_id}: {selection.algorithm}, "
            f"{len(selection.instance.people):,} people, {selection.instance.panel_size} seats",
            ["", "lowest probability", "highest probability", "Gini"],
            [
                [
                    "optimal distribution",
                    f"{optimum['min']:.4f}",
                    f"{optimum['max']:.4f}",
                    f"{optimum['gini']:.4f}",
                ],
                [
                    f"published list (m = {selection.lottery.m})",
                    f"{rounded['min']:.4f}",
                    f"{rounded['max']:.4f}",
                    f"{rounded['gini']:.4f}",
                ],
            ],
        )
    )
    console.print(
        f"Each person's probability in the list is within {selection.bound:.4f} of the optimum "
        "(the rounding bound)."
    )
    console.print(f"Bundle: {selection.bundle} (everyone's probability in probabilities.csv)")
    console.print(f"Commitment (announce it before the seed exists): {selection.commitment}")
    if selection.draw is None:
        console.print(
            "Not drawn yet: run `calexit commission draw "
            f"{selection.bundle} --seed …` with the seed the plan names."
        )
    else:
        _print_panel(selection.draw, selection.instance)


@app.command("select")
def select(
    pool: Annotated[
        Path, typer.Argument(help="Pool CSV: an id column and one column per quota feature.")
    ],
    quotas: Annotated[
        Path | None,
        typer.Option(
            help="Quotas (feature,value,min,max CSV, or TOML); default: the pack's quotas."
        ),
    ] = None,
    algorithm: Annotated[str, typer.Option(help=f"One of {', '.join(ALGORITHMS)}.")] = "leximin",
    seats: Annotated[int | None, typer.Option(help="Panel size; default: the pack's.")] = None,
    m: Annotated[int, typer.Option("--m", help="Panels in the published list.", min=1)] = 1000,
    seed: Annotated[
        str | None,
        typer.Option(
            help="Draw now with this public seed: dice:DIGITS or drand-quicknet:ROUND:SIG."
        ),
    ] = None,
    seed_plan: Annotated[
        str | None,
        typer.Option(help="How the seed will be chosen: dice or drand-quicknet:ROUND."),
    ] = None,
    bundle: Annotated[
        Path, typer.Option(help="Folder for the audit bundle (new or empty).")
    ] = Path("commission-lottery"),
    relax_limit: Annotated[list[str] | None, typer.Option(help=RELAX_HELP)] = None,
    pack: PackOption = "calexit-2028",
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute everyone's selection probability, publish the lottery; with --seed, draw it."""
    if algorithm not in ALGORITHMS:
        raise InputError(
            "unknown algorithm",
            [Problem(f"choose one of {', '.join(ALGORITHMS)}", key="--algorithm", value=algorithm)],
        )
    loaded = resolve_pack(pack)
    plan, public_seed = _plan(seed, seed_plan)
    quota_file, size = _quotas(loaded, quotas, seats)
    found = read_pool(pool, quota_file, size)
    limits = relaxation_limits(relax_limit or [], quota_file.quotas)
    with (
        connect(database_url) as store,
        spinner(as_json) as progress,
    ):
        task = progress.add_task(f"{algorithm}: starting", total=None)
        selection = select_lottery(
            store,
            loaded,
            found.instance,
            algorithm=algorithm,
            m=m,
            plan=plan,
            bundle=bundle,
            seed=public_seed,
            parameters={"pool": pool.name, "quotas": quota_file.source},
            progress=lambda news: progress.update(task, description=f"{algorithm}: {news}"),
            relax_limits=limits,
        )
    if as_json:
        print_json(_selection_json(selection))
        return
    for note in found.notes:
        console.print(note)
    print_selection(selection)


@app.command("draw")
def draw(
    bundle: Annotated[Path, typer.Argument(help="A committed lottery bundle.")],
    seed: Annotated[
        str, typer.Option(help="The public seed: dice:DIGITS or drand-quicknet:ROUND:SIGNATURE.")
    ],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw the panel and the alternates from a published lottery with the public seed."""
    public_seed = parse_seed(seed, "--seed")
    with connect(database_url) as store:
        drawn, instance, stored = draw_lottery(store, bundle, public_seed)
    if as_json:
        print_json({"lottery": stored.id if stored else None, **_draw_json(drawn, instance)})
        return
    _print_panel(drawn, instance)
    if stored is None:
        console.print("This store does not hold the lottery; only the bundle was updated.")
    console.print(f"Anyone can check it: calexit commission verify-draw {bundle}")


@app.command("verify-draw")
def verify_draw_command(
    bundle: Annotated[Path, typer.Argument(help="A lottery bundle folder.")],
    commitment: Annotated[
        str | None, typer.Option(help="The commitment announced before the draw.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Re-derive the lottery's list, probabilities, panel and alternates from the bundle."""
    checks = verify_draw(bundle, commitment)
    ok = all(c.passed for c in checks)
    if as_json:
        print_json({"ok": ok, "checks": checks})
    else:
        console.print(
            table(
                f"Checks of {bundle}",
                ["check", "result", "detail"],
                [[c.name, "pass" if c.passed else "FAIL", c.detail] for c in checks],
            )
        )
        console.print("The draw is verified." if ok else "The bundle does NOT verify.")
    if not ok:
        raise typer.Exit(1)


@app.command("vacancy")
def vacancy(
    member: Annotated[str, typer.Option(help="The id of the member who leaves.")],
    declined: Annotated[
        list[str] | None, typer.Option(help="An alternate who declined the seat (repeatable).")
    ] = None,
    lottery: Annotated[int | None, typer.Option(help="Lottery id; default: the latest.")] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fill a vacancy with the first alternate, in the published order, who keeps the quotas."""
    with connect(database_url) as store:
        record = lottery_or_latest(store, lottery)
        filled = fill_vacancy(store, record, member, declined=declined or [])
    if as_json:
        print_json({"lottery": record.id, **filled.__dict__})
        return
    passed = f" (passed over: {', '.join(filled.skipped)})" if filled.skipped else ""
    console.print(f"{filled.replacement} takes the seat of {filled.leaving}{passed}.")


@app.command("show")
def show(
    lottery: Annotated[int | None, typer.Option(help="Lottery id; default: the latest.")] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The stored lottery: its status, the members and the alternates."""
    with connect(database_url) as store:
        record = lottery_or_latest(store, lottery)
        seats = seat_table(stored_instance(store, record.id), store.seats(record.id))
    if as_json:
        print_json({"lottery": record, "seats": seats})
        return
    console.print(
        f"Lottery {record.id} ({record.algorithm}, {record.pool_size:,} people, m = {record.m}): "
        f"{record.status.value}; commitment {record.commitment}"
    )
    if record.seed:
        console.print(f"Seed: {record.seed[:60]}… panel index {record.drawn_index}")
    members = [s for s in seats if s["role"] == "member"]
    if members:
        features = [
            k for k in members[0] if k not in {"id", "role", "position", "sitting", "replaces"}
        ]
        console.print(
            table(
                "Members",
                ["#", "id", "sitting", "replaces", *features],
                (
                    [s["position"], s["id"], s["sitting"], s["replaces"], *(s[f] for f in features)]
                    for s in members
                ),
            )
        )
