"""Ranks that mean something (issue 21, item 2) and languages from people (item 7):
ties break by stated criteria, never by id; equivalent options are said to be; a
score is the sum of its reasons; the child's language is spoken by people, and the
note about interpreters says only what is true."""

from __future__ import annotations

from referral_graph.domain.models import Provider
from referral_graph.domain.vocabulary import DeliveryMode, Language, ProviderKind, Service
from referral_graph.routing.ranking import Option, explain_ties, order_key
from referral_graph.routing.reasons import reason
from referral_graph.services import cases, directory
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store
from tests.factories import FakeClock, opening, provider
from tests.routing.helpers import speaker, wider_network


def option(
    ident: str,
    score: float,
    *,
    capacity: int | None = None,
    open_referrals: int = 0,
    ack: float | None = None,
    pathway: str = "none",
) -> Option:
    p: Provider = provider(ident, ProviderKind.NGO_COUNSELLOR, {Service.COUNSELLING})
    p = p.model_copy(update={"weekly_capacity": capacity})
    o = Option(p, Service.COUNSELLING, DeliveryMode.IN_PERSON, "commune")
    o.add(score, "place.commune")
    o.open_referrals = open_referrals
    o.load = None if capacity is None else open_referrals / capacity
    o.ack_hours = ack
    o.pathway = pathway
    return o


def ranked(*options: Option) -> tuple[list[Option], list[list[int]]]:
    ordered = sorted(options, key=order_key)
    return ordered, explain_ties(ordered)


def test_a_lighter_caseload_breaks_a_tie_and_says_so() -> None:
    # "z-light" would lose on the alphabet; it wins on its caseload
    ordered, groups = ranked(
        option("a-busy", 40, capacity=10, open_referrals=5),
        option("z-light", 40, capacity=10, open_referrals=2),
    )
    assert [o.provider.id for o in ordered] == ["z-light", "a-busy"]
    assert groups == []
    top = ordered[0]
    assert top.tie_break == "load"
    assert top.tie is not None
    said = reason(top.tie[0], **top.tie[1])
    assert said.en == (
        "Same score as No. 2; ranked above it for a lighter caseload (2 open for a weekly "
        "capacity of 10, against 5 of 10)."
    )


def test_a_known_caseload_ranks_above_an_unknown_one() -> None:
    ordered, _ = ranked(option("a", 40), option("b", 40, capacity=10, open_referrals=9))
    assert [o.provider.id for o in ordered] == ["b", "a"]
    assert ordered[0].tie is not None and ordered[0].tie[0] == "tie.load_known"


def test_then_the_observed_acknowledgement_time() -> None:
    ordered, _ = ranked(option("a", 40, ack=6.0), option("b", 40, ack=1.5), option("c", 40))
    assert [o.provider.id for o in ordered] == ["b", "a", "c"]
    assert [o.tie_break for o in ordered] == ["speed", "speed", None]
    assert ordered[1].tie == ("tie.speed_known", {"other": 3, "hours": 6.0})


def test_then_the_pathway() -> None:
    ordered, _ = ranked(option("a", 40, pathway="via"), option("b", 40, pathway="direct"))
    assert [o.provider.id for o in ordered] == ["b", "a"]
    assert ordered[0].tie is not None
    said = reason(ordered[0].tie[0], **ordered[0].tie[1])
    assert said.en == (
        "Same score as No. 2; ranked above it for an agreed pathway (No. 2: a pathway "
        "through another provider)."
    )


def test_options_nothing_separates_are_said_to_be_equivalent() -> None:
    ordered, groups = ranked(option("b", 40), option("a", 40), option("c", 40), option("d", 30))
    assert groups == [[1, 2, 3]]
    assert [o.tie_break for o in ordered] == ["equivalent"] * 3 + [None]
    assert [o.equivalent_to for o in ordered[:3]] == [[2, 3], [1, 3], [1, 2]]
    assert ordered[0].tie == ("tie.equivalent", {"other": 2})
    assert ordered[2].tie == ("tie.equivalent", {"other": 2})
    assert ordered[3].equivalent_to == []


def test_a_higher_score_needs_no_tie_break() -> None:
    ordered, groups = ranked(option("a", 40.004), option("b", 40.01))
    assert groups == [] and [o.tie_break for o in ordered] == [None, None]


