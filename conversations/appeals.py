"""APPEAL <reference> <reasons>: a tenant appeals against the panel's decision by message.

The 28-day rule and whose Call it is are the shell's to check; the flow only reads the words.
"""

from __future__ import annotations

import re

APPEAL_COMMAND = re.compile(
    r"^\s*APPEAL\b[\s:,.-]*(?:CCS[\s-]*(\d{4})[\s-]*(\d{1,6}))?[\s:,.-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
MAX_REASONS = 2000


def command(text: str) -> tuple[str, str] | None:
    """(reference, reasons) for a message starting APPEAL; reference '' if none was given."""
    match = APPEAL_COMMAND.match(text)
    if match is None:
        return None
    year, number, reasons = match.groups()
    reference = f"CCS-{year}-{int(number):04d}" if year and number else ""
    if not reference and reasons.strip():
        return None  # "Appeal to the landlord was ignored" is an answer, not a command
    return reference, reasons.strip()[:MAX_REASONS]
