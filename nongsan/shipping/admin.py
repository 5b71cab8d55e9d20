"""Admin: carriers' rate cards and the marketplaces' compensation promises are kept here."""

from django.contrib import admin

from nongsan.shipping.models import CompensationPolicy, DistancingOrder, RateCard


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = [
        "carrier", "zone", "base_kg", "base_fee", "step_kg", "step_fee",
        "perishable_surcharge", "transit_hours",
    ]  # fmt: skip
    list_filter = ["carrier", "zone"]


@admin.register(CompensationPolicy)
class CompensationPolicyAdmin(admin.ModelAdmin):
    list_display = ["marketplace", "carrier", "multiple", "claim_days"]


@admin.register(DistancingOrder)
class DistancingOrderAdmin(admin.ModelAdmin):
    list_display = ["province", "starts_on", "ends_on", "decision"]
    filter_horizontal = ["communes"]
    raw_id_fields = ["created_by"]
