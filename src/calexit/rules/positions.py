"""Where each key of a TOML document is written: ``("petition", "circulation_days") -> (12, 1)``.

``tomllib`` parses but forgets positions, and error messages need them. This small
recursive scanner walks a document that ``tomllib`` has already accepted and records
the line and column of every table header, key/value pair, inline-table key and
array element (arrays of tables are numbered like the parsed lists). It validates
nothing; it only has to be right for documents that parse.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_KEY = re.compile(r'[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask_strings(text)
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.positions: dict[KeyPath, Position] = {}
        self.array_counts: dict[KeyPath, int] = {}
        self.pos = 0

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def record(self, path: KeyPath, offset: int) -> None:
        self.positions.setdefault(path, self.position(offset))

    def skip(self, *, newlines: bool) -> None:
        """Skip blanks and comments (and line breaks when ``newlines``)."""
        blanks = " \t\r\n" if newlines else " \t\r"
        while self.pos < len(self.masked):
            char = self.masked[self.pos]
            if char in blanks:
                self.pos += 1
            elif char == "#":
                end = self.masked.find("\n", self.pos)
                self.pos = len(self.masked) if end < 0 else end
            else:
                return

    def dotted_key(self) -> tuple[tuple[str, ...], int]:
        keys: list[str] = []
        start = self.pos
        while True:
            self.skip(newlines=False)
            match = _KEY.match(self.text, self.pos)
            if not match:
                break
            keys.append(_key_text(match.group()))
            self.pos = match.end()
            self.skip(newlines=False)
            if self.masked.startswith(".", self.pos):
                self.pos += 1
                continue
            break
        return tuple(keys), start

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.masked):
                return
            before = self.pos
            if self.masked[self.pos] == "[":
                table = self.header()
            else:
                self.key_value(table)
            if self.pos == before:  # nothing recognised: step past it rather than loop
                self.pos += 1

    def header(self) -> KeyPath:
        array = self.masked.startswith("[[", self.pos)
        self.pos += 2 if array else 1
        self.skip(newlines=False)
        keys, start = self.dotted_key()
        self.pos = (
            self.masked.find("\n", self.pos)
            if "\n" in self.masked[self.pos :]
            else len(self.masked)
        )
        if not array:
            self.record(keys, start)
            return keys
        index = self.array_counts.get(keys, 0)
        self.array_counts[keys] = index + 1
        self.record(keys, start)
        self.record((*keys, index), start)
        return (*keys, index)

    def key_value(self, prefix: KeyPath) -> None:
        keys, start = self.dotted_key()
        path = (*prefix, *keys)
        self.record(path, start)
        self.skip(newlines=False)
        if self.masked.startswith("=", self.pos):
            self.pos += 1
        self.value(path)

    def value(self, path: KeyPath) -> None:
        self.skip(newlines=False)
        if self.pos >= len(self.masked):
            return
        char = self.masked[self.pos]
        if char == "{":
            self.container(path, "}", inline_table=True)
        elif char == "[":
            self.container(path, "]", inline_table=False)
        else:
            string = _STRING.match(self.text, self.pos)
            if string:
                self.pos = string.end()
            while self.pos < len(self.masked) and self.masked[self.pos] not in ",}]\n#":
                self.pos += 1

    def container(self, path: KeyPath, closing: str, *, inline_table: bool) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.masked) or self.masked[self.pos] == closing:
                self.pos += 1
                return
            before = self.pos
            if inline_table:
                self.key_value(path)
            else:
                self.record((*path, index), self.pos)
                self.value((*path, index))
                index += 1
            self.skip(newlines=True)
            # past a comma, or past something unrecognised rather than loop on it
            if self.masked.startswith(",", self.pos) or self.pos == before:
                self.pos += 1


def _key_text(raw: str) -> str:
    """A key as TOML reads it: quotes removed, a basic string's escapes resolved."""
    if raw.startswith('"'):
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError:
            return raw.strip('"')
    return raw.strip("'")


def _mask_strings(text: str) -> str:
    """Blank out string contents (keeping line breaks) so '#', '[' or '=' inside are inert."""

    def blank(match: re.Match[str]) -> str:
        body = match.group()
        quote = 3 if body[:3] in ('"""', "'''") else 1
        inner = re.sub(r"[^\n]", " ", body[quote:-quote])
        return body[:quote] + inner + body[-quote:]

    return _STRING.sub(blank, text)


def key_positions(text: str) -> dict[KeyPath, Position]:
    """Map each key path in a parsed-OK TOML document to its 1-based (line, column)."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.positions


def locate(positions: dict[KeyPath, Position], path: Sequence[str | int]) -> Position | None:
    """The position of ``path``, or of its longest recorded prefix."""
    for end in range(len(path), -1, -1):
        found = positions.get(tuple(path[:end]))
        if found:
            return found
    return None
