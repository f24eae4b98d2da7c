"""advance(): one tenant message in, the new state, the replies and the effects out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from conversations import appeals, signing
from conversations.effects import (
    AnswerFollowUp,
    AttachEvidence,
    Effect,
    LodgeAppeal,
    OfferUpload,
    ReportStatus,
    RequestSupport,
    SubmitCall,
)
from conversations.facts import FOLLOW_UP_FACT, FOLLOW_UP_WORDS
from conversations.messages import Choice, Inbound, Outbound
from conversations.proforma import (
    QUESTIONS,
    TOTAL_QUESTIONS,
    Kind,
    Question,
    Step,
    applicable,
    first_unanswered,
    previous_step,
    submitted_answers,
)
from conversations.state import PERSONAL_STEPS, Conversation
from conversations.validation import (
    as_number,
    clean,
    find_postcode,
    has_letter,
    household_count,
    uk_phone,
    word,
)

# Words that work at any step. None of them is a carrier opt-out or opt-in word
# (STOP, CANCEL, END, QUIT, START, …): those belong to the channel, never to the flow.
HELP, BACK, RESTART, SKIP, OFFICER, STATUS = "HELP", "BACK", "RESTART", "SKIP", "OFFICER", "STATUS"
DONE, SEND = "DONE", "SEND"
GLOBAL_WORDS = frozenset({HELP, BACK, RESTART, SKIP, OFFICER, STATUS})
FLOW_WORDS = GLOBAL_WORDS | {DONE, SEND}

MISFITS_BEFORE_OFFER = 3
REVIEW_SPLIT = 8  # answers per review message, so each fits an SMS budget


_DONE_CHOICE = Choice(None, "done", "words")
_SEND_CHOICE = Choice(0, "send", "review")
_YES = frozenset({"Y", "YES", "YEAH", "YEP", "OK", "OKAY"})
_NO = frozenset({"N", "NO", "NOPE"})


class Turn(NamedTuple):
    """What one message does: the new state, replies to send, effects to carry out."""

    state: Conversation
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()


def advance(state: Conversation | None, inbound: Inbound, *, now: datetime) -> Turn:
    """Moves the conversation on by one tenant message."""
    state = state or Conversation()
    arrived_from = state.step
    text = clean(inbound.text)
    said = word(text)

    kept: tuple[Effect, ...] = ()
    notes: tuple[Outbound, ...] = ()
    if inbound.attachments:
        # A photo is never dropped, whatever step it arrives at.
        kept = (AttachEvidence(inbound.attachments, to_last_call=state.step == Step.SUBMITTED),)
        state = state.but(evidence_count=state.evidence_count + len(inbound.attachments))
        if state.step != Step.EVIDENCE:
            notes = (Outbound("photo_kept", {"count": len(inbound.attachments)}),)

    signing_command = signing.command(text)
    appeal = appeals.command(text)
    follow_up = inbound.facts.get(FOLLOW_UP_FACT)
    if follow_up and said in FOLLOW_UP_WORDS:
        # The answer to "Is the service better?", asked months after the action plan.
        turn = Turn(state, (), (AnswerFollowUp(follow_up, said),))
    elif appeal is not None:
        turn = _appeal(state, *appeal)
    elif signing_command is not None:
        # Signing someone's petition works whatever else the person was doing.
        turn = Turn(*signing.start(state, inbound, *signing_command))
    elif state.signing_code is not None and said not in GLOBAL_WORDS:
        turn = Turn(*signing.answer(state, text))
    elif not state.welcomed:
        turn = Turn(state.but(welcomed=True), (_welcome(),))
    elif state.confirming_restart and said in ("1", *_YES, "2", *_NO):
        turn = _confirm_restart(state.but(confirming_restart=False), said in ("1", *_YES))
    else:
        state = state.but(confirming_restart=False, signing_code=None, signing_name=None)
        handler = _WORDS.get(said or "")
        if handler is not None:
            turn = handler(state)
        elif inbound.attachments and not text and state.step != Step.EVIDENCE:
            turn = Turn(state, (_prompt(state),))
        else:
            turn = _answer(state, text, said, inbound, now)
    offer: tuple[Effect, ...] = ()
    arrived = turn.state.step == Step.EVIDENCE and arrived_from != Step.EVIDENCE
    if arrived and not inbound.channel.can.pictures:  # they get an upload link instead
        offer = (OfferUpload(),)
    return Turn(turn.state, notes + turn.replies, kept + turn.effects + offer)


def _appeal(state: Conversation, reference: str, reasons: str) -> Turn:
    """APPEAL works at any step; the draft pro-forma is left exactly as it was."""
    if not reference or not reasons:
        return Turn(
            state,
            # No reference: the template's example shows one, rather than naming a real Call.
            (Outbound("outcomes/appeal_reasons", {"reference": reference}),),
        )
    return Turn(state, (), (LodgeAppeal(reference, reasons),))


# -- the welcome and the end ------------------------------------------------------------------


def _welcome() -> Outbound:
    return Outbound("welcome", choices=_options(("start", "not_now"), "welcome"))


def _answer(
    state: Conversation, text: str, said: str | None, inbound: Inbound, now: datetime
) -> Turn:
    if state.step == Step.WELCOME:
        return _consent(state, said, now)
    if state.step == Step.REVIEW:
        return _review_answer(state, said)
    if state.step == Step.SUBMITTED:
        return _after_submit(state, said)
    return _question_answer(state, QUESTIONS[state.step], text, said, inbound)


def _consent(state: Conversation, said: str | None, now: datetime) -> Turn:
    if said in ("1", *_YES):
        return _move(state.but(consented_at=now), first_unanswered(state.answers))
    if said in ("2", *_NO):
        return Turn(state, (Outbound("not_now"),))
    return Turn(state, (Outbound("welcome_again", choices=_welcome().choices),))


def _after_submit(state: Conversation, said: str | None) -> Turn:
    if said in ("1", "NEW"):
        return _move(state, first_unanswered(state.answers))
    return Turn(state, (Outbound("submitted_menu", choices=_options(("new",), "menu")),))


# -- global words -----------------------------------------------------------------------------


def _help(state: Conversation) -> Turn:
    return Turn(state, (Outbound("help"), _prompt(state)))


def _back(state: Conversation) -> Turn:
    if state.step in QUESTIONS or state.step == Step.REVIEW:
        earlier = previous_step(state.step, state.answers)
        if earlier is not None:
            return _move(state, earlier)
    return Turn(state, (Outbound("at_start"), _prompt(state)))


def _restart(state: Conversation) -> Turn:
    if not state.answers or state.step == Step.SUBMITTED:
        return Turn(state, (Outbound("nothing_to_restart"), _prompt(state)))
    return Turn(
        state.but(confirming_restart=True),
        (Outbound("restart_confirm", choices=_options(("yes", "no"), "restart")),),
    )


def _confirm_restart(state: Conversation, confirmed: bool) -> Turn:
    if not confirmed:
        return Turn(state, (Outbound("carry_on"), _prompt(state)))
    fresh = state.but(answers={}, collecting=False, misfits=0, support_requested=False)
    moved = _move(fresh, first_unanswered(fresh.answers))
    return Turn(moved.state, (Outbound("restarted"), *moved.replies))


def _officer(state: Conversation) -> Turn:
    if state.support_requested:
        return Turn(state, (Outbound("officer_already"), _prompt(state)))
    return Turn(
        state.but(support_requested=True),
        (Outbound("officer_requested"), _prompt(state)),
        (RequestSupport(step=state.step.value, reason="asked"),),
    )


def _status(state: Conversation) -> Turn:
    # The shell answers: it knows the Calls. The report says which question is waiting.
    if state.step in QUESTIONS:
        return Turn(state, (), (ReportStatus(QUESTIONS[state.step].number, TOTAL_QUESTIONS),))
    return Turn(state, (), (ReportStatus(),))


def _skip(state: Conversation) -> Turn:
    # SKIP is read as an answer, since only the question knows whether it may be skipped.
    if state.step in QUESTIONS:
        return _question_answer(state, QUESTIONS[state.step], SKIP, SKIP, None)
    return Turn(state, (Outbound("cannot_skip"), _prompt(state)))


_WORDS: dict[str, Callable[[Conversation], Turn]] = {
    HELP: _help,
    BACK: _back,
    RESTART: _restart,
    OFFICER: _officer,
    STATUS: _status,
    SKIP: _skip,
}


# -- questions --------------------------------------------------------------------------------


def _question_answer(
    state: Conversation, q: Question, text: str, said: str | None, inbound: Inbound | None
) -> Turn:
    has_answer = q.step.value in state.answers
    if said == SKIP:
        if not q.optional:
            if has_answer:  # they have said enough already: keep it, as DONE would
                return _move(state, first_unanswered(state.answers))
            return _misfit(state, q, "cannot_skip")
        return _accept(state, q, state.answers.get(q.step.value, ""))
    if said == DONE:
        if q.kind == Kind.EVIDENCE:
            return _accept(state, q, state.answers.get(q.step.value, ""))
        if has_answer:
            return _move(state, first_unanswered(state.answers))
        return _misfit(state, q, "need_answer")
    if q.kind == Kind.EVIDENCE:
        return _evidence(state, q, text, inbound)
    if q.kind == Kind.LONG_TEXT:
        return _long_text(state, q, text)
    if not text:
        return _misfit(state, q, "need_answer")
    if len(text) > q.max_chars:
        return _misfit(state, q, "too_long", limit=q.max_chars)
    value, problem = _read(q, text, said)
    if value is None:
        return _misfit(state, q, problem)
    return _accept(state, q, value)


def _read(q: Question, text: str, said: str | None) -> tuple[str | None, str]:
    """The value to keep for a short answer, or None and the name of the problem."""
    if q.kind == Kind.CHOICE:
        return _choose(q, text, said), "choice_invalid"
    if q.kind == Kind.ADDRESS:
        return (text if find_postcode(text) else None), "postcode_invalid"
    if q.kind == Kind.PHONE:
        return uk_phone(text), "phone_invalid"
    if q.kind == Kind.NUMBER:
        count = household_count(text)
        return (str(count) if count is not None else None), "number_invalid"
    if q.step == Step.NAME and not has_letter(text):
        return None, "name_invalid"
    return text, ""


def _choose(q: Question, text: str, said: str | None) -> str | None:
    """The option a tenant picked by number, by name, or by yes/no."""
    number = as_number(said)
    if number is not None:
        return q.options[number - 1] if 1 <= number <= len(q.options) else None
    spoken = text.lower().strip(".!? ").replace("-", " ")
    for option in q.options:
        if spoken == option.replace("_", " "):
            return option
    if "yes" in q.options and said in _YES:
        return "yes"
    if "no" in q.options and said in _NO:
        return "no"
    return None


def _long_text(state: Conversation, q: Question, text: str) -> Turn:
    if not text:
        return _misfit(state, q, "need_answer")
    so_far = state.answers.get(q.step.value, "") if state.collecting else ""
    combined = f"{so_far}\n{text}" if so_far else text
    if len(combined) > q.max_chars:
        room = q.max_chars - len(so_far) - (1 if so_far else 0)
        return _misfit(state, q, "too_long", limit=q.max_chars, room=max(room, 0))
    kept = state.with_answer(q.step, combined).but(collecting=True, misfits=0)
    more = Outbound(
        "long_text_more",
        {"room": q.max_chars - len(combined)},
        (_DONE_CHOICE,),
    )
    return Turn(kept, (more,))


def _evidence(state: Conversation, q: Question, text: str, inbound: Inbound | None) -> Turn:
    photos = len(inbound.attachments) if inbound else 0
    notes = state.answers.get(q.step.value, "")
    if text:
        combined = f"{notes}\n{text}" if notes else text
        if len(combined) > q.max_chars:
            return _misfit(state, q, "too_long", limit=q.max_chars)
        state = state.with_answer(q.step, combined)
    elif not photos:
        return _misfit(state, q, "need_answer")
    reply = Outbound(
        "evidence_received",
        {"photos": photos, "total": state.evidence_count, "noted": bool(text)},
        (_DONE_CHOICE,),
    )
    return Turn(state.but(misfits=0), (reply,))


def _accept(state: Conversation, q: Question, value: str) -> Turn:
    answered = state.with_answer(q.step, value)
    return _move(answered, first_unanswered(answered.answers))


def _misfit(state: Conversation, q: Question, problem: str, **details: int) -> Turn:
    """An answer that does not fit: say why, and offer a person after a few tries."""
    misfits = state.misfits + 1
    reply = Outbound(
        f"errors/{problem}",
        {
            "step": q.step.value,
            "number": q.number,
            "total": TOTAL_QUESTIONS,
            "count": len(q.options),
            **details,
        },
        _question_choices(q),
    )
    replies: tuple[Outbound, ...] = (reply,)
    if misfits % MISFITS_BEFORE_OFFER == 0 and not state.support_requested:
        replies += (Outbound("offer_officer"),)
    return Turn(state.but(misfits=misfits), replies)


# -- moving between steps, asking, reviewing --------------------------------------------------


def _move(state: Conversation, step: Step) -> Turn:
    moved = state.but(step=step, collecting=False, misfits=0)
    if step == Step.REVIEW:
        return Turn(moved, _review(moved))
    return Turn(moved, (_ask(moved, step),))


def _prompt(state: Conversation) -> Outbound:
    """What to show to get the tenant going again from where they are."""
    if state.step == Step.WELCOME:
        return Outbound("welcome_again", choices=_welcome().choices)
    if state.step == Step.REVIEW:
        return _review(state)[-1]
    if state.step == Step.SUBMITTED:
        return Outbound("submitted_menu", choices=_options(("new",), "menu"))
    return _ask(state, state.step)


def _ask(state: Conversation, step: Step) -> Outbound:
    q = QUESTIONS[step]
    current = state.answers.get(step.value)
    return Outbound(
        f"questions/{step.value}",
        {
            "number": q.number,
            "total": TOTAL_QUESTIONS,
            "current": current or None,
            "current_kind": q.option_kind,
            "optional": q.optional,
            "max_chars": q.max_chars,
        },
        _question_choices(q),
    )


def _question_choices(q: Question) -> tuple[Choice, ...]:
    if q.kind == Kind.CHOICE:
        return _options(q.options, q.option_kind)
    if q.optional:
        return (Choice(None, "skip", "words"),)
    return ()


def _options(values: tuple[str, ...], kind: str) -> tuple[Choice, ...]:
    return tuple(Choice(n, value, kind) for n, value in enumerate(values, start=1))


def _review_lines(state: Conversation) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for q in applicable(state.answers):
        if q.step.value in state.answers:
            lines.append(
                {
                    "number": len(lines) + 1,
                    "field": q.step.value,
                    "value": state.answers[q.step.value],
                    "kind": q.option_kind,
                }
            )
    return lines


def _review(state: Conversation) -> tuple[Outbound, ...]:
    lines = _review_lines(state)
    parts = [lines[i : i + REVIEW_SPLIT] for i in range(0, len(lines), REVIEW_SPLIT)]
    replies = [Outbound("review_answers", {"lines": part}) for part in parts]
    replies.append(
        Outbound(
            "review_prompt",
            {"count": len(lines), "photos": state.evidence_count},
            (_SEND_CHOICE,),
        )
    )
    return tuple(replies)


def _review_answer(state: Conversation, said: str | None) -> Turn:
    if said in ("0", SEND):
        answers = submitted_answers(state.answers)
        submit = SubmitCall(
            answers=answers,
            support_requested=state.support_requested,
            evidence_notes=answers.get(Step.EVIDENCE.value, ""),
        )
        personal = {k: v for k, v in state.answers.items() if k in PERSONAL_STEPS}
        done = state.but(
            step=Step.SUBMITTED,
            answers=personal,
            support_requested=False,
            evidence_count=0,
            calls_submitted=state.calls_submitted + 1,
        )
        return Turn(done, (), (submit,))
    lines = _review_lines(state)
    number = as_number(said)
    if number is not None and 1 <= number <= len(lines):
        return _move(state, Step(str(lines[number - 1]["field"])))
    return Turn(
        state,
        (Outbound("review_invalid", {"count": len(lines)}, (_SEND_CHOICE,)),),
    )


__all__ = ["DONE", "FLOW_WORDS", "GLOBAL_WORDS", "SEND", "Turn", "advance"]
