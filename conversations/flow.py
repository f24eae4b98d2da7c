"""advance(): one tenant message in, the new state, the replies and the effects out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from conversations import appeals, joining, keypad, signing
from conversations.effects import (
    AnswerFollowUp,
    AttachEvidence,
    Effect,
    LodgeAppeal,
    OfferUpload,
    ReportStatus,
    RequestSupport,
    SubmitCall,
    TextDetails,
)
from conversations.facts import FOLLOW_UP_FACT, FOLLOW_UP_WORDS, MOBILE_FACT, OFFICER_LINE_FACT
from conversations.messages import Choice, Inbound, Outbound
from conversations.proforma import (
    QUESTIONS,
    TOTAL_QUESTIONS,
    Kind,
    Question,
    Step,
    applicable,
    first_unanswered,
    next_step,
    previous_step,
    submitted_answers,
)
from conversations.state import PERSONAL_STEPS, Conversation
from conversations.understanding import Words, command_in, means, read, request_in
from conversations.validation import (
    clean,
    find_postcode,
    has_letter,
    household_count,
    name_in,
    uk_phone,
    word,
)

# Words that work at any step. None of them is a carrier opt-out or opt-in word
# (STOP, CANCEL, END, QUIT, START, …): those belong to the channel, never to the flow.
HELP, BACK, RESTART, SKIP, OFFICER, STATUS = "HELP", "BACK", "RESTART", "SKIP", "OFFICER", "STATUS"
DONE, SEND = "DONE", "SEND"
# Changes the language we write in, at any time (not on a call: the phone line speaks English).
LANGUAGE = "LANGUAGE"
LANGUAGE_KIND = "language"  # Words.options[LANGUAGE_KIND]: the languages offered, by code
GLOBAL_WORDS = frozenset({HELP, BACK, RESTART, SKIP, OFFICER, STATUS})
FLOW_WORDS = GLOBAL_WORDS | {DONE, SEND}

MISFITS_BEFORE_OFFER = 3
REVIEW_SPLIT = 6  # answers per review message, so each fits an SMS budget
_LONGEST_READ = 2000  # characters of a reply read at a menu (an SMS carries at most 1,600)


_DONE_CHOICE = Choice(None, "done", "words")
_SKIP_CHOICE = Choice(None, "skip", "words")
_SEND_CHOICE = Choice(0, "send", "review")
_WELCOME_MENU = (Choice(1, "start", "welcome"), Choice(2, "not_now", "welcome"))
_RESTART_MENU = (Choice(1, "yes", "restart"), Choice(2, "no", "restart"))
_SUBMITTED_MENU = (Choice(1, "new", "menu"),)
# On a phone call: keeping an answer heard, the officers' line, texting the reference, and a
# link by text at the evidence question (nothing can be sent on a call).
_HEARD_MENU = (Choice(1, "yes", "heard"), Choice(2, "no", "heard"))
_OFFICER_MENU = (Choice(1, "put_through", "officer_call"), Choice(2, "call_back", "officer_call"))
TEXT_OFFER = (Choice(1, "yes", "text_offer"), Choice(2, "no", "text_offer"))
_LINK_CHOICE = Choice(1, "text_link", "evidence_call")
# At the review, "change my address" and "no, 3" name the answer to change.
_CHANGE_WORDS = frozenset({"change", "edit", "alter", "fix", "update", "wrong", "redo", "no"})
NO_WORDS = Words()  # numbers and the options' own names only; the shell hands in the real words


class _Message(NamedTuple):
    """One tenant message as the steps read it."""

    text: str  # cleaned
    said: str | None  # the single word it is, upper-cased, if it is one
    inbound: Inbound | None
    words: Words
    between: tuple[str, ...] = ()  # the options the tenant was just asked to choose between
    confirmed: bool = False  # a caller said "yes" to hearing it read back: take it as typed

    @property
    def spoken(self) -> bool:
        """Whether it came on a phone call (said aloud or keyed in)."""
        return self.inbound is not None and self.inbound.channel.can.spoken

    def fact(self, name: str) -> str:
        """A fact the shell or the channel looked up for this message ("" if none)."""
        return self.inbound.facts.get(name, "") if self.inbound is not None else ""


class Turn(NamedTuple):
    """What one message does: the new state, replies to send, effects to carry out."""

    state: Conversation
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()


def advance(
    state: Conversation | None, inbound: Inbound, *, now: datetime, words: Words = NO_WORDS
) -> Turn:
    """Moves the conversation on by one tenant message; `words` are what people type for each
    option (bot.render.words(), from the labels file)."""
    state = state or Conversation(language=inbound.language)
    arrived_from = state.step
    text = clean(inbound.text)
    spoken = inbound.channel.can.spoken
    if spoken:
        text = keypad.as_words(text, state.step)  # star is BACK, hash DONE, 0 OFFICER
        state = state.but(texts=inbound.facts.get(MOBILE_FACT) == "yes")
    said = word(text)
    message = _Message(text, said, inbound, words, state.between)
    state = state.but(between=())  # only a reply that asks "which did you mean?" sets it
    choosing_language = state.choosing_language
    state = state.but(choosing_language=False)  # only the languages' menu sets it
    if inbound.opening:
        return _greet(state)

    voice_evidence = state.step == Step.EVIDENCE and bool(inbound.attachments)
    if inbound.unreadable and not text and not voice_evidence:
        # A voice note, sticker, location or shared contact: say what to do instead, and keep
        # nothing (a voice note at the evidence question is evidence, kept below).
        return Turn(state, (Outbound("cannot_read", {"kind": inbound.unreadable}),))

    kept: tuple[Effect, ...] = ()
    notes: tuple[Outbound, ...] = ()
    if inbound.attachments:
        # A photo is never dropped, whatever step it arrives at.
        aside = state.set_aside_for if state.step == Step.SET_ASIDE else None
        kept = (
            AttachEvidence(
                inbound.attachments,
                to_last_call=state.step == Step.SUBMITTED,
                to_reference=aside or "",
            ),
        )
        if aside is None:  # photos for a neighbour's Call are not the draft's
            state = state.with_evidence(len(inbound.attachments))
        if state.step != Step.EVIDENCE:
            context = {"count": len(inbound.attachments), "reference": aside or ""}
            notes = (Outbound("photo_kept", context),)

    signing_command = signing.command(text)
    appeal = appeals.command(text)
    follow_up = inbound.facts.get(FOLLOW_UP_FACT)
    language = None if spoken else _language(state, message, choosing_language)
    if language is not None:
        turn = language
    elif follow_up and said in FOLLOW_UP_WORDS:
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
    else:
        turn = _respond(state, message, now)
        # The concern just finished and a neighbour raised the same problem nearby: their
        # petition is offered before the next question.
        offered = joining.offer(state, turn.state, inbound)
        if offered is not None:
            turn = Turn(offered.state, offered.replies, turn.effects)
    offer: tuple[Effect, ...] = ()
    arrived = turn.state.step == Step.EVIDENCE and arrived_from != Step.EVIDENCE
    # They get an upload link instead; a caller is asked first whether to text them one.
    if arrived and not inbound.channel.can.pictures and not spoken:
        offer = (OfferUpload(),)
    return Turn(turn.state, notes + turn.replies, kept + turn.effects + offer)


def _language(state: Conversation, message: _Message, choosing: bool) -> Turn | None:
    """A language named on its own ("Polski", "romana"), LANGUAGE (the languages offered by
    number), or the answer to that offer; None if the message is none of these."""
    offered = tuple(message.words.options.get(LANGUAGE_KIND, {}))
    if len(offered) < 2:
        return None
    menu = tuple(Choice(n, code, LANGUAGE_KIND) for n, code in enumerate(offered, 1))
    if choosing:
        reading = read(message.text, menu, message.words, between=message.between)
        if reading.value is not None:
            return _write_in(state, reading.value)
    named = [c for c in offered if means(message.text, message.words.phrases(LANGUAGE_KIND, c))]
    if len(named) == 1:
        return _write_in(state, named[0])
    if message.said == LANGUAGE or means(message.text, message.words.commands.get(LANGUAGE, ())):
        return Turn(state.but(choosing_language=True), (Outbound("language_menu", choices=menu),))
    return None


def _write_in(state: Conversation, language: str) -> Turn:
    """From now on we write in `language`; the tenant carries on where they were."""
    state = state.but(language=language)
    if state.step == Step.WELCOME:  # the welcome again, now that they can read it
        return Turn(state.but(welcomed=True), (_welcome(),))
    return Turn(state, (Outbound("language_set"), _prompt(state)))


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
    return Outbound("welcome", choices=_WELCOME_MENU)


def _greet(state: Conversation) -> Turn:
    """A call answered: welcome someone new, or pick up where they stopped. Whatever was half
    asked when a call dropped (a read-back, an offer) is asked again from its question."""
    state = state.but(
        heard=None,
        officer_offered=False,
        text_offered=False,
        confirming_restart=False,
        signing_code=None,
        signing_name=None,
    )
    if not state.welcomed:
        return Turn(state.but(welcomed=True), (_welcome(),))
    return Turn(state, (Outbound("voice/welcome_back"), _prompt(state)))


def _respond(state: Conversation, message: _Message, now: datetime) -> Turn:
    """A message to the pro-forma: a restart being confirmed, a word that works anywhere, or
    an answer to the step the tenant is at."""
    if state.heard is not None:
        return _confirm_heard(state.but(heard=None), state.heard, message, now)
    if state.officer_offered:
        offered = _offered_officer(state.but(officer_offered=False), message)
        if offered is not None:
            return offered
        state = state.but(officer_offered=False)
    if state.text_offered:
        texting = _offered_text(state.but(text_offered=False), message)
        if texting is not None:
            return texting
        state = state.but(text_offered=False)
    if state.confirming_restart and message.said not in _WORDS:
        reading = read(message.text, _RESTART_MENU, message.words, between=message.between)
        if reading.value is not None:
            return _confirm_restart(state.but(confirming_restart=False), reading.value == "yes")
        if reading.unsure:
            return _which(state, _RESTART_MENU, reading.unsure)
    # Anything else is read as it would have been: "Phone me" answers the question.
    state = state.but(confirming_restart=False, signing_code=None, signing_name=None)
    if state.offer is not None and message.said not in _WORDS:
        return _offered_similar(state, message)
    handler = _WORDS.get(message.said or "")
    if handler is not None:
        return handler(state, message)
    photo_only = message.inbound is not None and message.inbound.attachments and not message.text
    if photo_only and state.step != Step.EVIDENCE:
        return Turn(state, (_prompt(state),))
    return _answer(state, message, now)


def _answer(state: Conversation, message: _Message, now: datetime) -> Turn:
    if state.step == Step.WELCOME:
        return _consent(state, message, now)
    if state.step == Step.SET_ASIDE:
        return _set_aside(state, message)
    if state.step == Step.REVIEW:
        return _review_answer(state, message)
    if state.step == Step.SUBMITTED:
        return _after_submit(state, message)
    return _question_answer(state, QUESTIONS[state.step], message)


def _consent(state: Conversation, message: _Message, now: datetime) -> Turn:
    reading = read(message.text, _WELCOME_MENU, message.words, between=message.between)
    if reading.value == "start":
        return _move(state.but(consented_at=now), first_unanswered(state.answers))
    if reading.value == "not_now":
        return Turn(state, (Outbound("not_now"),))
    if reading.unsure:
        return _which(state, _WELCOME_MENU, reading.unsure)
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return Turn(state, (Outbound("welcome_again", choices=_WELCOME_MENU),))


def _after_submit(state: Conversation, message: _Message) -> Turn:
    reading = read(message.text, _SUBMITTED_MENU, message.words, between=message.between)
    if reading.value == "new":
        return _move(state, first_unanswered(state.answers))
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return Turn(state, (Outbound("submitted_menu", choices=_SUBMITTED_MENU),))


def _offered_similar(state: Conversation, message: _Message) -> Turn:
    """The answer to "sign their petition, or carry on with your own?"; asked again if it is
    neither (no question has been asked that it could answer)."""
    menu = joining.OFFER_MENU
    reading = read(message.text, menu, message.words, between=message.between)
    if reading.value == "sign" and message.inbound is not None:
        return Turn(*joining.sign(state, message.inbound))
    if reading.value == "carry_on":
        moved = joining.carry_on(state)
        return Turn(moved, (Outbound("carry_on"), _prompt(moved)))
    if reading.unsure:
        return _which(state, menu, reading.unsure)
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return Turn(state, (_prompt(state),))


def _set_aside(state: Conversation, message: _Message) -> Turn:
    """Their answers wait while they sign a neighbour's petition: "carry on" brings them back."""
    reading = read(message.text, joining.CARRY_ON_MENU, message.words, between=message.between)
    if reading.value == "carry_on":
        moved = joining.carry_on(state)
        return Turn(moved, (Outbound("carry_on"), _prompt(moved)))
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return Turn(state, (_prompt(state),))


