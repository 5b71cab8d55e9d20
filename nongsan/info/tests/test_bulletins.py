"""Bulletins: who may publish what, who receives them, delivery, urgent SMS and reading."""

import datetime as dt

import pytest
from django.utils import timezone

from nongsan.accounts.models import Notification, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.info import selectors, services
from nongsan.info.models import Bulletin, BulletinUpdate, Delivery
from nongsan.info.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    lang_son = account_factories.province("Lạng Sơn")
    return {
        "lang_son": lang_son,
        "ls_a": account_factories.commune("Lạng Sơn", 0),
        "ls_b": account_factories.commune("Lạng Sơn", 1),
        "hanoi": account_factories.commune("Hà Nội", 0),
    }


@pytest.fixture
def households(places):
    return {
        "ls_a_maize": factories.household(commune=places["ls_a"], grows=("ngo",)),
        "ls_a_rice": factories.household(commune=places["ls_a"], grows=("lua-gao",)),
        "ls_b_maize": factories.household(commune=places["ls_b"], grows=("ngo", "na")),
        "ls_b_none": factories.household(commune=places["ls_b"]),
        "hanoi_maize": factories.household(commune=places["hanoi"], grows=("ngo",)),
    }


def names_of(queryset, households):
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, h in households.items() if h.pk in ids}


def feed_titles(household):
    return set(selectors.feed_for(household=household).values_list("title", flat=True))


def test_a_household_sees_exactly_the_items_for_its_place_and_produce(places, households):
    editor = factories.editor()
    factories.bulletin(actor=editor, title="Toàn quốc")
    factories.bulletin(actor=editor, title="Lạng Sơn", provinces=[places["lang_son"]])
    factories.bulletin(actor=editor, title="Xã A", communes=[places["ls_a"]], is_nationwide=False)
    factories.bulletin(
        actor=editor,
        title="Ngô ở Lạng Sơn",
        provinces=[places["lang_son"]],
        produce=[factories.produce("ngo")],
    )
    factories.bulletin(
        actor=editor,
        title="Na hoặc lúa, toàn quốc",
        produce=[factories.produce("na"), factories.produce("lua-gao")],
    )
    factories.bulletin(actor=editor, title="Bản nháp", publish=False)

    assert feed_titles(households["ls_a_maize"]) == {
        "Toàn quốc",
        "Lạng Sơn",
        "Xã A",
        "Ngô ở Lạng Sơn",
    }
    assert feed_titles(households["ls_a_rice"]) == {
        "Toàn quốc",
        "Lạng Sơn",
        "Xã A",
        "Na hoặc lúa, toàn quốc",
    }
    assert feed_titles(households["ls_b_maize"]) == {
        "Toàn quốc",
        "Lạng Sơn",
        "Ngô ở Lạng Sơn",
        "Na hoặc lúa, toàn quốc",
    }
    assert feed_titles(households["ls_b_none"]) == {"Toàn quốc", "Lạng Sơn"}
    assert feed_titles(households["hanoi_maize"]) == {"Toàn quốc"}


def test_targeted_households_match_the_feeds(places, households):
    bulletin = factories.bulletin(
        provinces=[places["lang_son"]],
        communes=[places["hanoi"]],
        produce=[factories.produce("ngo")],
    )
    assert names_of(selectors.households_targeted(bulletin=bulletin), households) == {
        "ls_a_maize",
        "ls_b_maize",
        "hanoi_maize",
    }


def test_validity_window_bounds_the_feed(places, households):
    now = timezone.now()
    factories.bulletin(
        title="Đã hết hạn",
        valid_from=now - dt.timedelta(days=3),
        valid_until=now - dt.timedelta(days=1),
        publish=False,
    )
    factories.bulletin(title="Sắp có hiệu lực", valid_from=now + dt.timedelta(days=1))
    factories.bulletin(title="Đang có hiệu lực", valid_until=now + dt.timedelta(days=1))
    assert feed_titles(households["ls_a_maize"]) == {"Đang có hiệu lực"}


