"""Keeping evidence files: checked by content, not by name; images re-encoded without EXIF."""

from __future__ import annotations

import io
import threading
import uuid
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

# What we accept, recognised by the file's first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),
    (b"%PDF-", "application/pdf"),
    (b"OggS", "audio/ogg"),  # a voice note from Telegram or WhatsApp, sent as evidence
)
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
}
# Pillow's own guard, a backstop behind the pixel cap that keep() is given: over this it
# warns (and over twice this it refuses), and we treat the warning as a refusal too.
Image.MAX_IMAGE_PIXELS = 50_000_000
MAX_PIXELS = 25_000_000  # EVIDENCE_MAX_PIXELS's default: a 24-megapixel phone photo fits

# A decoded picture takes 3-4 bytes a pixel, twice over while it is turned upright: a few at a
# time per process, whether uploaded from a link or fetched from a channel, bounds the memory.
DECODES_AT_ONCE = 2
DECODING = threading.BoundedSemaphore(DECODES_AT_ONCE)
# warnings.catch_warnings changes the whole process's filters: one opening at a time. Opening
# reads the header only, so the wait is tiny.
_OPENING = threading.Lock()


class EvidenceRefused(ValueError):  # noqa: N818 - a refusal, shown to the tenant
    """A file we will not keep; the message says why in words a tenant understands."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among those we accept."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic) and (content_type != "image/webp" or data[8:12] == b"WEBP"):
            return content_type
    return None


def _too_big(max_pixels: int) -> EvidenceRefused:
    return EvidenceRefused(
        "That picture is too big to open. Please send a smaller copy (under "
        f"{max_pixels // 1_000_000} megapixels), or a screenshot of it."
    )


def _open(data: bytes) -> Image.Image:
    """Opens a picture (its header only), with Pillow's decompression-bomb warning raised: in
    production warnings are only printed, and the picture would be decoded anyway."""
    with _OPENING, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def without_metadata(data: bytes, content_type: str, max_pixels: int = MAX_PIXELS) -> bytes:
    """The image turned the right way up and saved again without EXIF (so no GPS location).

    Its size is checked as soon as its header is read, before a single pixel is decoded: a
    few hundred KB of PNG can claim (and, decoded, take) a gigabyte.
    """
    try:
        with _open(data) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_big(max_pixels)
            with DECODING:
                return _upright_without_exif(image, content_type)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_big(max_pixels) from error
    except (UnidentifiedImageError, OSError) as error:
        raise EvidenceRefused("That picture could not be opened.") from error


def _upright_without_exif(image: Image.Image, content_type: str) -> bytes:
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    kind = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
    if kind == "JPEG" and upright.mode == "RGBA":
        upright = upright.convert("RGB")
    upright.save(out, format=kind, quality=88)
    return out.getvalue()


def check_document(data: bytes) -> None:
    """Refuses a PDF that a PDF reader cannot open, or that has no pages: anything can start
    with "%PDF-", and officers open what we keep."""
    try:
        with DECODING:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise EvidenceRefused(
                    "That document is locked with a password. Please send it without one."
                )
            pages = len(reader.pages)
    except EvidenceRefused:
        raise
    except Exception as error:  # a broken file fails in many ways inside the reader
        raise EvidenceRefused(
            "That document could not be opened. Please send a PDF, or a photo of it."
        ) from error
    if pages < 1:
        raise EvidenceRefused(
            "That document could not be opened. Please send a PDF, or a photo of it."
        )


def keep(
    folder: Path, owner: int, data: bytes, max_bytes: int, *, max_pixels: int = MAX_PIXELS
) -> tuple[str, str, int]:
    """Writes a checked file under `folder`; returns (relative path, content type, size)."""
    if not data:
        raise EvidenceRefused("That file is empty.")
    if len(data) > max_bytes:
        raise EvidenceRefused(f"That file is too big. The limit is {max_bytes // 1_000_000} MB.")
    content_type = sniff(data)
    if content_type is None:
        raise EvidenceRefused("Please send a photo (JPEG, PNG or WebP) or a PDF.")
    if content_type.startswith("image/"):
        data = without_metadata(data, content_type, max_pixels)
    elif content_type == "application/pdf":
        check_document(data)
    relative = Path(str(owner)) / f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(relative), content_type, len(data)