def _which(state: Conversation, menu: Sequence[Choice], values: Sequence[str]) -> Turn:
    """A reply that fits more than one option: ask which, listing just those, by number."""
    choices = tuple(c for c in menu if c.value in values)
    return Turn(state.but(between=tuple(values)), (Outbound("which_one", {}, choices),))


# -- global words -----------------------------------------------------------------------------


def _help(state: Conversation, message: _Message) -> Turn:
    return Turn(state, (Outbound("help"), _prompt(state)))


def _back(state: Conversation, message: _Message) -> Turn:
    if state.step in QUESTIONS or state.step == Step.REVIEW:
        earlier = previous_step(state.step, state.answers)
        if earlier is not None:
            return _move(state, earlier)
    return Turn(state, (Outbound("at_start"), _prompt(state)))


def _restart(state: Conversation, message: _Message) -> Turn:
    if not state.answers or state.step == Step.SUBMITTED:
        return Turn(state, (Outbound("nothing_to_restart"), _prompt(state)))
    return Turn(
        state.but(confirming_restart=True),
        (Outbound("restart_confirm", choices=_options(("yes", "no"), "restart")),),
    )


def _confirm_restart(state: Conversation, confirmed: bool) -> Turn:
    if not confirmed:
        return Turn(state, (Outbound("carry_on"), _prompt(state)))
    fresh = state.but(
        answers={},
        collecting=False,
        misfits=0,
        support_requested=False,
        similar_offered=False,
        offer=None,
        set_aside_for=None,
    )
    moved = _move(fresh, first_unanswered(fresh.answers))
    return Turn(moved.state, (Outbound("restarted"), *moved.replies))


