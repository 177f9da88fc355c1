"""Contract: referrals and their events, written through the transaction directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral
from referral_graph.store.port import OPEN_STATUSES, InboxQuery, Page, Store
from tests.contract.helpers import case, created, moved, referral
from tests.factories import T0

S = ReferralStatus


@pytest.fixture
def with_case(network: Store) -> Store:
    network.write(lambda tx: tx.add_case(case("case-1")))
    return network


def add(store: Store, r: Referral) -> Referral:
    store.write(lambda tx: tx.add_referral(r, created(r)))
    return r


def inbox(store: Store, provider_id: str, *statuses: S, page: Page | None = None) -> list[str]:
    query = InboxQuery(provider_id, statuses or OPEN_STATUSES)
    listing = store.read(lambda tx: tx.inbox(query, page or Page()))
    return [r.id for r in listing.items]


def test_add_and_get_referral_with_its_first_event(with_case: Store) -> None:
    r = add(with_case, referral("ref-1"))
    assert with_case.read(lambda tx: tx.get_referral("ref-1")) == r
    assert with_case.read(lambda tx: tx.referral_events("ref-1")) == [created(r)]


def test_unknown_referral_ids(with_case: Store) -> None:
    assert with_case.read(lambda tx: tx.get_referral("nope")) is None
    assert with_case.read(lambda tx: tx.referral_events("nope")) == []
    assert with_case.read(lambda tx: tx.case_referrals("nope")) == []
    assert inbox(with_case, "nope") == []
    r, event = moved(referral("ghost"), S.RECEIVED)
    with pytest.raises(StaleVersion):
        with_case.write(lambda tx: tx.save_referral(r, 1, event))


def test_duplicate_referral_is_a_conflict_and_changes_nothing(with_case: Store) -> None:
    first = add(with_case, referral("ref-1"))
    again = referral("ref-1", receiver="tpo-a", reason="Something else entirely.")
    with pytest.raises(Conflict):
        with_case.write(
            lambda tx: tx.add_referral(again, created(again).model_copy(update={"id": "evt-b"}))
        )
    assert with_case.read(lambda tx: tx.get_referral("ref-1")) == first
    assert with_case.read(lambda tx: tx.referral_events("ref-1")) == [created(first)]
    assert inbox(with_case, "tpo-a") == []


@pytest.mark.parametrize(
    "fields",
    [{"case_id": "nope"}, {"sender": "nope"}, {"receiver": "nope"}, {"continues": "nope"}],
)
def test_referral_naming_what_does_not_exist_is_a_conflict(
    with_case: Store, fields: dict[str, str]
) -> None:
    fields = dict(fields)  # the parameter is shared by both stores
    continues = fields.pop("continues", None)
    r = referral("ref-1", continues_referral_id=continues, **fields)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        with_case.write(lambda tx: tx.add_referral(r, created(r)))
    assert with_case.read(lambda tx: tx.get_referral("ref-1")) is None


def test_save_referral_is_compare_and_set_and_appends_the_event(with_case: Store) -> None:
    r1 = add(with_case, referral("ref-1"))
    r2, e2 = moved(r1, S.RECEIVED)
    with_case.write(lambda tx: tx.save_referral(r2, 1, e2))
    assert with_case.read(lambda tx: tx.get_referral("ref-1")) == r2

    late, late_event = moved(r1, S.CANCELLED, tag="-late")
    with pytest.raises(StaleVersion) as caught:
        with_case.write(lambda tx: tx.save_referral(late, 1, late_event))
    assert caught.value.current_status == "received"

    r3, e3 = moved(r2, S.ACCEPTED)
    with_case.write(lambda tx: tx.save_referral(r3, 2, e3))
    assert with_case.read(lambda tx: tx.get_referral("ref-1")) == r3
    events = with_case.read(lambda tx: tx.referral_events("ref-1"))
    assert events == [created(r1), e2, e3]
    assert [e.sequence for e in events] == [1, 2, 3]


def test_times_round_trip_exactly(with_case: Store) -> None:
    at = datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC)
    r1 = add(with_case, referral("ref-1", at=at))
    later = at + timedelta(days=3, microseconds=1)
    r2, e2 = moved(r1, S.RECEIVED, later)
    with_case.write(lambda tx: tx.save_referral(r2, 1, e2))

    stored = with_case.read(lambda tx: tx.get_referral("ref-1"))
    assert stored == r2
    assert stored.created_at == at and stored.updated_at == later
    assert stored.step_times == {S.REQUESTED: at, S.RECEIVED: later}
    for value in (stored.created_at, stored.updated_at, *stored.step_times.values()):
        assert value.utcoffset() == timedelta(0)
    assert stored.updated_at.microsecond == 456790
    events = with_case.read(lambda tx: tx.referral_events("ref-1"))
    assert [e.at for e in events] == [at, later]
    stored_case = with_case.read(lambda tx: tx.get_case("case-1"))
    assert stored_case is not None and stored_case.opened_at == T0


def test_case_referrals_in_path_order(with_case: Store) -> None:
    t = T0
    first = add(with_case, referral("ref-b", at=t + timedelta(hours=1)))
    add(
        with_case,
        referral("ref-a", at=t + timedelta(hours=1), receiver="tpo-a", service="counselling"),
    )
    add(with_case, referral("ref-0", at=t, receiver="helpline", service="phone_counselling"))
    add(
        with_case,
        referral(
            "ref-z",
            at=t,  # made "before" its predecessor: hop decides first
            sender="hc-a",
            receiver="tpo-a",
            service="counselling",
            hop=2,
            continues_referral_id=first.id,
        ),
    )
    with_case.write(lambda tx: tx.add_case(case("case-2")))
    add(with_case, referral("ref-other", case_id="case-2", at=t))
    path = with_case.read(lambda tx: tx.case_referrals("case-1"))
    assert [r.id for r in path] == ["ref-0", "ref-a", "ref-b", "ref-z"]
    assert [r.id for r in with_case.read(lambda tx: tx.case_referrals("case-2"))] == ["ref-other"]


def test_inbox_by_status_oldest_first(with_case: Store) -> None:
    hour = timedelta(hours=1)
    for i, ident in enumerate(["ref-3", "ref-1", "ref-2"]):
        add(with_case, referral(ident, at=T0 + i * hour))
    add(with_case, referral("ref-4", at=T0 + 1 * hour))  # same time as ref-1: id decides
    add(with_case, referral("ref-tpo", receiver="tpo-a", service="counselling"))

    ref2 = with_case.read(lambda tx: tx.get_referral("ref-2"))
    assert ref2 is not None
    received, event = moved(ref2, S.RECEIVED)
    with_case.write(lambda tx: tx.save_referral(received, 1, event))
    ref4 = with_case.read(lambda tx: tx.get_referral("ref-4"))
    assert ref4 is not None
    cancelled, event = moved(ref4, S.CANCELLED)
    with_case.write(lambda tx: tx.save_referral(cancelled, 1, event))

    assert inbox(with_case, "hc-a") == ["ref-3", "ref-1", "ref-2"]
    assert inbox(with_case, "hc-a", S.REQUESTED) == ["ref-3", "ref-1"]
    assert inbox(with_case, "hc-a", S.RECEIVED) == ["ref-2"]
    assert inbox(with_case, "hc-a", S.CANCELLED, S.REQUESTED) == ["ref-3", "ref-1", "ref-4"]
    assert inbox(with_case, "hc-a", S.COMPLETED) == []
    assert inbox(with_case, "tpo-a") == ["ref-tpo"]
    assert inbox(with_case, "ccwc-a") == []


def test_inbox_pages_keep_the_total(with_case: Store) -> None:
    for i in range(7):
        add(with_case, referral(f"ref-{i}", at=T0 + timedelta(minutes=i)))

    def page(limit: int, offset: int) -> tuple[list[str], int]:
        query = InboxQuery("hc-a")
        listing = with_case.read(lambda tx: tx.inbox(query, Page(limit, offset)))
        return [r.id for r in listing.items], listing.count

    assert page(3, 0) == (["ref-0", "ref-1", "ref-2"], 7)
    assert page(3, 6) == (["ref-6"], 7)
    assert page(3, 9) == ([], 7)
