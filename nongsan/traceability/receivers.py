"""Orders and shipping write their history rows without knowing about lots; these receivers add
the matching steps to the lots of the sub-order (idempotently, by the row's key)."""

from typing import Any

from django.db.models.signals import post_save

from nongsan.orders.models import SubOrderEvent
from nongsan.shipping.models import TrackingEvent

UID = "traceability"


def on_sub_order_event(sender: Any, instance: SubOrderEvent, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from nongsan.traceability import services

        services.safely(services.order_event_apply, event=instance)


def on_tracking_event(sender: Any, instance: TrackingEvent, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from nongsan.traceability import services

        services.safely(services.tracking_event_apply, event=instance)


def connect() -> None:
    post_save.connect(on_sub_order_event, sender=SubOrderEvent, dispatch_uid=f"{UID}.order")
    post_save.connect(on_tracking_event, sender=TrackingEvent, dispatch_uid=f"{UID}.tracking")