def _officer(state: Conversation, message: _Message) -> Turn:
    if message.spoken and message.fact(OFFICER_LINE_FACT):
        # Officers are answering the phone: a caller may be put through now.
        return Turn(
            state.but(officer_offered=True),
            (Outbound("voice/officer_offer", choices=_OFFICER_MENU),),
        )
    return _ask_for_officer(state)


def _ask_for_officer(state: Conversation) -> Turn:
    if state.support_requested:
        return Turn(state, (Outbound("officer_already"), _prompt(state)))
    return Turn(
        state.but(support_requested=True),
        (Outbound("officer_requested"), _prompt(state)),
        (RequestSupport(step=state.step.value, reason="asked"),),
    )


def _offered_officer(state: Conversation, message: _Message) -> Turn | None:
    """The answer to "put you through now, or a call back?"; None if it is neither."""
    reading = read(message.text, _OFFICER_MENU, message.words, between=message.between)
    line = message.fact(OFFICER_LINE_FACT)
    if reading.value == "put_through" and line:
        # Asked for as well, so an officer calls back if nobody answers or the line drops.
        asked = () if state.support_requested else (RequestSupport(state.step.value, "asked"),)
        putting = Outbound("voice/putting_through", {"dial": line})
        return Turn(state.but(support_requested=True), (putting,), asked)
    if reading.value is not None:  # a call back (or the line closed while they chose)
        return _ask_for_officer(state)
    return None


