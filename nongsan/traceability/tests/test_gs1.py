"""GTIN check digits, Digital Link URLs and QR codes that decode back to them."""

import io
from xml.etree import ElementTree

import pytest
import zxingcpp
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gtin import Gtin
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from nongsan.core.errors import ApplicationError
from nongsan.traceability import gs1


@pytest.mark.parametrize(
    ("payload", "digit"),
    [
        ("893604501234", 5),  # a GS1 Vietnam GTIN-13 body
        ("629104150021", 3),  # GS1's own worked example
        ("0001234560001", 2),  # GTIN-14
        ("9638507", 4),  # GTIN-8
    ],
)
def test_check_digit_of_known_codes(payload, digit):
    assert gs1.check_digit(payload) == digit


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_check_digit_agrees_with_biip(payload):
    code = payload + str(gs1.check_digit(payload))
    if len(code) in (8, 12, 13, 14):
        assert Gtin.parse(code).check_digit == int(code[-1])


def test_gtin_normalize_pads_and_refuses_a_wrong_check_digit():
    assert gs1.gtin_normalize("8936045012345") == "08936045012345"
    with pytest.raises(ApplicationError) as error:
        gs1.gtin_normalize("8936045012346")
    assert error.value.field == "gtin" and "chữ số kiểm tra" in error.value.message
    with pytest.raises(ApplicationError):
        gs1.gtin_normalize("89360450")  # 8 digits, wrong check digit
    with pytest.raises(ApplicationError):
        gs1.gtin_normalize("12345")


def test_platform_gtin_is_valid_and_distinct_per_product(settings):
    settings.TRACEABILITY = {**settings.TRACEABILITY, "GS1_COMPANY_PREFIX": "8938"}
    first, second = gs1.gtin_for_product(1), gs1.gtin_for_product(2)
    assert first != second
    for code in (first, second):
        assert len(code) == 14 and code.startswith("08938")
        assert Gtin.parse(code).prefix.usage == "GS1 Vietnam"
        assert gs1.gtin_normalize(code) == code


def test_gtin_prefix_exhausted(settings):
    settings.TRACEABILITY = {**settings.TRACEABILITY, "GS1_COMPANY_PREFIX": "89380000000"}
    assert gs1.gtin_for_product(9)
    with pytest.raises(ApplicationError):
        gs1.gtin_for_product(10)


def test_digital_link_parses_as_gs1(settings):
    settings.TRACEABILITY = {**settings.TRACEABILITY, "RESOLVER_URL": "https://nongsan.example/"}
    url = gs1.digital_link(gtin="08936045012345", lot="260714-1", serial="S0001-1")
    assert url == "https://nongsan.example/01/08936045012345/10/260714-1/21/S0001-1"
    parsed = {e.ai.ai: e.value for e in GS1DigitalLinkURI.parse(url).element_strings}
    assert parsed == {"01": "08936045012345", "10": "260714-1", "21": "S0001-1"}


def decode(image_bytes: bytes) -> str:
    image = Image.open(io.BytesIO(image_bytes)).convert("L")
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_png_qr_decodes_to_the_url():
    url = "http://127.0.0.1:8000/01/08938000000018/10/260714-1"
    assert decode(gs1.qr_png(url)) == url


def test_svg_qr_is_a_whole_symbol_of_the_url():
    """The SVG is decoded in the browser test (the label page draws it); here its frame."""
    url = "http://127.0.0.1:8000/01/08938000000018/10/260714-2"
    root = ElementTree.fromstring(gs1.qr_svg_document(url, scale=8))
    width = gs1.qr(url).symbol_size(scale=8)[0]
    assert root.tag.endswith("svg") and int(float(root.get("width"))) == width
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_lot_code_rules():
    assert gs1.lot_code_normalize(" vai-2026 a ") == "VAI-2026A"
    for bad in ("", "-A", "LÔ1", "X" * 21):
        with pytest.raises(ApplicationError):
            gs1.lot_code_normalize(bad)
