"""One signature per name and address, however they are written: case, spacing, punctuation,
accents and the postcode's own spacing make no second signature; different names do."""

from __future__ import annotations

import pytest

from backend.petitions.signatures import home_of, identity_of


@pytest.mark.parametrize(
    ("name", "address"),
    [
        (" ann  LEE ", "3 elm road l30 4th"),
        ("Ann Lee.", "3, Elm Road,  L30  4TH"),
        ("ANN LEE", "3 Elm Road L304TH"),
        ("Ann-Lee", "3 Elm Road, l304th."),
        ("Ann Lee", "3 ELM ROAD\nL30 4TH"),
    ],
)
def test_the_same_person_written_differently_is_one_signature(name: str, address: str) -> None:
    same = identity_of("Ann Lee", "3 Elm Road, L30 4TH", per_household=False)
    assert identity_of(name, address, per_household=False) == same
    assert home_of(address) == home_of("3 Elm Road, L30 4TH")


def test_accents_do_not_make_a_second_signature() -> None:
    assert identity_of("Zoë Brontë", "1 Ash Road L20 3DF", per_household=False) == identity_of(
        "Zoe Bronte", "1 Ash Road L20 3DF", per_household=False
    )


def test_different_names_in_any_script_are_different_people() -> None:
    address = "7 Oak Road L30 4TH"
    for first, second in (("أحمد علي", "محمد علي"), ("Łukasz Nowak", "Paweł Nowak")):
        assert identity_of(first, address, per_household=False) != identity_of(
            second, address, per_household=False
        )


def test_different_homes_stay_different() -> None:
    assert home_of("3 Elm Road L30 4TH") != home_of("3 Elm Road L30 4TJ")
    assert home_of("Flat 2, 3 Elm Road L30 4TH") != home_of("Flat 3, 3 Elm Road L30 4TH")
