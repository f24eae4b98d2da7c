"""`make bench`: every benchmark, then one table of the goals and how each came out.

Set BENCH_DATABASE_URL (make bench does) to include PostgreSQL with one and two workers.
"""

from __future__ import annotations

from bench import backoffice, channels, flow, joining, outbox, signatures
from bench.common import machine, table
from tests.labelled_pairs import Measured

SMS, TELEGRAM, CHAT = channels.CHANNELS


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def goals(
    runs: list[channels.Measured],
    memory: dict[str, float],
    surge: signatures.Surge,
    pages: dict[int, dict[str, tuple[float, float]]],
    matcher: Measured,
    lookups: list[joining.Lookups],
    searches: list[outbox.Search],
) -> list[list[str]]:
    """One row per goal (issue 6, then issue 15's): the goal, the figure, met or missed."""
    busy = {
        (r.setup.label, r.channel): r
        for r in runs
        if r.clients == channels.CLIENTS and not r.pause_ms
    }
    light = {r.setup.label: r for r in runs if r.clients == channels.LIGHT}
    paced = {r.setup.label: r for r in runs if r.pause_ms}
    sqlite = "SQLite, 1 worker"
    webhooks = [busy[(sqlite, SMS)], busy[(sqlite, TELEGRAM)]]
    ratios = [r.ratio or 0.0 for r in webhooks]
    sms = busy[(sqlite, SMS)]
    sms_bare_cpu = f"{sms.bare.server_cpu_ms:.2f} ms" if sms.bare else "-"
    rows = [
        [
            "webhook ratio to bare >= 0.5 (SQLite, 32 clients)",
            " / ".join(f"{x:.2f}" for x in ratios) + " (SMS / Telegram)",
            _met(min(ratios) >= 0.5),
        ],
        [
            "webhook p99 < 50 ms (SQLite)",
            f"SMS {paced[sqlite].load.p99_ms:.0f} ms from 32 tenants at "
            f"{paced[sqlite].load.per_second:.0f}/s, {light[sqlite].load.p99_ms:.0f} ms from "
            f"{channels.LIGHT} back-to-back; "
            + " / ".join(f"{r.load.p99_ms:.0f}" for r in webhooks)
            + " ms (SMS / Telegram) from 32 back-to-back, a queue at full capacity",
            f"{_met(paced[sqlite].load.p99_ms < 50)} below capacity, "
            f"{_met(max(r.load.p99_ms for r in webhooks) < 50)} at it",
        ],
        [
            "SMS turn server CPU <= 1.0 ms (SQLite)",
            f"{sms.load.server_cpu_ms:.2f} ms a turn (bare endpoint {sms_bare_cpu}); "
            + " / ".join(f"{busy[(sqlite, c)].load.server_cpu_ms:.2f}" for c in (TELEGRAM, CHAT))
            + " ms (Telegram / web chat)",
            _met(sms.load.server_cpu_ms <= 1.0),
        ],
        [
            ">= 300 verified signatures/s per worker",
            f"{surge.first.per_second:.0f}/s "
            f"(bare endpoint, 2 form posts: {surge.bare_per_second:,.0f}/s)",
            _met(surge.first.per_second >= 300),
        ],
    ]
    one, two = "PostgreSQL, 1 worker", "PostgreSQL, 2 workers"
    if (one, SMS) in busy and (two, SMS) in busy:
        scaling = [
            busy[(two, c)].load.per_second / busy[(one, c)].load.per_second
            for c in (SMS, TELEGRAM, CHAT)
        ]
        rows.append(
            [
                "2 workers >= 1.6 x 1 worker (PostgreSQL)",
                " / ".join(f"{x:.2f}" for x in scaling) + " (SMS / Telegram / web chat)",
                _met(min(scaling) >= 1.6),
            ]
        )
    small, large = pages[backoffice.SIZES[0]], pages[backoffice.SIZES[1]]
    growth = {
        "dashboard": small["dashboard"][0] / large["dashboard"][0],
        "Call page": small["call"][0] / large["call"][0],
        "signing page": surge.page_small_ms / surge.page_large_ms,
        "signing rate": surge.later.per_second / surge.first.per_second,
        "outbox search": outbox.growth(searches),
    }
    rows.append(
        [
            "growth ratio 1,000 vs 100,000 rows > 0.8",
            ", ".join(f"{name} {x:.2f}" for name, x in growth.items()),
            _met(min(growth.values()) > 0.8),
        ]
    )
    peak = max([*memory.values(), surge.peak_rss_mb])
    rows.append(["server RSS < 200 MB", f"{peak:.0f} MB (largest process)", _met(peak < 200)])
    rows.append(
        [
            "joining: matcher precision >= 0.9 (issue 15)",
            f"precision {matcher.precision:.2f}, recall {matcher.recall:.2f} "
            f"at threshold {matcher.threshold:.2f}",
            _met(matcher.precision >= 0.9),
        ]
    )
    rows.append(
        [
            f"similar-petition look-up < 20 ms at {joining.CALLS:,} Calls",
            ", ".join(
                f"{r.database} {r.indexed_ms:.1f} ms (without the index {r.unindexed_ms:.1f} ms)"
                for r in lookups
            ),
            _met(max(r.indexed_ms for r in lookups) < 20),
        ]
    )
    return rows


def main() -> None:
    """Runs everything, prints each table, then the goals."""
    flow.main()
    runs, memory = channels.measure()
    channels.report(runs, memory)
    surge = signatures.measure()
    signatures.report(surge)
    pages = backoffice.measure()
    backoffice.report(pages)
    matcher, curve, lookups = joining.measure_all()
    joining.report(matcher, curve, lookups)
    searches = outbox.measure()
    outbox.report(searches)
    print(f"\nGoals (issues 6 and 15) - {machine()}\n")
    print(
        table(
            goals(runs, memory, surge, pages, matcher, lookups, searches),
            ["goal", "measured", "result"],
        )
    )


if __name__ == "__main__":
    main()
