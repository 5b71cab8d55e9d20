"""Figures as Vietnamese readers write them: `{{ n|figure }}` 1.234, `{{ p|percent }}` 28,6."""

from typing import Any

from django import template

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
