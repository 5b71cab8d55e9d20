"""Time helpers: store UTC, show Asia/Ho_Chi_Minh, compute local deadlines."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    return timezone.now()


def local_now() -> dt.datetime:
    return timezone.now().astimezone(VN_TZ)


def local_today() -> dt.date:
    return local_now().date()


def to_local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(VN_TZ)


def local_datetime(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware instant at a wall-clock time in Vietnam (no DST there, so always unambiguous)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN_TZ)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a Vietnamese calendar day as aware datetimes."""
    start = local_datetime(day)
    return start, start + dt.timedelta(days=1)


def format_local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return to_local(moment).strftime("%H:%M %d/%m/%Y")


def duration_text(delta: dt.timedelta) -> str:
    """How late something was, as people say it: "1 ngày 2 giờ 30 phút"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(_("%(n)s ngày") % {"n": days})
    if hours:
        parts.append(_("%(n)s giờ") % {"n": hours})
    if minutes or not parts:
        parts.append(_("%(n)s phút") % {"n": minutes})
    return " ".join(parts)
