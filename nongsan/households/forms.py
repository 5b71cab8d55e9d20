"""Forms for the household pages: they check shape; the services check the rules."""

from django import forms
from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from nongsan.geo.models import Commune
from nongsan.households.models import Certification, Cooperative, Household, ProduceKind


class HouseholdForm(forms.Form):
    """One short screen: what an agent with the CCCD card in hand fills in under two minutes."""

    head_name = forms.CharField(label=_("Họ tên chủ hộ"), max_length=150)
    head_cccd = forms.CharField(
        label=_("Số CCCD (12 số)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    head_birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    head_gender = forms.ChoiceField(
        label=_("Giới tính"), choices=Household.Gender.choices, widget=forms.RadioSelect
    )
    head_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    commune = forms.ModelChoiceField(label=_("Xã/phường"), queryset=Commune.objects.none())
    village = forms.CharField(label=_("Thôn/ấp/bản"), max_length=100, required=False)
    members_count = forms.IntegerField(
        label=_("Số nhân khẩu"), min_value=1, max_value=50, initial=1
    )
    produce = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm chính"),
        queryset=ProduceKind.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    farming_area = forms.DecimalField(
        label=_("Diện tích canh tác"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    farming_area_unit = forms.ChoiceField(
        label=_("Đơn vị"), choices=Household.AreaUnit.choices, initial=Household.AreaUnit.SAO_NORTH
    )
    cooperative = forms.ModelChoiceField(
        label=_("Hợp tác xã (nếu là thành viên)"),
        queryset=Cooperative.objects.none(),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("Chủ hộ đồng ý cho xử lý dữ liệu cá nhân để hỗ trợ lên sàn (Nghị định 13/2023)"),
        required=False,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là hộ khác, vẫn đăng ký"), required=False
    )

    def __init__(self, *args, communes: QuerySet[Commune], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["cooperative"].queryset = Cooperative.objects.filter(
            commune__in=communes
        ).order_by("name")
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()
        # Crops first, as most households grow something; then livestock, aquaculture, forestry.
        group_order = Case(
            *(When(group=g, then=Value(i)) for i, g in enumerate(ProduceKind.Group.values))
        )
        self.fields["produce"].queryset = ProduceKind.objects.order_by(group_order, "name")
        self.offer_duplicate_confirmation(False)

    def offer_duplicate_confirmation(self, offer: bool) -> None:
        """The "register anyway" box appears only next to a duplicate warning."""
        if "confirm_duplicate" in self.fields:
            self.fields["confirm_duplicate"].widget = (
                forms.CheckboxInput() if offer else forms.HiddenInput()
            )


class HouseholdEditForm(HouseholdForm):
    """The same fields without the identity (CCCD) and the consent, which are set once."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in ("head_cccd", "consent", "confirm_duplicate"):
            del self.fields[name]


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại chứng nhận"), choices=Certification.Kind.choices)
    number = forms.CharField(label=_("Số chứng nhận"), max_length=60)
    issuer = forms.CharField(label=_("Đơn vị cấp"), max_length=200)
    valid_until = forms.DateField(
        label=_("Hiệu lực đến"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ocop_stars = forms.TypedChoiceField(
        label=_("Số sao OCOP (chỉ với OCOP)"),
        choices=[("", "—"), (3, "3"), (4, "4"), (5, "5")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    document = forms.FileField(label=_("Bản scan (ảnh hoặc PDF)"), required=False)

    def clean_document(self):  # type: ignore[no-untyped-def]
        document = self.cleaned_data.get("document")
        if document and document.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 5 MB."))
        if document and not document.name.lower().endswith((".jpg", ".jpeg", ".png", ".pdf")):
            raise forms.ValidationError(_("Chỉ nhận ảnh JPG, PNG hoặc tệp PDF."))
        return document


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên (không cần dấu) hoặc số điện thoại"), required=False, max_length=100
    )
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=Commune.objects.none(), required=False
    )

    def __init__(self, *args, communes: QuerySet[Commune], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class CooperativeForm(forms.Form):
    name = forms.CharField(label=_("Tên hợp tác xã"), max_length=200)
    commune = forms.ModelChoiceField(label=_("Xã/phường"), queryset=Commune.objects.none())
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=20, required=False)
    representative_name = forms.CharField(label=_("Người đại diện"), max_length=150, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)

    def __init__(self, *args, communes: QuerySet[Commune], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
