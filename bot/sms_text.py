"""SMS arithmetic: GSM-7 versus UCS-2, segment counts, and making echoed text GSM-safe."""

from __future__ import annotations

import re
import unicodedata

# GSM 03.38 basic character set and the extension table (each extension char costs two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
# One scan in C instead of a Python loop per character: every reply passes through here.
_OUTSIDE_GSM7 = re.compile("[^" + re.escape("".join(sorted(GSM7_BASIC | GSM7_EXTENDED))) + "]")

SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67

# Characters that word processors and phones slip in, and their GSM-7 equivalents.
_LOOKALIKES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "*",
    "\t": " ",
    # Polish and Romanian are texted without their diacritics, as people there often text:
    # one ą or ș would make the whole message UCS-2 (70 characters a segment, not 160). Most
    # letters lose their mark by decomposition (ą a, ș s, ț t); ł has none to lose.
    "\u0142": "l",
    "\u0141": "L",
}


def is_gsm7(text: str) -> bool:
    """Whether the whole text can travel in GSM-7 (otherwise the message becomes UCS-2)."""
    return _OUTSIDE_GSM7.search(text) is None


def septets(text: str) -> int:
    """GSM-7 length: extension characters count twice."""
    return len(text) + sum(text.count(ch) for ch in GSM7_EXTENDED)  # in C, not a loop a character


def segments(text: str) -> int:
    """How many SMS segments the text costs."""
    if is_gsm7(text):
        length = septets(text)
        return 1 if length <= SINGLE_GSM7 else -(-length // PART_GSM7)
    units = len(text.encode("utf-16-le")) // 2  # emoji outside the BMP take two code units
    return 1 if units <= SINGLE_UCS2 else -(-units // PART_UCS2)


def sms_safe(text: str) -> str:
    """The text with look-alikes replaced and anything else outside GSM-7 dropped or plain."""
    if is_gsm7(text):
        return text
    out: list[str] = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
        elif ch in _LOOKALIKES:
            out.append(_LOOKALIKES[ch])
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain if plain and is_gsm7(plain) else "")
    return "".join(out)


def split_for_sms(text: str, budget: int) -> list[str]:
    """Splits a long text at sentence or line ends so each part fits `budget` segments."""
    limit = budget * PART_GSM7
    parts: list[str] = []
    rest = text.strip()
    while septets(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        parts.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    if rest:
        parts.append(rest)
    return parts
