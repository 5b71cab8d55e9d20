"""Every file field is either public on purpose (photos of products and reviews, bulletins'
images and attachments, all meant to be shown) or private: kept outside MEDIA_ROOT, with no URL,
served only by a view that checks who asks."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from nongsan.core.storage import PrivateFileStorage
from nongsan.orders.tests import factories as order_factories
from nongsan.shipping import services as shipping_services
from nongsan.shipping.models import Shipment
from nongsan.shipping.tests import factories as shipping_factories

PUBLIC = {
    ("catalog", "ProductPhoto", "original"),
    ("catalog", "ProductPhoto", "thumbnail"),
    ("orders", "Review", "photo"),
    ("info", "Bulletin", "image"),
    ("info", "Bulletin", "attachment"),
}


def test_every_file_field_is_public_on_purpose_or_private():
    private = []
    for model in apps.get_models():
        if not model.__module__.startswith("nongsan."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            key = (model._meta.app_label, model.__name__, field.name)
            if key in PUBLIC:
                continue
            private.append(key)
            assert isinstance(field.storage, PrivateFileStorage), key
            assert field.storage.base_url is None, key
    assert ("support", "Attachment", "file") in private
    assert ("households", "Certification", "document") in private
    assert ("shipping", "ClaimPhoto", "image") in private


@pytest.mark.django_db
def test_claim_evidence_is_served_to_the_claims_parties_only(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    sub = shipping_factories.confirmed_sub_order()
    shipment = shipping_factories.shipment(sub)
    at = timezone.now() - dt.timedelta(hours=5)
    for offset, kind in ((0, Shipment.Status.PICKED_UP), (2, Shipment.Status.DELIVERED)):
        shipping_services.event_record(
            shipment=shipment,
            kind=kind,
            at=at + dt.timedelta(hours=offset),
            source="webhook",
            now=at + dt.timedelta(hours=offset),
        )
    shipment.refresh_from_db()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(buffer, format="JPEG")
    claim = shipping_services.claim_open(
        actor=sub.order.buyer,
        shipment=shipment,
        kind="damaged",
        description="Quả bị dập",
        photos=[SimpleUploadedFile("IMG_nha-toi.jpg", buffer.getvalue())],
    )
    photo = claim.photos.get()
    assert (tmp_path / "private" / photo.image.name).exists()
    assert not (tmp_path / "media" / photo.image.name).exists()
    assert "nha-toi" not in photo.image.name  # stored under a generated name
    url = reverse("shipping:claim_photo", args=[claim.pk, photo.pk])
    assert client.get(url).status_code == 302  # a visitor is sent to log in
    assert client.get(f"/media/{photo.image.name}").status_code == 404
    client.force_login(order_factories.buyer())  # someone else
    assert client.get(url).status_code == 404
    client.force_login(sub.order.buyer)
    seen = client.get(url)
    assert seen.status_code == 200 and seen["Content-Type"] == "image/jpeg"
    page = client.get(reverse("shipping:claim", args=[claim.pk])).content.decode()
    assert url in page and "/media/" not in page


@pytest.mark.django_db
def test_a_certification_scan_is_served_to_who_sees_the_household(client, settings, tmp_path):
    from nongsan.households import services as households_services
    from nongsan.households.tests import factories as household_factories

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    commune = order_factories.hanoi_commune()
    household = household_factories.household(commune=commune)
    agent = household_factories.agent_for(commune)
    certification = households_services.certification_add(
        actor=agent,
        household=household,
        kind="vietgap",
        number="VG-01-2026",
        issuer="Trung tâm chứng nhận",
        document=SimpleUploadedFile("giay-chung-nhan.pdf", b"%PDF-1.4 scan"),
    )
    url = reverse("households:certification_document", args=[household.pk, certification.pk])
    assert client.get(f"/media/{certification.document.name}").status_code == 404
    client.force_login(order_factories.buyer())
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 200
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert url in page
