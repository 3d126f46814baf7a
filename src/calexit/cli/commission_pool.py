"""``calexit commission pool`` and ``calexit commission quotas``: from nominees to the pool.

``pool`` reads the nominee intake and the nominator lines, matches every nominator
against the voter file with the petition stage's matcher (each registered voter counted
once per nominee), decides each nominee's eligibility under the pack, keeps nominees and
nominators (personal data) in the store and writes only the pseudonymous pool: an ``id``
and one column per feature, with a ``household`` label shared by nominees at one
dwelling. ``quotas check`` checks a ``feature,value,min,max`` file (or TOML), and a pool
against it; ``quotas default`` writes the default quotas of seed 004.

:func:`run_pool` is the whole pipeline in-process (the demo calls it); :func:`register`
adds the commands to the ``commission`` command group.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa  # type: ignore[import-untyped]
import typer

from calexit import __version__
from calexit.cli.commission_run import RELAX_HELP, relaxation_limits
from calexit.cli.output import console, print_json, spinner, table
from calexit.cli.store_cmd import DatabaseOption, JsonOption, connect
from calexit.commission.eligibility import (
    Decision,
    EligibilityRules,
    Ineligibility,
    decide_all,
    reason_counts,
)
from calexit.commission.lottery import InfeasibleQuotasError, diagnose
from calexit.commission.model import Instance, Quota
from calexit.commission.nominees import NOMINATOR_COLUMNS, NominatorReason, Nominee
from calexit.commission.quotas import (
    FEATURES,
    PublishedPool,
    default_quota_table,
    default_quotas,
    pseudonymous_pool,
)
from calexit.errors import InputError, Problem
from calexit.files.commission_inputs import (
    DEFAULT_SEATS,
    MAX_PROBLEMS,
    PoolFile,
    QuotaFile,
    nominee_ids,
    pool_counts,
    read_nominators,
    read_nominees,
    read_quotas,
    read_selection,
    seat_problems,
    write_pool,
    write_quotas,
    write_quotas_toml,
)
from calexit.files.petition_inputs import check_voter_file
from calexit.linkage.nominators import NominatorCheck, check_nominators
from calexit.petition.matching.model import MatchSettings
from calexit.reference.calendar import parse_date
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.rules.model import Commission
from calexit.store import NominatorEntry, NomineeEntry, Stage, Store

PackOption = Annotated[str, typer.Option("--pack", help="Rule pack id or file.")]
ProgressNews = Callable[[str], None]
SHOWN_REJECTIONS = 20


@dataclass(frozen=True)
class PoolRun:
    """What :func:`run_pool` found: every decision, the nominator lines, the pool."""

    pack_id: str
    as_of: date
    nominees: tuple[Nominee, ...]
    decisions: tuple[Decision, ...]
    check: NominatorCheck
    nominators: Any
    """The nominator lines given (pyarrow.Table, with a ``line`` column)."""
    pool: PublishedPool
    quotas_source: str
    seconds: float

    @property
    def instance(self) -> Instance:
        """The pseudonymous pool as a selection instance (the default or given quotas)."""
        return self.pool.instance

    @property
    def eligible(self) -> int:
        return sum(d.eligible for d in self.decisions)

    def households(self) -> int:
        """Dwellings shared by two or more people of the pool."""
        return len(self.instance.households())

    def rejections(self) -> list[dict[str, Any]]:
        """Each ineligible nominee (intake id) with every reason, in intake order."""
        return [
            {"nominee_id": d.nominee_id, "reasons": d.texts()}
            for d in self.decisions
            if not d.eligible
        ]

    def summary(self) -> dict[str, Any]:
        """The figures, as plain JSON values (no personal data beyond intake ids)."""
        counts = reason_counts(self.decisions)
        return {
            "pack": self.pack_id,
            "as_of": self.as_of.isoformat(),
            "nominees": len(self.decisions),
            "eligible": counts["ELIGIBLE"],
            "rejected": counts["INELIGIBLE"],
            "reasons": {r.value: counts[r.value] for r in Ineligibility},
            "nominator_lines": int(self.nominators.num_rows),
            "nominator_reasons": dict(self.check.reasons),
            "matching": {
                "exact": self.check.linkage.exact,
                "probabilistic_candidates": self.check.linkage.residue,
                "seconds": round(self.check.seconds, 2),
            },
            "pool": {
                "people": len(self.instance.people),
                "households": self.households(),
                "features": list(FEATURES),
                "counts": _feature_counts(self.instance),
            },
            "quotas": self.quotas_source,
            "seconds": round(self.seconds, 2),
        }


def _feature_counts(instance: Instance) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for (feature, value), count in sorted(pool_counts(instance.people).items()):
        found.setdefault(feature, {})[value] = count
    return found


def _commission(pack: LoadedPack) -> Commission:
    commission = pack.rules.commission
    if commission is None:
        raise InputError(
            f"pack {pack.rules.id} has no commission rules",
            [Problem("has no [commission] section", key="--pack", value=pack.rules.id)],
        )
    return commission


def _with_lines(nominators: Any) -> Any:
    """The nominator table with a ``line`` column (numbered as a CSV file would be)."""
    missing = [c for c in NOMINATOR_COLUMNS if c not in nominators.column_names]
    if missing:
        raise InputError(
            "the nominator table lacks columns",
            [Problem("missing column", key=c) for c in missing],
        )
    table_ = nominators.select(list(NOMINATOR_COLUMNS))
    if "line" in nominators.column_names:
        return table_.add_column(0, "line", nominators.column("line").cast(pa.int64()))
    lines = pa.array(range(2, nominators.num_rows + 2), type=pa.int64())
    return table_.add_column(0, "line", lines)


def _unknown_nominees(nominees: Sequence[Nominee], nominators: Any) -> None:
    known = {n.id for n in nominees}
    ids = nominators.column("nominee_id").to_pylist()
    lines = nominators.column("line").to_pylist()
    bad = [(line, n) for line, n in zip(lines, ids, strict=True) if n not in known]
    if bad:
        raise InputError(
            "nominator lines name nominees that are not in the intake",
            [
                Problem(
                    "is not a nominee of the intake", "nominators", line, key="nominee_id", value=n
                )
                for line, n in bad[:MAX_PROBLEMS]
            ],
            total=len(bad),
        )


def run_pool(
    pack: LoadedPack,
    nominees: Sequence[Nominee],
    nominators: Any,
    voters: Path | Any,
    *,
    as_of: date,
    quotas: Sequence[Quota] | None = None,
    quotas_source: str | None = None,
    store: Store | None = None,
    secret: str | None = None,
    settings: MatchSettings | None = None,
    progress: ProgressNews = lambda _: None,
    now: datetime | None = None,
) -> PoolRun:
    """The pool pipeline in-process: nominators against the voter file, eligibility,
    the pseudonymous pool and (with ``store``) nominees and nominators into the store.

    ``nominators`` is a pyarrow table with :data:`NOMINATOR_COLUMNS` (``signed_on`` a
    date; a ``line`` column is added when absent); ``voters`` a voter file (Parquet or
    CSV) or a pyarrow table with the petition stage's voter columns. ``quotas`` default to
    the pack's (:func:`default_quotas`); an eligible nominee with a value no quota names
    is an InputError, raised before anything is stored. ``secret`` orders the pool's ids
    (random when ``None``; fix it for a reproducible pool).
    """
    started = time.perf_counter()
    commission = _commission(pack)
    lines = _with_lines(nominators)
    _unknown_nominees(nominees, lines)
    chosen = tuple(quotas) if quotas is not None else default_quotas(commission)
    seats = commission.members.value if commission.members else DEFAULT_SEATS
    progress("matching nominators against the voter file")
    check = check_nominators(voters, lines, settings, progress=progress)
    progress("deciding eligibility")
    decisions = decide_all(
        nominees, check.valid, EligibilityRules.from_commission(commission), as_of
    )
    pool = pseudonymous_pool(
        nominees, decisions, chosen, seats, secret=secret or secrets.token_hex(16)
    )
    run = PoolRun(
        pack.rules.id,
        as_of,
        tuple(nominees),
        decisions,
        check,
        lines,
        pool,
        quotas_source or f"{pack.rules.id} default quotas",
        0.0,
    )
    if store is not None:
        progress("storing nominees and nominators")
        store_pool(store, pack, run, now=now)
    return replace(run, seconds=time.perf_counter() - started)


def store_pool(
    store: Store, pack: LoadedPack, run: PoolRun, *, now: datetime | None = None
) -> None:
    """Replace the stored nominees and nominators with ``run``'s, and record the stage run.

    Each nominee's record holds the intake fields, the region and, when eligible, the
    pool id it was published under; each nominator's the line as written.
    """
    when = now or datetime.now(UTC)
    published = run.pool.published_ids()
    by_id = {d.nominee_id: d for d in run.decisions}
    entries = []
    for nominee in run.nominees:
        decision = by_id[nominee.id]
        record = nominee.record()
        record["pool_id"] = published.get(nominee.id)
        entries.append(
            NomineeEntry(
                nominee.id,
                nominee.county,
                record,
                decision.eligible,
                decision.texts(),
                decision.valid_nominators,
            )
        )
    store.replace_nominees(entries, _nominator_entries(run), now=when)
    info = pack.rules.pack
    store.save_pack(info.id, info.version, info.title, pack.text, now=when)
    stage_run = store.start_run(
        Stage.COMMISSION, info.id, seed=None, code_version=__version__, now=when
    )
    store.finish_run(
        stage_run,
        status="succeeded",
        summary={"step": "pool", **run.summary()},
        now=datetime.now(UTC),
    )


_PERSONAL = tuple(c for c in NOMINATOR_COLUMNS if c not in ("nominee_id", "signed_on"))


def _nominator_entries(run: PoolRun) -> list[NominatorEntry]:
    given = run.nominators
    cells = {c: given.column(c).to_pylist() for c in (*_PERSONAL, "line", "nominee_id")}
    signed = [d.isoformat() for d in given.column("signed_on").to_pylist()]
    found = run.check.table
    matched = dict(
        zip(
            found.column("line").to_pylist(),
            zip(
                found.column("voter_id").to_pylist(),
                found.column("reason").to_pylist(),
                found.column("method").to_pylist(),
                strict=True,
            ),
            strict=True,
        )
    )
    entries = []
    for i, line in enumerate(cells["line"]):
        voter_id, reason, method = matched.get(line, (None, NominatorReason.NOT_REGISTERED, "none"))
        record = {c: cells[c][i] for c in _PERSONAL}
        record["signed_on"] = signed[i]
        record["method"] = method
        entries.append(NominatorEntry(cells["nominee_id"][i], line, record, voter_id, str(reason)))
    return entries


# --- the commands ----------------------------------------------------------------------------


def _read_inputs(
    nominees_path: Path, nominators_path: Path, voters: Path, sectors: Sequence[str]
) -> tuple[tuple[Nominee, ...], Any]:
    """The three files, every problem of all three in one InputError."""
    problems: list[Problem] = []
    total = 0
    nominees: tuple[Nominee, ...] = ()
    known: set[str] | None = None
    try:
        intake = read_nominees(nominees_path, sectors)
        nominees, known = intake.nominees, set(intake.lines)
    except InputError as error:
        problems += error.problems
        total += error.total
        known = nominee_ids(nominees_path)
    table_ = None
    try:
        table_ = read_nominators(nominators_path, known).table
    except InputError as error:
        problems += error.problems
        total += error.total
    try:
        check_voter_file(voters)
    except InputError as error:
        problems += error.problems
        total += error.total
    if total:
        raise InputError("the nominations cannot be read", problems[:MAX_PROBLEMS], total=total)
    return nominees, table_


def _check_out(path: Path, option: str) -> None:
    if not path.parent.is_dir():
        raise InputError(
            "cannot write the output",
            [Problem("its folder does not exist", key=option, value=str(path))],
        )


def pool_command(
    nominees: Annotated[Path, typer.Argument(metavar="NOMINEES", help="The nominee intake (CSV).")],
    nominators: Annotated[
        Path, typer.Argument(metavar="NOMINATORS", help="The nominator lines (CSV).")
    ],
    voters: Annotated[
        Path,
        typer.Option("--voters", help="The voter file (Parquet or CSV, the petition's columns)."),
    ],
    pack: PackOption = "calexit-2028",
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the pseudonymous pool (CSV).")
    ] = Path("pool.csv"),
    quotas: Annotated[
        Path | None,
        typer.Option(help="Quotas the pool must be covered by (default: the pack's)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Day nominations close, YYYY-MM-DD (for the look-back; default today)."
        ),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the nominations, decide eligibility, store them, write the pseudonymous pool."""
    loaded = resolve_pack(pack)
    commission = _commission(loaded)
    closing = parse_date(as_of, key="--as-of") if as_of else datetime.now(UTC).date()
    _check_out(out, "--out")
    seats = commission.members.value if commission.members else DEFAULT_SEATS
    quota_file = read_quotas(quotas, seats=seats) if quotas else None
    sectors = commission.sectors.value if commission.sectors else ()
    with spinner(as_json) as bar:
        task = bar.add_task("Reading the nominations", total=None)
        intake, lines = _read_inputs(nominees, nominators, voters, sectors)
        run = run_pool(
            loaded,
            intake,
            lines,
            voters,
            as_of=closing,
            quotas=None if quota_file is None else quota_file.quotas,
            quotas_source=None if quota_file is None else quota_file.source,
            progress=lambda news: bar.update(task, description=f"Matching: {news}"),
        )
        bar.update(task, description="Storing nominees and nominators")
        partial = out.with_name(f".{out.name}.pool-partial")
        try:
            write_pool(partial, run.instance, FEATURES, household=True)
            with connect(database_url) as store:
                store_pool(store, loaded, run)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    summary = {**run.summary(), "out": str(out)}
    if as_json:
        print_json({**summary, "rejections": run.rejections()})
        return
    _print_pool(run, summary, out)


