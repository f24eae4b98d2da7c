"""Languages in the conversation (pure: the flow with the words a renderer hands it), the
channels' first guesses, and a message rendered in each language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot import telegram
from bot.languages import best, own_name, parse_accept_language
from bot.render import Renderer, words
from conversations import (
    Channel,
    Choice,
    Conversation,
    Inbound,
    Outbound,
    SignPetition,
    advance,
)
from conversations.proforma import Step
from conversations.understanding import read
from tests.factories import SIMILAR_FACTS, conversation_at
from tests.fakes.telegram_api import make_update

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OFFERED = ("en", "pl", "ro")
renderer = Renderer(
    landlord="Pine Court Housing",
    phone="0151 496 0000",
    privacy_url="https://x.test/privacy",
    appeal_address="Bootle L30 4TH",
    support_days=2,
    offered=OFFERED,
)


def _say(
    state: Conversation | None, text: str, channel: Channel = Channel.SMS
) -> tuple[Conversation, tuple[Outbound, ...]]:
    language = state.language if state else ""
    turn = advance(
        state, Inbound(channel, "+447911000001", text), now=NOW, words=renderer.words(language)
    )
    return turn.state, turn.replies


def _at_name() -> Conversation:
    state, _ = _say(None, "Hi")
    state, _ = _say(state, "1")
    assert state.step == Step.NAME
    return state


def test_a_newcomer_starts_in_the_channels_guess() -> None:
    turn = advance(
        None,
        Inbound(Channel.TELEGRAM, "42", "Hi", language="pl"),
        now=NOW,
        words=words("pl", OFFERED),
    )
    assert turn.state.language == "pl" and turn.replies[0].template == "welcome"
    assert "Zaczynamy?" in renderer.render(turn.replies[0], Channel.TELEGRAM, "pl").text


def test_language_offers_the_languages_by_number_and_a_number_chooses() -> None:
    state, (menu,) = _say(_at_name(), "LANGUAGE")
    assert menu.template == "language_menu" and state.choosing_language
    assert [c.value for c in menu.choices] == list(OFFERED)
    shown = renderer.render(menu, Channel.SMS, "en").text
    assert "1 English\n2 Polski\n3 Romana" in shown  # each in its own name (texted plain)
    state, (told, asked) = _say(state, "2")
    assert state.language == "pl" and not state.choosing_language
    assert told.template == "language_set" and asked.template == "questions/name"
    assert state.step == Step.NAME  # carries on where they were


def test_a_languages_name_alone_changes_it_at_any_step_in_its_own_words() -> None:
    for said, code in (
        ("POLSKI", "pl"),
        ("po polsku", "pl"),
        ("Română", "ro"),
        ("romana", "ro"),
        ("english", "en"),
        ("Polish", "pl"),
        ("limba romana", "ro"),
    ):
        state, replies = _say(_at_name(), said)
        assert state.language == code, said
        assert [r.template for r in replies] == ["language_set", "questions/name"], said


def test_the_word_for_language_in_polish_and_romanian_asks_too() -> None:
    state, _ = _say(_at_name(), "POLSKI")
    state, (menu,) = _say(state, "zmien jezyk")
    assert menu.template == "language_menu"
    state, _ = _say(state, "3")
    state, (menu,) = _say(state, "limba")
    assert menu.template == "language_menu" and state.language == "ro"


def test_after_the_languages_are_offered_anything_else_is_read_as_usual() -> None:
    state, _ = _say(_at_name(), "LANGUAGE")
    state, replies = _say(state, "Sam Jones")
    assert not state.choosing_language and state.language == ""
    assert state.answers["name"] == "Sam Jones" and replies[-1].template != "language_menu"


def test_a_name_that_is_a_language_only_switches_when_it_is_the_whole_message() -> None:
    state, _ = _say(_at_name(), "Anna Polski")
    assert state.language == "" and state.answers["name"] == "Anna Polski"


def test_on_a_call_a_languages_name_is_an_answer_the_line_speaks_english() -> None:
    state, _ = _say(None, "", Channel.VOICE)
    state, _ = _say(state, "1", Channel.VOICE)
    state, replies = _say(state, "polski", Channel.VOICE)
    assert state.language == "" and all(r.template != "language_set" for r in replies)


def test_polish_and_romanian_words_work_and_english_words_still_do() -> None:
    welcome = (Choice(1, "start", "welcome"), Choice(2, "not_now", "welcome"))
    assert read("tak", welcome, words("pl", OFFERED)).value == "start"
    assert read("Nie teraz", welcome, words("pl", OFFERED)).value == "not_now"
    assert read("yes", welcome, words("pl", OFFERED)).value == "start"  # English everywhere
    assert read("2", welcome, words("ro", OFFERED)).value == "not_now"
    assert read("da", welcome, words("ro", OFFERED)).value == "start"
    assert read("tak", welcome, words("en", OFFERED)).value is None  # only for Polish speakers
    areas = tuple(Choice(n, v, "service_area") for n, v in enumerate(("repairs", "compliance"), 1))
    assert read("naprawy", areas, words("pl", OFFERED)).value == "repairs"  # the Polish label
    assert read("winda", areas, words("pl", OFFERED)).value == "repairs"
    assert read("reparații", areas, words("ro", OFFERED)).value == "repairs"


def _offered_a_neighbours_petition(
    language: str, done: str, channel: Channel
) -> tuple[Conversation, Outbound]:
    """A tenant writing in `language` finishes their concern (in its word for DONE) and the
    shell has found a neighbour's open petition like it (issue 15)."""
    writing = conversation_at(Step.CONCERNS, language=language, collecting=True)
    writing = writing.with_answer(Step.CONCERNS, "The lift keeps breaking down.")
    inbound = Inbound(channel, "+447911000001", done, facts=SIMILAR_FACTS)
    turn = advance(writing, inbound, now=NOW, words=renderer.words(language))
    [offer] = turn.replies
    assert offer.template == "similar/offer" and turn.state.offer is not None
    return turn.state, offer


