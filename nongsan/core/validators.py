"""Vietnamese identifiers: citizen ID (CCCD), mobile numbers, tax codes.

Each `parse_*` function cleans what people and spreadsheets really type, checks the structure, and
returns the canonical form, or raises ApplicationError with a Vietnamese message naming the reason.
The `validate_*` wrappers raise Django's ValidationError for model and form fields.
"""

import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from nongsan.core.errors import ApplicationError

# Place-of-birth-registration codes of the 63 pre-2025 provinces (Circular 07/2016/TT-BCA).
# fmt: off
CCCD_PROVINCE_CODES: frozenset[str] = frozenset((
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
    "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
    "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
    "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
))
# fmt: on
# Gender-and-century digit -> (century start, gender). Even digits are male, odd female.
_CENTURY = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100, "6": 2200, "7": 2200}

_SEPARATORS = re.compile(r"[\s.\-_/'’`]+")


@dataclass(frozen=True)
class CitizenId:
    number: str
    birth_registration_code: str
    is_female: bool
    birth_year: int


def abroad_codes() -> frozenset[str]:
    return frozenset(getattr(settings, "CCCD_ABROAD_CODES", ()))


def clean_digits(value: object) -> str:
    """Digits of a value typed by hand or read from a spreadsheet cell (int, float, text)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value or not value.is_integer():  # NaN or a fraction
            return str(value)
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):  # "1234567890.0": a numeric cell read as text
        text = text.split(".")[0]
    return _SEPARATORS.sub("", text)


def parse_cccd(
    value: object,
    *,
    today: dt.date | None = None,
    field: str = "cccd",
    from_spreadsheet: bool = False,
) -> CitizenId:
    """A 12-digit citizen ID, checked against its province code, century/gender and birth year.

    `from_spreadsheet`: the value is a cell of an imported list, where a spreadsheet that took
    the column for numbers dropped the leading zeros of the province code (10 or 11 digits are
    padded back). A number a person typed is never padded: 11 digits there is a typo, and
    padding it would make another valid-looking citizen's ID."""
    text = clean_digits(value)
    if not text:
        raise ApplicationError("Số CCCD đang để trống.", field=field, code="required")
    if re.search(r"[eE][+\-]?\d", text):
        raise ApplicationError(
            f"Số CCCD “{value}” đã bị bảng tính đổi sang dạng số khoa học và mất chữ số; "
            "hãy định dạng cột là Văn bản và nhập lại.",
            field=field,
        )
    if not text.isdigit():
        raise ApplicationError(f"Số CCCD “{value}” chỉ được gồm chữ số.", field=field)
    if from_spreadsheet and len(text) in (10, 11):  # the sheet dropped the leading zeros
        text = text.zfill(12)
    if len(text) != 12:
        raise ApplicationError(
            f"Số CCCD phải có đúng 12 chữ số (nhận được {len(text)} chữ số"
            + ("; kiểm tra các chữ số 0 ở đầu" if len(text) in (10, 11) else "")
            + ").",
            field=field,
        )
    code = text[:3]
    if code not in CCCD_PROVINCE_CODES and code not in abroad_codes():
        raise ApplicationError(
            f"Mã nơi đăng ký khai sinh “{code}” (3 chữ số đầu của CCCD) không tồn tại.", field=field
        )
    century_digit = text[3]
    if century_digit not in _CENTURY:
        raise ApplicationError(
            f"Chữ số giới tính/thế kỷ “{century_digit}” (chữ số thứ 4 của CCCD) không hợp lệ.",
            field=field,
        )
    birth_year = _CENTURY[century_digit] + int(text[4:6])
    current_year = (today or dt.date.today()).year
    if birth_year > current_year or birth_year < current_year - 120:
        raise ApplicationError(f"Năm sinh {birth_year} suy ra từ CCCD không hợp lệ.", field=field)
    return CitizenId(
        number=text,
        birth_registration_code=code,
        is_female=int(century_digit) % 2 == 1,
        birth_year=birth_year,
    )


