"""A field agent registers a household and records its training, on a phone in Chromium."""

import pytest
from django.utils import timezone

from nongsan.accounts.tests import factories as account_factories
from nongsan.households.models import Household
from nongsan.training import services as training_services
from nongsan.training.models import Course
from nongsan.training.tests import factories as training_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_registers_a_household_and_records_its_training(
    live_server, units_loaded, phone_page, screenshot
):
    commune = account_factories.commune("Lạng Sơn", 0)
    agent = account_factories.user(
        "field_agent", phone="0912000003", full_name="Vi Văn Tùng", communes=[commune]
    )
    course = training_services.course_create(
        actor=agent, title="Kỹ năng số cho hộ trồng na", topic=Course.Topic.DIGITAL_SKILLS
    )
    training_factories.session(
        commune=commune,
        actor=agent,
        course_=course,
        starts_at=training_factories.local(timezone.localdate(), 8, 30),
        capacity=30,
    )
    page = phone_page
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("input[name=identifier]", "0912000003")
    page.fill("input[name=password]", account_factories.PASSWORD)
    page.click("button.primary")
    page.click("nav >> text=Đăng ký hộ")
    page.fill("input[name=head_name]", "Hoàng Thị Hồng")
    page.fill("input[name=head_cccd]", "020 192 004 567")
    page.fill("input[name=head_birth_date]", "1992-09-02")
    page.check("input[name=head_gender][value=female]")
    page.fill("input[name=head_phone]", "0987 654 321")
    page.fill("input[name=village]", "Thôn Quán Thanh")
    page.check("text=Na (mãng cầu)")
    page.check("input[name=consent]")
    screenshot(page, "household-register-form")
    page.click("button.primary")
    page.wait_for_load_state()
    assert "Hoàng Thị Hồng" in page.inner_text("h1")
    assert "Bước tiếp theo" in page.inner_text("main")
    screenshot(page, "household-registered")
    household = Household.objects.get()
    assert household.registered_by == agent and household.head_cccd == "020192004567"

    page.click("nav >> text=Hộ sản xuất")
    page.fill("input[name=q]", "hoang thi hong")
    page.click("form.filters button.primary")
    assert "Hoàng Thị Hồng" in page.inner_text("main")
    screenshot(page, "household-search")

    # The same morning's training session: the new household is marked present.
    page.click("nav >> text=Tập huấn")
    page.click("text=Kỹ năng số cho hộ trồng na")
    page.fill("input[name=q]", "hoang thi hong")
    page.click("form.search button.primary")
    page.click("ul.candidates button.present")
    page.wait_for_load_state()
    assert "Hoàng Thị Hồng" in page.inner_text("ol.attendees")
    screenshot(page, "household-attendance")
    page.goto(live_server.url + f"/ho/{household.pk}/")
    assert "Bước tiếp theo: Tập huấn đóng gói" in " ".join(page.inner_text(".next").split())
    screenshot(page, "household-after-training")
