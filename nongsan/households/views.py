"""Household pages: the field agent's phone flow, the household's own page, funnel and priority."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nongsan.accounts.models import Role
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error
from nongsan.core.validators import parse_mobile
from nongsan.geo import selectors as geo_selectors
from nongsan.households import selectors, services
from nongsan.households.forms import (
    CertificationForm,
    CooperativeForm,
    HouseholdEditForm,
    HouseholdForm,
    HouseholdSearchForm,
)
from nongsan.households.models import Household, Milestone

STAFF_ROLES = {Role.FIELD_AGENT, Role.PROVINCE_OFFICIAL, Role.MINISTRY_OFFICIAL}
PAGE_SIZE = 30


def _require_staff(request: HttpRequest) -> None:
    if request.user.role not in STAFF_ROLES and not request.user.is_superuser:
        raise PermissionDenied(_("Trang này dành cho cán bộ hỗ trợ và cán bộ quản lý."))


def _province_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("tinh", "")
    return int(value) if value.isdigit() else None


def _filtered_households(
    request: HttpRequest,
) -> tuple[HouseholdSearchForm, QuerySet[Household]]:
    """The search/filter form of the staff pages and the households it selects."""
    province_id = _province_filter(request)
    communes = selectors.communes_for(actor=request.user, province_id=province_id)
    form = HouseholdSearchForm(request.GET or None, communes=communes)
    data = form.cleaned_data if form.is_valid() else {}
    households = selectors.household_list(
        actor=request.user,
        query=data.get("q", ""),
        commune=data.get("commune"),
        province_id=province_id,
    )
    return form, households


@login_required
def household_list_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form, households = _filtered_households(request)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "households/household_list.html",
        {"form": form, "page": page, "provinces": geo_selectors.province_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_register_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    communes = selectors.communes_for(actor=request.user, province_id=_province_filter(request))
    form = HouseholdForm(request.POST or None, communes=communes)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_duplicate")
        try:
            phone = parse_mobile(data["head_phone"]) if data["head_phone"].strip() else ""
        except ApplicationError:
            phone = ""  # the service names the bad phone
        duplicates = list(
            selectors.likely_duplicates(
                head_name=data["head_name"], commune=data["commune"], phone=phone
            )[:5]
        )
        if not duplicates or confirmed:
            try:
                household = services.household_register(actor=request.user, **data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(
                    request, _("Đã đăng ký hộ %(name)s.") % {"name": household.head_name}
                )
                return redirect("households:detail", household_id=household.pk)
    form.offer_duplicate_confirmation(bool(duplicates))
    return render(
        request, "households/household_form.html", {"form": form, "duplicates": duplicates}
    )


@login_required
def certification_document_view(
    request: HttpRequest, household_id: int, certification_id: int
) -> FileResponse:
    """A certification's scan, for those who may see the household (a private file)."""
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    certification = household.certifications.filter(pk=certification_id).first()
    if certification is None or not certification.document:
        raise Http404(_("Không có bản scan này."))
    return FileResponse(certification.document.open("rb"), as_attachment=False)


@login_required
def household_detail_view(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    steps, next_step, hint = selectors.household_progress(household=household)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "steps": steps,
            "next_step": next_step,
            "hint": hint,
            "show_identity": selectors.can_see_identity(actor=request.user, household=household),
            "certifications": household.certifications.all(),
            "produce": household.produce.all(),
            "can_edit": request.user.role in STAFF_ROLES or request.user.is_superuser,
        },
    )


@login_required
def my_household_view(request: HttpRequest) -> HttpResponse:
    household = getattr(request.user, "household", None)
    if household is None:
        messages.info(
            request, _("Tài khoản của bạn chưa gắn với hồ sơ hộ nào; hãy liên hệ cán bộ hỗ trợ.")
        )
        return redirect("web:home")
    return redirect("households:detail", household_id=household.pk)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit_view(request: HttpRequest, household_id: int) -> HttpResponse:
    _require_staff(request)
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    communes = selectors.communes_for(actor=request.user)
    initial = {
        field: getattr(household, field)
        for field in (
            "head_name",
            "head_birth_date",
            "head_gender",
            "head_phone",
            "commune",
            "village",
            "members_count",
            "farming_area",
            "farming_area_unit",
        )
    }
    initial["produce"] = household.produce.all()
    form = HouseholdEditForm(request.POST or None, initial=initial, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        produce = data.pop("produce")
        try:
            services.household_update(
                actor=request.user, household=household, produce=produce, **data
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Đã lưu hồ sơ hộ."))
            return redirect("households:detail", household_id=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": household})


@login_required
@require_http_methods(["GET", "POST"])
def certification_add_view(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    form = CertificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_add(actor=request.user, household=household, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Đã thêm chứng nhận."))
            return redirect("households:detail", household_id=household.pk)
    return render(
        request, "households/certification_form.html", {"form": form, "household": household}
    )


@login_required
def funnel_view(request: HttpRequest) -> HttpResponse:
    """How many households reached each step, and who is stuck at the chosen one."""
    _require_staff(request)
    form, households = _filtered_households(request)
    counts = selectors.funnel_counts(actor=request.user, households=households)
    step = request.GET.get("buoc", "")
    stuck_page = None
    if step in selectors.FUNNEL and step != Milestone.Kind.REGISTERED:
        stuck = selectors.households_stuck_at(actor=request.user, kind=step, households=households)
        stuck_page = Paginator(stuck, PAGE_SIZE).get_page(request.GET.get("trang"))
    top = counts[0][2] or 1
    return render(
        request,
        "households/funnel.html",
        {
            "form": form,
            "rows": [(kind, label, n, round(100 * n / top)) for kind, label, n in counts],
            "step": step,
            "step_label": str(Milestone.Kind(step).label) if step in selectors.FUNNEL else "",
            "hint": selectors.NEXT_STEP_HINTS.get(step, ""),
            "stuck_page": stuck_page,
            "provinces": geo_selectors.province_list(),
        },
    )


@login_required
def priority_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form, households = _filtered_households(request)
    page = Paginator(
        selectors.priority_list(actor=request.user, households=households), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    rows = [(h, selectors.priority_reasons(h)) for h in page]
    return render(
        request,
        "households/priority.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "criteria": selectors.PRIORITY_CRITERIA,
            "max_score": selectors.PRIORITY_MAX,
            "provinces": geo_selectors.province_list(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cooperative_create_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    communes = selectors.communes_for(actor=request.user, province_id=_province_filter(request))
    form = CooperativeForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        try:
            cooperative = services.cooperative_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm %(name)s; có thể chọn HTX này trong hồ sơ hộ.")
                % {"name": cooperative.name},
            )
            return redirect("households:list")
    return render(request, "households/cooperative_form.html", {"form": form})
