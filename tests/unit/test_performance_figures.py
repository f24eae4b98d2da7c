"""Performance figures: every row of the CSV checked, each problem named by row and column, and
the score each part of the matrix would get from an area's figures."""

from __future__ import annotations

from datetime import date

import pytest

from backend.casework.performance import COLUMNS, check, quarter_of
from backend.casework.trends import AreaTrend
from backend.models import PerformanceFigure

TODAY = date(2026, 11, 23)
HEADER = ",".join(COLUMNS)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode()


def _figure(
    quarter: int, on_target: int, satisfied: float, received: int, escalated: int
) -> PerformanceFigure:
    return PerformanceFigure(
        service_area="repairs",
        year=2026,
        quarter=quarter,
        indicators_on_target=on_target,
        indicators_total=10,
        satisfaction_percent=satisfied,
        complaints_received=received,
        complaints_escalated=escalated,
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2026 Q3", (2026, 3)),
        ("2026-q1", (2026, 1)),
        ("Q4 2025", (2025, 4)),
        ("2026Q2", (2026, 2)),
        ("2026 Q5", None),
        ("Spring 2026", None),
        ("", None),
    ],
)
def test_a_quarter_is_read_however_a_spreadsheet_writes_it(
    text: str, found: tuple[int, int] | None
) -> None:
    assert quarter_of(text) == found


def test_good_rows_pass_with_areas_by_name_or_code_and_a_spreadsheets_bom() -> None:
    data = b"\xef\xbb\xbf" + _csv(
        "2026 Q3,repairs,7,10,78.5,120,14",
        '2026 Q3,Void Works,9,10,91%,"1,200",30',
        "",
    )
    checked = check(data, TODAY)
    assert checked.ok and checked.errors == []
    assert [(r.line, r.service_area, r.complaints_received) for r in checked.rows] == [
        (2, "repairs", 120),
        (3, "void_works", 1200),
    ]
    assert checked.rows[1].satisfaction_percent == 91.0


def test_each_bad_row_is_named_with_what_is_wrong_and_nothing_passes() -> None:
    checked = check(
        _csv(
            "2026 Q3,repairs,7,10,78.5,120,14",
            "2026 Q5,repairs,7,10,78.5,120,14",
            "2026 Q2,Parking,7,10,78.5,120,14",
            "2026 Q2,compliance,11,10,120,10,12",
            "2026 Q2,compliance,seven,0,nan,-1,",
            "2027 Q1,grounds_maintenance,1,1,50,1,1",
            "2026 Q3,Repairs,7,10,78.5,120,14",
            "2026 Q1,communal_cleaning,1,2,50,3,1,extra",
        ),
        TODAY,
    )
    assert not checked.ok
    assert checked.errors == [
        "Row 3: quarter must look like 2026 Q3, not '2026 Q5'.",
        "Row 4: business_area 'Parking' is not one of the business areas (for example repairs, "
        "or Void Works).",
        "Row 5: satisfaction_percent must be a number from 0 to 100, not '120'.",
        "Row 5: indicators_on_target (11) is more than indicators_total (10).",
        "Row 5: complaints_escalated (12) is more than complaints_received (10).",
        "Row 6: indicators_on_target must be a whole number of 0 or more, not 'seven'.",
        "Row 6: satisfaction_percent must be a number from 0 to 100, not 'nan'.",
        "Row 6: complaints_received must be a whole number of 0 or more, not '-1'.",
        "Row 6: complaints_escalated must be a whole number of 0 or more, not 'blank'.",
        "Row 6: indicators_total must be at least 1.",
        "Row 7: 2027 Q1 has not started yet.",
        "Row 8: Repairs for 2026 Q3 is already on row 2.",
        "Row 9: it has more cells than the first line has columns.",
    ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The file is empty."),
        (_csv(), "The file has no rows of figures under its first line."),
        (
            _csv("2026 Q3,repairs,7,10", header="quarter,business_area,on_target,total"),
            "The first line must name the columns",
        ),
        (b"\xff\xfe\x00\x01", "The file is not text"),
        (b"x" * 1_000_001, "The file is over 1 MB"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data: bytes, says: str) -> None:
    checked = check(data, TODAY)
    assert not checked.ok and not checked.rows
    assert checked.errors[0].startswith(says)


def test_only_the_first_fifty_problems_are_listed_and_the_rest_counted() -> None:
    checked = check(_csv(*["2026 Q3,Parking,1,1,50,1,1"] * 60), TODAY)
    assert len(checked.errors) == 50 and checked.more_errors == 10


def test_the_figures_propose_a_score_for_performance_satisfaction_and_complaints() -> None:
    # "A scoring matrix is used that considers performance, customer satisfaction and
    # complaints": a higher score puts the area higher in the programme.
    good = AreaTrend("repairs", [_figure(3, 10, 95, 100, 2)])
    assert good.proposed == {"performance": 0, "satisfaction": 0, "complaints": 0}
    falling = AreaTrend("repairs", [_figure(3, 6, 72, 100, 12), _figure(2, 9, 85, 100, 8)])
    # 60% on target scores 4; 72% satisfied scores 4; 12% escalated scores 2, and one more
    # because more were escalated than the quarter before.
    assert falling.proposed == {"performance": 4, "satisfaction": 4, "complaints": 3}
    assert "business_critical" not in falling.proposed  # the panel's judgement alone
    assert falling.said("performance") == (
        "6 of 10 performance indicators on target in 2026 Q3 (60%), down 30 points on "
        "2026 Q2. Proposed: 4."
    )
    assert falling.said("satisfaction") == (
        "72% of customers satisfied in 2026 Q3, down 13 points on 2026 Q2. Proposed: 4."
    )
    assert falling.said("complaints") == (
        "12 of 100 complaints escalated in 2026 Q3 (12%); 8 of 100 in 2026 Q2. Proposed: 3."
    )
    assert falling.said("business_critical") == ""
    worst = AreaTrend("repairs", [_figure(3, 0, 10, 10, 10), _figure(2, 0, 10, 10, 9)])
    assert worst.proposed == {"performance": 5, "satisfaction": 5, "complaints": 5}
    assert AreaTrend("repairs", []).proposed == {}
