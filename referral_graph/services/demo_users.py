"""Demo accounts for development: one per role, created once, printed once."""

from __future__ import annotations

import secrets

from referral_graph.domain.queries import Page, ProviderQuery
from referral_graph.domain.vocabulary import ProviderKind
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Mode, Settings
from referral_graph.store.port import Transaction

#: role → (username, provider kind it belongs to, coordinator area)
DEMO = (
    (Role.ADMIN, "demo-admin", None, None),
    (Role.CCWC, "demo-ccwc", ProviderKind.CCWC, None),
    (Role.PROVIDER, "demo-health-centre", ProviderKind.HEALTH_CENTRE, None),
    (Role.PROVIDER, "demo-counsellor", ProviderKind.NGO_COUNSELLOR, None),
    (Role.PROVIDER, "demo-vhsg", ProviderKind.VHSG, None),  # identifies children (#18)
    (Role.SUPERVISOR, "demo-supervisor", ProviderKind.CLINICAL_SUPERVISOR, None),
    (Role.COORDINATOR, "demo-coordinator", None, "17"),
)


def _first(tx: Transaction, kind: ProviderKind) -> str | None:
    found = tx.list_providers(ProviderQuery(kind=kind, area="17", active=True), Page(limit=1))
    if not found.items:
        found = tx.list_providers(ProviderQuery(kind=kind, active=True), Page(limit=1))
    return found.items[0].id if found.items else None


def create_demo_users(caller: Caller, settings: Settings) -> list[tuple[str, str, str]]:
    """In development mode and an empty user table: (username, password, scope) each."""
    if settings.mode is not Mode.DEVELOPMENT or not settings.demo_users:
        return []
    store = caller.store
    if store.read(lambda tx: tx.list_users(Page(limit=1)).count) > 0:
        return []
    made = []
    for role, username, kind, area in DEMO:
        provider_id = None
        if kind is not None:
            wanted = kind
            provider_id = store.read(lambda tx: _first(tx, wanted))  # noqa: B023
            if provider_id is None:
                continue
        password = secrets.token_urlsafe(12)
        create_user(
            caller,
            NewUser(
                username=username,
                password=password,
                role=role,
                provider_id=provider_id,
                area_code=area,
            ),
        )
        made.append((username, password, f"{role.value} {provider_id or area or ''}".strip()))
    return made
