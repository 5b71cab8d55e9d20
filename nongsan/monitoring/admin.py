"""Read-only admin views: targets change through their services, facts only through folding."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nongsan.monitoring.models import DailyFact, FoldState, IndicatorTarget, RunningTotal, Target


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = [
        "province",
        "year",
        "baseline_households",
        "pct_trained_digital",
        "pct_trained_packaging",
        "pct_shop_opened",
        "pct_payment_account",
    ]
    list_filter = ["year"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ReadOnlyAdmin):
    list_display = ["province", "year", "indicator", "value"]
    list_filter = ["year", "indicator"]


@admin.register(DailyFact)
class DailyFactAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "commune", "marketplace", "day", "value"]
    list_filter = ["indicator", "marketplace"]
    date_hierarchy = "day"


@admin.register(RunningTotal)
class RunningTotalAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "province", "marketplace", "day", "value"]
    list_filter = ["indicator", "marketplace", "province"]
    date_hierarchy = "day"


@admin.register(FoldState)
class FoldStateAdmin(ReadOnlyAdmin):
    list_display = ["source", "watermark", "folded_at"]
