"""Contract of the cases port: cases, referrals and their events, the inbox, by hand and
through the case services, and compare-and-set under real concurrency (threads).

The whole referral lifecycle through the services is in ``test_cases_lifecycle.py``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from referral_graph.domain.errors import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, utc_now
from referral_graph.domain.vocabulary import Service
from referral_graph.services import cases
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import (
    ReferralRequest,
    Step,
    get_referral,
    make_referral,
    move_referral,
)
from referral_graph.store.port import OPEN_STATUSES, InboxQuery, Page, Store, Transaction
from tests.contract.helpers import (
    THREADS,
    add,
    case,
    created,
    moved,
    race,
    referral,
    successes,
)
from tests.factories import T0, FakeClock, consent, opening

S = ReferralStatus


def inbox(store: Store, provider_id: str, *statuses: S, page: Page | None = None) -> list[str]:
    query = InboxQuery(provider_id, statuses or OPEN_STATUSES)
    listing = store.read(lambda tx: tx.inbox(query, page or Page()))
    return [r.id for r in listing.items]


# --- cases -------------------------------------------------------------------------


def test_add_and_get_case(network: Store) -> None:
    c = case("case-1", note="Lives with an aunt.")
    network.write(lambda tx: tx.add_case(c))
    assert network.read(lambda tx: tx.get_case("case-1")) == c
    assert network.read(lambda tx: tx.get_case("nope")) is None
    assert network.read(lambda tx: tx.count_cases()) == 1


def test_duplicate_case_id_or_code_is_a_conflict(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1", code="KH1701-AAAAAA")))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_case(case("case-1", code="KH1701-BBBBBB")))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_case(case("case-2", code="KH1701-AAAAAA")))
    assert network.read(lambda tx: tx.get_case("case-2")) is None
    assert network.read(lambda tx: tx.count_cases()) == 1


def test_a_transaction_goes_on_after_a_code_conflict(network: Store) -> None:
    """``open_case`` draws another code in the same transaction after a clash."""
    network.write(lambda tx: tx.add_case(case("case-1", code="KH1701-AAAAAA")))

    def work(tx: Transaction) -> None:
        with pytest.raises(Conflict):
            tx.add_case(case("case-2", code="KH1701-AAAAAA"))
        tx.add_case(case("case-2", code="KH1701-CCCCCC"))

    network.write(work)
    stored = network.read(lambda tx: tx.get_case("case-2"))
    assert stored is not None and stored.code == "KH1701-CCCCCC"
    assert network.read(lambda tx: tx.count_cases()) == 2


def test_case_opened_by_an_unknown_provider_is_a_conflict(network: Store) -> None:
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_case(case("case-1", opened_by_provider_id="nope")))
    assert network.read(lambda tx: tx.count_cases()) == 0


def test_save_case_is_compare_and_set(network: Store) -> None:
    c = case("case-1", consent=None)
    network.write(lambda tx: tx.add_case(c))
    with_consent = c.model_copy(update={"consent": consent(), "version": 2})
    network.write(lambda tx: tx.save_case(with_consent, 1))
    assert network.read(lambda tx: tx.get_case("case-1")) == with_consent

    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_case(c.model_copy(update={"version": 2}), 1))
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_case(case("ghost").model_copy(update={"version": 2}), 1))
    assert network.read(lambda tx: tx.get_case("case-1")) == with_consent
    assert network.read(lambda tx: tx.get_case("ghost")) is None


def test_open_case_and_record_consent_through_the_services(network: Store) -> None:
    opened = cases.open_case(Caller.system(network, T0, "ccwc-focal-1"), opening(consent=None))
    assert opened.code.startswith("KH1701-")
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == opened
    assert opened.consent is None

    recorded = cases.record_consent(Caller.system(network, utc_now()), opened.id, consent())
    assert recorded.version == 2 and recorded.consent == consent()
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == recorded

    with pytest.raises(NotFound):
        cases.get_case(Caller.system(network, utc_now()), "nope")
    with pytest.raises(NotFound):
        cases.record_consent(Caller.system(network, utc_now()), "nope", consent())
    with pytest.raises(InvalidInput):
        cases.open_case(
            Caller.system(network, T0, "someone"), opening(opened_by_provider_id="closed-hc")
        )
    assert network.read(lambda tx: tx.count_cases()) == 1


def test_cases_opened_by_a_provider_newest_first(network: Store) -> None:
    from datetime import timedelta

    from referral_graph.domain.models import CaseStatus
    from referral_graph.store.port import Page

    for i in range(4):
        network.write(
            lambda tx, i=i: tx.add_case(case(f"case-{i}", opened_at=T0 + timedelta(hours=i)))
        )
    network.write(lambda tx: tx.add_case(case("other", opened_by_provider_id="hc-a")))
    closed = case("case-1", opened_at=T0 + timedelta(hours=1))
    closed = closed.model_copy(
        update={"status": CaseStatus.CLOSED, "closed_at": T0 + timedelta(days=1), "version": 2}
    )
    network.write(lambda tx: tx.save_case(closed, 1))

    def ids(page: Page = Page(), **kw: bool) -> tuple[list[str], int]:
        found = network.read(lambda tx: tx.cases_opened_by("ccwc-a", page, **kw))
        return [c.id for c in found.items], found.count

    assert ids() == (["case-3", "case-2", "case-1", "case-0"], 4)
    assert ids(open_only=True) == (["case-3", "case-2", "case-0"], 3)
    assert ids(Page(limit=2, offset=1)) == (["case-2", "case-1"], 4)
    assert network.read(lambda tx: tx.cases_opened_by("hc-a", Page())).count == 1
    assert network.read(lambda tx: tx.cases_opened_by("nobody", Page())).count == 0


# --- referrals ---------------------------------------------------------------------


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


# --- concurrency -------------------------------------------------------------------


def test_only_one_of_many_concurrent_moves_wins(network: Store, clock: FakeClock) -> None:
    opened = cases.open_case(Caller.system(network, clock(), "ccwc-focal-1"), opening())
    request = ReferralRequest(
        case_id=opened.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        reason="Needs a medical check.",
    )
    made = make_referral(Caller.system(network, clock(), "ccwc-focal-1"), request)
    move_referral(Caller.system(network, clock(), "nurse"), made.id, Step(status=S.RECEIVED))

    results = race(
        THREADS,
        lambda i: move_referral(
            Caller.system(network, clock(), f"nurse-{i}"), made.id, Step(status=S.ACCEPTED)
        ),
    )

    assert len(successes(results)) == 1, results
    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, IllegalTransition | StaleVersion), r
    stored = get_referral(Caller.system(network, utc_now()), made.id)
    assert stored.referral.status is S.ACCEPTED and stored.referral.version == 3
    assert [e.to_status for e in stored.events] == [S.REQUESTED, S.RECEIVED, S.ACCEPTED]


def test_two_saves_with_the_same_expected_version(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    network.write(lambda tx: tx.add_referral(r1, created(r1)))
    contenders = [moved(r1, S.RECEIVED, tag="-a"), moved(r1, S.CANCELLED, tag="-b")]

    def save(i: int) -> None:
        updated, event = contenders[i]
        network.write(lambda tx: tx.save_referral(updated, 1, event))

    results = race(2, save)

    assert len(successes(results)) == 1, results
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, StaleVersion)
    winner = contenders[results.index(None)]
    assert loser.current_status == winner[0].status.value
    assert network.read(lambda tx: tx.get_referral("ref-1")) == winner[0]
    assert network.read(lambda tx: tx.referral_events("ref-1")) == [created(r1), winner[1]]


def test_concurrent_referral_inserts_of_one_id(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1")))

    def add(i: int) -> None:
        r = referral("ref-1", reason=f"Attempt {i}.")
        event = created(r).model_copy(update={"id": f"evt-{i}"})
        network.write(lambda tx: tx.add_referral(r, event))

    results = race(THREADS, add)
    assert len(successes(results)) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    assert len(network.read(lambda tx: tx.referral_events("ref-1"))) == 1
    assert len(network.read(lambda tx: tx.case_referrals("case-1"))) == 1


@pytest.mark.parametrize("writers", [THREADS])
def test_concurrent_case_updates_never_lose_one(network: Store, writers: int) -> None:
    """Through the service every writer re-reads, so each either lands or is refused:
    the version counts exactly the updates that succeeded."""
    opened: Case = cases.open_case(
        Caller.system(network, FakeClock()(), "ccwc-focal-1"), opening(consent=None)
    )
    results = race(
        writers,
        lambda i: cases.record_consent(Caller.system(network, utc_now()), opened.id, consent()),
    )
    landed = successes(results)
    assert landed, results
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    stored = cases.get_case(Caller.system(network, utc_now()), opened.id)
    assert stored.version == 1 + len(landed)
