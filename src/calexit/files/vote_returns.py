"""Reading county returns (CSV or NIST SP 1500-100 v2 JSON) and writing the certified result.

CSV problems are located as ``file:line:column: key``, NIST JSON ones by a JSON path in
``key``. Both readers end in :func:`calexit.vote.returns.check_returns` against the 58
shipped counties: nothing is returned when any problem exists. See ``docs/vote.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from calexit import __version__
from calexit.errors import InputError, Problem
from calexit.reference.datasets import counties
from calexit.rules.model import PackKind, RulePack
from calexit.vote.canvass import Canvass
from calexit.vote.returns import (
    Cell,
    Counts,
    DraftReturn,
    Located,
    Returns,
    check_returns,
    drafts_from_csv,
    shown,
    whole_number,
)

REPORT = "ElectionResults.ElectionReport"
UNIT = "ElectionResults.ReportingUnit"
ELECTION = "ElectionResults.Election"
MEASURE = "ElectionResults.BallotMeasureContest"
SELECTION = "ElectionResults.BallotMeasureSelection"
VOTES = "ElectionResults.VoteCounts"
OTHER = "ElectionResults.OtherCounts"
BALLOTS = "ElectionResults.BallotCounts"
STATE_ID = "gpu-ca"
NO_TOTAL = "has no total for this county"

Json = dict[str, Any]


def _read_text(path: Path) -> str:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as error:
        reason = error.strerror or "cannot be read"
        raise InputError(f"cannot read {path}", [Problem(reason, source=str(path))]) from None
    except UnicodeDecodeError as error:
        problem = Problem("is not UTF-8 text", source=path.name, value=str(error.reason))
        raise InputError(f"cannot read {path.name}", [problem]) from None


def read_returns(path: Path, *, contest: str | None = None) -> Returns:
    """Checked returns from a ``.csv`` or a NIST ``.json`` file, chosen by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_returns(path)
    if suffix == ".json":
        return read_nist_returns(path, contest=contest)
    problem = Problem("expected a .csv or a .json (NIST SP 1500-100) file", source=path.name)
    raise InputError(f"cannot read returns from {path.name}", [problem])


def read_csv_returns(path: Path) -> Returns:
    drafts = drafts_from_csv(_read_text(path), path.name)
    return check_returns(drafts, tuple(c.name for c in counties()), path.name)


def read_nist_returns(path: Path, *, contest: str | None = None) -> Returns:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        problem = Problem(f"invalid JSON: {error.msg}", path.name, error.lineno, error.colno)
        raise InputError(f"{path.name} is not JSON", [problem]) from None
    drafts, found = nist_drafts(data, path.name, contest=contest)
    return check_returns(
        drafts, tuple(c.name for c in counties()), path.name, found=found, county_key="$.GpUnit"
    )


def _text(value: object) -> object:
    """A plain string, or the English (else the first) Content of an InternationalizedText."""
    if not isinstance(value, dict):
        return value
    texts = value.get("Text")
    items = [t for t in texts if isinstance(t, dict)] if isinstance(texts, list) else []
    for item in [t for t in items if t.get("Language") == "en"] + items:
        if isinstance(item.get("Content"), str):
            return item["Content"]
    return None


