"""Reading a pathway scenario file (TOML): every problem at once, each with its line.

Layout (see ``calexit/pathway/data/default_scenario.toml``)::

    [scenario]
    name = "my-scenario"
    [plebiscite]
    yes_share = { value = 0.58, low = 0.5, high = 0.65, source = "...", basis = "poll" }
    [gates.scotland-2014]
    uk-parliament-act = { value = 0.9, source = "..." }
    [comparator.quebec-1995]
    yes_share = { value = 0.5, source = "..." }

An unknown section or parameter, a probability outside [0, 1], a missing source and
the like are each reported as ``file:line:column: key: message``; nothing is used
until the whole file is good. A user's file lays its parameters over the default's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from calexit.errors import InputError, Problem
from calexit.pathway.road import gate_parameter
from calexit.pathway.scenario import (
    COMPARATOR_FIELDS,
    PARAMETERS,
    Parameter,
    ParameterSpec,
    Scenario,
    check_fields,
    comparator_spec,
    gate_spec,
    parameter_from,
)
from calexit.rules.load import builtin_pack, builtin_pack_ids
from calexit.rules.positions import key_positions, locate

DEFAULT_NAME = "default_scenario.toml"
_TOML_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_SECTIONS = ("scenario", "road", "plebiscite", "federal", "recognition", "gates", "comparator")
_META = ("name", "title", "summary")


def default_scenario_path() -> Path:
    return Path(str(resources.files("calexit.pathway") / "data" / DEFAULT_NAME))


def _modelled_gates() -> dict[str, dict[str, str]]:
    """Pack id -> gate id -> body, for the gates the scenario gives a probability."""
    gates: dict[str, dict[str, str]] = {}
    for pack_id in builtin_pack_ids():
        for gate in builtin_pack(pack_id).rules.gates:
            if gate.chamber is None:
                gates.setdefault(pack_id, {})[gate.id] = gate.body
    return gates


def _comparators() -> tuple[str, ...]:
    return tuple(p for p in builtin_pack_ids() if builtin_pack(p).rules.outcome is not None)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.positions = key_positions(text)
        self.problems: list[Problem] = []
        self.parameters: dict[str, Parameter] = {}

    def problem(self, path: tuple[str, ...], message: str, value: object = None) -> None:
        where = locate(self.positions, path)
        line, column = where if where else (None, None)
        self.problems.append(
            Problem(
                message,
                source=self.source,
                line=line,
                column=column,
                key=".".join(path),
                value=None if value is None else str(value),
            )
        )

    def parameter(self, path: tuple[str, ...], spec: ParameterSpec, fields: object) -> None:
        if not isinstance(fields, dict):
            self.problem(path, 'must be a table such as { value = 0.5, source = "..." }')
            return
        found = check_fields(spec, fields)
        for field, message in found:
            self.problem((*path, field), message, fields.get(field))
        if not found:
            self.parameters[spec.name] = parameter_from(fields, self.source)

    def group(self, section: str, table: Mapping[str, Any]) -> None:
        for name, fields in table.items():
            spec = PARAMETERS.get(f"{section}.{name}")
            if spec is None:
                known = sorted(
                    n.split(".", 1)[1] for n in PARAMETERS if n.startswith(section + ".")
                )
                self.problem(
                    (section, name), f"unknown parameter; [{section}] has {', '.join(known)}"
                )
                continue
            self.parameter((section, name), spec, fields)

    def gates(self, table: Mapping[str, Any]) -> None:
        modelled = _modelled_gates()
        for pack, gates in table.items():
            if pack not in modelled or not isinstance(gates, dict):
                self.problem(
                    ("gates", pack),
                    f"unknown pack; gates are set for {', '.join(sorted(modelled))}",
                )
                continue
            for gate, fields in gates.items():
                body = modelled[pack].get(gate)
                if body is None:
                    known = ", ".join(modelled[pack])
                    self.problem(("gates", pack, gate), f"unknown gate; {pack} has {known}")
                    continue
                spec = gate_spec(gate_parameter(pack, gate), body)
                self.parameter(("gates", pack, gate), spec, fields)

    def comparators(self, table: Mapping[str, Any]) -> None:
        known = _comparators()
        for pack, fields in table.items():
            if pack not in known or not isinstance(fields, dict):
                self.problem(("comparator", pack), f"unknown comparator; known: {', '.join(known)}")
                continue
            for name, value in fields.items():
                spec = comparator_spec(pack, name)
                if spec is None:
                    names = ", ".join(s.name for s in COMPARATOR_FIELDS)
                    self.problem(("comparator", pack, name), f"unknown parameter; use {names}")
                    continue
                self.parameter(("comparator", pack, name), spec, value)


def parse_scenario(text: str, source: str) -> Scenario:
    """A scenario from TOML text; raises InputError listing every problem with its line."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_AT.match(str(error))
        problem = (
            Problem(match["message"], source, int(match["line"]), int(match["column"]))
            if match
            else Problem(str(error), source)
        )
        raise InputError(f"{source} is not valid TOML", [problem]) from None
    reader = _Reader(text, source)
    for section, table in document.items():
        if section not in _SECTIONS:
            reader.problem((section,), f"unknown section; use {', '.join(_SECTIONS)}")
        elif not isinstance(table, dict):
            reader.problem((section,), "must be a table")
        elif section == "scenario":
            for key, value in table.items():
                if key not in _META:
                    reader.problem((section, key), f"unknown field; use {', '.join(_META)}")
                elif not isinstance(value, str):
                    reader.problem((section, key), "must be text", value)
        elif section == "gates":
            reader.gates(table)
        elif section == "comparator":
            reader.comparators(table)
        else:
            reader.group(section, table)
    if reader.problems:
        raise InputError(f"{source}: the scenario cannot be used", reader.problems)
    meta = document.get("scenario", {})
    return Scenario(
        name=str(meta.get("name", Path(source).stem)),
        title=str(meta.get("title", "")),
        parameters=reader.parameters,
        files=(source,),
        summary=str(meta.get("summary", "")),
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or "cannot be read"
        raise InputError(f"cannot read {path}", [Problem(reason, source=str(path))]) from None
    except UnicodeDecodeError as error:
        problem = Problem("is not UTF-8 text", source=str(path), value=str(error.reason))
        raise InputError(f"cannot read {path}", [problem]) from None


def default_scenario() -> Scenario:
    """The shipped default scenario (complete: every parameter is set)."""
    path = default_scenario_path()
    return parse_scenario(_read(path), f"calexit/pathway/data/{DEFAULT_NAME}")


def read_scenario(path: Path | None) -> Scenario:
    """The default scenario with the file's parameters laid over it (or the default alone)."""
    base = default_scenario()
    if path is None:
        return base
    return base.overridden_by(parse_scenario(_read(path), str(path)))
