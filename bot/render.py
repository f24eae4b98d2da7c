"""Renders Outbound replies from templates/messages into text and buttons for a channel."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.sms_text import sms_safe, split_for_sms
from bot.speech import speakable
from conversations.channels import Channel
from conversations.messages import Choice, Outbound
from conversations.understanding import Words

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
    """The words a person reads for an option, a field or a status."""
    return str(_entry(kind, value).get("label") or value.replace("_", " ").capitalize())


def choice_label(kind: str, value: str) -> str:
    """An option as a tenant chooses it: its label, and its examples in brackets if it has any."""
    examples = _entry(kind, value).get("examples")
    return f"{label(kind, value)} ({examples})" if examples else label(kind, value)


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
def words() -> Words:
    """The words people use for each option, from the labels file, for the flow to read
    replies with (the flow itself reads no files)."""
    return Words.from_labels(_labels())


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
    ) -> None:
        """The installation's details every message may use, from the settings."""
        service = {
            "landlord": landlord,
            "phone": phone,
            "privacy_url": privacy_url,
            "appeal_address": appeal_address,
            "support_days": support_days,
        }
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES / "messages"),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,  # noqa: S701 - plain text for SMS and chat; web pages escape it again
            auto_reload=False,  # read once: checking each file's date cost every reply a stat
        )
        # `spoken` is true when the reply is read out on a call, for the few words that differ.
        self.env.globals.update(service, label=label, spoken=False)
        self.env.filters["shorten"] = shorten

    def render(self, outbound: Outbound, channel: Channel = Channel.WEB) -> Rendered:
        """The text and buttons of one reply as `channel` shows them."""
        spoken = channel.can.spoken
        template = self.env.get_template(f"{outbound.template}.txt")
        body = template.render(**outbound.context, spoken=spoken)
        numbered = [
            spoken_choice(c) if spoken else f"{c.number} {choice_label(c.kind, c.value)}"
            for c in outbound.choices
            if c.number is not None
        ]
        if spoken and outbound.template.startswith(_PROMPTS_WITH_KEYS):
            numbered.append(self.env.get_template("voice/keys.txt").render(spoken=True))
        text = "\n".join(line.strip() for line in body.strip().splitlines())
        if numbered:
            text = f"{text}\n" + "\n".join(numbered)
        text = _BLANK_RUNS.sub("\n\n", text).strip()
        if channel.can.segments:  # a text message: GSM-7 characters keep it cheap
            text = sms_safe(text)
        if spoken:
            text = speakable(text)
        buttons = tuple(Button(label(c.kind, c.value), c.reply) for c in outbound.choices)
        share = outbound.context.get("share_url")
        if share and channel.can.buttons:
            buttons += (_share_button(str(share), channel),)
        dial = outbound.context.get("dial")
        if dial:  # a call put through to this number (only a call's replies carry one)
            buttons += (Button(label("words", "dial"), "", f"tel:{dial}"),)
        return Rendered(text, buttons)

    def messages(self, outbound: Outbound, channel: Channel) -> list[Rendered]:
        """The reply as the messages that travel: on a channel with a segment budget, a long
        text goes as several, split at sentence ends, each within the budget (buttons on the
        last). Replies in a turn and notifications later both come through here."""
        rendered = self.render(outbound, channel)
        if not channel.can.segments:
            return [rendered]
        parts = split_for_sms(rendered.text, channel.can.segments)
        return [Rendered(p) for p in parts[:-1]] + [Rendered(parts[-1], rendered.buttons)]


def _share_button(url: str, channel: Channel) -> Button:
    """Telegram's own share sheet; in the web chat the phone's (the page's script opens it)."""
    if channel == Channel.TELEGRAM:
        invite = "Please sign my petition to the tenant panel"
        url = f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(invite)}"
    return Button(label("words", "share"), "", url)
