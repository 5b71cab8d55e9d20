"""Every write about training: courses, sessions, attendance (one by one or from a list)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import scope_filter
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold, normalize
from nongsan.core.validators import parse_cccd, parse_mobile
from nongsan.geo.models import Commune
from nongsan.households import selectors as households_selectors
from nongsan.households import services as households_services
from nongsan.households.models import Household, Milestone
from nongsan.orgs.models import Marketplace
from nongsan.training.imports import ImportReport, RowResult
from nongsan.training.models import (
    MAX_CAPACITY,
    Attendance,
    CertificateSequence,
    Course,
    TrainingSession,
)

# Roles that organise training and record attendance (within their area).
ORGANISER_ROLES = frozenset({Role.FIELD_AGENT, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL})

# The onboarding milestone that attending a course of each topic reaches (Appendix 01 I.1, I.2).
TOPIC_MILESTONES: Mapping[str, str] = {
    Course.Topic.DIGITAL_SKILLS: Milestone.Kind.TRAINED_DIGITAL,
    Course.Topic.MARKETPLACE_SELLING: Milestone.Kind.TRAINED_DIGITAL,
    Course.Topic.PACKAGING_DELIVERY: Milestone.Kind.TRAINED_PACKAGING,
}

# A date further ahead than this is taken for a typing mistake.
MAX_DAYS_AHEAD = 366


def _check_organiser(actor: User) -> None:
    if not (actor.is_superuser or actor.role in ORGANISER_ROLES):
        raise ApplicationError(
            _("Bạn không có quyền tổ chức tập huấn hoặc điểm danh."), code="forbidden"
        )


def _check_commune_in_scope(*, actor: User, commune: Commune, field: str = "commune") -> None:
    _check_organiser(actor)
    in_scope = scope_filter(
        Commune.objects.filter(pk=commune.pk), actor=actor, province="province", commune="pk"
    ).exists()
    if not in_scope:
        raise ApplicationError(
            _("%(commune)s không thuộc địa bàn bạn phụ trách.") % {"commune": commune.name},
            field=field,
            code="forbidden",
        )


def _check_household_in_scope(*, actor: User, household: Household) -> None:
    if not households_selectors.household_list(actor=actor).filter(pk=household.pk).exists():
        raise ApplicationError(
            _("Hộ %(name)s không thuộc địa bàn bạn phụ trách.") % {"name": household.head_name},
            field="household",
            code="forbidden",
        )


def _local_day(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment).date(), "d/m/Y")


@transaction.atomic
def course_create(*, actor: User, title: str, topic: str, description: str = "") -> Course:
    """Add a course to the national catalogue that every organiser picks sessions from."""
    _check_organiser(actor)
    title = normalize(title)
    if not title:
        raise ApplicationError(_("Tên khóa học đang để trống."), field="title")
    if topic not in Course.Topic.values:
        raise ApplicationError(_("Chủ đề khóa học không hợp lệ."), field="topic")
    if Course.objects.filter(title__iexact=title, topic=topic).exists():
        raise ApplicationError(
            _("Đã có khóa học “%(title)s” với chủ đề này.") % {"title": title},
            field="title",
            code="duplicate",
        )
    course = Course(
        title=title,
        topic=topic,
        description=(description or "").strip(),
        created_by=actor,
    )
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def session_create(
    *,
    actor: User,
    course: Course,
    starts_at: dt.datetime,
    commune: Commune,
    venue: str,
    trainer_name: str,
    capacity: int,
    marketplace: Marketplace | None = None,
) -> TrainingSession:
    """Schedule (or record, after the fact) a session in a commune of the actor's area."""
    _check_commune_in_scope(actor=actor, commune=commune)
    if timezone.is_naive(starts_at):
        raise ApplicationError(
            _("Thời gian bắt đầu phải kèm múi giờ (giờ Việt Nam là +07:00)."), field="starts_at"
        )
    if starts_at > timezone.now() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ApplicationError(
            _("Ngày tập huấn %(day)s xa hơn một năm tới; hãy kiểm tra lại năm.")
            % {"day": _local_day(starts_at)},
            field="starts_at",
        )
    venue = normalize(venue)
    if not venue:
        raise ApplicationError(_("Địa điểm tập huấn đang để trống."), field="venue")
    trainer_name = normalize(trainer_name)
    if not trainer_name:
        raise ApplicationError(_("Tên giảng viên đang để trống."), field="trainer_name")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ApplicationError(
            _("Số chỗ phải từ 1 đến %(max)s (nhận được %(n)s).")
            % {"max": MAX_CAPACITY, "n": capacity},
            field="capacity",
        )
    if marketplace is not None and not marketplace.is_active:
        raise ApplicationError(
            _("Sàn %(name)s đã ngừng hoạt động.") % {"name": marketplace.name},
            field="marketplace",
        )
    session = TrainingSession(
        course=course,
        starts_at=starts_at,
        commune=commune,
        venue=venue,
        trainer_name=trainer_name,
        marketplace=marketplace,
        capacity=capacity,
        organised_by=actor,
    )
    session.full_clean()
    session.save()
    return session


