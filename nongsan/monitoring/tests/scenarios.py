"""Test helpers: milestones at local instants (through the households service), XLSX uploads."""

import datetime as dt
import io

import xlsxwriter

from nongsan.core.timeutils import VN_TZ
from nongsan.households import services as household_services


def local(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=VN_TZ)


def record(household, kind, when, marketplace=None):
    return household_services.milestone_record(
        household=household, kind=kind, marketplace=marketplace, achieved_at=when
    )


def sheet(rows):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    worksheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            worksheet.write(r, c, value)
    workbook.close()
    buffer.seek(0)
    return buffer
