"""Monitoring pages: the period report (on screen and as the Appendix 02/03 workbook), targets."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import is_national
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error
from nongsan.monitoring import exports, selectors, services
from nongsan.monitoring.forms import (
    ALL_MARKETPLACES,
    BaselineImportForm,
    IndicatorTargetForm,
    ReportFilterForm,
    TargetForm,
)
from nongsan.monitoring.periods import PeriodKind, period_from_id, period_last_ended

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class _Request:
    form: ReportFilterForm
    report: selectors.Report


def _report_for(request: HttpRequest) -> _Request:
    """Read the picker, check the unit is in the actor's scope (404), fold, build the report."""
    units = selectors.report_units(actor=request.user)
    if not units:
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở TTTT và Bộ TTTT."))
    now = timezone.now()
    marketplaces = list(selectors.marketplace_list())
    unit = selectors.unit_get_for(actor=request.user, key=request.GET.get("don_vi", units[0].key))
    period_id = request.GET.get("ky") or period_last_ended(kind=PeriodKind.WEEKLY, moment=now).id
    try:
        period = period_from_id(period_id)
    except ApplicationError as error:
        raise Http404(error.message) from error
    code = request.GET.get("san", ALL_MARKETPLACES)
    marketplace = next((m for m in marketplaces if m.code == code), None)
    if code != ALL_MARKETPLACES and marketplace is None:
        raise Http404(_("Không có sàn TMĐT này."))
    form = ReportFilterForm(
        initial={"don_vi": unit.key, "ky": period.id, "san": code},
        units=units,
        marketplaces=marketplaces,
        moment=now,
    )
    services.facts_fold()  # the report shows everything recorded up to now
    report = selectors.report_build(unit=unit, period=period, marketplace=marketplace)
    return _Request(form=form, report=report)


@login_required
@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    built = _report_for(request)
    return render(
        request,
        "monitoring/report.html",
        {"form": built.form, "report": built.report, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def report_xlsx_view(request: HttpRequest) -> HttpResponse:
    report = _report_for(request).report
    response = HttpResponse(exports.report_xlsx(report), content_type=XLSX)
    name = f"bao-cao-{report.period.id}-{report.unit.key}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _year(request: HttpRequest) -> int:
    value = request.GET.get("nam", "")
    return int(value) if value.isdigit() else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def targets_view(request: HttpRequest) -> HttpResponse:
    """The Ministry enters baselines and percentages (or imports them); a province official
    sees their province's targets and sets its absolute ones."""
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in users through
    ministry = is_national(user) and user.role != Role.INFO_EDITOR
    own_province = user.province if user.role == Role.PROVINCE_OFFICIAL else None
    official = own_province is not None
    if not (ministry or official):
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở TTTT và Bộ TTTT."))
    year = _year(request)
    target_form = TargetForm(prefix="target") if ministry else None
    import_form = BaselineImportForm(prefix="import") if ministry else None
    absolute_form = IndicatorTargetForm(prefix="absolute") if official else None
    imported = None

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "target" and ministry:
                target_form = TargetForm(request.POST, prefix="target")
                if target_form.is_valid():
                    target = services.target_set(
                        actor=user,
                        province=target_form.cleaned_data["province"],
                        year=year,
                        baseline_households=target_form.cleaned_data["baseline_households"],
                        percentages=target_form.percentages(),
                    )
                    messages.success(
                        request,
                        _("Đã lưu chỉ tiêu năm %(year)s của %(province)s.")
                        % {"year": year, "province": target.province.name},
                    )
                    return redirect(f"{request.path}?nam={year}")
            elif action == "import" and ministry:
                import_form = BaselineImportForm(request.POST, request.FILES, prefix="import")
                if import_form.is_valid():
                    imported = services.baselines_import(
                        actor=user, file=import_form.cleaned_data["file"], year=year
                    )
            elif action == "absolute" and own_province is not None:
                absolute_form = IndicatorTargetForm(request.POST, prefix="absolute")
                if absolute_form.is_valid():
                    services.indicator_target_set(
                        actor=user,
                        province=own_province,
                        year=year,
                        indicator=absolute_form.cleaned_data["indicator"],
                        value=absolute_form.cleaned_data["value"],
                    )
                    messages.success(request, _("Đã lưu mục tiêu."))
                    return redirect(f"{request.path}?nam={year}")
            else:
                raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
        except ApplicationError as error:
            form = {"target": target_form, "import": import_form, "absolute": absolute_form}[
                str(action)
            ]
            if form is not None:
                add_application_error(form, error)

    return render(
        request,
        "monitoring/targets.html",
        {
            "year": year,
            "years": range(year - 2, year + 3),
            "targets": selectors.target_list(actor=user, year=year),
            "absolute_targets": selectors.indicator_target_list(actor=user, year=year),
            "target_form": target_form,
            "import_form": import_form,
            "absolute_form": absolute_form,
            "imported": imported,
        },
    )
