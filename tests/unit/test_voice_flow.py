"""The conversation on a phone call: greeting and resuming, keys, answers read back before they
are kept, the officers' line, the reference by text, and evidence that cannot come by phone."""

from __future__ import annotations

import re
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import (
    Channel,
    Conversation,
    OfferUpload,
    RequestSupport,
    Step,
    SubmitCall,
    TextDetails,
)
from conversations.facts import MOBILE_FACT, OFFICER_LINE_FACT
from conversations.flow import Turn
from conversations.proforma import QUESTIONS, Kind
from conversations.signing import PETITION_FACT, PETITION_URL_FACT
from tests.factories import TYPED, conversation_at, sample_renderer, say

MOBILE = {MOBILE_FACT: "yes"}
LINE_OPEN = {**MOBILE, OFFICER_LINE_FACT: "+441514960000"}
call = partial(say, channel=Channel.VOICE, facts=MOBILE)
RENDERER = sample_renderer()


def templates(turn: Turn) -> list[str]:
    return [reply.template for reply in turn.replies]


def test_a_new_caller_is_welcomed_and_a_returning_one_picks_up_where_they_stopped() -> None:
    first = call(None, opening=True)
    assert templates(first) == ["welcome"] and first.state.welcomed
    halfway = conversation_at(Step.CONCERNS, heard="the lift", officer_offered=True)
    back = call(halfway, opening=True)
    assert templates(back) == ["voice/welcome_back", "questions/concerns"]
    assert back.state.step == Step.CONCERNS
    assert back.state.heard is None and not back.state.officer_offered  # asked again afresh


def test_a_free_answer_is_read_back_and_kept_only_when_the_caller_says_yes() -> None:
    heard = call(conversation_at(Step.NAME), "Sam Jones")
    assert templates(heard) == ["voice/heard"]
    assert heard.replies[0].context["text"] == "Sam Jones"
    assert heard.state.step == Step.NAME and heard.state.heard == "Sam Jones"
    kept = call(heard.state, "Yes, that's right.")
    assert kept.state.answers[Step.NAME] == "Sam Jones"
    assert kept.state.step == Step.ADDRESS and kept.state.heard is None
    by_key = call(heard.state, "1")
    assert by_key.state.answers[Step.NAME] == "Sam Jones"


def test_no_asks_again_and_another_try_is_read_back_in_its_place() -> None:
    heard = call(conversation_at(Step.NAME), "Sam Jones").state
    again = call(heard, "No.")
    assert templates(again) == ["voice/say_again"]
    assert again.state.heard is None and Step.NAME not in again.state.answers
    second = call(heard, "Sam Jonas")  # a new try instead of yes or no
    assert templates(second) == ["voice/heard"] and second.state.heard == "Sam Jonas"
    assert call(second.state, "2").state.heard is None


def test_a_word_that_works_anywhere_still_works_while_an_answer_is_read_back() -> None:
    heard = call(conversation_at(Step.ADDRESS), "Elm Road").state
    back = call(heard, "*")
    assert back.state.step == Step.NAME and back.state.heard is None


def test_a_heard_answer_is_checked_once_kept_like_a_typed_one() -> None:
    heard = call(conversation_at(Step.ADDRESS), "12 Elm Road").state
    kept = call(heard, "yes")
    assert templates(kept)[0] == "errors/postcode_invalid"  # no postcode in what was said
    assert kept.state.step == Step.ADDRESS


def test_a_long_answer_is_spoken_in_parts_each_read_back_and_hash_closes_it() -> None:
    state = conversation_at(Step.CONCERNS)
    state = call(call(state, "The lift is broken.").state, "yes").state
    assert templates(call(state, "x"))[0] == "voice/heard"
    state = call(call(state, "It has been weeks.").state, "1").state
    assert state.answers[Step.CONCERNS] == "The lift is broken.\nIt has been weeks."
    done = call(state, "#")
    assert done.state.step == Step.ACTIONS_TAKEN


def test_choices_are_taken_by_key_or_by_words_without_reading_back() -> None:
    by_key = call(conversation_at(Step.SERVICE_AREA), "5")
    assert by_key.state.answers[Step.SERVICE_AREA] == "repairs"
    by_words = call(conversation_at(Step.SERVICE_AREA), "It's the repairs.")
    assert by_words.state.answers[Step.SERVICE_AREA] == "repairs"


