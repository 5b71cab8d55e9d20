"""Celery entry points of the accounts app."""

import logging
from typing import Any

from celery import shared_task

from nongsan.core import sms

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="accounts.sms_send", ignore_result=True, max_retries=5)
def sms_send(self: Any, *, to: str, body: str) -> None:
    """Send one SMS through the configured gateway, off the request that asked for it; a
    gateway that refuses or cannot be reached is tried again later (2, 4, 8... minutes)."""
    try:
        sms.send_sms(to=to, body=body)
    except sms.SmsError as exc:
        logger.warning("SMS to %s failed (attempt %d)", to, self.request.retries + 1)
        if not self.request.is_eager:
            raise self.retry(exc=exc, countdown=120 * 2**self.request.retries) from exc
