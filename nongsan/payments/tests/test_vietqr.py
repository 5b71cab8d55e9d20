import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nongsan.payments import vietqr

# Published by subiz/vietqr (README, "Sinh mã chuyển khoản 120.000 vào STK 0011001932418 ngân
# hàng Vietin với ghi chú 'ủng hộ lũ lụt'"); its CRC C15C matches CRC-16/CCITT-FALSE.
REFERENCE_PAYLOAD = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


def _payload(**overrides: object) -> str:
    kwargs: dict[str, object] = {
        "bank_bin": "970436",
        "account_number": "0123456789",
        "amount": 150_000,
        "message": "DH NS000123",
    }
    kwargs.update(overrides)
    return vietqr.vietqr_payload(**kwargs)  # type: ignore[arg-type]


def _assert_tlv_lengths(text: str, parent: str = "") -> None:
    """Walk every TLV by hand, independently of parse_tlv, descending into the templates:
    38 and 62 at the top, and 38's beneficiary organisation (01)."""
    position = 0
    while position < len(text):
        field_id, length = text[position : position + 2], int(text[position + 2 : position + 4])
        value = text[position + 4 : position + 4 + length]
        assert len(value) == length, (field_id, value)
        if (not parent and field_id in {"38", "62"}) or (parent == "38" and field_id == "01"):
            _assert_tlv_lengths(value, parent=field_id)
        position += 4 + length
    assert position == len(text)


def test_crc_check_value():
    assert vietqr.crc16_ccitt(b"123456789") == 0x29B1
    assert vietqr.crc16_ccitt(b"") == 0xFFFF


def test_matches_published_reference_payload():
    payload = vietqr.vietqr_payload(
        bank_bin="970415",
        account_number="0011001932418",
        amount=120_000,
        message="ủng hộ lũ lụt",
    )
    assert payload == REFERENCE_PAYLOAD
    assert vietqr.verify_crc(REFERENCE_PAYLOAD)


def test_every_field_length_is_correct():
    _assert_tlv_lengths(_payload())
    _assert_tlv_lengths(_payload(amount=None, message=""))


def test_round_trip_parse():
    payload = _payload(service=vietqr.SERVICE_TO_CARD, account_number="9704360012345678")
    fields = vietqr.parse_tlv(payload)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields["00"] == "01"
    assert fields["01"] == vietqr.DYNAMIC
    assert fields["53"] == "704"
    assert fields["54"] == "150000"
    assert fields["58"] == "VN"
    assert fields["63"] == payload[-4:]
    merchant = vietqr.parse_tlv(fields["38"])
    assert merchant == {
        "00": "A000000727",
        "01": "00069704360116" + "9704360012345678",
        "02": "QRIBFTTC",
    }
    assert vietqr.parse_tlv(merchant["01"]) == {"00": "970436", "01": "9704360012345678"}
    assert vietqr.parse_tlv(fields["62"]) == {"08": "DH NS000123"}


def test_crc_is_upper_case_hex_and_covers_its_own_header():
    payload = _payload()
    assert re.fullmatch(r"[0-9A-F]{4}", payload[-4:])
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == vietqr.crc16_ccitt(payload[:-4].encode())


@pytest.mark.parametrize("index", [0, 10, 40, 80, -6, -1])
def test_crc_fails_when_one_character_changes(index):
    payload = _payload()
    index %= len(payload)
    replacement = "1" if payload[index] == "0" else "0"
    tampered = payload[:index] + replacement + payload[index + 1 :]
    assert tampered != payload
    assert vietqr.verify_crc(payload)
    assert not vietqr.verify_crc(tampered)


@pytest.mark.parametrize("junk", ["", "6304", "0002016304ZZZZ", "00020163", "hello world!"])
def test_verify_crc_rejects_junk_without_raising(junk):
    assert vietqr.verify_crc(junk) is False


def test_no_amount_gives_static_qr_without_field_54():
    fields = vietqr.parse_tlv(_payload(amount=None))
    assert fields["01"] == vietqr.STATIC
    assert "54" not in fields
    assert vietqr.verify_crc(_payload(amount=None))


def test_empty_message_omits_field_62():
    assert "62" not in vietqr.parse_tlv(_payload(message="  !!  "))


