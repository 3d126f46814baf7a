"""``calexit pathway`` through Typer's CliRunner: run, gates, viability; bad scenarios."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from calexit.cli.pathway_cmd import app

runner = CliRunner()


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_run_json_has_probabilities_with_their_error() -> None:
    data = _json("run", "--draws", "5000", "--seed", "7", "--tornado-draws", "1000")
    assert data["pack"] == "calexit-2028"
    assert data["draws"] == 5000 and data["seed"] == 7
    road = data["road"]
    assert road["draws"] == 5000
    assert 0 <= road["probability"] <= 1
    assert "±" in road["display"] or road["display"].startswith(("below", "above"))
    stages = [s["stage"] for s in data["stages"]]
    assert stages[:3] == ["petition", "plebiscite", "commission"]
    assert data["scenario"]["files"] == ["calexit/pathway/data/default_scenario.toml"]
    assert data["scenario"]["parameters"]["plebiscite.yes_share"]["source"].startswith("YouGov")
    assert any("not a forecast" in line for line in data["assumptions"])
    assert {b["parameter"] for b in data["sensitivity"]} >= {"federal.support_democratic"}
    assert len(data["pivotal_states"]) == 10
    counts = {c["gate"]: (c["needed"], c["of"]) for c in data["deterministic_counts"]}
    # U.S. Const. art. V on the 2020 apportionment.
    assert counts["article-v/ratification"] == (38, 50)


def test_run_is_reproducible_from_the_seed() -> None:
    args = ("run", "--draws", "3000", "--seed", "9", "--tornado-draws", "0")
    assert _json(*args)["stages"] == _json(*args)["stages"]


def test_run_prints_the_headline_and_assumptions(tmp_path: Path) -> None:
    out = tmp_path / "figures"
    args = ["run", "--draws", "3000", "--tornado-draws", "500", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "The whole road passes:" in result.stdout
    assert "Assumptions:" in result.stdout
    assert "default_scenario.toml" in result.stdout
    names = sorted(p.name for p in out.iterdir())
    for stem in ("funnel", "tornado", "counties", "states"):
        assert f"calexit-2028-{stem}.png" in names
        assert f"calexit-2028-{stem}.svg" in names
    assert (out / "calexit-2028-funnel.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((out / "calexit-2028-pathway.json").read_text())
    assert saved["draws"] == 3000


def test_comparator_runs_with_its_historical_check() -> None:
    data = _json("run", "--pack", "scotland-2014", "--draws", "2000", "--tornado-draws", "0")
    assert data["historical"]["passed"] is False
    assert [s["stage"] for s in data["stages"]] == ["plebiscite", "consent"]


def test_bad_scenario_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[plebiscite]\n"
        'yes_share = { value = 1.5, source = "poll" }\n'
        "turnout = { value = 0.7 }\n"
        'surprise = { value = 0.1, source = "x" }\n'
    )
    result = runner.invoke(app, ["run", "--scenario", str(path), "--draws", "100"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}:2:" in result.stderr and "[0, 1]" in result.stderr
    assert f"{path}:3:" in result.stderr and "missing source" in result.stderr
    assert f"{path}:4:" in result.stderr and "unknown parameter" in result.stderr
    assert "3 problems" in result.stderr


def test_unknown_pack_exits_2() -> None:
    result = runner.invoke(app, ["gates", "--pack", "no-such-pack"])
    assert result.exit_code == 2
    assert "no-such-pack" in result.stderr


def test_gates_json_has_the_article_v_counts() -> None:
    data = _json("gates", "--pack", "calexit-2028")
    counts = {c["gate"]: (c["needed"], c["of"]) for c in data["deterministic_counts"]}
    assert counts["article-v/house-proposal"] == (290, 435)
    assert counts["article-v/senate-proposal"] == (67, 100)
    assert counts["article-v/convention-call"] == (34, 50)
    logic = next(s["logic"] for s in data["stages"] if s["stage"] == "federal route")
    assert "or article-v/convention-call" in logic


def test_gates_table() -> None:
    result = runner.invoke(app, ["gates", "--pack", "quebec-1995"])
    assert result.exit_code == 0, result.output
    assert "house-of-commons-clarity" in result.stdout


def test_viability_json_and_table() -> None:
    data = _json("viability")
    areas = {a["id"]: a for a in data["areas"]}
    land = areas["federal-assets"]["figures"][0]
    # CRS R42346: 45.4% of California's land is federal.
    assert (land["fact"], land["value"]) == ("federal_land_share", "45.4")
    assert len(data["hurdles"]) == 5
    result = runner.invoke(app, ["viability"])
    assert result.exit_code == 0
    assert "Water rights" in result.stdout
