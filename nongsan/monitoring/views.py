"""Monitoring pages: the period report (on screen and as the Appendix 02/03 workbook), targets."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import is_national
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error
from nongsan.core.timeutils import duration_text
from nongsan.geo.models import Province
from nongsan.monitoring import exports, selectors, services
from nongsan.monitoring.forms import (
    ALL_MARKETPLACES,
    BaselineImportForm,
    CorrectionForm,
    FilingPickForm,
    IndicatorTargetForm,
    ManualFigureForm,
    ReportFilterForm,
    SubmitForm,
    TargetForm,
)
from nongsan.monitoring.models import ManualFigure
from nongsan.monitoring.periods import Period, PeriodKind, period_from_id, period_last_ended

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


# Filing ---------------------------------------------------------------------------------------


def _filing_pick(
    request: HttpRequest, *, pick_province: bool = True
) -> tuple[Province, Period, FilingPickForm]:
    provinces = list(selectors.filing_provinces(actor=request.user))
    if not provinces:
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở TTTT và Bộ TTTT."))
    now = timezone.now()
    own = getattr(request.user, "province", None)
    code = request.GET.get("tinh") or (own.code if own is not None else "")
    province = next((p for p in provinces if p.code == code), provinces[0])
    try:
        period = period_from_id(
            request.GET.get("ky") or period_last_ended(kind=PeriodKind.WEEKLY, moment=now).id
        )
    except ApplicationError as error:
        raise Http404(error.message) from error
    form = FilingPickForm(
        initial={"tinh": province.code, "ky": period.id},
        provinces=provinces if pick_province else [],
        moment=now,
    )
    return province, period, form


@login_required
@require_http_methods(["GET", "POST"])
def filing_view(request: HttpRequest) -> HttpResponse:
    """A province official generates the report, reviews it, types manual figures, submits it,
    and corrects it with a new version; the Ministry reads any province's versions."""
    user = request.user
    assert isinstance(user, User)
    province, period, pick = _filing_pick(request)
    here = f"{request.path}?tinh={province.code}&ky={period.id}"
    versions = selectors.submission_versions(actor=user, province=province, period_id=period.id)
    current = versions[0] if versions else None
    may_file = user.role == Role.PROVINCE_OFFICIAL and user.province_id == province.pk
    figure_form, submit_form, correction_form = ManualFigureForm(), SubmitForm(), CorrectionForm()

    if request.method == "POST":
        if not may_file:
            raise PermissionDenied(_("Chỉ cán bộ Sở TTTT của tỉnh được lập và nộp báo cáo."))
        action = request.POST.get("action")
        try:
            if action == "prepare":
                services.submission_prepare(actor=user, province=province, period_id=period.id)
                messages.success(request, _("Đã lập số liệu báo cáo từ dữ liệu nền tảng."))
                return redirect(here)
            if current is None:
                raise Http404(_("Chưa lập báo cáo kỳ này."))
            if action == "figure":
                figure_form = ManualFigureForm(request.POST)
                if figure_form.is_valid():
                    services.manual_figure_set(
                        actor=user, submission=current, **figure_form.cleaned_data
                    )
                    messages.success(request, _("Đã ghi số liệu nhập tay."))
                    return redirect(here)
            elif action == "figure_delete":
                figure = get_object_or_404(
                    ManualFigure, pk=request.POST.get("figure"), submission=current
                )
                services.manual_figure_delete(actor=user, figure=figure)
                messages.success(request, _("Đã xoá số liệu nhập tay."))
                return redirect(here)
            elif action == "submit":
                submit_form = SubmitForm(request.POST)
                if submit_form.is_valid():
                    filed = services.submission_submit(
                        actor=user, submission=current, comment=submit_form.cleaned_data["comment"]
                    )
                    if filed.late_by:
                        messages.warning(
                            request,
                            _("Đã nộp báo cáo, muộn %(late)s so với hạn.")
                            % {"late": duration_text(filed.late_by)},
                        )
                    else:
                        messages.success(request, _("Đã nộp báo cáo đúng hạn."))
                    return redirect(here)
            elif action == "correct":
                correction_form = CorrectionForm(request.POST)
                if correction_form.is_valid():
                    services.submission_correct(
                        actor=user,
                        submission=current,
                        reason=correction_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Đã mở bản điều chỉnh; sửa số liệu rồi nộp lại."))
                    return redirect(here)
            else:
                raise PermissionDenied(_("Thao tác không hợp lệ."))
        except ApplicationError as error:
            form = {"figure": figure_form, "submit": submit_form, "correct": correction_form}.get(
                str(action), submit_form
            )
            add_application_error(form, error)

    return render(
        request,
        "monitoring/filing.html",
        {
            "pick": pick,
            "province": province,
            "period": period,
            "versions": versions,
            "current": current,
            "report": selectors.submission_report(current) if current else None,
            "may_file": may_file,
            "figure_form": figure_form,
            "submit_form": submit_form,
            "correction_form": correction_form,
            "now": timezone.now(),
        },
    )


DOWNLOADS = {
    "xlsx": XLSX,
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


@login_required
@require_GET
def submission_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One version of a province's report as XLSX, PDF or CSV."""
    if fmt not in DOWNLOADS:
        raise Http404(_("Không có định dạng này."))
    submission = selectors.submission_get_for(actor=request.user, pk=pk)
    report = selectors.submission_report(submission)
    remark = selectors.submission_remark(submission)
    body = {
        "xlsx": lambda: exports.workbook_xlsx([(report.period.id, report, remark)]),
        "pdf": lambda: exports.report_pdf(report, remark=remark),
        "csv": lambda: exports.report_csv(report),
    }[fmt]()
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    name = (
        f"bao-cao-{submission.period_id}-tinh-{submission.province.code}-lan-{submission.version}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def filing_board_view(request: HttpRequest) -> HttpResponse:
    """The Ministry's board: who filed the period's report, on time or late, who has not."""
    _province, period, pick = _filing_pick(request, pick_province=False)
    return render(
        request,
        "monitoring/filing_board.html",
        {
            "pick": pick,
            "board": selectors.filing_board(actor=request.user, period=period),
            "period": period,
        },
    )


@login_required
@require_GET
def national_workbook_view(request: HttpRequest) -> HttpResponse:
    """One sheet per province: what it filed (its latest version) or, where it has not filed,
    the platform's own figures, said so under the title."""
    if not is_national(request.user):
        raise PermissionDenied(_("Bảng tổng hợp toàn quốc dành cho cán bộ Bộ TTTT."))
    _province, period, _pick = _filing_pick(request)
    services.facts_fold()
    sheets = [
        (f"{filed.province.code} {filed.province.short_name}", filed.report, filed.remark)
        for filed in selectors.national_filings(period=period)
    ]
    response = HttpResponse(exports.workbook_xlsx(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{period.id}-toan-quoc.xlsx"'
    return response


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The Ministry: the nation against its targets, provinces ranked and mapped, who filed;
    a provincial official: the same for their province's communes."""
    if not selectors.report_units(actor=request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ Sở TTTT và Bộ TTTT."))
    choices = {i.code: i for i in selectors.MAPPABLE}
    indicator = choices.get(request.GET.get("chi_tieu", ""), choices["I.3"])
    services.facts_fold()
    board = selectors.dashboard_build(actor=request.user, indicator=indicator, now=timezone.now())
    return render(
        request,
        "monitoring/dashboard.html",
        {"dash": board, "choices": choices.values()},
    )
