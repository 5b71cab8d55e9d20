"""Celery entry points of the accounts app: SMS leave the request that asked for them."""

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task

from nongsan.core import sms

logger = logging.getLogger(__name__)
RETRY_SECONDS = 120


@shared_task(bind=True, name="accounts.sms_send", ignore_result=True, max_retries=5)
def sms_send(self: Any, *, to: str, body: str, retry: bool = True) -> None:
    """Send one SMS through the configured gateway; one the gateway refuses or cannot take is
    tried again later (2, 4, 8... minutes), unless it would be useless late (`retry=False`: a
    login code expires in minutes, and the person asks for a new one)."""
    try:
        sms.send_sms(to=to, body=body)
    except sms.SmsError as exc:
        logger.warning("SMS to %s failed (attempt %d)", to, self.request.retries + 1)
        if retry and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc


@shared_task(bind=True, name="accounts.sms_send_all", ignore_result=True)
def sms_send_all(self: Any, *, messages: Sequence[Sequence[str]]) -> int:
    """Send the SMS of one event (a checkout's sellers, say) as one job. One the gateway refuses
    goes on to be tried again on its own; whatever happens to one message, the others are sent,
    and none twice."""
    sent = 0
    for to, body in messages:
        try:
            sms.send_sms(to=to, body=body)
        except sms.SmsError:
            logger.warning("SMS to %s failed (attempt 1)", to)
            if not self.request.is_eager:
                sms_send.apply_async(kwargs={"to": to, "body": body}, countdown=RETRY_SECONDS)
        except Exception:
            logger.exception("SMS to %s could not be sent", to)
        else:
            sent += 1
    return sent
