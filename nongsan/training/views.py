"""Training pages: sessions, marking attendance on a phone, list imports, certificates."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nongsan.accounts.models import Role
from nongsan.core import exports
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error
from nongsan.households import selectors as households_selectors
from nongsan.training import certificates, imports, selectors, services
from nongsan.training.forms import (
    AttendanceImportForm,
    CandidateSearchForm,
    CourseForm,
    SessionForm,
)
from nongsan.training.imports import ImportReport, read_rows
from nongsan.training.models import Course

# Marketplace operators see the sessions their marketplace partners, without marking.
VIEWER_ROLES = services.ORGANISER_ROLES | {Role.MARKETPLACE_OPERATOR}
PAGE_SIZE = 30
CANDIDATES_SHOWN = 20
PAST = "da-qua"


def _can_organise(request: HttpRequest) -> bool:
    return request.user.is_superuser or request.user.role in services.ORGANISER_ROLES


def _require_organiser(request: HttpRequest) -> None:
    if not _can_organise(request):
        raise PermissionDenied(_("Trang này dành cho cán bộ tổ chức tập huấn."))


def _require_viewer(request: HttpRequest) -> None:
    if not (request.user.is_superuser or request.user.role in VIEWER_ROLES):
        raise PermissionDenied(_("Trang này dành cho cán bộ hỗ trợ và cán bộ quản lý."))


def _import_key(session_id: int) -> str:
    return f"training-import-{session_id}"


@login_required
@require_GET
def session_list_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    past = request.GET.get("loai") == PAST
    sessions = selectors.session_list(actor=request.user, upcoming=not past)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "training/session_list.html",
        {"page": page, "past": past, "can_organise": _can_organise(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create_view(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Đã thêm khóa học “%(title)s”.") % {"title": course.title})
            return redirect(
                f"{reverse('training:session_create')}?{urlencode({'khoa': course.pk})}"
            )
    return render(request, "training/course_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    courses = selectors.course_list(actor=request.user)
    initial = {"course": request.GET.get("khoa")} if request.GET.get("khoa", "").isdigit() else {}
    form = SessionForm(
        request.POST or None,
        initial=initial,
        communes=households_selectors.communes_for(actor=request.user),
        courses=courses,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                course=data["course"],
                starts_at=form.starts_at(),
                commune=data["commune"],
                venue=data["venue"],
                trainer_name=data["trainer_name"],
                capacity=data["capacity"],
                marketplace=data["marketplace"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Đã tạo buổi tập huấn."))
            return redirect("training:session_detail", session_id=session.pk)
    return render(
        request, "training/session_form.html", {"form": form, "has_courses": courses.exists()}
    )


@login_required
@require_GET
def session_detail_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The agent's phone screen: find a household, press "Có mặt", see who is present."""
    _require_viewer(request)
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    form = CandidateSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    candidates = list(
        selectors.household_candidates(actor=request.user, session=session, query=query)[
            : CANDIDATES_SHOWN + 1
        ]
    )
    today = timezone.localdate()
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "form": form,
            "query": query,
            "candidates": candidates[:CANDIDATES_SHOWN],
            "more_candidates": len(candidates) > CANDIDATES_SHOWN,
            "attendances": selectors.attendance_list(actor=request.user, session=session),
            "can_organise": _can_organise(request),
            "not_started": session.local_date > today,
            "is_full": session.attendee_count >= session.capacity,
            "can_unmark": today <= session.local_date,
        },
    )


def _back_to_session(session_id: int, query: str = "") -> HttpResponse:
    url = reverse("training:session_detail", args=[session_id])
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
@require_POST
def attendance_mark_view(request: HttpRequest, session_id: int) -> HttpResponse:
    _require_organiser(request)
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    household_id = request.POST.get("household", "")
    query = request.POST.get("q", "")
    if not household_id.isdigit():
        messages.error(request, _("Hãy chọn một hộ trong kết quả tìm kiếm."))
        return _back_to_session(session.pk, query)
    household = households_selectors.household_get_for(
        actor=request.user, household_id=int(household_id)
    )
    try:
        attendance = services.attendance_mark(
            actor=request.user, session=session, household=household
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã ghi nhận có mặt: %(name)s (giấy chứng nhận số %(number)s).")
            % {"name": household.head_name, "number": attendance.certificate_number},
        )
    return _back_to_session(session.pk, query)