def test_a_polish_tenant_is_offered_a_neighbours_petition_in_polish_and_signs_in_polish() -> None:
    offered, offer = _offered_a_neighbours_petition("pl", "gotowe", Channel.SMS)
    shown = renderer.render(offer, Channel.SMS, "pl").text  # texted plain: "juz", not "już"
    assert "Sasiad z okolicy L30 4 juz poprosil panel" in shown
    assert "Podpisalo juz 12 osob." in shown  # Polish plural for 12 (osób, not osoby)
    assert "1 Podpisuje tamta petycje\n2 Kontynuuje swoja sprawe" in shown
    assert "neighbour" not in shown and "signed" not in shown
    turn = advance(
        offered,
        Inbound(Channel.SMS, "+447911000001", "Podpisuję"),
        now=NOW,
        words=renderer.words("pl"),
    )
    assert turn.state.step == Step.SET_ASIDE and turn.state.language == "pl"
    [signing] = [e for e in turn.effects if isinstance(e, SignPetition)]
    assert signing.code == "K7QMX3" and signing.instead_of == "CCS-2026-0042"


def test_a_romanian_tenant_carries_on_with_their_own_call_in_romanian_words() -> None:
    offered, _ = _offered_a_neighbours_petition("ro", "gata", Channel.WEB)
    said = renderer.render(Outbound("similar/offer_again", choices=()), Channel.WEB, "ro").text
    assert said.startswith("Un vecin a semnalat deja problema.")
    turn = advance(
        offered,
        Inbound(Channel.WEB, "web-1", "continui cu a mea"),
        now=NOW,
        words=renderer.words("ro"),
    )
    assert [r.template for r in turn.replies] == ["carry_on", "questions/actions_taken"]
    assert turn.state.offer is None and turn.state.answers == offered.answers
    assert "Continuăm" in renderer.render(turn.replies[0], Channel.WEB, "ro").text
    # Set aside after signing on the page, the Romanian word the message names carries on.
    aside = advance(
        offered, Inbound(Channel.WEB, "web-1", "semnez"), now=NOW, words=renderer.words("ro")
    )
    assert [r.template for r in aside.replies] == ["similar/use_link", "similar/set_aside"]
    told = renderer.render(aside.replies[1], Channel.WEB, "ro").text
    assert "Petiția aceea este CCS-2026-0042." in told and "scrieți oricând CONTINUI" in told
    back = advance(
        aside.state, Inbound(Channel.WEB, "web-1", "CONTINUI"), now=NOW, words=renderer.words("ro")
    )
    assert back.state.step == Step.ACTIONS_TAKEN and back.replies[0].template == "carry_on"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "LANGUAGE",
                "1",
                "2",
                "3",
                "4",
                "polski",
                "romana",
                "english",
                "tak",
                "da",
                "yes",
                "Sam Jones",
                "jezyk",
                "BACK",
                "zzz",
            ]
        ),
        max_size=12,
    )
)
def test_any_replies_keep_the_language_one_we_offer(replies: list[str]) -> None:
    state: Conversation | None = None
    for text in replies:
        state, rendered = _say(state, text)
        assert state.language in ("", *OFFERED)
        for reply in rendered:  # and every reply renders in it
            assert renderer.render(reply, Channel.SMS, state.language).text


def test_the_browsers_languages_are_read_in_order_of_preference() -> None:
    assert parse_accept_language("en;q=0.5, pl-PL, ro;q=0.9") == ["pl-PL", "ro", "en"]
    assert parse_accept_language("*;q=0.1, fr;q=0, bad tag!, de") == ["de"]
    assert best(OFFERED, parse_accept_language("de-DE,ro-RO;q=0.8,pl;q=0.7")) == "ro"
    assert best(OFFERED, parse_accept_language("de, fr")) is None
    assert own_name("ro") == "Română" and own_name("pl") == "Polski"


def test_telegrams_language_code_is_the_first_guess() -> None:
    bot = Bot("123:ABC")
    for code, guess in (("pl", "pl"), ("ro-RO", "ro"), (None, "")):
        update = Update.de_json(make_update(1, chat_id=42, text="Hi", language_code=code), bot)
        assert update is not None
        inbound = telegram.inbound(update)
        assert inbound is not None and inbound.language == guess


def test_the_welcome_offers_every_other_language_in_its_own_words() -> None:
    welcome = Outbound("welcome", choices=(Choice(1, "start", "welcome"),))
    english = renderer.render(welcome, Channel.WEB, "en").text
    assert "Po polsku: napisz POLSKI" in english and "În română: scrieți ROMANA" in english
    polish = renderer.render(welcome, Channel.WEB, "pl").text
    assert "In English: reply ENGLISH" in polish and "Po polsku" not in polish
    assert "1 Tak, zaczynamy" in polish


def test_dates_are_written_in_the_readers_language() -> None:
    agenda = Outbound(
        "outcomes/on_agenda", {"reference": "CCS-2026-0042", "meeting_date": date(2026, 12, 8)}
    )
    assert "Tuesday 8 December 2026" in renderer.render(agenda, Channel.WEB, "en").text
    assert "wtorek 8 grudnia 2026" in renderer.render(agenda, Channel.WEB, "pl").text
    assert "marți 8 decembrie 2026" in renderer.render(agenda, Channel.WEB, "ro").text


def test_a_language_we_do_not_offer_is_written_in_the_default() -> None:
    assert renderer.language("de") == "en" and renderer.language("") == "en"
    assert renderer.language("ro") == "ro"
