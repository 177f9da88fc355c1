"""FHIR search over referrals (``GET /fhir/Task?…``, ``GET /fhir/ServiceRequest?…``).

Pure: :func:`parse` reads the query string into a :class:`Search`, :func:`select` keeps
and orders the matching referrals (the use case hands in those the caller may see), and
:func:`searchset` builds the ``searchset`` Bundle with ``total`` and paging links. The
parameters are those of :data:`~referral_graph.interop.fhir_definitions.SEARCHES`, which
the CapabilityStatement publishes.

Semantics follow FHIR R4 search: several values of one parameter separated by commas
match any of them; a repeated parameter must match each time (a ``_lastUpdated`` range);
a date without a time covers its whole day, month or year, read in Cambodia's time
(UTC+7) when it has no offset. Unknown parameters are ignored (and left out of the
``self`` link) unless the request asked for ``Prefer: handling=strict``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral
from referral_graph.interop import fhir
from referral_graph.interop.codes import NS_REFERRAL_ID
from referral_graph.interop.fhir_definitions import SEARCHES
from referral_graph.interop.fhir_ids import fhir_id

Json = dict[str, Any]
LOCAL = timezone(timedelta(hours=7))
DEFAULT_COUNT = 50
MAX_COUNT = 500
_PREFIXES = ("eq", "ne", "gt", "ge", "lt", "le", "sa", "eb")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(T.+)?)?)?$")


class BadSearch(InvalidInput):
    """A search parameter the server cannot use (FHIR answers 400)."""

    title = "Bad search"


@dataclass(frozen=True, slots=True)
class DateBound:
    prefix: str
    start: datetime  # the value's range: [start, end)
    end: datetime

    def admits(self, t: datetime) -> bool:
        p, lo, hi = self.prefix, self.start, self.end
        if p == "eq":
            return lo <= t < hi
        if p == "ne":
            return not lo <= t < hi
        if p in ("gt", "sa"):
            return t >= hi
        if p == "ge":
            return t >= lo
        if p in ("lt", "eb"):
            return t < lo
        return t < hi  # le


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed search: each filter is a list of alternatives (None: not asked)."""

    resource: str
    ids: frozenset[str] | None = None
    identifiers: tuple[tuple[str | None, str], ...] | None = None
    owners: frozenset[str] | None = None  # FHIR ids of Organizations
    requesters: frozenset[str] | None = None
    part_of: frozenset[str] | None = None  # FHIR ids of Tasks
    statuses: frozenset[str] | None = None  # codes of the resource's status element
    updated: tuple[DateBound, ...] = ()
    count: int = DEFAULT_COUNT
    offset: int = 0
    used: tuple[tuple[str, str], ...] = field(default=())  # for the self link


def _date_range(text: str, name: str) -> tuple[datetime, datetime]:
    match = _DATE.match(text)
    if match is None:
        raise BadSearch(f"{name}: {text!r} is not a FHIR date or dateTime.", field=name)
    year, month, day, rest = match.groups()
    try:
        if rest:
            start = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if start.tzinfo is None:
                start = start.replace(tzinfo=LOCAL)
            precision = timedelta(seconds=1) if start.microsecond == 0 else timedelta(0)
            return start, start + (precision or timedelta(microseconds=1))
        start = datetime(int(year), int(month or 1), int(day or 1), tzinfo=LOCAL)
    except ValueError:
        raise BadSearch(f"{name}: {text!r} is not a valid date.", field=name) from None
    step = relativedelta(days=1) if day else relativedelta(months=1) if month else None
    return start, start + (step or relativedelta(years=1))


def _date(value: str, name: str) -> DateBound:
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    text = value[2:] if value[:2] in _PREFIXES else value
    start, end = _date_range(text, name)
    return DateBound(prefix, start.astimezone(UTC), end.astimezone(UTC))


def _references(value: str, kind: str, name: str) -> frozenset[str]:
    """The FHIR ids a reference parameter names (``Kind/id``, ``id`` or a full URL)."""
    ids: set[str] = set()
    for item in value.split(","):
        parts = item.strip().rstrip("/").split("/")
        if not parts[-1]:
            raise BadSearch(f"{name}: empty reference.", field=name)
        if len(parts) >= 2 and parts[-2] != kind:
            continue  # a reference to another resource type matches nothing here
        ids.add(parts[-1])
    return frozenset(ids)


def _statuses(resource: str, value: str) -> frozenset[str]:
    known = (
        {s.fhir_code for s in ReferralStatus}
        if resource == "Task"
        else set(fhir.SERVICE_REQUEST_STATUS.values())
    )
    codes = {c.strip().rsplit("|", 1)[-1] for c in value.split(",") if c.strip()}
    unknown = sorted(codes - known)
    if unknown:
        raise BadSearch(
            f"status: {', '.join(unknown)} not used by this server; "
            f"known: {', '.join(sorted(known))}.",
            field="status",
        )
    return frozenset(codes)


