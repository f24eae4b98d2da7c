"""Plain words for tenants: the welcome, the service menu, the complaints question, the review
and the name question (issue 13)."""

from __future__ import annotations

import re

import pytest

from bot.render import TEMPLATES, choice_label
from conversations import Channel, Outbound
from conversations.proforma import FORM, QUESTIONS, SERVICE_AREAS, Step, first_unanswered
from tests.factories import conversation_at, say
from tests.unit.test_flow_properties import renderer

MESSAGES = TEMPLATES / "messages"
PRIVACY_URL = "https://x.test/privacy"
PHONE = "0151 496 0000"
LANDLORD = "Pine Court Housing"


def text_of(outbound: Outbound) -> str:
    return renderer.render(outbound, Channel.SMS).text


# -- 2. the welcome and the words around "Phone me" -----------------------------------------


def test_the_welcome_says_what_the_panel_is_in_about_forty_words() -> None:
    welcome = say(None, "Hi").replies[0]
    body = text_of(welcome).split("\n1 ")[0]  # the words before the numbered choices
    ours = body.replace(LANDLORD, "").replace(PRIVACY_URL, "").replace(PHONE, "")
    assert len(re.findall(r"[\w']+", ours)) <= 40, ours  # besides the name, link and number
    assert "our tenant panel, the Customer Empowerment Panel" in body
    assert "CEP" not in body
    assert "Community Call for Scrutiny" in body  # the formal name, once


def test_no_message_of_the_form_calls_the_request_your_call() -> None:
    # Beside "Phone me", "your Call" reads as a phone call; the formal name stays whole.
    asked = [*MESSAGES.glob("questions/*.txt"), *MESSAGES.glob("errors/*.txt")]
    asked += [MESSAGES / f"{n}.txt" for n in ("help", "review_prompt", "review_invalid")]
    asked += [MESSAGES / f"{n}.txt" for n in ("photo_kept", "submitted_menu", "welcome_again")]
    for path in asked:
        assert not re.search(r"\bCall\b(?! for Scrutiny)", path.read_text()), path.name


def test_services_show_short_examples_where_they_help_and_not_sure_lets_an_officer_choose() -> None:
    assert SERVICE_AREAS[-1] == "not_sure"
    assert choice_label("service_area", "repairs") == "Repairs (lights, lifts, door entry)"
    assert choice_label("service_area", "not_sure") == "Not sure (an officer chooses)"
    turn = say(conversation_at(Step.SERVICE_AREA), "12")
    assert turn.state.answers[Step.SERVICE_AREA] == "not_sure"
    assert turn.state.step == Step.CONCERNS  # no "which service?" follow-up: the officer decides


def test_the_service_menu_fits_three_texts_however_it_is_reached() -> None:
    q = QUESTIONS[Step.SERVICE_AREA]
    for current in (None, *q.options):
        state = conversation_at(Step.SERVICE_AREA)
        if current:
            state = state.with_answer(Step.SERVICE_AREA, current)
        turn = say(state, "HELP")
        parts = renderer.messages(turn.replies[-1], Channel.SMS)
        assert len(parts) == 1, f"split in {len(parts)} with {current}"


# -- 3. the complaints question ------------------------------------------------------------


def test_the_complaints_question_says_what_stage_1_and_stage_2_are_and_offers_not_sure() -> None:
    q = QUESTIONS[Step.COMPLAINT_STAGE]
    assert q.options[-1] == "not_sure"
    turn = say(conversation_at(Step.ACTIONS_TAKEN), "I rang them")
    turn = say(turn.state, "DONE")
    text = text_of(turn.replies[0])
    assert "Stage 1 is" in text and "Stage 2 is" in text
    assert text.endswith("5 Not sure")


def test_answering_no_is_told_gently_the_panel_may_send_them_to_the_complaints_procedure() -> None:
    turn = say(conversation_at(Step.COMPLAINT_STAGE), "no")
    assert [r.template for r in turn.replies] == ["complaints_first", "questions/failures"]
    text = text_of(turn.replies[0])
    assert "may ask you" in text and PHONE in text and "OFFICER" in text
    assert turn.state.answers[Step.COMPLAINT_STAGE] == "none"


