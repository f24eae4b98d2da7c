"""Signing by text and appealing by message, beside the pro-forma, which they leave alone."""

from __future__ import annotations

import pytest

from conversations import Channel, LodgeAppeal, SignPetition, WithdrawSignature
from conversations.appeals import command as appeal_command
from conversations.proforma import Step
from conversations.signing import PETITION_FACT, PETITION_URL_FACT
from conversations.signing import command as sign_command
from tests.factories import conversation_at, sample_renderer, say

OPEN = {
    PETITION_FACT: "Ask the tenant panel to look into Repairs",
    PETITION_URL_FACT: "https://x/s/K7QMX3",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SIGN K7QMX3", (False, "K7QMX3")),
        ("sign k7qmx3.", (False, "K7QMX3")),
        ("UNSIGN K7QMX3", (True, "K7QMX3")),
        ("sign posts", None),
        ("SIGN", None),
        ("please sign K7QMX3", None),
        ("SIGN K7QMX3 now", None),
    ],
)
def test_sign_commands_are_recognised_and_nothing_else(text: str, expected: object) -> None:
    assert sign_command(text) == expected


def test_signing_by_text_asks_name_then_address_then_signs_and_leaves_the_draft_alone() -> None:
    draft = conversation_at(Step.CONCERNS)
    turn = say(draft, "SIGN k7qmx3", facts=OPEN)
    assert turn.replies[0].template == "petition/ask_name"
    turn = say(turn.state, "12345")
    assert turn.replies[0].template == "errors/name_invalid"
    turn = say(turn.state, "Ed Jones")
    assert turn.replies[0].template == "petition/ask_address"
    turn = say(turn.state, "Somewhere")
    assert turn.replies[0].template == "errors/postcode_invalid"
    turn = say(turn.state, "7 Oak Road L30 4TH")
    assert turn.effects == (SignPetition("K7QMX3", "Ed Jones", "7 Oak Road L30 4TH"),)
    assert turn.state.signing_code is None
    assert turn.state.answers == draft.answers and turn.state.step == Step.CONCERNS


def test_an_unknown_or_closed_petition_code_is_said_at_once() -> None:
    turn = say(conversation_at(Step.NAME), "SIGN ZZZZZZ")
    assert turn.replies[0].template == "petition/unknown_code"
    assert turn.state.signing_code is None


def test_signing_is_by_phone_only_elsewhere_the_page_is_offered() -> None:
    turn = say(conversation_at(Step.NAME), "SIGN K7QMX3", channel=Channel.TELEGRAM, facts=OPEN)
    assert turn.replies[0].template == "petition/use_link"
    assert turn.replies[0].context["url"] == "https://x/s/K7QMX3"


def test_unsign_in_any_chat_leads_to_the_page_that_takes_a_signature_back() -> None:
    for channel in (Channel.TELEGRAM, Channel.WEB, Channel.TERMINAL):
        turn = say(conversation_at(Step.NAME), "unsign K7QMX3", channel=channel, facts=OPEN)
        assert turn.replies[0].template == "petition/use_link" and not turn.effects
        assert turn.replies[0].context["url"] == "https://x/s/K7QMX3/withdraw"
        text = sample_renderer().render(turn.replies[0], channel).text
        assert "To take back your signature" in text and "/withdraw" in text


def test_unsign_withdraws() -> None:
    assert say(conversation_at(Step.NAME), "UNSIGN K7QMX3").effects == (
        WithdrawSignature("K7QMX3"),
    )


def test_a_flow_word_while_signing_stops_signing_and_does_its_job() -> None:
    turn = say(say(conversation_at(Step.ADDRESS), "SIGN K7QMX3", facts=OPEN).state, "HELP")
    assert turn.state.signing_code is None
    assert turn.replies[0].template == "help"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("APPEAL CCS-2026-0042 You ignored my photos", ("CCS-2026-0042", "You ignored my photos")),
        ("appeal ccs 2026 42: not fair", ("CCS-2026-0042", "not fair")),
        ("APPEAL", ("", "")),
        ("APPEAL CCS-2026-0042", ("CCS-2026-0042", "")),
        ("Appeal to the landlord was ignored", None),
        ("Appealing to everyone", None),
    ],
)
def test_appeal_commands(text: str, expected: object) -> None:
    assert appeal_command(text) == expected


def test_an_appeal_with_reasons_is_lodged_whatever_the_step() -> None:
    draft = conversation_at(Step.FAILURES)
    turn = say(draft, "APPEAL CCS-2026-0042 The panel did not see my photos")
    assert turn.effects == (LodgeAppeal("CCS-2026-0042", "The panel did not see my photos"),)
    assert turn.state == draft


def test_an_appeal_without_reasons_asks_for_them_in_one_message() -> None:
    turn = say(conversation_at(Step.SUBMITTED), "APPEAL CCS-2026-0042")
    assert turn.replies[0].template == "outcomes/appeal_reasons"
    assert turn.effects == ()


def test_a_bare_appeal_names_no_call_the_tenant_did_not_name() -> None:
    turn = say(conversation_at(Step.SUBMITTED), "APPEAL")
    assert turn.replies[0].template == "outcomes/appeal_reasons"
    assert turn.replies[0].context == {"reference": ""}  # the template shows how, by example
    assert turn.effects == ()


def test_an_answer_that_starts_with_appeal_is_still_an_answer() -> None:
    turn = say(conversation_at(Step.CONCERNS), "Appeal to the landlord was ignored")
    assert turn.state.answers[Step.CONCERNS] == "Appeal to the landlord was ignored"
