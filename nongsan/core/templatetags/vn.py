"""Template filters for Vietnamese display: `{{ phone|phone }}`, `{{ amount|vnd }}`."""

from django import template

from nongsan.core.money import format_vnd
from nongsan.core.validators import format_mobile

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return format_mobile(value) if value else ""


@register.filter
def vnd(value: int | None) -> str:
    return format_vnd(value)
