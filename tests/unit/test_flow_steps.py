"""The pro-forma step by step: each question's answers, follow-ups, review and submit."""

from __future__ import annotations

import pytest

from conversations import (
    AttachEvidence,
    Attachment,
    Channel,
    SubmitCall,
)
from conversations.flow import Turn
from conversations.proforma import FORM, QUESTIONS, TOTAL_QUESTIONS, Kind, Step, first_unanswered
from tests.factories import KEPT, NOW, REFUSED, TYPED, conversation_at, full_answers, say

QUESTION_STEPS = [q.step for q in FORM]


def templates(turn: Turn) -> list[str]:
    return [reply.template for reply in turn.replies]


def test_first_message_gets_the_welcome_with_the_privacy_notice_whatever_it_says() -> None:
    turn = say(None, "1")
    assert templates(turn) == ["welcome"]
    assert turn.state.welcomed and turn.state.consented_at is None
    assert [c.number for c in turn.replies[0].choices] == [1, 2]


def test_consent_starts_the_first_question_and_is_timestamped() -> None:
    turn = say(say(None).state, "1")
    assert turn.state.consented_at == NOW
    assert turn.state.step == Step.NAME
    assert turn.replies[0].template == "questions/name"
    assert turn.replies[0].context["number"] == 1
    assert turn.replies[0].context["total"] == TOTAL_QUESTIONS


def test_not_now_keeps_the_tenant_at_the_welcome() -> None:
    turn = say(say(None).state, "2")
    assert templates(turn) == ["not_now"]
    assert turn.state.step == Step.WELCOME and turn.state.consented_at is None


def test_anything_else_at_the_welcome_asks_again() -> None:
    turn = say(say(None).state, "what is this")
    assert templates(turn) == ["welcome_again"]


@pytest.mark.parametrize("step", QUESTION_STEPS)
def test_a_good_answer_is_kept_and_the_next_question_asked(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, TYPED[step])
    if QUESTIONS[step].kind in (Kind.LONG_TEXT, Kind.EVIDENCE):
        assert turn.state.step == step, "long answers wait for DONE"
        assert turn.state.answers[step] == KEPT[step]
        turn = say(turn.state, "DONE")
    assert turn.state.answers[step] == KEPT[step]
    expected = first_unanswered(turn.state.answers)
    assert turn.state.step == expected
    assert expected != step


@pytest.mark.parametrize("step", [s for s in QUESTION_STEPS if REFUSED[s] is not None])
def test_an_answer_that_does_not_fit_is_refused_with_a_reason(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, str(REFUSED[step]))
    assert turn.state.step == step
    assert step.value not in turn.state.answers
    assert turn.state.misfits == 1
    assert turn.replies[0].template.startswith("errors/")


@pytest.mark.parametrize("step", QUESTION_STEPS)
def test_an_empty_message_is_refused_kindly(step: Step) -> None:
    turn = say(conversation_at(step), "   ")
    assert turn.state.step == step
    assert turn.replies[0].template == "errors/need_answer"


@pytest.mark.parametrize("q", [q for q in FORM if q.kind == Kind.CHOICE], ids=lambda q: q.step)
def test_every_numbered_choice_works_and_out_of_range_does_not(q: object) -> None:
    from conversations.proforma import Question

    assert isinstance(q, Question)
    for number, option in enumerate(q.options, start=1):
        turn = say(conversation_at(q.step), str(number))
        assert turn.state.answers[q.step] == option
    for bad in ("0", str(len(q.options) + 1), "-1", "1.5"):
        turn = say(conversation_at(q.step), bad)
        assert q.step.value not in turn.state.answers
        assert turn.replies[0].template == "errors/choice_invalid"
        assert turn.replies[0].choices, "the buttons come back with the error"


@pytest.mark.parametrize(
    ("step", "typed", "kept"),
    [
        (Step.SERVICE_AREA, "repairs", "repairs"),
        (Step.SERVICE_AREA, "Void Works", "void_works"),
        (Step.OTHERS_AFFECTED, "yes", "yes"),
        (Step.OTHERS_AFFECTED, "No.", "no"),
        (Step.OTHERS_AFFECTED, "not sure", "not_sure"),
        (Step.COMPLAINT_STAGE, "stage 2", "stage_2"),
    ],
)
def test_choices_can_be_typed_as_words(step: Step, typed: str, kept: str) -> None:
    assert say(conversation_at(step), typed).state.answers[step] == kept


