"""Forms of the delivery pages: shape only; the services check the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Province
from nongsan.orgs.models import Carrier
from nongsan.shipping.models import Claim, Shipment


class ShipmentForm(forms.Form):
    carrier = forms.ModelChoiceField(label=_("Đơn vị vận chuyển"), queryset=Carrier.objects.none())
    weight_kg = forms.DecimalField(
        label=_("Khối lượng cả thùng (kg)"),
        min_value=Decimal("0.05"),
        max_value=Decimal(500),
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    length_cm = forms.IntegerField(label=_("Dài (cm)"), min_value=1, max_value=300)
    width_cm = forms.IntegerField(label=_("Rộng (cm)"), min_value=1, max_value=300)
    height_cm = forms.IntegerField(label=_("Cao (cm)"), min_value=1, max_value=300)

    def __init__(self, *args: Any, carriers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carriers  # type: ignore[attr-defined]


EVENT_CHOICES = [
    (value, label) for value, label in Shipment.Status.choices if value != Shipment.Status.CREATED
]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sự kiện"), choices=EVENT_CHOICES)
    place = forms.CharField(label=_("Nơi"), max_length=200, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class ScanForm(forms.Form):
    tracking_number = forms.CharField(label=_("Mã vận đơn"), max_length=20)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vấn đề"), choices=Claim.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Mô tả"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    photo = forms.ImageField(label=_("Ảnh chụp hàng"), required=False)


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Quyết định"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Chấp nhận")), ("0", _("Không chấp nhận"))],
        widget=forms.RadioSelect,
    )
    responsible = forms.ChoiceField(
        label=_("Bên chịu trách nhiệm"),
        choices=[("", "—"), *[c for c in Claim.Party.choices if c[0] != "none"]],
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CardForm(forms.Form):
    plate = forms.CharField(label=_("Biển số xe"), max_length=15)
    driver_name = forms.CharField(label=_("Lái xe"), max_length=150)
    driver_phone = forms.CharField(label=_("Số điện thoại lái xe"), max_length=16)
    route = forms.CharField(label=_("Lộ trình"), max_length=300)
    province = forms.ModelChoiceField(
        label=_("Tỉnh cấp thẻ"), queryset=Province.objects.order_by("name")
    )
    authority = forms.CharField(label=_("Cơ quan cấp"), max_length=200)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=forms.DateInput({"type": "date"}))
    valid_to = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput({"type": "date"}))


class DistancingForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("name")
    )
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput({"type": "date"}))
    decision = forms.CharField(label=_("Văn bản quyết định"), max_length=200)
