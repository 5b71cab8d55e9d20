from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from nongsan.accounts.models import ApiKey, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "phone", "email", "role", "province", "marketplace", "carrier"]
    list_filter = ["role", "is_active", "is_staff", "marketplace", "carrier", "province"]
    search_fields = ["full_name", "phone", "email"]
    autocomplete_fields = ["communes"]
    fieldsets = (
        (None, {"fields": ("phone", "email", "full_name", "password")}),
        (
            _("Vai trò và phạm vi"),
            {"fields": ("role", "province", "communes", "marketplace", "carrier")},
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"fields": ("phone", "full_name", "password1", "password2", "role")}),)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["name", "user__full_name", "prefix"]
