"""A reply as a caller hears it: the words a text would show, turned into words a voice reads
well. No links, no symbols; references, phone numbers and postcodes a character at a time."""

from __future__ import annotations

import re

import phonenumbers

from conversations.flow import FLOW_WORDS
from conversations.keypad import KEY_NAMES, key_for
from conversations.validation import POSTCODE

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{4}-\d{4,}\b")  # CCS-2026-0042
# A phone number as we write one: 0151 496 0000, 07911 123456, +447911123456.
_PHONE = re.compile(r"(?<![\w+])(?:\+44 ?|0)\d[\d ]{7,12}\d(?!\w)")
_LONG_NUMBER = re.compile(r"\b\d{5,}\b")
_WORDS = "|".join(sorted(FLOW_WORDS, key=len, reverse=True))
# What a text tells the tenant to reply, and what it tells a caller to do instead. Only the
# shapes our own templates use: a tenant's answer read back keeps its own words.
_REPLY_WITH_NUMBER = re.compile(r"\b([Rr])eply with (its|a) number\b")
_REPLY_NUMBER = re.compile(r"\b([Rr])eply (\d+)\b")
_REPLY_WORD = re.compile(rf"\b([Rr])eply ({_WORDS})\b")
_FLOW_WORD = re.compile(rf"\b({_WORDS})\b")
_POUNDS = re.compile(r"£(\d+(?:\.\d\d)?)")
_SYMBOLS = {
    "&": " and ",
    "%": " per cent",
    "@": " at ",
    "+": " plus ",
    "#": " hash ",
    "*": " star ",
    "€": " euros ",
    ":": ",",
    ";": ",",
    "(": ", ",
    ")": ", ",
    "/": " ",
    "\u2026": ".",
    "\u2013": ",",
    "\u2014": ",",
    "\u2018": "'",
    "\u2019": "'",
}
# What a voice may be given: letters of any script, digits, and the punctuation that makes
# a pause. Everything else is dropped.
_UNSPEAKABLE = re.compile(r"[^\w\s.,?!'-]|_")
_SPACE_BEFORE = re.compile(r"\s+([.,?!])")
_COMMA_BEFORE_STOP = re.compile(r",+\s*([.?!])")
_REPEATED = re.compile(r"([.,?!])(?:\s*[.,])+")
_SPACES = re.compile(r"[ \t]+")
_DASH = re.compile(r"\s+-\s+")


def speakable(text: str) -> str:
    """`text` rendered for speech: one line per sentence, nothing a voice would stumble on."""
    text = _URL.sub("", text)
    text = _REFERENCE.sub(lambda m: spell(m.group().replace("-", "")), text)
    text = _PHONE.sub(lambda m: _phone(m.group()), text)
    text = POSTCODE.sub(lambda m: _postcode(m.group()), text)
    text = _LONG_NUMBER.sub(lambda m: " ".join(m.group()), text)  # a code: 1 2 3 4 5 6
    text = _REPLY_WITH_NUMBER.sub(lambda m: f"{_verb(m, 'press')} {m.group(2)} number", text)
    text = _REPLY_NUMBER.sub(lambda m: f"{_verb(m, 'press')} {m.group(2)}", text)
    text = _REPLY_WORD.sub(lambda m: _say_word(m.group(2), _verb(m, "say")), text)
    text = _FLOW_WORD.sub(lambda m: m.group().lower(), text)
    text = _POUNDS.sub(r"\1 pounds", text)
    text = text.replace("...", ".")
    for symbol, words in _SYMBOLS.items():
        text = text.replace(symbol, words)
    text = _DASH.sub(", ", text)
    text = _UNSPEAKABLE.sub(" ", text)
    lines = [_tidy(line) for line in text.splitlines()]
    return "\n".join(_sentence(line) for line in lines if line.strip(" .,"))


def spell(characters: str) -> str:
    """Characters one at a time, with a pause after each: a reference is read out slowly."""
    return ", ".join(characters.replace(" ", ""))


def _verb(match: re.Match[str], verb: str) -> str:
    return verb.capitalize() if match.group(1).isupper() else verb


def _say_word(flow_word: str, verb: str) -> str:
    """ "reply DONE" on a call: "say done, or press hash"."""
    key = key_for(flow_word)
    said = f"{verb} {flow_word.lower()}"
    return f"{said}, or press {KEY_NAMES[key]}" if key else said


def _phone(written: str) -> str:
    """A phone number digit by digit, in the groups people say it in."""
    try:
        number = phonenumbers.parse(written, "GB")
    except phonenumbers.NumberParseException:
        return written
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return ", ".join(" ".join(group) for group in national.split())


def _postcode(written: str) -> str:
    return ", ".join(" ".join(part) for part in written.split())


def _tidy(line: str) -> str:
    line = _SPACES.sub(" ", line)
    line = _SPACE_BEFORE.sub(r"\1", line)
    line = _COMMA_BEFORE_STOP.sub(r"\1", line)
    line = _REPEATED.sub(r"\1", line)
    return line.strip(" ,.") if not line.rstrip().endswith((".", "?", "!")) else line.strip(" ,")


def _sentence(line: str) -> str:
    """A line ends as a sentence does, so the voice pauses after it."""
    return line if line.endswith((".", "?", "!")) else line + "."
