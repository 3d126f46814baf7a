"""Reading scenario files: every problem listed with its line; the default is complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from calexit.errors import InputError
from calexit.files.pathway_scenario import default_scenario, parse_scenario, read_scenario
from calexit.pathway.road import GateModel, build_road
from calexit.pathway.scenario import PARAMETERS
from calexit.rules.load import builtin_pack, builtin_pack_ids

BAD = """\
[scenario]
name = "bad"

[plebiscite]
yes_share = { value = 1.4, source = "a poll" }
turnout = { value = 0.7 }
yes_swing = { value = 0.1, source = "made up" }

[federal]
support_democratic = { value = 0.2, low = 0.3, source = "x" }
"""


def test_every_problem_is_listed_with_its_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario(BAD, "bad.toml")
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 4
    assert lines[0].startswith("bad.toml:5:")
    assert "a probability must lie in [0, 1], got 1.4" in lines[0]
    assert lines[1].startswith("bad.toml:6:")
    assert "missing source" in lines[1]
    assert lines[2].startswith("bad.toml:7:")
    assert "unknown parameter" in lines[2]
    assert lines[3].startswith("bad.toml:10:")
    assert "must not exceed value" in lines[3]


def test_unknown_gate_and_section_are_reported() -> None:
    text = '[gates.scotland-2014]\nno-such-gate = { value = 1, source = "x" }\n[weather]\nx = 1\n'
    with pytest.raises(InputError) as caught:
        parse_scenario(text, "s.toml")
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith("s.toml:2:") and "unknown gate" in line for line in lines)
    assert any(line.startswith("s.toml:3:") and "unknown section" in line for line in lines)


def test_toml_syntax_error_has_its_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario("[plebiscite]\nyes_share = {\n", "s.toml")
    assert caught.value.problems[0].line == 2


def test_default_scenario_sets_every_parameter_with_a_source() -> None:
    scenario = default_scenario()
    for name in PARAMETERS:
        assert scenario.parameters[name].source.strip(), name
    for pack_id in builtin_pack_ids():
        pack = builtin_pack(pack_id).rules
        for gate in build_road(pack).gates:
            if gate.model is GateModel.SCENARIO and gate.parameter.startswith("gates."):
                assert gate.parameter in scenario.parameters, gate.parameter
    # seed 001 and seed 004: 61% said California would be better off seceding.
    assert scenario.value("plebiscite.yes_share") == 0.61


def test_user_file_overrides_the_default(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[plebiscite]\nyes_share = { value = 0.5, source = "my poll" }\n')
    scenario = read_scenario(path)
    assert scenario.value("plebiscite.yes_share") == 0.5
    assert scenario.parameters["plebiscite.yes_share"].origin == str(path)
    assert scenario.value("plebiscite.turnout") == default_scenario().value("plebiscite.turnout")
    assert scenario.files[-1] == str(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_scenario(tmp_path / "nope.toml")
