"""Replies in the tenant's own words: asking when unsure, words that work anywhere, free text
left alone, and the reader's promises under any input (hypothesis)."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render import TEMPLATES, choice_label, label, words
from bot.sms_text import segments
from conversations import Channel, Choice, Conversation, SubmitCall
from conversations.channels import SMS_SEGMENTS
from conversations.flow import GLOBAL_WORDS, NO_WORDS
from conversations.proforma import FORM, QUESTIONS, Kind, Step, submitted_answers
from conversations.understanding import FILLER, read
from conversations.validation import clean
from tests.factories import KEPT, TYPED, conversation_at, say
from tests.unit.test_flow_properties import renderer
from tests.unit.test_understanding_table import REPLIES

CHOICE_QUESTIONS = [q for q in FORM if q.kind == Kind.CHOICE]
FREE_TEXT = [q.step for q in FORM if q.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT)]


def menu_of(step: Step) -> tuple[Choice, ...]:
    q = QUESTIONS[step]
    return tuple(Choice(n, v, q.option_kind) for n, v in enumerate(q.options, start=1))


# -- asking which, when a reply fits more than one option -------------------------------------


def test_a_reply_that_fits_two_options_asks_which_listing_just_those_by_their_numbers() -> None:
    turn = say(conversation_at(Step.CONTACT_PREFERENCE), "phone or text")
    [which] = turn.replies
    assert which.template == "which_one"
    assert [(c.number, c.value) for c in which.choices] == [(1, "here"), (2, "phone")]
    assert Step.CONTACT_PREFERENCE.value not in turn.state.answers
    text = renderer.render(which, Channel.SMS).text
    assert text.endswith("1 Message me here\n2 Phone me") and "Write to me" not in text


def test_after_asking_which_the_first_one_means_the_first_of_those_listed() -> None:
    asked = say(conversation_at(Step.COMPLAINT_STAGE), "yes").state
    assert asked.between == ("stage_1", "stage_2", "review_panel")
    turn = say(asked, "the second one")
    assert turn.state.answers[Step.COMPLAINT_STAGE] == "stage_2"
    assert turn.state.between == ()


def test_after_asking_which_a_number_still_means_the_menu_number_shown() -> None:
    asked = say(conversation_at(Step.COMPLAINT_STAGE), "yes").state
    assert say(asked, "4").state.answers[Step.COMPLAINT_STAGE] == "review_panel"
    assert say(asked, "stage 1").state.answers[Step.COMPLAINT_STAGE] == "stage_1"


def test_the_question_asked_after_which_is_forgotten_on_any_other_message() -> None:
    asked = say(conversation_at(Step.CONTACT_PREFERENCE), "phone or text").state
    helped = say(asked, "HELP").state
    assert helped.between == ()
    # "the first one" now means the menu's first option again, not the first of the two.
    assert say(helped, "the first one").state.answers[Step.CONTACT_PREFERENCE] == "here"


def test_the_review_asks_which_when_a_reply_names_sending_and_an_answer() -> None:
    turn = say(conversation_at(Step.REVIEW), "send photos")
    assert turn.replies[0].template == "which_one"
    assert [c.value for c in turn.replies[0].choices] == ["send", "evidence"]
    assert not turn.effects


def test_a_long_reply_at_a_menu_is_read_and_if_not_understood_the_menu_still_fits_a_text() -> None:
    story = "The lift in our block has been broken for weeks and my mum cannot get out. " * 4
    assert say(conversation_at(Step.SERVICE_AREA), story).state.answers[Step.SERVICE_AREA] == (
        "repairs"
    )
    refused = say(conversation_at(Step.SERVICE_AREA), "x" * 1600).replies
    assert [r.template for r in refused] == ["errors/choice_invalid"]
    assert segments(renderer.render(refused[0], Channel.SMS).text) <= SMS_SEGMENTS


# -- words that work anywhere are never taken for an option ------------------------------------

MENU_STEPS = [
    Step.WELCOME,
    *(q.step for q in CHOICE_QUESTIONS),
    Step.REVIEW,
    Step.SUBMITTED,
]


@pytest.mark.parametrize("step", MENU_STEPS)
@pytest.mark.parametrize("typed", ["hlep", "bakc", "stauts", "ofiser", "restrat", "skp", "HELP!"])
def test_a_slip_on_a_word_that_works_anywhere_never_chooses_an_option(
    step: Step, typed: str
) -> None:
    state = conversation_at(step)
    turn = say(state, typed)
    assert state.answers.items() <= turn.state.answers.items()
    assert not any(isinstance(e, SubmitCall) for e in turn.effects)
    if step in QUESTIONS:
        assert step.value not in turn.state.answers


def test_no_option_claims_a_word_that_works_anywhere_as_its_own() -> None:
    # Typed alone such a word is the command (the flow reads it first); in a list it would
    # only mislead whoever edits the words.
    single = {w.lower() for w in GLOBAL_WORDS} - {"officer"}
    for kind, options in words().options.items():
        for value, phrases in options.items():
            if kind == "words" and value == "skip":
                continue  # the SKIP choice itself
            assert not single & {" ".join(p) for p in phrases}, f"{kind}.{value}"


@pytest.mark.parametrize("step", MENU_STEPS)
@pytest.mark.parametrize(("typed", "template"), [("help please", "help"), ("go back", None)])
def test_words_that_work_anywhere_work_in_other_words_at_a_menu(
    step: Step, typed: str, template: str | None
) -> None:
    state = conversation_at(step)
    turn = say(state, typed)
    if template is not None:
        assert turn.replies[0].template == template
    elif step in (Step.WELCOME, Step.SUBMITTED):
        assert turn.replies[0].template == "at_start"
    else:
        assert turn.state.step != step and turn.state.answers == state.answers


@pytest.mark.parametrize(
    "step", [Step.NAME, Step.ADDRESS, Step.CONTACT_PHONE, Step.AFFECTED_HOUSEHOLDS]
)
def test_go_back_and_help_me_work_where_the_answer_is_checked(step: Step) -> None:
    state = conversation_at(step)
    assert say(state, "help me please").replies[0].template == "help"
    went = say(state, "go back")
    assert went.state.answers == state.answers
    assert went.state.step != step or went.replies[0].template == "at_start"


@pytest.mark.parametrize("step", [Step.CONCERNS, Step.SERVICE_AREA_OTHER, Step.FAILURES_SINCE])
def test_go_back_in_free_text_is_an_answer(step: Step) -> None:
    assert say(conversation_at(step), "go back").state.answers[step] == "go back"


def test_officer_typed_alone_at_the_last_question_still_asks_for_an_officer() -> None:
    turn = say(conversation_at(Step.ROUTE), "OFFICER")
    assert turn.state.support_requested and Step.ROUTE.value not in turn.state.answers


# -- free text is never read as a menu ---------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        (Step.CONCERNS, "Please phone me about the lift"),
        (Step.CONCERNS, "not sure"),
        (Step.ACTIONS_TAKEN, "I rang, then I wrote a letter"),
        (Step.SERVICE_AREA_OTHER, "repairs"),
        (Step.FAILURES, "every week the lights go"),
        (Step.FAILURES_SINCE, "every week since March"),
        (Step.AFFECTED_WHO, "yes, the whole block"),
        (Step.COMPLAINT_REFERENCE, "no 1234"),
    ],
)
def test_free_text_is_kept_as_typed_even_when_it_sounds_like_a_choice(
    step: Step, typed: str
) -> None:
    turn = say(conversation_at(step), typed)
    assert turn.state.answers[step] == typed


def test_a_whole_reply_of_dont_know_skips_a_question_that_may_be_skipped() -> None:
    turn = say(conversation_at(Step.AFFECTED_HOUSEHOLDS), "Don't know, sorry")
    assert turn.state.answers[Step.AFFECTED_HOUSEHOLDS] == ""
    assert turn.state.step == Step.EVIDENCE


def test_thats_all_closes_a_long_answer_but_only_once_one_was_given() -> None:
    first = say(conversation_at(Step.CONCERNS), "That's all")
    assert first.state.answers[Step.CONCERNS] == "That's all"
    more = say(say(conversation_at(Step.CONCERNS), "The lift is broken.").state, "that's all")
    assert more.state.step == Step.ACTIONS_TAKEN
    assert more.state.answers[Step.CONCERNS] == "The lift is broken."


# -- the reader's promises, whatever is typed ---------------------------------------------------

menus = st.sampled_from(
    [
        *(menu_of(q.step) for q in CHOICE_QUESTIONS),
        (Choice(1, "start", "welcome"), Choice(2, "not_now", "welcome")),
        (Choice(1, "yes", "restart"), Choice(2, "no", "restart")),
        (Choice(0, "send", "review"), Choice(1, "name", "fields"), Choice(2, "evidence", "fields")),
    ]
)
typed = st.one_of(
    st.text(max_size=80),
    st.sampled_from([reply for _, reply, _ in REPLIES]),
    st.lists(
        st.sampled_from([*sorted(FILLER), "not", "no", "1", "2", "one", "first"]), max_size=6
    ).map(" ".join),
)


@settings(max_examples=500, deadline=None)
@given(menus, typed, st.lists(st.sampled_from(["here", "phone", "yes", "stage_1"]), max_size=3))
def test_a_reading_is_always_one_option_of_the_menu_a_short_list_a_command_or_nothing(
    menu: tuple[Choice, ...], text: str, between: list[str]
) -> None:
    reading = read(text, menu, words(), between=tuple(between))
    values = [c.value for c in menu]
    assert sum(map(bool, (reading.value, reading.unsure, reading.command))) <= 1
    if reading.value is not None:
        assert reading.value in values
    if reading.unsure:
        assert 2 <= len(reading.unsure) <= 4 and set(reading.unsure) <= set(values)
    if reading.command is not None:
        assert reading.command in GLOBAL_WORDS


def _dressed(data: st.DataObject, words_typed: str) -> str:
    """The words as a hurried tenant types them: any case, filler before and after, punctuation."""
    cased = "".join(ch.upper() if data.draw(st.booleans()) else ch for ch in words_typed)
    before = data.draw(st.sampled_from(["", "erm ", "the ", "I think ", "um, "]))
    after = data.draw(st.sampled_from(["", " please", " thanks", "!", ".", " x", " pls"]))
    return f"{before}{cased}{after}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_an_options_own_label_or_number_however_dressed_always_chooses_it(
    data: st.DataObject,
) -> None:
    q = data.draw(st.sampled_from(CHOICE_QUESTIONS))
    number, value = data.draw(st.sampled_from(list(enumerate(q.options, start=1))))
    said = data.draw(
        st.sampled_from([label(q.option_kind, value), choice_label(q.option_kind, value)])
    )
    for text in (_dressed(data, said), _dressed(data, str(number))):
        reading = read(text, menu_of(q.step), words())
        assert reading.value == value, (text, reading)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REPLIES), min_size=1, max_size=40))
def test_natural_replies_in_any_order_never_lose_an_answer_and_fit_a_text(
    replies: list[tuple[str, str, str]],
) -> None:
    state: Conversation | None = conversation_at(Step.NAME)
    for _, text, _ in replies:
        before = state or Conversation()
        turn = say(state, text)
        state = turn.state
        assert Conversation.from_json(state.to_json()) == state
        if state.step in QUESTIONS:
            assert QUESTIONS[state.step].applies(state.answers)
        submits = [e for e in turn.effects if isinstance(e, SubmitCall)]
        if submits:
            assert submits[0].answers == submitted_answers(before.answers)
        elif not any(r.template == "restarted" for r in turn.replies):
            assert set(before.answers) <= set(state.answers)
            for key, value in state.answers.items():
                if QUESTIONS[Step(key)].kind in (Kind.LONG_TEXT, Kind.EVIDENCE):
                    assert value == before.answers.get(key, value) or value.endswith(clean(text))
        for reply in turn.replies:
            assert segments(renderer.render(reply, Channel.SMS).text) <= SMS_SEGMENTS


def test_without_the_words_the_flow_still_understands_numbers_and_option_names() -> None:
    from conversations import Inbound, advance
    from tests.factories import NOW

    def bare(step: Step, text: str) -> Conversation:
        inbound = Inbound(Channel.SMS, "+447911123456", text)
        return advance(conversation_at(step), inbound, now=NOW, words=NO_WORDS).state

    assert bare(Step.SERVICE_AREA, "5").answers[Step.SERVICE_AREA] == "repairs"
    assert bare(Step.SERVICE_AREA, "Void works").answers[Step.SERVICE_AREA] == "void_works"
    assert bare(Step.OTHERS_AFFECTED, "No.").answers[Step.OTHERS_AFFECTED] == "no"


def test_every_option_has_words_in_the_labels_file_beside_its_label() -> None:
    labels = tomllib.loads((TEMPLATES / "messages" / "labels.toml").read_text())
    for q in CHOICE_QUESTIONS:
        for value in q.options:
            entry = labels[q.option_kind][value]
            assert entry["label"] and entry["words"], f"{q.option_kind}.{value}"
    for kind in ("welcome", "restart", "review", "menu"):
        for value, entry in labels[kind].items():
            assert entry["words"], f"{kind}.{value}"


def test_the_factories_type_what_the_flow_keeps() -> None:
    # The shared answers stay understood with the words in place.
    for q in CHOICE_QUESTIONS:
        assert say(conversation_at(q.step), TYPED[q.step]).state.answers[q.step] == KEPT[q.step]
