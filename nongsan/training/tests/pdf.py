"""Just enough PDF reading for tests: the document title and the characters its fonts can show."""

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream, inflated when compressed (object streams included: their objects are text)."""
    found = []
    for raw in _STREAM.findall(pdf):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be")


def title(pdf: bytes) -> str:
    """The document title (the HTML <title>) from the information dictionary (the one naming
    the producer; outline entries have titles too)."""
    for data in [pdf, *_streams(pdf)]:
        info = re.search(rb"<<[^<>]*/Producer[^<>]*?/Title\s*(<[0-9A-Fa-f]*>|\([^)]*\))", data)
        if info is None:
            continue
        value = info.group(1)
        if value.startswith(b"<"):
            text = _utf16(value[1:-1])
            return text[1:] if text.startswith("\ufeff") else text
        return value[1:-1].decode("latin-1")
    return ""


def drawn_characters(pdf: bytes) -> set[str]:
    """Characters the embedded font subsets map glyphs to (their ToUnicode maps).

    A subset holds only the glyphs the text used, so a character here was drawn with a real glyph.
    """
    characters: set[str] = set()
    for data in _streams(pdf):
        for block in _BFCHAR.findall(data):
            values = _HEX.findall(block)
            characters.update(_utf16(v) for v in values[1::2])
        for block in _BFRANGE.findall(data):
            values = _HEX.findall(block)
            for start, end, first in zip(values[0::3], values[1::3], values[2::3], strict=False):
                base = ord(_utf16(first)[0])
                characters.update(chr(base + i) for i in range(int(end, 16) - int(start, 16) + 1))
    return characters