def test_postcode_alone_is_enough_for_an_address() -> None:
    assert say(conversation_at(Step.ADDRESS), "l304th").state.answers[Step.ADDRESS] == "l304th"


def test_phone_is_kept_in_e164() -> None:
    turn = say(conversation_at(Step.CONTACT_PHONE), "07911 123456")
    assert turn.state.answers[Step.CONTACT_PHONE] == "+447911123456"


def test_long_answer_spans_several_messages_until_done() -> None:
    state = conversation_at(Step.CONCERNS)
    for part in ("The lift is broken.", "It has been for weeks.", "My mum cannot get out."):
        turn = say(state, part)
        assert templates(turn) == ["long_text_more"]
        assert [c.reply for c in turn.replies[0].choices] == ["DONE"]
        state = turn.state
    assert state.answers[Step.CONCERNS] == (
        "The lift is broken.\nIt has been for weeks.\nMy mum cannot get out."
    )
    assert say(state, "done").state.step == Step.ACTIONS_TAKEN


def test_done_before_any_answer_asks_for_one() -> None:
    turn = say(conversation_at(Step.CONCERNS), "DONE")
    assert turn.state.step == Step.CONCERNS
    assert templates(turn) == ["errors/need_answer"]


def test_a_long_answer_beyond_its_cap_is_refused_and_what_was_kept_stays() -> None:
    cap = QUESTIONS[Step.CONCERNS].max_chars
    state = say(conversation_at(Step.CONCERNS), "x" * (cap - 10)).state
    turn = say(state, "y" * 20)
    assert turn.replies[0].template == "errors/too_long"
    assert turn.replies[0].context["room"] == 9
    assert turn.state.answers[Step.CONCERNS] == "x" * (cap - 10)


def test_a_short_answer_beyond_its_cap_is_refused() -> None:
    turn = say(conversation_at(Step.NAME), "A" * 81)
    assert turn.replies[0].template == "errors/too_long"
    assert Step.NAME.value not in turn.state.answers


def test_after_three_answers_that_do_not_fit_an_officer_is_offered() -> None:
    state = conversation_at(Step.ADDRESS)
    for attempt in (1, 2, 3):
        turn = say(state, "somewhere")
        state = turn.state
        assert ("offer_officer" in templates(turn)) == (attempt == 3)
    assert "offer_officer" not in templates(say(state, "nowhere"))


def test_no_officer_offer_once_support_was_requested() -> None:
    state = conversation_at(Step.ADDRESS, support_requested=True, misfits=2)
    assert "offer_officer" not in templates(say(state, "somewhere"))


@pytest.mark.parametrize(
    ("step", "answer", "follow_up"),
    [
        (Step.CONTACT_PREFERENCE, "2", Step.CONTACT_PHONE),
        (Step.SERVICE_AREA, "11", Step.SERVICE_AREA_OTHER),
        (Step.COMPLAINT_STAGE, "3", Step.COMPLAINT_REFERENCE),
        (Step.OTHERS_AFFECTED, "1", Step.AFFECTED_WHO),
    ],
)
def test_follow_up_questions_are_asked_only_when_they_apply(
    step: Step, answer: str, follow_up: Step
) -> None:
    assert say(conversation_at(step), answer).state.step == follow_up
    assert say(conversation_at(step), "1" if answer != "1" else "2").state.step != follow_up


def test_optional_questions_can_be_skipped() -> None:
    for q in FORM:
        turn = say(conversation_at(q.step), "skip")
        if q.optional:
            assert turn.state.answers[q.step] == ""
            assert turn.state.step != q.step
        else:
            assert turn.replies[0].template == "errors/cannot_skip"
            assert turn.state.step == q.step


def test_skip_after_giving_a_long_answer_keeps_it() -> None:
    state = say(conversation_at(Step.CONCERNS), "The lift.").state
    turn = say(state, "SKIP")
    assert turn.state.answers[Step.CONCERNS] == "The lift."
    assert turn.state.step == Step.ACTIONS_TAKEN


def test_evidence_photos_are_kept_with_a_count() -> None:
    turn = say(conversation_at(Step.EVIDENCE), photos=2)
    assert turn.effects == (
        AttachEvidence((Attachment("photo-0", "image/jpeg"), Attachment("photo-1", "image/jpeg"))),
    )
    assert turn.state.evidence_count == 2
    assert turn.replies[0].template == "evidence_received"
    assert turn.replies[0].context["total"] == 2
    done = say(turn.state, "DONE")
    assert done.state.step == Step.ROUTE
    assert done.state.answers[Step.EVIDENCE] == ""


