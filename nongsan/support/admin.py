from django.contrib import admin

from nongsan.support.models import Difficulty, NewsItem


@admin.register(Difficulty)
class DifficultyAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "topic", "status", "raised_as", "province", "due_on")
    list_filter = ("status", "topic", "raised_as")
    search_fields = ("number", "title")
    readonly_fields = ("number", "raised_by", "status", "created_at", "answered_at", "closed_at")


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at")
    prepopulated_fields = {"slug": ("title",)}
