"""SMS through an adapter: a sandbox provider for dev and tests, an HTTP gateway for production.

The gateway speaks the JSON protocol common to Vietnamese brand-name SMS providers: POST the message
with a bearer token, read back `{"status": "success", "message_id": ...}`.
"""

import itertools
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from nongsan.core import http

logger = logging.getLogger(__name__)


@dataclass
class SmsMessage:
    to: str  # E.164
    body: str
    sent_at: object = field(default_factory=timezone.now)
    provider_id: str = ""


class SmsError(Exception):
    """The provider refused or could not be reached; the caller decides whether to retry."""


class SmsProvider(Protocol):
    def send(self, *, to: str, body: str) -> SmsMessage: ...


class SandboxSmsProvider:
    """Keeps the latest messages in memory (the outbox, read by tests) and writes every one to
    the log."""

    outbox: deque[SmsMessage] = deque(maxlen=1000)
    _numbers = itertools.count(1)

    def send(self, *, to: str, body: str) -> SmsMessage:
        message = SmsMessage(to=to, body=body, provider_id=f"sandbox-{next(self._numbers)}")
        SandboxSmsProvider.outbox.append(message)
        logger.info("SMS to %s: %s", to, body)
        return message


class HttpGatewaySmsProvider:
    def __init__(self, *, url: str = "", token: str = "", sender: str = "", timeout: float = 10):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token or settings.SMS_GATEWAY_TOKEN
        self.sender = sender or settings.SMS_SENDER
        self.timeout = timeout

    def send(self, *, to: str, body: str) -> SmsMessage:
        payload = json.dumps({"to": [to], "content": body, "sender": self.sender}).encode()
        try:
            reply = http.request(
                "POST",
                self.url,
                body=payload,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                },
                timeout=self.timeout,
            )
            answer = json.loads(reply.body or b"{}")
        except (http.OutgoingError, ValueError) as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from exc
        if answer.get("status") != "success":
            raise SmsError(f"SMS gateway refused the message: {answer}")
        return SmsMessage(to=to, body=body, provider_id=str(answer.get("message_id", "")))


def get_provider() -> SmsProvider:
    provider_class = import_string(settings.SMS_PROVIDER)
    return provider_class()


def send_sms(*, to: str, body: str) -> SmsMessage:
    return get_provider().send(to=to, body=body)
