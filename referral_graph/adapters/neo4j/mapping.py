"""Domain models → property maps, and stored values → Python. Each node keeps the full
model as JSON in ``doc`` (read back with ``model_validate_json``, so models round-trip
exactly) plus the properties that queries filter, join or sort on; times are native
``DATETIME`` values, days native ``DATE`` values.

With ``text_times=True`` a row carries its times (the keys in ``*_TIMES``) as ISO-8601
text instead: the driver converts each ``datetime`` in Python (about 28 µs each, most
of a bulk write's client time), the server parses text in a few. The queries of
the directory and cases modules that store these rows wrap every time key in
``datetime()`` (see :func:`set_datetimes`), which takes text and ``DATETIME`` alike, so
they store native ``DATETIME`` values either way. A query of your own that sets a row
from here must do the same, or take the row with native times (the default).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any, LiteralString

from neo4j.time import Date, DateTime

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.care import clock_start
from referral_graph.domain.isotime import iso
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Pathway, Provider, Referral, ReferralEvent
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingRecord,
    TrainingSession,
    TrainingTopic,
)

Row = dict[str, Any]

EVENT_TIMES = ("at",)
PROVIDER_TIMES = ("updated_at",)
CASE_TIMES = ("opened_at", "closed_at", "purged_at", "care_clock_at")
REFERRAL_TIMES = (
    "created_at",
    "received_at",
    "accepted_at",
    "rejected_at",
    "in_progress_at",
    "closed_at",
    "acknowledge_due",
    "decide_due",
    "first_contact_due",
    "pending_due_at",
    "next_alert_at",
    "updated_at",
)


def set_datetimes(
    var: LiteralString, source: LiteralString, keys: tuple[str, ...]
) -> LiteralString:
    """``, var.k = datetime(source.k)`` for each time key: rows may carry times as text
    (see above); they are stored as DATETIME."""
    return "".join(f", {var}.{k} = datetime({source}.{k})" for k in keys)


def native_time(value: Any) -> datetime:
    """A stored ``DATETIME`` as a ``datetime`` with a plain fixed offset, as SQLite gives
    (``datetime.UTC`` for UTC; the driver would hand back a pytz zone)."""
    native = value.to_native() if isinstance(value, DateTime) else value
    assert isinstance(native, datetime)
    offset = native.utcoffset()
    return native if offset is None else native.replace(tzinfo=timezone(offset))


def opt_native_time(value: Any) -> datetime | None:
    return None if value is None else native_time(value)


def native_date(value: Any) -> date:
    """A stored ``DATE`` as a ``date``."""
    native = value.to_native() if isinstance(value, Date) else value
    assert isinstance(native, date)
    return native


def _as_text(row: Row, keys: Iterable[str]) -> Row:
    for key in keys:
        value = row[key]
        if value is not None:
            row[key] = iso(value)
    return row


def area_rows(codes: Iterable[str]) -> list[Row]:
    """The areas and all their ancestors (gazetteer parent links), parents first.

    Parents come from the gazetteer, not from the code: a few villages do not start
    with their commune's code."""
    gaz = gazetteer()
    rows: dict[str, Row] = {}
    for code in codes:
        for area in gaz.lineage(code):
            rows.setdefault(
                area.code,
                {
                    "code": area.code,
                    "level": area.level.value,
                    "name_en": area.name_en,
                    "name_km": area.name_km,
                    "parent": area.parent_code,
                },
            )
    return sorted(rows.values(), key=lambda row: (len(row["code"]), row["code"]))


def provider_areas(provider: Provider) -> list[str]:
    return [provider.area_code, *provider.coverage]


def provider_row(p: Provider, *, text_times: bool = False) -> Row:
    coverage = list(p.coverage)
    props: Row = {
        "id": p.id,
        "name": p.name,
        "kind": p.kind.value,
        "area_code": p.area_code,
        "covers": coverage,
        "services": sorted(s.value for s in p.services),
        "modes": sorted(m.value for m in p.modes),
        "languages": sorted(lang.value for lang in p.languages),
        "interpreter_support": p.interpreter_support,
        "genders": sorted(g.value for g in p.eligibility.genders),
        "min_age": p.eligibility.min_age,
        "max_age": p.eligibility.max_age,
        "lgbtiq_affirming": p.eligibility.lgbtiq_affirming,
        "active": p.active,
        "version": p.version,
        "updated_at": p.updated_at,
        "doc": p.model_dump_json(),
    }
    if text_times:
        _as_text(props, PROVIDER_TIMES)
    return {"id": p.id, "area_code": p.area_code, "coverage": coverage, "props": props}


def pathway_row(w: Pathway) -> Row:
    return {
        "id": w.id,
        "from_provider_id": w.from_provider_id,
        "to_provider_id": w.to_provider_id,
        "service": w.service.value,
        "active": w.active,
        "doc": w.model_dump_json(),
    }