@dataclass
class _Nist:
    """One pass over a report, collecting every problem found on the way."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    units: dict[str, tuple[str, Json]] = field(default_factory=dict)
    """County ReportingUnits by @id: (JSON path, object)."""

    def at(self, key: str) -> Located:
        return Located(self.source, key=key)

    def flag(self, key: str, message: str, raw: object = None) -> None:
        self.problems.append(self.at(key).problem(message, shown(raw)))

    def fail(self) -> InputError:
        return InputError(f"{self.source} is not a usable NIST election report", self.problems)

    def items(self, parent: Json, key: str, path: str) -> list[tuple[str, Json]]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.flag(f"{path}.{key}", "is not a list")
            return []
        found = [(f"{path}.{key}[{i}]", item) for i, item in enumerate(value)]
        for where, item in found:
            if not isinstance(item, dict):
                self.flag(where, "is not an object")
        return [(where, item) for where, item in found if isinstance(item, dict)]

    def read_units(self, report: Json) -> None:
        for path, unit in self.items(report, "GpUnit", "$"):
            uid = unit.get("@id")
            if not isinstance(uid, str) or not uid:
                self.flag(f"{path}.@id", "is missing" if uid is None else "is not text", uid)
            elif uid in self.ids:
                self.flag(f"{path}.@id", "repeats the @id of another GpUnit", uid)
            else:
                self.ids.add(uid)
                if unit.get("@type") == UNIT and unit.get("Type") == "county":
                    self.units[uid] = (path, unit)

    def contest(self, report: Json, wanted: str | None) -> tuple[str, Json, str, Json]:
        found = [
            (epath, election, cpath, item)
            for epath, election in self.items(report, "Election", "$")
            for cpath, item in self.items(election, "Contest", epath)
            if item.get("@type") == MEASURE
        ]
        if wanted is not None:
            found = [f for f in found if wanted in (f[3].get("@id"), f[3].get("Name"))]
        if len(found) == 1:
            return found[0]
        if not found:
            named = f" named {wanted!r}" if wanted is not None else ""
            self.flag("$.Election", f"has no {MEASURE}{named}")
        else:
            names = ", ".join(repr(f[3].get("Name") or f[3].get("@id")) for f in found)
            self.flag("$.Election", f"has {len(found)} ballot measure contests ({names}); name one")
        raise self.fail()

    def total_for(self, entry: Json, path: str, seen: Mapping[str, object], typed: bool) -> str:
        """The county @id this entry totals, or "" for a breakdown or another unit."""
        if (typed and entry.get("Type") != "total") or "DeviceClass" in entry:
            return ""
        uid = entry.get("GpUnitId")
        if not isinstance(uid, str) or uid not in self.ids:
            self.flag(f"{path}.GpUnitId", "refers to no GpUnit", uid)
            return ""
        if uid in seen:
            self.flag(path, f"repeats the total for GpUnit {uid!r}")
            return ""
        return uid if uid in self.units else ""

    def totals(self, parent: Json, key: str, path: str) -> dict[str, tuple[str, Json]]:
        """The county totals listed in ``parent[key]``: @id -> (JSON path, entry)."""
        found: dict[str, tuple[str, Json]] = {}
        for where, entry in self.items(parent, key, path):
            uid = self.total_for(entry, where, found, typed=key != "OtherCounts")
            if uid:
                found[uid] = (where, entry)
        return found

    def cell(self, parent: Json, key: str, path: str, default: object = None) -> Cell:
        return Cell(parent.get(key, default), self.at(f"{path}.{key}"), typed=True)

    def cells(self, totals: Mapping[str, tuple[str, Json]], count: str) -> dict[str, Cell]:
        return {uid: self.cell(entry, count, where, 0) for uid, (where, entry) in totals.items()}

    def selections(self, contest: Json, path: str) -> dict[str, tuple[str, Json]]:
        key = "ContestSelection" if "ContestSelection" in contest else "BallotSelection"
        found: dict[str, tuple[str, Json]] = {}
        for where, item in self.items(contest, key, path):
            text = _text(item.get("Selection"))
            choice = text.strip().casefold() if isinstance(text, str) else ""
            if item.get("@type") != SELECTION:
                self.flag(f"{where}.@type", f"is not {SELECTION}", item.get("@type"))
            elif choice not in ("yes", "no"):
                self.flag(f"{where}.Selection", 'is neither "Yes" nor "No"', text)
            elif choice in found:
                self.flag(f"{where}.Selection", f"repeats the selection at {found[choice][0]}")
            else:
                found[choice] = (where, item)
        for choice in ("yes", "no"):
            if choice not in found:
                self.flag(f"{path}.{key}", f'has no "{choice.title()}" selection')
        if len(found) < 2:
            raise self.fail()
        return found


def nist_drafts(
    data: object, source: str, *, contest: str | None = None
) -> tuple[list[DraftReturn], list[Problem]]:
    """One draft per county ReportingUnit, and the problems found in the report's shape.

    Raises InputError at once when the report has no single ballot measure contest with
    a "Yes" and a "No" selection: nothing else can then be read.
    """
    nist = _Nist(source)
    if not isinstance(data, dict) or data.get("@type") != REPORT:
        got = data.get("@type") if isinstance(data, dict) else data
        nist.flag("$.@type", f"expected {REPORT}", got if isinstance(got, str) else None)
        raise nist.fail()
    nist.read_units(data)
    epath, election, cpath, item = nist.contest(data, contest)
    chosen = nist.selections(item, cpath)
    columns = {
        "ballots_cast": nist.cells(nist.totals(election, "BallotCounts", epath), "BallotsCast")
    }
    for choice in ("yes", "no"):
        where, selection = chosen[choice]
        columns[choice] = nist.cells(nist.totals(selection, "VoteCounts", where), "Count")
    other = nist.totals(item, "OtherCounts", cpath)
    columns["undervotes"] = nist.cells(other, "Undervotes")
    columns["overvotes"] = nist.cells(other, "Overvotes")
    absent = {
        "ballots_cast": Cell(None, nist.at(f"{epath}.BallotCounts"), NO_TOTAL),
        "yes": Cell(None, nist.at(f"{chosen['yes'][0]}.VoteCounts"), NO_TOTAL),
        "no": Cell(None, nist.at(f"{chosen['no'][0]}.VoteCounts"), NO_TOTAL),
        "undervotes": Cell(0, nist.at(f"{cpath}.OtherCounts")),
        "overvotes": Cell(0, nist.at(f"{cpath}.OtherCounts")),
    }
    drafts = [_draft(nist, uid, columns, absent) for uid in nist.units]
    return drafts, nist.problems


def _draft(
    nist: _Nist, uid: str, columns: Mapping[str, Mapping[str, Cell]], absent: Mapping[str, Cell]
) -> DraftReturn:
    path, unit = nist.units[uid]
    name = _text(unit.get("Name"))
    values = {key: cells.get(uid, absent[key]) for key, cells in columns.items()}
    values["registered"] = nist.cell(unit, "VotersRegistered", path)
    participated = nist.cell(unit, "VotersParticipated", path)
    label = name if isinstance(name, str) and name.strip() else uid
    problems: tuple[Problem, ...] = ()
    if uid not in columns["ballots_cast"] and participated.raw is not None:
        values["ballots_cast"] = participated
    elif participated.raw is not None:
        cast = whole_number(values["ballots_cast"].raw, typed=True)
        voters = whole_number(participated.raw, typed=True)
        if isinstance(cast, int) and isinstance(voters, int) and cast != voters:
            message = f"{label}: differs from VotersParticipated ({voters:,}) at {path}"
            problems = (values["ballots_cast"].at.problem(message, str(cast)),)
    county = Cell(name, nist.at(f"{path}.Name"))
    return DraftReturn(county, values, label=label, problems=problems)


# --- writing ---------------------------------------------------------------------------


def _itext(text: str) -> Json:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [{"@type": "ElectionResults.LanguageString", "Content": text, "Language": "en"}],
    }


def _unit_ids(returns: Returns) -> dict[str, str]:
    fips = {c.name: c.fips for c in counties()}
    return {
        r.county: f"gpu-{fips.get(r.county) or re.sub('[^a-z0-9]+', '-', r.county.lower())}"
        for r in returns.counties
    }


def _units(returns: Returns, ids: Mapping[str, str]) -> list[Json]:
    fips = {c.name: c.fips for c in counties()}
    rows = [(STATE_ID, "California", "state", returns.statewide, "06")]
    rows += [
        (ids[r.county], r.county, "county", r.counts, fips.get(r.county, ""))
        for r in returns.counties
    ]
    identifier = {"@type": "ElectionResults.ExternalIdentifier", "Type": "fips"}
    units: list[Json] = [
        {
            "@type": UNIT,
            "@id": uid,
            "Type": kind,
            "Name": _itext(name),
            "VotersRegistered": counts.registered,
            "VotersParticipated": counts.ballots_cast,
            **({"ExternalIdentifier": [{**identifier, "Value": code}]} if code else {}),
        }
        for uid, name, kind, counts, code in rows
    ]
    units[0]["ComposingGpUnitIds"] = [ids[r.county] for r in returns.counties]
    return units


def _rows(returns: Returns, ids: Mapping[str, str]) -> list[tuple[str, Counts]]:
    return [(STATE_ID, returns.statewide), *((ids[r.county], r.counts) for r in returns.counties)]


def _contest(returns: Returns, result: Canvass, pack: RulePack, ids: Mapping[str, str]) -> Json:
    rows = _rows(returns, ids)

    def selection(choice: str, order: int, pick: Callable[[Counts], int]) -> Json:
        votes = [
            {"@type": VOTES, "GpUnitId": u, "Type": "total", "Count": pick(c)} for u, c in rows
        ]
        return {
            "@type": SELECTION,
            "@id": f"bms-{choice.lower()}",
            "Selection": _itext(choice),
            "SequenceOrder": order,
            "VoteCounts": votes,
        }

    approval = pack.passage.approval.min if pack.passage else None
    kinds = {PackKind.INITIATIVE_STATUTE: "initiative", PackKind.REFERENDUM: "referendum"}
    contest: Json = {
        "@type": MEASURE,
        "@id": f"bmc-{pack.id}",
        "Name": pack.pack.title,
        "ElectionDistrictId": STATE_ID,
        "Type": kinds.get(pack.pack.kind, "ballot-measure"),
        "VoteVariation": "super-majority" if approval and approval > Fraction(1, 2) else "majority",
        "PassageThreshold": _itext("; ".join(c.describe() for c in result.conditions)),
        "ContestSelection": [
            selection("Yes", 1, lambda c: c.yes),
            selection("No", 2, lambda c: c.no),
        ],
        "OtherCounts": [
            {"@type": OTHER, "GpUnitId": u, "Undervotes": c.undervotes, "Overvotes": c.overvotes}
            for u, c in rows
        ],
    }
    if pack.measure is not None:
        contest["FullText"] = _itext(pack.measure.question.value)
    return contest


def nist_report(returns: Returns, result: Canvass, pack: RulePack, *, generated: datetime) -> Json:
    """The certified result as a NIST SP 1500-100 v2 ``ElectionReport`` (summary-contest)."""
    ids = _unit_ids(returns)
    day = (pack.election.date.value if pack.election else generated.date()).isoformat()
    conditions = ", ".join(f"{c.name} {c.percent}" for c in result.conditions)
    election = {
        "@type": ELECTION,
        "ElectionScopeId": STATE_ID,
        "Name": _itext(pack.election.name if pack.election else pack.pack.title),
        "StartDate": day,
        "EndDate": day,
        "Type": "general",
        "BallotCounts": [
            {"@type": BALLOTS, "GpUnitId": u, "Type": "total", "BallotsCast": c.ballots_cast}
            for u, c in _rows(returns, ids)
        ],
        "Contest": [_contest(returns, result, pack, ids)],
    }
    return {
        "@type": REPORT,
        "Format": "summary-contest",
        "GeneratedDate": generated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": "calexit",
        "IssuerAbbreviation": "calexit",
        "Notes": f"Canvassed under rule pack {pack.id} {pack.pack.version}: the measure "
        f"{result.outcome.value} ({conditions}).",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "certified",
        "VendorApplicationId": f"calexit {__version__}",
        "GpUnit": _units(returns, ids),
        "Election": [election],
    }


def write_nist_report(path: Path, report: Json) -> None:
    """Write a report as indented UTF-8 JSON."""
    try:
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        reason = error.strerror or "cannot be written"
        raise InputError(f"cannot write {path}", [Problem(reason, source=str(path))]) from None
