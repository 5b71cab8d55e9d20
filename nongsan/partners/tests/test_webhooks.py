"""Signed webhooks: subscriptions per partner, events from lower apps, delivery with retries and
a log; a sandbox receiver checks each signature the way a partner would."""

import json
import time

import pytest
from django.apps import apps
from django.utils import timezone

from nongsan.core.errors import ApplicationError
from nongsan.households import services as households_services
from nongsan.households.models import Milestone
from nongsan.households.tests import factories as household_factories
from nongsan.partners import services, tasks, transport
from nongsan.partners.models import WebhookDelivery
from nongsan.partners.tests import factories
from nongsan.partners.transport import SandboxSender

pytestmark = pytest.mark.django_db
RECEIVER = "https://partner.example/hooks"


@pytest.fixture(autouse=True)
def sandbox():
    SandboxSender.outbox.clear()
    SandboxSender.answers.clear()
    yield SandboxSender
    SandboxSender.outbox.clear()
    SandboxSender.answers.clear()


def shop_opened(marketplace):
    """A household opens a shop on the marketplace (a milestone recorded by the platform)."""
    households_services.milestone_record(
        household=household_factories.household(),
        kind=Milestone.Kind.SHOP_OPENED,
        marketplace=marketplace,
    )


def receive(secret):
    """The partner's side: every received body must carry a valid, fresh signature."""
    events = []
    for url, body, headers in SandboxSender.outbox:
        assert url == RECEIVER
        assert services.verify(
            secret=secret,
            header=headers["X-Nongsan-Signature"],
            body=body,
            now=int(time.time()),
        )
        events.append(json.loads(body))
    return events


def test_a_milestone_on_the_partners_marketplace_is_delivered_signed(
    client, django_capture_on_commit_callbacks
):
    operator = factories.operator()
    raw = factories.key_for(operator)
    response = client.post(
        "/api/partners/webhooks",
        {"url": RECEIVER, "events": ["household.milestone_recorded"]},
        content_type="application/json",
        headers={"X-API-Key": raw},
    )
    assert response.status_code == 201
    secret = response.json()["secret"]
    other = factories.partner("sendo", "Sendo")
    household = household_factories.household()
    with django_capture_on_commit_callbacks(execute=True):
        households_services.milestone_record(
            household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=operator.marketplace
        )
        households_services.milestone_record(
            household=household, kind=Milestone.Kind.SHOP_OPENED, marketplace=other
        )
        households_services.milestone_record(household=household, kind=Milestone.Kind.TRACED)
    events = receive(secret)
    assert [e["type"] for e in events] == ["household.milestone_recorded"]
    assert events[0]["data"]["kind"] == "shop_opened"
    assert household.head_cccd not in json.dumps(events[0])  # the CCCD travels masked
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    log = client.get("/api/partners/webhook-deliveries", headers={"X-API-Key": raw}).json()
    assert [d["status"] for d in log["items"]] == ["delivered"]


def test_a_tampered_or_stale_signature_does_not_verify():
    body = b'{"id":"x"}'
    header = services.sign(secret="s3cret", timestamp=1_000_000, body=body)
    assert services.verify(secret="s3cret", header=header, body=body, now=1_000_010)
    assert not services.verify(secret="s3cret", header=header, body=body + b" ", now=1_000_010)
    assert not services.verify(secret="other", header=header, body=body, now=1_000_010)
    assert not services.verify(secret="s3cret", header=header, body=body, now=1_000_000 + 301)
    assert not services.verify(secret="s3cret", header="garbage", body=body, now=1_000_000)


