"""The commission draw's audit bundle: the lottery list committed to, then the draw.

The bundle is written in two phases into one folder.

**Before the draw** (:func:`write_commitment`), when the seed does not exist yet:

=====================  ============================================================
``pool.csv``           ``id, household, <one column per quota feature>``: the
                       pseudonymous pool, sorted by id. ``household`` is a label
                       (``H1``, ``H2``, …) shared by people at one address, blank
                       for people alone; the real address key stays in the store.
``quotas.csv``         ``feature, value, min, max``.
``panels.csv``         ``index, member_1 … member_K``: the lottery list, rows
                       ``0 … m-1`` (the file's line ``index + 2``), members sorted.
``probabilities.csv``  ``id, optimal_probability, lottery_probability, panels``:
                       each person's probability under the algorithm's optimal
                       distribution, under the uniform lottery over the list, and
                       how many listed panels include them (``m`` × the latter).
``algorithm.json``     ``algorithm``, ``parameters``, ``m``, ``panel_size``, and
                       ``draw``: ``{generator, alternates}`` naming the procedures
                       of :mod:`calexit.commission.draw`.
``commitment.json``    ``calexit_version``, ``seed_plan`` (``dice`` or
                       ``drand-quicknet:ROUND``) and ``files``: the SHA-256 of each
                       file above. Its own SHA-256 is **the commitment**, to be
                       announced before the seed is known.
``manifest.json``      ``calexit_version``, ``phase`` (``committed``),
                       ``commitment`` and ``files``: SHA-256 of every other file.
=====================  ============================================================

**After the draw** (:func:`record_draw`), from the public seed:

=====================  ============================================================
``seed.json``          ``kind``, ``text`` (the canonical seed), and for dice
                       ``rolls``, ``bits``; for drand ``chain_hash``, ``round``,
                       ``round_time``, ``signature``, ``randomness``.
``draw.json``          ``calexit_version``, ``commitment``, ``seed`` (text),
                       ``generator``, ``m``, ``index`` (0-based), ``line`` (in
                       ``panels.csv``) and ``panel`` (sorted ids).
``alternates.csv``     ``rank, id, panels``: everyone else in the pool, in the order
                       vacancies are offered to them.
``manifest.json``      rewritten with ``phase`` ``drawn`` and every file's SHA-256.
=====================  ============================================================

Nominees' and nominators' personal data never enters the bundle: only the pseudonymous
ids, the quota features, household labels, the probabilities and the panel.

:func:`verify_draw` re-reads everything and returns one :class:`Check` per step; a
tampered file is named (with its line where the fault is in one line). A bundle that
cannot be read gives located problems in a failed check, never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calexit import __version__
from calexit.commission.draw import (
    ALTERNATES,
    GENERATOR,
    Draw,
    draw_alternates,
    draw_index,
    lottery_problems,
    panel_counts,
    transparent_draw,
)
from calexit.commission.model import Instance, Person, Quota, UniformLottery
from calexit.commission.seed import PublicSeed, SeedPlan, parse_seed, parse_seed_plan
from calexit.errors import InputError, Problem
from calexit.files.petition_bundle import Check

POOL = "pool.csv"
QUOTAS = "quotas.csv"
PANELS = "panels.csv"
PROBABILITIES = "probabilities.csv"
ALGORITHM = "algorithm.json"
COMMITMENT = "commitment.json"
MANIFEST = "manifest.json"
SEED = "seed.json"
DRAW = "draw.json"
ALTERNATES_CSV = "alternates.csv"
COMMITTED_FILES = (POOL, QUOTAS, PANELS, PROBABILITIES, ALGORITHM)
DRAWN_FILES = (SEED, DRAW, ALTERNATES_CSV)
QUOTA_FIELDS = ("feature", "value", "min", "max")
PROBABILITY_FIELDS = ("id", "optimal_probability", "lottery_probability", "panels")
ALTERNATE_FIELDS = ("rank", "id", "panels")
COMMITTED, DRAWN = "committed", "drawn"
SUM_TOLERANCE = 1e-6
"""How far the optimal probabilities may sum from the panel size (float rounding)."""
PROBABILITY_TOLERANCE = 1e-12
_LISTED = 5
"""How many faults a check's detail names before counting the rest."""
_PROBLEMS = 20
"""How many problems an InputError lists."""


