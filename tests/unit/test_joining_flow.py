"""Offering a neighbour's petition about the same problem while a tenant answers (issue 15)."""

from __future__ import annotations

import pytest

from conversations import AttachEvidence, Channel, OfferUpload, SendPetitionLink, SignPetition, Step
from conversations.facts import needs
from conversations.state import Conversation
from tests.factories import SIMILAR_FACTS, conversation_at, say

CONCERN = "The lift keeps breaking down."


def _writing_concern() -> Conversation:
    """A tenant at the concern question with their concern written, about to say DONE."""
    return conversation_at(Step.CONCERNS).with_answer(Step.CONCERNS, CONCERN).but(collecting=True)


def _offered(channel: Channel = Channel.SMS, **changes: object) -> Conversation:
    turn = say(_writing_concern().but(**changes), "DONE", channel=channel, facts=SIMILAR_FACTS)
    return turn.state


def test_a_finished_concern_like_a_neighbours_is_offered_their_petition_in_public_words() -> None:
    turn = say(_writing_concern(), "DONE", facts=SIMILAR_FACTS)
    [offer] = turn.replies
    assert offer.template == "similar/offer"
    assert offer.context == {
        "reference": "CCS-2026-0042",
        "summary": "The lift at Maple House breaks down every week.",
        "area": "Repairs",
        "place": "L30 4",
        "count": 12,
    }
    assert [c.value for c in offer.choices] == ["sign", "carry_on"]
    assert turn.state.answers[Step.CONCERNS] == CONCERN
    assert turn.state.step == Step.ACTIONS_TAKEN  # asked once they choose
    assert turn.state.offer is not None and turn.state.similar_offered


def test_without_a_similar_petition_the_next_question_comes_as_before() -> None:
    turn = say(_writing_concern(), "DONE")
    assert [r.template for r in turn.replies] == ["questions/actions_taken"]
    assert turn.state.offer is None and not turn.state.similar_offered


@pytest.mark.parametrize("reply", ["2", "carry on", "my own", "Carry on with my own please"])
def test_carrying_on_asks_the_next_question_and_keeps_every_answer(reply: str) -> None:
    offered = _offered()
    turn = say(offered, reply)
    assert [r.template for r in turn.replies] == ["carry_on", "questions/actions_taken"]
    assert turn.state.answers == offered.answers
    assert turn.state.offer is None


@pytest.mark.parametrize("reply", ["1", "sign", "sign it", "join", "SIGN THAT PETITION"])
def test_signing_by_text_signs_with_the_name_and_address_given_and_sets_the_draft_aside(
    reply: str,
) -> None:
    offered = _offered()
    turn = say(offered, reply)
    assert turn.effects == (
        SignPetition("K7QMX3", "Sam Jones", "12 Elm Road, Bootle L30 4TH", "CCS-2026-0042"),
        # A text cannot carry a photo: a link to add their own to that Call (point 3).
        OfferUpload("CCS-2026-0042"),
    )
    assert turn.state.step == Step.SET_ASIDE
    assert turn.state.answers == offered.answers


def test_on_whatsapp_a_signer_sends_photos_and_they_go_to_the_neighbours_call() -> None:
    offered = _offered(Channel.WHATSAPP)
    signed = say(offered, "sign", channel=Channel.WHATSAPP)
    assert [type(e) for e in signed.effects] == [SignPetition]
    turn = say(signed.state, "", channel=Channel.WHATSAPP, photos=2)
    [kept] = [e for e in turn.effects if isinstance(e, AttachEvidence)]
    assert kept.to_reference == "CCS-2026-0042" and len(kept.attachments) == 2
    assert turn.replies[0].context == {"count": 2, "reference": "CCS-2026-0042"}
    assert turn.state.evidence_count == offered.evidence_count  # not the draft's


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.TELEGRAM])
def test_in_a_chat_without_a_phone_number_signing_goes_to_the_signing_page(
    channel: Channel,
) -> None:
    turn = say(_offered(channel), "sign it", channel=channel)
    assert [r.template for r in turn.replies] == ["similar/use_link", "similar/set_aside"]
    assert turn.replies[0].context["url"] == "http://127.0.0.1:8000/s/K7QMX3"
    assert turn.replies[1].context["reference"] == "CCS-2026-0042"
    assert turn.effects == ()


def test_a_caller_with_a_mobile_is_texted_the_signing_page_and_never_signs_by_voice() -> None:
    offered = _offered(Channel.VOICE, texts=True)
    turn = say(offered, "1", channel=Channel.VOICE, facts={"mobile": "yes"})
    assert turn.effects == (SendPetitionLink("K7QMX3"),)
    assert turn.state.step == Step.SET_ASIDE


def test_carrying_on_after_signing_brings_the_tenant_back_to_their_own_answers() -> None:
    aside = say(_offered(), "sign").state
    turn = say(aside, "carry on")
    assert turn.state.step == Step.ACTIONS_TAKEN
    assert [r.template for r in turn.replies] == ["carry_on", "questions/actions_taken"]
    assert turn.state.answers == aside.answers


def test_anything_else_while_set_aside_shows_how_to_carry_on_and_keeps_everything() -> None:
    aside = say(_offered(), "sign").state
    turn = say(aside, "hello?")
    assert [r.template for r in turn.replies] == ["similar/set_aside"]
    assert turn.state == aside


def test_a_reply_that_is_neither_asks_again_and_changes_nothing() -> None:
    offered = _offered()
    turn = say(offered, "what does that mean")
    assert [r.template for r in turn.replies] == ["similar/offer_again"]
    assert turn.state == offered


def test_help_during_the_offer_shows_the_offer_again() -> None:
    turn = say(_offered(), "HELP")
    assert [r.template for r in turn.replies] == ["help", "similar/offer_again"]
    assert turn.state.offer is not None


def test_the_offer_is_made_once_for_a_draft() -> None:
    carried_on = say(_offered(), "carry on").state
    back = say(carried_on, "BACK").state
    assert back.step == Step.CONCERNS
    again = say(say(back, "more words").state, "DONE", facts=SIMILAR_FACTS)
    assert [r.template for r in again.replies] == ["questions/actions_taken"]


def test_the_look_up_is_asked_for_only_as_a_concern_can_finish() -> None:
    assert needs("DONE", _writing_concern()).similar
    assert needs("that's all", _writing_concern()).similar
    assert not needs("DONE", conversation_at(Step.CONCERNS)).similar  # nothing written yet
    assert not needs("DONE", conversation_at(Step.ACTIONS_TAKEN)).similar
    assert not needs("DONE", _offered()).similar
    assert not needs("SIGN K7QMX3", _writing_concern()).similar
    assert not needs("DONE").similar
