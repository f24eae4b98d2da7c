"""The Call after it arrives: its lifecycle table and moves, meetings, scoring, the programme,
scrutiny, follow-ups, the dashboard and the reports."""