def _print_pool(run: PoolRun, summary: dict[str, Any], out: Path) -> None:
    console.print(
        f"{summary['nominees']:,} nominees: [bold]{summary['eligible']:,} eligible[/bold], "
        f"{summary['rejected']:,} rejected (nominations close {summary['as_of']}, "
        f"pack {summary['pack']})."
    )
    console.print(
        table(
            "Rejected, by reason (a nominee may fail several)",
            ["reason", "nominees"],
            [[reason, count] for reason, count in summary["reasons"].items()],
        )
    )
    console.print(
        table(
            "Nominator lines, matched against the voter file",
            ["reason", "lines"],
            [[reason, count] for reason, count in summary["nominator_reasons"].items()],
        )
    )
    rejections = run.rejections()
    if rejections:
        shown = rejections[:SHOWN_REJECTIONS]
        more = len(rejections) - len(shown)
        title = "Rejected nominees" + (f" (first {len(shown)}; --json lists all)" if more else "")
        console.print(
            table(
                title,
                ["nominee", "reasons"],
                [[r["nominee_id"], "; ".join(r["reasons"])] for r in shown],
            )
        )
    console.print(
        f"Pseudonymous pool of {len(run.instance.people):,} written to {out} "
        f"({run.households()} shared households); names and addresses stay in the store."
    )


