"""The sub-order pipeline: which status follows which, who moves it there, and what each person
is to a sub-order. Read by the services (to move) and the selectors (to offer the next step)."""

from collections.abc import Mapping

from nongsan.accounts.models import Role, User
from nongsan.catalog import selectors as catalog_selectors
from nongsan.orders.models import SubOrder

Status = SubOrder.Status

ALLOWED: Mapping[str, frozenset[str]] = {
    Status.PLACED: frozenset({Status.CONFIRMED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.PACKED, Status.CANCELLED}),
    Status.PACKED: frozenset({Status.HANDED_TO_CARRIER, Status.CANCELLED}),
    Status.HANDED_TO_CARRIER: frozenset({Status.DELIVERED}),
    # Cancelled after delivery: only a disputed parcel, by the marketplace's operator.
    Status.DELIVERED: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}
TIMESTAMP: dict[str, str] = {
    Status.CONFIRMED: "confirmed_at",
    Status.PACKED: "packed_at",
    Status.HANDED_TO_CARRIER: "handed_at",
    Status.DELIVERED: "delivered_at",
    Status.COMPLETED: "completed_at",
    Status.CANCELLED: "cancelled_at",
}
# Days after delivery: the buyer may say a parcel did not come; then it completes on its own.
DISPUTE_DAYS = 3
# Buyers may cancel until the parcel is packed; sellers until it leaves with the carrier.
BUYER_MAY_CANCEL = frozenset({Status.PLACED, Status.CONFIRMED})


def operator_decides(sub_order: SubOrder, to: str) -> bool:
    """Whether a move from delivered is the operator's decision on a buyer's dispute (the only
    way an operator completes, and the only way a delivered sub-order is cancelled)."""
    return sub_order.status == Status.DELIVERED and to in (Status.COMPLETED, Status.CANCELLED)


def seller_delivers(sub_order: SubOrder) -> bool:
    """The seller delivers (or the buyer picks up): no carrier has the parcel."""
    return sub_order.carrier_id is None


class Party:
    BUYER = "buyer"
    SELLER = "seller"
    CARRIER = "carrier"
    OPERATOR = "operator"
    SYSTEM = "system"


# Which party moves a sub-order to each status.
MOVERS: Mapping[str, frozenset[str]] = {
    Status.CONFIRMED: frozenset({Party.SELLER}),
    Status.PACKED: frozenset({Party.SELLER}),
    # The system: the carrier's own system reporting pickup and delivery through shipping.
    Status.HANDED_TO_CARRIER: frozenset({Party.SELLER, Party.CARRIER, Party.SYSTEM}),
    # A parcel a carrier took is delivered by the carrier's tracking or the buyer's word; the
    # seller says so only of a parcel it delivered itself (see SELLER_DELIVERS), and the buyer
    # then confirms (completed), or the time to dispute runs out (sub_orders_complete_due).
    Status.DELIVERED: frozenset({Party.CARRIER, Party.SELLER, Party.SYSTEM, Party.BUYER}),
    # The operator completes a disputed parcel it found delivered.
    Status.COMPLETED: frozenset({Party.BUYER, Party.SYSTEM, Party.OPERATOR}),
    # The system cancels a pre-order the harvest could not fill at all.
    Status.CANCELLED: frozenset({Party.BUYER, Party.SELLER, Party.OPERATOR, Party.SYSTEM}),
}


def parties_of(*, actor: User | None, sub_order: SubOrder) -> set[str]:
    """What the actor is to this sub-order (none: not theirs to touch)."""
    if actor is None:
        return {Party.SYSTEM}
    if not actor.is_active:
        return set()
    parties = set()
    if sub_order.order.buyer_id == actor.pk:
        parties.add(Party.BUYER)
    if catalog_selectors.may_manage_shop(actor=actor, shop=sub_order.shop):
        parties.add(Party.SELLER)
    if (
        actor.role == Role.CARRIER_STAFF
        and actor.carrier_id
        and actor.carrier_id == sub_order.carrier_id
    ):
        parties.add(Party.CARRIER)
    if actor.role == Role.MARKETPLACE_OPERATOR and actor.marketplace_id == sub_order.marketplace_id:
        parties.add(Party.OPERATOR)
    if actor.is_superuser:
        parties.add(Party.OPERATOR)
    return parties