def mask_cccd(number: str) -> str:
    """Show the first 3 and last 3 digits only: 001******789."""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 6) + number[-3:]


# Mobile prefixes renumbered from 11 to 10 digits in 2018 (old 01xx -> new 0xx).
OLD_MOBILE_PREFIXES = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


def parse_mobile(value: object, *, field: str = "phone") -> str:
    """Normalise a Vietnamese mobile number to E.164 (+84xxxxxxxxx)."""
    raw = "" if value is None else str(value).strip()
    text = clean_digits(value).lstrip("+")
    if not text:
        raise ApplicationError("Số điện thoại đang để trống.", field=field, code="required")
    if not text.isdigit():
        raise ApplicationError(f"Số điện thoại “{raw}” chỉ được gồm chữ số.", field=field)
    if text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif len(text) in (9, 10) and not text.startswith("0"):  # leading zero lost in a spreadsheet
        text = "0" + text
    if len(text) == 11 and text[:4] in OLD_MOBILE_PREFIXES:
        text = OLD_MOBILE_PREFIXES[text[:4]] + text[4:]
    if len(text) == 11 and text.startswith("02"):
        raise ApplicationError(
            f"Số “{raw}” là số máy bàn, không phải số di động; hãy nhập số di động.", field=field
        )
    if len(text) != 10:
        raise ApplicationError(
            f"Số điện thoại di động “{raw}” phải có 10 chữ số (dạng 0912345678 hoặc +84912345678).",
            field=field,
        )
    try:
        parsed = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ApplicationError(f"Số điện thoại “{raw}” không đọc được.", field=field) from exc
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ) or not phonenumbers.is_valid_number(parsed):
        raise ApplicationError(f"Số “{raw}” không phải số di động Việt Nam đang dùng.", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_mobile(e164: str) -> str:
    """+84912345678 -> 0912 345 678, as Vietnamese people write it."""
    if not e164.startswith("+84"):
        return e164
    local = "0" + e164[3:]
    return f"{local[:4]} {local[4:7]} {local[7:]}"


def mask_mobile(e164: str) -> str:
    local = format_mobile(e164).replace(" ", "")
    return local[:3] + "****" + local[-3:] if len(local) >= 7 else "*" * len(local)


def parse_tax_code(value: object, *, field: str = "tax_code") -> str:
    """A business tax code (10 digits, or 13 written 0123456789-001), or a 12-digit CCCD.

    Since 1 July 2025 the personal ID number of a household head is the household's tax code.
    """
    raw = "" if value is None else str(value).strip()
    compact = re.sub(r"[\s.]", "", raw)
    if not compact:
        raise ApplicationError("Mã số thuế đang để trống.", field=field, code="required")
    digits = compact.replace("-", "")
    if len(digits) == 12 and digits.isdigit():
        return parse_cccd(digits, field=field).number
    try:
        number = mst.validate(compact)
    except StdnumError as exc:
        raise ApplicationError(
            f"Mã số thuế “{raw}” không hợp lệ: cần 10 chữ số (hoặc 13 chữ số dạng 0123456789-001) "
            "với chữ số kiểm tra đúng, hoặc số CCCD 12 chữ số của chủ hộ.",
            field=field,
        ) from exc
    return mst.format(number)


def _raise_django(exc: ApplicationError) -> None:
    raise ValidationError(exc.message, code=exc.code) from exc


def validate_cccd(value: object) -> None:
    try:
        parse_cccd(value)
    except ApplicationError as exc:
        _raise_django(exc)


def validate_mobile(value: object) -> None:
    try:
        parse_mobile(value)
    except ApplicationError as exc:
        _raise_django(exc)


def validate_tax_code(value: object) -> None:
    try:
        parse_tax_code(value)
    except ApplicationError as exc:
        _raise_django(exc)
