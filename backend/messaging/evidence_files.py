"""Keeping evidence files: checked by content, not by name; images re-encoded without EXIF."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

# What we accept, recognised by the file's first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
Image.MAX_IMAGE_PIXELS = 50_000_000  # refuses decompression bombs


class EvidenceRefused(ValueError):  # noqa: N818 - a refusal, shown to the tenant
    """A file we will not keep; the message says why in words a tenant understands."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among those we accept."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic) and (content_type != "image/webp" or data[8:12] == b"WEBP"):
            return content_type
    return None


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The image turned the right way up and saved again without EXIF (so no GPS location)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "RGBA", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            kind = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
            if kind == "JPEG" and upright.mode == "RGBA":
                upright = upright.convert("RGB")
            upright.save(out, format=kind, quality=88)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise EvidenceRefused("That picture could not be opened.") from error


def keep(folder: Path, owner: int, data: bytes, max_bytes: int) -> tuple[str, str, int]:
    """Writes a checked file under `folder`; returns (relative path, content type, size)."""
    if not data:
        raise EvidenceRefused("That file is empty.")
    if len(data) > max_bytes:
        raise EvidenceRefused(f"That file is too big. The limit is {max_bytes // 1_000_000} MB.")
    content_type = sniff(data)
    if content_type is None:
        raise EvidenceRefused("Please send a photo (JPEG, PNG or WebP) or a PDF.")
    if content_type.startswith("image/"):
        data = without_metadata(data, content_type)
    relative = Path(str(owner)) / f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(relative), content_type, len(data)
