"""Numbers in a reply are read as before, without the quadratic search: the old pattern tried
every start inside a run of digits (5,000 of them took 3 s of one web-chat turn, and the
schema test's 10-second timeout on a busy machine); the new one starts only where the digits
start and takes them whole. Any text gives the same reading as the old pattern did."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from conversations.understanding import _ODD_NUMBER, words_of

BEFORE = re.compile(r"(?<![^\W_])[-+]\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)+")


@given(st.text(alphabet="0123456789.,-+ aZ_é", max_size=30) | st.text(max_size=30))
def test_the_same_numbers_are_set_aside_as_before(text: str) -> None:
    assert _ODD_NUMBER.sub(" ", text) == BEFORE.sub(" ", text)


def test_a_long_run_of_digits_is_one_word() -> None:
    assert words_of("0" * 5000) == ("0" * 5000,)
    assert words_of("stage 1.5 or 2,000 and -3") == ("stage", "or", "and")
