"""Forms of the difficulties channel: shape only; the services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Marketplace
from nongsan.support.models import Difficulty


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their kind, size and number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


ATTACHMENTS_HELP = _("Ảnh, PDF, Excel, Word hoặc CSV; tối đa 5 tệp, mỗi tệp 5 MB.")


class RaiseForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chủ đề"), choices=Difficulty.Topic.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    description = forms.CharField(
        label=_("Nội dung khó khăn, vướng mắc"), widget=forms.Textarea(attrs={"rows": 6})
    )
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=Commune.objects.none(), required=False
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố liên quan"),
        queryset=Province.objects.order_by("name"),
        required=False,
        help_text=_("Để trống nếu khó khăn chung cả nước."),
    )
    attachments = MultipleFileField(label=_("Tệp đính kèm"), help_text=ATTACHMENTS_HELP)

    def __init__(self, *args: Any, communes: Any, show_province: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        if not show_province:
            del self.fields["province"]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Tệp đính kèm"), help_text=ATTACHMENTS_HELP)


class AssignForm(forms.Form):
    assigned_unit = forms.CharField(label=_("Đơn vị xử lý"), max_length=200, required=False)
    assigned_marketplace = forms.ModelChoiceField(
        label=_("Hoặc giao sàn TMĐT trả lời"),
        queryset=Marketplace.objects.filter(is_active=True),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Hạn trả lời"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 3}))


class FaqForm(forms.Form):
    faq_question = forms.CharField(
        label=_("Câu hỏi (công khai)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    faq_answer = forms.CharField(
        label=_("Trả lời (công khai)"), widget=forms.Textarea(attrs={"rows": 5})
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), *list(Difficulty.Status.choices)],
        required=False,
    )
    topic = forms.ChoiceField(
        label=_("Chủ đề"),
        choices=[("", _("Tất cả")), *list(Difficulty.Topic.choices)],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Chỉ quá hạn"), required=False)
