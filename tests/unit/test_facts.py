"""The flow says which facts a message needs; the shell looks up only those."""

from __future__ import annotations

import pytest

from conversations.facts import Needs, needs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SIGN k7qmx3", Needs(petition_code="K7QMX3")),
        ("  unsign K7QMX3. ", Needs(petition_code="K7QMX3")),
        ("Better.", Needs(follow_up=True)),
        ("worse", Needs(follow_up=True)),
        ("sign posts are broken", Needs()),
        ("1", Needs()),
        ("", Needs()),
    ],
)
def test_a_message_needs_only_what_the_flow_will_read(text: str, expected: Needs) -> None:
    assert needs(text) == expected
