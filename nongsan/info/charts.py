"""A small line chart of a price history, drawn as SVG on the server (no script, light)."""

import datetime as dt
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from nongsan.core.money import format_vnd


def price_chart(
    points: Sequence[tuple[dt.date, int]], *, width: int = 640, height: int = 220, title: str = ""
) -> SafeString:
    """A line of (day, price) points with the lowest and highest price marked on the axis."""
    pad_left, pad_right, pad_top, pad_bottom = 90, 16, 16, 34
    inner_w = width - pad_left - pad_right
    inner_h = height - pad_top - pad_bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{pad_left}" y="{pad_top}" width="{inner_w}" height="{inner_h}" '
        'fill="none" stroke="#ccc"/>',
    ]
    if points:
        first, last = points[0][0], points[-1][0]
        span_days = max((last - first).days, 1)
        low = min(price for _, price in points)
        high = max(price for _, price in points)
        span_price = max(high - low, 1)

        def x(day: dt.date) -> float:
            if len(points) == 1:
                return pad_left + inner_w / 2
            return pad_left + inner_w * (day - first).days / span_days

        def y(price: int) -> float:
            if high == low:
                return pad_top + inner_h / 2
            return pad_top + inner_h * (1 - (price - low) / span_price)

        path = " ".join(f"{x(day):.1f},{y(price):.1f}" for day, price in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2e7d32" stroke-width="2"/>')
        for day, price in points:
            parts.append(
                f'<circle cx="{x(day):.1f}" cy="{y(price):.1f}" r="3" fill="#2e7d32">'
                f"<title>{day:%d/%m/%Y}: {escape(format_vnd(price))}</title></circle>"
            )
        for price in {low, high}:
            parts.append(
                f'<text x="{pad_left - 6}" y="{y(price) + 4:.1f}" text-anchor="end" '
                f'font-size="12">{escape(format_vnd(price))}</text>'
            )
        parts.append(
            f'<text x="{pad_left}" y="{height - 10}" font-size="12">{first:%d/%m/%Y}</text>'
        )
        if len(points) > 1:
            parts.append(
                f'<text x="{width - pad_right}" y="{height - 10}" text-anchor="end" '
                f'font-size="12">{last:%d/%m/%Y}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
