"""Information pages over HTTP: the household's feed and reading, editors' pages, scopes."""

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.info.models import Bulletin, Delivery
from nongsan.info.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lang_son_household():
    return factories.household(commune=account_factories.commune("Lạng Sơn"), grows=("ngo",))


def test_the_feed_shows_warnings_first_and_marks_reading(
    client, lang_son_household, django_assert_max_num_queries
):
    editor = factories.editor()
    factories.bulletin(actor=editor, kind=Bulletin.Kind.POLICY, title="Chính sách hỗ trợ vay")
    pest = factories.bulletin(
        actor=editor, title="Sâu keo mùa thu hại ngô", produce=[factories.produce("ngo")]
    )
    for n in range(5):
        factories.bulletin(actor=editor, kind=Bulletin.Kind.WEATHER, title=f"Thời tiết {n}")
    client.force_login(lang_son_household.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("info:feed")).content.decode()
    assert page.index("Sâu keo mùa thu hại ngô") < page.index("Chính sách hỗ trợ vay")
    assert Delivery.objects.filter(household=lang_son_household).count() == 7

    response = client.get(reverse("info:read", args=[pest.pk]))
    assert response.status_code == 200
    assert "Sâu keo" in response.content.decode()
    assert Delivery.objects.get(household=lang_son_household, bulletin=pest).read_at is not None


def test_an_item_for_another_place_is_not_found(client, lang_son_household):
    elsewhere = factories.bulletin(provinces=[account_factories.province("Hà Nội")])
    client.force_login(lang_son_household.user)
    assert client.get(reverse("info:read", args=[elsewhere.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "feed", "editor_list", "entry"),
    [
        ("visitor", 302, 302, 302),
        (Role.BUYER, 403, 403, 403),
        (Role.FIELD_AGENT, 403, 403, 403),
        (Role.PROVINCE_OFFICIAL, 403, 403, 403),
        (Role.MARKETPLACE_OPERATOR, 403, 200, 403),
        (Role.INFO_EDITOR, 403, 200, 200),
    ],
)
def test_who_reaches_which_page(client, role, feed, editor_list, entry):
    if role != "visitor":
        client.force_login(account_factories.user(role))
    assert client.get(reverse("info:feed")).status_code == feed
    assert client.get(reverse("info:editor_list")).status_code == editor_list
    assert client.get(reverse("info:price_entry")).status_code == entry
    assert client.get(reverse("info:board")).status_code == 200


def test_an_editor_writes_publishes_and_sees_delivery(client, lang_son_household):
    editor = factories.editor(province=account_factories.province("Lạng Sơn"))
    client.force_login(editor)
    response = client.post(
        reverse("info:editor_create"),
        {
            "kind": Bulletin.Kind.PEST,
            "title": "Rầy nâu hại lúa",
            "body": "Rầy nâu bùng phát, kiểm tra gốc lúa.",
            "provinces": [editor.province_id],
            "communes": "",
            "is_urgent": "on",
        },
    )
    bulletin = Bulletin.objects.get(title="Rầy nâu hại lúa")
    assert response.status_code == 302
    assert bulletin.status == Bulletin.Status.DRAFT
    response = client.post(reverse("info:publish", args=[bulletin.pk]), {"action": "publish"})
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.PUBLISHED
    page = client.get(reverse("info:editor_detail", args=[bulletin.pk])).content.decode()
    assert "Rầy nâu hại lúa" in page


def test_an_editor_form_error_names_the_field(client):
    editor = factories.editor(province=account_factories.province("Lạng Sơn"))
    client.force_login(editor)
    response = client.post(
        reverse("info:editor_create"),
        {"kind": Bulletin.Kind.PEST, "title": "T", "body": "B", "communes": "00001, 9x"},
    )
    assert response.status_code == 200
    assert "không phải mã xã/phường" in response.content.decode()
    response = client.post(
        reverse("info:editor_create"),
        {"kind": Bulletin.Kind.PEST, "title": "T", "body": "B", "communes": ""},
    )
    assert "Hãy chọn nơi nhận tin" in response.content.decode()


def test_other_provinces_bulletins_are_hidden_from_an_editor(client):
    mine = factories.bulletin(
        actor=factories.editor(province=account_factories.province("Lạng Sơn")),
        provinces=[account_factories.province("Lạng Sơn")],
    )
    client.force_login(factories.editor(province=account_factories.province("Hà Nội")))
    assert client.get(reverse("info:editor_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("info:publish", args=[mine.pk])).status_code == 404


def test_editor_list_query_count(client, django_assert_max_num_queries):
    editor = factories.editor()
    for n in range(8):
        factories.bulletin(actor=editor, title=f"Tin {n}")
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("info:editor_list"))
    assert response.content.decode().count("Tin ") >= 8


def test_price_import_page_lists_rejected_rows(client):
    client.force_login(factories.editor())
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "gia.csv", "Ngày,Tỉnh,Sản phẩm,Giá\n01/01/2025,Lạng Sơn,Na,abc\n".encode()
    )
    response = client.post(reverse("info:price_entry"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 2" in page and "abc" in page
