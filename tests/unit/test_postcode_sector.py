"""A viewer reads where a Call is at postcode-sector level at most: thousands of homes, never
the unit that finds one."""

from __future__ import annotations

import pytest

from backend.casework.calls import postcode_sector
from conversations.validation import find_postcode


@pytest.mark.parametrize(
    ("address", "sector"),
    [
        ("12 Elm Road, Bootle L30 4TH", "L30 4"),
        ("flat 3, sw1a1aa", "SW1A 1"),
        ("Royal Mail, GIR 0AA", "GIR 0"),
        ("9 Kiln Lane, EC1A 1BB", "EC1A 1"),
    ],
)
def test_the_sector_is_the_outward_code_and_the_first_digit_after_it(
    address: str, sector: str
) -> None:
    postcode = find_postcode(address)
    assert postcode is not None
    assert postcode_sector(postcode) == sector
    assert postcode_sector(postcode) != postcode


@pytest.mark.parametrize("postcode", ["", "L30", "L30 4", "not a postcode"])
def test_no_full_postcode_gives_no_sector(postcode: str) -> None:
    assert postcode_sector(postcode) == ""
