"""Forms of the monitoring pages: the report picker, target entry, the baseline import."""

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from nongsan.core.timeutils import to_local
from nongsan.geo.models import Province
from nongsan.monitoring.indicators import INDICATORS, PERCENTAGE_CODES
from nongsan.monitoring.periods import Period, PeriodKind, period_containing, period_previous
from nongsan.monitoring.selectors import Unit
from nongsan.orgs.models import Marketplace

RECENT = {PeriodKind.WEEKLY: 26, PeriodKind.MONTHLY: 12}
ALL_MARKETPLACES = ""


def recent_periods(*, kind: PeriodKind, moment: dt.datetime) -> list[Period]:
    """The period under way (figures so far), then the last ended ones, newest first."""
    period = period_containing(kind=kind, day=to_local(moment).date())
    found = [period]
    for _index in range(RECENT[kind]):
        period = period_previous(period)
        found.append(period)
    return found


class ReportFilterForm(forms.Form):
    don_vi = forms.ChoiceField(label=_("Đơn vị"))
    ky = forms.ChoiceField(label=_("Kỳ báo cáo"))
    san = forms.ChoiceField(label=_("Sàn TMĐT"), required=False)

    def __init__(
        self,
        *args: object,
        units: Sequence[Unit],
        marketplaces: Sequence[Marketplace],
        moment: dt.datetime,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        unit_field, period_field, marketplace_field = (
            self.fields["don_vi"],
            self.fields["ky"],
            self.fields["san"],
        )
        assert isinstance(unit_field, forms.ChoiceField)
        assert isinstance(period_field, forms.ChoiceField)
        assert isinstance(marketplace_field, forms.ChoiceField)
        unit_field.choices = [(unit.key, unit.name) for unit in units]
        period_field.choices = period_choices(moment=moment)
        marketplace_field.choices = [(ALL_MARKETPLACES, _("Tất cả các sàn"))] + [
            (m.code, m.name) for m in marketplaces
        ]


class TargetForm(forms.Form):
    """The Ministry's entry of a province's farm households and the Appendix 01 percentages."""

    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"), queryset=Province.objects.order_by("key", "code")
    )
    baseline_households = forms.IntegerField(label=_("Số hộ SXNN trên địa bàn"), min_value=0)
    pct_i1 = forms.IntegerField(label=_("Chỉ tiêu I.1 (%)"), min_value=0, max_value=100, initial=70)
    pct_i2 = forms.IntegerField(label=_("Chỉ tiêu I.2 (%)"), min_value=0, max_value=100, initial=60)
    pct_i3 = forms.IntegerField(label=_("Chỉ tiêu I.3 (%)"), min_value=0, max_value=100, initial=50)
    pct_i4 = forms.IntegerField(label=_("Chỉ tiêu I.4 (%)"), min_value=0, max_value=100, initial=50)

    def percentages(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            "I.1": data["pct_i1"],
            "I.2": data["pct_i2"],
            "I.3": data["pct_i3"],
            "I.4": data["pct_i4"],
        }


class IndicatorTargetForm(forms.Form):
    """An absolute target for one of the indicators not set as a share of households."""

    indicator = forms.ChoiceField(
        label=_("Chỉ tiêu"),
        choices=[
            (i.code, f"{i.code} – {i.label}") for i in INDICATORS if i.code not in PERCENTAGE_CODES
        ],
    )
    value = forms.IntegerField(
        label=_("Mục tiêu (số tuyệt đối)"),
        min_value=1,
        required=False,
        help_text=_("Để trống để xoá mục tiêu đã đặt."),
    )


class BaselineImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel số hộ SXNN"),
        help_text=_(
            "Dòng đầu có cột “Tỉnh/thành phố” và cột “Số hộ SXNN”; nhập lại không tạo trùng."
        ),
    )


class FilingPickForm(forms.Form):
    """Which province's report (for the Ministry) and which period."""

    tinh = forms.ChoiceField(label=_("Tỉnh/thành phố"))
    ky = forms.ChoiceField(label=_("Kỳ báo cáo"))

    def __init__(
        self,
        *args: object,
        provinces: Sequence[Province],
        moment: dt.datetime,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        province_field, period_field = self.fields["tinh"], self.fields["ky"]
        assert isinstance(province_field, forms.ChoiceField)
        assert isinstance(period_field, forms.ChoiceField)
        province_field.choices = [(p.code, p.name) for p in provinces]
        period_field.choices = period_choices(moment=moment)
        if len(provinces) <= 1:  # an official's own province, or the board (every province)
            del self.fields["tinh"]


def period_choices(*, moment: dt.datetime) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            str(label),
            [(p.id, p.label) for p in recent_periods(kind=kind, moment=moment)],
        )
        for kind, label in ((PeriodKind.WEEKLY, _("Tuần")), (PeriodKind.MONTHLY, _("Tháng")))
    ]


class ManualFigureForm(forms.Form):
    """A figure typed into a draft report, with its source."""

    indicator = forms.ChoiceField(
        label=_("Chỉ tiêu"), choices=[(i.code, f"{i.code} – {i.label}") for i in INDICATORS]
    )
    marketplace = forms.ModelChoiceField(
        label=_("Sàn TMĐT"),
        queryset=Marketplace.objects.order_by("name"),
        required=False,
        empty_label=_("— không gắn với sàn (chỉ tiêu nền tảng chưa tính) —"),
    )
    value = forms.DecimalField(
        label=_("Đạt được trong kỳ"), min_value=0, max_digits=16, decimal_places=3
    )
    cumulative = forms.DecimalField(
        label=_("Lũy kế đến hết kỳ"), min_value=0, max_digits=16, decimal_places=3
    )
    source = forms.CharField(
        label=_("Nguồn số liệu"),
        max_length=300,
        help_text=_("Ví dụ: Công văn số 12/VOSO ngày 25/11/2026 của sàn Vỏ Sò."),
    )


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Nhận xét, giải trình"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
