"""The phone keypad on a call: the keys that stand for the words that work anywhere."""

from __future__ import annotations

from conversations.proforma import Step

STAR, HASH, ZERO = "*", "#", "0"
# The keys every prompt on a call names: star goes back, hash says "that's all", 0 asks for a
# person (the key callers already press for an operator).
KEYS = {STAR: "BACK", HASH: "DONE", ZERO: "OFFICER"}
KEY_NAMES = {STAR: "star", HASH: "hash", ZERO: "0"}


def as_words(keys: str, step: Step) -> str:
    """What a caller's keys mean at `step`: star, hash and 0 as their words, anything else as
    typed. At the review 0 sends the Call, as it does in a text, so there it stays 0."""
    if keys == ZERO and step == Step.REVIEW:
        return keys
    if keys in KEYS:
        return KEYS[keys]
    if len(keys) > 1 and keys.endswith(HASH) and keys[:-1].isdecimal():
        return keys[:-1]  # a number ended with hash out of habit ("07911123456#")
    return keys


def key_for(word: str) -> str | None:
    """The key that stands for `word` on a call (star for BACK), if one does."""
    return next((key for key, said in KEYS.items() if said == word), None)
