"""Performance and management information, loaded from a CSV the landlord already produces:
one row per business area and quarter. Every row is checked before any is kept, so a file with
a bad row loads nothing, and the manager is told each problem by row and column.

The seed: "The Customer Empowerment Panel will be provided with the relevant performance and
management information to score the business area".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from backend.casework.areas import BUSINESS_AREAS
from backend.models import PerformanceFigure
from bot.render import label

COLUMNS = (
    "quarter",
    "business_area",
    "indicators_on_target",
    "indicators_total",
    "satisfaction_percent",
    "complaints_received",
    "complaints_escalated",
)
EXAMPLE = ("2026 Q3", "repairs", "7", "10", "78.5", "120", "14")
MAX_BYTES = 1_000_000
MAX_ROWS = 5000
MAX_ERRORS = 50  # past this many, the list says how many more: the file needs a look anyway
QUARTER = re.compile(r"(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4})", re.IGNORECASE)
AREA_NAMES = {label("service_area", a).casefold(): a for a in BUSINESS_AREAS} | {
    a: a for a in BUSINESS_AREAS
}


class FiguresRefused(ValueError):  # noqa: N818 - the file is refused, with the reasons
    """The file as a whole cannot be read (empty, not text, wrong columns)."""


@dataclass(frozen=True)
class Row:
    """One business area's figures for one quarter, checked."""

    line: int  # the row's line in the file (the header is line 1)
    service_area: str
    year: int
    quarter: int
    indicators_on_target: int
    indicators_total: int
    satisfaction_percent: float
    complaints_received: int
    complaints_escalated: int