def quotas_check(
    quotas: Annotated[
        Path, typer.Argument(metavar="QUOTAS", help="Quotas: feature,value,min,max CSV or TOML.")
    ],
    pool: Annotated[
        Path | None, typer.Option("--pool", help="A pool CSV (id and one column per feature).")
    ] = None,
    seats: Annotated[
        int | None,
        typer.Option(help="Seats to fill (default: the file's panel_size, else 20).", min=1),
    ] = None,
    relax_limit: Annotated[list[str] | None, typer.Option(help=RELAX_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a quota file, and a pool against it; every problem located, exit 2.

    With a pool, also checks that some panel meets every quota and the household rule;
    if none does, says which quotas conflict and proposes the smallest relaxation."""
    found: PoolFile | None = None
    if pool is None:
        quota_file = read_quotas(quotas)
        panel = seats or quota_file.panel_size or DEFAULT_SEATS
        problems = seat_problems(quota_file, panel)
        if problems:
            raise InputError(f"{quota_file.source}: the quotas cannot fill {panel} seats", problems)
    else:
        quota_file, found = read_selection(quotas, pool, seats=seats)
        panel = found.instance.panel_size
        limits = relaxation_limits(relax_limit or [], quota_file.quotas)
        diagnosis = diagnose(found.instance, limits)
        if not diagnosis.feasible:
            raise InfeasibleQuotasError(diagnosis)
    counts = pool_counts(found.instance.people) if found else {}
    rows = [
        {
            "feature": q.feature,
            "value": q.value,
            "min": q.min,
            "max": q.max,
            "line": quota_file.line_of(q),
            **({"pool": counts.get(q.key, 0)} if found else {}),
        }
        for q in quota_file.quotas
    ]
    result: dict[str, Any] = {"quotas": quota_file.source, "seats": panel, "rows": rows}
    if found is not None:
        result["pool"] = {
            "source": found.source,
            "people": len(found.instance.people),
            "households": len(found.instance.households()),
            "ignored_columns": list(found.ignored),
        }
    if as_json:
        print_json(result)
        return
    columns = ["feature", "value", "min", "max", *(["in pool"] if found else [])]
    console.print(
        table(
            f"{quota_file.source}: {len(rows)} quotas for {panel} seats",
            columns,
            [
                [r["feature"], r["value"], r["min"], r["max"], *([r["pool"]] if found else [])]
                for r in rows
            ],
        )
    )
    if found is not None:
        for note in found.notes:
            console.print(note)
        console.print(
            f"{found.source}: {len(found.instance.people):,} people, "
            f"{len(found.instance.households())} shared households; no problems found."
        )
    else:
        console.print("No problems found.")


def quotas_default(
    pack: PackOption = "calexit-2028",
    seats: Annotated[
        int | None, typer.Option(help="Seats (default: the pack's commission size).", min=1)
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write them: .csv or .toml.")] = Path(
        "quotas.csv"
    ),
    as_json: JsonOption = False,
) -> None:
    """Write the default quotas (region, party, sector) that follow seed 004."""
    loaded = resolve_pack(pack)
    commission = _commission(loaded)
    _check_out(out, "--out")
    rows = default_quota_table(commission, seats)
    panel = seats or (commission.members.value if commission.members else DEFAULT_SEATS)
    quotas = [r.quota for r in rows]
    if out.suffix.lower() == ".toml":
        write_quotas_toml(out, quotas, panel)
    else:
        write_quotas(out, quotas)
    described = [
        {
            "feature": r.quota.feature,
            "value": r.quota.value,
            "min": r.quota.min,
            "max": r.quota.max,
            "exact_seats": None if r.seats is None else round(float(r.seats), 3),
            "source": r.source,
        }
        for r in rows
    ]
    if as_json:
        print_json({"pack": loaded.rules.id, "seats": panel, "out": str(out), "quotas": described})
        return
    console.print(
        table(
            f"Default quotas of {loaded.rules.id} for {panel} seats",
            ["feature", "value", "min", "max", "exact share", "basis"],
            [
                [
                    d["feature"],
                    d["value"],
                    d["min"],
                    d["max"],
                    "—" if d["exact_seats"] is None else f"{d['exact_seats']:.2f}",
                    d["source"],
                ]
                for d in described
            ],
        )
    )
    console.print(f"Written to {out}.")


def register(app: typer.Typer) -> None:
    """Add ``pool`` and ``quotas check|default`` to the ``commission`` command group."""
    app.command("pool")(pool_command)
    quotas_app = typer.Typer(
        help="Quotas: feature,value,min,max (CSV or TOML), checked or the default.",
        no_args_is_help=True,
    )
    quotas_app.command("check")(quotas_check)
    quotas_app.command("default")(quotas_default)
    app.add_typer(quotas_app, name="quotas")


__all__ = ["PoolRun", "QuotaFile", "register", "run_pool", "store_pool"]
