"""The languages we write to people in: gettext catalogues under locales/, English the source.

A catalogue is a `.po` file (locales/<code>/LC_MESSAGES/messages.po), read once at start-up
and compiled in memory: no binary `.mo` files in the repository, and a landlord adds a language
by dropping in a catalogue and naming it in LANGUAGES. The words people type for each option in
that language live beside it (locales/<code>/words.toml).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SOURCE = "en"  # the templates are written in it; it needs no catalogue
LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def catalogue_path(code: str) -> Path:
    """Where a language's catalogue lives."""
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(code: str) -> NullTranslations:
    """The language's translations, compiled from its `.po` once (fuzzy entries left out, so an
    unchecked guess is never sent); English, the source, translates nothing."""
    if code == SOURCE:
        return NullTranslations()
    with catalogue_path(code).open("rb") as fh:
        catalogue = read_po(fh, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def typed_words(code: str) -> dict[str, Any]:
    """The words people type in this language (locales/<code>/words.toml), if it has any."""
    path = LOCALES / code / "words.toml"
    if code == SOURCE or not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def own_name(code: str) -> str:
    """The language's name in itself, as its speakers recognise it: "Polski", "Română"."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def english_name(code: str) -> str:
    """The language's name in English ("Polish"), for officers."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name("en")
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


def parse_accept_language(header: str) -> list[str]:
    """The languages a browser asks for, most wanted first ("pl-PL,pl;q=0.9,en;q=0.5")."""
    wanted: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if _TAG.match(tag) and quality > 0:
            wanted.append((-quality, n, tag))
    return [tag for _, _, tag in sorted(wanted)]


def best(offered: Sequence[str], wanted: Iterable[str]) -> str | None:
    """The first language asked for that we offer ("pl-PL" is Polish), or None."""
    for tag in wanted:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in offered:
            return primary
    return None


# The labels file's tables that only officers read: their words stay English.
_OFFICERS_ONLY = frozenset({"commands", "channel", "petition_status", "monitoring"})


def extract_labels(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extractor for templates/messages/labels.toml (babel.cfg names it): each option's
    label and examples, which tenants read, as messages of the catalogue. The words people type
    are not messages: each language lists its own in locales/<code>/words.toml."""
    text = fileobj.read().decode()
    lines = {line.strip(): n for n, line in enumerate(text.splitlines(), 1)}
    table = tomllib.loads(text)
    for kind, entries in table.items():
        if kind in _OFFICERS_ONLY or not isinstance(entries, dict):
            continue
        for value, entry in entries.items():
            found = {"label": entry} if isinstance(entry, str) else entry
            for key in ("label", "examples"):
                said = found.get(key) if isinstance(found, dict) else None
                if isinstance(said, str) and said:
                    where = lines.get(f"[{kind}.{value}]") or lines.get(f"[{kind}]", 0)
                    yield where, "gettext", said, [f"{kind}.{value} {key}"]
