"""Admin: the partner lenders (which one receives applications is a setting); applications are
read-only here because their steps come from the lender."""

from django.contrib import admin

from nongsan.lending.models import Lender, LoanApplication


@admin.register(Lender)
class LenderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "min_amount", "max_amount", "is_active"]


@admin.register(LoanApplication)
class LoanApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "household", "lender", "amount", "status", "channel", "created_at"]
    list_filter = ["status", "channel", "lender"]
    search_fields = ["number", "household__head_name"]
    readonly_fields = [field.name for field in LoanApplication._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
