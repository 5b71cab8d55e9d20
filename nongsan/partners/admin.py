from django.contrib import admin

from nongsan.partners.models import IngestBatch, PartnerAccount, WebhookDelivery, WebhookEndpoint


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    list_display = ("marketplace", "kind", "request_id", "key_prefix", "received_at", "total")
    list_filter = ("marketplace", "kind")
    search_fields = ("request_id", "key_prefix")


@admin.register(PartnerAccount)
class PartnerAccountAdmin(admin.ModelAdmin):
    list_display = ("marketplace", "external_id", "version", "status", "updated_at")
    list_filter = ("marketplace", "status")
    search_fields = ("external_id",)
    raw_id_fields = ("household", "batch")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("marketplace", "url", "is_active")
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event")