def test_publishing_delivers_once_and_texts_urgent_items(
    places, households, django_capture_on_commit_callbacks, _sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = factories.bulletin(
            title="Bão số 3 đổ bộ Lạng Sơn",
            kind=Bulletin.Kind.DISASTER,
            provinces=[places["lang_son"]],
            is_urgent=True,
        )
    delivered = Delivery.objects.filter(bulletin=bulletin)
    lang_son_names = {"ls_a_maize", "ls_a_rice", "ls_b_maize", "ls_b_none"}
    assert {d.household_id for d in delivered} == {households[n].pk for n in lang_son_names}
    assert all(d.sms_sent for d in delivered)
    texted = {m.to for m in _sms_outbox}
    assert texted == {households[n].user.phone for n in lang_son_names}
    assert all("Bao so 3" in m.body and len(m.body) <= 160 for m in _sms_outbox)
    assert Notification.objects.filter(url__endswith=f"/tin/{bulletin.pk}/").count() == 4
    bulletin.refresh_from_db()
    assert bulletin.delivered_count == 4

    # Delivering again (a retried task) delivers nothing twice and sends no second SMS.
    assert services.bulletin_deliver(bulletin_id=bulletin.pk) == 0
    assert len(_sms_outbox) == 4


def test_ordinary_items_are_delivered_without_sms(
    places, households, django_capture_on_commit_callbacks, _sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = factories.bulletin(
            kind=Bulletin.Kind.TECHNIQUE, title="Kỹ thuật ủ phân", communes=[places["ls_a"]]
        )
    assert Delivery.objects.filter(bulletin=bulletin, sms_sent=False).count() == 2
    assert not _sms_outbox


def test_a_correction_counts_as_an_update_and_reaches_new_targets(
    places, households, django_capture_on_commit_callbacks, _sms_outbox
):
    editor = factories.editor(province=places["lang_son"])
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = factories.bulletin(actor=editor, communes=[places["ls_a"]], is_urgent=True)
    assert len(_sms_outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_update(
            actor=editor,
            bulletin=bulletin,
            title=bulletin.title + " (cập nhật)",
            body=bulletin.body,
            is_urgent=True,
            valid_until=None,
            is_nationwide=False,
            provinces=[],
            communes=[places["ls_a"], places["ls_b"]],
            produce=[],
        )
    kinds = list(bulletin.updates.values_list("kind", flat=True))
    assert kinds == [BulletinUpdate.Kind.PUBLISHED, BulletinUpdate.Kind.REVISED]
    assert Delivery.objects.filter(bulletin=bulletin).count() == 4
    assert len(_sms_outbox) == 4  # only the two newly reached households were texted


def test_reading_is_recorded_once(places, households):
    household = households["ls_a_maize"]
    bulletin = factories.bulletin()
    first = timezone.now()
    delivery = services.bulletin_read(household=household, bulletin=bulletin, now=first)
    assert delivery.read_at == first
    services.bulletin_read(
        household=household, bulletin=bulletin, now=first + dt.timedelta(hours=1)
    )
    delivery.refresh_from_db()
    assert delivery.read_at == first
    assert selectors.feed_for(household=household).get(pk=bulletin.pk).read_at == first
    assert selectors.delivery_stats(bulletin=bulletin).read == 1


def test_the_feed_records_delivery_of_items_published_before_the_household_joined(places):
    bulletin = factories.bulletin(provinces=[places["lang_son"]])
    late = factories.household(commune=places["ls_b"])
    assert services.feed_record_delivery(household=late) == 1
    assert services.feed_record_delivery(household=late) == 0
    assert Delivery.objects.get(household=late).bulletin == bulletin


def test_a_province_editor_stays_in_its_province(places):
    editor = factories.editor(province=places["lang_son"])
    with pytest.raises(ApplicationError) as refused:
        factories.bulletin(actor=editor, is_nationwide=True)
    assert refused.value.field == "is_nationwide"
    with pytest.raises(ApplicationError) as refused:
        factories.bulletin(actor=editor, communes=[places["hanoi"]])
    assert refused.value.field == "communes"
    made = factories.bulletin(actor=editor, communes=[places["ls_a"]])
    assert made.province == places["lang_son"]


def test_marketplace_staff_publish_platform_guides_only():
    operator = account_factories.user(Role.MARKETPLACE_OPERATOR)
    with pytest.raises(ApplicationError):
        factories.bulletin(actor=operator, kind=Bulletin.Kind.PEST)
    guide = factories.bulletin(actor=operator, kind=Bulletin.Kind.PLATFORM_GUIDE)
    assert guide.marketplace == operator.marketplace
    for role in (Role.BUYER, Role.HOUSEHOLD, Role.FIELD_AGENT):
        with pytest.raises(ApplicationError) as refused:
            factories.bulletin(actor=account_factories.user(role))
        assert refused.value.code == "forbidden"


def test_bad_input_names_the_field(places):
    editor = factories.editor()
    now = timezone.now()
    cases = {
        "title": {"title": "  "},
        "body": {"body": ""},
        "valid_until": {"valid_from": now, "valid_until": now - dt.timedelta(hours=1)},
        "provinces": {"is_nationwide": False},
        "kind": {"kind": "gossip"},
    }
    for field, fields in cases.items():
        with pytest.raises(ApplicationError) as refused:
            factories.bulletin(actor=editor, **fields)
        assert refused.value.field == field


def test_publish_twice_is_refused_and_withdrawn_items_leave_feeds(places, households):
    editor = factories.editor()
    bulletin = factories.bulletin(actor=editor)
    with pytest.raises(ApplicationError):
        services.bulletin_publish(actor=editor, bulletin=bulletin)
    services.bulletin_withdraw(actor=editor, bulletin=bulletin)
    assert feed_titles(households["ls_a_maize"]) == set()


def test_editors_see_their_scope(places):
    ministry = factories.editor()
    lang_son_editor = factories.editor(province=places["lang_son"])
    hanoi_editor = factories.editor(province=places["hanoi"].province)
    mine = factories.bulletin(actor=lang_son_editor, provinces=[places["lang_son"]])
    national = factories.bulletin(actor=ministry)
    assert set(selectors.bulletin_list(actor=ministry)) == {mine, national}
    assert set(selectors.bulletin_list(actor=lang_son_editor)) == {mine}
    assert set(selectors.bulletin_list(actor=hanoi_editor)) == set()
    with pytest.raises(ApplicationError):
        services.bulletin_withdraw(actor=hanoi_editor, bulletin=mine)


def test_a_bulletin_published_ahead_is_delivered_when_its_validity_begins(
    places, households, django_capture_on_commit_callbacks, _sms_outbox
):
    start = timezone.now() + dt.timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = factories.bulletin(communes=[places["ls_a"]], is_urgent=True, valid_from=start)
    assert not Delivery.objects.filter(bulletin=bulletin).exists() and not _sms_outbox
    assert services.bulletins_deliver_due(now=start - dt.timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bulletins_deliver_due(now=start + dt.timedelta(minutes=5)) == 2
    assert len(_sms_outbox) == 2
    assert services.bulletins_deliver_due(now=start + dt.timedelta(minutes=15)) == 0
