"""The road after the vote on the portal (issue 7, "The portal (when it exists) shows it"):
the latest pathway run, the viability register and seed 002's hurdles, as a page, as
open data and through the API; empty before any run, filled after one."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from calexit.cli.demo_pathway import run_pathway_stage
from calexit.files.pathway_results import shipped_register
from calexit.rules.load import resolve_pack
from calexit.store import Store, open_store
from calexit.web import create_app
from calexit.web.views import probability_text

NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pathway_summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One small run of the demo's pathway stage, shared by the module (a few seconds)."""
    out = tmp_path_factory.mktemp("pathway")
    summary = run_pathway_stage(Console(file=io.StringIO()), out, draws=2000, tornado_draws=0)
    return summary


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'portal.sqlite3'}") as opened:
        yield opened


def _client(store: Store) -> TestClient:
    return TestClient(create_app(store=store, clock=lambda: NOW))


def _store_run(store: Store, summary: dict[str, Any]) -> int:
    """Record the run as ``calexit demo`` does (``demo_cmd._pathway_stage``)."""
    pack = resolve_pack("calexit-2028")
    info = pack.rules.pack
    store.save_pack(info.id, info.version, info.title, pack.text, now=NOW)
    run = store.start_run("pathway", info.id, seed=None, code_version="test", now=NOW)
    store.finish_run(run, status="succeeded", summary=summary, now=NOW)
    return run


def _assert_accessible_markup(page: str) -> None:
    """What the strict CSP and the axe tests need: no inline script or style, tables with
    captions and header scopes."""
    assert "<script" not in page and "style=" not in page and "<style" not in page
    tables = page.count("<table>")
    assert tables >= 2 and page.count("<caption>") == tables
    assert 'scope="col"' in page and 'scope="row"' in page


def test_probabilities_are_shown_as_stored_with_no_added_digits() -> None:
    assert probability_text(0.172) == "17.2%"
    assert probability_text(0.41) == "41%"
    assert probability_text(1.0) == "100%"
    assert probability_text(0.03) == "3%"
    assert probability_text("13.3% ± 0.8") == "13.3% ± 0.8"
    assert probability_text(None) == "—"


def test_before_any_run_the_page_says_so_and_still_shows_the_register(store: Store) -> None:
    with _client(store) as client:
        answer = client.get("/road")
        assert answer.status_code == 200
        page = answer.text
        assert "Not yet run" in page and "not a forecast" in page
        assert '<a href="/road" aria-current="page">' in page  # in the navigation
        register = shipped_register()
        for area in register.areas:
            assert f'id="area-{area.id}"' in page
        for hurdle in register.hurdles:
            assert f'<th scope="row">{escape(hurdle.challenge)}</th>' in page
        assert "calexit/pathway/data/viability.toml" in page
        _assert_accessible_markup(page)
        api = client.get("/road.json").json()
        assert api["ran"] is False and api["stages"] == [] and "not a forecast" in api["statement"]


def test_after_a_run_the_page_shows_every_stage_the_comparators_and_the_scenario(
    store: Store, pathway_summary: dict[str, Any]
) -> None:
    run = _store_run(store, pathway_summary)
    with _client(store) as client:
        page = client.get("/road").text
        assert "Not yet run" not in page
        assert "A tool for reasoning, not a forecast" in page
        for scenario in pathway_summary["scenario"]:
            assert f"<code>{scenario}</code>" in page
        assert f"<strong>{escape(pathway_summary['road']['display'])}</strong>" in page
        for stage, probability in pathway_summary["stages"].items():
            shown = re.search(rf'<th scope="row">{stage}</th><td>([^<]+)</td>', page)
            assert shown is not None, stage
            assert shown.group(1) == probability_text(probability)
            assert float(shown.group(1).rstrip("%")) / 100 == pytest.approx(probability)
        for pack, comparator in pathway_summary["comparators"].items():
            assert f'<th scope="row">{pack}</th><td>{escape(comparator["road"])}</td>' in page
        assert f"{pathway_summary['draws']:,}" in page
        _assert_accessible_markup(page)
        api = client.get("/road.json").json()
        assert api["ran"] is True and api["run_id"] == run
        assert api["road"] == pathway_summary["road"]["display"]
        assert {s["stage"]: s["probability"] for s in api["stages"]} == pathway_summary["stages"]
        assert api["scenario"] == pathway_summary["scenario"]


def test_the_register_is_open_data_as_csv_and_json(store: Store) -> None:
    register = shipped_register()
    with _client(store) as client:
        index = client.get("/open-data").text
        assert '<a href="/data/viability.csv">' in index
        assert '<a href="/data/viability-hurdles.json">' in index
        rows = client.get("/data/viability.json").json()
        assert [r["id"] for r in rows] == [a.id for a in register.areas]
        figures = {f["key"]: f for r in rows for f in r["figures"]}
        for area in register.areas:
            for figure in area.figures:
                assert figures[figure.key]["source"] == figure.fact.source
                assert figures[figure.key]["unit"] == figure.fact.unit
        table = list(csv.DictReader(io.StringIO(client.get("/data/viability.csv").text)))
        assert len(table) == len(register.areas)
        assert json.loads(table[0]["questions"]) == list(register.areas[0].questions)
        assert {"id", "title", "questions", "figures", "status", "source"} <= set(table[0])
        hurdles = client.get("/data/viability-hurdles.json").json()
        assert [h["challenge"] for h in hurdles] == [h.challenge for h in register.hurdles]
        assert '<a href="/road.json">' in index
