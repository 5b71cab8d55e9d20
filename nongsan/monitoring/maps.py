"""Maps drawn on the server as SVG from the coordinates the administrative units already carry.

A dot per commune at its official centre coordinates, coloured by its province's completion of
a target (the national map) or by its own figure (a province's map). No shapes are copied from
anywhere: the country's outline emerges from its 3,321 communes. The projection is
equirectangular, scaled by the cosine of the mid latitude, which is close enough over Vietnam's
span to keep provinces recognisable.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Band:
    """A colour for figures from `low` (inclusive) up to the next band's low."""

    low: float
    colour: str
    label: str | Promise


NO_FIGURE = Band(-1, "#d4d4d8", _("chưa có mục tiêu / chưa có số liệu"))
COMPLETION_BANDS: tuple[Band, ...] = (
    Band(0, "#fecaca", _("dưới 25%")),
    Band(25, "#fdba74", _("25–50%")),
    Band(50, "#fde047", _("50–75%")),
    Band(75, "#86efac", _("75–100%")),
    Band(100, "#15803d", _("đạt hoặc vượt")),
)
COUNT_COLOURS = ("#dcfce7", "#86efac", "#22c55e", "#15803d")


def band_for(value: float | None, bands: Sequence[Band]) -> Band:
    if value is None:
        return NO_FIGURE
    chosen = bands[0]
    for band in bands:
        if value >= band.low:
            chosen = band
    return chosen


def count_bands(values: Sequence[float]) -> tuple[Band, ...]:
    """Bands for plain figures (a province's communes): zero, then quartiles of the rest."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return (Band(0, COUNT_COLOURS[0], "0"),)
    cuts = sorted({positive[int(len(positive) * q)] for q in (0, 0.25, 0.5, 0.75)})
    bands = [Band(0, "#f4f4f5", "0")]
    for index, low in enumerate(cuts):
        high = cuts[index + 1] if index + 1 < len(cuts) else None
        label = f"≥ {_short(low)}" if high is None else f"{_short(low)} – {_short(high)}"
        bands.append(Band(low, COUNT_COLOURS[min(index, len(COUNT_COLOURS) - 1)], label))
    return tuple(bands)


def _short(value: float) -> str:
    return f"{value:g}".replace(".", ",")


@dataclass(frozen=True)
class Dot:
    latitude: float
    longitude: float
    group: int  # dots of one group share a colour and a title (a province)


@dataclass(frozen=True)
class Group:
    colour: str
    title: str


def dot_map(
    *, dots: Sequence[Dot], groups: dict[int, Group], width: int = 360, radius: float = 1.6
) -> str:
    """The SVG markup: one path per group (a province) drawing its dots in its colour, titled
    (hover or long-press)."""
    if not dots:
        return ""
    lats = [d.latitude for d in dots]
    lngs = [d.longitude for d in dots]
    squash = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lngs) - min(lngs)) * squash, 0.01)
    span_y = max(max(lats) - min(lats), 0.01)
    margin = radius * 2
    scale = (width - 2 * margin) / span_x
    height = round(span_y * scale + 2 * margin)
    west, north = min(lngs), max(lats)
    by_group: dict[int, list[str]] = {}
    for dot in dots:
        x = margin + (dot.longitude - west) * squash * scale
        y = margin + (north - dot.latitude) * scale
        by_group.setdefault(dot.group, []).append(f"M{x:.0f} {y:.0f}h0")
    # each dot is a zero-length stroke with round caps: about a third of the bytes of a <circle>
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="dot-map">'
    ]
    for key, moves in by_group.items():
        group = groups[key]
        parts.append(
            f'<path stroke="{group.colour}" stroke-width="{2 * radius}" stroke-linecap="round" '
            f'd="{"".join(moves)}"><title>{escape(group.title)}</title></path>'
        )
    parts.append("</svg>")
    return "".join(parts)
