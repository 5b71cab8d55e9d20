"""Delivery fees by a fixed table: one parcel per shop, priced by distance zone and weight.

Stands in for the carriers' rate tables until the shipping app quotes real ones. The zones follow
how Vietnam Post and Viettel Post price: within the province, within the region (Miền Bắc / Trung /
Nam), between regions, and abroad; a base price covers the first 2 kg, then each started kg costs
more; perishable produce pays a cold-chain surcharge; express costs half again.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from nongsan.orders.models import DeliveryOption


class Zone:
    SAME_PROVINCE = "same_province"
    SAME_REGION = "same_region"
    OTHER_REGION = "other_region"
    INTERNATIONAL = "international"


@dataclass(frozen=True)
class Rate:
    base: int  # first BASE_KG
    per_kg: int  # each started kg above


BASE_KG = 2
RATES = {
    Zone.SAME_PROVINCE: Rate(base=18_000, per_kg=3_000),
    Zone.SAME_REGION: Rate(base=25_000, per_kg=5_000),
    Zone.OTHER_REGION: Rate(base=35_000, per_kg=8_000),
    Zone.INTERNATIONAL: Rate(base=450_000, per_kg=180_000),
}
PERISHABLE_SURCHARGE = 15_000
EXPRESS_FACTOR = Decimal("1.5")


def zone_of(
    *,
    seller_province_id: int,
    seller_region: str,
    buyer_province_id: int | None,
    buyer_region: str | None,
) -> str:
    if buyer_province_id is None:
        return Zone.INTERNATIONAL
    if buyer_province_id == seller_province_id:
        return Zone.SAME_PROVINCE
    if buyer_region == seller_region:
        return Zone.SAME_REGION
    return Zone.OTHER_REGION


def delivery_fee(*, zone: str, weight_kg: Decimal, perishable: bool, option: str) -> int:
    """The fee for one parcel, in đồng, rounded up to the thousand."""
    rate = RATES[zone]
    extra_kg = max(math.ceil(weight_kg - BASE_KG), 0)
    fee = Decimal(rate.base + extra_kg * rate.per_kg)
    if perishable:
        fee += PERISHABLE_SURCHARGE
    if option == DeliveryOption.EXPRESS:
        fee *= EXPRESS_FACTOR
    return int(math.ceil(fee / 1000) * 1000)
