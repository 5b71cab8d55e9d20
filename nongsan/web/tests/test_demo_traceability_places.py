"""The demo data set covers traceability, brand marks, digital addresses and the map."""

import pytest

from nongsan.catalog.models import BrandMark
from nongsan.geo.models import AddressHandover, DigitalAddress, SalesPoint
from nongsan.households.models import Household, Milestone
from nongsan.traceability.models import Lot, TraceEvent
from nongsan.web.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_traces_marks_addresses_and_maps(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = demo_seed(households=14)
    assert first["trace_lots"] > 0 and Lot.objects.filter(traced_at__isnull=False).exists()
    # Parcels packed after the lots were opened added their steps on their own.
    assert TraceEvent.objects.filter(source__in=["order", "shipping"]).exists()
    assert first["label_sheets"] > 0
    sheets = list((tmp_path / "demo" / "nhan-lo").glob("*.pdf"))
    assert sheets and all(p.read_bytes().startswith(b"%PDF") for p in sheets)
    assert BrandMark.objects.filter(revoked_at__isnull=True).exists()
    assert Milestone.objects.filter(kind=Milestone.Kind.TRACED).exists()
    assert not Household.objects.filter(digital_address__isnull=True).exists()
    assert DigitalAddress.objects.filter(handover__isnull=False).exists()
    assert AddressHandover.objects.exists()
    kinds = set(SalesPoint.objects.values_list("kind", flat=True))
    assert kinds == {"shop", "post_office", "market"} | ({"cooperative"} & kinds)
    counts = (Lot.objects.count(), BrandMark.objects.count(), SalesPoint.objects.count(),
              DigitalAddress.objects.count())  # fmt: skip
    demo_seed(households=14)
    assert counts == (Lot.objects.count(), BrandMark.objects.count(),
                      SalesPoint.objects.count(), DigitalAddress.objects.count())  # fmt: skip
