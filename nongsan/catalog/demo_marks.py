"""Demo brand marks: the operators mark certified or OCOP-rated products on their marketplace;
Lạng Sơn's Department marks a few of its households; one mark revoked, for the history."""

import random

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.catalog import services
from nongsan.catalog.models import BrandMark, Product
from nongsan.core.errors import ApplicationError
from nongsan.households.models import Household

Criterion = BrandMark.Criterion


def _try(**kwargs: object) -> BrandMark | None:
    try:
        return services.brand_mark_grant(**kwargs)  # type: ignore[arg-type]
    except ApplicationError:
        return None  # the criterion does not hold for this one: no mark


def brand_marks_demo_seed(*, rng: random.Random) -> dict[str, int]:
    if BrandMark.objects.exists():
        return {}
    today = timezone.localdate()
    made = 0
    operators = User.objects.filter(role=Role.MARKETPLACE_OPERATOR, is_active=True).order_by("pk")
    for operator in operators:
        products = (
            Product.objects.filter(marketplace_id=operator.marketplace_id, is_listed=True)
            .filter(ocop_stars__isnull=False)
            .order_by("pk")[:12]
        )
        for product in products:
            made += bool(
                _try(
                    actor=operator,
                    product=product,
                    criteria=[Criterion.QUALITY],
                    reason=f"Sản phẩm OCOP {product.ocop_stars} sao, đóng gói đạt chuẩn sàn",
                    valid_from=today.replace(month=1, day=1),
                    valid_until=today.replace(month=12, day=31),
                )
            )
        for product in (
            Product.objects.filter(
                marketplace_id=operator.marketplace_id,
                is_listed=True,
                certifications__kind="vietgap",
            )
            .distinct()
            .order_by("pk")[:12]
        ):
            made += bool(
                _try(
                    actor=operator,
                    product=product,
                    criteria=[Criterion.CERTIFICATION],
                    reason="Có chứng nhận VietGAP còn hiệu lực",
                    valid_from=today,
                )
            )
    official = User.objects.filter(role=Role.PROVINCE_OFFICIAL, is_active=True).first()
    revoked = 0
    if official is not None:
        households = (
            Household.objects.filter(
                commune__province_id=official.province_id, certifications__isnull=False
            )
            .distinct()
            .order_by("pk")[:10]
        )
        marks = []
        for household in households:
            mark = _try(
                actor=official,
                household=household,
                criteria=[Criterion.CERTIFICATION],
                reason="Hộ sản xuất đạt VietGAP, tham gia chương trình thương hiệu nông sản tỉnh",
                valid_from=today,
            )
            if mark is not None:
                marks.append(mark)
        made += len(marks)
        if marks:
            services.brand_mark_revoke(
                actor=official, mark=rng.choice(marks), reason="Chứng nhận VietGAP bị đình chỉ"
            )
            revoked = 1
    return {"brand_marks": made, "brand_marks_revoked": revoked}
