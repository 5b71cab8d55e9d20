"""Every read about training, narrowed to the actor's scope."""

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from nongsan.accounts.scope import scope_filter, scoped_get
from nongsan.households import selectors as households_selectors
from nongsan.households.models import Household
from nongsan.training.models import Attendance, Course, TrainingSession

SESSION_PATHS = {
    "province": "commune__province",
    "commune": "commune",
    "marketplace": "marketplace",
    "owner": "organised_by",
}
# An attendance is seen by whoever sees its session, and by the household it certifies.
ATTENDANCE_PATHS = {
    "province": "session__commune__province",
    "commune": "session__commune",
    "marketplace": "session__marketplace",
    "owner": "household__user",
}


def course_list(*, actor: Any) -> QuerySet[Course]:
    """The national catalogue of courses, for anyone signed in."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Course.objects.none()
    return Course.objects.all()


def start_of_today(now: dt.datetime | None = None) -> dt.datetime:
    """Midnight at the start of today in Vietnam, as an aware datetime."""
    today = timezone.localdate(now or timezone.now())
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def _sessions(*, actor: Any) -> QuerySet[TrainingSession]:
    return scope_filter(
        TrainingSession.objects.select_related(
            "course", "commune__province", "marketplace", "organised_by"
        ).annotate(attendee_count=Count("attendances")),
        actor=actor,
        **SESSION_PATHS,
    )


def session_list(
    *, actor: Any, upcoming: bool | None = True, now: dt.datetime | None = None
) -> QuerySet[TrainingSession]:
    """Sessions the actor may see, each with `attendee_count`.

    `upcoming=True`: from today on, soonest first (today's sessions count as upcoming, so the
    agent finds the one being held); `False`: before today, latest first; `None`: all.
    """
    sessions = _sessions(actor=actor)
    if upcoming is None:
        return sessions.order_by("-starts_at", "pk")
    boundary = start_of_today(now)
    if upcoming:
        return sessions.filter(starts_at__gte=boundary).order_by("starts_at", "pk")
    return sessions.filter(starts_at__lt=boundary).order_by("-starts_at", "-pk")


def session_get_for(*, actor: Any, session_id: int) -> TrainingSession:
    """One session in the actor's scope, with `attendee_count`; otherwise a 404."""
    return scoped_get(_sessions(actor=actor), actor=actor, paths=SESSION_PATHS, pk=session_id)


def attendance_list(
    *,
    actor: Any,
    session: TrainingSession | None = None,
    household: Household | None = None,
) -> QuerySet[Attendance]:
    """Attendance the actor may see, of one session (in marking order) or one household."""
    attendances = scope_filter(
        Attendance.objects.select_related(
            "household__commune__province",
            "session__course",
            "session__commune__province",
            "marked_by",
        ),
        actor=actor,
        **ATTENDANCE_PATHS,
    )
    if session is not None:
        attendances = attendances.filter(session=session)
    if household is not None:
        attendances = attendances.filter(household=household).order_by("-session__starts_at")
    return attendances


def attendance_get_for(*, actor: Any, attendance_id: int) -> Attendance:
    """One attendance (for its certificate): staff of the session's area or the household."""
    return scoped_get(
        Attendance.objects.select_related(
            "household__commune__province",
            "session__course",
            "session__commune__province",
            "session__marketplace",
            "session__organised_by",
        ),
        actor=actor,
        paths=ATTENDANCE_PATHS,
        pk=attendance_id,
    )


def household_candidates(
    *, actor: Any, session: TrainingSession, query: str
) -> QuerySet[Household]:
    """Households in the actor's scope matching `query` (name without diacritics, phone, CCCD)
    that are not yet marked present at `session`; nothing for an empty query."""
    if not query.strip():
        return Household.objects.none()
    marked = Attendance.objects.filter(session=session).values("household_id")
    return households_selectors.household_list(actor=actor, query=query).exclude(pk__in=marked)
