"""The commission lottery's steps as the CLI and the demo run them.

:func:`select_lottery` finds the fairest distribution over quota-compliant panels, rounds
it to a published list of ``m`` equally likely panels, writes the before-draw audit
bundle and stores the lottery. :func:`draw_lottery` draws from a committed bundle with a
public seed and seats the members and alternates in the store. Both write their bundle
into a sibling folder first and move it into place only when it is complete, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calexit.commission.draw import Draw
from calexit.commission.draw import fill_vacancy as choose_replacement
from calexit.commission.lottery import find_distribution, gini, round_lottery, rounding_bound
from calexit.commission.model import Distribution, Instance, Quota, UniformLottery
from calexit.commission.seed import PublicSeed, SeedPlan
from calexit.errors import CalexitError, InputError, NotFoundError, Problem
from calexit.files.commission_bundle import read_committed, record_draw, write_commitment
from calexit.rules.load import LoadedPack
from calexit.store import LotteryRecord, SeatRecord, Store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Selection:
    """A lottery published (and, with a seed, drawn)."""

    lottery_id: int
    bundle: Path
    commitment: str
    algorithm: str
    instance: Instance
    optimal: Mapping[str, float]
    lottery: UniformLottery
    bound: float
    draw: Draw | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def optimum(self) -> dict[str, float]:
        """Lowest, highest and Gini of the optimal probabilities (from the summary)."""
        return dict(self.summary["optimal"])

    @property
    def published(self) -> dict[str, float]:
        """Lowest, highest and Gini of the published list's probabilities."""
        return dict(self.summary["lottery"])


def _ready_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(
            "the bundle folder must be new or empty",
            [Problem("already holds files", source=str(folder))],
        )


def _staging(folder: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))


def _move_into_place(staged: Path, folder: Path) -> None:
    if folder.exists():
        folder.rmdir()
    staged.rename(folder)


def _texts(folder: Path, names: Sequence[str] | None = None) -> dict[str, str]:
    chosen = names if names is not None else sorted(p.name for p in folder.iterdir())
    return {name: (folder / name).read_text(encoding="utf-8") for name in chosen}


def probability_summary(probabilities: Mapping[str, float]) -> dict[str, float]:
    values = sorted(probabilities.values())
    return {
        "min": values[0] if values else 0.0,
        "max": values[-1] if values else 0.0,
        "gini": gini(values),
    }


def select_lottery(
    store: Store,
    loaded: LoadedPack,
    instance: Instance,
    *,
    algorithm: str,
    m: int,
    plan: SeedPlan,
    bundle: Path,
    seed: PublicSeed | None = None,
    parameters: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    relax_limits: Mapping[tuple[str, str], int] | None = None,
    now: datetime | None = None,
) -> Selection:
    """Compute, publish and store a lottery; draw it too when ``seed`` is given."""
    _ready_folder(bundle)
    if seed is not None and not plan.admits(seed):
        raise InputError(
            "the seed is not the kind the seed plan announces",
            [Problem(f"the plan is {plan.text}", key="--seed", value=seed.text)],
        )
    distribution: Distribution = find_distribution(
        instance, algorithm, progress=progress, relaxation_limits=relax_limits
    )
    if progress:
        progress(f"Rounding to {m} equally likely panels")
    lottery = round_lottery(instance, distribution, m)
    optimal = distribution.probabilities()
    bound = rounding_bound(instance, m)
    settings = {"m": m, "rounding_bound": bound, **dict(parameters or {})}
    staged = _staging(bundle)
    try:
        commitment = write_commitment(
            staged,
            instance=instance,
            lottery=lottery,
            optimal=optimal,
            seed_plan=plan,
            parameters=settings,
        )
        committed_files = _texts(staged)
        draw = record_draw(staged, seed) if seed is not None else None
        _move_into_place(staged, bundle)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    when = now or datetime.now(UTC)
    info = loaded.rules.pack
    store.save_pack(info.id, info.version, info.title, loaded.text, now=when)
    optimum = probability_summary(optimal)
    rounded = probability_summary(lottery.probabilities())
    summary = {
        "algorithm": algorithm,
        "seed_plan": plan.text,
        "optimal": optimum,
        "lottery": rounded,
        "rounding_bound": bound,
        "pool": len(instance.people),
        "quotas": len(instance.quotas),
        "bundle": str(bundle),
    }
    lottery_id = store.create_lottery(
        info.id,
        algorithm=algorithm,
        panel_size=instance.panel_size,
        m=m,
        pool_size=len(instance.people),
        min_probability=optimum["min"],
        commitment=commitment,
        summary=summary,
        files=committed_files,
        now=when,
    )
    if draw is not None:
        _store_draw(store, lottery_id, bundle, draw, when)
    return Selection(
        lottery_id, bundle, commitment, algorithm, instance, optimal, lottery, bound, draw, summary
    )


def _store_draw(store: Store, lottery_id: int, bundle: Path, draw: Draw, when: datetime) -> None:
    store.record_draw(
        lottery_id,
        seed=draw.seed.text,
        index=draw.index,
        members=sorted(draw.panel),
        alternates=list(draw.alternates),
        files=_texts(bundle),
        now=when,
    )


