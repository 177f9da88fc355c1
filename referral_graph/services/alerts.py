"""Use cases of alerts to people: each role's share of reminders and escalations,
marking one seen, and each person's notification settings.

Who sees which alert is decided here, in the transaction that reads them
(``security.alert_share`` for one alert; the same share as a store query for a
listing): the staff of either end of the handoff and the providers an escalation names;
a supervisor also the handoffs of providers it oversees; a coordinator the children of
their area. "Seen" is per person, with its time, on record (and the write is in the
access log). The work queue (``services/queue.py``) lists :func:`unseen_alerts`; the
web app's menu counts :func:`unseen_count`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from referral_graph.domain.alerting import ADDRESS_FIELD, AlertSeen, NotificationSettings
from referral_graph.domain.errors import Forbidden, InvalidInput, NotFound
from referral_graph.domain.models import Provider, TimelinessAlert
from referral_graph.domain.queries import AlertQuery, Listing, Page, ProviderQuery, every
from referral_graph.domain.sla import AlertKind
from referral_graph.security.alert_share import ALERT_ROLES, may_see_alert
from referral_graph.security.model import Principal, Role, User
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction


@dataclass(frozen=True, slots=True)
class AlertFilters:
    """What a person narrows their share to. ``provider_id``: alerts about that
    provider's handoffs (sent or received); ``area``: children living there (any
    level); ``unseen``: only those the person has not marked seen."""

    referral_id: str | None = None
    provider_id: str | None = None
    kind: AlertKind | None = None
    area: str | None = None
    unseen: bool = False


@dataclass(frozen=True, slots=True)
class AlertItem:
    """An alert as a person sees it: with the case's code, the handoff's two ends and
    who marked it seen (the caller's own time apart)."""

    alert: TimelinessAlert
    case_code: str | None
    sender_id: str | None
    seen_at: datetime | None
    seen_by: tuple[AlertSeen, ...]


@dataclass(frozen=True, slots=True)
class AlertPage:
    items: list[AlertItem]
    count: int
    providers: dict[str, Provider] = field(default_factory=dict)  # ends, suggested; by id


def _overseen(tx: Transaction, supervisor_id: str) -> list[str]:
    active = every(lambda page: tx.list_providers(ProviderQuery(active=True), page))
    return [p.id for p in active if supervisor_id in p.overseen_by]


def _share(tx: Transaction, principal: Principal, filters: AlertFilters) -> AlertQuery:
    """The principal's share as a store query, narrowed by ``filters`` (a provider
    outside it is not found; an area outside a coordinator's is forbidden)."""
    role, own = principal.role, principal.provider_id
    parties: tuple[str, ...] | None = None
    area = filters.area
    if role is Role.COORDINATOR:
        area = coordinator_area(principal, filters.area)
    elif role in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR) and own is not None:
        parties = (own,)
        if role is Role.SUPERVISOR:
            parties += tuple(_overseen(tx, own))
    elif role is not Role.SYSTEM:
        raise Forbidden(f"A {role.value} account has no alerts.")
    if filters.provider_id is not None:
        if parties is not None and filters.provider_id not in parties:
            raise NotFound("provider", filters.provider_id)
        if tx.get_provider(filters.provider_id) is None:
            raise NotFound("provider", filters.provider_id)
        parties = (filters.provider_id,)
    person = principal.user_id if filters.unseen and role is not Role.SYSTEM else None
    return AlertQuery(
        referral_id=filters.referral_id,
        kind=filters.kind,
        parties=parties,
        area=area,
        unseen_by=person,
    )


def _page(tx: Transaction, principal: Principal, listing: Listing[TimelinessAlert]) -> AlertPage:
    alerts = listing.items
    referrals = {a.referral_id: tx.get_referral(a.referral_id) for a in alerts}
    codes = {}
    for case_id in dict.fromkeys(a.case_id for a in alerts):
        case = tx.get_case(case_id)
        codes[case_id] = None if case is None else case.code
    seen = tx.alerts_seen([a.id for a in alerts])
    ends: set[str] = set()
    items = []
    for a in alerts:
        referral = referrals.get(a.referral_id)
        sender = None if referral is None else referral.from_provider_id
        ends |= {a.provider_id, *([sender] if sender else []), *a.suggestions}
        mine = tuple(s for s in seen if s.alert_id == a.id)
        own = next((s.at for s in mine if s.user_id == principal.user_id), None)
        items.append(AlertItem(a, codes.get(a.case_id), sender, own, mine))
    return AlertPage(items, listing.count, tx.get_providers(ends))


