"""Forms check shape; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.accounts.models import Role


class PasswordLoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Số điện thoại hoặc email"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class OtpVerifyForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    password = forms.CharField(
        label=_("Mật khẩu (ít nhất 8 ký tự)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role = forms.ChoiceField(
        label=_("Tôi là"),
        choices=[(Role.BUYER, _("Người mua")), (Role.HOUSEHOLD, _("Hộ sản xuất nông nghiệp"))],
        widget=forms.RadioSelect,
        initial=Role.BUYER,
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa (để bạn nhận ra)"), max_length=100)
