"""Forms of the traceability pages: shape only; the services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.catalog.models import Product
from nongsan.traceability import services


class LotForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=Product.objects.none())
    code = forms.CharField(
        label=_("Mã lô"),
        max_length=20,
        required=False,
        help_text=_("Để trống: đặt theo ngày, ví dụ 260714-1."),
    )
    gtin = forms.CharField(
        label=_("Mã vạch GTIN của sản phẩm (nếu có)"),
        max_length=20,
        required=False,
        help_text=_("Để trống: nền tảng cấp mã GTIN cho sản phẩm."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    quantity = forms.DecimalField(
        label=_("Số lượng của lô"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]


STEP_CHOICES = [(step.value, step.label) for step in services.HOUSEHOLD_STEPS]


class EventForm(forms.Form):
    step = forms.ChoiceField(label=_("Công đoạn"), choices=STEP_CHOICES)
    at = forms.DateTimeField(
        label=_("Thời điểm"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=200)
    who = forms.CharField(
        label=_("Người thực hiện"),
        max_length=150,
        required=False,
        help_text=_("Để trống: tên tài khoản của bạn."),
    )
    detail = forms.CharField(
        label=_("Chi tiết"),
        max_length=300,
        required=False,
        help_text=_("Vật tư và liều lượng; sản lượng thu hoạch; quy cách đóng gói."),
    )


class LabelSheetForm(forms.Form):
    count = forms.IntegerField(label=_("Số nhãn"), min_value=1, max_value=200, initial=24)
