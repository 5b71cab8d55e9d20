"""Reading one partner record (a JSON object) field by field, collecting every problem with the
field it concerns, in Vietnamese, so a batch can answer each rejected record with its reasons."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _


class RecordReader:
    def __init__(self, record: Any) -> None:
        self.record: Mapping[str, Any] = record if isinstance(record, Mapping) else {}
        self.problems: list[tuple[str, str]] = []
        if not isinstance(record, Mapping):
            self.problems.append(("", _("Bản ghi phải là một đối tượng JSON.")))

    def fail(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    @property
    def ok(self) -> bool:
        return not self.problems

    def reason(self) -> str:
        return "; ".join(message.rstrip(". ") for _field, message in self.problems) + "."

    def first_field(self) -> str:
        return self.problems[0][0] if self.problems else ""

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.record.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("Thiếu trường %(f)s.") % {"f": name})
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(name, _("Trường %(f)s phải là chuỗi ký tự.") % {"f": name})
            return ""
        text = " ".join(str(value).split())
        if len(text) > max_length:
            self.fail(name, _("Trường %(f)s dài quá %(n)s ký tự.") % {"f": name, "n": max_length})
            return ""
        return text

    def integer(self, name: str, *, minimum: int = 0, maximum: int = 2**62) -> int | None:
        value = self.record.get(name)
        if value is None:
            self.fail(name, _("Thiếu trường %(f)s.") % {"f": name})
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, _("Trường %(f)s phải là số nguyên.") % {"f": name})
            return None
        if not minimum <= value <= maximum:
            self.fail(
                name,
                _("Trường %(f)s phải từ %(lo)s đến %(hi)s.")
                % {"f": name, "lo": minimum, "hi": maximum},
            )
            return None
        return value

    def date(self, name: str) -> dt.date | None:
        value = self.record.get(name)
        if value in (None, ""):
            return None
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.fail(name, _("Trường %(f)s phải là ngày dạng YYYY-MM-DD.") % {"f": name})
        return parsed

    def moment(self, name: str, *, required: bool = False) -> dt.datetime | None:
        value = self.record.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("Thiếu trường %(f)s.") % {"f": name})
            return None
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(name, _("Trường %(f)s phải là thời điểm ISO 8601 có múi giờ.") % {"f": name})
            return None
        if timezone.is_naive(parsed):
            self.fail(name, _("Trường %(f)s thiếu múi giờ (ví dụ +07:00).") % {"f": name})
            return None
        if parsed > timezone.now() + dt.timedelta(minutes=5):
            self.fail(name, _("Trường %(f)s nằm trong tương lai.") % {"f": name})
            return None
        return parsed

    def choice(self, name: str, choices: Sequence[str], *, default: str = "") -> str:
        value = self.record.get(name)
        if value in (None, ""):
            if not default:
                self.fail(name, _("Thiếu trường %(f)s.") % {"f": name})
            return default
        if value not in choices:
            self.fail(
                name,
                _("Trường %(f)s phải là một trong: %(c)s.") % {"f": name, "c": ", ".join(choices)},
            )
            return default
        return str(value)

    def boolean(self, name: str) -> bool | None:
        value = self.record.get(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(name, _("Trường %(f)s phải là true hoặc false.") % {"f": name})
            return None
        return value

    def raw(self, name: str) -> Any:
        return self.record.get(name)
