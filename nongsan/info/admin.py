"""Admin: bulletins and reference prices, read for support; editors work on their own pages."""

from django.contrib import admin

from nongsan.info.models import Bulletin, MarketPrice


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "is_urgent", "status", "province", "published_at"]
    list_filter = ["kind", "status", "is_urgent"]
    search_fields = ["title"]
    raw_id_fields = ["author", "communes"]


@admin.register(MarketPrice)
class MarketPriceAdmin(admin.ModelAdmin):
    list_display = ["produce", "province", "day", "price", "source"]
    list_filter = ["province"]
    raw_id_fields = ["entered_by"]
