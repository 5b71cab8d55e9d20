"""GS1 keys and the Digital Link: GTIN check digits, lot codes, URLs and their QR codes.

A lot's URL is a GS1 Digital Link URI (GS1 Digital Link standard 1.x): the platform is the
resolver, and the path carries the keys, `/01/{GTIN-14}/10/{lot}`, with `/21/{serial}` added on a
parcel's label (the serial is the sub-order number, so the page can show that order's delivery).

A product without its own GS1 barcode gets a GTIN from the platform's GS1 company prefix
(`TRACEABILITY["GS1_COMPANY_PREFIX"]`, the operator's licence from GS1 Vietnam, 893...): the
prefix, the product's id as item reference, the check digit.
"""

import io
import re

import segno
from django.conf import settings

from nongsan.core.errors import ApplicationError

LOT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
SERIAL = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (GTIN-8/12/13/14, GLN, SSCC).

    From the right, digits are weighted 3, 1, 3, 1, ...; the check digit brings the sum up to a
    multiple of ten.
    """
    if not payload.isdigit():
        raise ValueError("GS1 payload must be digits")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def gtin_normalize(value: str, *, field: str = "gtin") -> str:
    """A GTIN-8/12/13/14 typed or scanned, checked and returned as 14 digits."""
    digits = re.sub(r"[\s-]", "", str(value or ""))
    if not digits:
        raise ApplicationError("Mã GTIN đang để trống.", field=field, code="required")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ApplicationError(f"Mã GTIN “{value}” phải gồm 8, 12, 13 hoặc 14 chữ số.", field=field)
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise ApplicationError(
            f"Mã GTIN “{value}” sai chữ số kiểm tra (chữ số cuối phải là "
            f"{check_digit(digits[:-1])}).",
            field=field,
        )
    return digits.zfill(14)


def gtin_for_product(product_id: int) -> str:
    """The platform's GTIN-13 of a product (as GTIN-14): company prefix + item reference + check."""
    prefix = str(settings.TRACEABILITY["GS1_COMPANY_PREFIX"])
    room = 12 - len(prefix)
    if product_id >= 10**room:
        raise ApplicationError(
            "Tiền tố doanh nghiệp GS1 đã hết số cho sản phẩm mới; hãy cấu hình tiền tố mới.",
            field="gtin",
        )
    payload = prefix + str(product_id).zfill(room)
    return f"0{payload}{check_digit(payload)}"


def lot_code_normalize(value: str, *, field: str = "code") -> str:
    code = re.sub(r"\s+", "", str(value or "")).upper()
    if not LOT_CODE.match(code):
        raise ApplicationError(
            f"Mã lô “{value}” chỉ gồm chữ cái không dấu, chữ số và dấu gạch ngang, "
            "tối đa 20 ký tự.",
            field=field,
        )
    return code


def resolver() -> str:
    return str(settings.TRACEABILITY["RESOLVER_URL"]).rstrip("/")


def digital_link_path(*, gtin: str, lot: str, serial: str = "") -> str:
    path = f"/01/{gtin}/10/{lot}"
    return f"{path}/21/{serial}" if serial else path


def digital_link(*, gtin: str, lot: str, serial: str = "") -> str:
    return resolver() + digital_link_path(gtin=gtin, lot=lot, serial=serial)


def qr(url: str) -> segno.QRCode:
    # Level M survives a scuffed label; the Digital Link stays short enough for version 4-5.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, scale: int = 4) -> str:
    return qr(url).svg_inline(scale=scale, omitsize=False)


def qr_svg_document(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr(url).save(buffer, kind="svg", scale=scale, xmldecl=True)
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