@dataclass
class Checked:
    """The rows that passed, and a sentence for every problem found (empty: all good)."""

    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        """Every row passed: the file may be loaded."""
        return bool(self.rows) and not self.errors

    def refuse(self, message: str) -> None:
        """Notes a problem (the first MAX_ERRORS are kept word for word)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more_errors += 1


def quarter_of(text: str) -> tuple[int, int] | None:
    """(year, quarter) from "2026 Q3", "2026-Q3" or "Q3 2026" (None: not a quarter)."""
    found = QUARTER.fullmatch(text.strip())
    if found is None:
        return None
    year, number = (found[1], found[2]) if found[1] else (found[4], found[3])
    return int(year), int(number)


def _lines(data: bytes) -> Iterator[dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise FiguresRefused(f"The file is over {MAX_BYTES // 1_000_000} MB: split it.")
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as error:
        raise FiguresRefused(
            "The file is not text: save it from the spreadsheet as CSV."
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if not header:
        raise FiguresRefused("The file is empty.")
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unknown:
            parts.append("not expected: " + ", ".join(unknown))
        raise FiguresRefused(
            f"The first line must name the columns {', '.join(COLUMNS)} ({'; '.join(parts)})."
        )
    reader.fieldnames = header
    for row in reader:
        if None in row:
            row[""] = "extra"  # more cells than columns: reported by _row
        yield {k: (v or "").strip() for k, v in row.items() if k is not None}


def _whole(cells: dict[str, str], name: str, problems: list[str]) -> int | None:
    text = cells.get(name, "").replace(",", "")  # 1,200 as a spreadsheet writes it
    if not text.isdigit():
        problems.append(f"{name} must be a whole number of 0 or more, not {text or 'blank'!r}")
        return None
    return int(text)


def _percent(cells: dict[str, str], name: str, problems: list[str]) -> float | None:
    text = cells.get(name, "").rstrip("%").strip()
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:  # also refuses nan and inf, which float() accepts
        problems.append(f"{name} must be a number from 0 to 100, not {text or 'blank'!r}")
        return None
    return value


def _row(line: int, cells: dict[str, str], today: date) -> tuple[Row | None, list[str]]:
    """The row checked: the figures, or every problem with it (never both)."""
    problems: list[str] = []
    if cells.get("") == "extra":
        problems.append("it has more cells than the first line has columns")
    when = quarter_of(cells.get("quarter", ""))
    if when is None:
        problems.append(f"quarter must look like 2026 Q3, not {cells.get('quarter') or 'blank'!r}")
    elif date(when[0], 3 * when[1] - 2, 1) > today:
        problems.append(f"{when[0]} Q{when[1]} has not started yet")
    area = AREA_NAMES.get(cells.get("business_area", "").casefold())
    if area is None:
        problems.append(
            f"business_area {cells.get('business_area') or 'blank'!r} is not one of the "
            "business areas (for example repairs, or Void Works)"
        )
    on_target = _whole(cells, "indicators_on_target", problems)
    total = _whole(cells, "indicators_total", problems)
    satisfied = _percent(cells, "satisfaction_percent", problems)
    received = _whole(cells, "complaints_received", problems)
    escalated = _whole(cells, "complaints_escalated", problems)
    if total == 0:
        problems.append("indicators_total must be at least 1")
    if on_target is not None and total is not None and on_target > total:
        problems.append(
            f"indicators_on_target ({on_target}) is more than indicators_total ({total})"
        )
    if escalated is not None and received is not None and escalated > received:
        problems.append(
            f"complaints_escalated ({escalated}) is more than complaints_received ({received})"
        )
    if (
        problems
        or when is None
        or area is None
        or on_target is None
        or total is None
        or satisfied is None
        or received is None
        or escalated is None
    ):
        return None, problems
    return Row(line, area, *when, on_target, total, satisfied, received, escalated), []


def check(data: bytes, today: date) -> Checked:
    """Reads and checks every row of a CSV of figures; nothing is stored."""
    checked = Checked()
    seen: dict[tuple[str, int, int], int] = {}
    try:
        for line, cells in enumerate(_lines(data), start=2):
            if not any(cells.values()):
                continue  # a blank line, as spreadsheets leave at the end
            if line - 1 > MAX_ROWS:
                checked.refuse(f"The file has more than {MAX_ROWS} rows: split it.")
                break
            row, problems = _row(line, cells, today)
            for problem in problems:
                checked.refuse(f"Row {line}: {problem}.")
            if row is None:
                continue
            key = (row.service_area, row.year, row.quarter)
            if key in seen:
                checked.refuse(
                    f"Row {line}: {label('service_area', row.service_area)} for {row.year} "
                    f"Q{row.quarter} is already on row {seen[key]}."
                )
                continue
            seen[key] = line
            checked.rows.append(row)
    except FiguresRefused as refused:
        checked.refuse(str(refused))
    except csv.Error as error:
        checked.refuse(f"The file is not a CSV the service can read ({error}).")
    if not checked.rows and not checked.errors:
        checked.refuse("The file has no rows of figures under its first line.")
    return checked


@dataclass(frozen=True)
class Loaded:
    """What a load did: rows new and replaced, and the quarters they covered."""

    added: int
    replaced: int
    first: str
    last: str

    def __str__(self) -> str:
        quarters = self.first if self.first == self.last else f"{self.first} to {self.last}"
        return (
            f"{self.added + self.replaced} rows of figures loaded for {quarters}: "
            f"{self.added} new, {self.replaced} replacing figures loaded before."
        )


def load(
    session: Session, checked: Checked, *, now: datetime, officer_id: int | None, source: str
) -> Loaded:
    """Keeps every checked row (a quarter loaded again replaces its figures). The caller's
    transaction makes it all or nothing: a file with a bad row never reaches here."""
    if not checked.ok:
        raise FiguresRefused("The file has problems: nothing was loaded.")
    existing = {
        (f.service_area, f.year, f.quarter): f for f in session.exec(select(PerformanceFigure))
    }
    added = replaced = 0
    for row in checked.rows:
        figure = existing.get((row.service_area, row.year, row.quarter))
        if figure is None:
            figure = PerformanceFigure(
                service_area=row.service_area,
                year=row.year,
                quarter=row.quarter,
                indicators_on_target=row.indicators_on_target,
                indicators_total=row.indicators_total,
                satisfaction_percent=row.satisfaction_percent,
                complaints_received=row.complaints_received,
                complaints_escalated=row.complaints_escalated,
            )
            added += 1
        else:
            replaced += 1
        figure.indicators_on_target = row.indicators_on_target
        figure.indicators_total = row.indicators_total
        figure.satisfaction_percent = row.satisfaction_percent
        figure.complaints_received = row.complaints_received
        figure.complaints_escalated = row.complaints_escalated
        figure.loaded_at, figure.loaded_by, figure.source = now, officer_id, source[:200]
        session.add(figure)
    ordered = sorted((r.year, r.quarter) for r in checked.rows)
    return Loaded(
        added, replaced, f"{ordered[0][0]} Q{ordered[0][1]}", f"{ordered[-1][0]} Q{ordered[-1][1]}"
    )


def figures(session: Session, area: str | None = None) -> list[PerformanceFigure]:
    """Figures kept, newest quarter first (one area's, or every area's)."""
    query = select(PerformanceFigure)
    if area is not None:
        query = query.where(PerformanceFigure.service_area == area)
    return list(
        session.exec(
            query.order_by(
                col(PerformanceFigure.year).desc(),
                col(PerformanceFigure.quarter).desc(),
                col(PerformanceFigure.service_area),
            )
        )
    )


def template_rows() -> list[list[str]]:
    """A CSV to start from: the header, and one example row."""
    return [list(COLUMNS), list(EXAMPLE)]
