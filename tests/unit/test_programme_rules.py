"""The programme's two rules from the framework: "a minimum of two reviews will be carried out
each year" (by when the next must start), and reviews of "service areas identified as being a
priority by dips in performance or escalations of complaints" (which figures flag an area)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.casework.programme import NextReview, YearReviews, next_review
from backend.casework.trends import AreaTrend
from backend.models import PerformanceFigure


def _years(this: int, next_year: int) -> list[YearReviews]:
    return [YearReviews(2026, this, 0), YearReviews(2027, next_year, 0)]


@pytest.mark.parametrize(
    ("this", "next_year", "today", "expected"),
    [
        # None yet this year: the first by the end of June, to spread the two over the year.
        (0, 0, date(2026, 3, 1), NextReview(date(2026, 6, 30), 2, late=False)),
        # June gone with none: late, and both still to start.
        (0, 0, date(2026, 9, 1), NextReview(date(2026, 6, 30), 2, late=True)),
        # One this year: the second by the end of December.
        (1, 0, date(2026, 9, 1), NextReview(date(2026, 12, 31), 1, late=False)),
        # Two this year: next year's first, by the end of next June.
        (2, 0, date(2026, 9, 1), NextReview(date(2027, 6, 30), 2, late=False)),
        (2, 1, date(2026, 9, 1), NextReview(date(2027, 12, 31), 1, late=False)),
        (3, 2, date(2026, 9, 1), NextReview(date(2028, 6, 30), 2, late=False)),
    ],
)
def test_the_next_review_must_start_by_the_end_of_the_half_year_it_keeps_to_two(
    this: int, next_year: int, today: date, expected: NextReview
) -> None:
    assert next_review(_years(this, next_year), today) == expected


def test_a_year_counts_reviews_from_calls_and_the_panels_own_alike() -> None:
    year = YearReviews(2026, scheduled=1, done=1, panel=1)
    assert (year.total, year.from_calls, year.panel, year.too_few) == (2, 1, 1, False)


def _quarter(quarter: int, on_target: int, satisfied: float, escalated: int) -> PerformanceFigure:
    return PerformanceFigure(
        service_area="compliance",
        year=2026,
        quarter=quarter,
        indicators_on_target=on_target,
        indicators_total=10,
        satisfaction_percent=satisfied,
        complaints_received=40,
        complaints_escalated=escalated,
    )


def test_an_area_is_a_priority_when_its_figures_dip_past_the_setting_or_escalations_rise() -> None:
    steady = AreaTrend("compliance", [_quarter(3, 9, 80, 2), _quarter(2, 9, 85, 2)])
    assert steady.dips(10) == []  # satisfaction down 5: under the setting
    assert steady.dips(5) == [
        "customers satisfied fell 5 points, from 85% in 2026 Q2 to 80% in 2026 Q3"
    ]
    dipped = AreaTrend("compliance", [_quarter(3, 6, 85, 5), _quarter(2, 9, 85, 2)])
    assert dipped.dips(10) == [
        "performance indicators on target fell 30 points, from 90% in 2026 Q2 to 60% in 2026 Q3",
        "escalated complaints rose from 2 in 2026 Q2 to 5 in 2026 Q3",
    ]
    assert dipped.dips(40) == ["escalated complaints rose from 2 in 2026 Q2 to 5 in 2026 Q3"]
    exactly = AreaTrend("compliance", [_quarter(3, 8, 85, 2), _quarter(2, 9, 85, 2)])
    assert exactly.dips(10) != []  # a fall of exactly the setting counts
    assert AreaTrend("compliance", [_quarter(3, 1, 10, 9)]).dips(10) == []  # nothing to compare
