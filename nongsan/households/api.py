"""Households under /api/households/, filtered by the caller's scope."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from nongsan.accounts.api_auth import api_auth
from nongsan.core.api import BoundedPagination
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune
from nongsan.households import selectors, services
from nongsan.households.models import Household, ProduceKind
from nongsan.households.schemas import HouseholdDetailOut, HouseholdIn, HouseholdOut

router = Router(tags=["households"], auth=api_auth)


@router.get("/", response=list[HouseholdOut], summary="Households in the caller's scope")
@paginate(BoundedPagination)
def household_list(
    request: HttpRequest, q: str = "", commune_code: str = ""
) -> QuerySet[Household]:
    commune = get_object_or_404(Commune, code=commune_code) if commune_code else None
    return selectors.household_list(actor=request.user, query=q, commune=commune).prefetch_related(
        "produce"
    )


@router.get("/{household_id}", response=HouseholdDetailOut, summary="One household with progress")
def household_detail(request: HttpRequest, household_id: int) -> Household:
    return selectors.household_get_for(actor=request.user, household_id=household_id)


@router.post("/", response={201: HouseholdDetailOut}, summary="Register a household")
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status:
    commune = Commune.objects.filter(code=payload.commune_code).first()
    if commune is None:
        raise ApplicationError("Mã xã/phường không tồn tại.", field="commune_code")
    produce = list(ProduceKind.objects.filter(code__in=payload.produce))
    unknown = set(payload.produce) - {p.code for p in produce}
    if unknown:
        raise ApplicationError(
            f"Mã sản phẩm không tồn tại: {', '.join(sorted(unknown))}.", field="produce"
        )
    household = services.household_register(
        actor=request.user,
        commune=commune,
        produce=produce,
        source="api",
        **payload.dict(exclude={"commune_code", "produce"}),
    )
    return Status(201, household)
