"""The only reader of rule packs: TOML text in, a validated :class:`RulePack` out.

Every problem in a pack is reported at once, each as ``file:line:column: key: message``,
with messages written for the person editing the file (see ``tests/unit/rules``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from calexit.errors import NotFoundError, Problem, RulePackError
from calexit.rules.model import RulePack
from calexit.rules.positions import KeyPath, key_positions, locate

_TOML_ERROR_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


@dataclass(frozen=True)
class LoadedPack:
    """A validated pack with the text it came from (stored and hashed for audit bundles)."""

    rules: RulePack
    text: str
    source: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _message(error: ErrorDetails) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    last = loc[-1] if loc else ""
    if kind == "missing":
        if last == "source":
            return "missing citation: every rule needs a source"
        return "required key is missing"
    if kind == "string_too_short":
        if last == "source":
            return "missing citation: the source is empty"
        return "must not be empty"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "value_error":
        ctx = error.get("ctx") or {}
        return str(ctx.get("error", error["msg"]))
    expected = {
        "int_type": "a whole number",
        "string_type": "text",
        "bool_type": "true or false",
        "date_type": "a date such as 2028-11-07",
        "date_from_datetime_inexact": "a date such as 2028-11-07",
        "date_parsing": "a date such as 2028-11-07",
        "model_type": "a table",
        "model_attributes_type": "a table",
        "dict_type": "a table",
        "tuple_type": "a list",
    }.get(kind)
    if expected:
        return f"expected {expected}, got {_describe(value)}"
    if kind == "greater_than_equal":
        return f"must be {error.get('ctx', {}).get('ge')} or more, got {value!r}"
    if kind == "enum":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"expected one of {allowed}, got {value!r}"
    if kind == "string_pattern_mismatch":
        return f"must be lowercase letters, digits and hyphens, got {value!r}"
    return error["msg"]


def _problems(error: ValidationError, text: str, source: str) -> list[Problem]:
    positions = key_positions(text)
    problems = []
    for detail in error.errors(include_url=False):
        loc: KeyPath = tuple(p for p in detail["loc"] if isinstance(p, str | int))
        found = locate(positions, loc)
        line, column = found if found else (None, None)
        key = ".".join(str(p) for p in loc)
        problems.append(Problem(_message(detail), source=source, line=line, column=column, key=key))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.key))


def parse_pack(text: str, source: str) -> LoadedPack:
    """Validate pack text; raise :class:`RulePackError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_ERROR_AT.match(str(error))
        if not match:
            raise RulePackError(
                f"{source} is not valid TOML", [Problem(str(error), source)]
            ) from None
        problem = Problem(
            f"invalid TOML: {match['message']}",
            source=source,
            line=int(match["line"]),
            column=int(match["column"]),
        )
        raise RulePackError(f"{source} is not valid TOML", [problem]) from None
    try:
        rules = RulePack.model_validate(data)
    except ValidationError as error:
        raise RulePackError(
            f"{source} is not a valid rule pack", _problems(error, text, source)
        ) from None
    return LoadedPack(rules=rules, text=text, source=source)


def load_pack_file(path: Path) -> LoadedPack:
    """Read and validate a user's pack file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NotFoundError(f"cannot read rule pack {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        problem = Problem("is not UTF-8 text", source=str(path), value=str(error.reason))
        raise RulePackError(f"{path} is not a valid rule pack", [problem]) from error
    return parse_pack(text, path.name)


def builtin_pack_ids() -> tuple[str, ...]:
    """Ids of the packs shipped with calexit, sorted."""
    folder = resources.files("calexit.rules") / "packs"
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


@cache
def builtin_pack(pack_id: str) -> LoadedPack:
    """A shipped pack by id (``calexit-2028``, ``article-v``, ...)."""
    if pack_id not in builtin_pack_ids():
        known = ", ".join(builtin_pack_ids())
        raise NotFoundError(f"no rule pack named {pack_id!r}; shipped packs: {known}")
    resource = resources.files("calexit.rules") / "packs" / f"{pack_id}.toml"
    loaded = parse_pack(resource.read_text(encoding="utf-8"), f"{pack_id}.toml")
    if loaded.rules.id != pack_id:
        raise RulePackError(f"{pack_id}.toml declares the id {loaded.rules.id!r}")
    return loaded


def resolve_pack(name: str) -> LoadedPack:
    """A shipped pack id, or the path of a pack file."""
    if name in builtin_pack_ids():
        return builtin_pack(name)
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return load_pack_file(path)
    return builtin_pack(name)
