"""Admin for the catalog: editors keep the category tree and the synonym list; staff look up
shops and products. Status and listing change only through the services (moderation pages)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nongsan.catalog import services
from nongsan.catalog.models import (
    Category,
    Product,
    ProductPhoto,
    ProductStatusChange,
    Shop,
    Synonym,
)
from nongsan.core.errors import ApplicationError


class CheckedForm(forms.ModelForm):
    """Runs the service's checks on the edited row, so a broken rule shows on its field."""

    check: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            candidate = self.instance
            for name, value in data.items():
                setattr(candidate, name, value)
            try:
                type(self).check(candidate)
            except ApplicationError as exc:
                field = exc.field if exc.field in self.fields else None
                self.add_error(field, exc.message)
        return data


class CategoryForm(CheckedForm):
    check = staticmethod(lambda category: services.category_check(category=category))

    class Meta:
        model = Category
        fields = [
            "parent",
            "kind",
            "slug",
            "name",
            "keywords",
            "position",
            "shelf_life_hours",
            "requires_registration",
            "is_active",
        ]


class SynonymForm(CheckedForm):
    check = staticmethod(lambda synonym: services.synonym_check(synonym=synonym))

    class Meta:
        model = Synonym
        fields = ["words", "is_classifier", "note"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["name", "parent", "kind", "slug", "shelf_life_hours", "is_active"]
    list_filter = ["kind", "is_active", "requires_registration"]
    search_fields = ["name", "slug", "keywords"]
    ordering = ["kind", "parent__position", "position"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        services.category_save(category=obj)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["words", "is_classifier", "note"]
    search_fields = ["words"]

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        services.synonym_save(synonym=obj)

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        services.synonym_delete(synonym=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Synonym]) -> None:
        for synonym in queryset:
            services.synonym_delete(synonym=synonym)


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "marketplace", "owner_kind", "commune", "is_active", "created_at"]
    list_filter = ["marketplace", "owner_kind", "is_active"]
    search_fields = ["name", "slug", "household__head_name", "cooperative__name"]
    raw_id_fields = ["household", "cooperative", "supplier", "commune", "opened_by"]
    readonly_fields = ["is_active", "closed_reason", "rating_count", "rating_sum", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # shops are opened through the seller pages (milestones are recorded there)


class PhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    fields = ["thumbnail", "original", "position"]
    readonly_fields = ["thumbnail", "original"]


class StatusChangeInline(admin.TabularInline):
    model = ProductStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "marketplace", "category", "price", "status", "is_listed"]
    list_filter = ["status", "is_listed", "marketplace", "category__kind"]
    search_fields = ["name", "shop__name"]
    raw_id_fields = ["shop", "household", "origin_commune", "created_by"]
    readonly_fields = [
        "marketplace",
        "status",
        "status_reason",
        "is_listed",
        "published_at",
        "origin_province",
        "season_start",
        "season_end",
        "order_count",
        "rating_count",
        "rating_sum",
    ]
    filter_horizontal = ["certifications"]
    inlines = [PhotoInline, StatusChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # products are added through the seller pages and the API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Every field feeds the search index and rules kept by the services: read here, edit
        # there.
        return False