def _next_certificate_number(*, year: int) -> str:
    """The next number of the year; the row update holds its lock until the caller commits."""
    CertificateSequence.objects.get_or_create(year=year)
    CertificateSequence.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = CertificateSequence.objects.filter(year=year).values_list("last_number", flat=True)
    return f"TH-{year}-{number.get():06d}"


def _mark(
    *, actor: User, session: TrainingSession, household: Household, source: str
) -> tuple[Attendance, bool]:
    """Mark one household present; (attendance, whether it is new). Runs inside a transaction."""
    _check_commune_in_scope(actor=actor, commune=session.commune, field="session")
    _check_household_in_scope(actor=actor, household=household)
    # The session row is the lock that keeps the seat count right under concurrent marking.
    locked = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("course", "marketplace")
        .get(pk=session.pk)
    )
    existing = Attendance.objects.filter(session=locked, household=household).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    if locked.local_date > timezone.localdate(now):
        raise ApplicationError(
            _("Buổi tập huấn ngày %(day)s chưa diễn ra; chỉ điểm danh được từ ngày đó.")
            % {"day": _local_day(locked.starts_at)},
            field="session",
            code="not_started",
        )
    taken = Attendance.objects.filter(session=locked).count()
    if taken >= locked.capacity:
        raise ApplicationError(
            _("Buổi tập huấn đã đủ %(n)s chỗ; không ghi nhận thêm được hộ %(name)s.")
            % {"n": locked.capacity, "name": household.head_name},
            field="session",
            code="full",
        )
    attendance = Attendance(
        session=locked,
        household=household,
        marked_by=actor,
        marked_at=now,
        certificate_number=_next_certificate_number(year=locked.local_date.year),
        source=source,
    )
    # Uniqueness is the database's to guard: checked just above, and caught below.
    attendance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:  # the same household marked a moment ago through another request
        return Attendance.objects.get(session=locked, household=household), False
    kind = TOPIC_MILESTONES.get(locked.course.topic)
    if kind is not None:
        households_services.milestone_record(
            household=household,
            kind=kind,
            marketplace=locked.marketplace,
            achieved_at=locked.starts_at,
            source=f"training_session:{locked.pk}",
        )
    return attendance, True


@transaction.atomic
def attendance_mark(
    *,
    actor: User,
    session: TrainingSession,
    household: Household,
    source: str = Attendance.Source.MANUAL,
) -> Attendance:
    """Record that a household attended a session, and the training milestone it reaches.

    Idempotent: marking a household again returns its attendance unchanged. The milestone is
    recorded once per household, kind and marketplace; a later session of the same topic keeps
    the first one.
    """
    attendance, _created = _mark(actor=actor, session=session, household=household, source=source)
    return attendance


@transaction.atomic
def attendance_unmark(*, actor: User, attendance: Attendance) -> None:
    """Undo a mark made by mistake, on the day of the session at the latest.

    The household's training milestone is never deleted: milestones are an append-only record
    that the monitoring facts are folded from, so a milestone once recorded stays (another
    attendance of the same topic would justify it anyway). The certificate number is not reused.
    """
    session = attendance.session
    _check_commune_in_scope(actor=actor, commune=session.commune, field="session")
    _check_household_in_scope(actor=actor, household=attendance.household)
    if timezone.localdate() > session.local_date:
        raise ApplicationError(
            _("Chỉ hủy điểm danh được trong ngày diễn ra buổi tập huấn (%(day)s).")
            % {"day": _local_day(session.starts_at)},
            field="session",
            code="closed",
        )
    Attendance.objects.filter(pk=attendance.pk).delete()


def _cell(row: Mapping[str, object], key: str) -> object:
    value = row.get(key)
    if isinstance(value, str):
        value = value.strip()
    return value if value not in (None, "") else None


