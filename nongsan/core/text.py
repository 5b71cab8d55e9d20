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


# Characters no text a person means to send contains: control characters (but tab and line
# breaks), the marks that reorder text right to left (which make "gpj.exe" read "exe.jpg") and
# invisible zero-width ones (which make two names that look the same differ), and lone UTF-16
# surrogates (not text at all: a database refuses to store them).
_INVISIBLE = {
    "\u200b": "ký tự ẩn (zero-width space)",
    "\u200c": "ký tự ẩn (zero-width non-joiner)",
    "\u200d": "ký tự ẩn (zero-width joiner)",
    "\u2060": "ký tự ẩn (word joiner)",
    "\ufeff": "ký tự ẩn (BOM)",
}
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden_character(text: str) -> str | None:
    """Why `text` cannot be accepted as typed text (in Vietnamese), or None when it can."""
    for char in text:
        point = ord(char)
        if 0xD800 <= point <= 0xDFFF:
            return "có ký tự không hợp lệ (nửa cặp UTF-16)"
        if char in _BIDI:
            return "có ký tự đảo chiều văn bản (bidi), không được phép"
        if char in _INVISIBLE:
            return f"có {_INVISIBLE[char]}"
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            return f"có ký tự điều khiển (mã {point:#04x})"
    return None


def clean_text(text: str) -> str:
    """Typed text in its canonical form (NFC: a Vietnamese letter as one code point)."""
    return unicodedata.normalize("NFC", text)