def test_star_goes_back_hash_keeps_and_zero_asks_for_a_person() -> None:
    assert call(conversation_at(Step.ADDRESS), "*").state.step == Step.NAME
    answered = conversation_at(Step.CONCERNS).with_answer(Step.CONCERNS, "The lift.")
    assert call(answered, "#").state.step == Step.ACTIONS_TAKEN
    person = call(conversation_at(Step.ADDRESS), "0")
    assert person.effects == (RequestSupport(step="address", reason="asked"),)


def test_at_the_review_zero_sends_as_in_a_text_and_a_mobile_is_offered_the_reference() -> None:
    sent = call(conversation_at(Step.REVIEW), "0")
    (submit,) = sent.effects
    assert isinstance(submit, SubmitCall) and submit.offer_text
    assert sent.state.step == Step.SUBMITTED and sent.state.text_offered
    texting = call(sent.state, "yes")
    assert texting.effects == (TextDetails(),)
    assert templates(texting) == ["voice/texting", "submitted_menu"]
    declined = call(sent.state, "2")
    assert declined.effects == () and templates(declined)[0] == "voice/not_texting"


def test_a_landline_is_never_offered_a_text() -> None:
    sent = say(conversation_at(Step.REVIEW), "send it", channel=Channel.VOICE)
    (submit,) = sent.effects
    assert isinstance(submit, SubmitCall) and not submit.offer_text
    assert not sent.state.text_offered
    assert not say(conversation_at(Step.REVIEW), "0").effects[0].offer_text  # type: ignore[union-attr]


def test_in_working_hours_a_caller_is_offered_the_officers_line_or_a_call_back() -> None:
    offered = call(conversation_at(Step.ADDRESS), "Officer.", facts=LINE_OPEN)
    assert templates(offered) == ["voice/officer_offer"] and offered.state.officer_offered
    through = call(offered.state, "1", facts=LINE_OPEN)
    (putting,) = through.replies
    assert putting.template == "voice/putting_through"
    assert putting.context["dial"] == "+441514960000"
    assert through.effects == (RequestSupport(step="address", reason="asked"),)
    later = call(offered.state, "call me back", facts=LINE_OPEN)
    assert templates(later) == ["officer_requested", "questions/address"]
    assert later.effects == (RequestSupport(step="address", reason="asked"),)


def test_out_of_hours_officer_records_a_request_for_a_call_back() -> None:
    asked = call(conversation_at(Step.ADDRESS), "0")
    assert templates(asked)[0] == "officer_requested" and not asked.state.officer_offered


def test_evidence_cannot_come_by_phone_so_a_mobile_may_ask_for_a_link_by_text() -> None:
    arriving = call(conversation_at(Step.AFFECTED_HOUSEHOLDS), "skip")
    assert arriving.state.step == Step.EVIDENCE
    assert not any(isinstance(e, OfferUpload) for e in arriving.effects)  # asked first
    (question,) = arriving.replies
    assert question.context["texts"] and question.choices[0].value == "text_link"
    link = call(arriving.state, "1")
    assert link.effects == (OfferUpload(),) and templates(link) == ["voice/link_texting"]
    described = call(arriving.state, "I have text messages from the contractor.")
    assert templates(described) == ["voice/heard"]  # a description, not a request for a link
    landline = say(conversation_at(Step.EVIDENCE), "", channel=Channel.VOICE, opening=True)
    assert not landline.replies[-1].context["texts"]


def test_a_neighbour_cannot_sign_a_petition_by_phone() -> None:
    facts = {**MOBILE, PETITION_FACT: "Fix the lift", PETITION_URL_FACT: "https://x.test/s/ABCDEF"}
    turn = call(conversation_at(Step.NAME), "SIGN ABCDEF", facts=facts)
    assert templates(turn) == ["petition/use_link"] and not turn.effects


def test_text_channels_are_not_read_back() -> None:
    typed = say(conversation_at(Step.NAME), "Sam Jones")
    assert typed.state.answers[Step.NAME] == "Sam Jones" and typed.state.heard is None
    assert say(conversation_at(Step.ADDRESS), "*").state.step == Step.ADDRESS  # no keypad here


