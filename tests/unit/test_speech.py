"""Text turned into words a voice reads well on a phone call."""

from __future__ import annotations

import pytest

from bot.speech import speakable


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Your reference is CCS-2026-0042.", "Your reference is C, C, S, 2, 0, 2, 6, 0, 0, 4, 2."),
        ("Or call 0151 496 0000.", "Or call 0 1 5 1, 4 9 6, 0 0 0 0."),
        ("We will call +447911123456", "We will call 0 7 9 1 1, 1 2 3 4 5 6."),
        ("For example L30 4TH.", "For example L 3 0, 4 T H."),
        ("Privacy: https://x.test/privacy", "Privacy."),
        ("Reply DONE to keep it.", "Say done, or press hash to keep it."),
        ("or reply OFFICER.", "or say officer, or press 0."),
        ("Reply SKIP if you do not know.", "Say skip if you do not know."),
        ("To send it, reply 0.", "To send it, press 0."),
        ("Reply with its number.", "Press its number."),
        ("Your code is 123456.", "Your code is 1 2 3 4 5 6."),
        ("50% & more (a lot) #1 *now*", "50 per cent and more, a lot, hash 1 star now star."),
        ("Zoë O’Brien — 🙂 <b>", "Zoë O'Brien, b."),
        ("BACK - go back a question", "back, go back a question."),
        ("First line\nSecond line.", "First line.\nSecond line."),
    ],
)
def test_text_is_said_the_way_a_person_would_say_it(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


def test_a_tenants_words_are_kept_apart_from_symbols() -> None:
    said = speakable("I typed: reply to me at sam@example.org")
    assert said == "I typed, reply to me at sam at example.org."