@login_required
@require_POST
def attendance_unmark_view(
    request: HttpRequest, session_id: int, attendance_id: int
) -> HttpResponse:
    _require_organiser(request)
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    attendance = selectors.attendance_get_for(actor=request.user, attendance_id=attendance_id)
    if attendance.session_id != session.pk:
        raise PermissionDenied(_("Lượt điểm danh này không thuộc buổi tập huấn đã chọn."))
    try:
        services.attendance_unmark(actor=request.user, attendance=attendance)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Đã hủy điểm danh của %(name)s.") % {"name": attendance.household.head_name}
        )
    return _back_to_session(session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """Upload a list, then (after the redirect) see what happened to every row."""
    _require_organiser(request)
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_rows(filename=upload.name, content=upload.read())
            report = services.attendance_import(actor=request.user, session=session, rows=rows)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            request.session[_import_key(session.pk)] = {
                "filename": upload.name,
                **report.as_dict(),
            }
            return redirect("training:attendance_import", session_id=session.pk)
    stored = request.session.get(_import_key(session.pk))
    return render(
        request,
        "training/attendance_import.html",
        {
            "session": session,
            "form": form,
            "report": ImportReport.from_dict(stored) if stored else None,
            "filename": stored.get("filename", "") if stored else "",
        },
    )


@login_required
@require_GET
def attendance_import_report_csv_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The last import's report as a spreadsheet-friendly CSV (UTF-8 with BOM for Excel)."""
    _require_organiser(request)
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    stored = request.session.get(_import_key(session.pk))
    if not stored:
        messages.info(request, _("Chưa có lần nhập danh sách nào để tải báo cáo."))
        return redirect("training:attendance_import", session_id=session.pk)
    report = ImportReport.from_dict(stored)
    labels = {
        ImportReport.ACCEPTED: _("Nhận"),
        ImportReport.REJECTED: _("Không nhận"),
        ImportReport.BLANK: _("Dòng trống"),
    }
    header = [_("Dòng"), _("Kết quả"), _("Hộ"), _("Số giấy chứng nhận"), _("Ghi chú")]
    rows = [
        [row.row, labels[row.status], row.household_name, row.certificate_number, row.message]
        for row in report.rows
    ]
    response = HttpResponse(
        exports.csv_bytes(header, rows, delimiter=","), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-nhap-{session.pk}.csv"'
    return response


@login_required
@require_GET
def attendance_template_view(request: HttpRequest) -> HttpResponse:
    """An empty list to fill in, with the column names the import recognises."""
    response = HttpResponse(
        imports.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-tap-huan.xlsx"'
    return response


@login_required
@require_GET
def certificate_view(request: HttpRequest, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get_for(actor=request.user, attendance_id=attendance_id)
    return render(
        request,
        certificates.TEMPLATE,
        certificates.certificate_context(attendance=attendance, for_pdf=False),
    )


@login_required
@require_GET
def certificate_pdf_view(request: HttpRequest, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get_for(actor=request.user, attendance_id=attendance_id)
    response = HttpResponse(
        certificates.certificate_pdf(attendance=attendance, request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="giay-chung-nhan-{attendance.certificate_number}.pdf"'
    )
    return response


@login_required
@require_GET
def my_certificates_view(request: HttpRequest) -> HttpResponse:
    """A household's own training record and certificates."""
    household = getattr(request.user, "household", None)
    if household is None:
        messages.info(
            request, _("Tài khoản của bạn chưa gắn với hồ sơ hộ nào; hãy liên hệ cán bộ hỗ trợ.")
        )
        return redirect("web:home")
    attendances = selectors.attendance_list(actor=request.user, household=household)
    return render(
        request,
        "training/my_certificates.html",
        {"household": household, "attendances": attendances, "topics": Course.Topic},
    )
