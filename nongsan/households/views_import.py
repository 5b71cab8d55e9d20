"""Pages for importing household lists: upload, check the columns, follow the job, read the report.

Every page works with plain forms and redirects; the job page refreshes itself every 2 seconds
while the import runs (a meta refresh), and returns its progress fragment to htmx requests.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from nongsan.accounts.models import User
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error
from nongsan.geo.models import Commune, Province
from nongsan.households import importing, selectors, services
from nongsan.households.models import ImportJob

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


def _registrar(request: HttpRequest) -> User:
    """The signed-in user, if they may import lists (403 otherwise)."""
    user = request.user
    assert isinstance(user, User)  # login_required has let only signed-in users through
    if user.role not in services.REGISTRAR_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Trang này dành cho cán bộ hỗ trợ và cán bộ quản lý."))
    return user


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách hộ (Excel .xlsx, .xls hoặc CSV)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xlsm,.xls,.xlsb,.ods,.csv,.txt,.tsv"}
        ),
    )


class MappingForm(forms.Form):
    """Which field each column holds, the defaults for lists without an address, the consent."""

    sheet = forms.ChoiceField(label=gettext_lazy("Trang tính"), required=False)
    header_row = forms.IntegerField(
        label=gettext_lazy("Dòng tiêu đề"),
        min_value=1,
        help_text=gettext_lazy("Số dòng (như Excel đánh số) chứa tên các cột."),
    )
    default_province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh/thành phố mặc định"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=gettext_lazy("— không dùng —"),
        help_text=gettext_lazy("Dùng cho các dòng ghi xã/phường mà không ghi tỉnh."),
    )
    default_commune = forms.ModelChoiceField(
        label=gettext_lazy("Xã/phường mặc định"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=gettext_lazy("— không dùng —"),
        help_text=gettext_lazy("Dùng cho các dòng không ghi xã/phường."),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Tôi xác nhận xã/phường đã thu thập ý kiến đồng ý xử lý dữ liệu cá nhân của các chủ "
            "hộ trong danh sách (Nghị định 13/2023/NĐ-CP)."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        preview: importing.Preview,
        communes: QuerySet[Commune],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        sheet = self.fields["sheet"]
        assert isinstance(sheet, forms.ChoiceField)
        sheet.choices = [(name, name) for name in preview.sheets]
        if len(preview.sheets) < 2:
            sheet.widget = forms.HiddenInput()
        commune_field = self.fields["default_commune"]
        province_field = self.fields["default_province"]
        assert isinstance(commune_field, forms.ModelChoiceField)
        assert isinstance(province_field, forms.ModelChoiceField)
        commune_field.queryset = communes
        province_field.queryset = Province.objects.filter(
            pk__in=communes.values("province")
        ).order_by("key")
        choices = [("", _("— bỏ qua cột này —")), *importing.field_choices()]
        self.column_names: list[str] = []
        for index, letter, label in preview.columns:
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"{_('Cột')} {letter}" + (f": “{label}”" if label else ""),
                choices=choices,
                required=False,
                initial=preview.mapping.get(index, ""),
            )
            self.column_names.append(name)

    def column_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.column_names]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("default_province", "default_commune", "consent")]

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("col_")): self.cleaned_data[name]
            for name in self.column_names
            if self.cleaned_data.get(name)
        }

    def wants_reread(self) -> bool:
        """A changed sheet or header row means the columns must be read again first."""
        data = self.cleaned_data
        sheet = data.get("sheet") or self.preview.sheet
        return sheet != self.preview.sheet or data.get("header_row") != self.preview.header_row


@login_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request: HttpRequest) -> HttpResponse:
    actor = _registrar(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.import_job_create(actor=actor, upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return redirect("households:import_preview", job_id=job.pk)
    jobs = importing.import_job_list(actor=actor).select_related("created_by")
    return render(
        request,
        "households/import_upload.html",
        {"form": form, "jobs": jobs[:RECENT_JOBS]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = _registrar(request)
    job = importing.import_job_get_for(actor=actor, job_id=job_id)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("households:import_job", job_id=job.pk)
    try:
        preview = importing.import_preview(job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("households:import_upload")
    communes = selectors.communes_for(actor=actor)
    initial = {"sheet": preview.sheet, "header_row": preview.header_row}
    form = MappingForm(request.POST or None, initial=initial, preview=preview, communes=communes)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "reread" or form.wants_reread():
                importing.import_job_reread(
                    actor=actor,
                    job=job,
                    sheet=form.cleaned_data.get("sheet") or preview.sheet,
                    header_row=form.cleaned_data["header_row"],
                )
                messages.info(
                    request, _("Đã đọc lại danh sách; hãy kiểm tra các cột rồi bấm Nhập.")
                )
                return redirect("households:import_preview", job_id=job.pk)
            importing.import_job_start(
                actor=actor,
                job=job,
                mapping=form.mapping(),
                consent=form.cleaned_data["consent"],
                default_province=form.cleaned_data["default_province"],
                default_commune=form.cleaned_data["default_commune"],
            )
        except ApplicationError as exc:
            if exc.code == "conflict":
                return redirect("households:import_job", job_id=job.pk)
            add_application_error(form, exc)
        else:
            return redirect("households:import_job", job_id=job.pk)
    return render(
        request,
        "households/import_preview.html",
        {"job": job, "preview": preview, "form": form},
    )


@login_required
def import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = _registrar(request)
    job = importing.import_job_get_for(actor=actor, job_id=job_id)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("households:import_preview", job_id=job.pk)
    context = {
        "job": job,
        "changes": importing.changed_field_labels(job),
        "refresh_seconds": 2,
    }
    if getattr(request, "htmx", False):
        return render(request, "households/import_progress.html", context)
    return render(request, "households/import_job.html", context)


def _error_file(request: HttpRequest, job_id: int, kind: str) -> FileResponse:
    actor = _registrar(request)
    job = importing.import_job_get_for(actor=actor, job_id=job_id)
    stored = job.error_xlsx if kind == "xlsx" else job.error_csv
    if not stored:
        raise Http404(_("Lượt nhập này không có dòng lỗi."))
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"loi-nhap-danh-sach-{job.pk}.{kind}",
        content_type=XLSX_TYPE if kind == "xlsx" else "text/csv; charset=utf-8",
    )


@login_required
def import_errors_xlsx_view(request: HttpRequest, job_id: int) -> FileResponse:
    return _error_file(request, job_id, "xlsx")


@login_required
def import_errors_csv_view(request: HttpRequest, job_id: int) -> FileResponse:
    return _error_file(request, job_id, "csv")


@login_required
def import_template_view(request: HttpRequest) -> HttpResponse:
    _registrar(request)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ho.xlsx"'
    return response
