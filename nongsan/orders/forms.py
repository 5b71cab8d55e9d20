"""Forms of the buying pages: shape only; the services check the rules."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune, Country, Province
from nongsan.orders.models import DeliveryOption, PaymentMethod


class QuantityField(forms.Field):
    """A quantity typed the Vietnamese way: "2,5" or "2.5"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 12}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip().replace(",", ".")[:20]
        if not text:
            return None
        try:
            quantity = Decimal(text)
        except InvalidOperation as error:
            raise forms.ValidationError(_("Số lượng phải là một số, ví dụ 2,5.")) from error
        if not quantity.is_finite() or quantity < 0 or quantity > Decimal(100_000):
            raise forms.ValidationError(_("Số lượng không hợp lệ."))
        return quantity.quantize(Decimal("0.001"))


class CartAddForm(forms.Form):
    quantity = QuantityField(label=_("Số lượng"))


class CartLineForm(forms.Form):
    quantity = QuantityField(label=_("Số lượng"), required=False)


class CheckoutForm(forms.Form):
    """The delivery address (in Vietnam, or abroad), how to deliver and how to pay."""

    recipient_name = forms.CharField(label=_("Người nhận"), max_length=150)
    recipient_phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    abroad = forms.BooleanField(label=_("Giao ra nước ngoài"), required=False)
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("name"), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=Commune.objects.none(), required=False
    )
    street = forms.CharField(label=_("Số nhà, đường, thôn/xóm"), max_length=250, required=False)
    country = forms.ModelChoiceField(
        label=_("Quốc gia"),
        queryset=Country.objects.exclude(code="VN").order_by("name"),
        required=False,
    )
    foreign_address = forms.CharField(
        label=_("Địa chỉ ở nước ngoài (đường, thành phố, mã bưu chính)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    delivery_option = forms.ChoiceField(
        label=_("Cách giao"),
        choices=DeliveryOption.choices,
        initial=DeliveryOption.STANDARD,
        widget=forms.RadioSelect,
    )
    payment_method = forms.ChoiceField(
        label=_("Cách thanh toán"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.COD,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Ghi chú cho người bán"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province_id = self.data.get("province") or self.initial.get("province")
        if province_id and str(province_id).isdigit():
            self.fields["commune"].queryset = Commune.objects.filter(  # type: ignore[attr-defined]
                province_id=province_id
            ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("abroad"):
            if not data.get("country"):
                self.add_error("country", _("Hãy chọn quốc gia nhận hàng."))
        else:
            if not data.get("province"):
                self.add_error("province", _("Hãy chọn tỉnh/thành phố nhận hàng."))
            elif not data.get("commune"):
                self.add_error("commune", _("Hãy chọn xã/phường nhận hàng."))
        return data


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class DisputeForm(forms.Form):
    note = forms.CharField(
        label=_("Bạn chưa nhận được gì?"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: chưa nhận được hàng, thiếu 2 kg")}),
    )


class HarvestForm(forms.Form):
    harvested = QuantityField(label=_("Sản lượng thu hoạch thực tế"))


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Số sao"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Nhận xét"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    photo = forms.ImageField(label=_("Ảnh (không bắt buộc)"), required=False)


class PaymentRetryForm(forms.Form):
    method = forms.ChoiceField(
        choices=[
            (PaymentMethod.VIETQR, PaymentMethod.VIETQR.label),
            (PaymentMethod.EWALLET, PaymentMethod.EWALLET.label),
        ]
    )
