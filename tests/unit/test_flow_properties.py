"""Any sequence of messages: the flow never raises, stays valid, and never loses an answer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sms_text import segments
from conversations import Channel, Conversation, SubmitCall
from conversations.channels import SMS_SEGMENTS
from conversations.facts import needs
from conversations.proforma import QUESTIONS, Kind, Step, submitted_answers
from conversations.validation import clean
from tests.factories import SIMILAR_FACTS, TYPED, sample_renderer, say

renderer = sample_renderer()

nasty = st.sampled_from(
    [
        "",
        " ",
        "\x00\x01\x1b[31m",
        "\ud800",
        "😀" * 50,
        "🏳️‍🌈 family 👨‍👩‍👧",
        "<script>alert(1)</script>",
        "'; DROP TABLE call; --",
        "x" * 10_000,
        "\u202eevil",
        "Robert'); DELETE FROM message;--",
        "{{ 7 * 7 }} {% raw %}",
        "é" * 400,
        "line one\r\nline two\n\n\n\nline three",
    ]
)
words = st.sampled_from(
    [
        "HELP",
        "back",
        "Restart",
        "skip",
        "OFFICER",
        "status",
        "DONE",
        "send",
        "STOP",
        "yes",
        "no",
        "1",
        "2",
        "0",
        "11",
        "99",
        "¹",
        "٣",
        "½",
        "sign it",
        "carry on",
        "my own",
        "join",
    ]
)
answers = st.sampled_from(list(TYPED.values()))
# The last: whether the shell finds a neighbour's similar petition when the flow asks for one.
message = st.tuples(
    st.one_of(nasty, words, answers, st.text(max_size=300)),
    st.integers(min_value=0, max_value=2),
    st.booleans(),
)


def _facts(state: Conversation | None, text: str, similar: bool) -> dict[str, str]:
    """The facts the shell would look up: a similar petition, when the flow asks and one is."""
    return SIMILAR_FACTS if similar and needs(text, state).similar else {}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(message, min_size=1, max_size=60))
def test_any_messages_keep_a_valid_state_and_lose_no_accepted_answer(
    messages: list[tuple[str, int, bool]],
) -> None:
    state: Conversation | None = None
    for text, photos, similar in messages:
        before = state or Conversation()
        turn = say(state, text, photos=photos, facts=_facts(state, text, similar))
        state = turn.state

        # The state survives being stored.
        assert Conversation.from_json(state.to_json()) == state
        # The tenant is always at a real step that applies to them.
        if state.step in QUESTIONS:
            assert QUESTIONS[state.step].applies(state.answers)
        # Nothing kept is empty where an answer is required.
        for key, value in state.answers.items():
            assert (
                value or QUESTIONS[Step(key)].optional or QUESTIONS[Step(key)].kind == Kind.EVIDENCE
            )

        submits = [e for e in turn.effects if isinstance(e, SubmitCall)]
        restarted = any(r.template == "restarted" for r in turn.replies)
        if submits:
            assert submits[0].answers == submitted_answers(before.answers)
        elif not restarted:
            # An accepted answer is only ever replaced by a newer one for the same question.
            assert set(before.answers) <= set(state.answers)
            cleaned = clean(text)
            for key, value in state.answers.items():
                kind = QUESTIONS[Step(key)].kind
                if before.answers.get(key) != value and kind in (
                    Kind.SHORT_TEXT,
                    Kind.LONG_TEXT,
                    Kind.ADDRESS,
                    Kind.EVIDENCE,
                ):
                    # (A name is kept without "My name is" before it.)
                    assert (
                        value.endswith(cleaned)
                        or (key == Step.NAME and cleaned.endswith(value))
                        or value == before.answers.get(key, "")
                    )
        # Every reply renders and fits the SMS budget.
        for reply in turn.replies:
            rendered = renderer.render(reply, Channel.SMS)
            assert rendered.text
            assert segments(rendered.text) <= SMS_SEGMENTS, rendered.text


def _good_answer(state: Conversation) -> str:
    if state.step == Step.WELCOME:
        return "1"
    if state.step == Step.REVIEW:
        return "0"
    if state.step == Step.SUBMITTED:
        return "1"
    if state.offer is not None or state.step == Step.SET_ASIDE:
        return "carry on"
    if (
        QUESTIONS[state.step].kind in (Kind.LONG_TEXT, Kind.EVIDENCE)
        and state.step in state.answers
    ):
        return "DONE"
    return TYPED[state.step]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_tenant_who_mostly_answers_submits_whatever_else_they_send(data: st.DataObject) -> None:
    state = Conversation()
    submitted: list[SubmitCall] = []
    junk_left = 40  # the rest are good answers, so the tenant always gets somewhere
    for _ in range(200):
        if junk_left and data.draw(st.booleans()):
            junk_left -= 1
            text = data.draw(st.one_of(nasty, words, st.text(max_size=50)))
        else:
            text = _good_answer(state)
        similar = data.draw(st.booleans())
        turn = say(state, text, channel=Channel.WEB, facts=_facts(state, text, similar))
        if turn.state.confirming_restart:  # a tenant who typed RESTART then answers "no"
            turn = say(turn.state, "2", channel=Channel.WEB)
        submitted += [e for e in turn.effects if isinstance(e, SubmitCall)]
        state = turn.state
        if submitted:
            break
    assert submitted, f"never reached submit; stuck at {state.step}"
    answers = submitted[0].answers
    for step in ("name", "address", "service_area", "concerns", "failures", "route"):
        assert answers[step]
