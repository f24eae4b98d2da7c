"""The pro-forma: every question, its kind, its options and when it applies, in order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    """Where a conversation is; stored as its string value."""

    WELCOME = "welcome"
    NAME = "name"
    ADDRESS = "address"
    CONTACT_PREFERENCE = "contact_preference"
    CONTACT_PHONE = "contact_phone"
    SERVICE_AREA = "service_area"
    SERVICE_AREA_OTHER = "service_area_other"
    CONCERNS = "concerns"
    ACTIONS_TAKEN = "actions_taken"
    COMPLAINT_STAGE = "complaint_stage"
    COMPLAINT_REFERENCE = "complaint_reference"
    FAILURES = "failures"
    FAILURES_SINCE = "failures_since"
    FAILURES_FREQUENCY = "failures_frequency"
    OTHERS_AFFECTED = "others_affected"
    AFFECTED_WHO = "affected_who"
    AFFECTED_HOUSEHOLDS = "affected_households"
    EVIDENCE = "evidence"
    ROUTE = "route"
    REVIEW = "review"
    SUBMITTED = "submitted"
    # The tenant signed a neighbour's petition about the same problem instead: their answers
    # wait here until they say "carry on" (conversations/joining.py).
    SET_ASIDE = "set_aside"


class Kind(StrEnum):
    """How an answer is read and checked."""

    CHOICE = "choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"  # may span several messages; the tenant says DONE
    ADDRESS = "address"  # must hold a UK postcode
    PHONE = "phone"
    NUMBER = "number"
    EVIDENCE = "evidence"  # photos and notes; the tenant says DONE


# Option values are stored; their labels live in templates/messages/labels.toml.
SERVICE_AREAS: tuple[str, ...] = (
    "community_safety",
    "customer_access",
    "neighbourhood_services",
    "independent_living",
    "repairs",
    "void_works",
    "compliance",
    "communal_cleaning",
    "grounds_maintenance",
    "home_improvement_works",
    "other",
    "not_sure",  # an officer chooses the service area
)
CONTACT_PREFERENCES = ("here", "phone", "letter")
COMPLAINT_STAGES = ("none", "stage_1", "stage_2", "review_panel", "not_sure")
COMPLAINTS_MADE = ("stage_1", "stage_2", "review_panel")
FREQUENCIES = ("once", "a_few_times", "monthly", "weekly", "all_the_time")
YES_NO_UNSURE = ("yes", "no", "not_sure")
ROUTES = ("petition", "individual")

Answers = Mapping[str, str]


def _always(_: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    """One step of the pro-forma."""

    step: Step
    number: int  # the "Question 3 of 11" a tenant sees; follow-ups share their parent's
    kind: Kind
    options: tuple[str, ...] = ()
    option_kind: str = ""  # which labels.toml table names the options
    optional: bool = False
    max_chars: int = 200
    applies: Callable[[Answers], bool] = _always
    follows: Step | None = None  # asked because of the answer at this step (a follow-up)


FORM: tuple[Question, ...] = (
    Question(Step.NAME, 1, Kind.SHORT_TEXT, max_chars=80),
    Question(Step.ADDRESS, 2, Kind.ADDRESS, max_chars=200),
    Question(Step.CONTACT_PREFERENCE, 3, Kind.CHOICE, CONTACT_PREFERENCES, "contact_preference"),
    Question(
        Step.CONTACT_PHONE,
        3,
        Kind.PHONE,
        max_chars=30,
        applies=lambda a: a.get(Step.CONTACT_PREFERENCE) == "phone",
        follows=Step.CONTACT_PREFERENCE,
    ),
    Question(Step.SERVICE_AREA, 4, Kind.CHOICE, SERVICE_AREAS, "service_area"),
    Question(
        Step.SERVICE_AREA_OTHER,
        4,
        Kind.SHORT_TEXT,
        max_chars=100,
        applies=lambda a: a.get(Step.SERVICE_AREA) == "other",
        follows=Step.SERVICE_AREA,
    ),
    Question(Step.CONCERNS, 5, Kind.LONG_TEXT, max_chars=1500),
    Question(Step.ACTIONS_TAKEN, 6, Kind.LONG_TEXT, max_chars=1500),
    Question(Step.COMPLAINT_STAGE, 7, Kind.CHOICE, COMPLAINT_STAGES, "complaint_stage"),
    Question(
        Step.COMPLAINT_REFERENCE,
        7,
        Kind.SHORT_TEXT,
        optional=True,
        max_chars=40,
        applies=lambda a: a.get(Step.COMPLAINT_STAGE) in COMPLAINTS_MADE,
        follows=Step.COMPLAINT_STAGE,
    ),
    Question(Step.FAILURES, 8, Kind.LONG_TEXT, max_chars=1500),
    Question(Step.FAILURES_SINCE, 8, Kind.SHORT_TEXT, max_chars=100),
    Question(Step.FAILURES_FREQUENCY, 8, Kind.CHOICE, FREQUENCIES, "frequency"),
    Question(Step.OTHERS_AFFECTED, 9, Kind.CHOICE, YES_NO_UNSURE, "yes_no_unsure"),
    Question(
        Step.AFFECTED_WHO,
        9,
        Kind.LONG_TEXT,
        max_chars=1000,
        applies=lambda a: a.get(Step.OTHERS_AFFECTED) == "yes",
        follows=Step.OTHERS_AFFECTED,
    ),
    Question(
        Step.AFFECTED_HOUSEHOLDS,
        9,
        Kind.NUMBER,
        optional=True,
        max_chars=40,
        applies=lambda a: a.get(Step.OTHERS_AFFECTED) == "yes",
        follows=Step.OTHERS_AFFECTED,
    ),
    Question(Step.EVIDENCE, 10, Kind.EVIDENCE, optional=True, max_chars=1000),
    Question(Step.ROUTE, 11, Kind.CHOICE, ROUTES, "route"),
)

QUESTIONS: dict[Step, Question] = {q.step: q for q in FORM}
TOTAL_QUESTIONS = max(q.number for q in FORM)


def question(step: Step) -> Question:
    """The question asked at `step`; KeyError for steps that are not questions."""
    return QUESTIONS[step]


def applicable(answers: Answers) -> tuple[Question, ...]:
    """The questions this tenant is asked, given what they have answered so far."""
    return tuple(q for q in FORM if q.applies(answers))


def first_unanswered(answers: Answers) -> Step:
    """The next question still to answer, or REVIEW when the pro-forma is complete."""
    for q in applicable(answers):
        if q.step not in answers:
            return q.step
    return Step.REVIEW


def next_step(answers: Answers, step: Step) -> Step:
    """Where to go once `step` is answered: its follow-up, even one answered before (so that
    choosing "Phone me" again asks for the number again, showing the one we have), then the
    first question still unanswered, or REVIEW."""
    asked = [q.step for q in applicable(answers)]
    if step in asked and asked.index(step) + 1 < len(asked):
        after = QUESTIONS[asked[asked.index(step) + 1]]
        if after.follows is not None and after.follows in (step, QUESTIONS[step].follows):
            return after.step
    return first_unanswered(answers)


def previous_step(step: Step, answers: Answers) -> Step | None:
    """The question before `step` for BACK, or None at the first question."""
    asked = applicable(answers)
    if step == Step.REVIEW:
        return asked[-1].step
    steps = [q.step for q in asked]
    if step not in steps:
        return None
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


def submitted_answers(answers: Answers) -> dict[str, str]:
    """Only the answers to questions that apply: a changed answer can retire a follow-up."""
    return {q.step.value: answers[q.step] for q in applicable(answers) if q.step in answers}