def alerts(caller: Caller, filters: AlertFilters, page: Page) -> AlertPage:
    """The caller's share of reminders and escalations, newest first."""

    def work(tx: Transaction) -> AlertPage:
        query = _share(tx, caller.principal, filters)
        return _page(tx, caller.principal, tx.list_alerts(query, page))

    return caller.store.read(work)


def unseen_alerts(caller: Caller, page: Page = Page(limit=20)) -> AlertPage:
    """What the caller has not marked seen yet, newest first (the work queue's items;
    nothing for a role without alerts)."""
    if caller.principal.role not in ALERT_ROLES:
        return AlertPage([], 0)
    return alerts(caller, AlertFilters(unseen=True), page)


def unseen_count(caller: Caller) -> int:
    """How many of the caller's alerts they have not marked seen (the menu's count)."""
    if caller.principal.role not in ALERT_ROLES:
        return 0

    def work(tx: Transaction) -> int:
        query = _share(tx, caller.principal, AlertFilters(unseen=True))
        return tx.list_alerts(query, Page(limit=1)).count

    return caller.store.read(work)


def mark_seen(caller: Caller, alert_id: str) -> AlertSeen:
    """Put on record that the caller saw the alert (the first time counts: marking it
    again answers the first record). ``NotFound`` unless it is in their share."""
    principal, now = caller.principal, caller.now
    if principal.role not in ALERT_ROLES:
        raise Forbidden("Only a person an alert is for marks it seen.")

    def work(tx: Transaction) -> AlertSeen:
        alert = tx.get_alert(alert_id)
        referral = None if alert is None else tx.get_referral(alert.referral_id)
        case = None if referral is None else tx.get_case(referral.case_id)
        if alert is None or referral is None or case is None:
            raise NotFound("alert", alert_id)
        providers = tx.get_providers({referral.from_provider_id, referral.to_provider_id})
        if not may_see_alert(principal, alert, referral, case, providers):
            raise NotFound("alert", alert_id)
        return tx.mark_alert_seen(AlertSeen(alert.id, principal.user_id, principal.username, now))

    return caller.store.write(work)


# --- notification settings ---------------------------------------------------------


def _may_edit(principal: Principal, user_id: str) -> None:
    if principal.user_id != user_id and principal.role not in (Role.ADMIN, Role.SYSTEM):
        raise NotFound("user", user_id)


def _person(tx: Transaction, user_id: str) -> User:
    user = tx.get_user(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def notification_settings(caller: Caller, user_id: str | None = None) -> NotificationSettings:
    """A person's settings: the caller's own, or (administrators) anyone's."""
    wanted = user_id or caller.principal.user_id
    _may_edit(caller.principal, wanted)
    return caller.store.read(lambda tx: _person(tx, wanted).notifications)


def change_notification_settings(
    caller: Caller, settings: NotificationSettings, user_id: str | None = None
) -> NotificationSettings:
    """Replace a person's settings (their own, or anyone's for administrators). A chosen
    channel needs its address (422 naming the field)."""
    wanted = user_id or caller.principal.user_id
    _may_edit(caller.principal, wanted)
    missing = settings.missing_address()
    if missing is not None:
        field_name = ADDRESS_FIELD[missing]
        raise InvalidInput(
            f"Give the {field_name.replace('_', ' ')} to be told by {missing.value}.",
            field=field_name,
        )

    def work(tx: Transaction) -> NotificationSettings:
        user = _person(tx, wanted)
        changed = user.model_copy(update={"notifications": settings, "version": user.version + 1})
        tx.save_user(changed, user.version)
        return settings

    return caller.store.write(work)
