"""FHIR use cases: read, search and update referrals as Task and ServiceRequest, the
case Bundle, and the bulk export.

Each takes a :class:`~referral_graph.services.caller.Caller` and decides in its own
transaction what the caller may see. The FHIR view carries the free-text reason, so a
caller who sees a referral only pseudonymously (a coordinator) is told it does not
exist, as with any referral it may not see. Updates take the step of
:func:`referral_graph.services.referrals.move_referral` (``take_step``) in one unit of
work: the same lifecycle rules, party check, compare-and-set, idempotency and audit as
the JSON API.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from pydantic import ValidationError

from referral_graph.domain.errors import InvalidInput, NotFound, StaleVersion
from referral_graph.domain.ids import new_id
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral
from referral_graph.domain.queries import InboxQuery, ProviderQuery, every
from referral_graph.interop import fhir, fhir_inbound, fhir_search
from referral_graph.interop.fhir import Json
from referral_graph.interop.fhir_ids import candidates, domain_id, fhir_id
from referral_graph.interop.fhir_search import Search
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import Access
from referral_graph.services import witness
from referral_graph.services.access import SeenReferral, case_seen, referral_seen
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralWithEvents, Step, take_step
from referral_graph.store.port import Transaction

_EVERY_STATUS = tuple(ReferralStatus)


def _seen(tx: Transaction, principal: Principal, ident: str) -> SeenReferral:
    """The referral a FHIR (or domain) id names, if the caller may see it in full or
    as its handoff; otherwise not found (and a refused attempt at one that exists is
    noted for the access log)."""
    for candidate in candidates(ident):
        try:
            seen = referral_seen(tx, principal, candidate, witnessed=False)
        except NotFound:
            hidden = tx.get_referral(candidate)  # only on the way to a 404
            if hidden is not None and ident in (hidden.id, fhir_id(hidden.id)):
                witness.refused(hidden.id, hidden.case_id)
                raise
            continue
        if ident not in (seen.referral.id, fhir_id(seen.referral.id)):
            continue
        if seen.access is Access.PSEUDONYMOUS:
            witness.refused(seen.referral.id, seen.case.id)
            break
        witness.saw([seen.case.id])
        return seen
    raise NotFound("referral", ident)


def _referral(tx: Transaction, principal: Principal, ident: str) -> Referral:
    return _seen(tx, principal, ident).referral


def read_task(caller: Caller, ident: str) -> Json:
    """The Task of one referral."""
    referral = caller.store.read(lambda tx: _referral(tx, caller.principal, ident))
    return fhir.as_json(fhir.task(referral))


def read_service_request(caller: Caller, ident: str) -> Json:
    """The ServiceRequest of one referral."""
    referral = caller.store.read(lambda tx: _referral(tx, caller.principal, ident))
    return fhir.as_json(fhir.service_request(referral))


def _case(tx: Transaction, ident: str) -> Case:
    for candidate in candidates(ident):
        found = tx.get_case(candidate)
        if found is not None and ident in (found.id, fhir_id(found.id)):
            return found
    raise NotFound("case", ident)


def case_bundle(caller: Caller, ident: str, *, base: str = fhir.DEFAULT_BASE) -> Json:
    """The collection Bundle of one case, for whoever sees the whole case (its CCWC)."""

    def work(tx: Transaction) -> Json:
        case = _case(tx, ident)
        try:
            seen = case_seen(
                tx, caller.principal, case, tx.case_referrals(case.id), witnessed=False
            )
        except NotFound:
            witness.refused(case.id, case.id)
            raise
        if seen.access is not Access.FULL:
            witness.refused(case.id, case.id)
            raise NotFound("case", ident)
        witness.saw([case.id])
        providers = tx.get_providers(fhir.involved_provider_ids(case, seen.referrals))
        bundle = fhir.case_bundle(
            case, seen.referrals, providers.values(), at=caller.now, base=base
        )
        return fhir.as_json(bundle)

    return caller.store.read(work)


def _inboxes(tx: Transaction, provider_ids: set[str]) -> dict[str, Referral]:
    found: dict[str, Referral] = {}
    for pid in provider_ids:
        query = InboxQuery(provider_id=pid, statuses=_EVERY_STATUS)
        found |= {r.id: r for r in every(partial(tx.inbox, query))}
    return found


def _reachable(tx: Transaction, principal: Principal, search: Search) -> list[Referral]:
    """The referrals the caller may see in the FHIR view (before the search filters):
    its providers' inboxes and the referrals they sent; a CCWC also every referral of
    the cases it opened; the system everything."""
    if principal.role is Role.SYSTEM:
        owners = {domain_id(o) for o in search.owners or ()}
        if search.owners is not None and None not in owners:
            return list(_inboxes(tx, {o for o in owners if o is not None}).values())
        return list(every(tx.all_referrals))
    own = principal.provider_id
    if own is None:
        return []
    providers = {own}
    if principal.role is Role.SUPERVISOR:
        listed = every(lambda page: tx.list_providers(ProviderQuery(), page))
        providers |= {p.id for p in listed if own in p.overseen_by}
    found = _inboxes(tx, providers)
    case_ids = {r.case_id for r in found.values()}
    if principal.role is Role.CCWC:
        case_ids |= {c.id for c in every(lambda page: tx.cases_opened_by(own, page))}
    for case_id in case_ids:
        found |= {r.id: r for r in tx.case_referrals(case_id) if r.id not in found}
    visible: list[Referral] = []
    for referral in found.values():
        try:
            seen = referral_seen(tx, principal, referral.id, witnessed=False)
        except NotFound:
            continue
        if seen.access is not Access.PSEUDONYMOUS:
            visible.append(seen.referral)
    return visible


def search(caller: Caller, query: Search, *, base: str = fhir.DEFAULT_BASE) -> Json:
    """A ``searchset`` Bundle of the Tasks or ServiceRequests the caller may see that
    match ``query`` (one page, with paging links)."""

    def work(tx: Transaction) -> Json:
        found = fhir_search.select(query, _reachable(tx, caller.principal, query))
        handed = found[query.offset : query.offset + query.count] if query.count else []
        witness.saw(r.case_id for r in handed)  # the page's cases, for the access log
        return fhir_search.searchset(query, found, base=base, at=caller.now)

    return caller.store.read(work)


def update_task(caller: Caller, ident: str, body: object, *, if_match: int | None = None) -> Json:
    """Move a referral by updating its Task (see :mod:`referral_graph.interop.fhir_inbound`).
    A Task that changes nothing answers as it is; ``if_match`` (the ``If-Match``
    version) refuses a stale update with ``StaleVersion``."""
    event_id = new_id("evt")  # before the unit of work, as move_referral draws it

    def work(tx: Transaction) -> ReferralWithEvents:
        seen = _seen(tx, caller.principal, ident)
        current = seen.referral
        if if_match is not None and if_match != current.version:
            raise StaleVersion("referral", ident, current.status.value)
        change = fhir_inbound.read_update(body, ident, fhir.as_json(fhir.task(current)))
        if change is None:
            return ReferralWithEvents(referral=current, events=seen.events)
        try:
            step = Step(
                status=change.status,
                reason=change.reason,
                outcome=change.outcome,
                note=change.note,
                expected_version=current.version,
            )
        except ValidationError as exc:  # a phone number in the status reason, say
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first.get("loc") else "status"
            reason = str(first["msg"]).removeprefix("Value error, ")
            raise InvalidInput(f"{field}: {reason}.", field=field) from None
        return take_step(tx, caller, seen, step, event_id)

    # One unit of work (read, check, step, access record, idempotent answer): a retry of
    # an update that landed replays its answer, where a read first would have refused
    # it as stale (If-Match names the version before the first update).
    moved = caller.store.write(work)
    return fhir.as_json(fhir.task(moved.referral))


def task_of_answer(stored: str) -> Json:
    """The Task of a stored first answer to a Task update (an idempotent replay)."""
    return fhir.as_json(fhir.task(ReferralWithEvents.model_validate_json(stored).referral))


def referred_case_ids(caller: Caller) -> list[str]:
    """Ids of every case with at least one referral the caller sees in full, sorted."""

    def work(tx: Transaction) -> list[str]:
        ids = {r.case_id for r in every(tx.all_referrals)}
        if caller.principal.role is Role.SYSTEM:
            return sorted(ids)
        return sorted(i for i in ids if (c := tx.get_case(i)) is not None and _full(tx, caller, c))

    return caller.store.read(work)


def _full(tx: Transaction, caller: Caller, case: Case) -> bool:
    try:
        seen = case_seen(tx, caller.principal, case, tx.case_referrals(case.id), witnessed=False)
    except NotFound:
        return False
    return seen.access is Access.FULL


def all_bundles(caller: Caller, *, base: str = fhir.DEFAULT_BASE) -> Iterator[Json]:
    """The Bundle of every referred case, one read transaction per case."""
    for case_id in referred_case_ids(caller):
        yield case_bundle(caller, case_id, base=base)