def case_row(c: Case, *, text_times: bool = False) -> Row:
    row = {
        "id": c.id,
        "code": c.code,
        "village_code": c.village_code,
        "opened_by_provider_id": c.opened_by_provider_id,
        "opened_at": c.opened_at,
        "status": c.status.value,
        "closed_at": c.closed_at,  # retention finds cases by these two
        "purged_at": c.purged_at,
        "risk": c.risk.value,
        # what routing's hard rules read (see docs/graph-model.md)
        "age": c.age,
        "gender": None if c.gender is None else c.gender.value,
        "needs": sorted(s.value for s in c.needs),
        "language": c.language.value,
        "wants_lgbtiq_affirming": c.wants_lgbtiq_affirming,
        # the audit counts by source; the scheduler looks at post-rape care windows
        "identification_source": (
            None if c.identification_source is None else c.identification_source.value
        ),
        "care_clock_at": clock_start(c),
        "version": c.version,
        "doc": c.model_dump_json(),
    }
    return _as_text(row, CASE_TIMES) if text_times else row


def referral_row(r: Referral, *, text_times: bool = False) -> Row:
    row = {
        "id": r.id,
        "case_id": r.case_id,
        "from_provider_id": r.from_provider_id,
        "to_provider_id": r.to_provider_id,
        "continues_referral_id": r.continues_referral_id,
        "service": r.service.value,
        "risk": r.risk.value,
        "status": r.status.value,
        "hop": r.hop,
        "recommendation_rank": r.recommendation_rank,
        "status_reason": r.status_reason,
        "relayed_steps": sorted(s.value for s in r.relayed),
        "status_reason_code": (
            None if r.status_reason_code is None else r.status_reason_code.value
        ),
        "created_at": r.created_at,
        "received_at": r.step_times.get(ReferralStatus.RECEIVED),
        "accepted_at": r.step_times.get(ReferralStatus.ACCEPTED),
        "rejected_at": r.step_times.get(ReferralStatus.REJECTED),
        "in_progress_at": r.step_times.get(ReferralStatus.IN_PROGRESS),
        "closed_at": r.closed_at,
        "acknowledge_due": None if r.due is None else r.due.acknowledge,
        "decide_due": None if r.due is None else r.due.decide,
        "first_contact_due": None if r.due is None else r.due.first_contact,
        "pending_due_at": r.pending_due_at,
        "next_alert_at": r.next_alert_at,
        "updated_at": r.updated_at,
        "version": r.version,
        "doc": r.model_dump_json(),
    }
    return _as_text(row, REFERRAL_TIMES) if text_times else row


def event_row(e: ReferralEvent, *, text_times: bool = False) -> Row:
    return {
        "id": e.id,
        "referral_id": e.referral_id,
        "sequence": e.sequence,
        "at": iso(e.at) if text_times else e.at,
        "from_status": None if e.from_status is None else e.from_status.value,
        "to_status": e.to_status.value,
        "actor": e.actor,
        "doc": e.model_dump_json(),
    }


# --- training ----------------------------------------------------------------------


def person_row(p: Person) -> Row:
    """The node's properties (``props``; its ``doc`` leaves out ``supervised_by``) and
    its supervisors in order."""
    props: Row = {
        "id": p.id,
        "provider_id": p.provider_id,
        "name": p.name,
        "role": p.role.value,
        "gender": None if p.gender is None else p.gender.value,
        "languages": sorted(language.value for language in p.languages),
        "interprets": p.interprets,
        "active": p.active,
        "synthetic": p.synthetic,
        "version": p.version,
        "updated_at": p.updated_at,
        "doc": p.model_dump_json(exclude={"supervised_by"}),
    }
    return {"props": props, "supervised_by": list(p.supervised_by)}


def person_of(found: dict[str, Any]) -> Person:
    """A person from its ``doc`` and its supervisors as ``[position, id]`` pairs."""
    doc = json.loads(str(found["doc"]))
    doc["supervised_by"] = [sid for _, sid in sorted(found["supervisors"])]
    return Person.model_validate_json(json.dumps(doc))


def training_session_row(s: TrainingSession) -> Row:
    return {
        "id": s.id,
        "topic": s.topic.value,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "mode": s.mode.value,
        "area_code": s.area_code,
        "refresher": s.refresher,
        "synthetic": s.synthetic,
        "created_at": s.created_at,
        "doc": s.model_dump_json(),
    }


def attendance_row(a: Attendance) -> Row:
    return {
        "session_id": a.session_id,
        "person_id": a.person_id,
        "completed": a.completed,
        "recorded_at": a.recorded_at,
        "synthetic": a.synthetic,
    }


def coaching_row(c: CoachingSession) -> Row:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "coach_id": c.coach_id,
        "held_on": c.held_on,
        "mode": c.mode.value,
        "created_at": c.created_at,
        "synthetic": c.synthetic,
        "doc": c.model_dump_json(),
    }


def awareness_row(s: AwarenessSession) -> Row:
    return {
        "id": s.id,
        "provider_id": s.provider_id,
        "facilitator_id": s.facilitator_id,
        "held_on": s.held_on,
        "area_code": s.area_code,
        "topic": s.topic.value,
        "participants": json.dumps([p.model_dump(mode="json") for p in s.participants]),
        "total": s.total,
        "synthetic": s.synthetic,
        "created_at": s.created_at,
        "doc": s.model_dump_json(),
    }


def training_record_of(r: Any) -> TrainingRecord:
    return TrainingRecord(
        person_id=str(r["person_id"]),
        provider_id=str(r["provider_id"]),
        topic=TrainingTopic(r["topic"]),
        trained_on=native_date(r["trained_on"]),
        session_id=str(r["session_id"]),
        person_active=bool(r["person_active"]),
    )
