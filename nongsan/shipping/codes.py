"""Identifiers of the postal world: UPU S10 tracking numbers and Vietnamese number plates."""

import re
import secrets

from nongsan.core.errors import ApplicationError

# UPU S10: two service letters, an 8-digit serial, a check digit, the country ("EN123456785VN").
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial (UPU standard S10, section 5.3)."""
    if not re.fullmatch(r"[0-9]{8}", serial):
        raise ValueError("An S10 serial is 8 digits.")
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_number(*, service: str = "EN", country: str = "VN", serial: str | None = None) -> str:
    """A tracking number: the service indicator, a serial (random unless given), its check
    digit, the country of origin."""
    serial = serial if serial is not None else f"{secrets.randbelow(10**8):08d}"
    return f"{service}{serial}{s10_check_digit(serial)}{country}"


def s10_valid(number: str) -> bool:
    text = number.strip().upper()
    return bool(_S10.fullmatch(text)) and s10_check_digit(text[2:10]) == int(text[10])


# Vietnamese plates (Circular 24/2023/TT-BCA): a 2-digit locality code (11-99), a series of one
# or two letters possibly followed by a digit, then 4 or 5 digits ("29C-123.45", "51LD-1234").
_PLATE = re.compile(r"([1-9][0-9])([A-Z]{1,2}[0-9]??)([0-9]{4,5})")


def parse_plate(text: str, *, field: str = "plate") -> str:
    """A plate as printed: "29c 12345" -> "29C-123.45"; a clear message otherwise."""
    raw = re.sub(r"[\s.\-]", "", str(text or "")).upper()
    match = _PLATE.fullmatch(raw)
    if match is None or int(match.group(1)) < 11:
        raise ApplicationError(
            f"Biển số “{text}” không đúng dạng, ví dụ 29C-123.45 hoặc 51D-1234.", field=field
        )
    code, series, digits = match.groups()
    number = f"{digits[:3]}.{digits[3:]}" if len(digits) == 5 else digits
    return f"{code}{series}-{number}"
