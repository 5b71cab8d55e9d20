import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.training import services
from nongsan.training.models import Attendance, Course, TrainingSession
from nongsan.training.tests import factories, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return account_factories.commune("Lạng Sơn", 0)


@pytest.fixture
def other_commune():
    return account_factories.commune("Lạng Sơn", 1)


@pytest.fixture
def agent(commune):
    return factories.agent_for(commune)


@pytest.fixture
def session(agent, commune):
    return factories.session(commune=commune, actor=agent)


def detail_url(session):
    return reverse("training:session_detail", args=[session.pk])


class TestSessionList:
    def test_upcoming_and_past(self, client, agent, commune, session):
        last_month = timezone.localdate() - dt.timedelta(days=30)
        past = factories.session(
            commune=commune, actor=agent, starts_at=factories.local(last_month)
        )
        client.force_login(agent)
        upcoming_page = client.get(reverse("training:session_list"))
        assert list(upcoming_page.context["page"]) == [session]
        past_page = client.get(reverse("training:session_list") + "?loai=da-qua")
        assert list(past_page.context["page"]) == [past]
        assert "0/30 hộ có mặt" in past_page.content.decode()

    def test_list_does_not_query_per_session(
        self, client, agent, commune, session, django_assert_max_num_queries
    ):
        client.force_login(agent)
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("training:session_list"))
        for _ in range(4):
            factories.session(commune=commune, actor=agent)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(reverse("training:session_list"))
        assert len(response.context["page"]) == 5

    def test_only_other_communes_sessions_are_hidden(self, client, other_commune, session):
        client.force_login(factories.agent_for(other_commune))
        response = client.get(reverse("training:session_list"))
        assert list(response.context["page"]) == []

    @pytest.mark.parametrize("role", [Role.BUYER, Role.HOUSEHOLD, Role.CARRIER_STAFF])
    def test_other_roles_are_forbidden(self, client, role):
        client.force_login(account_factories.user(role))
        assert client.get(reverse("training:session_list")).status_code == 403
        assert client.get(reverse("training:session_create")).status_code == 403

    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("training:session_list"))
        assert response.status_code == 302 and "/dang-nhap/" in response.url


class TestCreate:
    def test_course_then_session(self, client, agent, commune):
        client.force_login(agent)
        response = client.post(
            reverse("training:course_create"),
            {"title": "Kỹ năng số cho hộ trồng na", "topic": Course.Topic.DIGITAL_SKILLS},
        )
        course = Course.objects.get()
        assert response.url == f"{reverse('training:session_create')}?khoa={course.pk}"
        form_page = client.get(response.url)
        assert form_page.context["form"]["course"].value() == str(course.pk)
        response = client.post(
            reverse("training:session_create"),
            {
                "course": course.pk,
                "date": "2026-03-12",
                "time": "08:30",
                "commune": commune.pk,
                "venue": "Nhà văn hóa thôn Quán Thanh",
                "trainer_name": "Trần Văn Minh",
                "capacity": "40",
            },
        )
        session = TrainingSession.objects.get()
        assert response.url == detail_url(session)
        local = timezone.localtime(session.starts_at)
        assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 12), 8, 30)
        assert session.organised_by == agent and session.marketplace is None

    def test_out_of_scope_commune_is_not_offered(self, client, agent, other_commune):
        client.force_login(agent)
        course = factories.course()
        response = client.post(
            reverse("training:session_create"),
            {
                "course": course.pk,
                "date": "2026-03-12",
                "time": "08:30",
                "commune": other_commune.pk,
                "venue": "Hội trường",
                "trainer_name": "A",
                "capacity": "40",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["commune"]
        assert not TrainingSession.objects.exists()

    def test_bad_capacity_is_shown_on_its_field(self, client, agent, commune):
        client.force_login(agent)
        response = client.post(
            reverse("training:session_create"),
            {
                "course": factories.course().pk,
                "date": "2026-03-12",
                "time": "08:30",
                "commune": commune.pk,
                "venue": "Hội trường",
                "trainer_name": "A",
                "capacity": "0",
            },
        )
        assert response.context["form"].errors["capacity"]


class TestMarkOnAPhone:
    def test_search_without_diacritics_then_mark_then_undo(self, client, agent, commune, session):
        household = factories.household(commune=commune, head_name="Hoàng Thị Hồng")
        factories.household(commune=commune, head_name="Lý Văn Sơn", female=False)
        client.force_login(agent)
        page = client.get(detail_url(session), {"q": "hoang thi hong"})
        assert [h.pk for h in page.context["candidates"]] == [household.pk]
        assert "Có mặt" in page.content.decode()

        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]),
            {"household": household.pk, "q": "hoang thi hong"},
        )
        assert response.status_code == 302
        assert response.url == detail_url(session) + "?q=hoang+thi+hong"
        page = client.get(response.url)
        attendance = Attendance.objects.get()
        body = page.content.decode()
        assert "Đã ghi nhận có mặt: Hoàng Thị Hồng" in body
        assert attendance.certificate_number in body
        assert page.context["candidates"] == []  # marked households leave the results

        response = client.post(
            reverse("training:attendance_unmark", args=[session.pk, attendance.pk])
        )
        assert response.status_code == 302 and not Attendance.objects.exists()

    def test_full_session_says_so(self, client, agent, commune):
        session = factories.session(commune=commune, actor=agent, capacity=1)
        first, second = (factories.household(commune=commune, head_name=n) for n in ("An", "Bình"))
        services.attendance_mark(actor=agent, session=session, household=first)
        client.force_login(agent)
        page = client.get(detail_url(session), {"q": "binh"}).content.decode()
        assert "đã đủ 1 chỗ" in page and 'name="household"' not in page
        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]), {"household": second.pk}
        )
        page = client.get(response.url).content.decode()
        assert "không ghi nhận thêm được hộ Bình" in page

    def test_other_commune_agent_gets_404_everywhere(self, client, other_commune, commune, session):
        household = factories.household(commune=commune)
        attendance = services.attendance_mark(
            actor=session.organised_by, session=session, household=household
        )
        client.force_login(factories.agent_for(other_commune))
        urls = [
            ("get", detail_url(session)),
            ("post", reverse("training:attendance_mark", args=[session.pk])),
            ("post", reverse("training:attendance_unmark", args=[session.pk, attendance.pk])),
            ("get", reverse("training:attendance_import", args=[session.pk])),
            ("get", reverse("training:certificate", args=[attendance.pk])),
            ("get", reverse("training:certificate_pdf", args=[attendance.pk])),
        ]
        for method, url in urls:
            response = getattr(client, method)(url, {"household": household.pk})
            assert response.status_code == 404, url
        assert Attendance.objects.count() == 1

    def test_household_of_another_commune_cannot_be_marked(
        self, client, agent, other_commune, session
    ):
        stranger = factories.household(commune=other_commune)
        client.force_login(agent)
        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]), {"household": stranger.pk}
        )
        assert response.status_code == 404
        assert not Attendance.objects.exists()

    def test_marketplace_operator_sees_partner_sessions_without_marking(self, client, commune):
        postmart = account_factories.marketplace()
        session = factories.session(commune=commune, marketplace=postmart)
        operator = account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart)
        client.force_login(operator)
        page = client.get(detail_url(session))
        assert page.status_code == 200 and 'name="q"' not in page.content.decode()
        household = factories.household(commune=commune)
        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]), {"household": household.pk}
        )
        assert response.status_code == 403


