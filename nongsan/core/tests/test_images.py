"""Photos people upload: a decompression bomb is refused from its header, before decoding;
what is kept has no metadata (no GPS) and a generated name."""

import io
import resource

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from nongsan.core import images
from nongsan.core.errors import ApplicationError


def _jpeg_with_gps(name: str = "IMG_20260612_nha-chi-Mai.jpg") -> SimpleUploadedFile:
    photo = Image.new("RGB", (400, 300), (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 30.0, 0.0), 3: "E", 4: (105.0, 50.0, 0.0)}  # GPS IFD
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_kept_photo_has_no_metadata_and_a_generated_name():
    upload = _jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(0x8825)
    upload.seek(0)
    cleaned = images.clean_photo(upload)
    name = cleaned.name or ""
    assert "nha-chi-Mai" not in name and name.endswith(".jpg")
    kept = Image.open(io.BytesIO(cleaned.read()))
    assert not kept.getexif() and "exif" not in kept.info


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding():
    bomb = io.BytesIO()
    Image.new("1", (9400, 9400)).save(bomb, format="PNG")  # a few KB, 88 million pixels
    assert len(bomb.getvalue()) < 200_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ApplicationError) as refused:
        images.clean_photo(SimpleUploadedFile("bomb.png", bomb.getvalue()), field="photo")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert "điểm ảnh" in refused.value.message and refused.value.field == "photo"
    assert grown_kb < 100_000  # decoding it would take hundreds of MB


@pytest.mark.parametrize(
    "content", [b"GIF89a not really", b"%PDF-1.7 pretending", b"\x89PNG\r\n\x1a\n broken"]
)
def test_what_is_not_a_photo_is_refused_in_vietnamese(content):
    with pytest.raises(ApplicationError) as refused:
        images.clean_photo(SimpleUploadedFile("anh.jpg", content))
    assert "ảnh" in refused.value.message
