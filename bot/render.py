"""Renders Outbound replies from templates/messages into text and buttons for a channel."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot import languages
from bot.languages import SOURCE
from bot.sms_text import sms_safe, split_for_sms
from bot.speech import speakable
from conversations.channels import Channel
from conversations.flow import LANGUAGE_KIND
from conversations.messages import Choice, Outbound
from conversations.understanding import Words, words_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Button:
    """A tappable choice: what it says, and what pressing it sends (or the page it opens)."""

    label: str
    reply: str
    url: str = ""


@dataclass(frozen=True)
class Rendered:
    """A reply ready for a channel."""

    text: str
    buttons: tuple[Button, ...] = ()


def shorten(text: str, limit: int = 40) -> str:
    """The text on one line, cut at a word boundary to `limit` characters."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 3].rsplit(" ", 1)[0] or flat[: limit - 3]
    return cut + "..."


@cache
def _labels() -> dict[str, dict[str, Any]]:
    with (TEMPLATES / "messages" / "labels.toml").open("rb") as fh:
        return tomllib.load(fh)


def _entry(kind: str, value: str) -> dict[str, Any]:
    """An option's row of the labels file: a bare label, or a table with its examples and words."""
    entry = _labels().get(kind, {}).get(value)
    if isinstance(entry, str):
        return {"label": entry}
    return entry if isinstance(entry, dict) else {}


def label(kind: str, value: str) -> str:
    """The words a person reads for an option, a field or a status (a language: its own name,
    "Polski", which its speakers recognise whatever language the rest is in)."""
    if kind == LANGUAGE_KIND:
        return languages.own_name(value)
    return str(_entry(kind, value).get("label") or value.replace("_", " ").capitalize())


def choice_label(kind: str, value: str, gettext: Callable[[str], str] = str) -> str:
    """An option as a tenant chooses it: its label, and its examples in brackets if it has any
    (in the tenant's language with that catalogue's `gettext`)."""
    examples = _entry(kind, value).get("examples")
    name = gettext(label(kind, value))
    return f"{name} ({gettext(examples)})" if examples else name


def spoken_choice(choice: Choice) -> str:
    """An option as a caller hears it: "For Repairs, like lights, lifts or door entry, press
    5.", or the option's own "say" words ("To start, say yes, or press 1.")."""
    entry = _entry(choice.kind, choice.value)
    if entry.get("say"):
        return f"{entry['say']}, or press {choice.number}."
    name = label(choice.kind, choice.value)
    examples = [e.strip() for e in str(entry.get("examples", "")).split(",") if e.strip()]
    if examples:  # "lights, lifts or door entry"
        listed = " or ".join([", ".join(examples[:-1]), examples[-1]] if examples[1:] else examples)
        name = f"{name}, like {listed}"
    return f"For {name}, press {choice.number}."


# A question, or a problem with an answer, ends on a call with the keys that work anywhere.
_PROMPTS_WITH_KEYS = ("questions/", "errors/")


@cache
def words(language: str = SOURCE, offered: tuple[str, ...] = (SOURCE,)) -> Words:
    """The words people use for each option, for the flow to read replies with (the flow
    itself reads no files): the labels file's English words, understood in every language,
    with the language's own labels and the words its speakers type (locales/<code>/words.toml),
    and each offered language's names ("polski", "polish", "romana")."""
    gettext = languages.translations(language).gettext
    typed = languages.typed_words(language)
    table: dict[str, Any] = {}
    for kind, entries in _labels().items():
        if kind == "commands" or not isinstance(entries, dict):
            continue
        table[kind] = {}
        for value in entries:
            entry = _entry(kind, value)
            english = [entry.get("label", ""), *str(entry.get("examples", "")).split(",")]
            said = [*entry.get("words", ()), *english]
            said += typed.get(kind, {}).get(value, {}).get("words", [])
            own = {"label": gettext(entry["label"])} if entry.get("label") else {}
            if entry.get("examples"):
                own["examples"] = gettext(entry["examples"])
            table[kind][value] = {**own, "words": said}
    commands = {name: list(said) for name, said in _labels().get("commands", {}).items()}
    for name, said in typed.get("commands", {}).items():
        commands[name] = [*commands.get(name, []), *said]
    table["commands"] = commands
    table[LANGUAGE_KIND] = {
        code: {
            "label": languages.own_name(code),
            "words": [
                languages.english_name(code),
                *languages.typed_words(code).get(LANGUAGE_KIND, {}).get("words", []),
            ],
        }
        for code in offered
    }
    return Words.from_labels(table)


