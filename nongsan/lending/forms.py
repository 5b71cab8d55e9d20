"""Forms of the loan pages: shape only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.catalog.forms import VndField


class LoanForm(forms.Form):
    amount = VndField(label=_("Số tiền xin vay (đồng)"), help_text=_("Ví dụ: 20.000.000"))
    term_months = forms.IntegerField(
        label=_("Thời hạn (tháng)"), min_value=1, max_value=60, initial=12
    )
    purpose = forms.CharField(
        label=_("Mục đích vay"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_(
            "Chủ hộ đồng ý chia sẻ với bên cho vay: doanh số bán hàng, đánh giá của người mua và"
            " các buổi tập huấn đã dự trên nền tảng"
        ),
        required=False,
    )


class ClerkLoanForm(LoanForm):
    cccd = forms.CharField(
        label=_("Số CCCD chủ hộ"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    field_order = ["cccd", "amount", "term_months", "purpose", "consent"]
