"""Training state built through the real services: households, courses, sessions."""

import datetime as dt
import itertools

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.geo.models import Commune
from nongsan.households import services as households_services
from nongsan.households.models import Household
from nongsan.orgs.models import Marketplace
from nongsan.training import services
from nongsan.training.models import Course, TrainingSession

# Serials of our own, far from other apps' factories, so CCCDs never collide within a test.
_serial = itertools.count(700001)


def cccd(*, province_code: str = "020", female: bool = False, year: int = 1980) -> str:
    century = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{province_code}{century}{year % 100:02d}{next(_serial):06d}"


def ministry() -> User:
    return account_factories.user(Role.MINISTRY_OFFICIAL, full_name="Trần Quốc Hưng")


def agent_for(*communes: Commune, **fields) -> User:  # type: ignore[no-untyped-def]
    fields.setdefault("full_name", "Vi Văn Tùng")
    return account_factories.user(Role.FIELD_AGENT, communes=list(communes), **fields)


def household(
    *,
    commune: Commune,
    actor: User | None = None,
    head_name: str = "Nông Thị Mai",
    female: bool = True,
    **fields,  # type: ignore[no-untyped-def]
) -> Household:
    fields.setdefault("head_cccd", cccd(female=female))
    return households_services.household_register(
        actor=actor or ministry(),
        commune=commune,
        head_name=head_name,
        head_gender="female" if female else "male",
        consent=True,
        **fields,
    )


def course(
    *, topic: str = Course.Topic.DIGITAL_SKILLS, actor: User | None = None, title: str = ""
) -> Course:
    return services.course_create(
        actor=actor or ministry(),
        title=title or f"Khóa {Course.Topic(topic).label} {next(_serial)}",
        topic=topic,
    )


def local(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def session(
    *,
    commune: Commune,
    topic: str = Course.Topic.DIGITAL_SKILLS,
    actor: User | None = None,
    starts_at: dt.datetime | None = None,
    capacity: int = 30,
    marketplace: Marketplace | None = None,
    course_: Course | None = None,
) -> TrainingSession:
    actor = actor or ministry()
    return services.session_create(
        actor=actor,
        course=course_ or course(topic=topic, actor=actor),
        starts_at=starts_at or local(timezone.localdate(), 8),
        commune=commune,
        venue="Hội trường UBND xã",
        trainer_name="ThS. Nguyễn Thị Thu Hà",
        capacity=capacity,
        marketplace=marketplace,
    )
