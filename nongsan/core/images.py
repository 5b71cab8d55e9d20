"""Photos people upload (products, reviews, claims, bulletins): check an upload is an image of a
reasonable size before decoding it, turn it upright, strip its metadata, re-encode it under a
generated name, and thumbnail it where a page shows it small.

Phones store photos sideways with an orientation tag and often with the GPS position of the
farm or the buyer's home in the metadata, and files carry their owner's file names; all are
dealt with here before anything is stored or shown.
"""

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from nongsan.core.errors import ApplicationError

MAX_UPLOAD_BYTES = 12 * 1024 * 1024
# The stored "original" is capped: a 50-megapixel phone photo is never shown at full size, and
# the cap keeps storage and the later trace pages reasonable.
ORIGINAL_MAX_SIDE = 2560
THUMBNAIL_MAX_SIDE = 480
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})
# Decoding costs about 4 bytes a pixel: a few kilobytes of PNG can declare 9,400 x 9,400 pixels
# (350 MB decoded). The header's size is checked before any pixel is decoded.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class ProcessedPhoto:
    original: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _upright(upload: object, *, field: str) -> Image.Image:
    """The upload decoded, upright, in RGB, with nothing of its metadata."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            f"Ảnh quá lớn: tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", field=field
        )
    try:
        data = upload.read()  # type: ignore[attr-defined]
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        opened = Image.open(io.BytesIO(data))
        if opened.format not in ACCEPTED_FORMATS:
            raise ApplicationError("Chỉ nhận ảnh JPG, PNG hoặc WEBP.", field=field)
        width, height = opened.size
        if width * height > MAX_PIXELS:
            raise ApplicationError(
                f"Ảnh quá nhiều điểm ảnh ({width} x {height}); tối đa "
                f"{MAX_PIXELS // 1_000_000} triệu điểm ảnh.",
                field=field,
            )
        opened.load()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ApplicationError(
            "Tệp này không phải ảnh hoặc ảnh bị hỏng; hãy chụp hoặc chọn ảnh khác.", field=field
        ) from exc
    upright: Image.Image = ImageOps.exif_transpose(opened)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        upright = Image.new("RGB", rgba.size, (255, 255, 255))
        upright.paste(rgba, mask=rgba.getchannel("A"))
    else:
        upright = upright.convert("RGB")
    return upright


def clean_photo(upload: object, *, field: str = "photo") -> ContentFile:
    """One photo as it is stored and shown: upright, at most ORIGINAL_MAX_SIDE, re-encoded as
    JPEG without metadata (no GPS), under a generated name (not its owner's file name)."""
    upright = _upright(upload, field=field)
    upright.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    return ContentFile(_jpeg(upright, quality=85), name=f"{uuid.uuid4().hex}.jpg")


def process_upload(upload: object, *, field: str = "photo") -> ProcessedPhoto:
    """Read an uploaded file (anything with .read()) into an upright original and a thumbnail."""
    upright = _upright(upload, field=field)
    original = upright.copy()
    original.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    thumbnail = upright.copy()
    thumbnail.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        original=ContentFile(_jpeg(original, quality=88), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_jpeg(thumbnail, quality=80), name=f"{stem}-t.jpg"),
        width=original.width,
        height=original.height,
    )
