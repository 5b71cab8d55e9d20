"""Celery entry points of the accounts app: SMS leave the request that asked for them."""

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task

from nongsan.core import sms

logger = logging.getLogger(__name__)
RETRY_SECONDS = 120


@shared_task(bind=True, name="accounts.sms_send", ignore_result=True, max_retries=5)
def sms_send(self: Any, *, to: str, body: str) -> None:
    """Send one SMS through the configured gateway; a gateway that refuses or cannot be reached
    is tried again later (2, 4, 8... minutes)."""
    try:
        sms.send_sms(to=to, body=body)
    except sms.SmsError as exc:
        logger.warning("SMS to %s failed (attempt %d)", to, self.request.retries + 1)
        if not self.request.is_eager:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc


@shared_task(bind=True, name="accounts.sms_send_all", ignore_result=True)
def sms_send_all(self: Any, *, messages: Sequence[Sequence[str]]) -> int:
    """Send the SMS of one event (a checkout's sellers, say) as one job; one the gateway refuses
    goes on to be tried again on its own, the others are not sent twice."""
    sent = 0
    for to, body in messages:
        try:
            sms.send_sms(to=to, body=body)
            sent += 1
        except sms.SmsError:
            logger.warning("SMS to %s failed (attempt 1)", to)
            if not self.request.is_eager:
                sms_send.apply_async(kwargs={"to": to, "body": body}, countdown=RETRY_SECONDS)
    return sent
