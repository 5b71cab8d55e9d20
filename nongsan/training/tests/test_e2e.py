"""A field agent records attendance on a phone, in Debian's Chromium."""

import pytest
from django.utils import timezone

from nongsan.accounts.tests import factories as account_factories
from nongsan.training import services
from nongsan.training.models import Attendance, Course
from nongsan.training.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_marks_a_household_present_on_a_phone(
    live_server, units_loaded, phone_page, screenshot
):
    commune = account_factories.commune("Lạng Sơn", 0)
    agent = factories.agent_for(commune, phone="0912000003", full_name="Vi Văn Tùng")
    postmart = account_factories.marketplace()
    course = services.course_create(
        actor=agent, title="Kỹ năng số cho hộ trồng na", topic=Course.Topic.DIGITAL_SKILLS
    )
    session = factories.session(
        commune=commune,
        actor=agent,
        course_=course,
        starts_at=factories.local(timezone.localdate(), 8, 30),
        marketplace=postmart,
        capacity=30,
    )
    household = factories.household(
        commune=commune, actor=agent, head_name="Hoàng Thị Hồng", village="Thôn Quán Thanh"
    )
    factories.household(commune=commune, actor=agent, head_name="Hoàng Văn Nam", female=False)

    page = phone_page
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("input[name=identifier]", "0912000003")
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()

    page.goto(live_server.url + "/tap-huan/")
    assert session.course.title in page.inner_text("main")
    screenshot(page, "training-session-list")
    page.click(f"text={session.course.title}")
    page.wait_for_load_state()
    assert "Điểm danh" in page.inner_text("main")

    page.fill("input[name=q]", "hoang thi hong")
    page.click("form.search button.primary")
    page.wait_for_load_state()
    results = page.inner_text("ul.candidates")
    assert "Hoàng Thị Hồng" in results and "Hoàng Văn Nam" not in results
    # The search box and the button fit the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "training-search")

    page.click("ul.candidates button.present")
    page.wait_for_load_state()
    attendance = Attendance.objects.get(session=session, household=household)
    assert "Đã ghi nhận có mặt: Hoàng Thị Hồng" in page.inner_text(".messages")
    attendees = page.inner_text("ol.attendees")
    assert "Hoàng Thị Hồng" in attendees and attendance.certificate_number in attendees
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "training-marked")

    page.click(f"ol.attendees a >> text={attendance.certificate_number}")
    page.wait_for_load_state()
    assert "Hoàng Thị Hồng" in page.inner_text(".name")
    screenshot(page, "training-certificate")
