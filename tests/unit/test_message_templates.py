"""Every text the bot sends, in every language we offer: plain GSM-7 as texted, within three
SMS segments, with worst-case content."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.render import TEMPLATES, Renderer
from bot.sms_text import is_gsm7, segments, sms_safe
from conversations import Channel, Choice, Outbound
from conversations.channels import SMS_SEGMENTS
from conversations.flow import REVIEW_SPLIT
from conversations.joining import SUMMARY_SHOWN
from conversations.proforma import FORM, TOTAL_QUESTIONS

MESSAGES = TEMPLATES / "messages"
LONG = "word " * 400
renderer = Renderer(
    landlord="Pine Court Housing Association",
    phone="0151 496 0000",
    privacy_url="https://frontdoor.pinecourt.example.org/privacy",
    appeal_address=(
        "Customer Empowerment Manager, Pine Court Housing Association, Atlantic House, "
        "Dunnings Bridge Road, Bootle, Merseyside L30 4TH"
    ),
    support_days=10,
    offered=("en", "pl", "ro"),
)
LANGUAGES = renderer.offered
AREAS = Choice(1, "community_safety", "service_area")


def _question(step: str) -> dict[str, Any]:
    q = next(q for q in FORM if q.step.value == step)
    current = q.options[-1] if q.options else LONG
    return {
        "number": q.number,
        "total": TOTAL_QUESTIONS,
        "current": current,
        "current_kind": q.option_kind,
        "optional": q.optional,
        "max_chars": q.max_chars,
        "texts": True,
    }


def _review_lines() -> list[dict[str, object]]:
    """As many answers as one review message holds, each as long as it can be shown."""
    lines: list[dict[str, object]] = [
        {"number": n + 10, "field": "failures", "value": LONG, "kind": ""}
        for n in range(REVIEW_SPLIT - 1)
    ]
    return [{"number": 99, "field": "evidence", "value": LONG, "kind": "", "photos": 12}, *lines]


# Dates are written in the reader's language: the longest day and month names of ours
# ("Wednesday 30 September", "poniedzialek 26 pazdziernika", "miercuri 30 septembrie").
LONGEST_DAY = date(2026, 9, 30)
DATED = ("meeting_date", "appeal_by", "start", "presented_on", "review_on")

OUTCOME = {
    "reference": "CCS-2026-10042",
    "officer": "Bartholomew",
    "route": "individual",
    "needed": 1250,
    "share_url": "https://frontdoor.pinecourt.example.org/s/ABCDEFGH",
    "meeting_date": LONGEST_DAY,
    "reasons": LONG,
    "advice": LONG,
    "appeal_by": LONGEST_DAY,
    "start": LONGEST_DAY,
    "presented_on": LONGEST_DAY,
    "outcome": "overturned",
    "new_decision": "serious_failure",
    "months": 6,
    "recommendations": LONG,
    "failure_found": "both",
    "complaints_used": "review_panel",
    "monitoring_what": LONG,
    "review_on": LONGEST_DAY,
    "note": LONG,
    "accepted": False,
}


WORST: dict[str, list[dict[str, Any]]] = {
    "welcome": [{}],
    "language_offer": [{"word": "ENGLISH"}],
    "language_menu": [{}],
    "language_set": [{}],
    "welcome_again": [{}],
    "not_now": [{}],
    "help": [{}],
    "at_start": [{}],
    "cannot_skip": [{}],
    "nothing_to_restart": [{}],
    "restart_confirm": [{}],
    "restarted": [{}],
    "carry_on": [{}],
    "officer_requested": [{}],
    "support_assigned": [{"officer": "Bartholomew"}],
    "evidence_uploaded": [{"count": 1}, {"count": 30}],
    "cannot_read": [{"kind": k} for k in ("voice", "sticker", "location", "contact", "video", "")],
    "officer_already": [{}],
    "offer_officer": [{}],
    "photo_kept": [{"count": 1}, {"count": 10}, {"count": 10, "reference": "CCS-2026-10042"}],
    "long_text_more": [{"room": 1499}],
    "evidence_received": [
        {"photos": 3, "total": 12, "noted": False},
        {"photos": 0, "total": 0, "noted": True},
    ],
    "review_answers": [
        {"lines": _review_lines()},
        {"lines": [{"number": 1, "field": "evidence", "value": "", "kind": "", "photos": 0}]},
    ],
    "which_one": [{}],
    "complaints_first": [{}],
    "review_prompt": [{"count": 18, "photos": 12}],
    "review_invalid": [{"count": 18}],
    "submitted": [
        {
            "reference": "CCS-2026-10042",
            "route": "petition",
            "meeting_date": "Wednesday 30 September 2026",
        },
        {"reference": "CCS-2026-0042", "route": "individual"},
        {"reference": "CCS-2026-10042", "route": "petition", "offer_text": True},
        {"reference": "CCS-2026-10042", "route": "petition", "called": True},
    ],
    "submitted_menu": [{}],
    "petition/milestone": [
        {
            "reference": "CCS-2026-10042",
            "percent": 75,
            "count": 1234,
            "target": 1650,
            "url": "https://frontdoor.pinecourt.example.org/s/ABCDEF",
        },
        {"reference": "CCS-2026-10042", "percent": 100, "count": 1650, "target": 1650, "url": ""},
    ],
    "petition/closed": [{"reference": "CCS-2026-10042", "count": 1234, "target": 1650}],
    "petition/code": [{"code": "123456"}],
    "petition/withdraw_code": [{"code": "123456"}],
    "petition/share": [
        {
            "area": "Home Improvement Works",
            "url": "https://frontdoor.pinecourt.example.org/s/ABCDEF",
        }
    ],
    "petition/link": [
        {
            "area": "Home Improvement Works",
            "url": "https://frontdoor.pinecourt.example.org/s/ABCDEF",
            "share_url": "https://frontdoor.pinecourt.example.org/s/ABCDEF",
            "problem": problem,
        }
        for problem in ("", LONG)
    ],
    "petition/ask_name": [{"title": "Ask the tenant panel to look into Home Improvement Works"}],
    "petition/ask_address": [{}],
    "petition/unknown_code": [{"code": "ABCDEFGHIJKL"}],
    "petition/signed": [{"name": "Bartholomew", "count": 1234, "target": 1650, "code": "ABCDEF"}],
    "petition/already": [{}],
    "petition/closed_to_signing": [{}],
    "petition/withdrawn": [{"code": "ABCDEF"}],
    "petition/not_signed": [{"code": "ABCDEF"}],
    "petition/outcome": [
        {"area": "Home Improvement Works", "stage": "decided", "decision": "serious_failure"},
        {"area": "Home Improvement Works", "stage": "completed", "decision": "accepted"},
    ],
    "petition/use_link": [
        {"url": "https://frontdoor.pinecourt.example.org/s/ABCDEF", "withdrawing": taking}
        for taking in (False, True)
    ],
    "officer_message": [{"text": "Your Call CCS-2026-0042 is on the agenda for 7 December."}],
    # Joining neighbours up: the summary is cut to SUMMARY_SHOWN characters by the look-up.
    "similar/offer": [
        {
            "reference": "CCS-2026-10042",
            "summary": (
                "The lift at Maple House breaks down every week. Residents on the top floors "
                "are stuck for days. Engineers come late. Please look at the repairs contract..."
            )[:SUMMARY_SHOWN],
            "area": "Home Improvement Works",
            "place": "LS10 9",
            "count": count,
        }
        for count in (1, 12345)
    ]
    + [
        {
            "reference": "CCS-2026-10042",
            "summary": "",
            "area": "Repairs",
            "place": "M14 5",
            "count": 0,
        }
    ],
    "similar/offer_again": [{}],
    "similar/joined_in": [
        {"reference": "CCS-2026-10042", "other": "CCS-2026-10043", "undone": u, "moved": m}
        for u in (False, True)
        for m in (0, 1, 99999)
    ],
    "similar/set_aside": [{"reference": "CCS-2026-10042"}, {"reference": ""}],
    "similar/use_link": [
        {"url": "https://frontdoor.pinecourt.example.org/s/ABCDEF", "texts": texts}
        for texts in (False, True)
    ],
    "similar/told_joined": [
        {"reference": "CCS-2026-10042", "other": "CCS-2026-10043", "undone": u, "signer": s}
        for u in (False, True)
        for s in (False, True)
    ],
    "upload_link": [
        {"url": "https://frontdoor.pinecourt.example.org/u/" + "x" * 40, "days": 7, "called": c}
        for c in (False, True)
    ]
    + [
        {
            "url": "https://frontdoor.pinecourt.example.org/u/" + "x" * 40,
            "days": 7,
            "called": False,
            "to": "CCS-2026-10042",
        }
    ],
    "status": [
        {
            "calls": [
                {
                    "reference": "CCS-2026-10042",
                    "service_area": "home_improvement_works",
                    "status": "programmed",
                    "score": 33.5,
                    "place": 12,
                }
            ]
            * 2,
            "older": 12,
            "draft_question": 10,
            "draft_total": 11,
        },
        {"calls": [], "older": 0, "draft_question": None, "draft_total": None},
    ],
    **{f"questions/{q.step.value}": [_question(q.step.value)] for q in FORM},
    # Said on a phone call only (never texted): see test_every_message_reads_well_aloud.
    "voice/keys": [{}],
    "voice/welcome_back": [{}],
    "voice/heard": [
        {"text": LONG},
        {"text": "Zoë O’Brien & co — 50% <b>#1</b> http://x.test/a?b=c"},
    ],
    "voice/say_again": [{}],
    "voice/officer_offer": [{}],
    "voice/putting_through": [{"dial": "+441514960000"}],
    "voice/no_answer": [{}],
    "voice/after_officer": [{}],
    "voice/silence": [{}],
    "voice/goodbye": [{}],
    "voice/withheld": [{}],
    "voice/texting": [{}],
    "voice/not_texting": [{}],
    "voice/link_texting": [{}],
    **{
        f"outcomes/{name}": [
            OUTCOME,
            {**OUTCOME, **dict.fromkeys(DATED, date(2026, 10, 26))},  # poniedzialek, pazdziernika
        ]
        for name in (
            "officer_assigned",
            "signatories_set",
            "on_agenda",
            "decision_not_exhausted",
            "decision_monitoring",
            "decision_accepted",
            "decision_serious_failure",
            "appeal_rights",
            "programmed",
            "reported",
            "completed",
            "appeal_received",
            "appeal_late",
            "appeal_outcome",
            "appeal_unknown",
            "appeal_not_open",
            "appeal_reasons",
            "follow_up",
            "follow_up_thanks",
        )
    },
    "outcomes/appeal_already": [{**OUTCOME, "decided": True}, {**OUTCOME, "decided": False}],
    # After the plan is agreed, to the tenant and to signers (the area may be the tenant's own
    # words for "something else", up to 100 characters).
    "outcomes/review_found": [
        {**OUTCOME, "summary": LONG, "signer": False},
        {"summary": LONG, "signer": True, "area": "x" * 100},
    ],
    "outcomes/action_plan": [
        {
            **OUTCOME,
            "actions": [{"what": LONG, "by": LONGEST_DAY}] * 12,
            "signer": signer,
            "area": "x" * 100,
        }
        for signer in (False, True)
    ]
    + [{**OUTCOME, "actions": [{"what": "Fix it", "by": "May 2027"}], "signer": False}]
    + [{"actions": [{"what": LONG, "by": LONGEST_DAY}] * 3, "signer": True, "area": "x" * 100}],
    "outcomes/action_done": [
        {**OUTCOME, "what": LONG, "done": 11, "total": 12},
        {**OUTCOME, "what": LONG, "done": 12, "total": 12},
    ],
    "outcomes/monitoring_review": [
        {**OUTCOME, "outcome": outcome, "accepted": accepted}
        for outcome, accepted in (
            ("improved", False),
            ("not_improved", False),
            ("not_improved", True),
        )
    ],
    **{
        f"errors/{name}": [
            {"step": "evidence", "number": 10, "total": 11, "count": 11, "limit": 1500, "room": 3},
            {"step": "concerns", "number": 5, "total": 11, "count": 11, "limit": 80},
        ]
        for name in (
            "need_answer",
            "too_long",
            "choice_invalid",
            "cannot_skip",
            "name_invalid",
            "name_sentence",
            "postcode_invalid",
            "phone_invalid",
            "number_invalid",
        )
    },
}


def _template_names() -> set[str]:
    return {
        str(path.relative_to(MESSAGES).with_suffix(""))
        for path in MESSAGES.rglob("*.txt")
        if not path.name.startswith("_")
    }


def test_every_message_template_is_checked_here() -> None:
    assert _template_names() == set(WORST)


def _choices(name: str) -> tuple[Choice, ...]:
    if name == "questions/service_area" or name == "errors/choice_invalid":
        return tuple(Choice(n, v, "service_area") for n, v in enumerate(FORM[4].options, 1))
    if name == "language_menu":
        return tuple(Choice(n, code, "language") for n, code in enumerate(LANGUAGES, 1))
    return ()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(n for n in WORST if not n.startswith("voice/")))
def test_each_message_fits_three_sms_segments_in_every_language(name: str, language: str) -> None:
    for context in WORST[name]:
        outbound = Outbound(name, context, _choices(name))
        written = renderer.render(outbound, Channel.WEB, language).text
        texted = renderer.render(outbound, Channel.SMS, language).text
        assert written.strip(), f"{name} rendered empty"
        # Texted in GSM-7 (diacritics dropped, see sms_safe), and shortened to fit, never cut:
        # the text message says everything the chat does, letter for letter.
        assert is_gsm7(texted), f"{name} ({language}) is outside GSM-7: {texted!r}"
        assert len(texted) == len(written), f"{name} ({language}) lost characters: {texted!r}"
        assert segments(texted) <= SMS_SEGMENTS, (
            f"{name} ({language}) is {segments(texted)} segments: {texted!r}"
        )


def test_polish_and_romanian_letters_are_texted_plain_never_dropped() -> None:
    assert sms_safe("Zażółć gęślą jaźń. ŁÓDŹ") == "Zazolc gesla jazn. LODZ"
    assert (
        sms_safe("Bună ziua, și țară; ÎNCHIS, ÂNCĂ, ş ţ") == "Buna ziua, si tara; INCHIS, ANCA, s t"
    )


@pytest.mark.parametrize("path", sorted(MESSAGES.rglob("*")), ids=lambda p: p.name)
def test_template_sources_have_no_characters_that_force_ucs2(path: Path) -> None:
    if path.is_file():
        assert is_gsm7(path.read_text()), f"{path.name} has a curly quote, long dash or emoji"


def test_labels_exist_for_every_option_and_field() -> None:
    labels = tomllib.loads((MESSAGES / "labels.toml").read_text())
    for q in FORM:
        assert q.step.value in labels["fields"]
        for option in q.options:
            assert option in labels[q.option_kind], f"{q.option_kind}.{option} has no label"


# -- read aloud on a phone call ----------------------------------------------------------------

# What a call never says: it texts these later (Channel.written), to the caller's own mobile.
TEXTED_LATER = (
    "outcomes/",
    "petition/",
    "upload_link",
    "officer_message",
    "support_assigned",
    "evidence_uploaded",
    "photo_kept",
    "cannot_read",
    "language_",  # a call is in English: the languages are offered only in writing
)
SAID_IN_A_CALL = sorted(
    name
    for name in WORST
    if not name.startswith(TEXTED_LATER) or name in ("petition/use_link", "petition/unknown_code")
)
# Words a voice can read: letters, digits, and the punctuation that makes a pause.
SPEAKABLE = re.compile(r"[\w\s.,?!'-]*")
WRITTEN_ONLY = re.compile(r"\b(reply|type|typed|tap|click|message me|send us a message)\b", re.I)
LONGEST_SENTENCE = 25  # words: a listener cannot look back at a long one


def _spoken(name: str, context: dict[str, Any]) -> str:
    choices: tuple[Choice, ...] = ()
    if name == "questions/service_area" or name == "errors/choice_invalid":
        choices = tuple(Choice(n, v, "service_area") for n, v in enumerate(FORM[4].options, 1))
    return renderer.render(Outbound(name, context, choices), Channel.VOICE).text


def _plain(value: Any) -> Any:
    """The context with a tenant's long answer as an everyday one, to measure our own words."""
    if value == LONG:
        return "the lift is broken"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(WORST))