def _offered_text(state: Conversation, message: _Message) -> Turn | None:
    """The answer to "shall we text you the reference?"; None if it is neither."""
    reading = read(message.text, TEXT_OFFER, message.words, between=message.between)
    if reading.value is None:
        return None
    menu = Outbound("submitted_menu", choices=_SUBMITTED_MENU)
    if reading.value == "yes":
        return Turn(state, (Outbound("voice/texting"), menu), (TextDetails(),))
    return Turn(state, (Outbound("voice/not_texting"), menu))


def _confirm_heard(state: Conversation, heard: str, message: _Message, now: datetime) -> Turn:
    """A caller's answer was read back: "yes" keeps it (as if typed), "no" asks again, a word
    that works anywhere does its work, and anything else is another try, read back in turn."""
    handler = _WORDS.get(message.said or "")
    if handler is not None:
        return handler(state, message)
    reading = read(message.text, _HEARD_MENU, message.words, between=message.between)
    if reading.value == "yes" or message.said == DONE:  # hash: "that's it", so keep it
        keep = _Message(heard, word(heard), message.inbound, message.words, confirmed=True)
        return _answer(state, keep, now)
    if reading.value == "no":
        return Turn(state, (Outbound("voice/say_again"),))
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return _respond(state, message, now)


def _status(state: Conversation, message: _Message) -> Turn:
    # The shell answers: it knows the Calls. The report says which question is waiting.
    if state.step in QUESTIONS:
        return Turn(state, (), (ReportStatus(QUESTIONS[state.step].number, TOTAL_QUESTIONS),))
    return Turn(state, (), (ReportStatus(),))