def test_equivalent_providers_in_a_recommendation(store: Store, clock: FakeClock) -> None:
    """Two counsellors alike in all that counts are equivalent, whatever their ids."""
    routing = wider_network(store)
    twin = provider(
        "tpo-b",
        ProviderKind.NGO_COUNSELLOR,
        {Service.COUNSELLING, Service.GROUP_THERAPY},
        area_code="17",
        covers=("1701", "1702"),
        eligibility={"min_age": 0, "max_age": 24, "lgbtiq_affirming": True},
    )
    store.write(lambda tx: tx.load_directory([twin], []))
    case = cases.open_case(
        Caller.system(store, clock(), "t"), opening(needs=[Service.GROUP_THERAPY])
    )
    result = routing.recommend(case.id, clock())
    pair = [i for i in result.items if i.provider_id in ("tpo-a", "tpo-b")]
    assert len(pair) == 2 and pair[0].score == pair[1].score
    assert [i.tie_break for i in pair] == ["equivalent", "equivalent"]
    assert [pair[0].rank, pair[1].rank] in result.equivalent
    assert any(r.key == "tie.equivalent" for r in pair[0].reasons)


def test_a_score_is_the_sum_of_its_reasons_points(store: Store, clock: FakeClock) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.COUNSELLING, Service.MEDICAL_CARE, Service.PHONE_COUNSELLING]),
    )
    result = routing.recommend(case.id, clock(), limit=10)
    assert len(result.items) >= 3
    for item in result.items:
        assert round(sum(r.points for r in item.reasons), 2) == item.score, item.provider_id
        assert any(r.key.startswith("speed.") and r.points > 0 for r in item.reasons)


# --- languages from people --------------------------------------------------------------


def test_a_provider_speaks_a_language_when_an_active_person_does(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store, speaker("nurse", "hc-a", Language.KHMER, Language.TAMPUAN))
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(language=Language.TAMPUAN))
    result = routing.recommend(case.id, clock())
    hc = next(i for i in result.items if i.provider_id == "hc-a")
    said = next(r for r in hc.reasons if r.key == "language.people")
    assert said.en == "Speaks Tampuan (1 of its people)." and said.points == 15
    tpo = next(i for i in result.items if i.provider_id == "tpo-a")
    assert any(r.key == "language.none" for r in tpo.reasons)
    assert result.interpreters == [], "someone speaks it: no interpreter offered"
    assert not [n for n in result.notes if n.key.startswith("language.")]


def test_interpreters_are_offered_when_nobody_speaks_the_childs_language(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(
        store,
        speaker("ccwc-kreung", "ccwc-a", Language.KHMER, Language.KREUNG, interprets=True),
        speaker("far-kreung", "girls-only", Language.KREUNG, interprets=True),
        speaker("city-kreung", "helpline", Language.KREUNG, interprets=True),
    )
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(language=Language.KREUNG))
    result = routing.recommend(case.id, clock())
    offered = [(o.provider_id, o.mode, o.people) for o in result.interpreters]
    assert ("ccwc-a", DeliveryMode.IN_PERSON, 1) in offered
    assert ("girls-only", DeliveryMode.IN_PERSON, 1) in offered
    assert ("helpline", DeliveryMode.PHONE, 1) in offered, "Phnom Penh interprets by phone"
    keys = [n.key for n in result.notes]
    assert "language.nobody_offers" in keys
    # counselling by phone with an interpreter is offered for a plain counselling need
    phone = [i for i in result.items if i.service is Service.PHONE_COUNSELLING]
    assert phone and phone[0].reasons[0].key == "language.added_phone"
    assert phone[0].reasons[0].en == (
        "Added: nobody near speaks Kreung; phone counselling with an interpreter."
    )


def test_the_note_never_promises_interpreters_the_network_does_not_list(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    for phone in ("helpline", "phone-tpu"):  # the only services with interpreters
        directory.update_provider(Caller.system(store, clock()), phone, {"active": False})
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(language=Language.JARAI, needs=[Service.MEDICAL_CARE]),
    )
    result = routing.recommend(case.id, clock())
    assert result.items and result.interpreters == []
    assert [n.key for n in result.notes] == ["language.nobody_none"]
    assert result.notes[0].en.startswith("No reachable provider speaks Jarai, and nobody")


def test_interpreters_rank_higher_only_when_one_is_recommended(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(language=Language.JARAI, needs=[Service.PHONE_COUNSELLING]),
    )
    result = routing.recommend(case.id, clock())
    assert any(i.provider_id == "helpline" for i in result.items)
    keys = [n.key for n in result.notes]
    assert "language.nobody" in keys and "language.nobody_offers" in keys
    assert {o.provider_id for o in result.interpreters} >= {"helpline"}