def test_every_free_answer_said_and_confirmed_is_kept_as_the_same_answer_typed() -> None:
    for q in QUESTIONS.values():
        if q.options:
            continue
        state = conversation_at(q.step)
        typed = say(state, TYPED[q.step]).state
        heard = call(state, TYPED[q.step]).state
        assert heard.heard == TYPED[q.step], q.step
        spoken = call(heard, "yes").state
        assert spoken.answers == typed.answers and spoken.step == typed.step, q.step


def test_a_request_said_aloud_is_a_command_but_an_answer_with_its_words_is_an_answer() -> None:
    asked = call(conversation_at(Step.NAME), "Can I speak to someone?")
    assert asked.effects == (RequestSupport(step="name", reason="asked"),)
    assert call(conversation_at(Step.ADDRESS), "Let me go back.").state.step == Step.NAME
    other = call(conversation_at(Step.SERVICE_AREA_OTHER), "The help desk")
    assert templates(other) == ["voice/heard"]
    typed = say(conversation_at(Step.CONCERNS), "Can I speak to someone?")
    assert typed.state.answers[Step.CONCERNS] == "Can I speak to someone?"  # text: an answer


keys = st.sampled_from(["*", "#", "0", "1", "2", "5", "12", "07911123456#", "**", "#1", "9"])
said = st.sampled_from(
    [
        "Yes.",
        "No.",
        "Help.",
        "Go back.",
        "Can I speak to someone?",
        "Skip.",
        "Done.",
        "Text me a link.",
        "Put me through.",
        "I don't know what you mean.",
        "The lift is broken again & it's 50% worse http://x.test",
        "",
    ]
)
SPEAKABLE = re.compile(r"[\w\s.,?!'-]*")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.one_of(keys, said, st.sampled_from(list(TYPED.values()))), st.booleans()),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from([MOBILE, LINE_OPEN, {}]),
)
def test_any_keys_and_words_on_any_calls_keep_a_valid_state_and_speakable_replies(
    turns: list[tuple[str, bool]], facts: dict[str, str]
) -> None:
    state = None
    for text, dropped in turns:
        if dropped:  # the line dropped: the next call opens where it stopped
            state = call(state, opening=True, facts=facts).state
        turn = call(state, text, facts=facts)
        state = turn.state
        assert Conversation.from_json(state.to_json()) == state
        if state.step in QUESTIONS:
            assert QUESTIONS[state.step].applies(state.answers)
        if state.heard is not None:  # only a free answer is read back
            assert state.step in QUESTIONS and QUESTIONS[state.step].kind != Kind.CHOICE
        for reply in turn.replies:
            spoken = RENDERER.render(reply, Channel.VOICE).text
            assert spoken and SPEAKABLE.fullmatch(spoken), spoken


def _good_answer(state: Conversation) -> str:
    if state.heard is not None:
        return "1"
    if state.step in (Step.WELCOME, Step.SUBMITTED):
        return "1"
    if state.step == Step.REVIEW:
        return "0"
    q = QUESTIONS[state.step]
    if q.kind in (Kind.LONG_TEXT, Kind.EVIDENCE) and state.step in state.answers:
        return "#"
    return TYPED[state.step]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_caller_who_mostly_answers_sends_the_call_whatever_else_they_say(
    data: st.DataObject,
) -> None:
    state = call(None, opening=True).state
    submitted: list[SubmitCall] = []
    junk_left, drops_left = 30, 5
    for _ in range(300):
        if drops_left and data.draw(st.integers(0, 20)) == 0:
            drops_left -= 1
            state = call(state, opening=True).state  # a dropped call, and a new one
        if junk_left and data.draw(st.booleans()):
            junk_left -= 1
            text = data.draw(st.one_of(keys, said))
        else:
            text = _good_answer(state)
        turn = call(state, text)
        if turn.state.confirming_restart:
            turn = call(turn.state, "2")
        submitted += [e for e in turn.effects if isinstance(e, SubmitCall)]
        state = turn.state
        if submitted:
            break
    assert submitted, f"never reached submit; stuck at {state.step}"
    for step in ("name", "address", "service_area", "concerns", "failures", "route"):
        assert submitted[0].answers[step]
