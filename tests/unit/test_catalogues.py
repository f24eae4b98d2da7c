"""Every language we offer has every message, with the same placeholders, and says whether a
person has checked it (issue 17: "a test fails if any catalogue misses a message")."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from backend.settings import Settings
from bot.languages import LOCALES, SOURCE, catalogue_path, translations

ROOT = LOCALES.parent
# The languages shipped (the setting's default; an installation may offer fewer, or its own).
SHIPPED = str(Settings.model_fields["languages"].default).split(",")
OFFERED = [code for code in SHIPPED if code != SOURCE]
CATALOGUED = sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
STATUS = "machine-drafted, to be checked by a native speaker"


@cache
def _in_templates() -> frozenset[str | tuple[str, ...]]:
    """What the templates and labels say today, extracted as `make catalogues` does (a message
    added without running it is caught here, not only when the .pot is regenerated)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)  # type: ignore[no-untyped-call]
    found = extract_from_dir(
        ROOT,
        method_map,
        options_map,
        directory_filter=lambda path: (
            Path(path).name not in {".venv", ".git", "var", "node_modules"}
        ),
    )
    return frozenset(message for _file, _line, message, _comments, _context in found)


@cache
def _catalogue(code: str) -> Catalog:
    with catalogue_path(code).open("rb") as fh:
        return read_po(fh, locale=code)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_default_languages_are_shipped_with_their_catalogues() -> None:
    assert OFFERED == ["pl", "ro"]
    assert set(OFFERED) <= set(CATALOGUED)


@pytest.mark.parametrize("code", CATALOGUED)
def test_every_message_has_a_translation_that_is_not_a_guess(code: str) -> None:
    missing = _missing(_catalogue(code))
    assert not missing, f"{code}: {len(missing)} messages untranslated, e.g. {missing[:3]}"


def _missing(catalogue: Catalog) -> list[str | tuple[str, ...]]:
    """What the templates say that `catalogue` has no translation for (or only a fuzzy one)."""
    missing = []
    for said in _in_templates():
        message = catalogue.get(said[0] if isinstance(said, tuple) else said)
        if message is None or message.fuzzy:
            missing.append(said)
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms):
            missing.append(said)
    return missing


@pytest.mark.parametrize("code", CATALOGUED)
def test_no_translation_drops_or_renames_a_placeholder(code: str) -> None:
    for message in _catalogue(code):
        if not message.id:
            continue
        assert not _broken(message), f"{code}: {message.id!r} -> {message.string!r}"


def _forms(value: object) -> tuple[str, ...]:
    """A message's id or translation as its forms (one, or each plural form)."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def _broken(message: Message) -> bool:
    """Whether a translation names other placeholders than its English (a plural form may
    leave out the number, as "your photo" does; nothing else may go or be new)."""
    english = [set(_placeholders(form)) for form in _forms(message.id)]
    forms = [set(_placeholders(form)) for form in _forms(message.string)]
    if len(english) == 1:
        return forms != english
    every = set().union(*english)
    return any(not form <= every for form in forms) or every not in forms


@pytest.mark.parametrize("code", CATALOGUED)
def test_each_translation_fills_in_as_its_english_does(code: str) -> None:
    gettext = translations(code)
    for message in _catalogue(code):
        if not isinstance(message.id, str) or not message.id:
            continue
        values = dict.fromkeys(re.findall(r"%\((\w+)\)s", message.id), "x")
        assert gettext.gettext(message.id) % values, message.id


@pytest.mark.parametrize("code", CATALOGUED)
def test_each_catalogue_says_a_person_has_not_checked_it_yet(code: str) -> None:
    assert STATUS in _catalogue(code).header_comment
    assert STATUS in (ROOT / "README.md").read_text()


def test_a_catalogue_missing_a_message_or_guessing_is_caught() -> None:
    """The check above can fail: one message taken out, another marked fuzzy."""
    catalogue = _catalogue("pl")
    gone, guessed = sorted(m for m in _in_templates() if isinstance(m, str))[:2]
    trimmed = Catalog(locale="pl")
    for message in catalogue:
        if message.id and message.id != gone:
            flags = {"fuzzy"} if message.id == guessed else set()
            trimmed.add(message.id, message.string, flags=flags)
    assert sorted(map(str, _missing(trimmed))) == sorted([gone, guessed])


def test_a_renamed_placeholder_is_caught() -> None:
    renamed = Message("Your code is %(code)s.", "Twoj kod to %(kod)s.")
    dropped = Message("Question %(number)s of %(total)s.", "Pytanie %(number)s.")
    kept = Message("Question %(number)s of %(total)s.", "Pytanie %(number)s z %(total)s.")
    assert _broken(renamed) and _broken(dropped) and not _broken(kept)
