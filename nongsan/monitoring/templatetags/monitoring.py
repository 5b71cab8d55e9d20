"""Figures as Vietnamese readers write them: `{{ n|figure }}` 1.234, `{{ p|percent }}` 28,6."""

from decimal import Decimal
from typing import Any

from django import template

from nongsan.core.timeutils import duration_text

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    """1.234 for whole numbers, 12,345 for tonnes (three decimals, a decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


@register.filter
def percent(value: float | None) -> str:
    """A percentage with a decimal comma; "—" when there is none (growth from zero)."""
    if value is None:
        return "—"
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def import_count(report: Any, status: str) -> int:
    """How many rows of an import report ended with `status`."""
    return int(report.count(status))


@register.filter
def figure_any(value: Any) -> str:
    """A typed figure (a Decimal): whole numbers as 1.234, else with a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return figure(value)


@register.filter
def lateness(delta: Any) -> str:
    """How late a report was filed: "1 ngày 2 giờ 30 phút"."""
    if delta is None:
        return ""
    return duration_text(delta)