def test_message_diacritics_stripped_and_truncated():
    payload = _payload(message="Đơn hàng #NS-000123 của Nguyễn Thị Hồng Đào, xã Tân Phú")
    purpose = vietqr.parse_tlv(vietqr.parse_tlv(payload)["62"])["08"]
    assert purpose == "Don hang NS000123 cua Ngu"
    assert len(purpose) == vietqr.MESSAGE_MAX_LENGTH


def test_sanitize_message_handles_nfd_and_old_tone_placement():
    nfd = "Tha\u0300nh toa\u0301n"
    assert vietqr.sanitize_message(nfd) == "Thanh toan"
    assert vietqr.sanitize_message("Hoà Bình\nđặt   hàng") == "Hoa Binh dat hang"
    # Cutting at 25 must not leave a trailing space behind.
    assert vietqr.sanitize_message("a" * 24 + " bcd") == "a" * 24


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bank_bin": "97043"}, "bank_bin"),
        ({"bank_bin": "9704366"}, "bank_bin"),
        ({"bank_bin": "97043a"}, "bank_bin"),
        ({"bank_bin": "９７０４３６"}, "bank_bin"),
        ({"account_number": ""}, "account_number"),
        ({"account_number": "1" * 20}, "account_number"),
        ({"account_number": "0123-456"}, "account_number"),
        ({"account_number": "Đ123"}, "account_number"),
        ({"account_number": "ABC123", "service": "QRIBFTTC"}, "account_number"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"amount": 1500.0}, "amount"),
        ({"amount": "150000"}, "amount"),
        ({"amount": True}, "amount"),
        ({"message": None}, "message"),
        ({"service": "QRPUSH"}, "service"),
    ],
)
def test_validation_errors_name_the_field(overrides, field):
    with pytest.raises(ValueError, match=rf"^{field} "):
        _payload(**overrides)


def test_largest_amount_is_accepted():
    assert vietqr.parse_tlv(_payload(amount=10**13 - 1))["54"] == "9" * 13


@pytest.mark.parametrize(
    "broken", ["0", "000301", "0002010", "00a201", "0002010102110002ab", "０００２０１"]
)
def test_parse_tlv_rejects_malformed_input(broken):
    with pytest.raises(ValueError):
        vietqr.parse_tlv(broken)


def test_banks_table_has_valid_bins():
    assert vietqr.BANKS["Vietcombank"].bin == "970436"
    assert vietqr.BANKS["LPBank"] == ("970449", vietqr.BANKS["LPBank"].name)
    bins = [bank.bin for bank in vietqr.BANKS.values()]
    assert len(set(bins)) == len(bins)
    for bank in vietqr.BANKS.values():
        _payload(bank_bin=bank.bin)


def test_qr_svg_is_inline_svg():
    svg = vietqr.qr_svg(REFERENCE_PAYLOAD, scale=4, title="Mã VietQR")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "Mã VietQR" in svg
    with pytest.raises(ValueError, match=r"^scale "):
        vietqr.qr_svg(REFERENCE_PAYLOAD, scale=0)


@given(
    bank_bin=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account_number=st.from_regex(r"[A-Za-z0-9]{1,19}", fullmatch=True),
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1),
    message=st.text(
        alphabet=VIETNAMESE + VIETNAMESE.upper() + "ABCxyz0123456789 -#/.,\n", max_size=60
    ),
)
def test_any_valid_input_round_trips(bank_bin, account_number, amount, message):
    payload = vietqr.vietqr_payload(
        bank_bin=bank_bin, account_number=account_number, amount=amount, message=message
    )
    assert payload.isascii()
    assert vietqr.verify_crc(payload)
    _assert_tlv_lengths(payload)

    fields = vietqr.parse_tlv(payload)
    merchant = vietqr.parse_tlv(fields["38"])
    assert merchant["00"] == vietqr.GUID
    assert merchant["02"] == vietqr.SERVICE_TO_ACCOUNT
    assert vietqr.parse_tlv(merchant["01"]) == {"00": bank_bin, "01": account_number}
    assert fields.get("54") == (None if amount is None else str(amount))
    assert fields["01"] == (vietqr.STATIC if amount is None else vietqr.DYNAMIC)
    purpose = vietqr.sanitize_message(message)
    assert len(purpose) <= vietqr.MESSAGE_MAX_LENGTH
    assert re.fullmatch(r"[A-Za-z0-9 ]*", purpose)
    if purpose:
        assert vietqr.parse_tlv(fields["62"]) == {"08": purpose}
    else:
        assert "62" not in fields
