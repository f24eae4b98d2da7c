"""When officers answer the phone: the hours a caller asking for a person is put through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

_LONDON = ZoneInfo("Europe/London")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(
    r"(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))? (?P<opens>\d\d:\d\d)-(?P<closes>\d\d:\d\d)"
)


@dataclass(frozen=True)
class OfficeHours:
    """When officers answer the phone, in UK time: "Mon-Fri 09:00-17:00, Sat 10:00-12:00";
    empty, never (a caller asking for a person is always called back)."""

    spans: tuple[tuple[int, int, time, time], ...]  # first day, last day (0 is Monday), times

    @classmethod
    def parse(cls, written: str) -> OfficeHours:
        """The hours as the setting writes them; ValueError naming what does not fit."""
        spans = []
        for part in filter(None, (p.strip().lower() for p in written.split(","))):
            match = _HOURS.fullmatch(part)
            named = (match["first"], match["last"] or match["first"]) if match else ("",)
            if match is None or any(day not in _DAYS for day in named):
                raise ValueError(f"office hours like 'Mon-Fri 09:00-17:00', not {part!r}")
            first = _DAYS.index(match["first"])
            last = _DAYS.index(match["last"]) if match["last"] else first
            opens, closes = time.fromisoformat(match["opens"]), time.fromisoformat(match["closes"])
            if last < first or closes <= opens:
                raise ValueError(f"office hours must run forwards: {part!r}")
            spans.append((first, last, opens, closes))
        return cls(tuple(spans))

    def open_at(self, moment: datetime) -> bool:
        """Whether officers answer at `moment` (any time zone; the hours are the UK's)."""
        local = moment.astimezone(_LONDON)
        return any(
            first <= local.weekday() <= last and opens <= local.time() < closes
            for first, last, opens, closes in self.spans
        )