def _skip(state: Conversation, message: _Message) -> Turn:
    # SKIP is read as an answer, since only the question knows whether it may be skipped.
    if state.step in QUESTIONS:
        skip = _Message(SKIP, SKIP, message.inbound, NO_WORDS)
        return _question_answer(state, QUESTIONS[state.step], skip)
    return Turn(state, (Outbound("cannot_skip"), _prompt(state)))


_WORDS: dict[str, Callable[[Conversation, _Message], Turn]] = {
    HELP: _help,
    BACK: _back,
    RESTART: _restart,
    OFFICER: _officer,
    STATUS: _status,
    SKIP: _skip,
}


# -- questions --------------------------------------------------------------------------------


def _question_answer(state: Conversation, q: Question, message: _Message) -> Turn:
    text, said = message.text, message.said
    has_answer = q.step.value in state.answers
    checked = q.kind in (Kind.ADDRESS, Kind.PHONE, Kind.NUMBER) or q.step == Step.NAME
    command = _WORDS.get(command_in(text, message.words) or "") if checked else None
    if command is None and message.spoken:
        # Said aloud, a whole reply asking for one is a command: "can I speak to someone?"
        command = _WORDS.get(request_in(text, message.words) or "")
    if command is not None:
        return command(state, message)  # "go back" is no postcode
    if q.kind != Kind.CHOICE and said not in (SKIP, DONE):
        # Free text is never matched loosely; only a whole reply such as "don't know" at a
        # question that may be skipped, or "that's all" after a long answer, is a word.
        closing = q.kind == Kind.EVIDENCE or (q.kind == Kind.LONG_TEXT and has_answer)
        if q.optional and means(text, message.words.phrases("words", "skip")):
            said = SKIP
        elif closing and means(text, message.words.phrases("words", "done")):
            said = DONE
    if said == SKIP:
        if not q.optional:
            if has_answer:  # they have said enough already: keep it, as DONE would
                return _move(state, first_unanswered(state.answers))
            return _misfit(state, q, "cannot_skip")
        return _accept(state, q, state.answers.get(q.step.value, ""))
    if said == DONE:
        if q.kind == Kind.EVIDENCE:
            return _accept(state, q, state.answers.get(q.step.value, ""))
        if has_answer:  # kept as it was, so its follow-ups stand too
            return _move(state, first_unanswered(state.answers))
        return _misfit(state, q, "need_answer")
    if q.kind == Kind.EVIDENCE and message.spoken and state.texts:
        # Nothing can be sent on a call: "1" (or "text me a link", the whole reply) gets an
        # upload link by text; a description that mentions a text is an answer.
        link = message.words.phrases(_LINK_CHOICE.kind, _LINK_CHOICE.value)
        if text == str(_LINK_CHOICE.number) or means(text, link):
            return Turn(state.but(misfits=0), (Outbound("voice/link_texting"),), (OfferUpload(),))
    if text and q.kind != Kind.CHOICE and message.spoken and not message.confirmed:
        if q.kind not in (Kind.LONG_TEXT, Kind.EVIDENCE):
            # Recognition ends whatever was said with a full stop; a name or a reference has none.
            text = text.removesuffix(".").strip() or text
        return _read_back(state, text)
    if q.kind == Kind.EVIDENCE:
        return _evidence(state, q, text, message.inbound)
    if q.kind == Kind.LONG_TEXT:
        return _long_text(state, q, text)
    if not text:
        return _misfit(state, q, "need_answer")
    if q.kind == Kind.CHOICE:  # a long reply is read too: "The lift has been broken..." is Repairs
        return _choose(state, q, message)
    if len(text) > q.max_chars:
        return _misfit(state, q, "too_long", limit=q.max_chars)
    value, problem = _read(q, text)
    if value is None:
        return _misfit(state, q, problem)
    return _accept(state, q, value)


