"""VietQR (NAPAS 247) transfer payloads: the EMVCo merchant-presented QR string every Vietnamese
banking app scans to pre-fill a bank transfer, plus the CRC and TLV checks a webhook needs.

The payload is a chain of TLV fields (2-digit id, 2-digit length, value) ending in a CRC-16
over everything before it. Field layout follows the NAPAS VietQR specification:

    00 payload format "01"      01 point of initiation "11" static / "12" dynamic
    38 merchant account         00 GUID "A000000727"
                                01 beneficiary (00 bank BIN, 01 account or card number)
                                02 service "QRIBFTTA" (to account) / "QRIBFTTC" (to card)
    53 currency "704"           54 amount (VND, digits only, dynamic QR only)
    58 country "VN"             62 additional data (08 purpose of transaction = message)
    63 CRC-16/CCITT-FALSE, 4 upper-case hex digits
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final, NamedTuple

import segno

GUID: Final = "A000000727"
SERVICE_TO_ACCOUNT: Final = "QRIBFTTA"
SERVICE_TO_CARD: Final = "QRIBFTTC"
SERVICES: Final = frozenset({SERVICE_TO_ACCOUNT, SERVICE_TO_CARD})
CURRENCY_VND: Final = "704"
COUNTRY_VN: Final = "VN"
STATIC: Final = "11"
DYNAMIC: Final = "12"
# Field 62-08 may hold 25 characters; many banking apps cut or reject anything longer.
MESSAGE_MAX_LENGTH: Final = 25
AMOUNT_MAX_DIGITS: Final = 13

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_CARD = re.compile(r"[0-9]{1,19}")
_NOT_MESSAGE_CHAR = re.compile(r"[^A-Za-z0-9 ]+")
_SPACES = re.compile(r" +")


class Bank(NamedTuple):
    """A bank as VietQR knows it: the NAPAS BIN goes in the payload, the name is for people."""

    bin: str
    name: str


# NAPAS acquirer BINs of the banks farm households use most, keyed by the name printed on
# their apps. Cross-checked against NAPAS's published member list (bankId column).
BANKS: Final[Mapping[str, Bank]] = {
    "Vietcombank": Bank("970436", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    "VietinBank": Bank("970415", "Ngân hàng TMCP Công thương Việt Nam"),
    "BIDV": Bank("970418", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    "Agribank": Bank("970405", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    "MB": Bank("970422", "Ngân hàng TMCP Quân đội"),
    "Techcombank": Bank("970407", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    "ACB": Bank("970416", "Ngân hàng TMCP Á Châu"),
    "VPBank": Bank("970432", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    "TPBank": Bank("970423", "Ngân hàng TMCP Tiên Phong"),
    "Sacombank": Bank("970403", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    "LPBank": Bank("970449", "Ngân hàng TMCP Lộc Phát Việt Nam (trước đây LienVietPostBank)"),
    "HDBank": Bank("970437", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    "VIB": Bank("970441", "Ngân hàng TMCP Quốc tế Việt Nam"),
    "SHB": Bank("970443", "Ngân hàng TMCP Sài Gòn – Hà Nội"),
    "OCB": Bank("970448", "Ngân hàng TMCP Phương Đông"),
}


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, unreflected, no final xor), as EMVCo uses.

    Bitwise rather than table-driven: payloads are ~150 bytes, so clarity wins over speed.
    """
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def sanitize_message(message: str) -> str:
    """Fold a transfer message to what banking apps carry reliably: ASCII letters, digits, spaces.

    Diacritics are stripped (đ -> d) rather than rejected, because buyers and shop names are
    Vietnamese; other punctuation is dropped, runs of spaces collapse, and the result is cut to
    25 characters. Reconciliation should compare against this folded form, not the original.
    """
    decomposed = unicodedata.normalize("NFD", message)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = ascii_only.replace("đ", "d").replace("Đ", "D")
    ascii_only = ascii_only.translate({ord(ch): " " for ch in "\t\r\n\v\f\u00a0"})
    kept = _SPACES.sub(" ", _NOT_MESSAGE_CHAR.sub("", ascii_only)).strip()
    return kept[:MESSAGE_MAX_LENGTH].rstrip()