@pytest.mark.parametrize(("typed", "asked_reference"), [("not sure", False), ("2", True)])
def test_only_a_tenant_who_complained_is_asked_for_the_reference(
    typed: str, asked_reference: bool
) -> None:
    turn = say(conversation_at(Step.COMPLAINT_STAGE), typed)
    assert (turn.state.step == Step.COMPLAINT_REFERENCE) is asked_reference
    assert "complaints_first" not in [r.template for r in turn.replies]


# -- 4. the review shows what was given ------------------------------------------------------


def test_the_review_counts_the_photos_and_documents_received() -> None:
    state = say(conversation_at(Step.EVIDENCE), photos=2).state
    turn = say(say(state, "DONE").state, "1")
    assert turn.state.step == Step.REVIEW
    review = "\n".join(text_of(r) for r in turn.replies)
    assert "Evidence: 2 photos or documents" in review
    assert "Evidence: none" not in review
    assert "We have 2 photos or documents from you" in review


def test_files_kept_through_the_upload_link_are_counted_in_the_review_too() -> None:
    # The upload page (backend) counts them into the saved conversation with with_evidence.
    state = conversation_at(Step.EVIDENCE).with_evidence(3)
    turn = say(say(state, "DONE").state, "1")
    review = "\n".join(text_of(r) for r in turn.replies)
    assert "Evidence: 3 photos or documents" in review


def test_the_review_shows_enough_of_each_answer_to_check_it() -> None:
    concern = "The lift in Elm Court has been broken since March and my mum cannot get out"
    state = conversation_at(Step.ROUTE).with_answer(Step.CONCERNS, concern)
    review = "\n".join(text_of(r) for r in say(state, "1").replies)
    [line] = [line for line in review.splitlines() if line.startswith("7 Concerns:")]
    assert len(line.split(": ", 1)[1].split()) >= 8, line  # not three words


def test_a_skipped_answer_shows_as_none_in_the_review() -> None:
    state = conversation_at(Step.ROUTE).with_answer(Step.COMPLAINT_REFERENCE, "")
    review = "\n".join(text_of(r) for r in say(state, "1").replies)
    assert "Complaint ref: none" in review


def test_going_back_to_phone_me_asks_for_the_number_again_showing_the_one_we_have() -> None:
    review = conversation_at(Step.REVIEW)
    at_contact = say(review, "3").state
    assert at_contact.step == Step.CONTACT_PREFERENCE
    turn = say(at_contact, "Phone me")
    assert turn.state.step == Step.CONTACT_PHONE
    assert turn.replies[0].context["current"] == "+447911123456"
    assert say(turn.state, "07800 123456").state.answers[Step.CONTACT_PHONE] == "+447800123456"
    assert say(turn.state, "DONE").state.step == Step.REVIEW


def test_keeping_an_answer_with_done_keeps_its_follow_up_without_asking_it_again() -> None:
    at_contact = say(conversation_at(Step.REVIEW), "3").state
    assert say(at_contact, "DONE").state.step == Step.REVIEW


def test_a_follow_up_of_a_follow_up_is_asked_again_too() -> None:
    state = conversation_at(Step.REVIEW)
    number = 1 + [q.step for q in FORM if q.step.value in state.answers].index(Step.OTHERS_AFFECTED)
    turn = say(say(state, str(number)).state, "yes")
    assert turn.state.step == Step.AFFECTED_WHO
    turn = say(say(turn.state, "DONE").state, "DONE")
    assert turn.state.step == first_unanswered(turn.state.answers) == Step.REVIEW


# -- 5. a name that is a sentence ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "I want to complain about the lights",
        "the lift is broken again",
        "Hello",
        "yes",
        "Can someone help me please",
        "My lights have been out for weeks",
    ],
)
def test_a_sentence_at_the_name_question_is_queried_not_kept(typed: str) -> None:
    turn = say(conversation_at(Step.NAME), typed)
    assert Step.NAME.value not in turn.state.answers
    assert turn.replies[0].template == "errors/name_sentence"
    assert "name" in text_of(turn.replies[0])


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Sam Jones", "Sam Jones"),
        ("My name is Sam Jones", "Sam Jones"),
        ("Hi, I'm Mrs Patel", "Mrs Patel"),
        ("Siobhan O'Neill-Murphy", "Siobhan O'Neill-Murphy"),
        ("Do Van Anh", "Do Van Anh"),
        ("mary", "mary"),
    ],
)
def test_a_name_is_kept_without_my_name_is(typed: str, kept: str) -> None:
    assert say(conversation_at(Step.NAME), typed).state.answers[Step.NAME] == kept