def test_every_message_reads_well_aloud(name: str) -> None:
    for context in WORST[name]:
        text = _spoken(name, context)
        assert text.strip(), f"{name} said nothing"
        assert "http" not in text and "www" not in text and "/" not in text, text
        assert SPEAKABLE.fullmatch(text), f"{name} has symbols: {text!r}"
        assert not re.search(r"\b(?:DONE|OFFICER|HELP|SKIP|BACK|STATUS|RESTART)\b", text), text
        assert not re.search(r"CCS|\d{5}", text), f"{name}: read a reference or number out whole"


@pytest.mark.parametrize("name", SAID_IN_A_CALL)
def test_what_a_call_says_is_said_in_short_sentences_for_a_listener(name: str) -> None:
    for context in WORST[name]:
        text = _spoken(name, _plain(context))
        assert not WRITTEN_ONLY.search(text), f"{name} tells a caller to write: {text!r}"
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            # A number or postcode read a character at a time is one thing to hear.
            words = [w for w in sentence.split() if len(w.strip(",.?!")) > 1]
            assert len(words) <= LONGEST_SENTENCE, f"{name}: {sentence!r}"


def test_a_reference_is_read_a_character_at_a_time_and_said_twice() -> None:
    context = {"reference": "CCS-2026-0042", "route": "petition", "offer_text": True}
    text = _spoken("submitted", context)
    assert text.count("C, C, S, 2, 0, 2, 6, 0, 0, 4, 2") == 2
    assert "text you the reference, and the link to share your petition" in text


def test_a_question_on_a_call_names_its_options_and_the_keys_that_work_anywhere() -> None:
    text = _spoken("questions/service_area", _question("service_area"))
    assert "For Repairs, like lights, lifts or door entry, press 5." in text
    assert text.endswith("Press star to go back, or 0 for a person.")
    welcome = renderer.render(
        Outbound("welcome", {}, (Choice(1, "start", "welcome"),)), Channel.VOICE
    ).text
    assert "To start, say yes, or press 1." in welcome
    assert "0 1 5 1, 4 9 6, 0 0 0 0" not in welcome  # no number to call: they are calling it
