"""Figures drawn on the server as inline SVG: the county map and the budget burn chart.

The map projects the shipped county boundaries (``ca_counties.geojson``) with an
equirectangular projection scaled by cos(37.5°), which keeps California's shape at
this size. Colours come from attributes (no inline styles, so the strict
Content-Security-Policy holds), and every figure has a title and a description and
sits beside a table with the same numbers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from html import escape

from calexit.reference.datasets import shipped_path

WIDTH = 360
PALETTE = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
NO_DATA = "#e0e0e0"
_COS = math.cos(math.radians(37.5))


@lru_cache(maxsize=1)
def _counties() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    data = json.loads(shipped_path("ca_counties.geojson").read_text(encoding="utf-8"))
    counties = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        rings = tuple(
            tuple((float(x), float(y)) for x, y in ring) for polygon in polygons for ring in polygon
        )
        counties.append((str(feature["properties"]["name"]), rings))
    return tuple(counties)


@lru_cache(maxsize=1)
def _paths() -> tuple[tuple[str, str], ...]:
    counties = _counties()
    xs = [x * _COS for _, rings in counties for ring in rings for x, _y in ring]
    ys = [y for _, rings in counties for ring in rings for _x, y in ring]
    left, top = min(xs), max(ys)
    scale = WIDTH / (max(xs) - left)
    paths = []
    for name, rings in counties:
        parts = []
        for ring in rings:
            points = " ".join(
                f"{(x * _COS - left) * scale:.1f},{(top - y) * scale:.1f}" for x, y in ring
            )
            parts.append(f"M{points}Z")
        paths.append((name, "".join(parts)))
    return tuple(paths)


@lru_cache(maxsize=1)
def map_height() -> int:
    counties = _counties()
    xs = [x * _COS for _, rings in counties for ring in rings for x, _y in ring]
    ys = [y for _, rings in counties for ring in rings for _x, y in ring]
    return math.ceil((max(ys) - min(ys)) * WIDTH / (max(xs) - min(xs)))


def colour(value: float | None, low: float, high: float) -> str:
    if value is None or math.isnan(value):
        return NO_DATA
    span = high - low
    share = 0.5 if span <= 0 else (value - low) / span
    return PALETTE[min(len(PALETTE) - 1, max(0, int(share * len(PALETTE))))]


def county_map(
    values: Mapping[str, float], *, title: str, label: str, figure_id: str, fmt: str = "{:.1%}"
) -> str:
    """An SVG map of California's 58 counties shaded by ``values`` (county name -> number).

    The figure depends only on its arguments, so the last few are kept: a stage's page
    redraws its map only when its results change.
    """
    return _county_map(tuple(sorted(values.items())), title, label, figure_id, fmt)


@lru_cache(maxsize=8)
def _county_map(
    items: tuple[tuple[str, float], ...], title: str, label: str, figure_id: str, fmt: str
) -> str:
    values = dict(items)
    known = [v for v in values.values() if not math.isnan(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    height = map_height()
    shapes = []
    for name, path in _paths():
        value = values.get(name)
        text = f"{name}: {fmt.format(value)}" if value is not None else f"{name}: no data"
        shapes.append(
            f'<path d="{path}" fill="{colour(value, low, high)}" stroke="#555" stroke-width="0.4">'
            f"<title>{escape(text)}</title></path>"
        )
    legend = []
    for index, shade in enumerate(PALETTE):
        legend.append(
            f'<rect x="{200 + index * 16}" y="{height + 8}" width="16" height="10" '
            f'fill="{shade}" stroke="#555" stroke-width="0.3"/>'
        )
    lo, hi = (fmt.format(low), fmt.format(high)) if known else ("", "")
    desc = f"{label}; lightest {lo}, darkest {hi}. The table below gives every county's figure."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height + 40}" '
        f'role="img" aria-labelledby="{figure_id}-t {figure_id}-d" class="map">'
        f'<title id="{figure_id}-t">{escape(title)}</title>'
        f'<desc id="{figure_id}-d">{escape(desc)}</desc>'
        + "".join(shapes)
        + "".join(legend)
        + f'<text x="196" y="{height + 32}" font-size="10" fill="#222">{escape(lo)}</text>'
        + f'<text x="344" y="{height + 32}" font-size="10" fill="#222" '
        f'text-anchor="end">{escape(hi)}</text>' + "</svg>"
    )


def burn_chart(
    months: Sequence[tuple[str, int]], appropriated: int, *, figure_id: str = "burn"
) -> str:
    """Cumulative spending by month (bars) against the appropriation (a line), in dollars."""
    width, height, pad = 560, 240, 48
    top = max([appropriated, *(c for _, c in months)], default=1) or 1
    plot_w, plot_h = width - 2 * pad, height - 2 * pad
    step = plot_w / max(1, len(months))
    bars = []
    for index, (month, cents) in enumerate(months):
        h = plot_h * cents / top
        x = pad + index * step + step * 0.15
        bars.append(
            f'<rect x="{x:.1f}" y="{pad + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#2171b5">'
            f"<title>{escape(month)}: ${cents / 100:,.0f} spent in all</title></rect>"
            f'<text x="{x + step * 0.35:.1f}" y="{height - pad + 14}" font-size="9" '
            f'text-anchor="middle" fill="#222">{escape(month)}</text>'
        )
    line_y = pad + plot_h - plot_h * appropriated / top
    desc = (
        f"Cumulative spending for {len(months)} months against the appropriation of "
        f"${appropriated / 100:,.0f}; the table below lists the figures."
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{figure_id}-t {figure_id}-d" class="chart">'
        f'<title id="{figure_id}-t">Budget burn</title>'
        f'<desc id="{figure_id}-d">{escape(desc)}</desc>'
        f'<line x1="{pad}" y1="{pad + plot_h}" x2="{width - pad}" '
        f'y2="{pad + plot_h}" stroke="#222"/>'
        + "".join(bars)
        + f'<line x1="{pad}" y1="{line_y:.1f}" x2="{width - pad}" y2="{line_y:.1f}" '
        'stroke="#b30000" stroke-dasharray="6 3"/>'
        f'<text x="{width - pad}" y="{line_y - 4:.1f}" font-size="10" text-anchor="end" '
        f'fill="#b30000">appropriation ${appropriated / 100:,.0f}</text>'
        "</svg>"
    )
