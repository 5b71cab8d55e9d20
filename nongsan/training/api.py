"""Training under /api/training/: courses, sessions, attendance, filtered by the caller's scope."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune
from nongsan.households import selectors as households_selectors
from nongsan.orgs.models import Marketplace
from nongsan.training import selectors, services
from nongsan.training.models import Attendance, Course, TrainingSession
from nongsan.training.schemas import (
    AttendanceIn,
    AttendanceOut,
    CourseOut,
    SessionIn,
    SessionOut,
)

router = Router(tags=["training"], auth=api_auth)


@router.get("/courses", response=list[CourseOut], summary="The national catalogue of courses")
def course_list(request: HttpRequest) -> QuerySet[Course]:
    return selectors.course_list(actor=request.user)


@router.get("/sessions", response=list[SessionOut], summary="Sessions in the caller's scope")
@paginate(BoundedPagination)
def session_list(request: HttpRequest, upcoming: bool | None = None) -> QuerySet[TrainingSession]:
    """`upcoming=true`: from today on (Vietnam time), soonest first; `false`: before today,
    latest first; omitted: all, latest first."""
    return selectors.session_list(actor=request.user, upcoming=upcoming)


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session")
def session_detail(request: HttpRequest, session_id: int) -> TrainingSession:
    return selectors.session_get_for(actor=request.user, session_id=session_id)


@router.post("/sessions", response={201: SessionOut}, summary="Schedule a session")
def session_create(request: HttpRequest, payload: SessionIn) -> Status:
    """Field agents in their communes, provincial officials in their province, the Ministry
    anywhere."""
    commune = Commune.objects.filter(code=payload.commune_code).first()
    if commune is None:
        raise ApplicationError(_("Mã xã/phường không tồn tại."), field="commune_code")
    marketplace = None
    if payload.marketplace_code:
        marketplace = Marketplace.objects.filter(code=payload.marketplace_code).first()
        if marketplace is None:
            raise ApplicationError(_("Mã sàn TMĐT không tồn tại."), field="marketplace_code")
    course = selectors.course_list(actor=request.user).filter(pk=payload.course_id).first()
    if course is None:
        raise ApplicationError(_("Khóa học không tồn tại."), field="course_id")
    session = services.session_create(
        actor=request.user,
        course=course,
        starts_at=payload.starts_at,
        commune=commune,
        venue=payload.venue,
        trainer_name=payload.trainer_name,
        capacity=payload.capacity,
        marketplace=marketplace,
    )
    return Status(201, selectors.session_get_for(actor=request.user, session_id=session.pk))


@router.get(
    "/sessions/{session_id}/attendance",
    response=list[AttendanceOut],
    summary="Households present at a session, in marking order",
)
def attendance_list(request: HttpRequest, session_id: int) -> QuerySet[Attendance]:
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    return selectors.attendance_list(actor=request.user, session=session)


@router.post(
    "/sessions/{session_id}/attendance",
    response=AttendanceOut,
    summary="Mark a household present (idempotent)",
)
def attendance_mark(request: HttpRequest, session_id: int, payload: AttendanceIn) -> Attendance:
    """Marking a household already present returns its attendance unchanged. Sets the
    household's training milestone from the course topic."""
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    household = households_selectors.household_get_for(
        actor=request.user, household_id=payload.household_id
    )
    return services.attendance_mark(
        actor=request.user, session=session, household=household, source=Attendance.Source.API
    )
