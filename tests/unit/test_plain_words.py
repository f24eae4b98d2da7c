"""Plain words for tenants: the welcome, the service menu, the complaints question, the review
and the name question (issue 13)."""

from __future__ import annotations

import re


from bot.render import TEMPLATES, choice_label
from conversations import Channel, Outbound
from conversations.proforma import QUESTIONS, SERVICE_AREAS, Step
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