class TestImport:
    def test_upload_then_report_after_redirect(self, client, agent, commune, session):
        factories.household(commune=commune, head_name="Nông Thị Mai", head_cccd="020185001234")
        client.force_login(agent)
        content = "Họ và tên,Số CCCD\nNông Thị Mai,20185001234\nAi Đó,001\n,\n".encode("utf-8-sig")
        url = reverse("training:attendance_import", args=[session.pk])
        response = client.post(url, {"file": SimpleUploadedFile("ds.csv", content)})
        assert response.status_code == 302 and response.url == url
        page = client.get(url)
        report = page.context["report"]
        assert [r.row for r in report.accepted] == [2]
        assert [r.row for r in report.rejected] == [3]
        assert [r.row for r in report.blank] == [4]
        body = page.content.decode()
        assert "Nhận 1 dòng" in body and "Không nhận 1 dòng" in body and "ds.csv" in body
        csv_report = client.get(reverse("training:attendance_import_report", args=[session.pk]))
        text = csv_report.content.decode("utf-8-sig")
        assert "2,Nhận,Nông Thị Mai" in text and "3,Không nhận" in text

    def test_unreadable_file_is_shown_on_the_form(self, client, agent, session):
        client.force_login(agent)
        response = client.post(
            reverse("training:attendance_import", args=[session.pk]),
            {"file": SimpleUploadedFile("ds.csv", b"a,b\n1,2\n")},
        )
        assert response.status_code == 200
        assert "dòng tiêu đề" in str(response.context["form"].errors["file"])

    def test_template_download(self, client, agent):
        client.force_login(agent)
        response = client.get(reverse("training:attendance_template"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"


class TestCertificate:
    @pytest.fixture
    def attendance(self, agent, commune):
        voso = account_factories.marketplace("voso", "Vỏ Sò")
        session = factories.session(commune=commune, actor=agent, marketplace=voso)
        household = factories.household(
            commune=commune,
            head_name="Nguyễn Thị Hường",
            village="Thôn Đồng Bành",
            head_phone="0987333444",  # registration gives the household its own account
        )
        return services.attendance_mark(actor=agent, session=session, household=household)

    def test_printable_page(self, client, agent, attendance):
        client.force_login(agent)
        body = client.get(reverse("training:certificate", args=[attendance.pk])).content.decode()
        assert "Nguyễn Thị Hường" in body and attendance.certificate_number in body
        assert "Độc lập – Tự do – Hạnh phúc" in body and "@media print" in body
        assert "Sàn thương mại điện tử Vỏ Sò" in body

    def test_pdf_names_the_household_in_vietnamese(self, client, agent, attendance):
        client.force_login(agent)
        response = client.get(reverse("training:certificate_pdf", args=[attendance.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert attendance.certificate_number in response["Content-Disposition"]
        content = response.content
        assert content.startswith(b"%PDF-")
        assert "Nguyễn Thị Hường" in pdf.title(content)
        # Every letter of the name, tones included, was drawn with a real glyph of the font.
        assert set("Nguyễn Thị Hường".replace(" ", "")) <= pdf.drawn_characters(content)

    def test_household_sees_its_own_certificates_only(self, client, commune, attendance):
        client.force_login(attendance.household.user)
        page = client.get(reverse("training:mine"))
        assert attendance.certificate_number in page.content.decode()
        assert client.get(reverse("training:certificate", args=[attendance.pk])).status_code == 200
        neighbour = factories.household(commune=commune, head_phone="0987111222")
        client.force_login(neighbour.user)
        assert client.get(reverse("training:certificate", args=[attendance.pk])).status_code == 404
        assert "chưa tham dự" in client.get(reverse("training:mine")).content.decode()
