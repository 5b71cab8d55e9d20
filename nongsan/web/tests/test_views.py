import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories
from nongsan.catalog.models import Product
from nongsan.catalog.tests import factories as catalog_factories
from nongsan.payments import services as payment_services

pytestmark = pytest.mark.django_db


def test_home_explains_the_platform_in_vietnamese(client):
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Kế hoạch 1034" in html
    assert "<script" not in html  # works without JavaScript


def test_home_page_is_light(client):
    from django.contrib.staticfiles import finders

    page = len(client.get(reverse("web:home")).content)
    with open(finders.find("web/site.css"), "rb") as stylesheet:
        css = len(stylesheet.read())
    assert page + css < 20_000


def test_english_is_switchable(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


@pytest.mark.parametrize(
    ("role", "sees_admin"),
    [(Role.BUYER, False), (Role.HOUSEHOLD, False), (Role.PROVINCE_OFFICIAL, False)],
)
def test_navigation_follows_the_role(client, role, sees_admin):
    client.force_login(factories.user(role))
    html = client.get(reverse("web:home")).content.decode()
    assert ("/quan-tri/" in html) is sees_admin
    assert reverse("accounts:account") in html


def test_staff_see_the_admin_link(client):
    client.force_login(factories.user(Role.MINISTRY_OFFICIAL, is_staff=True))
    assert "/quan-tri/" in client.get(reverse("web:home")).content.decode()


def test_health_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").content == b"ok"


def test_home_shows_produce_in_season_now_and_a_search_box(client, units_loaded):
    today = timezone.localdate()
    season = {
        "available_from": today - dt.timedelta(days=10),
        "available_to": today + dt.timedelta(days=20),
    }
    shop = catalog_factories.shop()
    catalog_factories.product(shop=shop, name="Vải thiều Lục Ngạn", **season)
    catalog_factories.product(
        shop=shop, name="Nhãn lồng bị ẩn", status=Product.Status.HIDDEN, **season
    )
    catalog_factories.product(shop=shop, name="Gạo ST25 quanh năm")

    html = client.get(reverse("web:home")).content.decode()
    assert f'action="{reverse("catalog:search")}"' in html
    assert "Đang vào mùa" in html
    assert "Vải thiều Lục Ngạn" in html
    assert "Nhãn lồng bị ẩn" not in html
    assert "Gạo ST25 quanh năm" not in html  # all year round is not "in season"


def test_only_post_office_clerks_see_the_counter_in_the_menu(client):
    office = factories.post_office()
    clerk = factories.user(Role.FIELD_AGENT, communes=[office.commune])
    payment_services.post_office_staff_assign(
        actor=factories.user(Role.MINISTRY_OFFICIAL), user=clerk, post_office=office
    )
    other_agent = factories.user(Role.FIELD_AGENT, communes=[office.commune])
    counter = reverse("payments:post_office")

    client.force_login(clerk)
    assert f'href="{counter}"' in client.get(reverse("web:home")).content.decode()
    client.force_login(other_agent)
    assert f'href="{counter}"' not in client.get(reverse("web:home")).content.decode()
