""" "Why not?" (issue 21, item 1) and recommendations that remember the case (issue 17,
item 3): every provider of the area left out says which hard rule left it out, in both
languages, with a code; a provider that declined or failed the case for a need is left
out with the coded reason and the day; one holding the case says so; caseloads are
fresh in every worker the moment a referral moves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.routing.answers import Recommendations
from referral_graph.services import cases, directory
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store
from tests.factories import FakeClock, opening
from tests.routing.helpers import incident, move, refer, wider_network


def left_out(result: Recommendations) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(provider, service) → (rule, English, Khmer)."""
    assert result.excluded is not None
    return {
        (e.provider_id, e.service.value): (e.rule, e.reason.en, e.reason.km)
        for e in result.excluded
    }


def test_every_provider_left_out_says_the_first_rule_in_both_languages(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.COUNSELLING, Service.PSYCHOLOGICAL_FIRST_AID]),
    )
    result = routing.recommend(case.id, clock(), explain=True)
    shown = {i.provider_id for i in result.items}
    why = left_out(result)
    assert why[("closed-hc", "counselling")][:2] == (
        "inactive",
        "Marked inactive in the directory.",
    )
    assert why[("youth-only", "counselling")][:2] == ("age", "Admits ages 18–24; the child is 15.")
    assert why[("boys-only", "counselling")][:2] == ("gender", "Admits boys and men only.")
    rule, en, km = why[("ngo-next", "counselling")]
    assert rule == "area" and en.startswith("Does not serve the child's village (serves ")
    rule, en, km = why[("vhsg-a", "psychological_first_aid")]
    assert (rule, en) == (
        "untrained",
        "No staff with a valid psychological first aid competency since 1 Nov 2025.",
    )
    assert "១ វិច្ឆិកា ២០២៥" in km
    assert not shown & {p for p, _ in why if why[(p, _)][0] != "ranked_below"}
    assert all(r.rules and r.rules[0] == r.rule for r in result.excluded or [])


def test_a_plain_recommendation_lists_nobody_left_out(store: Store, clock: FakeClock) -> None:
    routing = wider_network(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    assert routing.recommend(case.id, clock()).excluded is None


def test_providers_ranked_below_the_limit_say_so(store: Store, clock: FakeClock) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.COUNSELLING, Service.MEDICAL_CARE]),
    )
    result = routing.recommend(case.id, clock(), limit=1, explain=True)
    below = [e for e in result.excluded or [] if e.rule == "ranked_below"]
    assert below, "eligible providers beyond the one shown are listed"
    assert all(e.reason.en.startswith("Eligible, but ranked No. ") for e in below)
    assert {e.provider_id for e in below}.isdisjoint(i.provider_id for i in result.items)


def test_a_provider_that_declined_is_left_out_with_the_coded_reason_and_day(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    assert "tpo-a" in [i.provider_id for i in routing.recommend(case.id, clock()).items]
    made = refer(store, clock(), case.id, "tpo-a", Service.COUNSELLING)
    move(store, clock(), made, "received", "rejected", code=StepReason.NO_CAPACITY)
    result = routing.recommend(case.id, clock.advance(days=1), explain=True)
    assert "tpo-a" not in [i.provider_id for i in result.items]
    rule, en, km = left_out(result)[("tpo-a", "counselling")]
    assert rule == "declined"
    assert en == "Declined this case on 2 Mar 2026: no counsellor or staff available."
    assert "២ មីនា ២០២៦" in km and "គ្មានអ្នកប្រឹក្សា" in km
    # for another need it may still be asked
    group = routing.recommend(case.id, clock(), service=Service.GROUP_THERAPY)
    assert "tpo-a" in [i.provider_id for i in group.items]


def test_a_failed_handoff_is_left_out_and_a_new_referral_clears_it(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    made = refer(store, clock(), case.id, "tpo-a", Service.COUNSELLING)
    move(store, clock(), made, "received", "accepted", "failed", code=StepReason.CHILD_UNREACHABLE)
    result = routing.recommend(case.id, clock(), explain=True)
    rule, en, _ = left_out(result)[("tpo-a", "counselling")]
    assert rule == "declined"
    assert (
        en
        == "Could not serve this case (ended 2 Mar 2026): the child or family could not be reached."
    )


def test_an_open_referral_for_the_need_leaves_the_provider_out(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    refer(store, clock(), case.id, "tpo-a", Service.COUNSELLING)
    result = routing.recommend(case.id, clock(), explain=True)
    rule, en, _ = left_out(result)[("tpo-a", "counselling")]
    assert rule == "referred"
    assert en == (
        "Already referred this case for counselling on 2 Mar 2026 (waiting to be acknowledged)."
    )


def test_a_provider_holding_the_case_says_so(store: Store, clock: FakeClock) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.MEDICAL_CARE, Service.COUNSELLING, Service.PSYCHOLOGICAL_FIRST_AID]),
    )
    first = refer(store, clock(), case.id, "hc-a", Service.MEDICAL_CARE)
    move(store, clock(), first, "received", "accepted", actor="hc")
    onward = refer(
        store, clock(), case.id, "tpo-a", Service.COUNSELLING, sender="hc-a", continues=first
    )
    move(store, clock(), onward, "received", "accepted")
    # tpo-a holds the case now and routes it; hc-a holds it too, for medical care
    result = routing.recommend(
        case.id, clock(), service=Service.PSYCHOLOGICAL_FIRST_AID, explain=True
    )
    assert result.holder_id == "tpo-a"
    hc = next(i for i in result.items if i.provider_id == "hc-a")
    holds = [r for r in hc.reasons if r.key == "memory.holds"]
    assert [r.en for r in holds] == [
        "Already holds this case (medical care, accepted on 2 Mar 2026)."
    ]
    counselling = routing.recommend(case.id, clock(), service=Service.COUNSELLING, explain=True)
    assert left_out(counselling)[("tpo-a", "counselling")][0] == "holder"


