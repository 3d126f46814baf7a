"""The road as a graph of gates built from the packs."""

from __future__ import annotations

from calexit.pathway.road import GateModel, StageKind, build_road
from calexit.rules.load import builtin_pack


def _road(pack_id: str):  # type: ignore[no-untyped-def]
    pack = builtin_pack(pack_id).rules
    return build_road(pack, tuple(builtin_pack(p).rules for p in pack.pack.road))


def test_calexit_2028_road_runs_through_every_stage_in_order() -> None:
    road = _road("calexit-2028")
    assert [s.kind for s in road.stages] == [
        StageKind.PETITION,
        StageKind.PLEBISCITE,
        StageKind.COMMISSION,
        StageKind.FEDERAL,
        StageKind.NEGOTIATION,
        StageKind.RECOGNITION,
    ]
    petition = road.gate("calexit-2028/petition")
    assert "546,651" in petition.rule
    assert "Cal. Const. art. II, sec. 8(b)" in petition.source


def test_article_v_routes_are_alternatives_and_ratification_is_always_needed() -> None:
    federal = _road("calexit-2028").stages[3]
    assert federal.routes == ("congress", "convention")
    assert federal.logic() == (
        "article-v/ratification and ((article-v/house-proposal and "
        "article-v/senate-proposal) or article-v/convention-call)"
    )


def test_every_gate_keeps_its_source() -> None:
    for pack_id in ("calexit-2028", "calexit-now-2026", "scotland-2014", "quebec-1995"):
        for gate in _road(pack_id).gates:
            assert gate.source.strip(), gate.key


def test_comparators_have_their_own_consent_rules() -> None:
    scotland = _road("scotland-2014")
    assert [s.kind for s in scotland.stages] == [StageKind.PLEBISCITE, StageKind.CONSENT]
    assert all(g.model is GateModel.SCENARIO for g in scotland.stages[1].gates)
    quebec = _road("quebec-1995")
    # Bill 1 (1995) or, later, the Clarity Act route: alternatives.
    assert quebec.stages[1].routes == ("unilateral-1995", "negotiated")
    # Scotland Act 2013 and the Referendum Act: a simple majority of valid votes.
    assert "more than 50%" in scotland.gate("scotland-2014/plebiscite").rule


def test_campaign_plan_gate_is_modelled_from_congress() -> None:
    road = _road("calexit-now-2026")
    gate = road.gate("calexit-now-2026/congress-majority")
    assert gate.model is GateModel.CONGRESS
    assert gate.needed == 268