def test_an_unreachable_receiver_is_retried_then_given_up(django_capture_on_commit_callbacks):
    operator = factories.operator()
    services.webhook_subscribe(
        actor=operator, url=RECEIVER, events=["household.milestone_recorded"]
    )
    SandboxSender.answers[RECEIVER] = None
    with django_capture_on_commit_callbacks(execute=True):
        shop_opened(operator.marketplace)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == tasks.MAX_RETRIES + 1
    assert len(SandboxSender.outbox) == tasks.MAX_RETRIES + 1
    # The receiver is back: a later attempt delivers it.
    SandboxSender.answers.clear()
    services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_a_receiver_answering_500_is_retried_until_it_accepts(django_capture_on_commit_callbacks):
    operator = factories.operator()
    services.webhook_subscribe(
        actor=operator, url=RECEIVER, events=["household.milestone_recorded"]
    )
    statuses = iter([500, 503, 200])

    class Flaky(SandboxSender):
        def post(self, *, url, body, headers):
            self.answers[url] = next(statuses)
            return super().post(url=url, body=body, headers=headers)

    from django.test import override_settings

    with override_settings(
        PARTNERS={"RATE_LIMIT_PER_MINUTE": 60, "WEBHOOK_SENDER": f"{__name__}.Flaky"}
    ):
        globals()["Flaky"] = Flaky
        with django_capture_on_commit_callbacks(execute=True):
            shop_opened(operator.marketplace)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_subscriptions_are_checked_and_belong_to_their_partner(client):
    operator = factories.operator()
    for url, events in (("ftp://x", ["order.delivered"]), (RECEIVER, ["weather"]), (RECEIVER, [])):
        with pytest.raises(ApplicationError):
            services.webhook_subscribe(actor=operator, url=url, events=events)
    # The platform's own network, on its face, is refused when it is given.
    for inward in (
        "http://127.0.0.1:5432/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://10.0.0.8/hook",
        "https://localhost/hook",
        "https://db.internal/hook",
    ):
        with pytest.raises(ApplicationError) as refused:
            services.webhook_subscribe(actor=operator, url=inward, events=["order.delivered"])
        assert refused.value.field == "url" and "công khai" in refused.value.message
    endpoint = services.webhook_subscribe(actor=operator, url=RECEIVER, events=["order.delivered"])
    other_key = factories.key_for(factories.operator(factories.partner("sendo", "Sendo")))
    assert client.get("/api/partners/webhooks", headers={"X-API-Key": other_key}).json() == []
    response = client.delete(
        f"/api/partners/webhooks/{endpoint.pk}", headers={"X-API-Key": other_key}
    )
    assert response.status_code == 404
    own_key = factories.key_for(operator)
    response = client.delete(
        f"/api/partners/webhooks/{endpoint.pk}", headers={"X-API-Key": own_key}
    )
    assert response.status_code == 204
    assert client.get("/api/partners/webhooks", headers={"X-API-Key": own_key}).json() == []


def test_a_difficulty_the_partner_raised_is_announced_when_answered(
    django_capture_on_commit_callbacks,
):
    """The support app's difficulty, saved answered, reaches the marketplace that raised it."""
    operator = factories.operator()
    endpoint = services.webhook_subscribe(
        actor=operator, url=RECEIVER, events=["difficulty.answered"]
    )
    difficulty_model = apps.get_model("support", "Difficulty")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        difficulty = difficulty_model.objects.create(
            number="KK26-000001",
            topic="payments",
            title="Đối soát chậm",
            description="Tiền về chậm 5 ngày.",
            raised_by=operator,
            raised_as="marketplace",
            marketplace=operator.marketplace,
            due_on=now.date(),
            status="open",
        )
        difficulty.status = "answered"
        difficulty.answered_at = now
        difficulty.save()
        difficulty.save()  # saved again: the same event is not sent twice
    events = receive(endpoint.secret)
    assert [(e["type"], e["data"]["number"]) for e in events] == [
        ("difficulty.answered", "KK26-000001")
    ]


def test_a_partner_reads_delivered_or_failed_never_the_platforms_network(client, settings):
    """The HTTP sender refuses a name that resolves inward at call time; the partner's view
    of the delivery says only that its server could not be reached."""
    import socket

    settings.PARTNERS = {
        **settings.PARTNERS,
        "WEBHOOK_SENDER": "nongsan.partners.transport.HttpSender",
    }
    operator = factories.operator()
    endpoint = services.webhook_subscribe(
        actor=operator, url="https://hooks.partner.example/in", events=["order.delivered"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="order.delivered", event_id="e-1", payload={"x": 1}
    )
    original = socket.getaddrinfo
    socket.getaddrinfo = lambda host, port, *a, **k: [  # the name now points inward
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.9", port))
    ]
    try:
        with pytest.raises(transport.DeliveryError):
            services.webhook_attempt(delivery_id=delivery.pk)
    finally:
        socket.getaddrinfo = original
    listed = client.get(
        "/api/partners/webhook-deliveries", headers={"X-API-Key": factories.key_for(operator)}
    )
    assert listed.status_code == 200, listed.content
    [seen] = [d for d in listed.json()["items"] if d["id"] == delivery.pk]
    assert seen["last_error"] == "unreachable" and "10.0.0.9" not in listed.content.decode()
