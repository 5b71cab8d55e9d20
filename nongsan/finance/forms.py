"""Forms of the back office: shape only; the services check the rules."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.orgs.models import Carrier
from nongsan.payments import reconciliation
from nongsan.payments.models import Credit

ACTIONS = [
    ("refund", _("Hoàn cho người chuyển")),
    ("allocate", _("Ghi vào đơn")),
    ("accept", _("Nhận tiền COD như đã nộp")),
    ("write_off", _("Xử lý khác (ghi rõ lý do)")),
]


class ExceptionsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *Credit.Status.choices],
    )
    problem = forms.ChoiceField(
        label=_("Vấn đề"),
        required=False,
        choices=[("", _("Tất cả")), *[c for c in Credit.Problem.choices if c[0]]],
    )
    q = forms.CharField(
        label=_("Mã đơn, mã vận đơn hoặc mã giao dịch"), required=False, max_length=60
    )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=_("Cách xử lý"), choices=ACTIONS, widget=forms.RadioSelect)
    order_reference = forms.CharField(
        label=_("Mã đơn (khi ghi vào đơn)"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "NS..."}),
    )
    note = forms.CharField(label=_("Lý do, ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, credit: Credit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if credit is not None:
            allowed = reconciliation.resolutions_for(credit)
            self.fields["action"].choices = [
                (value, label) for value, label in ACTIONS if value in allowed
            ]
            if "allocate" not in allowed:
                del self.fields["order_reference"]
            elif credit.order_reference:
                self.fields["order_reference"].initial = credit.order_reference
            if len(self.fields["action"].choices) == 1:
                self.fields["action"].initial = self.fields["action"].choices[0][0]


class CombineForm(forms.Form):
    credits = forms.ModelMultipleChoiceField(
        label=_("Các lần chuyển"),
        queryset=Credit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    order_reference = forms.CharField(label=_("Mã đơn"), max_length=16)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, credits: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if credits is not None:
            self.fields["credits"].queryset = credits


_LINE = re.compile(r"\s*([A-Za-z]{2}\d{9}[A-Za-z]{2})\s*[,;\t ]\s*([\d.\s]+)\s*")


class RemittanceForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Đơn vị vận chuyển"), queryset=Carrier.objects.filter(is_active=True)
    )
    reference = forms.CharField(label=_("Số bảng kê"), max_length=60)
    collected_until = forms.DateTimeField(
        label=_("Thu đến hết lúc"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Mọi vận đơn đã giao có thu hộ đến lúc này phải có trong bảng kê này "
            "hoặc bảng kê trước."
        ),
    )
    lines = forms.CharField(
        label=_("Các vận đơn: mỗi dòng một mã vận đơn và số tiền"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "EB123456785VN, 250000"}),
        max_length=200_000,
    )

    def clean_lines(self) -> list[tuple[str, int]]:
        parsed = []
        errors = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not raw.strip():
                continue
            match = _LINE.fullmatch(raw)
            if match is None:
                errors.append(
                    _("Dòng %(n)s: cần mã vận đơn S10 và số tiền, ví dụ EB123456785VN, 250000.")
                    % {"n": number}
                )
                continue
            amount = int(re.sub(r"[.\s]", "", match.group(2)))
            if amount > 10_000_000_000:
                errors.append(_("Dòng %(n)s: số tiền quá lớn.") % {"n": number})
                continue
            parsed.append((match.group(1).upper(), amount))
        if errors:
            raise forms.ValidationError(errors)
        if not parsed:
            raise forms.ValidationError(_("Bảng kê cần ít nhất một vận đơn."))
        if len(parsed) > 5000:
            raise forms.ValidationError(_("Mỗi bảng kê tối đa 5.000 vận đơn."))
        return parsed


class BooksForm(forms.Form):
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Mỗi lần xem tối đa một năm."))
        return data
