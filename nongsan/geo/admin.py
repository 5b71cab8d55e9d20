"""Admin for administrative units and countries: reference data, searched far more than edited."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nongsan.core.text import fold_key
from nongsan.geo.models import Commune, Country, LegacyWard, LegacyWardSuccessor, Province


class _FoldedSearchAdmin(admin.ModelAdmin):
    """Search that also matches the folded key, so "ba dinh" finds "Ba Đình"."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = fold_key(search_term)
        if key:
            results = results | queryset.filter(key__contains=key)
        return results, may_have_duplicates


@admin.register(Province)
class ProvinceAdmin(_FoldedSearchAdmin):
    list_display = ["code", "name", "region", "economic_region"]
    list_filter = ["region", "economic_region", "kind"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(Commune)
class CommuneAdmin(_FoldedSearchAdmin):
    list_display = ["code", "name", "province", "kind", "area_km2"]
    list_filter = ["province", "kind"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    raw_id_fields = ["province"]


@admin.register(Country)
class CountryAdmin(_FoldedSearchAdmin):
    list_display = ["code", "name", "name_en", "continent"]
    list_filter = ["continent"]
    search_fields = ["code", "name", "name_en"]


class LegacyWardSuccessorInline(admin.TabularInline):
    model = LegacyWardSuccessor
    fields = ("commune", "is_default")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LegacyWard)
class LegacyWardAdmin(_FoldedSearchAdmin):
    """Legacy units come only from the loader: viewable for checking a succession, not editable."""

    list_display = ["code", "name", "district", "kind"]
    list_select_related = ["district__province"]
    list_filter = ["district__province"]
    search_fields = ["code", "name", "district__name"]
    fields = ("code", "district", "name", "short_name", "kind", "key", "latitude", "longitude")
    inlines = [LegacyWardSuccessorInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
