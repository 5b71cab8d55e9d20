"""Admin for training: courses are edited here; attendance only through the app's services."""

from django.contrib import admin
from django.http import HttpRequest

from nongsan.training.models import Attendance, Course, TrainingSession


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "created_by", "created_at"]
    list_filter = ["topic"]
    search_fields = ["title"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "commune", "venue", "marketplace", "capacity"]
    list_filter = ["course__topic", "marketplace", "commune__province"]
    search_fields = ["course__title", "venue", "trainer_name", "commune__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["course", "commune", "marketplace"]
    raw_id_fields = ["commune", "organised_by"]
    readonly_fields = ["organised_by", "created_at"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    """Read-only: marking goes through `attendance_mark`, which also records the milestones."""

    list_display = [
        "certificate_number",
        "household",
        "session",
        "marked_by",
        "marked_at",
        "source",
    ]
    list_filter = ["source", "session__course__topic"]
    search_fields = ["certificate_number", "household__head_name", "household__head_cccd"]
    list_select_related = ["household__commune", "session__course", "session__commune", "marked_by"]
    raw_id_fields = ["household", "session", "marked_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attendance | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Attendance | None = None) -> bool:
        return False
