"""Forms of the money pages: shape only; the services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.orgs.models import PostOffice
from nongsan.payments.models import PaymentAccount
from nongsan.payments.services import EWALLETS
from nongsan.payments.vietqr import BANKS


class PaymentAccountForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Nhận tiền qua"), choices=PaymentAccount.Kind.choices, widget=forms.RadioSelect
    )
    provider = forms.ChoiceField(
        label=_("Ngân hàng hoặc ví"),
        required=False,
        choices=[("", "—")]
        + [(code, f"{code} — {bank.name}") for code, bank in BANKS.items()]
        + list(EWALLETS.items()),
    )
    number = forms.CharField(
        label=_("Số tài khoản hoặc số ví"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder_name = forms.CharField(
        label=_("Tên chủ tài khoản (là chủ hộ)"), max_length=150, required=False
    )
    post_office = forms.ModelChoiceField(
        label=_("Bưu điện nhận tiền mặt"),
        queryset=PostOffice.objects.none(),
        required=False,
        help_text=_("Để trống: bưu điện văn hóa xã nơi hộ ở."),
    )

    def __init__(self, *args: Any, post_offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if post_offices is not None:
            self.fields["post_office"].queryset = post_offices


class PayoutRunForm(forms.Form):
    minimum = forms.IntegerField(
        label=_("Chỉ chi khi số dư từ (đồng)"), min_value=0, max_value=100_000_000, initial=10_000
    )


class CashHandoverForm(forms.Form):
    cccd = forms.CharField(
        label=_("Số CCCD người nhận xuất trình"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Phải đúng số CCCD của chủ hộ trong hồ sơ."),
    )
    checked = forms.BooleanField(
        label=_("Tôi đã đối chiếu ảnh và thông tin trên thẻ CCCD với người nhận")
    )
