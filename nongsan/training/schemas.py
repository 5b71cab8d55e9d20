"""Shapes of the training API: sessions, courses and attendance as partners see them."""

import datetime as dt

from ninja import Field, Schema

from nongsan.training.models import Attendance, Course, TrainingSession


class CourseOut(Schema):
    id: int
    title: str
    topic: str = Field(
        description="digital_skills | packaging_delivery | marketplace_selling | other"
    )
    topic_label: str
    description: str

    @staticmethod
    def resolve_topic_label(obj: Course) -> str:
        return str(obj.get_topic_display())


class SessionOut(Schema):
    id: int
    course_id: int
    course_title: str
    topic: str
    starts_at: dt.datetime
    commune_code: str
    commune: str
    province: str
    venue: str
    trainer_name: str
    marketplace: str | None = Field(None, description="Partner marketplace code, if any")
    capacity: int
    attendee_count: int

    @staticmethod
    def resolve_course_title(obj: TrainingSession) -> str:
        return obj.course.title

    @staticmethod
    def resolve_topic(obj: TrainingSession) -> str:
        return obj.course.topic

    @staticmethod
    def resolve_commune_code(obj: TrainingSession) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_commune(obj: TrainingSession) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_province(obj: TrainingSession) -> str:
        return obj.commune.province.name

    @staticmethod
    def resolve_marketplace(obj: TrainingSession) -> str | None:
        return obj.marketplace.code if obj.marketplace else None

    @staticmethod
    def resolve_attendee_count(obj: TrainingSession) -> int:
        count = getattr(obj, "attendee_count", None)
        return obj.attendances.count() if count is None else int(count)


class SessionIn(Schema):
    course_id: int
    starts_at: dt.datetime = Field(
        description="ISO 8601 with its offset, e.g. 2026-03-12T08:00+07:00"
    )
    commune_code: str = Field(description="Current commune code (5 digits)")
    venue: str
    trainer_name: str
    capacity: int = Field(description="Seats, 1 to 1000")
    marketplace_code: str | None = Field(None, description="Partner marketplace code")


class AttendanceOut(Schema):
    id: int
    household_id: int
    head_name: str
    commune: str
    certificate_number: str
    marked_at: dt.datetime
    source: str

    @staticmethod
    def resolve_head_name(obj: Attendance) -> str:
        return obj.household.head_name

    @staticmethod
    def resolve_commune(obj: Attendance) -> str:
        return obj.household.commune.name


class AttendanceIn(Schema):
    household_id: int
