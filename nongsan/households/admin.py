from django.contrib import admin

from nongsan.households.models import (
    Certification,
    Cooperative,
    Household,
    ImportJob,
    Milestone,
    ProduceKind,
)


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    readonly_fields = ["kind", "marketplace", "achieved_at", "commune", "recorded_at", "source"]
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "commune", "village", "created_at"]
    search_fields = ["head_name_key", "head_phone", "head_cccd"]
    list_select_related = ["commune__province"]
    raw_id_fields = ["commune", "user", "registered_by", "consent_recorded_by", "cooperative"]
    readonly_fields = ["head_cccd", "head_name_key", "created_at", "updated_at"]
    inlines = [CertificationInline, MilestoneInline]


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_code", "commune"]
    search_fields = ["name", "tax_code"]
    raw_id_fields = ["commune", "manager"]


@admin.register(ProduceKind)
class ProduceKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group"]
    list_filter = ["group"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["source_name", "created_by", "created_at", "status"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
