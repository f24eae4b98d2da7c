"""Reading what a tenant typed: cleaning it, and checking postcodes, phones and numbers."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# Bidirectional overrides can disguise text in the back office; nothing a tenant means needs them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Royal Mail's outward and inward code shapes (GIR 0AA is Girobank's historic code).
POSTCODE = re.compile(
    r"\b(GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b"
)
_INTEGER = re.compile(r"\d{1,7}")


def clean(text: str) -> str:
    """Text as we keep it: NFC, no control characters or lone surrogates, tidy whitespace."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\t":
            kept.append(ch)
        elif category in ("Cc", "Cs") or ch in _BIDI_CONTROLS:
            continue
        else:
            kept.append(ch)
    lines = [" ".join(line.split()) for line in "".join(kept).splitlines()]
    tidy = "\n".join(lines)
    while "\n\n\n" in tidy:
        tidy = tidy.replace("\n\n\n", "\n\n")
    return tidy.strip()


def word(text: str) -> str | None:
    """The single word a message is, upper-cased (for HELP, BACK, …), or None."""
    stripped = text.strip().strip(".!?").strip()
    if not stripped or any(ch.isspace() for ch in stripped):
        return None
    return stripped.upper()


def as_number(said: str | None) -> int | None:
    """A typed choice number, or None; "¹" passes isdigit() but is no number to choose by."""
    if said is None or not said.isdecimal() or len(said) > 4:
        return None
    return int(said)


def find_postcode(text: str) -> str | None:
    """The UK postcode in `text`, formatted as Royal Mail writes it ("L30 4TH"), or None."""
    match = POSTCODE.search(text.upper())
    if match is None:
        return None
    compact = match.group(1).replace(" ", "")
    return f"{compact[:-3]} {compact[-3:]}"


def uk_phone(text: str) -> str | None:
    """A valid UK (or international) phone number in E.164, or None."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def household_count(text: str) -> int | None:
    """The number of households in an answer such as "about 20", or None."""
    match = _INTEGER.search(text)
    if match is None:
        return None
    value = int(match.group())
    return value if 1 <= value <= 100_000 else None


def has_letter(text: str) -> bool:
    """Whether `text` has at least one letter in any script."""
    return any(ch.isalpha() for ch in text)


# "My name is Sam Jones", "Hi, I'm Sam Jones": the name is what follows.
_NAME_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hiya|hey)\b[\s,.!]*)?"
    r"(?:(?:my\s+(?:full\s+)?name\s+is|my\s+names|name\s+is|i\s+am|i['\u2019]?m"
    r"|it['\u2019]?s|this\s+is)\b|name\s*:)?[\s,.:-]*",
    re.IGNORECASE,
)
# Words a name never holds but a sentence about a problem does.
_SENTENCE_WORDS = frozenset(
    {
        *("i", "im", "ive", "id", "me", "my", "we", "our", "you", "your", "it", "its", "this"),
        *("that", "is", "are", "was", "were", "been", "have", "has", "had", "not", "dont"),
        *("cant", "wont", "want", "wanted", "need", "needs", "would", "like", "please"),
        *("because", "about", "with", "for", "to", "the", "a", "from", "there", "here"),
        *("why", "what", "how", "when", "where", "who"),
        *("complain", "complaining", "complaint", "problem", "problems", "issue", "broken"),
        *("help", "repair", "repairs", "lift", "lights", "leak", "damp", "hello", "hi"),
        *("yes", "no", "ok", "okay", "thanks", "thank", "sorry", "name", "sure"),
    }
)
_MOST_NAME_WORDS = 5


def name_in(text: str) -> str | None:
    """The name in an answer to "What is your full name?", without "my name is"; None when
    the answer reads as a sentence ("I want to complain about the lights"), not a name."""
    name = _NAME_PREFIX.sub("", text.strip(), count=1).strip()
    words = [w.strip(".,!?'-").lower().replace("'", "").replace("\u2019", "") for w in name.split()]
    if not words or not has_letter(name) or "?" in name:
        return None
    if len(words) > _MOST_NAME_WORDS or any(ch.isdigit() for ch in name):
        return None
    if any(w in _SENTENCE_WORDS for w in words):
        return None
    return name
