"""Events of lower apps turned into partner webhooks, without those apps importing partners:
receivers connected here by model label when the app registry is ready."""

from typing import Any

from django.apps import apps
from django.db.models.signals import post_save

from nongsan.core.validators import mask_cccd


def _milestone_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or instance.marketplace_id is None or instance.source.startswith("partner:"):
        return  # a partner's own report is not echoed back to it
    from nongsan.partners import services
    from nongsan.partners.models import Event, PartnerAccount

    household = instance.household
    account = (
        PartnerAccount.objects.filter(
            marketplace_id=instance.marketplace_id, household_id=household.pk
        )
        .values_list("external_id", flat=True)
        .first()
    )
    services.event_emit(
        marketplace_id=instance.marketplace_id,
        event=Event.MILESTONE_RECORDED,
        event_id=f"milestone:{instance.pk}",
        data={
            "household_external_id": account,
            "cccd_masked": mask_cccd(household.head_cccd),
            "kind": instance.kind,
            "achieved_at": instance.achieved_at.isoformat(),
        },
    )


def _sub_order_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status != "delivered":
        return
    from nongsan.partners import services
    from nongsan.partners.models import Event

    services.event_emit(
        marketplace_id=instance.shop.marketplace_id,
        event=Event.ORDER_DELIVERED,
        event_id=f"order.delivered:{instance.pk}",
        data={
            "number": instance.number,
            "shop_id": instance.shop_id,
            "goods_total_vnd": instance.goods_total,
            "delivered_at": instance.delivered_at.isoformat() if instance.delivered_at else None,
        },
    )


def _difficulty_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status != "answered" or instance.marketplace_id is None:
        return
    from nongsan.partners import services
    from nongsan.partners.models import Event

    answered = instance.answered_at.isoformat() if instance.answered_at else ""
    services.event_emit(
        marketplace_id=instance.marketplace_id,
        event=Event.DIFFICULTY_ANSWERED,
        event_id=f"difficulty.answered:{instance.pk}:{answered}",
        data={"number": instance.number, "title": instance.title, "answered_at": answered},
    )


def connect() -> None:
    post_save.connect(
        _milestone_saved, sender=apps.get_model("households", "Milestone"), weak=False
    )
    post_save.connect(_sub_order_saved, sender=apps.get_model("orders", "SubOrder"), weak=False)
    post_save.connect(_difficulty_saved, sender=apps.get_model("support", "Difficulty"), weak=False)
