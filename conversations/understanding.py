"""Reading a reply to a menu in the tenant's own words.

A reply is read in the order RapidPro routes one: the words people use for each option (from
templates/messages/labels.toml, handed in as `Words`), then a number or "the first one", then
words that work anywhere ("go back"), then, for a short reply only, small typos (rapidfuzz).
Case, punctuation and filler ("please", "the", "I think") are ignored. A reply that fits two
options is never a guess: the reading says which it could be, so the flow can ask.

Pure: the words are handed in, nothing here reads a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from conversations.messages import Choice

Phrase = tuple[str, ...]

# Words that say nothing about which option is meant, wherever they come.
FILLER = frozenset(
    {
        *("please", "pls", "plz", "plse", "pleas", "thanks", "thankyou", "thanx", "thnx", "thx"),
        *("ta", "cheers", "x", "xx", "xxx", "love", "luv", "mate", "hun", "dear", "lol", "sorry"),
        *("the", "a", "an", "i", "im", "id", "ill", "my", "just", "well", "oh", "hi", "hello"),
        *("erm", "er", "err", "um", "umm", "uhm", "uh", "uhh", "hmm", "hmmm", "ah", "eh"),
        *("option", "number", "choice"),
    }
)
FILLER_PHRASES: tuple[Phrase, ...] = (
    ("i", "think"),
    ("i", "guess"),
    ("i", "suppose"),
    ("i", "would", "like"),
    ("id", "like"),
    ("i", "want"),
    ("i", "would", "prefer"),
    ("i", "prefer"),
    ("id", "prefer"),
    ("ill", "go", "with"),
    ("go", "with"),
    ("ill", "have"),
    ("thank", "you"),
    ("can", "you"),
    ("could", "you"),
    ("would", "you"),
)
# Short forms typed on a phone keypad, read as the word they stand for.
SHORT_FORMS = {
    "wk": "week",
    "wks": "weeks",
    "wkly": "weekly",
    "mth": "month",
    "mnth": "month",
    "mths": "months",
    "mthly": "monthly",
    "u": "you",
    "ur": "your",
    "msg": "message",
    "tel": "telephone",
    "cos": "because",
    "coz": "because",
}
# A word before an option's words that turns them round: "don't call me", "not the phone".
NEGATIONS = frozenset(
    {"not", "dont", "never", "cant", "wont", "doesnt", "didnt", "isnt", "havent", "without"}
)
# Joining words that neither help nor hinder a choice.
CONNECTORS = frozenset({"and", "or", "but", "then", "either", "also", "too", "both"})
# Carrier keywords belong to the phone network; a typo of one is never read as an option.
CARRIER_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "revoke", "optout"}
    | {"unstop", "info"}
)
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "top": 1,
    **{f"{n}{s}": n for n, s in ((1, "st"), (2, "nd"), (3, "rd"))},
    **{f"{n}th": n for n in range(4, 13)},
}
LAST = frozenset({"last", "bottom"})

# Chosen from the table of real replies in tests/unit/test_understanding.py, not by feel.
FUZZY_CUTOFF = 80.0  # a one-letter slip in a word of five letters or more
FUZZY_MARGIN = 6.0  # two options this close are both possible: ask
FUZZY_MAX_WORDS = 4  # a longer reply is a sentence: its words must be exact
FUZZY_MIN_LETTERS = 4  # "no" and "yes" are too short to guess at
MOST_TO_ASK = 4  # a reply that fits more options than this is asked again in full

# -1, 1.5. A number is read from the start of its digits, which are taken whole: trying every
# start inside 5,000 digits was quadratic (3 s for one web-chat message).
_ODD_NUMBER = re.compile(r"(?<![^\W_])[-+]\d+(?:[.,]\d+)*|(?<!\d)\d++(?:[.,]\d+)+")
_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")  # "stage1" is "stage 1"
_WORD = re.compile(r"[^\W_]+")
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # "nooo", "yesss": one letter held down
_BRACKETS = re.compile(r"\(([^)]*)\)")


def words_of(text: str) -> Phrase:
    """The words of `text`, lower-case, without accents, apostrophes or punctuation."""
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text).replace("&", " and ")
    text = _ODD_NUMBER.sub(" ", text)
    text = _LETTER_THEN_DIGIT.sub(" ", text)
    text = _STRETCHED.sub(r"\1", text)
    return tuple(SHORT_FORMS.get(w, w) for w in _WORD.findall(text))


def meaningful(words: Phrase) -> Phrase:
    """`words` without the filler around what the tenant means."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        for phrase in FILLER_PHRASES:
            if words[i : i + len(phrase)] == phrase:
                i += len(phrase)
                break
        else:
            if words[i] not in FILLER:
                kept.append(words[i])
            i += 1
    return tuple(kept)


