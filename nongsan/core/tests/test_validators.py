import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nongsan.core.errors import ApplicationError
from nongsan.core.validators import (
    CCCD_PROVINCE_CODES,
    format_mobile,
    mask_cccd,
    parse_cccd,
    parse_mobile,
    parse_tax_code,
    validate_cccd,
)

TODAY = dt.date(2026, 11, 23)


class TestCccd:
    def test_accepts_a_well_formed_number(self):
        cid = parse_cccd("020185001234", today=TODAY)
        assert cid.number == "020185001234"
        assert cid.birth_registration_code == "020"  # Lạng Sơn
        assert cid.is_female is True
        assert cid.birth_year == 1985

    def test_2000s_male(self):
        cid = parse_cccd("024203000999", today=TODAY)
        assert (cid.is_female, cid.birth_year) == (False, 2003)

    @pytest.mark.parametrize("raw", ["0201 8500 1234", "020.185.001.234", " 020-185-001-234 "])
    def test_separators_are_ignored(self, raw):
        assert parse_cccd(raw, today=TODAY).number == "020185001234"

    @pytest.mark.parametrize("raw", [20185001234, "20185001234", 20185001234.0, "20185001234.0"])
    def test_a_spreadsheet_cell_that_lost_its_leading_zero_is_padded(self, raw):
        assert parse_cccd(raw, today=TODAY, from_spreadsheet=True).number == "020185001234"

    @pytest.mark.parametrize("raw", ["20185001234", "2018500123"])
    def test_a_typed_number_is_never_padded_into_another_citizens_id(self, raw):
        with pytest.raises(ApplicationError) as short:
            parse_cccd(raw, today=TODAY)
        assert "đúng 12 chữ số" in short.value.message and "chữ số 0 ở đầu" in short.value.message
        with pytest.raises(ValidationError):
            validate_cccd(raw)

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            ("", "để trống"),
            ("02018500123A", "chỉ được gồm chữ số"),
            ("1234567", "đúng 12 chữ số"),
            ("0201850012345", "đúng 12 chữ số"),
            ("003185001234", "Mã nơi đăng ký khai sinh “003”"),
            ("099185001234", "Mã nơi đăng ký khai sinh “099”"),
            ("020885001234", "giới tính/thế kỷ “8”"),
            ("020250001234", "Năm sinh 2050"),
            ("2.01850E+11", "số khoa học"),
        ],
    )
    def test_rejects_with_a_vietnamese_reason(self, raw, reason):
        with pytest.raises(ApplicationError) as exc:
            parse_cccd(raw, today=TODAY)
        assert reason in exc.value.message
        assert exc.value.field == "cccd"

    def test_django_validator_wraps_the_message(self):
        with pytest.raises(ValidationError) as exc:
            validate_cccd("123")
        assert "12 chữ số" in exc.value.messages[0]

    def test_mask_shows_only_the_ends(self):
        assert mask_cccd("020185001234") == "020******234"

    @given(
        code=st.sampled_from(sorted(CCCD_PROVINCE_CODES)),
        century=st.sampled_from("0123"),
        year=st.integers(0, 99),
        tail=st.integers(0, 999999),
    )
    def test_every_structurally_valid_number_parses(self, code, century, year, tail):
        birth_year = (1900 if century in "01" else 2000) + year
        number = f"{code}{century}{year:02d}{tail:06d}"
        if 1906 <= birth_year <= TODAY.year:
            assert parse_cccd(number, today=TODAY).birth_year == birth_year
        else:
            with pytest.raises(ApplicationError):
                parse_cccd(number, today=TODAY)


class TestMobile:
    @pytest.mark.parametrize(
        "raw",
        [
            "0912345678",
            "+84912345678",
            "84912345678",
            "912345678",
            "0912 345 678",
            "0912.345.678",
            912345678,
            "+84 91 234 5678",
        ],
    )
    def test_normalises_to_e164(self, raw):
        assert parse_mobile(raw) == "+84912345678"

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("01686123456", "+84386123456"),
            ("01229123456", "+84779123456"),
            ("01254123456", "+84854123456"),
            ("01996123456", "+84596123456"),
        ],
    )
    def test_old_11_digit_numbers_are_renumbered(self, old, new):
        assert parse_mobile(old) == new

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            ("", "để trống"),
            ("09123abc78", "chỉ được gồm chữ số"),
            ("091234567", "10 chữ số"),
            ("02438251234", "số máy bàn"),
            ("0112345678", "không phải số di động"),
        ],
    )
    def test_rejects_with_a_reason(self, raw, reason):
        with pytest.raises(ApplicationError) as exc:
            parse_mobile(raw)
        assert reason in exc.value.message
        assert exc.value.field == "phone"

    def test_formats_for_display(self):
        assert format_mobile("+84912345678") == "0912 345 678"

    @given(
        prefix=st.sampled_from(
            [
                "32",
                "33",
                "34",
                "35",
                "36",
                "37",
                "38",
                "39",
                "70",
                "76",
                "77",
                "78",
                "79",
                "81",
                "82",
                "83",
                "84",
                "85",
                "86",
                "88",
                "90",
                "91",
                "93",
                "94",
                "96",
                "97",
                "98",
            ]
        ),
        rest=st.integers(0, 9999999),
    )
    def test_every_current_mobile_prefix_round_trips(self, prefix, rest):
        local = f"0{prefix}{rest:07d}"
        e164 = parse_mobile(local)
        assert e164 == "+84" + local[1:]
        assert parse_mobile(format_mobile(e164)) == e164


class TestTaxCode:
    def test_accepts_ten_digit_code_with_valid_check_digit(self):
        assert parse_tax_code("0100233488") == "0100233488"

    def test_accepts_branch_code(self):
        assert parse_tax_code("0100233488-001") == "0100233488-001"

    def test_household_head_cccd_is_a_tax_code(self):
        assert parse_tax_code("020185001234") == "020185001234"

    @pytest.mark.parametrize("raw", ["0100233489", "12345", "abcdefghij"])
    def test_rejects_bad_codes(self, raw):
        with pytest.raises(ApplicationError) as exc:
            parse_tax_code(raw)
        assert "Mã số thuế" in exc.value.message
