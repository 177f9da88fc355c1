"""The inbox query (``services.inbox.inbox``), shared by the JSON API and the web app:
who may see a provider's inbox, and what a page of it carries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from referral_graph.domain.errors import NotFound
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.queries import Page
from referral_graph.security.model import Principal, Role
from referral_graph.services import directory
from referral_graph.services.caller import Caller
from referral_graph.services.inbox import inbox
from referral_graph.store.port import Store
from tests.contract.helpers import case, created, referral
from tests.factories import T0, load_small_network


@pytest.fixture
def waiting(store: Store) -> Store:
    """Two referrals waiting on hc-a (one from each of two cases), one on tpo-a."""
    load_small_network(store)
    directory.update_provider(Caller.system(store, T0), "hc-a", {"overseen_by": ("tpo-a",)})
    store.write(lambda tx: tx.add_case(case("case-1")))
    store.write(lambda tx: tx.add_case(case("case-2")))
    for r in (
        referral("ref-1", at=T0),
        referral("ref-2", case_id="case-2", at=T0 + timedelta(hours=1)),
        referral("ref-tpo", receiver="tpo-a"),
    ):
        store.write(lambda tx, r=r: tx.add_referral(r, created(r)))
    return store


def as_(store: Store, role: Role, provider_id: str | None) -> Caller:
    who = Principal(user_id="u", username="u", role=role, provider_id=provider_id)
    return Caller(who, store, T0)


def test_a_providers_own_staff_see_its_inbox_with_each_case_and_sender(waiting: Store) -> None:
    found = inbox(as_(waiting, Role.PROVIDER, "hc-a"), "hc-a", Page(), with_cases=True)
    assert found.provider.id == "hc-a"
    assert [r.id for r in found.referrals.items] == ["ref-1", "ref-2"]
    assert found.referrals.count == 2
    assert sorted(found.cases) == ["case-1", "case-2"]
    assert sorted(found.senders) == ["ccwc-a"]


def test_without_cases_only_the_referrals_are_read(waiting: Store) -> None:
    found = inbox(Caller.system(waiting, T0), "hc-a", Page(limit=1))
    assert ([r.id for r in found.referrals.items], found.referrals.count) == (["ref-1"], 2)
    assert found.cases == {} and found.senders == {}


def test_statuses_pick_the_referrals(waiting: Store) -> None:
    found = inbox(Caller.system(waiting, T0), "hc-a", Page(), [ReferralStatus.COMPLETED])
    assert found.referrals.items == []


def test_the_supervisor_overseeing_the_provider_sees_its_inbox(waiting: Store) -> None:
    found = inbox(as_(waiting, Role.SUPERVISOR, "tpo-a"), "hc-a", Page())
    assert found.referrals.count == 2


@pytest.mark.parametrize(
    ("role", "provider_id", "asked"),
    [
        (Role.PROVIDER, "tpo-a", "hc-a"),  # another provider's staff
        (Role.SUPERVISOR, "tpo-a", "ccwc-a"),  # a provider it does not oversee
        (Role.CCWC, "ccwc-a", "hc-a"),
        (Role.SYSTEM, None, "no-such-provider"),
    ],
)
def test_anyone_else_is_told_there_is_no_such_provider(
    waiting: Store, role: Role, provider_id: str | None, asked: str
) -> None:
    with pytest.raises(NotFound):
        inbox(as_(waiting, role, provider_id), asked, Page())