def stored_lottery_for(store: Store, commitment: str) -> LotteryRecord | None:
    """The stored lottery published with ``commitment``, if this store holds it."""
    return next((lot for lot in store.lotteries() if lot.commitment == commitment), None)


def draw_lottery(
    store: Store, bundle: Path, seed: PublicSeed, *, now: datetime | None = None
) -> tuple[Draw, Instance, LotteryRecord | None]:
    """Draw a committed bundle with ``seed``; seat the members if the store holds it.
    Returns the draw, the instance the bundle publishes and the stored lottery (if any).

    The bundle is drawn in a copy that replaces the original only when complete.
    """
    if not (bundle / "commitment.json").is_file():
        raise InputError(
            "not a commission draw bundle",
            [Problem("no commitment.json here", source=str(bundle))],
        )
    staged = _staging(bundle)
    try:
        shutil.copytree(bundle, staged, dirs_exist_ok=True)
        draw = record_draw(staged, seed)
        backup = bundle.with_name(f".{bundle.name}.before-draw")
        bundle.rename(backup)
        staged.rename(bundle)
        shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    committed = read_committed(bundle)
    stored = stored_lottery_for(store, committed.commitment)
    if stored is not None:
        _store_draw(store, stored.id, bundle, draw, now or datetime.now(UTC))
    return draw, committed.instance, stored


def lottery_or_latest(store: Store, lottery_id: int | None) -> LotteryRecord:
    if lottery_id is not None:
        return store.lottery(lottery_id)
    latest = store.latest_lottery()
    if latest is None:
        raise NotFoundError("no commission lottery in the store; run `calexit commission select`")
    return latest


def stored_instance(store: Store, lottery_id: int) -> Instance:
    """The lottery's instance as its stored bundle publishes it."""
    files = store.bundle_files(lottery_id)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        return read_committed(Path(folder)).instance


@dataclass(frozen=True)
class Vacancy:
    leaving: str
    replacement: str
    skipped: tuple[str, ...]
    """Alternates ahead in the order who were passed over (declined, or would break a quota)."""


def fill_vacancy(
    store: Store,
    lottery: LotteryRecord,
    leaving: str,
    *,
    declined: Sequence[str] = (),
    now: datetime | None = None,
) -> Vacancy:
    """Seat the first alternate, in the published order, who keeps every quota met."""
    if lottery.seed is None:
        raise CalexitError(f"lottery {lottery.id} has not been drawn yet")
    seats = store.seats(lottery.id)
    panel = [s.person_id for s in seats if s.sitting]
    waiting = [s.person_id for s in seats if s.role.value == "alternate" and s.seated_at is None]
    unknown = sorted(set(declined) - set(waiting))
    if unknown:
        raise InputError(
            "only waiting alternates can decline",
            [Problem("not a waiting alternate", key="--declined", value=p) for p in unknown],
        )
    offered = [p for p in waiting if p not in set(declined)]
    instance = stored_instance(store, lottery.id)
    replacement = choose_replacement(instance, panel, leaving, offered)
    skipped = tuple(waiting[: waiting.index(replacement)])
    store.fill_vacancy(lottery.id, leaving, replacement, now=now or datetime.now(UTC))
    return Vacancy(leaving, replacement, skipped)


def seat_table(instance: Instance, seats: Sequence[SeatRecord]) -> list[dict[str, Any]]:
    """Seats with each person's published features (no personal data)."""
    features = {p.id: dict(p.features) for p in instance.people}
    return [
        {
            "id": s.person_id,
            "role": s.role.value,
            "position": s.position,
            "sitting": s.sitting,
            "replaces": s.replaces,
            **features.get(s.person_id, {}),
        }
        for s in seats
    ]


RELAX_HELP = (
    "How far the diagnosis of infeasible quotas may move a quota's bounds: "
    "FEATURE=VALUE:N for one quota, FEATURE:N for every value of a feature, *:N for all "
    "(0 keeps them fixed; repeatable; the most specific wins; default: no limit)."
)


def relaxation_limits(texts: Sequence[str], quotas: Sequence[Quota]) -> dict[tuple[str, str], int]:
    """Per-quota relaxation limits from ``--relax-limit`` options; every bad one reported."""
    problems: list[Problem] = []
    everyone: int | None = None
    by_feature: dict[str, int] = {}
    by_quota: dict[tuple[str, str], int] = {}
    keys = {q.key for q in quotas}
    features = {q.feature for q in quotas}
    for text in texts:
        target, _, amount = text.rpartition(":")
        if not target or not amount.strip().isdigit():
            problems.append(
                Problem(
                    "expected FEATURE=VALUE:N, FEATURE:N or *:N", key="--relax-limit", value=text
                )
            )
            continue
        limit = int(amount)
        feature, equals, value = target.partition("=")
        if target.strip() == "*":
            everyone = limit
        elif not equals and feature in features:
            by_feature[feature] = limit
        elif equals and (feature, value) in keys:
            by_quota[(feature, value)] = limit
        else:
            problems.append(Problem("no quota is named so", key="--relax-limit", value=text))
    if problems:
        raise InputError("bad relaxation limits", problems)
    limits: dict[tuple[str, str], int] = {}
    for quota in quotas:
        chosen = by_quota.get(quota.key, by_feature.get(quota.feature, everyone))
        if chosen is not None:
            limits[quota.key] = chosen
    return limits
