"""Contract of the meetings port: network meetings with their agenda and participants,
and the actions they agreed — the same answers from every store.

Decisions this suite pins down for every store:

* A meeting is stored whole (agenda included) and saved with compare-and-set; a
  participant, a meeting, an owner provider or an owner person that does not exist is
  refused with ``Conflict`` naming the field, and nothing of the refused write is stored.
* ``area`` of meetings and actions is the meeting's area or anything inside it; a
  commune's meetings are not "in" a village, a district's are not "in" its communes.
* Actions list soonest due first; the owner filter finds what a provider answers for.
* Sample meetings and actions (``synthetic``) are removed in one step, and nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion, UnknownArea
from referral_graph.domain.meetings import ActionStatus, MeetingLevel, MeetingStatus, Participant
from referral_graph.store.port import ActionQuery, MeetingQuery, Page, Store
from tests.contract.meetings_data import HELD_ON, action, item, meeting, pathway_action

ALL = Page(limit=100)


def _ids(listing: object) -> list[str]:
    return [x.id for x in listing.items]  # type: ignore[attr-defined]


def test_a_meeting_comes_back_as_it_was_stored(network: Store) -> None:
    stored = meeting()
    network.write(lambda tx: tx.add_meeting(stored))
    assert network.read(lambda tx: tx.get_meeting("mtg-1")) == stored
    assert network.read(lambda tx: tx.get_meeting("nope")) is None


def test_a_meeting_id_is_taken_once(network: Store) -> None:
    network.write(lambda tx: tx.add_meeting(meeting()))
    with pytest.raises(Conflict) as caught:
        network.write(lambda tx: tx.add_meeting(meeting(place="elsewhere")))
    assert caught.value.field == "id"


def test_an_unknown_participant_is_refused_and_nothing_is_stored(network: Store) -> None:
    bad = meeting(participants=(Participant(provider_id="hc-a"), Participant(provider_id="zz")))
    with pytest.raises(Conflict) as caught:
        network.write(lambda tx: tx.add_meeting(bad))
    assert caught.value.field == "participants"
    assert network.read(lambda tx: tx.get_meeting("mtg-1")) is None


def test_saving_is_compare_and_set(network: Store) -> None:
    first = meeting()
    network.write(lambda tx: tx.add_meeting(first))
    closed = first.model_copy(
        update={
            "status": MeetingStatus.CLOSED,
            "agenda": (first.agenda[1], first.agenda[0].model_copy(update={"dropped": True})),
            "participants": (Participant(provider_id="tpo-a", present=True),),
            "version": 2,
        }
    )
    network.write(lambda tx: tx.save_meeting(closed, 1))
    assert network.read(lambda tx: tx.get_meeting("mtg-1")) == closed
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_meeting(closed.model_copy(update={"version": 3}), 1))
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_meeting(meeting("other", version=2), 1))


def test_meetings_are_found_by_area_level_status_and_day(network: Store) -> None:
    meetings = [
        meeting("m-commune-old", held_on=date(2026, 1, 8), period_since=date(2026, 1, 1)),
        meeting("m-commune", status=MeetingStatus.CLOSED),
        meeting("m-district", level=MeetingLevel.DISTRICT, area_code="1701"),
        meeting("m-technical", level=MeetingLevel.TECHNICAL, area_code="17"),
        meeting("m-other", level=MeetingLevel.DISTRICT, area_code="1702"),
        meeting("m-stung-treng", level=MeetingLevel.PROVINCE, area_code="19"),
    ]
    network.write(lambda tx: [tx.add_meeting(m) for m in meetings])

    def found(**query: object) -> list[str]:
        return network.read(lambda tx: _ids(tx.list_meetings(MeetingQuery(**query), ALL)))  # type: ignore[arg-type]

    newest_first = ["m-commune", "m-district", "m-other", "m-stung-treng", "m-technical"]
    assert found() == [*newest_first, "m-commune-old"]
    in_siem_reap = ["m-commune", "m-district", "m-other", "m-technical", "m-commune-old"]
    assert found(area="17") == in_siem_reap
    assert found(area="1701") == ["m-commune", "m-district", "m-commune-old"]
    assert found(area="170101") == ["m-commune", "m-commune-old"]
    assert found(area="17010101") == []
    assert found(at_area="1701") == ["m-district"]
    assert found(level=MeetingLevel.TECHNICAL) == ["m-technical"]
    assert found(status=MeetingStatus.CLOSED) == ["m-commune"]
    assert found(at_area="170101", before=HELD_ON) == ["m-commune-old"]
    assert found(at_area="170101", since=HELD_ON) == ["m-commune"]
    page = network.read(lambda tx: tx.list_meetings(MeetingQuery(area="17"), Page(2, 1)))
    assert (_ids(page), page.count) == (["m-district", "m-other"], 5)
    with pytest.raises(UnknownArea):
        network.read(lambda tx: tx.list_meetings(MeetingQuery(area="99"), ALL))


def test_actions_are_written_together_or_not_at_all(network: Store) -> None:
    network.write(lambda tx: tx.add_meeting(meeting()))
    good, bad = action("act-1"), action("act-2", owner_provider_id="nobody")
    with pytest.raises(Conflict) as caught:
        network.write(lambda tx: tx.add_actions([good, bad]))
    assert caught.value.field == "owner_provider_id"
    assert network.read(lambda tx: tx.get_action("act-1")) is None
    for wrong, field in [
        (action("a", meeting_id="no-meeting"), "meeting_id"),
        (action("b", owner_person_id="no-person"), "owner_person_id"),
    ]:
        with pytest.raises(Conflict) as caught:
            network.write(lambda tx, w=wrong: tx.add_actions([w]))
        assert caught.value.field == field
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_actions([good, good]))
    network.write(lambda tx: tx.add_actions([good, pathway_action()]))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_actions([good]))
    stored = network.read(lambda tx: tx.get_actions(["act-1", "act-pw", "nope"]))
    assert stored == {"act-1": good, "act-pw": pathway_action()}


def test_an_action_owned_by_a_person_and_saved_with_compare_and_set(network: Store) -> None:
    network.write(lambda tx: tx.add_meeting(meeting()))
    mine = action(owner_person_id="person-hc-a-1")
    network.write(lambda tx: tx.add_actions([mine]))
    done = mine.model_copy(update={"status": ActionStatus.DONE, "version": 2})
    network.write(lambda tx: tx.save_action(done, 1))
    assert network.read(lambda tx: tx.get_action("act-1")) == done
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_action(done.model_copy(update={"version": 3}), 1))
    moved = done.model_copy(update={"owner_provider_id": "nobody", "version": 3})
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.save_action(moved, 2))
    assert network.read(lambda tx: tx.get_action("act-1")) == done


def test_actions_are_found_by_meeting_area_owner_status_and_due_day(network: Store) -> None:
    network.write(lambda tx: tx.add_meeting(meeting()))
    network.write(
        lambda tx: tx.add_meeting(
            meeting("mtg-19", level=MeetingLevel.PROVINCE, area_code="19", participants=())
        )
    )
    actions = [
        action("a-late", due_on=HELD_ON + timedelta(days=3)),
        action("a-person", owner_person_id="person-hc-a-1", due_on=HELD_ON + timedelta(days=9)),
        action("a-done", status=ActionStatus.DONE),
        pathway_action(),
        action("a-19", meeting_id="mtg-19", area_code="19", owner_provider_id="helpline"),
    ]
    network.write(lambda tx: tx.add_actions(actions))

    def found(**query: object) -> list[str]:
        return network.read(lambda tx: _ids(tx.list_actions(ActionQuery(**query), ALL)))  # type: ignore[arg-type]

    assert found(meeting_id="mtg-1") == ["a-late", "a-person", "a-done", "act-pw"]
    assert found(area="1701") == ["a-late", "a-person", "a-done", "act-pw"]
    assert found(area="19") == ["a-19"]
    assert found(owner_provider_id="hc-a") == ["a-late", "a-person", "a-done"]
    assert found(owner_person_id="person-hc-a-1") == ["a-person"]
    assert found(status=ActionStatus.OPEN, area="17") == ["a-late", "a-person", "act-pw"]
    assert found(due_before=HELD_ON + timedelta(days=5)) == ["a-late"]
    assert found(awaiting_pathway=True) == ["act-pw"]
    assert found(awaiting_pathway=False, area="170101") == ["a-late", "a-person", "a-done"]


def test_a_load_inserts_or_replaces_and_checks_references(network: Store) -> None:
    first = meeting()
    written = network.write(lambda tx: tx.load_meetings([first], [action()]))
    assert written == 2
    again = first.model_copy(update={"place": "online", "version": 4})
    network.write(lambda tx: tx.load_meetings([again], [action(text="Changed")]))
    assert network.read(lambda tx: tx.get_meeting("mtg-1")) == again
    assert network.read(lambda tx: tx.get_action("act-1")).text == "Changed"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.load_meetings([], [action("x", meeting_id="none")]))


def test_sample_meetings_are_removed_and_nothing_else(network: Store) -> None:
    assert network.read(lambda tx: tx.sample_meetings_present()) is False
    sample, real = meeting("sample", synthetic=True), meeting("real")
    network.write(lambda tx: tx.load_meetings([sample, real], []))
    network.write(
        lambda tx: tx.add_actions([action("s-1", "sample", synthetic=True), action("r-1", "real")])
    )
    assert network.read(lambda tx: tx.sample_meetings_present()) is True
    counts = network.write(lambda tx: tx.remove_sample_meetings(dry_run=True))
    assert counts == {"meetings": 1, "meeting actions": 1}
    assert network.read(lambda tx: tx.get_meeting("sample")) is not None
    assert network.write(lambda tx: tx.remove_sample_meetings()) == counts
    assert network.read(lambda tx: tx.get_meeting("sample")) is None
    assert network.read(lambda tx: tx.get_meeting("real")) is not None
    assert network.read(lambda tx: sorted(tx.get_actions(["s-1", "r-1"]))) == ["r-1"]
    assert network.read(lambda tx: tx.sample_meetings_present()) is False


def test_a_real_action_keeps_its_sample_meeting(network: Store) -> None:
    network.write(lambda tx: tx.load_meetings([meeting("sample", synthetic=True)], []))
    network.write(lambda tx: tx.add_actions([action("real", "sample")]))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.remove_sample_meetings())
    assert network.read(lambda tx: tx.get_meeting("sample")) is not None


def test_an_agenda_item_keeps_its_subject(network: Store) -> None:
    edge = item("x", provider_id="hc-a", to_provider_id="tpo-a", area_code="1701")
    rich = meeting(agenda=(edge,))
    network.write(lambda tx: tx.add_meeting(rich))
    got = network.read(lambda tx: tx.get_meeting("mtg-1"))
    assert got is not None and got.agenda[0].subject.providers == ("hc-a", "tpo-a")