@lru_cache(maxsize=64)
def _phrase(text: str) -> Phrase:
    """What `text` says, without the filler. The flow reads one message several ways (a
    language? a command? the answer?), so the last few texts are worked out once each."""
    return meaningful(words_of(text))


def _label_phrases(label: str) -> list[Phrase]:
    """A label as people may type it: whole, without its brackets, and each example inside."""
    phrases = [_phrase(label), _phrase(_BRACKETS.sub(" ", label))]
    for inside in _BRACKETS.findall(label):
        phrases += [_phrase(example) for example in inside.split(",")]
    return phrases


@dataclass(frozen=True)
class Words:
    """What people type for each option (and for the words that work anywhere), from the
    labels file: read by the renderer's side and handed to the flow."""

    options: Mapping[str, Mapping[str, tuple[Phrase, ...]]] = field(default_factory=dict)
    commands: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    # Each menu's phrases, worked out once: the words never change while the service runs.
    _menus: dict[tuple[tuple[str, str], ...], dict[Phrase, frozenset[str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _typos: dict[tuple[tuple[str, str], ...], _Targets] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_labels(cls, table: Mapping[str, Any]) -> Words:
        """The words in a parsed labels file: each option's label, its examples and its
        `words`; the [commands] table's phrases for HELP, BACK and the rest."""
        options: dict[str, dict[str, tuple[Phrase, ...]]] = {}
        for kind, entries in table.items():
            if kind == "commands" or not isinstance(entries, Mapping):
                continue
            options[kind] = {}
            for value, entry in entries.items():
                if isinstance(entry, str):
                    phrases = _label_phrases(entry)
                elif isinstance(entry, Mapping):
                    phrases = _label_phrases(str(entry.get("label", "")))
                    examples = str(entry.get("examples", "")).split(",")
                    phrases += [_phrase(example) for example in examples]
                    phrases += [_phrase(said) for said in entry.get("words", ())]
                else:
                    continue
                options[kind][value] = _unique(phrases)
        commands = {
            name.upper(): _unique([_phrase(name), *(_phrase(said) for said in said_list)])
            for name, said_list in table.get("commands", {}).items()
        }
        return cls(options, commands)

    def phrases(self, kind: str, value: str) -> tuple[Phrase, ...]:
        """Everything that means this option: its own name too ("not_sure" is "not sure")."""
        own = _phrase(value.replace("_", " "))
        return _unique([own, *self.options.get(kind, {}).get(value, ())])


def _unique(phrases: Iterable[Phrase]) -> tuple[Phrase, ...]:
    return tuple(dict.fromkeys(p for p in phrases if p))


class _Targets(NamedTuple):
    """What a slip of the finger may be near at one menu: the phrases as strings, and for each
    its digits and the options (or "!COMMAND") it names."""

    texts: list[str]
    digits: list[list[str]]
    values: list[frozenset[str]]


class Reading(NamedTuple):
    """What a reply to a menu says: one option, the options it could be, a command, or none."""

    value: str | None = None
    unsure: tuple[str, ...] = ()  # two or more options fit: ask which, listing just these
    command: str | None = None  # HELP, BACK, … said in other words ("go back")


class _Match(NamedTuple):
    start: int
    end: int
    values: frozenset[str]


def read(
    text: str,
    menu: Sequence[Choice],
    words: Words,
    *,
    between: Sequence[str] = (),
    ignoring: frozenset[str] = frozenset(),
) -> Reading:
    """Which of `menu` the tenant means by `text`. `between` is what they were just asked to
    choose between, so "the first one" means the first of those; `ignoring` is more filler
    for this menu ("change" at the review)."""
    said = tuple(w for w in _phrase(text) if w not in ignoring)
    if not said:
        return Reading()
    between = [v for v in between if any(c.value == v for c in menu)]
    index = _index(menu, words)
    # A command's words are found in the same pass, so the longest words win: "go back" is
    # BACK even where "go" alone would start.
    everything = {**_commands(words), **index}
    matches, negated = _matches(said, everything)
    commands = [m for m in matches if any(v.startswith(_COMMAND) for v in m.values)]
    matches = [m for m in matches if m not in commands]
    covered = {i for m in matches for i in range(m.start, m.end)}
    leftover = [(i, w) for i, w in enumerate(said) if i not in covered]
    numbers, unknown = _numbers(leftover, menu, between, after_words=bool(matches))
    found = [m.values for m in matches]
    # A number counts beside words only where people put the menu's number: first ("2 phone
    # me"); elsewhere it is part of what they say ("stage one and two", "3 times").
    number_first = not matches or min(m.start for m in matches) > 0
    if numbers and not unknown and number_first:
        found += [frozenset({v}) for v in numbers]
    if found:
        return _decide(found, menu, between)
    if negated:
        return Reading()  # "not the phone" names no option: ask again, do not guess
    named = frozenset().union(*(m.values for m in commands)) if commands else frozenset()
    if len(named) == 1:
        return Reading(
            command=next(iter(named)).removeprefix(_COMMAND)
        )  # "go back", "can I speak to someone"
    if len(said) > FUZZY_MAX_WORDS or NEGATIONS & set(said):
        return Reading()  # a sentence, or one that turns words round: no guessing at typos
    if len(said) == 1 and said[0] in CARRIER_WORDS:
        return Reading()
    return _fuzzy(said, _targets(menu, words, index), menu, between)


def command_in(text: str, words: Words) -> str | None:
    """The command the whole of `text` says in other words ("go back", "help me"), if it does;
    for questions whose answer is checked (a name, a postcode, a phone number), where such a
    reply can be nothing else."""
    said = _phrase(text)
    found = [command for command, phrases in words.commands.items() if said in phrases]
    return found[0] if len(found) == 1 else None


# How a request said aloud starts, before what it asks for: "can I", "could you", "let me".
_ASKING = frozenset({"can", "could", "may", "let", "me", "to", "so"})


def request_in(text: str, words: Words) -> str | None:
    """The command a whole spoken reply asks for ("can I speak to someone?", "let me go
    back"), if it asks for one; a reply with more in it ("the help desk") is an answer."""
    said = _phrase(text)
    while said and said[0] in _ASKING:
        said = said[1:]
    found = [command for command, phrases in words.commands.items() if said in phrases]
    return found[0] if len(found) == 1 else None


def means(text: str, phrases: Iterable[Phrase]) -> bool:
    """Whether the whole of `text` is one of `phrases`, exactly (for free-text questions,
    where a word inside a sentence is part of the answer, never a choice)."""
    said = _phrase(text)
    return bool(said) and said in set(phrases)


def _index(menu: Sequence[Choice], words: Words) -> dict[Phrase, frozenset[str]]:
    """Every phrase of the menu and the options it names (one phrase may name several)."""
    key = tuple((c.kind, c.value) for c in menu)
    known = words._menus.get(key)
    if known is not None:
        return known
    index: dict[Phrase, set[str]] = {}
    for choice in menu:
        for phrase in words.phrases(choice.kind, choice.value):
            index.setdefault(phrase, set()).add(choice.value)
    words._menus[key] = {phrase: frozenset(values) for phrase, values in index.items()}
    return words._menus[key]


def _matches(said: Phrase, index: Mapping[Phrase, frozenset[str]]) -> tuple[list[_Match], bool]:
    """The longest phrases found in the reply, none overlapping; and whether any was negated."""
    found: list[_Match] = []
    longest = max((len(p) for p in index), default=0)
    for size in range(min(longest, len(said)), 0, -1):
        for start in range(len(said) - size + 1):
            values = index.get(said[start : start + size])
            if values is None:
                continue
            if any(m.start < start + size and start < m.end for m in found):
                continue
            found.append(_Match(start, start + size, values))
    kept = [m for m in found if not _negated(said, m.start)]
    return sorted(kept), len(kept) < len(found)


def _negated(said: Phrase, start: int) -> bool:
    """Whether one of the two words before `start` turns the phrase round ("dont call me",
    "I cant collect signatures")."""
    return any(i >= 0 and said[i] in NEGATIONS for i in (start - 1, start - 2))


def _numbers(
    leftover: list[tuple[int, str]],
    menu: Sequence[Choice],
    between: Sequence[str],
    *,
    after_words: bool,
) -> tuple[list[str], list[str]]:
    """The options chosen by number or position among words no phrase took; and the words
    that are neither (which make a lone number too uncertain to act on). After an option's
    words, or "first", "one" is a pronoun: "the officer one", "the first one"."""
    by_number = {c.number: c.value for c in menu if c.number is not None}
    chosen: list[str] = []
    unknown: list[str] = []
    after_ordinal = False
    for _, w in leftover:
        if w == "one" and (after_ordinal or after_words):
            after_ordinal = False
            continue
        after_ordinal = False
        if w in ORDINALS or w in LAST:
            after_ordinal = True
            position = ORDINALS.get(w, 0)
            if between:
                ordered = list(between)
                picked = ordered[-1] if w in LAST else _at(ordered, position)
            else:
                last = max(by_number, default=0)
                picked = by_number.get(last if w in LAST else position)
            if picked is not None:
                chosen.append(picked)
            continue
        number = _number(w)
        if number is not None:
            if number in by_number:
                chosen.append(by_number[number])
            continue
        if w not in CONNECTORS and w not in NEGATIONS:
            unknown.append(w)
    return chosen, unknown


def _at(values: list[str], position: int) -> str | None:
    return values[position - 1] if 1 <= position <= len(values) else None


def _number(w: str) -> int | None:
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    if w.isdecimal() and len(w) <= 4:
        return int(w)
    return None


def _decide(found: list[frozenset[str]], menu: Sequence[Choice], between: Sequence[str]) -> Reading:
    """One option if everything said points at it; otherwise the options it could be."""
    agreed = frozenset.intersection(*found)
    candidates = agreed if agreed else frozenset().union(*found)
    return _one_or_ask(candidates, menu, between)


def _one_or_ask(
    candidates: frozenset[str], menu: Sequence[Choice], between: Sequence[str]
) -> Reading:
    if between and len(candidates) > 1:
        narrowed = candidates & frozenset(between)
        candidates = narrowed or candidates
    if len(candidates) == 1:
        return Reading(value=next(iter(candidates)))
    numbered = [c.value for c in menu if c.number is not None and c.value in candidates]
    if len(numbered) != len(candidates) or len(numbered) > MOST_TO_ASK:
        return Reading()  # a word with no number, or half the menu: show the menu again
    return Reading(unsure=tuple(numbered))


_COMMAND = "!"  # marks a command among the options it is read beside: "!BACK"


def _commands(words: Words) -> dict[Phrase, frozenset[str]]:
    """Each command's phrases, marked "!BACK" and so on (an option's own words come first)."""
    index: dict[Phrase, frozenset[str]] = {}
    for command, phrases in words.commands.items():
        for phrase in phrases:
            index[phrase] = index.get(phrase, frozenset()) | {_COMMAND + command}
    return index


def _targets(
    menu: Sequence[Choice], words: Words, index: Mapping[Phrase, frozenset[str]]
) -> _Targets:
    """The phrases a short reply is compared with, worked out once per menu."""
    key = tuple((c.kind, c.value) for c in menu)
    known = words._typos.get(key)
    if known is not None:
        return known
    targets = _Targets([], [], [])
    for phrase, values in [*_commands(words).items(), *index.items()]:
        if len("".join(phrase)) >= FUZZY_MIN_LETTERS:
            targets.texts.append(" ".join(phrase))
            targets.digits.append([w for w in phrase if w.isdecimal()])
            targets.values.append(values)
    words._typos[key] = targets
    return targets


def _fuzzy(
    said: Phrase, targets: _Targets, menu: Sequence[Choice], between: Sequence[str]
) -> Reading:
    """A short reply with a slip of the finger: the options whose words it nearly spells. The
    whole reply is compared (a word inside a longer reply is never guessed at: "not right now"
    is not "alright"), and digits must agree, so "stage 1" is never "stage 2"."""
    digits = [w for w in said if w.isdecimal()]
    scores: dict[str, float] = {}
    near = process.extract(
        " ".join(said),
        targets.texts,
        scorer=fuzz.ratio,
        score_cutoff=FUZZY_CUTOFF,
        limit=None,
    )
    for _, score, i in near:
        if targets.digits[i] != digits:
            continue
        for value in targets.values[i]:
            scores[value] = max(scores.get(value, 0.0), score)
    best = max(scores.values(), default=0.0)
    if best < FUZZY_CUTOFF:
        return Reading()
    close = frozenset(v for v, s in scores.items() if s >= max(best - FUZZY_MARGIN, FUZZY_CUTOFF))
    commands = {v for v in close if v.startswith(_COMMAND)}
    if commands:
        # A slip that could be a command or an option is neither: the menu is shown again.
        only = next(iter(commands)).removeprefix(_COMMAND)
        return Reading(command=only) if len(close) == 1 else Reading()
    return _one_or_ask(close, menu, between)