# ----------------------------------------------------------------------------- writing


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def household_labels(instance: Instance) -> dict[str, str]:
    """Person id -> published household label (``H1``, ``H2``, … in order of the first
    member's id), for people who share a household; the real keys are not published."""
    shared = instance.households()
    firsts = sorted((min(ids), key) for key, ids in shared.items())
    label = {key: f"H{number}" for number, (_, key) in enumerate(firsts, start=1)}
    return {person: label[key] for key, ids in shared.items() for person in ids}


def _empty_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(
            "the bundle folder must be empty",
            [Problem("is not empty", key="--out", value=str(folder))],
        )
    folder.mkdir(parents=True, exist_ok=True)


def _check_inputs(
    instance: Instance, lottery: UniformLottery, optimal: Mapping[str, float]
) -> None:
    problems = lottery_problems(instance, lottery)
    pool = {p.id for p in instance.people}
    problems += [
        Problem("is not in the pool", key="optimal probabilities", value=person)
        for person in sorted(set(optimal) - pool)
    ]
    problems += [
        Problem("is not a probability", key=f"optimal probability of {person}", value=str(p))
        for person, p in optimal.items()
        if not (math.isfinite(p) and 0.0 <= p <= 1.0 + PROBABILITY_TOLERANCE)
    ]
    if problems:
        raise InputError(
            "the lottery cannot be committed to", problems[:_PROBLEMS], total=len(problems)
        )


def write_commitment(
    folder: Path,
    *,
    instance: Instance,
    lottery: UniformLottery,
    optimal: Mapping[str, float],
    seed_plan: SeedPlan,
    parameters: Mapping[str, Any] | None = None,
) -> str:
    """Write the before-draw bundle into ``folder`` (created; must be empty) and return the
    commitment, the SHA-256 of ``commitment.json``, to announce before the seed exists.

    ``optimal`` is each person's selection probability under the algorithm's optimal
    distribution (people it leaves out have 0); every listed panel must be valid.
    """
    _check_inputs(instance, lottery, optimal)
    _empty_folder(folder)
    features = instance.features
    labels = household_labels(instance)
    people = sorted(instance.people, key=lambda p: p.id)
    _write_csv(
        folder / POOL,
        ["id", "household", *features],
        ([p.id, labels.get(p.id, ""), *(p.features.get(f, "") for f in features)] for p in people),
    )
    _write_csv(
        folder / QUOTAS, QUOTA_FIELDS, ([q.feature, q.value, q.min, q.max] for q in instance.quotas)
    )
    _write_csv(
        folder / PANELS,
        ["index", *(f"member_{n}" for n in range(1, instance.panel_size + 1))],
        ([index, *sorted(panel)] for index, panel in enumerate(lottery.panels)),
    )
    counts = panel_counts(lottery, (p.id for p in people))
    _write_csv(
        folder / PROBABILITIES,
        PROBABILITY_FIELDS,
        (
            [
                p.id,
                repr(float(optimal.get(p.id, 0.0))),
                repr(counts[p.id] / lottery.m),
                counts[p.id],
            ]
            for p in people
        ),
    )
    _write_json(
        folder / ALGORITHM,
        {
            "algorithm": lottery.algorithm,
            "parameters": dict(parameters or {}),
            "m": lottery.m,
            "panel_size": instance.panel_size,
            "draw": {"generator": GENERATOR, "alternates": ALTERNATES},
        },
    )
    _write_json(
        folder / COMMITMENT,
        {
            "calexit_version": __version__,
            "seed_plan": seed_plan.text,
            "files": {name: sha256_file(folder / name) for name in COMMITTED_FILES},
        },
    )
    commitment = sha256_file(folder / COMMITMENT)
    _write_manifest(folder, COMMITTED, commitment)
    return commitment


