"""SMS arithmetic: GSM-7 and UCS-2 segments, GSM-safe echoes, splitting long texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sms_text import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    is_gsm7,
    segments,
    septets,
    sms_safe,
    split_for_sms,
)
from conversations.channels import SMS_SEGMENTS


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # extension characters take two septets
        ("[" * 81, 2),
        ("é" * 160, 1),  # é is in the GSM-7 basic set
        ("ç" * 70, 1),  # ç is not (only Ç is): UCS-2
        ("ç" * 71, 2),
        ("a" * 66 + "😀", 1),  # an emoji is two UTF-16 units
        ("a" * 69 + "😀", 2),
    ],
)
def test_segments_count_gsm7_and_ucs2_correctly(text: str, count: int) -> None:
    assert segments(text) == count


def test_one_curly_quote_would_make_the_message_ucs2_and_sms_safe_prevents_it() -> None:
    text = "It\u2019s the \u201clift\u201d \u2014 again\u2026 😀"
    assert not is_gsm7(text)
    safe = sms_safe(text)
    assert is_gsm7(safe)
    assert safe == 'It\'s the "lift" - again... '


def test_long_texts_split_at_sentence_ends_within_the_budget() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(60))
    parts = split_for_sms(text, SMS_SEGMENTS)
    assert len(parts) > 1
    assert all(segments(p) <= 3 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_a_text_without_spaces_is_still_split() -> None:
    parts = split_for_sms("x" * 1000, SMS_SEGMENTS)
    assert "".join(parts) == "x" * 1000
    assert all(segments(p) <= 3 for p in parts)


@given(st.text(st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENDED)) | st.characters()))
def test_extension_characters_count_two_septets_and_the_rest_one(text: str) -> None:
    assert septets(text) == sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
