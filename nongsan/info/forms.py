"""Forms of the info pages: they check shape; the services check the rules."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.accounts.models import Role
from nongsan.geo.models import Commune, Province
from nongsan.households.models import ProduceKind
from nongsan.info.models import Bulletin

MAX_UPLOAD = 5 * 1024 * 1024


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tin"), choices=Bulletin.Kind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    body = forms.CharField(label=_("Nội dung"), max_length=10_000, widget=forms.Textarea)
    is_urgent = forms.BooleanField(
        label=_("Tin khẩn (gửi cả SMS, hiển thị nổi bật)"), required=False
    )
    valid_from = forms.DateTimeField(
        label=_("Hiệu lực từ"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Để trống: ngay khi đăng."),
    )
    valid_until = forms.DateTimeField(
        label=_("Hiệu lực đến"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    is_nationwide = forms.BooleanField(label=_("Gửi toàn quốc"), required=False)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Tỉnh/thành phố nhận tin"),
        queryset=Province.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    communes = forms.CharField(
        label=_("Mã xã/phường nhận tin"),
        required=False,
        max_length=2000,
        help_text=_("Mã 5 chữ số, cách nhau bởi dấu phẩy, ví dụ 06208, 06211."),
    )
    produce = forms.ModelMultipleChoiceField(
        label=_("Cây trồng, vật nuôi"),
        queryset=ProduceKind.objects.order_by("group", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Để trống: gửi mọi hộ trong vùng nhận tin."),
    )
    image = forms.ImageField(label=_("Ảnh"), required=False)
    attachment = forms.FileField(label=_("Tệp đính kèm (PDF)"), required=False)
    publish = forms.BooleanField(label=_("Đăng ngay"), required=False)

    def __init__(self, *args: Any, actor: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if actor is not None and actor.role == Role.INFO_EDITOR and actor.province_id:
            self.fields["provinces"].queryset = Province.objects.filter(pk=actor.province_id)
            del self.fields["is_nationwide"]
        if actor is not None and actor.role == Role.MARKETPLACE_OPERATOR:
            self.fields["kind"].choices = [
                (Bulletin.Kind.PLATFORM_GUIDE, Bulletin.Kind.PLATFORM_GUIDE.label)
            ]
        if editing:
            for name in ("kind", "valid_from", "image", "attachment", "publish"):
                del self.fields[name]

    def clean_communes(self) -> list[Commune]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["communes"]) if c]
        bad = [c for c in codes if not re.fullmatch(r"\d{5}", c)]
        if bad:
            raise forms.ValidationError(
                _("“%(code)s” không phải mã xã/phường (5 chữ số).") % {"code": bad[0]}
            )
        found = {c.code: c for c in Commune.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Không có xã/phường mã %(code)s.") % {"code": unknown[0]})
        return [found[c] for c in dict.fromkeys(codes)]

    def _clean_file(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload

    def clean_image(self) -> Any:
        return self._clean_file("image")

    def clean_attachment(self) -> Any:
        upload = self._clean_file("attachment")
        if upload and not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("Chỉ nhận tệp PDF."))
        return upload


class MarketPriceForm(forms.Form):
    produce = forms.ModelChoiceField(
        label=_("Sản phẩm"), queryset=ProduceKind.objects.order_by("name")
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("name")
    )
    day = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.IntegerField(label=_("Giá (đồng/kg)"), min_value=1, max_value=100_000_000)
    source = forms.CharField(label=_("Nguồn"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if actor is not None and actor.province_id:
            self.fields["province"].queryset = Province.objects.filter(pk=actor.province_id)
            self.fields["province"].initial = actor.province_id


class PriceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV"),
        help_text=_("Các cột: Ngày, Tỉnh, Sản phẩm, Giá (đồng/kg), Nguồn (không bắt buộc)."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload


class BoardFilterForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("name"), required=False
    )
    produce = forms.ModelChoiceField(
        label=_("Sản phẩm"), queryset=ProduceKind.objects.order_by("name"), required=False
    )