def _write_manifest(folder: Path, phase: str, commitment: str) -> None:
    files = {
        p.name: sha256_file(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    }
    _write_json(
        folder / MANIFEST,
        {"calexit_version": __version__, "phase": phase, "commitment": commitment, "files": files},
    )


def record_draw(folder: Path, seed: PublicSeed) -> Draw:
    """Draw from the bundle's committed lottery with ``seed`` and write the after-draw files.

    The draw is made from the files as published (after checking they are the ones
    committed to), so what the bundle shows is what was drawn. Refuses a bundle already
    drawn, changed since the commitment, or a seed other than the one the plan announced.
    """
    reader = _Reader(folder)
    manifest = reader.json_object(MANIFEST)
    if manifest is None:
        raise InputError("not a commission draw bundle", reader.problems)
    if manifest.get("phase") != COMMITTED or any((folder / n).exists() for n in DRAWN_FILES):
        raise InputError(
            "only a committed, not yet drawn, bundle can be drawn",
            [Problem("phase is not 'committed'", source=MANIFEST, key="phase")],
        )
    changed = _changed_since_commitment(folder)
    if changed:
        raise InputError("the bundle has changed since the commitment", changed)
    committed = read_committed(folder)
    if not committed.plan.admits(seed):
        raise InputError(
            "the seed is not the one the commitment announced",
            [Problem(f"the plan is {committed.plan.text}", key="seed", value=seed.text)],
        )
    draw = transparent_draw(committed.instance, committed.lottery, seed)
    _write_json(folder / SEED, seed.describe())
    _write_json(
        folder / DRAW,
        {
            "calexit_version": __version__,
            "commitment": committed.commitment,
            "seed": seed.text,
            "generator": GENERATOR,
            "m": draw.m,
            "index": draw.index,
            "line": draw.index + 2,
            "panel": sorted(draw.panel),
        },
    )
    counts = panel_counts(committed.lottery, draw.alternates)
    _write_csv(
        folder / ALTERNATES_CSV,
        ALTERNATE_FIELDS,
        ([rank, person, counts[person]] for rank, person in enumerate(draw.alternates, start=1)),
    )
    _write_manifest(folder, DRAWN, committed.commitment)
    return draw


# ----------------------------------------------------------------------------- reading


class _Reader:
    """Reads the bundle's files, collecting located problems instead of raising."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []

    def problem(self, message: str, source: str, **where: Any) -> None:
        self.problems.append(Problem(message, source=source, **where))

    def text(self, name: str) -> str | None:
        path = self.folder / name
        if not path.is_file():
            self.problem("is missing", name)
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(f"cannot be read: {error}", name)
            return None

    def json_object(self, name: str) -> dict[str, Any] | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            self.problem(f"is not JSON: {error.msg}", name, line=error.lineno, column=error.colno)
            return None
        if not isinstance(value, dict):
            self.problem("is not a JSON object", name)
            return None
        return value

    def field(self, data: dict[str, Any], name: str, key: str, kind: type) -> Any:
        value = data.get(key)
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            value = None
        if value is None or not isinstance(value, kind):
            self.problem(f"needs {key!r} ({kind.__name__})", name, key=key, value=_shown(value))
            return None
        return value

    def csv(self, name: str, header: tuple[str, ...] | None = None) -> _Table | None:
        text = self.text(name)
        if text is None:
            return None
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[tuple[int, list[str]]] = []
        try:
            found = next(reader, None)
            for row in reader:
                rows.append((reader.line_num, row))
        except csv.Error as error:
            self.problem(f"is not CSV: {error}", name, line=reader.line_num)
            return None
        if found is None:
            self.problem("is empty: no header", name, line=1)
            return None
        if header is not None and tuple(found) != header:
            self.problem(
                f"the header must be {','.join(header)}", name, line=1, value=",".join(found)
            )
            return None
        table = _Table(name, found, [])
        for line, row in rows:
            if len(row) != len(found):
                self.problem(f"has {len(row)} fields, not {len(found)}", name, line=line)
            else:
                table.rows.append((line, row))
        return table

    def integer(self, text: str, name: str, line: int, column: int, key: str) -> int | None:
        if not text.strip().isdigit():
            self.problem(
                "is not a whole number", name, line=line, column=column, key=key, value=text
            )
            return None
        return int(text)

    def probability(self, text: str, name: str, line: int, column: int, key: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0.0 <= value <= 1.0 + PROBABILITY_TOLERANCE):
            self.problem(
                "is not a probability", name, line=line, column=column, key=key, value=text
            )
            return None
        return value


def _shown(value: object) -> str | None:
    return None if value is None else json.dumps(value)[:60]


@dataclass
class _Table:
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    """(line, fields) for each row with the right number of fields."""


@dataclass(frozen=True)
class Published:
    """One row of ``probabilities.csv``."""

    line: int
    optimal: float
    lottery: float
    panels: int


@dataclass(frozen=True)
class CommittedLottery:
    """The before-draw bundle, read and checked for form (not yet for consistency)."""

    instance: Instance
    lottery: UniformLottery
    probabilities: dict[str, Published]
    algorithm: dict[str, Any]
    plan: SeedPlan
    commitment: str
    """SHA-256 of ``commitment.json``."""
    version: str
    """The calexit version that wrote the commitment."""

    def panel_line(self, index: int) -> int:
        return index + 2


def _read_pool(reader: _Reader) -> tuple[list[Person], list[str]]:
    table = reader.csv(POOL)
    if table is None:
        return [], []
    if table.header[:2] != ["id", "household"] or len(set(table.header)) != len(table.header):
        reader.problem(
            "the header must be id,household and then distinct feature names",
            POOL,
            line=1,
            value=",".join(table.header),
        )
        return [], []
    features = table.header[2:]
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        person, household = row[0], row[1]
        if not person:
            reader.problem("has no id", POOL, line=line, column=1, key="id")
            continue
        if person in seen:
            reader.problem(
                f"repeats the id on line {seen[person]}", POOL, line=line, column=1, value=person
            )
            continue
        seen[person] = line
        for column, (feature, value) in enumerate(zip(features, row[2:], strict=True), start=3):
            if not value:
                reader.problem("has no value", POOL, line=line, column=column, key=feature)
        people.append(Person(person, dict(zip(features, row[2:], strict=True)), household or None))
    return people, features


def _read_quotas(reader: _Reader, features: list[str]) -> list[Quota]:
    table = reader.csv(QUOTAS, QUOTA_FIELDS)
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    for line, (feature, value, low, high) in table.rows if table else []:
        if feature not in features:
            reader.problem(
                "is not a column of pool.csv", QUOTAS, line=line, column=1, value=feature
            )
        if (feature, value) in seen:
            reader.problem("repeats a quota", QUOTAS, line=line, value=f"{feature}={value}")
        seen.add((feature, value))
        least = reader.integer(low, QUOTAS, line, 3, "min")
        most = reader.integer(high, QUOTAS, line, 4, "max")
        if least is not None and most is not None:
            if least > most:
                reader.problem("min exceeds max", QUOTAS, line=line, value=f"{least} > {most}")
            quotas.append(Quota(feature, value, least, most))
    return quotas


def _read_algorithm(reader: _Reader) -> tuple[dict[str, Any], int | None, int | None]:
    data = reader.json_object(ALGORITHM)
    if data is None:
        return {}, None, None
    reader.field(data, ALGORITHM, "algorithm", str)
    reader.field(data, ALGORITHM, "parameters", dict)
    m = reader.field(data, ALGORITHM, "m", int)
    size = reader.field(data, ALGORITHM, "panel_size", int)
    for key, value in (("m", m), ("panel_size", size)):
        if value is not None and value < 1:
            reader.problem("must be at least 1", ALGORITHM, key=key, value=str(value))
    procedures = reader.field(data, ALGORITHM, "draw", dict) or {}
    for key, known in (("generator", GENERATOR), ("alternates", ALTERNATES)):
        if procedures and procedures.get(key) != known:
            reader.problem(
                f"this calexit draws with {known}",
                ALGORITHM,
                key=f"draw.{key}",
                value=_shown(procedures.get(key)),
            )
    return data, m, size


def _read_panels(reader: _Reader, m: int | None, size: int | None) -> list[frozenset[str]]:
    table = reader.csv(PANELS)
    if table is None:
        return []
    members = ["index", *(f"member_{n}" for n in range(1, (size or 0) + 1))]
    if size is not None and table.header != members:
        reader.problem(
            f"the header must be index,member_1,…,member_{size}",
            PANELS,
            line=1,
            value=",".join(table.header),
        )
        return []
    panels: list[frozenset[str]] = []
    for expected, (line, row) in enumerate(table.rows):
        if row[0] != str(expected):
            reader.problem(
                f"the index must be {expected}", PANELS, line=line, column=1, value=row[0]
            )
        empty = [c for c, cell in enumerate(row[1:], start=2) if not cell]
        for column in empty:
            reader.problem("has no member id", PANELS, line=line, column=column)
        panels.append(frozenset(row[1:]))
    if m is not None and len(table.rows) != m:
        reader.problem(f"lists {len(table.rows)} panels, algorithm.json says m = {m}", PANELS)
    return panels


def _read_probabilities(reader: _Reader, pool: list[str]) -> dict[str, Published]:
    table = reader.csv(PROBABILITIES, PROBABILITY_FIELDS)
    found: dict[str, Published] = {}
    for line, (person, optimal, lottery, panels) in table.rows if table else []:
        if person not in pool:
            reader.problem("is not in pool.csv", PROBABILITIES, line=line, column=1, value=person)
            continue
        if person in found:
            reader.problem("repeats an id", PROBABILITIES, line=line, column=1, value=person)
            continue
        values = (
            reader.probability(optimal, PROBABILITIES, line, 2, "optimal_probability"),
            reader.probability(lottery, PROBABILITIES, line, 3, "lottery_probability"),
            reader.integer(panels, PROBABILITIES, line, 4, "panels"),
        )
        if values[0] is not None and values[1] is not None and values[2] is not None:
            found[person] = Published(line, values[0], values[1], values[2])
    if table is not None:
        listed = {row[0] for _, row in table.rows}
        reader.problems += [
            Problem("has no row", source=PROBABILITIES, key="id", value=p)
            for p in pool
            if p not in listed
        ]
    return found


def _read_commitment(reader: _Reader) -> tuple[SeedPlan | None, str]:
    data = reader.json_object(COMMITMENT)
    if data is None:
        return None, ""
    version = reader.field(data, COMMITMENT, "calexit_version", str) or ""
    plan_text = reader.field(data, COMMITMENT, "seed_plan", str)
    reader.field(data, COMMITMENT, "files", dict)
    if plan_text is None:
        return None, version
    try:
        return parse_seed_plan(plan_text, COMMITMENT), version
    except InputError as error:
        reader.problems += error.problems
        return None, version


def read_committed(folder: Path) -> CommittedLottery:
    """Read the before-draw files; an InputError lists every located problem found."""
    reader = _Reader(folder)
    people, features = _read_pool(reader)
    quotas = _read_quotas(reader, features)
    algorithm, m, size = _read_algorithm(reader)
    panels = _read_panels(reader, m, size)
    ids = [p.id for p in people]
    probabilities = _read_probabilities(reader, ids)
    plan, version = _read_commitment(reader)
    if reader.problems or plan is None or size is None:
        raise InputError(
            "the commission bundle cannot be read",
            reader.problems[:_PROBLEMS],
            total=len(reader.problems),
        )
    return CommittedLottery(
        instance=Instance(tuple(people), tuple(quotas), size),
        lottery=UniformLottery(str(algorithm["algorithm"]), tuple(panels), tuple(ids)),
        probabilities=probabilities,
        algorithm=algorithm,
        plan=plan,
        commitment=sha256_file(folder / COMMITMENT),
        version=version,
    )


# ----------------------------------------------------------------------------- verifying


def _listed(faults: list[str], what: str = "") -> str:
    shown = "; ".join(faults[:_LISTED])
    more = f"; and {len(faults) - _LISTED} more" if len(faults) > _LISTED else ""
    return f"{what}{shown}{more}"


def _digests(reader: _Reader, name: str) -> dict[str, Any]:
    data = reader.json_object(name)
    files = data.get("files") if data is not None else None
    return files if isinstance(files, dict) else {}


def _changed_since_commitment(folder: Path) -> list[Problem]:
    reader = _Reader(folder)
    listed = _digests(reader, COMMITMENT)
    for name in COMMITTED_FILES:
        if name not in listed:
            reader.problem("is not in the commitment", COMMITMENT, key=f"files.{name}")
        elif not (folder / name).is_file():
            reader.problem("is missing", name)
        elif sha256_file(folder / name) != listed[name]:
            reader.problem("differs from the file committed to (SHA-256)", name)
    return reader.problems


def _check_files(folder: Path, manifest: dict[str, Any], drawn: bool) -> Check:
    listed = manifest.get("files")
    listed = listed if isinstance(listed, dict) else {}
    required = (*COMMITTED_FILES, COMMITMENT, *(DRAWN_FILES if drawn else ()))
    faults = [f"{name} (not listed)" for name in required if name not in listed]
    for name, digest in listed.items():
        path = folder / str(name)
        if Path(str(name)).name != name or str(name).startswith("."):
            faults.append(f"{name} (not a file name of this folder)")
        elif not path.is_file():
            faults.append(f"{name} (missing)")
        elif sha256_file(path) != digest:
            faults.append(f"{name} (SHA-256 differs)")
    if drawn and manifest.get("phase") != DRAWN:
        faults.append(f"{MANIFEST} (phase is {manifest.get('phase')!r}, the draw files exist)")
    return Check(
        "files match the manifest",
        not faults,
        _listed(faults) or f"{len(listed)} files, all SHA-256 agree",
    )


def _check_commitment(
    folder: Path, manifest: dict[str, Any], announced: str | None, drawn: bool
) -> Check:
    name = "the committed files are the ones announced"
    if not (folder / COMMITMENT).is_file():
        return Check(name, False, f"{COMMITMENT} is missing")
    faults = [str(p) for p in _changed_since_commitment(folder)]
    digest = sha256_file(folder / COMMITMENT)
    if manifest.get("commitment") != digest:
        faults.append(f"{MANIFEST}: commitment {manifest.get('commitment')!r} is not {digest}")
    if drawn and (folder / DRAW).is_file():
        recorded = _Reader(folder).json_object(DRAW) or {}
        if recorded.get("commitment") != digest:
            faults.append(f"{DRAW}: commitment {recorded.get('commitment')!r} is not {digest}")
    if announced is not None and announced.strip().lower() != digest:
        faults.append(f"{COMMITMENT}: SHA-256 {digest} is not the announced {announced.strip()}")
    source = "announced" if announced is not None else "recorded"
    return Check(name, not faults, _listed(faults) or f"commitment {digest} ({source})")


def _check_panels(committed: CommittedLottery) -> Check:
    faults = [
        f"{PANELS}:{committed.panel_line(index)} (index {index}): {'; '.join(wrong)}"
        for index, panel in enumerate(committed.lottery.panels)
        if (wrong := committed.instance.violations(panel))
    ]
    m = committed.lottery.m
    return Check(
        "every listed panel meets the quotas and the household rule",
        not faults,
        _listed(faults, f"{len(faults)} of {m} panels: ")
        if faults
        else f"{m} panels of {committed.instance.panel_size}, "
        f"{len(set(committed.lottery.panels))} distinct",
    )


def _check_lottery_probabilities(committed: CommittedLottery) -> Check:
    counts = panel_counts(committed.lottery, committed.lottery.people)
    m = committed.lottery.m
    faults = []
    for person, row in committed.probabilities.items():
        wrong = []
        if row.panels != counts[person]:
            wrong.append(f"panels {row.panels}, the list has {counts[person]}")
        if abs(row.lottery - counts[person] / m) > PROBABILITY_TOLERANCE:
            wrong.append(
                f"lottery_probability {row.lottery!r}, the list gives {counts[person] / m!r}"
            )
        if wrong:
            faults.append(f"{PROBABILITIES}:{row.line} ({person}): {', '.join(wrong)}")
    return Check(
        "the lottery probabilities follow from the list",
        not faults,
        _listed(faults) or f"{len(counts)} people recomputed from {m} panels",
    )


def _check_optimal(committed: CommittedLottery) -> Check:
    total = math.fsum(row.optimal for row in committed.probabilities.values())
    size = committed.instance.panel_size
    gaps = [(abs(r.optimal - r.lottery), p) for p, r in committed.probabilities.items()]
    widest, person = max(gaps, default=(0.0, ""))
    bound = committed.algorithm.get("parameters", {}).get("rounding_bound")
    within = not isinstance(bound, int | float) or widest <= float(bound) + PROBABILITY_TOLERANCE
    return Check(
        "the optimal probabilities sum to the panel size; the list is within the bound",
        abs(total - size) <= SUM_TOLERANCE * max(1, size) and within,
        f"sum {total:.9f} for {size} seats; the lottery is within {widest:.6f} of them"
        + (f" (widest for {person})" if widest > 0 else "")
        + (
            f"; the published rounding bound is {float(bound):.6f}"
            if isinstance(bound, int | float)
            else ""
        ),
    )


def _seed_check(folder: Path, committed: CommittedLottery) -> tuple[Check, PublicSeed | None]:
    name = "the seed is genuine and the one committed to"
    reader = _Reader(folder)
    data = reader.json_object(SEED)
    draw = reader.json_object(DRAW)
    text = reader.field(data, SEED, "text", str) if data is not None else None
    if reader.problems or data is None or text is None:
        return Check(name, False, _listed([str(p) for p in reader.problems])), None
    try:
        seed = parse_seed(text, SEED)
    except InputError as error:
        return Check(name, False, _listed([str(p) for p in error.problems] or [str(error)])), None
    faults = [
        f"{SEED}: {key} is {data.get(key)!r}, the seed gives {value!r}"
        for key, value in seed.describe().items()
        if data.get(key) != value
    ]
    if not committed.plan.admits(seed):
        faults.append(f"{SEED}: the commitment announced {committed.plan.text}, not {text[:40]}")
    if draw is not None and draw.get("seed") != seed.text:
        faults.append(f"{DRAW}: seed is not the one in {SEED}")
    detail = (
        f"quicknet round {seed.round}, signature verified"
        if seed.round is not None
        else f"{len(seed.dice)} dice rolls"
    )
    return Check(name, not faults, _listed(faults) or detail), seed


def _check_panel(folder: Path, committed: CommittedLottery, seed: PublicSeed) -> Check:
    name = "the panel is re-derived from the seed"
    reader = _Reader(folder)
    data = reader.json_object(DRAW) or {}
    m = committed.lottery.m
    index = draw_index(seed, m)
    line = committed.panel_line(index)
    expected = {
        "m": m,
        "index": index,
        "line": line,
        "panel": sorted(committed.lottery.panels[index]),
        "generator": GENERATOR,
    }
    faults = [str(p) for p in reader.problems] + [
        f"{DRAW}: {key} is {_shown(data.get(key))}, re-derived {_shown(value)}"
        for key, value in expected.items()
        if data.get(key) != value
    ]
    return Check(name, not faults, _listed(faults) or f"index {index} ({PANELS} line {line})")


def _check_alternates(folder: Path, committed: CommittedLottery, seed: PublicSeed) -> Check:
    name = "the alternates are re-derived from the seed"
    index = draw_index(seed, committed.lottery.m)
    panel = committed.lottery.panels[index]
    expected = draw_alternates(committed.instance, committed.lottery, panel, seed)
    counts = panel_counts(committed.lottery, expected)
    reader = _Reader(folder)
    table = reader.csv(ALTERNATES_CSV, ALTERNATE_FIELDS)
    if table is None:
        return Check(name, False, _listed([str(p) for p in reader.problems]))
    faults = [str(p) for p in reader.problems]
    for rank, (line, row) in enumerate(table.rows, start=1):
        wanted = (
            [str(rank), expected[rank - 1], str(counts[expected[rank - 1]])]
            if rank <= len(expected)
            else None
        )
        if row != wanted:
            faults.append(f"{ALTERNATES_CSV}:{line}: {','.join(row)}, re-derived {_row(wanted)}")
    if len(table.rows) < len(expected):
        faults.append(f"{ALTERNATES_CSV}: {len(table.rows)} alternates, re-derived {len(expected)}")
    return Check(name, not faults, _listed(faults) or f"{len(expected)} alternates in order")


def _row(fields: list[str] | None) -> str:
    return "nothing" if fields is None else ",".join(fields)


def _check_versions(folder: Path, committed: CommittedLottery, drawn: bool) -> Check:
    draw = _Reader(folder).json_object(DRAW) if drawn else None
    after = draw.get("calexit_version") if draw else None
    detail = f"committed with calexit {committed.version or '?'}"
    if drawn:
        detail += f", drawn with {after or '?'}"
    return Check(
        "the code versions are recorded",
        bool(committed.version),
        detail + f", checked with {__version__}",
    )


def verify_draw(folder: Path, commitment: str | None = None) -> list[Check]:
    """Re-check the commission draw in ``folder``; one Check per step.

    ``commitment`` is the hash announced before the draw, if the caller has it; without
    it the bundle's own record of the commitment is checked. A bundle that is not yet
    drawn fails the last check, "the draw is recorded". Raises an InputError only when
    ``folder`` is not a commission bundle (no readable ``manifest.json``).
    """
    reader = _Reader(folder)
    manifest = reader.json_object(MANIFEST)
    if manifest is None:
        raise InputError("not a commission draw bundle", reader.problems)
    drawn = manifest.get("phase") == DRAWN or any((folder / n).exists() for n in DRAWN_FILES)
    checks = [
        _check_files(folder, manifest, drawn),
        _check_commitment(folder, manifest, commitment, drawn),
    ]
    try:
        committed = read_committed(folder)
    except InputError as error:
        faults = [str(p) for p in error.problems]
        more = f" ({error.total} problems)" if error.total > len(faults) else ""
        return [*checks, Check("the bundle can be read", False, _listed(faults) + more)]
    instance = committed.instance
    checks += [
        Check(
            "the bundle can be read",
            True,
            f"{len(instance.people)} people, {len(instance.quotas)} quotas, "
            f"{committed.lottery.m} panels of {instance.panel_size}",
        ),
        _check_panels(committed),
        _check_lottery_probabilities(committed),
        _check_optimal(committed),
    ]
    if not drawn:
        return [
            *checks,
            _check_versions(folder, committed, drawn),
            Check(
                "the draw is recorded",
                False,
                f"not drawn yet: seed plan {committed.plan.text}, "
                f"commitment {committed.commitment}",
            ),
        ]
    seed_check, seed = _seed_check(folder, committed)
    checks.append(seed_check)
    if seed is not None:
        checks += [
            _check_panel(folder, committed, seed),
            _check_alternates(folder, committed, seed),
        ]
    checks.append(_check_versions(folder, committed, drawn))
    return checks