class Renderer:
    """Turns the flow's replies into text, with the service's own details filled in."""

    def __init__(
        self,
        *,
        landlord: str,
        phone: str,
        privacy_url: str,
        appeal_address: str,
        support_days: int,
        offered: Sequence[str] = (SOURCE,),
    ) -> None:
        """The installation's details every message may use, from the settings; `offered`
        are the languages we write in (LANGUAGES), the first the default."""
        self.offered = tuple(offered) or (SOURCE,)
        self.service = {
            "landlord": landlord,
            "phone": phone,
            "privacy_url": privacy_url,
            "appeal_address": appeal_address,
            "support_days": support_days,
        }
        # One environment per language, each with its catalogue installed (jinja2.ext.i18n):
        # templates compile once per language and a render never switches catalogues.
        self._envs = {code: self._environment(code) for code in {SOURCE, *self.offered}}
        self._offers = {code: self._other_languages(code) for code in self.offered}

    def _environment(self, code: str) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES / "messages"),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,  # noqa: S701 - plain text for SMS and chat; web pages escape it again
            auto_reload=False,  # read once: checking each file's date cost every reply a stat
            extensions=["jinja2.ext.i18n"],
        )
        translations = languages.translations(code)
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        # `spoken` is true when the reply is read out on a call, for the few words that differ.
        env.globals.update(self.service, spoken=False)
        env.globals["label"] = lambda kind, value: translations.gettext(label(kind, value))
        env.filters["shorten"] = shorten
        # Dates are handed in as dates and written in the reader's language: "środa 30 września".
        env.filters["long_date"] = lambda when: _written(when, "EEEE d MMMM y", code)
        env.filters["month"] = lambda when: _written(when, "LLLL y", code)
        return env

    def language(self, code: str | None) -> str:
        """The language to write in for `code`: itself if we offer it, else the default."""
        return code if code in self.offered else self.offered[0]

    def words(self, code: str | None) -> Words:
        """What people type for each option, as a speaker of `code` may type it."""
        return words(self.language(code), self.offered)

    def _other_languages(self, code: str) -> list[str]:
        """Each other language we offer, in a line its speakers recognise: "Po polsku: napisz
        POLSKI" (each in its own catalogue)."""
        return [
            self._envs[other].get_template("language_offer.txt").render(word=_typed_name(other))
            for other in self.offered
            if other != code
        ]

    def render(
        self, outbound: Outbound, channel: Channel = Channel.WEB, language: str | None = None
    ) -> Rendered:
        """The text and buttons of one reply as `channel` shows them, in `language` (a call
        is in English: the phone line's voice and its reading of a text are English)."""
        spoken = channel.can.spoken
        code = SOURCE if spoken else self.language(language)
        env = self._envs[code]
        gettext = languages.translations(code).gettext
        template = env.get_template(f"{outbound.template}.txt")
        offers = self._offers.get(code, [])
        body = template.render(**outbound.context, spoken=spoken, language_offers=offers)
        numbered = [
            spoken_choice(c) if spoken else f"{c.number} {choice_label(c.kind, c.value, gettext)}"
            for c in outbound.choices
            if c.number is not None
        ]
        if spoken and outbound.template.startswith(_PROMPTS_WITH_KEYS):
            numbered.append(env.get_template("voice/keys.txt").render(spoken=True))
        text = "\n".join(line.strip() for line in body.strip().splitlines())
        if numbered:
            text = f"{text}\n" + "\n".join(numbered)
        text = _BLANK_RUNS.sub("\n\n", text).strip()
        if channel.can.segments:  # a text message: GSM-7 characters keep it cheap
            text = sms_safe(text)
        if spoken:
            text = speakable(text)
        buttons = tuple(Button(gettext(label(c.kind, c.value)), c.reply) for c in outbound.choices)
        share = outbound.context.get("share_url")
        if share and channel.can.buttons:
            buttons += (_share_button(str(share), channel, gettext),)
        dial = outbound.context.get("dial")
        if dial:  # a call put through to this number (only a call's replies carry one)
            buttons += (Button(gettext(label("words", "dial")), "", f"tel:{dial}"),)
        return Rendered(text, buttons)

    def messages(
        self, outbound: Outbound, channel: Channel, language: str | None = None
    ) -> list[Rendered]:
        """The reply as the messages that travel: on a channel with a segment budget, a long
        text goes as several, split at sentence ends, each within the budget (buttons on the
        last). Replies in a turn and notifications later both come through here."""
        rendered = self.render(outbound, channel, language)
        if not channel.can.segments:
            return [rendered]
        parts = split_for_sms(rendered.text, channel.can.segments)
        return [Rendered(p) for p in parts[:-1]] + [Rendered(parts[-1], rendered.buttons)]


def _share_button(url: str, channel: Channel, gettext: Callable[[str], str]) -> Button:
    """Telegram's own share sheet; in the web chat the phone's (the page's script opens it)."""
    if channel == Channel.TELEGRAM:
        invite = gettext(label("words", "invite"))
        url = f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(invite)}"
    return Button(gettext(label("words", "share")), "", url)


def _written(when: object, pattern: str, code: str) -> str:
    """A date in words in the language `code` (anything else as it is)."""
    return format_date(when, pattern, locale=code) if isinstance(when, date) else str(when)


def _typed_name(code: str) -> str:
    """What to type to choose a language: its own name in capitals, plain letters ("ROMANA")."""
    return " ".join(words_of(languages.own_name(code))).upper()
