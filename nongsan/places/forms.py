"""Forms of the places pages: shape only."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Province, SalesPoint


class MapFilterForm(forms.Form):
    """The sales-point map's filters and origin, read from the query string (GET)."""

    tinh = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"),
        queryset=Province.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Cả nước"),
    )
    xa = forms.CharField(label=_("Xã/phường"), max_length=100, required=False)
    loai = forms.ChoiceField(
        label=_("Loại điểm"), choices=[("", _("Tất cả")), *SalesPoint.Kind.choices], required=False
    )
    dang_mo = forms.BooleanField(label=_("Chỉ điểm đang mở cửa"), required=False)
    dia_chi = forms.CharField(
        label=_("Gần địa chỉ"),
        max_length=120,
        required=False,
        help_text=_("Mã địa chỉ số (ví dụ 25000-7K3QD2M) hoặc tên xã/phường trong tỉnh đã chọn."),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class HandoverForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("name")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class ShopPlaceForm(forms.Form):
    street = forms.CharField(label=_("Số nhà, đường, thôn/xóm"), max_length=250)
    latitude = forms.FloatField(label=_("Vĩ độ"), required=False)
    longitude = forms.FloatField(label=_("Kinh độ"), required=False)
    opening_hours = forms.CharField(label=_("Giờ mở cửa"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."))
        return data
