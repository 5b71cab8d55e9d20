from django.contrib import admin

from nongsan.orgs.models import Carrier, Marketplace, PostOffice


@admin.register(Marketplace)
class MarketplaceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "operator_name", "is_hosted", "is_active"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]


@admin.register(PostOffice)
class PostOfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "commune", "carrier", "is_active"]
    list_select_related = ["commune__province", "carrier"]
    search_fields = ["code", "name", "address"]
    raw_id_fields = ["commune"]