def _read_back(state: Conversation, text: str) -> Turn:
    """What a caller said, said back to them before it is kept."""
    heard = text[:_LONGEST_READ]
    return Turn(state.but(heard=heard), (Outbound("voice/heard", {"text": heard}, _HEARD_MENU),))


def _choose(state: Conversation, q: Question, message: _Message) -> Turn:
    """The option a tenant picked by number or in their own words; asked again if unsure."""
    menu = _question_choices(q)
    if q.step.value in state.answers:
        menu += (_DONE_CHOICE,)  # "keep it" keeps the answer they gave before
    said = message.text[:_LONGEST_READ]
    reading = read(said, menu, message.words, between=message.between)
    if reading.value == _DONE_CHOICE.value:
        return _move(state, first_unanswered(state.answers))
    if reading.value is not None:
        return _accept(state, q, reading.value)
    if reading.unsure:
        return _which(state, menu, reading.unsure)
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return _misfit(state, q, "choice_invalid")


def _read(q: Question, text: str) -> tuple[str | None, str]:
    """The value to keep for a short answer, or None and the name of the problem."""
    if q.kind == Kind.ADDRESS:
        return (text if find_postcode(text) else None), "postcode_invalid"
    if q.kind == Kind.PHONE:
        return uk_phone(text), "phone_invalid"
    if q.kind == Kind.NUMBER:
        count = household_count(text)
        return (str(count) if count is not None else None), "number_invalid"
    if q.step == Step.NAME:
        if not has_letter(text):
            return None, "name_invalid"
        name = name_in(text)  # "My name is Sam Jones" is Sam Jones; a sentence is queried
        return name, "name_sentence"
    return text, ""


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
    moved = _move(answered, next_step(answered.answers, q.step))
    if q.step == Step.COMPLAINT_STAGE and value == "none":
        # Said gently, before the next question: the panel may send them there first.
        return Turn(moved.state, (Outbound("complaints_first"), *moved.replies))
    return moved


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
    moved = state.but(step=step, collecting=False, misfits=0, between=(), offer=None)
    if step == Step.REVIEW:
        return Turn(moved, _review(moved))
    return Turn(moved, (_ask(moved, step),))


