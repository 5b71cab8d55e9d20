"""Forms for the training pages: they check shape; the services check the rules."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune
from nongsan.orgs.models import Marketplace
from nongsan.training.imports import SPREADSHEET_SUFFIXES
from nongsan.training.models import MAX_CAPACITY, Course

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Tên khóa học"), max_length=200)
    topic = forms.ChoiceField(
        label=_("Chủ đề"), choices=Course.Topic.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Nội dung chính"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SessionForm(forms.Form):
    """Date and time are separate inputs: phones' pickers for them work everywhere."""

    course = forms.ModelChoiceField(
        label=_("Khóa học"), queryset=Course.objects.none(), empty_label=_("Chọn khóa học")
    )
    date = forms.DateField(
        label=_("Ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Giờ bắt đầu"),
        initial=dt.time(8, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    commune = forms.ModelChoiceField(label=_("Xã/phường"), queryset=Commune.objects.none())
    venue = forms.CharField(
        label=_("Địa điểm"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Hội trường UBND xã")}),
    )
    trainer_name = forms.CharField(label=_("Giảng viên"), max_length=150)
    marketplace = forms.ModelChoiceField(
        label=_("Sàn TMĐT phối hợp"),
        queryset=Marketplace.objects.filter(is_active=True),
        required=False,
        empty_label=_("Không có"),
    )
    capacity = forms.IntegerField(
        label=_("Số chỗ"), min_value=1, max_value=MAX_CAPACITY, initial=30
    )

    def __init__(
        self, *args: Any, communes: QuerySet[Commune], courses: QuerySet[Course], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["course"].queryset = courses
        self.fields["date"].initial = timezone.localdate()
        if len(communes[:2]) == 1:
            self.fields["commune"].initial = communes.first()

    def starts_at(self) -> dt.datetime:
        """The chosen day and time in Vietnam's time zone."""
        day, time = self.cleaned_data["date"], self.cleaned_data["time"]
        return timezone.make_aware(dt.datetime.combine(day, time))


class CandidateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm hộ theo tên (không cần dấu) hoặc số điện thoại"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.xlsx hoặc .csv)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 5 MB."))
        if not upload.name.lower().endswith((".csv", *SPREADSHEET_SUFFIXES)):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
        return upload