def _number(value: str, name: str, high: int) -> int:
    if not value.isdigit() or int(value) > high:
        raise BadSearch(f"{name}: a whole number from 0 to {high}.", field=name)
    return int(value)


def parse(resource: str, items: Iterable[tuple[str, str]], *, strict: bool = False) -> Search:
    """The search a query string asks for (``BadSearch`` for a value it cannot use)."""
    known = {p.name for p in SEARCHES[resource]}
    found: dict[str, Any] = {}
    updated: list[DateBound] = []
    used: list[tuple[str, str]] = []
    count, offset = DEFAULT_COUNT, 0
    person = "performer" if resource == "ServiceRequest" else "owner"
    for name, value in items:
        if name == "_count":
            count = _number(value, name, MAX_COUNT)
            continue
        if name == "_offset":
            offset = _number(value, name, 10_000_000)
            continue
        if name == "_format":
            continue  # checked by the router (json only)
        if name not in known:
            if strict:
                raise BadSearch(f"{name}: not a search parameter of {resource}.", field=name)
            continue
        used.append((name, value))
        if name == "_lastUpdated":
            updated.append(_date(value, name))
        elif name == "_id":
            found["ids"] = frozenset(v.strip() for v in value.split(","))
        elif name == "identifier":
            found["identifiers"] = tuple(
                (system or None, code) if sep else (None, system)
                for system, sep, code in (v.strip().partition("|") for v in value.split(","))
            )
        elif name == person:
            found["owners"] = _references(value, "Organization", name)
        elif name == "requester":
            found["requesters"] = _references(value, "Organization", name)
        elif name == "part-of":
            found["part_of"] = _references(value, "Task", name)
        elif name == "status":
            found["statuses"] = _statuses(resource, value)
    return Search(
        resource, updated=tuple(updated), count=count, offset=offset, used=tuple(used), **found
    )


def _status_code(search: Search, referral: Referral) -> str:
    if search.resource == "Task":
        return referral.status.fhir_code
    return fhir.SERVICE_REQUEST_STATUS[referral.status]


def matches(search: Search, referral: Referral) -> bool:
    """Whether one referral matches every parameter of the search."""
    checks = (
        search.ids is None or fhir_id(referral.id) in search.ids,
        search.owners is None or fhir_id(referral.to_provider_id) in search.owners,
        search.requesters is None or fhir_id(referral.from_provider_id) in search.requesters,
        search.part_of is None
        or (
            referral.continues_referral_id is not None
            and fhir_id(referral.continues_referral_id) in search.part_of
        ),
        search.statuses is None or _status_code(search, referral) in search.statuses,
        search.identifiers is None
        or any(
            system in (None, NS_REFERRAL_ID) and value == referral.id
            for system, value in search.identifiers
        ),
    )
    if not all(checks):
        return False
    t = fhir.last_updated(referral)
    return all(bound.admits(t) for bound in search.updated)


def select(search: Search, referrals: Iterable[Referral]) -> list[Referral]:
    """The matching referrals, oldest first (creation time, then id): a stable order for
    paging while referrals change."""
    found = [r for r in referrals if matches(search, r)]
    return sorted(found, key=lambda r: (r.created_at, r.id))


def _link(base: str, search: Search, relation: str, offset: int) -> Json:
    query = [*search.used, ("_count", str(search.count)), ("_offset", str(offset))]
    return {"relation": relation, "url": f"{base}/{search.resource}?{urlencode(query)}"}


def searchset(search: Search, found: Sequence[Referral], *, base: str, at: datetime) -> Json:
    """The ``searchset`` Bundle of one page of ``found`` (all matches, in order)."""
    base = base.rstrip("/")
    total, size = len(found), search.count
    page = found[search.offset : search.offset + size] if size else []
    links = [_link(base, search, "self", search.offset)]
    if size:
        last = max(0, (total - 1) // size * size)
        links.append(_link(base, search, "first", 0))
        if search.offset > 0:
            links.append(_link(base, search, "previous", max(0, search.offset - size)))
        if search.offset + size < total:
            links.append(_link(base, search, "next", search.offset + size))
        links.append(_link(base, search, "last", last))
    make = fhir.task if search.resource == "Task" else fhir.service_request
    entries = []
    for referral in page:
        resource = fhir.as_json(make(referral))
        entries.append(
            {
                "fullUrl": f"{base}/{search.resource}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    bundle: Json = {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": at.isoformat()},
        "type": "searchset",
        "timestamp": at.isoformat(),
        "total": total,
        "link": links,
    }
    if entries:
        bundle["entry"] = entries
    return bundle
