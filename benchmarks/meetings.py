"""The agenda of a district-month on the national network (issue #19: within 1 s on
SQLite and 5 s on Neo4j), and the meeting pack around it.

The national network (``seed.national``: every province, ~19k providers, ~36k people
with their trainings) gets a synthetic referral history (``benchmarks.history``), and
the busiest district of the last month a closed meeting 30 days ago with open actions.
Then, as a coordinator's "open the next meeting" does: the agenda the graph gives for
that district today — referrals since the last meeting (and 92 days before, for children
left waiting), overdue handoffs with their case codes, pathways, open actions, coverage
through the routing engine, training needs — timed cold (the directory graph built
first, as a server does once at start) and warm (five runs: median and worst).

    python -m benchmarks.meetings --store sqlite --referrals 200000
    python -m benchmarks.meetings --store neo4j --referrals 100000   (NEO4J_* settings;
                                                                     wipes the database)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.history import build
from referral_graph.audit.period import REPORT_TZ, zone
from referral_graph.domain.meetings import (
    Action,
    Meeting,
    MeetingLevel,
    MeetingStatus,
)
from referral_graph.domain.queries import HistoryQuery, Page, ProviderQuery
from referral_graph.meetings.pack import pack_html
from referral_graph.services.caller import Caller
from referral_graph.services.meetings.agenda import build_draft
from referral_graph.services.meetings.meetings import NewMeeting, create_meeting
from referral_graph.services.meetings.pack import meeting_pack
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store

RUNS = 5


def busiest_district(store: Store, since: Any, until: Any) -> tuple[str, int]:
    facts = store.read(lambda tx: tx.hop_facts(HistoryQuery(since=since, until=until)))
    counts = Counter(f.village_code[:4] for f in facts)
    district, n = counts.most_common(1)[0]
    return district, n


def last_meeting(store: Store, district: str, now: Any) -> None:
    """A closed meeting of the district 30 days ago, with five open actions."""
    held_on = (now - timedelta(days=30)).astimezone(zone(REPORT_TZ)).date()
    providers = store.read(
        lambda tx: tx.list_providers(ProviderQuery(area=district), Page(limit=5)).items
    )
    meeting = Meeting(
        id=f"mtg-bench-{district}",
        level=MeetingLevel.DISTRICT,
        area_code=district,
        held_on=held_on,
        period_since=held_on - timedelta(days=30),
        status=MeetingStatus.CLOSED,
        created_by="bench",
        created_at=now - timedelta(days=31),
        updated_at=now - timedelta(days=30),
    )
    actions = [
        Action(
            id=f"act-bench-{district}-{n}",
            meeting_id=meeting.id,
            text=f"Benchmark action {n}",
            owner_provider_id=p.id,
            due_on=held_on + timedelta(days=7 * (n + 1)),
            area_code=district,
            created_by="bench",
            created_at=now - timedelta(days=30),
            updated_at=now - timedelta(days=30),
        )
        for n, p in enumerate(providers)
    ]
    store.write(lambda tx: tx.load_meetings([meeting], actions))


def run(store: Store, referrals: int, *, months: int = 12) -> dict[str, Any]:
    t = time.perf_counter()
    now = build(store, referrals, months=months, national=True)
    out: dict[str, Any] = {
        "store": store.name,
        "referrals": referrals,
        "build_s": round(time.perf_counter() - t, 1),
    }
    district, made = busiest_district(store, now - timedelta(days=30), now)
    last_meeting(store, district, now)
    out |= {"district": district, "district_referrals_last_30_days": made}
    caller = Caller.system(store, now)
    today = now.astimezone(zone(REPORT_TZ)).date()
    routing = Routing(store, REPORT_TZ)

    t = time.perf_counter()
    routing.directory.current()
    out["directory_graph_build_s"] = round(time.perf_counter() - t, 2)

    def agenda() -> Any:
        return build_draft(caller, routing, district, today)

    t = time.perf_counter()
    draft = agenda()
    out["agenda_first_s"] = round(time.perf_counter() - t, 3)
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        draft = agenda()
        times.append(time.perf_counter() - t)
    out["agenda_warm_median_s"] = round(statistics.median(times), 3)
    out["agenda_warm_max_s"] = round(max(times), 3)
    out["agenda_items"] = dict(Counter(i.kind.value for i in draft.items))
    out["agenda_period_since"] = draft.period_since.isoformat()

    t = time.perf_counter()
    meeting = create_meeting(caller, routing, NewMeeting(area_code=district, held_on=today))
    out["open_meeting_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    pack = meeting_pack(caller, routing, meeting.id, min_cell=5)
    out["pack_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    page = pack_html(pack, "km")
    out["pack_html_km_s"] = round(time.perf_counter() - t, 3)
    out["pack_html_kb"] = round(len(page.encode()) / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    store: Store
    if args.store == "sqlite":
        from referral_graph.adapters.sqlite.store import SqliteStore

        path = Path(tempfile.mkdtemp(prefix="rg-bench-meetings-")) / "national.sqlite3"
        store = SqliteStore(path)
    else:
        from referral_graph.adapters.neo4j.store import Neo4jStore
        from referral_graph.settings import Settings

        s = Settings()
        store = Neo4jStore(
            s.neo4j_uri,
            s.neo4j_user,
            s.neo4j_password.get_secret_value(),
            database=s.neo4j_database,
            max_transaction_retry_time=60,
        )
    store.initialise()
    try:
        print(json.dumps(run(store, args.referrals, months=args.months), indent=2))
    finally:
        store.close()


if __name__ == "__main__":
    main()