def test_a_full_provider_is_left_out_and_back_the_moment_a_referral_closes(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    directory.update_provider(Caller.system(store, clock()), "tpo-a", {"weekly_capacity": 1})
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    other = cases.open_case(Caller.system(store, clock(), "t"), opening())
    before = routing.recommend(case.id, clock())  # caches the activity for an hour
    assert "tpo-a" in [i.provider_id for i in before.items]
    busy = refer(store, clock(), other.id, "tpo-a", Service.COUNSELLING)
    result = routing.recommend(case.id, clock(), explain=True)
    rule, en, _ = left_out(result)[("tpo-a", "counselling")]
    assert (rule, en) == (
        "at_capacity",
        "At capacity: 1 open referrals for a weekly capacity of 1.",
    )
    move(store, clock(), busy, "cancelled", code=StepReason.SENT_IN_ERROR)
    after = routing.recommend(case.id, clock())
    tpo = next(i for i in after.items if i.provider_id == "tpo-a")
    assert tpo.open_referrals == 0


def test_every_worker_sees_a_referral_accepted_in_another(tmp_path: Path, clock: FakeClock) -> None:
    """Two processes: two stores on one file, each with its own routing and an activity
    cache of an hour; a referral accepted through one shows in the other's next answer."""
    path = tmp_path / "two-workers.sqlite3"
    first = SqliteStore(path)
    first.initialise()
    second = SqliteStore(path)
    try:
        one = wider_network(first)
        two = Routing(second, "Asia/Phnom_Penh", activity_ttl=3600)
        case = cases.open_case(Caller.system(first, clock(), "t"), opening())
        other = cases.open_case(Caller.system(first, clock(), "t"), opening())
        warm = two.recommend(case.id, clock())
        two.recommend(case.id, clock(), quick=True)  # answered from memory
        assert next(i for i in warm.items if i.provider_id == "tpo-a").open_referrals == 0
        made = refer(first, clock(), other.id, "tpo-a", Service.COUNSELLING)
        move(first, clock(), made, "received", "accepted")
        with pytest.raises(WouldWait):  # the activity moved: the quick path re-reads
            two.recommend(case.id, clock(), quick=True)
        fresh = two.recommend(case.id, clock())
        assert next(i for i in fresh.items if i.provider_id == "tpo-a").open_referrals == 1
        mine = one.recommend(case.id, clock())
        assert [(i.provider_id, i.open_referrals) for i in mine.items] == [
            (i.provider_id, i.open_referrals) for i in fresh.items
        ]
    finally:
        second.close()
        first.close()


def test_an_emergency_at_night_puts_every_open_service_first(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    night = clock.advance(hours=15)  # Monday 23:00 in Phnom Penh
    case = cases.open_case(
        Caller.system(store, night, "t"),
        opening(
            needs=[Service.COUNSELLING, Service.MEDICAL_CARE, Service.PHONE_COUNSELLING],
            risk=RiskLevel.EMERGENCY,
            gender=Gender.FEMALE,
        ),
    )
    result = routing.recommend(case.id, night, limit=10)
    opened = [i.open_now for i in result.items]
    assert opened == sorted(opened, reverse=True), "no closed service above an open one"
    assert opened[0] and not opened[-1]
    closed = [i for i in result.items if not i.open_now]
    for item in closed:
        why = next(r for r in item.reasons if r.key == "open.closed")
        assert why.en == "Closed now; opens Tue 3 Mar, 07:30."
        assert item.opens_at is not None and item.opens_at.hour == 7
    assert "emergency.open_first" in [n.key for n in result.notes]


def test_within_72_hours_of_a_sexual_assault_pep_comes_first(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    needs = [Service.COUNSELLING, Service.MEDICAL_CARE, Service.POST_RAPE_CARE]
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(needs=needs))
    incident(store, case.id, clock() - timedelta(hours=10))
    result = routing.recommend(case.id, clock(), limit=10)
    assert result.items[0].service is Service.POST_RAPE_CARE
    pep = next(r for r in result.items[0].reasons if r.key == "pep.window")
    assert pep.params == {"hours": 62.0}
    assert pep.en == "Can give post-exposure prophylaxis (PEP): 62 h of the 72-hour window left."
    assert "pep.first" in [n.key for n in result.notes]
    later = routing.recommend(case.id, clock.advance(hours=63), limit=10)
    assert "pep.first" not in [n.key for n in later.notes]
    assert all(r.key != "pep.window" for i in later.items for r in i.reasons)
