"""Figures of the road after the vote, drawn with matplotlib (Agg) as PNG and SVG.

* the funnel: the probability of getting through each stage of the road;
* the tornado: the road's probability with each parameter at the ends of its range;
* the county map: the modelled mean yes share of each county (``ca_counties.geojson``);
* the ratification map: each state's chance of ratifying, on a tile grid (one square
  per state: calexit ships no state boundaries, and a tile grid gives every state the
  same weight, as ratification does).

Every figure carries a footnote naming the scenario file(s), the draws and the seed,
and saying that it is a tool for reasoning, not a forecast.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from calexit.pathway.estimate import Estimate
from calexit.pathway.sensitivity import Bar
from calexit.pathway.simulate import Result

TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (0, 11),
    "VT": (1, 10), "NH": (1, 11),
    "WA": (2, 1), "ID": (2, 2), "MT": (2, 3), "ND": (2, 4), "MN": (2, 5), "IL": (2, 6),
    "WI": (2, 7), "MI": (2, 8), "NY": (2, 9), "RI": (2, 10), "MA": (2, 11),
    "OR": (3, 1), "NV": (3, 2), "WY": (3, 3), "SD": (3, 4), "IA": (3, 5), "IN": (3, 6),
    "OH": (3, 7), "PA": (3, 8), "NJ": (3, 9), "CT": (3, 10),
    "CA": (4, 1), "UT": (4, 2), "CO": (4, 3), "NE": (4, 4), "MO": (4, 5), "KY": (4, 6),
    "WV": (4, 7), "VA": (4, 8), "MD": (4, 9), "DE": (4, 10),
    "AZ": (5, 2), "NM": (5, 3), "KS": (5, 4), "AR": (5, 5), "TN": (5, 6), "NC": (5, 7),
    "SC": (5, 8),
    "OK": (6, 4), "LA": (6, 5), "MS": (6, 6), "AL": (6, 7), "GA": (6, 8),
    "HI": (7, 0), "TX": (7, 4), "FL": (7, 9),
}  # fmt: skip
"""Row and column of each state's tile (the common tile-grid layout of U.S. news maps)."""


def footnote(result: Result) -> str:
    files = ", ".join(result.scenario.files) or "(none)"
    return (
        f"Scenario: {files}. {result.draws:,} draws, seed {result.seed}. "
        "A tool for reasoning, not a forecast: see the run's assumptions."
    )


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.set(rect=(0, 0.05, 1, 0.95))  # type: ignore[call-arg]
    return figure


def _note(figure: Figure, text: str) -> None:
    figure.text(0.01, 0.005, text, fontsize=6.5, ha="left", va="bottom", wrap=True)


def funnel_figure(result: Result) -> Figure:
    """Bars of the probability of getting through each stage, in road order."""
    stages = result.road.stages
    figure = _figure(8, 0.55 * len(stages) + 1.6)
    axes = figure.add_subplot()
    labels = [f"{s.kind.value}: {s.title}" for s in stages]
    values = [100 * e.rounded for e in result.through]
    positions = list(range(len(stages)))[::-1]
    axes.barh(positions, values, color="#3b6ea8")
    for y, estimate in zip(positions, result.through, strict=True):
        axes.text(101, y, estimate.text(), va="center", fontsize=7)
    axes.set_yticks(positions, labels, fontsize=7)
    axes.set_xlim(0, 160)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel("probability of getting this far (%)")
    axes.set_title(f"The road after the vote: {result.road.title}", fontsize=9)
    _note(figure, footnote(result))
    return figure


def tornado_figure(result: Result, base: Estimate, bars: Sequence[Bar]) -> Figure:
    """One bar per parameter from the road's probability at its low to its high end."""
    figure = _figure(8, 0.35 * max(len(bars), 1) + 1.8)
    axes = figure.add_subplot()
    centre = 100 * base.rounded
    for y, bar in enumerate(reversed(bars)):
        low, high = 100 * bar.at_low.rounded, 100 * bar.at_high.rounded
        axes.barh(y, low - centre, left=centre, color="#c0504d", height=0.6)
        axes.barh(y, high - centre, left=centre, color="#4f81bd", height=0.6)
    axes.axvline(centre, color="black", linewidth=0.8)
    names = [f"{b.parameter} ({b.low:g} to {b.high:g})" for b in reversed(bars)]
    axes.set_yticks(range(len(bars)), names, fontsize=7)
    axes.set_xlabel("probability that the whole road passes (%): red at low end, blue at high")
    axes.set_title(f"Sensitivity of the road ({result.road.pack}): {base.text()}", fontsize=9)
    _note(figure, footnote(result))
    return figure


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"][0]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


def county_map_figure(result: Result, geojson: Path, threshold: float | None) -> Figure:
    """Each county shaded by its modelled mean yes share; the colour scale centres on the
    approval threshold when there is one."""
    shares = dict(result.county_yes)
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    patches, values = [], []
    for feature in features:
        name = feature["properties"]["name"]
        for ring in _rings(feature["geometry"]):
            patches.append(Polygon(ring, closed=True))
            values.append(100 * shares.get(name, float("nan")))
    centre = 100 * (threshold if threshold is not None else 0.5)
    figure = _figure(6, 7)
    axes = figure.add_subplot()
    collection = PatchCollection(patches, cmap="RdBu", edgecolor="white", linewidth=0.3)
    collection.set_array(values)
    collection.set_norm(Normalize(vmin=centre - 30, vmax=centre + 30))
    axes.add_collection(collection)
    axes.autoscale_view()
    axes.set_aspect(1.25)
    axes.set_axis_off()
    figure.colorbar(collection, ax=axes, shrink=0.6, label="modelled mean yes share (%)")
    axes.set_title(f"Modelled yes share by county ({result.road.pack})", fontsize=9)
    _note(figure, footnote(result) + " Boundaries: ca_counties.geojson.")
    return figure


def ratification_map_figure(result: Result, needed: int | None) -> Figure:
    """Each state's probability of ratifying, on a tile grid."""
    chances = dict(result.state_consents)
    figure = _figure(9, 5.6)
    axes = figure.add_subplot()
    norm = Normalize(vmin=0, vmax=100)
    colours = matplotlib.colormaps["PuOr"]
    for abbr, (row, column) in TILES.items():
        chance = 100 * chances.get(abbr, float("nan"))
        axes.add_patch(
            Rectangle(
                (column, -row), 0.92, 0.92, facecolor=colours(norm(chance)), edgecolor="white"
            )
        )
        axes.text(column + 0.46, -row + 0.58, abbr, ha="center", fontsize=7, weight="bold")
        axes.text(column + 0.46, -row + 0.22, f"{chance:.0f}%", ha="center", fontsize=6)
    axes.set_xlim(-0.2, 12.2)
    axes.set_ylim(-7.2, 1.1)
    axes.set_aspect("equal")
    axes.set_axis_off()
    figure.colorbar(
        ScalarMappable(norm=norm, cmap=colours),
        ax=axes,
        shrink=0.6,
        label="probability that the state ratifies (%)",
    )
    rule = f"; ratification needs {needed} of 50" if needed else ""
    axes.set_title(f"Ratification by state ({result.road.pack}{rule})", fontsize=9)
    _note(figure, footnote(result) + " Tile grid: one square per state, not to scale.")
    return figure


def save_figure(figure: Figure, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write ``stem.png`` and ``stem.svg`` into ``folder`` (reproducible: no dates)."""
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    figure.savefig(png, dpi=150, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "calexit"}):
        figure.savefig(svg, metadata={"Date": None})
    return png, svg
