"""Public reference data: provinces, communes, countries (for address forms and partners)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from nongsan.geo import selectors
from nongsan.geo.models import Country, Province

router = Router(tags=["geo"])


class ProvinceOut(Schema):
    code: str
    name: str
    short_name: str
    region: str
    economic_region: str
    latitude: float
    longitude: float


class CommuneOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    latitude: float
    longitude: float


class CountryOut(Schema):
    code: str
    name: str
    name_en: str
    continent: str


@router.get("/provinces", response=list[ProvinceOut], summary="The 34 current provinces")
def province_list(request: HttpRequest) -> list[Province]:
    return list(selectors.province_list())


@router.get(
    "/provinces/{code}/communes",
    response=list[CommuneOut],
    summary="Communes, wards and special zones of a province",
)
def commune_list(request: HttpRequest, code: str) -> list:
    province = get_object_or_404(Province, code=code)
    return list(selectors.commune_list(province=province))


@router.get("/countries", response=list[CountryOut], summary="ISO 3166 countries with continent")
def country_list(request: HttpRequest) -> list[Country]:
    return list(Country.objects.all())
