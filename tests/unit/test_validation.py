"""Cleaning text and reading postcodes, phone numbers and household counts."""

from __future__ import annotations

import pytest

from conversations.validation import clean, find_postcode, household_count, uk_phone, word


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("L30 4TH", "L30 4TH"),
        ("l304th", "L30 4TH"),
        ("12 Elm Road, Bootle, L20 3DF", "L20 3DF"),
        ("Flat 3, SW1A 1AA", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_uk_postcodes_are_found_and_formatted(text: str, postcode: str) -> None:
    assert find_postcode(text) == postcode


@pytest.mark.parametrize(
    "text", ["12 Elm Road", "L30", "QQ1 1AA", "L30 4CI", "12345", "", "V1 1AA"]
)
def test_things_that_are_not_uk_postcodes_are_refused(text: str) -> None:
    assert find_postcode(text) is None


def test_clean_removes_control_characters_surrogates_and_bidi_overrides() -> None:
    assert clean("a\x00b\x1b[31mc\ud800d\u202ee") == "ab[31mcde"


def test_clean_keeps_emoji_accents_and_single_blank_lines() -> None:
    assert clean("  Café 😀\r\n\n\n\nnext   line ") == "Café 😀\n\nnext line"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("help", "HELP"), (" Back. ", "BACK"), ("status!", "STATUS"), ("need help", None), ("", None)],
)
def test_a_single_word_is_recognised_in_any_case(text: str, expected: str | None) -> None:
    assert word(text) == expected


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("07911 123456", "+447911123456"),
        ("+44 7911 123456", "+447911123456"),
        ("0151 496 0000", "+441514960000"),
        ("12345", None),
        ("phone me", None),
    ],
)
def test_phone_numbers_are_read_as_uk_numbers_in_e164(text: str, e164: str | None) -> None:
    assert uk_phone(text) == e164


@pytest.mark.parametrize(
    ("text", "count"),
    [("24", 24), ("about 40 homes", 40), ("0", None), ("lots", None), ("100001", None)],
)
def test_household_counts(text: str, count: int | None) -> None:
    assert household_count(text) == count
