"""The viability register: study areas from seeds 002 and 004, figures linked to facts."""

from __future__ import annotations

import pytest

from calexit.errors import InputError
from calexit.files.pathway_results import shipped_register
from calexit.pathway.viability import Status, parse_register
from calexit.reference.datasets import fact, facts


def test_register_covers_the_seeds_study_areas() -> None:
    register = shipped_register()
    ids = {a.id for a in register.areas}
    # seed 004: governance, trade, immigration, defense, treaties; seed 002: constitution,
    # currency, military, border control, recognition, federal property, water rights.
    for area in ("governance", "trade", "immigration", "defence", "treaties", "currency"):
        assert area in ids
    for area in ("border", "recognition", "federal-assets", "water"):
        assert area in ids
    assert all(a.questions for a in register.areas)
    assert all(a.status is Status.OPEN for a in register.areas)


def test_figures_are_the_shipped_facts() -> None:
    register = shipped_register()
    figures = {f.key: f for a in register.areas for f in a.figures}
    for key in ("gdp_nominal", "federal_land_share", "federal_balance_of_payments_ffy2022"):
        assert figures[key].fact == fact(key)
    assert "state_budget_federal_funds_2024_25_enacted" in figures
    assert figures["federal_land_share"].fact.source.startswith("Congressional Research Service")


def test_hurdles_are_seed_002s_table() -> None:
    hurdles = shipped_register().hurdles
    assert [h.challenge for h in hurdles] == [
        "Federal law",
        "Political resistance",
        "Economic risk",
        "Military & defense",
        "Federal assets",
    ]
    assert hurdles[0].explanation == "Constitution forbids unilateral secession."


def test_unknown_fact_and_status_are_reported_together() -> None:
    document = {
        "register": {"title": "t", "source": "s"},
        "areas": [
            {
                "id": "x",
                "title": "X",
                "status": "done",
                "source": "s",
                "questions": ["q"],
                "figures": [{"fact": "no_such_fact"}],
            }
        ],
    }
    with pytest.raises(InputError) as caught:
        parse_register(document, facts(), "r.toml")
    messages = [p.message for p in caught.value.problems]
    assert "names no shipped fact" in messages
    assert any(m.startswith("must be one of") for m in messages)
