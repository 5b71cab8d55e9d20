import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from nongsan.core.text import fold, fold_key, normalize

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", max_size=40)


def test_fold_strips_diacritics_and_case():
    assert fold("Vải thiều Bắc Giang") == "vai thieu bac giang"
    assert fold("VẢI THIỀU") == "vai thieu"
    assert fold("Đu đủ") == "du du"
    assert fold("  Na   Chi  Lăng ") == "na chi lang"


def test_fold_treats_old_and_new_tone_placement_alike():
    assert fold("Hoà Bình") == fold("Hòa Bình") == "hoa binh"
    assert fold("Thuỷ") == fold("Thủy")


def test_fold_key_drops_separators():
    assert fold_key("Bà Rịa - Vũng Tàu") == "bariavungtau"
    assert fold_key(None) == ""


@given(vietnamese_text)
def test_fold_is_the_same_for_nfc_and_nfd(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(vietnamese_text)
def test_fold_output_is_plain_ascii_lowercase_and_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded


@given(vietnamese_text)
def test_normalize_is_nfc(text):
    assert unicodedata.is_normalized("NFC", normalize(unicodedata.normalize("NFD", text)))
