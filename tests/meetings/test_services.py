"""The meeting use cases over a month of real history (SQLite): the agenda a district's
graph gives, editing it, closing the meeting with its actions in one transaction, the
next meeting carrying what is still open, owners reporting on their actions, an agreed
pathway confirmed into the directory, and the meeting pack."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from referral_graph.domain.meetings import ActionStatus, ItemKind, MeetingLevel, MeetingStatus
from referral_graph.domain.queries import ActionQuery, Page, PathwayQuery
from referral_graph.domain.vocabulary import Service
from referral_graph.meetings.pack import pack_csv, pack_html
from referral_graph.security.model import Role
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import actions, meetings
from referral_graph.services.meetings.actions import ActionDraft, ActionUpdate, PathwayDraft
from referral_graph.services.meetings.agenda import check_level
from referral_graph.services.meetings.meetings import AgendaEdit, AgendaEntry, Closing, NewMeeting
from referral_graph.services.meetings.pack import meeting_pack
from tests.audit.conftest import NOW, History
from tests.meetings.conftest import HELD_ON, as_provider, person

KHMER = re.compile(r"[\u1780-\u17FF]")
EXPECTED = [
    "overdue:ccwc-a",  # r7 (case C) never acknowledged
    "overdue:hc-a",  # r12 (case F) waits on a decision
    "bottleneck:ccwc-a",
    "bottleneck:tpo-a",  # r2 reached first contact 6 h late
    "pathway:ccwc-a>hc-a:psychological_first_aid",
    "pathway:hc-a>ccwc-a:case_management",
    "coaching:hc-a",  # the nurse, trained in December, never coached
]


def open_meeting(coordinator: Caller, **extra: object) -> meetings.Meeting:
    fields: dict[str, object] = {"area_code": "1701", "held_on": HELD_ON, "place": "Hall"}
    fields.update(extra)
    return meetings.create_meeting(coordinator, None, NewMeeting.model_validate(fields))


def test_a_district_meeting_opens_with_the_agenda_its_graph_gives(coordinator: Caller) -> None:
    meeting = open_meeting(coordinator)
    assert meeting.level is MeetingLevel.DISTRICT and meeting.status is MeetingStatus.PLANNED
    assert meeting.period_since == HELD_ON - timedelta(days=30)
    assert [i.id for i in meeting.agenda] == EXPECTED
    assert [p.provider_id for p in meeting.participants] == ["ccwc-a", "girls-only", "hc-a"]
    overdue = meeting.agenda[0]
    assert overdue.kind is ItemKind.OVERDUE_HANDOFF
    assert re.match(r"KH1701-\w{6}: case management from Test hc-a", overdue.evidence[0].en)
    assert KHMER.search(overdue.title.km)
    assert meetings.get_meeting(coordinator, meeting.id) == meeting


def test_who_may_open_a_meeting_and_for_what(
    history: History, coordinator: Caller, stung_treng: Caller
) -> None:
    with pytest.raises(Forbidden) as outside:
        open_meeting(stung_treng)
    assert outside.value.field == "area"
    with pytest.raises(InvalidInput) as level:
        open_meeting(coordinator, level="commune")
    assert level.value.field == "level"
    with pytest.raises(InvalidInput) as village:
        check_level(None, "17010101")
    assert village.value.field == "area_code"
    with pytest.raises(InvalidInput) as unknown:
        open_meeting(coordinator, participants=["hc-a", "nobody"])
    assert unknown.value.field == "participants"
    with pytest.raises(InvalidInput) as day:
        open_meeting(coordinator, held_on=date(1999, 1, 1))
    assert day.value.field == "held_on"
    with pytest.raises(Forbidden):
        open_meeting(as_provider(history, "hc-a"))
    meeting = open_meeting(coordinator, level="technical", area_code="17")
    with pytest.raises(NotFound):
        meetings.get_meeting(stung_treng, meeting.id)
    assert meetings.list_meetings(stung_treng, Page()).count == 0
    assert [m.id for m in meetings.list_meetings(coordinator, Page()).items] == [meeting.id]


def test_the_coordinator_orders_drops_and_adds_items(coordinator: Caller) -> None:
    meeting = open_meeting(coordinator)
    ids = [i.id for i in meeting.agenda]
    order = [ids[4], ids[0], "+Welcome the new DoSVY social worker", *ids[1:3]]
    entries = [AgendaEntry(text=x[1:]) if x.startswith("+") else AgendaEntry(id=x) for x in order]
    edited = meetings.edit_agenda(coordinator, meeting.id, AgendaEdit(version=1, items=entries))
    shown = [(i.id if not i.id.startswith("added:") else "added", i.dropped) for i in edited.agenda]
    assert shown == [
        (ids[4], False),
        (ids[0], False),
        ("added", False),
        (ids[1], False),
        (ids[2], False),
        *((x, True) for x in (ids[3], ids[5], ids[6])),
    ]
    assert edited.agenda[2].title.en == "Welcome the new DoSVY social worker"
    with pytest.raises(Conflict) as stale:
        meetings.edit_agenda(coordinator, meeting.id, AgendaEdit(version=1, items=entries))
    assert stale.value.field == "version"
    with pytest.raises(InvalidInput) as unknown:
        meetings.edit_agenda(
            coordinator, meeting.id, AgendaEdit(version=2, items=[AgendaEntry(id="nope:1")])
        )
    assert unknown.value.field == "items[0].id"
    # Rebuilt from the graph: the order, the drops and the added item stay.
    refreshed = meetings.refresh_agenda(coordinator, None, meeting.id, 2)
    assert [(i.id, i.dropped) for i in refreshed.agenda] == [
        (i.id, i.dropped) for i in edited.agenda
    ]


def closing(version: int, meeting: meetings.Meeting) -> Closing:
    coaching = next(i.id for i in meeting.agenda if i.kind is ItemKind.COACHING_OVERDUE)
    pathway = next(i.id for i in meeting.agenda if i.id.startswith("pathway:ccwc-a>hc-a"))
    return Closing(
        version=version,
        present=["ccwc-a", "hc-a", "tpo-a"],
        actions=[
            ActionDraft(
                item_id=coaching,
                text="Coach the nurse by phone",
                owner_provider_id="hc-a",
                owner_person_id="person-hc-a-1",
                due_on=HELD_ON + timedelta(days=14),
            ),
            ActionDraft(
                item_id=pathway,
                text="Agree psychological first aid at the health centre",
                owner_provider_id="ccwc-a",
                due_on=HELD_ON + timedelta(days=7),
                pathway=PathwayDraft(
                    from_provider_id="ccwc-a",
                    to_provider_id="hc-a",
                    service=Service.PSYCHOLOGICAL_FIRST_AID,
                ),
            ),
        ],
    )


def test_closing_records_attendance_and_actions_together_or_not_at_all(
    coordinator: Caller,
) -> None:
    meeting = open_meeting(coordinator)
    bad = closing(1, meeting)
    bad.actions.append(
        ActionDraft(text="x", owner_provider_id="nobody", due_on=HELD_ON + timedelta(days=1))
    )
    with pytest.raises(InvalidInput) as refused:
        meetings.close_meeting(coordinator, meeting.id, bad)
    assert refused.value.field == "actions[2].owner_provider_id"
    untouched = meetings.get_meeting(coordinator, meeting.id)
    assert untouched == meeting, "nothing of the refused closing was written"
    listed = actions.list_actions(coordinator, Page(), meeting_id=meeting.id)
    assert listed.count == 0

    closed = meetings.close_meeting(coordinator, meeting.id, closing(1, meeting))
    assert closed.status is MeetingStatus.CLOSED and closed.version == 2
    assert {p.provider_id: p.present for p in closed.participants} == {
        "ccwc-a": True,
        "girls-only": False,
        "hc-a": True,
        "tpo-a": True,
    }
    agreed = actions.list_actions(coordinator, Page(), meeting_id=meeting.id).items
    assert [a.text for a in agreed] == [
        "Agree psychological first aid at the health centre",
        "Coach the nurse by phone",
    ]
    assert agreed[1].subject.provider_id == "hc-a" and agreed[1].owner_person_id
    assert agreed[0].awaits_confirmation
    with pytest.raises(Conflict):
        meetings.edit_agenda(coordinator, meeting.id, AgendaEdit(version=2, items=[]))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_on": HELD_ON - timedelta(days=1)}, "actions[0].due_on"),
        ({"item_id": "nope:1"}, "actions[0].item_id"),
        ({"owner_person_id": "nobody"}, "actions[0].owner_person_id"),
        (
            {
                "pathway": {
                    "from_provider_id": "ccwc-a",
                    "to_provider_id": "hc-a",
                    "service": "medical_care",
                }
            },
            "actions[0].pathway",
        ),
        (
            {
                "pathway": {
                    "from_provider_id": "ccwc-a",
                    "to_provider_id": "hc-a",
                    "service": "shelter",
                }
            },
            "actions[0].pathway.service",
        ),
    ],
)
def test_a_bad_action_is_refused_naming_the_field(
    coordinator: Caller, change: dict[str, object], field: str
) -> None:
    meeting = open_meeting(coordinator)
    draft = {"text": "Do it", "owner_provider_id": "hc-a", "due_on": HELD_ON} | change
    with pytest.raises(InvalidInput) as refused:
        actions.add_actions(coordinator, meeting.id, [ActionDraft.model_validate(draft)])
    assert refused.value.field == field


def test_open_actions_carry_into_the_next_meeting_until_done_or_dropped(
    history: History, coordinator: Caller
) -> None:
    first = open_meeting(coordinator)
    meetings.close_meeting(coordinator, first.id, closing(1, first))
    agreed = actions.list_actions(coordinator, Page(), meeting_id=first.id).items
    later = Caller(coordinator.principal, history.store, NOW + timedelta(days=1))
    second = meetings.create_meeting(
        later, None, NewMeeting(area_code="1701", held_on=NOW.date() + timedelta(days=1))
    )
    assert second.period_since == HELD_ON, "the agenda runs from the last meeting"
    carried = [i for i in second.agenda if i.kind is ItemKind.OPEN_ACTION]
    assert [i.subject.action_id for i in carried] == [a.id for a in agreed]
    assert carried[0].evidence[1].key == "ev_action_overdue"  # due 27 March; it is April
    assert carried[0].evidence[2].key == "ev_action_pathway"
    # At the second meeting one is done and one dropped, with its reason.
    done = ActionUpdate(action_id=agreed[1].id, status=ActionStatus.DONE)
    no_reason = ActionUpdate(action_id=agreed[0].id, status=ActionStatus.DROPPED)
    with pytest.raises(InvalidInput) as why:
        meetings.close_meeting(later, second.id, Closing(version=1, updates=[done, no_reason]))
    assert why.value.field == "updates[1].reason"
    assert actions.get_action(later, agreed[1].id).status is ActionStatus.OPEN
    dropped = no_reason.model_copy(update={"reason": "The CCWC refers to the helpline now"})
    meetings.close_meeting(later, second.id, Closing(version=1, updates=[done, dropped]))
    third = meetings.create_meeting(
        later, None, NewMeeting(area_code="1701", held_on=NOW.date() + timedelta(days=30))
    )
    assert not [i for i in third.agenda if i.kind is ItemKind.OPEN_ACTION]
    history_of = actions.get_action(later, agreed[0].id).history
    assert [(s.status, s.meeting_id) for s in history_of] == [
        (ActionStatus.OPEN, first.id),
        (ActionStatus.DROPPED, second.id),
    ]


def test_owners_see_their_actions_and_report_them_done(
    history: History, coordinator: Caller
) -> None:
    meeting = open_meeting(coordinator)
    meetings.close_meeting(coordinator, meeting.id, closing(1, meeting))
    hc = as_provider(history, "hc-a")
    owned = actions.owned_actions(hc)
    assert [v.action.text for v in owned] == ["Coach the nurse by phone"]
    assert not owned[0].overdue and owned[0].owner.en == "Test nurse (Test hc-a)"
    assert owned[0].meeting_held_on == HELD_ON
    mine = owned[0].action
    assert actions.list_actions(hc, Page()).count == 1
    with pytest.raises(Forbidden):
        actions.list_actions(hc, Page(), area="1701")
    with pytest.raises(Forbidden):
        actions.update_action(
            hc, ActionUpdate(action_id=mine.id, status=ActionStatus.DROPPED, reason="no")
        )
    other = as_provider(history, "tpo-a")
    with pytest.raises(NotFound):
        actions.get_action(other, mine.id)
    with pytest.raises(NotFound):
        actions.update_action(other, ActionUpdate(action_id=mine.id, status=ActionStatus.DONE))
    done = actions.update_action(hc, ActionUpdate(action_id=mine.id, status=ActionStatus.DONE))
    assert done.status is ActionStatus.DONE and done.history[-1].actor == "provider.hc-a"
    assert actions.owned_actions(hc) == []
    ccwc = as_provider(history, "ccwc-a", Role.CCWC)
    (theirs,) = actions.owned_actions(ccwc)
    assert theirs.action.text == "Agree psychological first aid at the health centre"
    assert theirs.overdue, "due 27 March; it is 2 April"
    assert len(actions.owned_actions(coordinator)) == 1


def test_an_administrator_confirms_an_agreed_pathway_into_the_directory(
    history: History, coordinator: Caller
) -> None:
    meeting = open_meeting(coordinator)
    meetings.close_meeting(coordinator, meeting.id, closing(1, meeting))
    admin = Caller(person(Role.ADMIN, area="KH"), history.store, NOW)
    (waiting,) = actions.owned_actions(admin)
    with pytest.raises(Forbidden):
        actions.confirm_pathway(coordinator, waiting.action.id)
    confirmed = actions.confirm_pathway(admin, waiting.action.id)
    assert confirmed.status is ActionStatus.DONE and confirmed.pathway is not None
    pathway_id = confirmed.pathway.pathway_id
    assert pathway_id is not None and confirmed.pathway.confirmed_by == admin.actor
    made = history.store.read(lambda tx: tx.get_pathway(pathway_id))
    assert made is not None and made.service is Service.PSYCHOLOGICAL_FIRST_AID
    with pytest.raises(Conflict):
        actions.confirm_pathway(admin, waiting.action.id)
    query = PathwayQuery(from_provider_id="ccwc-a", to_provider_id="hc-a")
    assert history.store.read(lambda tx: tx.list_pathways(query, Page())).count == 2
    # An agenda over the same weeks no longer proposes it (a technical meeting: its own
    # period, the month before it, holds the referral made without the pathway).
    again = open_meeting(coordinator, level="technical")
    found = [i.id for i in again.agenda]
    assert "pathway:hc-a>ccwc-a:case_management" in found
    assert "pathway:ccwc-a>hc-a:psychological_first_aid" not in found


def test_the_pack_holds_agenda_actions_last_meeting_and_figures(
    history: History, coordinator: Caller
) -> None:
    first = open_meeting(coordinator)
    meetings.close_meeting(coordinator, first.id, closing(1, first))
    later = Caller(coordinator.principal, history.store, NOW + timedelta(days=1))
    second = meetings.create_meeting(
        later, None, NewMeeting(area_code="1701", held_on=date(2026, 4, 3), chaired_by="Ms Sophea")
    )
    pack = meeting_pack(later, None, second.id, min_cell=0)
    assert pack.report.month == "2026-03" and pack.report.area.code == "1701"
    assert pack.last_meeting is not None and pack.last_meeting.meeting_id == first.id
    assert [a.text for a in pack.last_meeting.actions] == [
        "Agree psychological first aid at the health centre",
        "Coach the nurse by phone",
    ]
    assert [e.item.kind for e in pack.agenda][:2] == [ItemKind.OPEN_ACTION, ItemKind.OPEN_ACTION]
    for lang in ("en", "km"):
        page = pack_html(pack, lang)  # type: ignore[arg-type]
        assert f'<html lang="{lang}">' in page and "<script" not in page
        assert "Coach the nurse by phone" in page and "Ms Sophea" in page
        assert 'class="rg-report"' in page, "the monthly figures are in the pack"
        rows = list(csv.DictReader(io.StringIO(pack_csv(pack, lang))))  # type: ignore[arg-type]
        sections = {r["section"] for r in rows}
        assert {
            "meeting",
            "agenda",
            "agenda_evidence",
            "last_meeting_actions",
            "summary",
        } <= sections
        assert "last_meeting" not in sections
    assert KHMER.search(pack_html(pack, "km").split('class="rg-report"')[0])
    with pytest.raises(NotFound):
        meeting_pack(
            Caller(person(Role.COORDINATOR, area="19"), history.store, NOW), None, second.id
        )
    assert history.store.read(lambda tx: tx.list_actions(ActionQuery(), Page())).count == 2