def _prompt(state: Conversation) -> Outbound:
    """What to show to get the tenant going again from where they are."""
    if state.offer is not None:
        return Outbound("similar/offer_again", choices=joining.OFFER_MENU)
    if state.step == Step.SET_ASIDE:
        return Outbound("similar/set_aside", {"reference": ""}, joining.CARRY_ON_MENU)
    if state.step == Step.WELCOME:
        return Outbound("welcome_again", choices=_welcome().choices)
    if state.step == Step.REVIEW:
        return _review(state)[-1]
    if state.step == Step.SUBMITTED:
        return Outbound("submitted_menu", choices=_SUBMITTED_MENU)
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
            "texts": state.texts,
        },
        # A caller whose mobile can get texts may ask for an upload link at the evidence
        # question (texts is only ever true on a call).
        ((_LINK_CHOICE,) if step == Step.EVIDENCE and state.texts else ()) + _question_choices(q),
    )


def _question_choices(q: Question) -> tuple[Choice, ...]:
    if q.kind == Kind.CHOICE:
        return _options(q.options, q.option_kind)
    if q.optional:
        return (_SKIP_CHOICE,)
    return ()


def _options(values: tuple[str, ...], kind: str) -> tuple[Choice, ...]:
    return tuple(Choice(n, value, kind) for n, value in enumerate(values, start=1))


def _review_lines(state: Conversation) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for q in applicable(state.answers):
        if q.step.value in state.answers:
            line: dict[str, object] = {
                "number": len(lines) + 1,
                "field": q.step.value,
                "value": state.answers[q.step.value],
                "kind": q.option_kind,
            }
            if q.kind == Kind.EVIDENCE:
                line["photos"] = state.evidence_count  # photos and documents received
            lines.append(line)
    return lines


def _review_menu(lines: list[dict[str, object]]) -> tuple[Choice, ...]:
    """0 sends; each answer's number (or its name: "change my address") changes it."""
    answers = [Choice(int(str(line["number"])), str(line["field"]), "fields") for line in lines]
    return (_SEND_CHOICE, *answers)


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


def _review_answer(state: Conversation, message: _Message) -> Turn:
    lines = _review_lines(state)
    menu = _review_menu(lines)
    reading = read(
        message.text, menu, message.words, between=message.between, ignoring=_CHANGE_WORDS
    )
    if message.said == SEND or reading.value == _SEND_CHOICE.value:
        answers = submitted_answers(state.answers)
        # A caller hears the reference; one with a mobile is asked whether to text it too.
        offer_text = message.spoken and state.texts
        submit = SubmitCall(
            answers=answers,
            support_requested=state.support_requested,
            evidence_notes=answers.get(Step.EVIDENCE.value, ""),
            offer_text=offer_text,
        )
        personal = {k: v for k, v in state.answers.items() if k in PERSONAL_STEPS}
        done = state.but(
            step=Step.SUBMITTED,
            answers=personal,
            support_requested=False,
            evidence_count=0,
            calls_submitted=state.calls_submitted + 1,
            text_offered=offer_text,
            similar_offered=False,  # the next Call may be about something else
            offer=None,
        )
        return Turn(done, (), (submit,))
    if reading.value is not None:
        return _move(state, Step(reading.value))
    if reading.unsure:
        return _which(state, menu, reading.unsure)
    command = _WORDS.get(reading.command or "")
    if command is not None:
        return command(state, message)
    return Turn(
        state,
        (Outbound("review_invalid", {"count": len(lines)}, (_SEND_CHOICE,)),),
    )


__all__ = [
    "DONE",
    "FLOW_WORDS",
    "GLOBAL_WORDS",
    "NO_WORDS",
    "SEND",
    "TEXT_OFFER",
    "Turn",
    "advance",
]
