"""VND money: integers only (the đồng has no minor unit), shown as `1.234.000 ₫`."""

import re

from nongsan.core.errors import ApplicationError

_MONEY_NOISE = re.compile(r"(?i)\s|₫|vnd|vnđ|đồng|dong|đ")


def format_vnd(amount: int | None) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " ₫"


def parse_vnd(text: str | int, *, field: str = "amount") -> int:
    """Read an amount typed the Vietnamese way ("1.234.000 ₫", "1,234,000", "1234000đ")."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    cleaned = _MONEY_NOISE.sub("", str(text))
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-").replace(".", "").replace(",", "")
    if not digits.isdigit():
        raise ApplicationError(
            f"Số tiền “{text}” không hợp lệ: chỉ gồm chữ số, có thể có dấu chấm ngăn cách.",
            field=field,
        )
    return -int(digits) if negative else int(digits)
