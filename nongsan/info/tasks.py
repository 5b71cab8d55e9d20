"""Celery entry points of the info app."""

from celery import shared_task

from nongsan.info import services


@shared_task(name="info.bulletin_deliver", ignore_result=True)
def bulletin_deliver(*, bulletin_id: int) -> int:
    """After a bulletin is published or corrected: put it in the targeted households' feeds."""
    return services.bulletin_deliver(bulletin_id=bulletin_id)


@shared_task(name="info.deliver_due", ignore_result=True)
def deliver_due() -> int:
    """Every ten minutes: bulletins whose validity has just begun reach their households."""
    return services.bulletins_deliver_due()