def _tlv(field_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"Field {field_id} is {len(value)} characters long; TLV allows 99.")
    return f"{field_id}{len(value):02d}{value}"


def _with_crc(body: str) -> str:
    unsigned = body + "6304"
    return f"{unsigned}{crc16_ccitt(unsigned.encode('utf-8')):04X}"


def vietqr_payload(
    *,
    bank_bin: str,
    account_number: str,
    amount: int | None,
    message: str,
    service: str = SERVICE_TO_ACCOUNT,
) -> str:
    """Build the VietQR string for a transfer to one account (or card).

    With an amount the QR is dynamic ("12") so the app locks the amount; without one it is a
    static ("11") shop QR where the buyer types the amount. The message is folded with
    `sanitize_message` and omitted when nothing is left.
    """
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise ValueError(f"bank_bin must be exactly 6 digits (a NAPAS BIN), got {bank_bin!r}.")
    if service not in SERVICES:
        raise ValueError(
            f"service must be {SERVICE_TO_ACCOUNT!r} or {SERVICE_TO_CARD!r}, got {service!r}."
        )
    pattern = _CARD if service == SERVICE_TO_CARD else _ACCOUNT
    if not isinstance(account_number, str) or not pattern.fullmatch(account_number):
        kind = "digits" if service == SERVICE_TO_CARD else "ASCII letters or digits"
        raise ValueError(f"account_number must be 1-19 {kind}, got {account_number!r}.")
    if amount is not None and (
        isinstance(amount, bool)
        or not isinstance(amount, int)
        or amount <= 0
        or amount >= 10**AMOUNT_MAX_DIGITS
    ):
        raise ValueError(
            f"amount must be a positive whole number of VND with at most {AMOUNT_MAX_DIGITS} "
            f"digits, or None for a static QR; got {amount!r}."
        )
    if not isinstance(message, str):
        raise ValueError(f"message must be a string, got {type(message).__name__}.")

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account_number)
    merchant = _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", service)
    parts = [
        _tlv("00", "01"),
        _tlv("01", STATIC if amount is None else DYNAMIC),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts.append(_tlv("58", COUNTRY_VN))
    purpose = sanitize_message(message)
    if purpose:
        parts.append(_tlv("62", _tlv("08", purpose)))
    return _with_crc("".join(parts))


def parse_tlv(payload: str) -> dict[str, str]:
    """Split one level of TLV fields into {id: value}; call again on a value to go deeper.

    Strict, because the same parser vets strings that arrive from outside: a truncated field,
    a non-numeric id or length, or a repeated id raises ValueError instead of guessing.
    """
    fields: dict[str, str] = {}
    position = 0
    while position < len(payload):
        header = payload[position : position + 4]
        if len(header) < 4 or not header.isascii() or not header.isdigit():
            raise ValueError(f"Malformed TLV header {header!r} at position {position}.")
        field_id, length = header[:2], int(header[2:])
        value = payload[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ValueError(
                f"Field {field_id} at position {position} declares {length} characters "
                f"but only {len(value)} remain."
            )
        if field_id in fields:
            raise ValueError(f"Field {field_id} appears more than once.")
        fields[field_id] = value
        position += 4 + length
    return fields


def verify_crc(payload: str) -> bool:
    """True when the payload ends in a well-formed field 63 whose CRC matches the rest.

    Never raises: a webhook checker wants a yes/no for any string it is handed.
    """
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    checksum = payload[-4:]
    if not re.fullmatch(r"[0-9A-Fa-f]{4}", checksum):
        return False
    return crc16_ccitt(payload[:-4].encode("utf-8")) == int(checksum, 16)


def qr_svg(payload: str, *, scale: int = 6, title: str | None = None) -> str:
    """Render the payload as inline SVG (no XML prolog) for a template's `|safe` output.

    Error correction stays at M without segno's boosting: phone cameras read M well from
    screens and paper, and a fixed level keeps the symbol's look predictable across payloads.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}.")
    code = segno.make(payload, error="m", boost_error=False, micro=False)
    return str(code.svg_inline(scale=scale, title=title))
