"""A month of referral history (``tests/audit/conftest.py``: Angkor Chum and Angkor Thum
in Siem Reap, one case in Stung Treng) and the people who run meetings over it."""

from __future__ import annotations

from datetime import date

import pytest

from referral_graph.security.model import Principal, Role
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store
from tests.audit.conftest import NOW, History, build_history

#: A district meeting of Angkor Chum after the scenario's first weeks (it is now 2 April).
HELD_ON = date(2026, 3, 20)


def person(role: Role, *, area: str | None = None, provider: str | None = None) -> Principal:
    return Principal(
        user_id=f"u-{role.value}-{area or provider}",
        username=f"{role.value}.{area or provider}",
        role=role,
        area_code=area,
        provider_id=provider,
    )


@pytest.fixture
def history(store: Store) -> History:
    return build_history(store)


@pytest.fixture
def coordinator(history: History) -> Caller:
    """The Siem Reap coordinator."""
    return Caller(person(Role.COORDINATOR, area="17"), history.store, NOW)


@pytest.fixture
def stung_treng(history: History) -> Caller:
    return Caller(person(Role.COORDINATOR, area="19"), history.store, NOW)


def as_provider(history: History, provider_id: str, role: Role = Role.PROVIDER) -> Caller:
    return Caller(person(role, provider=provider_id), history.store, NOW)
