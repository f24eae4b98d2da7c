"""Evidence pictures are sized up before they are decoded, and decoded a few at a time."""

from __future__ import annotations

import io
import struct
import threading
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image

from backend.messaging import evidence_files
from backend.messaging.evidence_files import EvidenceRefused, keep


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` but whose pixels are cut short: decoding
    it fails ("could not be opened"), so only a check made before decoding can say it is too
    big. That is what tells the two apart."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format="PNG")
    return out.getvalue()


def test_a_picture_over_the_pixel_cap_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    # The attack: a 307 KB PNG of 9,900 x 9,900 took the server from 143 MB to 912 MB.
    with pytest.raises(EvidenceRefused, match="too big to open"):
        keep(tmp_path, 7, png_claiming(9_900, 9_900), 10_000_000, max_pixels=25_000_000)
    with pytest.raises(EvidenceRefused, match="too big to open"):
        keep(tmp_path, 7, png_claiming(6_000, 5_000), 10_000_000, max_pixels=25_000_000)
    assert not any(tmp_path.rglob("*.png"))


def test_pillows_bomb_warning_is_a_refusal_even_where_warnings_are_only_shown(
    tmp_path: Path,
) -> None:
    """In production, warnings are printed, not raised: Pillow's DecompressionBombWarning
    alone would let the picture be decoded."""
    over = Image.MAX_IMAGE_PIXELS or 0
    side = int(over**0.5) + 10
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        with pytest.raises(EvidenceRefused, match="too big to open"):
            keep(tmp_path, 7, png_claiming(side, side), 10_000_000, max_pixels=side * side)


def test_no_more_pictures_are_decoded_at_once_than_the_bound(tmp_path: Path) -> None:
    taken = [
        evidence_files.DECODING.acquire(blocking=False)
        for _ in range(evidence_files.DECODES_AT_ONCE)
    ]
    assert all(taken)
    kept: list[str] = []
    waiting = threading.Thread(
        target=lambda: kept.append(keep(tmp_path, 7, small_png(), 10_000_000)[0])
    )
    waiting.start()
    try:
        waiting.join(timeout=0.5)
        waited, before = waiting.is_alive(), list(kept)
    finally:
        for _ in taken:
            evidence_files.DECODING.release()
    waiting.join(timeout=30)
    assert waited and before == []  # every slot was taken: it waited its turn
    assert len(kept) == 1 and (tmp_path / kept[0]).exists()


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_real_pdf_is_kept(tmp_path: Path) -> None:
    path, content_type, _ = keep(tmp_path, 7, a_pdf(), 10_000_000)
    assert content_type == "application/pdf" and (tmp_path / path).exists()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"MZ\x90\x00 a program, not a document" * 100,
        b"%PDF-",
        a_pdf()[:200],  # cut short
    ],
)
def test_bytes_that_only_start_like_a_pdf_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EvidenceRefused, match="document could not be opened"):
        keep(tmp_path, 7, data, 10_000_000)
    assert not any(tmp_path.rglob("*.pdf"))
