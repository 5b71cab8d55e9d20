"""The difficulties pages and the public portal over HTTP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.support import services
from nongsan.support.models import Difficulty, NewsItem
from nongsan.support.tests import factories

pytestmark = pytest.mark.django_db


def test_a_commune_raises_through_the_form_with_an_attachment(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.ministry()
    agent = factories.commune_agent()
    client.force_login(agent)
    assert client.get(reverse("support:raise")).status_code == 200
    response = client.post(
        reverse("support:raise"),
        {
            "topic": "delivery",
            "title": "Bưu tá không đến lấy hàng",
            "description": "Ba ngày nay không có chuyến lấy hàng ở xã.",
            "commune": agent.communes.get().pk,
            "attachments": [SimpleUploadedFile("danh-sach.csv", "hộ,số\nA,1\n".encode())],
        },
    )
    difficulty = Difficulty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:difficulty", args=[difficulty.number])
    page = client.get(response["Location"]).content.decode()
    assert "Bưu tá không đến lấy hàng" in page and "danh-sach.csv" in page
    attachment = difficulty.messages.get().attachments.get()
    url = reverse("support:attachment", args=[difficulty.number, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == "hộ,số\nA,1\n".encode()
    client.force_login(factories.commune_agent(3))
    assert client.get(url).status_code == 404


def test_bad_input_shows_a_vietnamese_message_on_the_field(client):
    client.force_login(factories.commune_agent())
    response = client.post(
        reverse("support:raise"),
        {
            "topic": "delivery",
            "title": "Tệp lạ",
            "description": "x",
            "attachments": [SimpleUploadedFile("a.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    assert "chỉ nhận các loại" in response.content.decode()
    assert not Difficulty.objects.exists()


def test_a_buyer_cannot_open_the_raise_page(client):
    client.force_login(account_factories.user(Role.BUYER))
    assert client.get(reverse("support:raise")).status_code == 403


def test_the_ministry_assigns_and_answers_and_the_commune_reads_it(client):
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    client.force_login(ministry)
    url = reverse("support:difficulty", args=[difficulty.number])
    response = client.post(
        reverse("support:assign", args=[difficulty.number]),
        {"assigned_unit": "Cục Thương mại điện tử", "due_on": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("support:reply", args=[difficulty.number]),
        {"body": "Bưu điện tỉnh đã bố trí chuyến lấy hàng thứ Ba.", "answer": "1"},
    )
    assert response.status_code == 302
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Bưu điện tỉnh đã bố trí chuyến lấy hàng thứ Ba." in page
    assert "Đã trả lời" in page
    # The raiser may not answer its own difficulty, even by forging the form.
    response = client.post(
        reverse("support:reply", args=[difficulty.number]), {"body": "Tự trả lời", "answer": "1"}
    )
    assert response.status_code == 403


def test_an_empty_answer_is_refused_with_a_message(client):
    ministry = factories.ministry()
    difficulty = factories.difficulty()
    client.force_login(ministry)
    response = client.post(
        reverse("support:reply", args=[difficulty.number]), {"body": "", "answer": "1"}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() or "Trường này" in (
        response.content.decode()
    )


def test_another_province_gets_a_404(client):
    difficulty = factories.difficulty(actor=factories.province_official("Lạng Sơn"))
    client.force_login(factories.province_official("Hà Nội"))
    assert client.get(reverse("support:difficulty", args=[difficulty.number])).status_code == 404
    response = client.post(reverse("support:close", args=[difficulty.number]))
    assert response.status_code == 404


def test_the_list_highlights_overdue_and_its_queries_do_not_grow(
    client, django_assert_max_num_queries
):
    ministry = factories.ministry()
    for _ in range(3):
        factories.difficulty()
    Difficulty.objects.filter(pk=Difficulty.objects.first().pk).update(due_on="2020-01-01")
    client.force_login(ministry)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("support:difficulties")).content.decode()
    assert page.count('<tr class="overdue">') == 1
    for _ in range(10):
        factories.difficulty()
    with django_assert_max_num_queries(8):
        client.get(reverse("support:difficulties"))
    assert client.get(reverse("support:difficulties") + "?overdue=on").status_code == 200


def test_the_public_faq_shows_only_what_the_ministry_published(client):
    ministry = factories.ministry()
    published = factories.difficulty(title="Ví điện tử")
    services.difficulty_reply(actor=ministry, difficulty=published, body="Có", answer=True)
    published.refresh_from_db()
    services.faq_publish(
        actor=ministry,
        difficulty=published,
        question="Mở ví ở đâu?",
        answer="Tại bưu điện văn hóa xã.",
    )
    factories.difficulty(title="Chưa trả lời, không công khai")
    page = client.get(reverse("support:faq")).content.decode()
    assert "Mở ví ở đâu?" in page and "Tại bưu điện văn hóa xã." in page
    assert "Chưa trả lời" not in page


def test_public_portal_pages_open_without_login(client):
    NewsItem.objects.create(
        slug="vai-thieu-2026",
        title="Vải thiều Bắc Giang lên sàn",
        summary="Tóm tắt",
        body="Nội dung",
        published_at="2026-06-01T08:00:00+07:00",
    )
    NewsItem.objects.create(slug="nhap", title="Bản nháp", summary="-", body="-")
    for name, args in (
        ("support:portal", []),
        ("support:guides", []),
        ("support:guide", ["dang-ky"]),
        ("support:news", []),
        ("support:news_item", ["vai-thieu-2026"]),
        ("support:stats", []),
        ("support:faq", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("support:news_item", args=["nhap"])).status_code == 404
    assert client.get(reverse("support:guide", args=["khong-co"])).status_code == 404
    assert "Vải thiều Bắc Giang lên sàn" in client.get(reverse("support:portal")).content.decode()


def test_the_widget_may_be_framed_by_a_province_site(client):
    response = client.get(reverse("support:widget"))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "hộ có gian hàng" in response.content.decode()
    stats_page = client.get(reverse("support:stats"))
    assert "X-Frame-Options" in stats_page
    assert reverse("support:widget") in stats_page.content.decode()


def test_public_statistics_come_from_the_monitoring_facts(client):
    import datetime as dt

    from django.utils import timezone

    from nongsan.households import services as households_services
    from nongsan.households.models import Milestone
    from nongsan.households.tests import factories as household_factories
    from nongsan.monitoring import services as monitoring_services
    from nongsan.support import selectors

    postmart = account_factories.marketplace()
    voso = account_factories.marketplace("voso", "Vỏ Sò")
    both = household_factories.household()
    one = household_factories.household()
    opened = timezone.now() - dt.timedelta(days=2)
    for household, marketplace in ((both, postmart), (both, voso), (one, voso)):
        households_services.milestone_record(
            household=household,
            kind=Milestone.Kind.SHOP_OPENED,
            marketplace=marketplace,
            achieved_at=opened,
        )
    monitoring_services.facts_fold(now=timezone.now() + dt.timedelta(hours=1))
    stats = selectors.public_stats()
    assert stats.total.households_on_platforms == 2  # the household on both counted once
    by_code = {s.marketplace.code: s.households_on_platforms for s in stats.by_marketplace}
    assert by_code == {"postmart": 1, "voso": 2}
    page = client.get(reverse("support:stats")).content.decode()
    assert "Vỏ Sò" in page