def test_a_photo_at_any_other_step_is_kept_too() -> None:
    turn = say(conversation_at(Step.CONCERNS), photos=1)
    assert isinstance(turn.effects[0], AttachEvidence)
    assert templates(turn) == ["photo_kept", "questions/concerns"]
    assert turn.state.step == Step.CONCERNS


def test_a_photo_with_a_caption_keeps_both() -> None:
    turn = say(conversation_at(Step.CONCERNS), "The damp in the hall", photos=1)
    assert isinstance(turn.effects[0], AttachEvidence)
    assert turn.state.answers[Step.CONCERNS] == "The damp in the hall"


def test_the_review_lists_every_answer_and_fits_in_parts() -> None:
    turn = say(conversation_at(Step.ROUTE), "1")
    assert turn.state.step == Step.REVIEW
    parts = [r for r in turn.replies if r.template == "review_answers"]
    lines = [line for part in parts for line in part.context["lines"]]
    assert [line["field"] for line in lines] == list(turn.state.answers)
    assert turn.replies[-1].template == "review_prompt"
    assert [c.reply for c in turn.replies[-1].choices] == ["0"]


def test_changing_an_answer_from_the_review_comes_back_to_the_review() -> None:
    state = conversation_at(Step.REVIEW)
    turn = say(state, "1")
    assert turn.state.step == Step.NAME
    assert turn.replies[0].context["current"] == "Sam Jones"
    turn = say(turn.state, "Samantha Jones")
    assert turn.state.step == Step.REVIEW
    assert turn.state.answers[Step.NAME] == "Samantha Jones"


def test_a_changed_answer_that_needs_a_follow_up_asks_it_before_the_review() -> None:
    state = conversation_at(Step.REVIEW)
    number = list(state.answers).index(Step.SERVICE_AREA.value) + 1
    turn = say(say(state, str(number)).state, "5")  # Repairs: no follow-up
    assert turn.state.step == Step.REVIEW
    number = list(turn.state.answers).index(Step.CONTACT_PREFERENCE.value) + 1
    state = say(turn.state, str(number)).state
    turn = say(state, "1")
    assert turn.state.step == Step.REVIEW


def test_submitting_sends_only_answers_that_still_apply() -> None:
    state = conversation_at(Step.REVIEW)
    state = state.but(answers={**state.answers, Step.COMPLAINT_STAGE.value: "none"})
    turn = say(state, "0")
    (submit,) = turn.effects
    assert isinstance(submit, SubmitCall)
    assert Step.COMPLAINT_REFERENCE.value not in submit.answers
    assert submit.answers[Step.NAME.value] == "Sam Jones"
    assert turn.state.step == Step.SUBMITTED
    assert turn.state.calls_submitted == 1


def test_submit_by_word_works_too_and_keeps_who_the_tenant_is() -> None:
    turn = say(conversation_at(Step.REVIEW), "send")
    assert isinstance(turn.effects[0], SubmitCall)
    assert turn.effects[0].answers == full_answers()
    assert set(turn.state.answers) == {"name", "address", "contact_preference", "contact_phone"}


def test_a_new_call_after_submitting_skips_the_questions_about_the_tenant() -> None:
    state = say(conversation_at(Step.REVIEW), "0").state
    assert templates(say(state, "hello")) == ["submitted_menu"]
    turn = say(state, "1")
    assert turn.state.step == Step.SERVICE_AREA
    assert turn.replies[0].context["number"] == 4


def test_review_refuses_a_number_out_of_range() -> None:
    state = conversation_at(Step.REVIEW)
    turn = say(state, "99")
    assert templates(turn) == ["review_invalid"]
    assert turn.state == state


def test_tenants_who_cannot_send_photos_get_an_upload_link_at_the_evidence_question() -> None:
    from conversations import OfferUpload

    for channel, offered in (
        (Channel.SMS, True),
        (Channel.WEB, True),
        (Channel.TERMINAL, True),
        (Channel.TELEGRAM, False),
        (Channel.WHATSAPP, False),
    ):
        state = conversation_at(Step.AFFECTED_HOUSEHOLDS)
        turn = say(state, "12", channel=channel)
        assert turn.state.step == Step.EVIDENCE
        assert (OfferUpload() in turn.effects) == offered
        again = say(turn.state, "HELP", channel=channel)
        assert OfferUpload() not in again.effects
