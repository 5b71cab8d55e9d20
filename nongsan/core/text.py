"""Vietnamese text folding: what search and unit lookups compare, whatever the input's encoding."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ -> d), collapse whitespace.

    NFD and NFC input fold alike, and so do the old and new tone placements ("Hoà" / "Hòa").
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_key(text: str | None) -> str:
    """A folded key with every non-alphanumeric character removed: "Bắc Ninh" -> "bacninh"."""
    return _NON_ALNUM.sub("", fold(text))


def normalize(text: str | None) -> str:
    """NFC with single spaces: how Vietnamese text is stored after it comes in."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()
