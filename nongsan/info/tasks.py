"""Celery entry points of the info app."""

from celery import shared_task

from nongsan.info import services


@shared_task(name="info.bulletin_deliver", ignore_result=True)
def bulletin_deliver(*, bulletin_id: int) -> int:
    """After a bulletin is published or corrected: put it in the targeted households' feeds."""
    return services.bulletin_deliver(bulletin_id=bulletin_id)
