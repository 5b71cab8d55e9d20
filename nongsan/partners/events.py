"""Events of lower apps turned into partner webhooks, without those apps importing partners:
receivers connected here by model label when the app registry is ready.

A receiver only looks at the saved row's own fields and defers the rest until the transaction
commits: an event is announced only if what it announces was committed, and the saving code pays
no query for it (partners without a subscription cost nothing at all).
"""

import functools
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

from nongsan.core.validators import mask_cccd


def _milestone_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or instance.marketplace_id is None or instance.source.startswith("partner:"):
        return  # a partner's own report is not echoed back to it
    transaction.on_commit(functools.partial(_milestone_recorded, milestone_id=instance.pk))


def _milestone_recorded(*, milestone_id: int) -> None:
    from nongsan.partners import services
    from nongsan.partners.models import Event, PartnerAccount

    milestone = (
        apps.get_model("households", "Milestone")
        .objects.select_related("household")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None or milestone.marketplace_id not in services.subscribed_marketplaces():
        return
    account = (
        PartnerAccount.objects.filter(
            marketplace_id=milestone.marketplace_id, household_id=milestone.household_id
        )
        .values_list("external_id", flat=True)
        .first()
    )
    with transaction.atomic():
        services.event_emit(
            marketplace_id=milestone.marketplace_id,
            event=Event.MILESTONE_RECORDED,
            event_id=f"milestone:{milestone.pk}",
            data={
                "household_external_id": account,
                "cccd_masked": mask_cccd(milestone.household.head_cccd),
                "kind": milestone.kind,
                "achieved_at": milestone.achieved_at.isoformat(),
            },
        )


def _sub_order_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status == "delivered":
        transaction.on_commit(functools.partial(_sub_order_delivered, sub_order_id=instance.pk))


def _sub_order_delivered(*, sub_order_id: int) -> None:
    from nongsan.partners import services
    from nongsan.partners.models import Event

    if not services.subscribed_marketplaces():
        return
    sub = (
        apps.get_model("orders", "SubOrder")
        .objects.select_related("shop")
        .filter(pk=sub_order_id, status="delivered")
        .first()
    )
    if sub is None:
        return
    with transaction.atomic():
        services.event_emit(
            marketplace_id=sub.shop.marketplace_id,
            event=Event.ORDER_DELIVERED,
            event_id=f"order.delivered:{sub.pk}",
            data={
                "number": sub.number,
                "shop_id": sub.shop_id,
                "goods_total_vnd": sub.goods_total,
                "delivered_at": sub.delivered_at.isoformat() if sub.delivered_at else None,
            },
        )


def _difficulty_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status != "answered" or instance.marketplace_id is None:
        return
    answered = instance.answered_at.isoformat() if instance.answered_at else ""
    transaction.on_commit(
        functools.partial(
            _difficulty_answered,
            marketplace_id=instance.marketplace_id,
            event_id=f"difficulty.answered:{instance.pk}:{answered}",
            data={"number": instance.number, "title": instance.title, "answered_at": answered},
        )
    )


def _difficulty_answered(*, marketplace_id: int, event_id: str, data: dict[str, Any]) -> None:
    from nongsan.partners import services
    from nongsan.partners.models import Event

    with transaction.atomic():
        services.event_emit(
            marketplace_id=marketplace_id,
            event=Event.DIFFICULTY_ANSWERED,
            event_id=event_id,
            data=data,
        )


def connect() -> None:
    post_save.connect(
        _milestone_saved, sender=apps.get_model("households", "Milestone"), weak=False
    )
    post_save.connect(_sub_order_saved, sender=apps.get_model("orders", "SubOrder"), weak=False)
    post_save.connect(_difficulty_saved, sender=apps.get_model("support", "Difficulty"), weak=False)
