"""Contract: cases, by hand and through the case services."""

from __future__ import annotations

import pytest

from referral_graph.domain.errors import Conflict, InvalidInput, NotFound, StaleVersion
from referral_graph.domain.models import utc_now
from referral_graph.services import cases
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store, Transaction
from tests.contract.helpers import case
from tests.factories import T0, consent, opening


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
