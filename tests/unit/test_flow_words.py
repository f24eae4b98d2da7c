"""HELP, BACK, RESTART, SKIP, OFFICER and STATUS at every step, in any case."""

from __future__ import annotations

import pytest

from conversations import ReportStatus, RequestSupport
from conversations.flow import FLOW_WORDS, GLOBAL_WORDS
from conversations.proforma import FORM, QUESTIONS, Step
from tests.factories import conversation_at, say

EVERY_STEP = [Step.WELCOME, *(q.step for q in FORM), Step.REVIEW, Step.SUBMITTED]
CARRIER_WORDS = {
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "START",
    "REVOKE",
    "OPTOUT",
    "UNSTOP",
    "YES",
    "INFO",
}


def test_no_flow_word_is_a_carrier_opt_out_or_opt_in_word() -> None:
    assert not FLOW_WORDS & CARRIER_WORDS


@pytest.mark.parametrize("step", EVERY_STEP)
@pytest.mark.parametrize("typed", ["help", "HELP", " Help. ", "help!"])
def test_help_explains_the_words_and_asks_again(step: Step, typed: str) -> None:
    state = conversation_at(step)
    turn = say(state, typed)
    assert turn.replies[0].template == "help"
    assert len(turn.replies) == 2
    assert turn.state.answers == state.answers
    assert turn.state.step == step


@pytest.mark.parametrize("step", EVERY_STEP)
def test_back_goes_to_the_previous_question_and_loses_nothing(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, "back")
    assert turn.state.answers == state.answers
    if step in (Step.WELCOME, Step.SUBMITTED, Step.NAME):
        assert turn.replies[0].template == "at_start"
        assert turn.state.step == step
    else:
        assert turn.state.step != step
        assert turn.replies[0].template == f"questions/{turn.state.step.value}"
        assert turn.replies[0].context["current"] == state.answers[turn.state.step.value]


def test_back_then_done_returns_to_where_the_tenant_was() -> None:
    state = conversation_at(Step.FAILURES)
    back = say(say(state, "BACK").state, "BACK").state
    assert back.step == Step.COMPLAINT_STAGE
    assert say(back, "done").state.step == Step.FAILURES


@pytest.mark.parametrize("step", EVERY_STEP)
def test_restart_asks_first_and_yes_clears_every_answer(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, "Restart")
    if not state.answers or step == Step.SUBMITTED:
        assert turn.replies[0].template == "nothing_to_restart"
        return
    assert turn.replies[0].template == "restart_confirm"
    assert turn.state.answers == state.answers
    confirmed = say(turn.state, "1")
    assert confirmed.state.answers == {}
    assert confirmed.state.step == Step.NAME
    assert confirmed.replies[0].template == "restarted"


@pytest.mark.parametrize("step", [q.step for q in FORM[1:]])
def test_restart_then_no_keeps_everything(step: Step) -> None:
    state = conversation_at(step)
    turn = say(say(state, "RESTART").state, "2")
    assert turn.state.answers == state.answers
    assert turn.state.step == step
    assert turn.replies[0].template == "carry_on"


def test_restart_then_an_answer_is_taken_as_the_answer() -> None:
    state = conversation_at(Step.ADDRESS)
    turn = say(say(state, "restart").state, "L30 4TH")
    assert turn.state.answers[Step.ADDRESS] == "L30 4TH"
    assert not turn.state.confirming_restart


@pytest.mark.parametrize("step", EVERY_STEP)
def test_officer_asks_for_support_once_and_carries_on(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, "officer")
    assert turn.effects == (RequestSupport(step=step.value, reason="asked"),)
    assert turn.replies[0].template == "officer_requested"
    assert turn.state.support_requested
    assert turn.state.step == step and turn.state.answers == state.answers
    again = say(turn.state, "OFFICER")
    assert again.effects == ()
    assert again.replies[0].template == "officer_already"


@pytest.mark.parametrize("step", EVERY_STEP)
def test_status_asks_the_shell_for_the_tenants_calls(step: Step) -> None:
    state = conversation_at(step)
    turn = say(state, "status")
    (report,) = turn.effects
    assert isinstance(report, ReportStatus)
    if step in QUESTIONS:
        assert report.draft_question == QUESTIONS[step].number
    assert turn.replies == ()
    assert turn.state == state


@pytest.mark.parametrize("step", [Step.WELCOME, Step.REVIEW, Step.SUBMITTED])
def test_skip_outside_a_question_says_there_is_nothing_to_skip(step: Step) -> None:
    turn = say(conversation_at(step), "SKIP")
    assert turn.replies[0].template == "cannot_skip"


@pytest.mark.parametrize("word", sorted(CARRIER_WORDS - {"YES"}))
def test_carrier_words_are_never_treated_as_commands(word: str) -> None:
    state = conversation_at(Step.COMPLAINT_STAGE)
    turn = say(state, word)
    assert turn.effects == ()
    assert turn.replies[0].template == "errors/choice_invalid"


def test_words_inside_a_sentence_are_answers_not_commands() -> None:
    state = conversation_at(Step.CONCERNS)
    turn = say(state, "I need help with the lift")
    assert turn.state.answers[Step.CONCERNS] == "I need help with the lift"
    assert {"HELP"} <= GLOBAL_WORDS


@pytest.mark.parametrize("typed", ["¹", "²", "٣", "1" * 30, "½"])
def test_strange_digits_never_crash_a_choice_or_the_review(typed: str) -> None:
    for step in (Step.SERVICE_AREA, Step.REVIEW):
        state = conversation_at(step)
        turn = say(state, typed)
        if typed == "٣":  # a real digit three (Arabic-Indic): it is taken as choice 3
            moved_to = {Step.SERVICE_AREA: Step.CONCERNS, Step.REVIEW: Step.CONTACT_PREFERENCE}
            assert turn.state.step == moved_to[step]  # the 3rd area; editing the 3rd answer
        else:
            assert turn.state.step == step