def _match_household(
    *, actor: User, session: TrainingSession, cccd: object, phone: object, name: object
) -> Household:
    """The household a row of a list means: by CCCD, then by phone, then by name in the commune."""
    households = households_selectors.household_list(actor=actor)
    tried = []
    if cccd is not None:
        number = parse_cccd(cccd, field="cccd", from_spreadsheet=True).number  # a list's cell
        found = households.filter(head_cccd=number).first()
        if found is not None:
            return found
        tried.append(_("số CCCD %(cccd)s") % {"cccd": number})
    name_key = fold(str(name)) if name is not None else ""
    if phone is not None:
        e164 = parse_mobile(phone, field="phone")
        same_phone = list(households.filter(head_phone=e164)[:20])
        if len(same_phone) > 1 and name_key:
            same_phone = [h for h in same_phone if h.head_name_key == name_key]
        if len(same_phone) == 1:
            return same_phone[0]
        if len(same_phone) > 1:
            raise ApplicationError(
                _(
                    "Có %(n)s hộ cùng dùng số điện thoại %(phone)s; hãy ghi thêm số CCCD "
                    "hoặc họ tên chủ hộ để phân biệt."
                )
                % {"n": len(same_phone), "phone": phone},
                field="phone",
            )
        tried.append(_("số điện thoại %(phone)s") % {"phone": phone})
    if name_key and cccd is None and phone is None:
        # A name alone is trusted only within the session's own commune, and only if unique.
        same_name = list(households.filter(commune=session.commune, head_name_key=name_key)[:2])
        if len(same_name) == 1:
            return same_name[0]
        if len(same_name) > 1:
            raise ApplicationError(
                _(
                    "Có nhiều hộ tên %(name)s ở %(commune)s; hãy ghi thêm số CCCD hoặc số "
                    "điện thoại."
                )
                % {"name": name, "commune": session.commune.name},
                field="name",
            )
        raise ApplicationError(
            _("Không tìm thấy hộ nào tên %(name)s ở %(commune)s.")
            % {"name": name, "commune": session.commune.name},
            field="name",
        )
    raise ApplicationError(
        _("Không tìm thấy hộ nào có %(what)s trong địa bàn bạn phụ trách.")
        % {"what": _(" hoặc ").join(str(t) for t in tried)},
        field="cccd" if cccd is not None else "phone",
    )


def attendance_import(
    *, actor: User, session: TrainingSession, rows: Sequence[Mapping[str, Any]]
) -> ImportReport:
    """Mark every household of a list present and say, row by row, what was done and why.

    A row is `{"row": n, "cccd": ..., "phone": ..., "name": ...}` (any of the three; "row" is its
    number in the file). Rows without any of them are reported blank. Each row is committed on
    its own, so a long list never holds the session's lock for long and one bad row loses none
    of the good ones; importing the same list again changes nothing.
    """
    _check_commune_in_scope(actor=actor, commune=session.commune, field="session")
    results = []
    seen: dict[int, int] = {}  # household id -> first row that named it
    for index, row in enumerate(rows):
        number = int(row.get("row") or index + 2)
        cccd, phone, name = _cell(row, "cccd"), _cell(row, "phone"), _cell(row, "name")
        if cccd is None and phone is None and name is None:
            results.append(
                RowResult(row=number, status=ImportReport.BLANK, message=_("Dòng trống."))
            )
            continue
        try:
            household = _match_household(
                actor=actor, session=session, cccd=cccd, phone=phone, name=name
            )
            with transaction.atomic():
                attendance, created = _mark(
                    actor=actor,
                    session=session,
                    household=household,
                    source=Attendance.Source.IMPORT,
                )
        except ApplicationError as exc:
            results.append(RowResult(row=number, status=ImportReport.REJECTED, message=exc.message))
            continue
        if created:
            message = _("Đã ghi nhận có mặt.")
        elif household.pk in seen:
            message = _("Trùng với dòng %(row)s; đã ghi nhận một lần.") % {
                "row": seen[household.pk]
            }
        else:
            message = _("Đã có trong danh sách có mặt từ trước.")
        seen.setdefault(household.pk, number)
        results.append(
            RowResult(
                row=number,
                status=ImportReport.ACCEPTED,
                message=message,
                household_id=household.pk,
                household_name=household.head_name,
                certificate_number=attendance.certificate_number,
                created=created,
            )
        )
    return ImportReport(rows=tuple(results))
