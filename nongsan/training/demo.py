"""Demo training: courses, sessions in the demo households' communes and their attendance."""

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone

from nongsan.accounts.models import User
from nongsan.geo.models import Commune
from nongsan.households.models import Household
from nongsan.orgs.models import Marketplace
from nongsan.training import services
from nongsan.training.models import Attendance, Course, TrainingSession

Topic = Course.Topic

# (topic, title, description): the courses a provincial post office runs under Plan 1034.
COURSES: tuple[tuple[str, str, str], ...] = (
    (
        Topic.DIGITAL_SKILLS,
        "Kỹ năng số cho hộ sản xuất nông nghiệp",
        "Dùng điện thoại thông minh, tạo và bảo vệ tài khoản, nhận diện lừa đảo trên mạng, "
        "thanh toán không dùng tiền mặt, tìm thông tin thị trường.",
    ),
    (
        Topic.PACKAGING_DELIVERY,
        "Đóng gói, bảo quản và giao nhận nông sản tươi qua bưu điện",
        "Quy cách đóng gói trái cây, rau củ; dán nhãn và mã QR truy xuất nguồn gốc; gửi hàng "
        "tại bưu điện văn hóa xã; xử lý hàng hỏng, hàng hoàn.",
    ),
    (
        Topic.MARKETPLACE_SELLING,
        "Mở gian hàng và bán nông sản trên sàn thương mại điện tử",
        "Đăng ký gian hàng trên Postmart, Vỏ Sò; chụp ảnh, viết mô tả, định giá sản phẩm; nhận "
        "và xử lý đơn hàng; chăm sóc người mua.",
    ),
    (
        Topic.OTHER,
        "Sản xuất theo tiêu chuẩn VietGAP và ghi nhật ký điện tử",
        "Quy trình VietGAP, ghi nhật ký canh tác trên điện thoại, chuẩn bị hồ sơ chứng nhận.",
    ),
)
TRAINERS = (
    "ThS. Nguyễn Thị Thu Hà",
    "Trần Văn Minh",
    "Lê Thị Hồng Nhung",
    "Phạm Quốc Bảo",
    "Hoàng Đức Thành",
    "Vũ Thị Lan Anh",
    "Đỗ Mạnh Cường",
)
VENUES = (
    "Hội trường UBND xã",
    "Nhà văn hóa thôn",
    "Bưu điện văn hóa xã",
    "Trụ sở hợp tác xã",
    "Trường tiểu học của xã",
)
# Share of a commune's households that attend a session of each topic, as in a province mid-plan.
ATTENDANCE_SHARES = {
    Topic.DIGITAL_SKILLS: 0.62,
    Topic.PACKAGING_DELIVERY: 0.45,
    Topic.MARKETPLACE_SELLING: 0.30,
    Topic.OTHER: 0.15,
}


def _courses(*, actor: User) -> tuple[dict[str, Course], int]:
    """The demo courses by topic, created through the service the first time."""
    courses, created = {}, 0
    for topic, title, description in COURSES:
        course = Course.objects.filter(title=title, topic=topic).first()
        if course is None:
            course = services.course_create(
                actor=actor, title=title, topic=topic, description=description
            )
            created += 1
        courses[topic] = course
    return courses, created


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def training_demo_seed(
    *, rng: random.Random, households: Sequence[Household], actor: User
) -> dict[str, int]:
    """Courses, sessions over the past weeks in the households' communes, and attendance.

    For each commune: a session of each topic on a past day, attended by a realistic share of
    the households registered before it (the milestones follow from the attendance); a session
    today (to mark attendance at in the demo) and sometimes one in the coming days. `actor` must be
    allowed to organise training in those communes. A commune where `actor` already organised
    sessions is left as it is, so running the seed again adds nothing twice.
    """
    courses, courses_created = _courses(actor=actor)
    marketplaces = list(Marketplace.objects.filter(is_active=True).order_by("code"))
    by_commune: dict[int, list[Household]] = defaultdict(list)
    for household in households:
        by_commune[household.commune_id].append(household)
    done = set(
        TrainingSession.objects.filter(
            organised_by=actor, commune_id__in=list(by_commune)
        ).values_list("commune_id", flat=True)
    )
    communes = Commune.objects.in_bulk([pk for pk in by_commune if pk not in done])
    today = timezone.localdate()
    sessions_made = attendances_made = 0
    for position, commune_id in enumerate(sorted(communes)):
        commune = communes[commune_id]
        members = sorted(by_commune[commune_id], key=lambda h: (h.created_at, h.pk))
        first_registered = timezone.localtime(members[0].created_at).date()
        # Digital skills first, then packaging, then selling; the last few weeks for the rest.
        days_back = [
            rng.randint(56, 98),
            rng.randint(28, 55),
            rng.randint(7, 27),
            rng.randint(3, 40),
        ]
        for topic, back in zip(ATTENDANCE_SHARES, days_back, strict=True):
            day = max(today - dt.timedelta(days=back), first_registered + dt.timedelta(days=3))
            if day >= today:
                continue  # the households are too new for this session to have happened
            starts_at = _at(day, rng.choice((8, 14)))
            eligible = [h for h in members if h.created_at <= starts_at]
            attendees = [h for h in eligible if rng.random() < ATTENDANCE_SHARES[topic]]
            if not attendees:
                continue
            marketplace = (
                rng.choice(marketplaces)
                if marketplaces and (topic == Topic.MARKETPLACE_SELLING or rng.random() < 0.4)
                else None
            )
            session = services.session_create(
                actor=actor,
                course=courses[topic],
                starts_at=starts_at,
                commune=commune,
                venue=rng.choice(VENUES),
                trainer_name=rng.choice(TRAINERS),
                capacity=max(20, math.ceil(len(attendees) * 1.2 / 10) * 10),
                marketplace=marketplace,
            )
            sessions_made += 1
            for household in attendees:
                services.attendance_mark(
                    actor=actor,
                    session=session,
                    household=household,
                    source=Attendance.Source.DEMO,
                )
                attendances_made += 1
        # A session today in every commune, for whoever opens the demo to mark attendance at,
        # and for some communes one more in the coming days.
        upcoming_days = [today]
        if rng.random() < 0.5:
            upcoming_days.append(today + dt.timedelta(days=rng.randint(1, 14)))
        for offset, day in enumerate(upcoming_days):
            topic = (Topic.DIGITAL_SKILLS, Topic.PACKAGING_DELIVERY)[(position + offset) % 2]
            services.session_create(
                actor=actor,
                course=courses[topic],
                starts_at=_at(day, 14 if offset == 0 else rng.choice((8, 14))),
                commune=commune,
                venue=rng.choice(VENUES),
                trainer_name=rng.choice(TRAINERS),
                capacity=40,
                marketplace=rng.choice(marketplaces) if marketplaces else None,
            )
            sessions_made += 1
    return {
        "courses": courses_created,
        "sessions": sessions_made,
        "attendances": attendances_made,
    }
