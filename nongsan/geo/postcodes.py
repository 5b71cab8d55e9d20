"""Vietnam's national postcodes (mã bưu chính quốc gia) and digital address codes.

Since 1 January 2018 (Decision 2475/QĐ-BTTTT of 29 December 2017) a postcode has five digits,
the first two identifying the province. The administrative units loaded by `geo_load` carry no
postcodes, so the provinces' two-digit prefixes are the table below, keyed by the 63 pre-2025
provinces' administrative codes.

The 34 provinces of 1 July 2025 each kept the administrative code of one of the provinces they
were merged from (the one hosting the new seat: Bắc Ninh 24 is former Bắc Giang's code, Gia Lai
52 former Bình Định's); a current province's postcode prefix is that former province's prefix,
until the postal authority publishes new ones. A digital address in a commune takes its
province's 5-digit postcode (the prefix and 000, the provincial post) unless a finer postcode is
given.
"""

import secrets

from nongsan.core.errors import ApplicationError

# Administrative code of a pre-2025 province -> its two-digit postcode prefix.
# fmt: off
POSTCODE_PREFIX: dict[str, str] = {
    "01": "10", "02": "20", "04": "21", "06": "23", "08": "22", "10": "31", "11": "32",
    "12": "30", "14": "34", "15": "33", "17": "36", "19": "24", "20": "25", "22": "01",
    "24": "26", "25": "35", "26": "15", "27": "16", "30": "03", "31": "04", "33": "17",
    "34": "06", "35": "18", "36": "07", "37": "08", "38": "40", "40": "43", "42": "45",
    "44": "47", "45": "48", "46": "49", "48": "50", "49": "51", "51": "53", "52": "55",
    "54": "56", "56": "57", "58": "59", "60": "77", "62": "60", "64": "61", "66": "63",
    "67": "65", "68": "66", "70": "67", "72": "80", "74": "75", "75": "76", "77": "78",
    "79": "70", "80": "82", "82": "84", "83": "86", "84": "87", "86": "85", "87": "81",
    "89": "90", "91": "91", "92": "94", "93": "95", "94": "96", "95": "97", "96": "98",
}
# fmt: on

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = CROCKFORD + "*~$=U"  # Crockford's five extra symbols for the mod-37 check
SERIAL_LENGTH = 6


def province_postcode(province_code: str) -> str:
    """The 5-digit postcode of a province's provincial post ("20" Lạng Sơn -> "25000")."""
    prefix = POSTCODE_PREFIX.get(province_code)
    if prefix is None:
        raise ApplicationError(
            f"Chưa có mã bưu chính cho tỉnh mã {province_code}.", field="province"
        )
    return f"{prefix}000"


def check_symbol(postcode: str, serial: str) -> str:
    value = int(postcode)
    for char in serial:
        value = value * 32 + CROCKFORD.index(char)
    return CHECK_SYMBOLS[value % 37]


def new_code(postcode: str) -> str:
    serial = "".join(secrets.choice(CROCKFORD) for _ in range(SERIAL_LENGTH))
    return f"{postcode}-{serial}{check_symbol(postcode, serial)}"


def normalize_code(text: str) -> str:
    """Read a code as people type it: case, spaces, and Crockford's look-alikes (O->0, I/L->1)."""
    raw = "".join(str(text or "").split()).upper()
    head, _, tail = raw.partition("-")
    tail = tail.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{head}-{tail}" if tail else head


def is_valid_code(code: str) -> bool:
    head, _, tail = code.partition("-")
    if len(head) != 5 or not head.isdigit() or len(tail) != SERIAL_LENGTH + 1:
        return False
    serial, check = tail[:-1], tail[-1]
    if any(c not in CROCKFORD for c in serial):
        return False
    return check_symbol(head, serial) == check
