"""Celery entry points of the partners app."""

from typing import Any

from celery import shared_task

from nongsan.partners import services, transport

MAX_RETRIES = 6


@shared_task(
    bind=True, name="partners.deliver_webhook", ignore_result=True, max_retries=MAX_RETRIES
)
def deliver_webhook(self: Any, *, delivery_id: int) -> None:
    """Send one webhook; retry with growing waits (30 s, 1 min, 2 min, ...), then give up."""
    try:
        services.webhook_attempt(delivery_id=delivery_id)
    except transport.DeliveryError as exc:
        retries = self.request.retries or 0
        if retries >= MAX_RETRIES:
            services.webhook_give_up(delivery_id=delivery_id)
            return
        if self.request.is_eager:
            # In-process (no broker, no worker to come back later): the next attempt runs now.
            deliver_webhook.apply(kwargs={"delivery_id": delivery_id}, retries=retries + 1)
            return
        raise self.retry(exc=exc, countdown=30 * 2**retries) from exc
