"""The sample meetings of the seed (``seed/meetings.py``): one past meeting per programme
district with actions, every record marked synthetic, dated from the seeding day,
loadable after the programme's directory, carried into the next agenda, and removed with
the sample data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.meetings import ActionStatus, ItemKind, MeetingStatus
from referral_graph.domain.queries import ActionQuery, MeetingQuery, Page
from referral_graph.security.model import Principal, Role
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import meetings
from referral_graph.services.meetings.meetings import NewMeeting
from seed.loader import load_programme
from seed.meetings import programme_districts, sample_meetings
from seed.seeding import programme_writes, run_writes

TODAY = date(2026, 11, 25)


def test_one_past_meeting_per_programme_district_with_actions() -> None:
    providers, pathways = load_programme()
    found, actions = sample_meetings(providers, pathways, today=TODAY)
    assert [m.area_code for m in found] == programme_districts()
    assert programme_districts()[:6] == ["1602", "1603", "1701", "1702", "1703", "1712"]
    assert len(found) == 12, "Siem Reap 4, Ratanakiri 2, Stung Treng 6"
    for m in found:
        assert m.synthetic and m.status is MeetingStatus.CLOSED
        assert m.held_on == TODAY - timedelta(weeks=4) and m.period_since < m.held_on
        assert m.participants and any(p.present for p in m.participants)
        own = [a for a in actions if a.meeting_id == m.id]
        assert len(own) >= 3, m.area_code
        assert {a.status for a in own} == {ActionStatus.OPEN, ActionStatus.DONE}
        assert any(a.overdue(TODAY) for a in own), "one action is past its due day"
        for a in own:
            assert a.synthetic and a.area_code == m.area_code
            assert a.item_id is None or m.item(a.item_id) is not None
    agreed = {(w.from_provider_id, w.to_provider_id, w.service) for w in pathways}
    proposals = [a.pathway for a in actions if a.pathway is not None]
    assert proposals, "some meeting agreed a new pathway"
    for p in proposals:
        assert (p.from_provider_id, p.to_provider_id, p.service) not in agreed
    assert sample_meetings(providers, pathways, today=TODAY) == (found, actions)


@pytest.fixture
def seeded(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "seed.sqlite3")
    store.initialise()
    run_writes(store, programme_writes())
    return store


def test_the_seed_writes_them_and_the_next_agenda_carries_their_open_actions(
    seeded: SqliteStore,
) -> None:
    listed = seeded.read(lambda tx: tx.list_meetings(MeetingQuery(), Page(limit=100)))
    assert listed.count == 12
    today = datetime.now(UTC).date()
    coordinator = Caller(
        Principal(user_id="c", username="c", role=Role.COORDINATOR, area_code="17"),
        seeded,
        datetime.now(UTC),
    )
    following = meetings.create_meeting(
        coordinator, None, NewMeeting(area_code="1701", held_on=today)
    )
    carried = [i for i in following.agenda if i.kind is ItemKind.OPEN_ACTION]
    assert len(carried) >= 2, "the open actions of last month's meeting come back"
    assert following.period_since == listed.items[0].held_on
    sample = seeded.read(lambda tx: tx.list_actions(ActionQuery(), Page(limit=1))).count
    counts = seeded.write(lambda tx: tx.remove_sample_meetings())
    assert counts == {"meetings": 12, "meeting actions": sample}
    left = seeded.read(lambda tx: tx.list_meetings(MeetingQuery(), Page(limit=100)))
    assert [m.id for m in left.items] == [following.id], "the real meeting stays"
    assert seeded.read(lambda tx: tx.sample_meetings_present()) is False
