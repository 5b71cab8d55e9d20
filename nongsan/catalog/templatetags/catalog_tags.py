"""Display of catalog values the Vietnamese way: `2,5 kg`, `45.000 ₫/kg`, `20/05 – 31/07`."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from nongsan.catalog.models import Product
from nongsan.core.money import format_vnd

register = template.Library()


@register.filter
def qty(value: Decimal | int | None) -> str:
    """A quantity without trailing zeros, with a decimal comma: 2.500 -> "2,5"."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    whole, _sep, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if whole.lstrip("-").isdigit() else whole
    return f"{whole},{fraction}" if fraction else whole


@register.filter
def unit_price(product: Product) -> str:
    """ "45.000 ₫/kg" or "180.000 ₫/bao 5 kg"."""
    label = Product.Unit(product.unit).label
    text = f"{format_vnd(product.price)}/{label}"
    if product.unit_weight_kg is not None:
        text += f" {qty(product.unit_weight_kg)} kg"
    return text


@register.filter
def unit_label(product: Product) -> str:
    return str(Product.Unit(product.unit).label)


@register.filter
def month_day(value: int | None) -> str:
    if not value:
        return ""
    return f"{value % 100:02d}/{value // 100:02d}"


@register.filter
def stars(value: int | None) -> str:
    return "★" * int(value or 0)


@register.filter
def shelf_life(hours: int | None) -> str:
    if not hours:
        return ""
    if hours < 72:
        return _("%(n)s giờ") % {"n": hours}
    return _("%(n)s ngày") % {"n": round(hours / 24)}


@register.simple_tag
def cover(product: Product) -> object:
    """The first photo of a product whose photos were prefetched, or None."""
    photos = list(product.photos.all())
    return photos[0] if photos else None
