"""Use cases of referrals: making one, moving it through its lifecycle, the case path.

Each takes a :class:`~referral_graph.services.caller.Caller` and decides, in the
transaction it reads and writes in, what the caller may see (a referral it may not see
is not found) and which part it plays in the handoff (only the receiver takes the
receiver's steps; the sender or a coordinator cancels).
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from referral_graph.domain import free_text
from referral_graph.domain.case_life import open_duplicate, open_for_need
from referral_graph.domain.errors import (
    ConsentMissing,
    DuplicateReferral,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from referral_graph.domain.ids import new_id
from referral_graph.domain.lifecycle import (
    ReferralStatus,
    StepRequest,
    check_party,
    check_transition,
)
from referral_graph.domain.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Identifier,
    LongText,
    Referral,
    ReferralEvent,
    RelayedStep,
)
from referral_graph.domain.paths import Hop, build_path
from referral_graph.domain.reasons import StepReason, check_reason
from referral_graph.domain.sla import first_alert_time
from referral_graph.domain.step_time import step_time
from referral_graph.domain.vocabulary import RelayChannel, RiskLevel, Service
from referral_graph.security.policy import (
    Access,
    may_act_for,
    party_of,
    redact_events,
    redact_referral,
)
from referral_graph.services.access import SeenReferral, case_seen, referral_seen
from referral_graph.services.caller import Caller
from referral_graph.services.timeliness import policy_in_force, referral_event_message
from referral_graph.store.port import Transaction


class ReferralRequest(BaseModel):
    """A handoff of a case to the next provider."""

    model_config = ConfigDict(extra="forbid")

    case_id: Identifier
    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service
    reason: LongText = Field(description=free_text.REFERRAL_REASON)
    risk: RiskLevel | None = Field(None, description="Defaults to the case's risk level.")
    continues_referral_id: Identifier | None = Field(
        None,
        description="For an onward referral: the referral through which the sender holds the case.",
    )
    recommendation_rank: int | None = Field(
        None, ge=1, le=100, description="Rank of this provider in the recommendation followed."
    )
    parallel_reason: str | None = Field(
        None,
        max_length=1000,
        description="Why the case is referred for this service while a referral for it "
        "to another provider is still open (required then: 422 naming this field).",
    )

    _no_personal_details = field_validator("reason")(free_text.refuse_personal_details)


class Step(BaseModel):
    """A request to move a referral to its next status."""

    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus
    reason_code: StepReason | None = Field(
        None,
        description="Why it was declined, failed or cancelled, from the pick list of the "
        "step (GET /api/v1/reason-codes); 'other' needs a few words in reason. A reason "
        "without a code is recorded as 'other'.",
    )
    reason: str | None = Field(
        None,
        max_length=1000,
        description="Why (a decline, a failure, a cancellation, a hold), in a few words. "
        + free_text.STEP_TEXT,
    )
    outcome: str | None = Field(
        None, max_length=1000, description="What came of it. " + free_text.STEP_TEXT
    )
    note: str | None = Field(None, max_length=2000, description=free_text.STEP_TEXT)
    expected_version: int | None = Field(
        None, ge=1, description="Refuse with 409 unless the referral is at this version."
    )
    occurred_at: AwareDatetime | None = Field(
        None,
        description="When the step really happened, if it is put on record later (not in "
        "the future, not before the previous step, at most 7 days back). Deadlines, step "
        "times and the audit use it; the event keeps both times.",
    )
    relay: RelayChannel | None = Field(
        None,
        description="Record the receiver's acknowledgement, acceptance, decline or first "
        "contact on its behalf, because it confirmed it this way (phone, sms …): for the "
        "sender, an overseer of the receiver or a coordinator of the child's area.",
    )

    _no_personal_details = field_validator("reason", "outcome", "note")(
        free_text.refuse_personal_details
    )


class ReferralWithEvents(BaseModel):
    referral: Referral
    events: list[ReferralEvent]
    disputes: list[CaseEvent] = Field(
        default_factory=list,
        description="The receiver's disputes of steps recorded on its behalf.",
    )


def _referral(tx: Transaction, referral_id: str) -> Referral:
    referral = tx.get_referral(referral_id)
    if referral is None:
        raise NotFound("referral", referral_id)
    return referral


def disputes_of(case: Case, referral_id: str) -> list[CaseEvent]:
    """The case's disputes of the referral's relayed steps, oldest first."""
    return [
        e
        for e in case.history
        if e.kind is CaseEventKind.STEP_DISPUTED and e.referral_id == referral_id
    ]


def get_referral(caller: Caller, referral_id: str) -> ReferralWithEvents:
    """The referral and its events; a coordinator sees them without free text."""

    def work(tx: Transaction) -> ReferralWithEvents:
        seen = referral_seen(tx, caller.principal, referral_id)
        events = seen.events
        disputes = disputes_of(seen.case, referral_id)
        if seen.access is Access.PSEUDONYMOUS:
            return ReferralWithEvents(
                referral=redact_referral(seen.referral),
                events=redact_events(events),
                disputes=[d.model_copy(update={"note": None}) for d in disputes],
            )
        return ReferralWithEvents(referral=seen.referral, events=events, disputes=disputes)

    return caller.store.read(work)


def make_referral(caller: Caller, request: ReferralRequest) -> Referral:
    """Refer a case onward, on behalf of the caller's own provider. Refused without
    consent, to an ineligible or inactive provider, to one that does not offer the
    service, or by someone who does not hold the case; a case the caller may not see
    is not found."""
    if not may_act_for(caller.principal, request.from_provider_id):
        raise InvalidInput(
            "You can refer only on behalf of your own provider.", field="from_provider_id"
        )
    now, actor = caller.now, caller.actor

    # Ids are drawn once, outside the unit of work, so that a store replaying it after an
    # unanswered commit writes the same referral rather than a second one.
    referral_id, event_id = new_id("ref"), new_id("evt")

    def work(tx: Transaction) -> Referral:
        ends = (request.from_provider_id, request.to_provider_id)
        found = tx.case_file(request.case_id, also=ends)  # one read for all that follows
        if found is None:
            raise NotFound("case", request.case_id)
        case, providers = found.case, found.providers
        # Every referral of the case, but the one this unit of work makes (a store that
        # replays it after an unanswered commit finds it already there).
        path = [r for r in found.referrals if r.id != referral_id]
        seen = case_seen(tx, caller.principal, case, path, providers)  # 404 if not seen
        if case.status != CaseStatus.OPEN:
            raise InvalidInput("The case is closed.", field="case_id")
        if case.consent is None:
            raise ConsentMissing(case.id)
        if request.from_provider_id == request.to_provider_id:
            raise InvalidInput("A provider cannot refer to itself.", field="to_provider_id")
        for field in ("from_provider_id", "to_provider_id"):
            ident = getattr(request, field)
            if ident not in providers or not providers[ident].active:
                raise InvalidInput(f"No active provider with id {ident!r}.", field=field)
        target = providers[request.to_provider_id]
        if request.service not in target.services:
            raise InvalidInput(
                f"{target.name} does not offer {request.service.value!r}.", field="service"
            )
        if case.age is None or case.gender is None:
            raise InvalidInput("The case was purged.", field="case_id")
        if not target.eligibility.admits(case.age, case.gender):
            raise InvalidInput(
                f"{target.name} does not serve a {case.age}-year-old ({case.gender.value}).",
                field="to_provider_id",
            )
        parallel_reason = _check_not_twice(request, path, {r.id for r in seen.referrals})
        hop = 1
        if request.continues_referral_id is None:
            if request.from_provider_id != case.opened_by_provider_id:
                raise InvalidInput(
                    "Only the provider that opened the case refers it without citing the "
                    "referral through which it holds the case (continues_referral_id).",
                    field="continues_referral_id",
                )
        else:
            previous = next(
                (r for r in found.referrals if r.id == request.continues_referral_id), None
            )
            if previous is None:
                raise InvalidInput(
                    "continues_referral_id names no referral of this case.",
                    field="continues_referral_id",
                )
            if previous.to_provider_id != request.from_provider_id or not previous.holds_case:
                raise InvalidInput(
                    f"The sender does not hold the case through {previous.id!r} "
                    f"(its status is {previous.status.value!r}).",
                    field="continues_referral_id",
                )
            hop = previous.hop + 1
        risk = request.risk or case.risk
        due = policy_in_force(tx).deadlines_for(risk, now)
        referral = Referral(
            id=referral_id,
            case_id=case.id,
            from_provider_id=request.from_provider_id,
            to_provider_id=request.to_provider_id,
            service=request.service,
            reason=request.reason,
            risk=risk,
            continues_referral_id=request.continues_referral_id,
            hop=hop,
            recommendation_rank=request.recommendation_rank,
            parallel_reason=parallel_reason,
            created_by=actor,
            created_at=now,
            updated_at=now,
            step_times={ReferralStatus.REQUESTED: now},
            due=due,
            next_alert_at=first_alert_time(ReferralStatus.REQUESTED, now, due),
        )
        event = ReferralEvent(
            id=event_id,
            referral_id=referral.id,
            sequence=1,
            at=now,
            actor=actor,
            from_status=None,
            to_status=ReferralStatus.REQUESTED,
            note=None,
        )
        tx.add_referral(referral, event)
        tx.enqueue(referral_event_message(referral, now))
        return referral

    return caller.store.write(work)


def _check_not_twice(
    request: ReferralRequest, path: list[Referral], visible: set[str]
) -> str | None:
    """Refuse a handoff already open (same case, service and receiver: 409 naming it,
    when the caller may see it); ask why for a second open referral of the same need to
    another provider the caller can see (422 naming ``parallel_reason``). Returns the
    parallel reason to keep (None when the referral is not parallel)."""
    twin = open_duplicate(path, request.service, request.to_provider_id)
    if twin is not None:
        raise DuplicateReferral(
            twin.id if twin.id in visible else None, twin.created_at.isoformat()
        )
    others = [r for r in open_for_need(path, request.service) if r.id in visible]
    if not others:
        return None
    why = (request.parallel_reason or "").strip()
    if not why:
        first = min(others, key=lambda r: r.created_at)
        raise InvalidInput(
            f"A referral of this case for {request.service.value!r} is already open "
            f"({first.id}, to {first.to_provider_id}, since {first.created_at.isoformat()}); "
            "say why another provider should be asked at the same time (parallel_reason).",
            field="parallel_reason",
        )
    return why


def move_referral(caller: Caller, referral_id: str, step: Step) -> ReferralWithEvents:
    """Move a referral to its next status, with compare-and-set on its version. The
    caller's part in the handoff is read from the referral in the same transaction:
    the receiver takes its steps, and with ``relay`` the sender, an overseer or a
    coordinator records one for it (lifecycle ``PARTIES``). ``occurred_at`` puts a step
    on record with the time it happened (``domain.step_time``)."""
    # Drawn before the unit of work: a store that runs it again after a commit whose
    # answer was lost (Neo4j) finds this very step on record and answers with it, rather
    # than refusing its own step as a conflict.
    event_id = new_id("evt")

    def work(tx: Transaction) -> ReferralWithEvents:
        seen = referral_seen(tx, caller.principal, referral_id)  # 404 outside the case
        return take_step(tx, caller, seen, step, event_id)

    return caller.store.write(work)


def take_step(
    tx: Transaction, caller: Caller, seen: SeenReferral, step: Step, event_id: str
) -> ReferralWithEvents:
    """The step on a referral read in ``tx`` (``seen``), written in ``tx``: the part of
    :func:`move_referral` other use cases share (a FHIR Task update). ``event_id`` is
    drawn before the unit of work (see there)."""
    now, actor = caller.now, caller.actor
    current, history = seen.referral, seen.events
    receiver = seen.providers.get(current.to_provider_id)
    relayed = step.relay is not None
    check_party(
        party_of(caller.principal, current, seen.case, receiver), step.status, relayed=relayed
    )
    if history and history[-1].id == event_id:
        return ReferralWithEvents(referral=current, events=history)
    if step.expected_version is not None and step.expected_version != current.version:
        raise StaleVersion("referral", current.id, current.status.value)
    check_transition(
        current.status,
        StepRequest(
            step.status,
            reason=step.reason,
            outcome=step.outcome,
            note=step.note,
            reason_code=step.reason_code,
        ),
    )
    if relayed and step.status in current.step_times:
        raise InvalidInput(
            f"Only a referral's first {step.status.value!r} step can be relayed; this "
            "one was on record before.",
            field="relay",
        )
    code = check_reason(step.status, step.reason_code, step.reason)
    previous = history[-1].happened_at if history else current.created_at
    happened = step_time(step.occurred_at, now, previous)
    version = current.version + 1
    step_times = dict(current.step_times)
    step_times.setdefault(step.status, happened)
    marks = dict(current.relayed)
    if step.relay is not None:
        marks[step.status] = RelayedStep(
            channel=step.relay,
            by=actor,
            by_provider_id=caller.principal.provider_id,
            recorded_at=now,
        )
    updated = current.model_copy(
        update={
            "status": step.status,
            "status_reason": step.reason if step.reason else current.status_reason,
            "status_reason_code": code or current.status_reason_code,
            "outcome": step.outcome if step.outcome else current.outcome,
            "updated_at": now,
            "step_times": step_times,
            "relayed": marks,
            "version": version,
            "next_alert_at": first_alert_time(step.status, current.created_at, current.due),
        }
    )
    event = ReferralEvent(
        id=event_id,
        referral_id=current.id,
        sequence=version,
        at=now,
        actor=actor,
        from_status=current.status,
        to_status=step.status,
        reason=step.reason,
        reason_code=code,
        outcome=step.outcome,
        note=step.note,
        occurred_at=None if step.occurred_at is None else happened,
        relayed_for=current.to_provider_id if relayed else None,
        relay_channel=step.relay,
    )
    tx.save_referral(updated, current.version, event)
    tx.enqueue(referral_event_message(updated, now, event))
    return ReferralWithEvents(
        referral=updated, events=[*history, event], disputes=disputes_of(seen.case, current.id)
    )


def case_path(caller: Caller, case_id: str) -> list[Hop]:
    """The case's referrals in path order with the time each step took (a provider
    sees only its own hops)."""

    def work(tx: Transaction) -> list[Hop]:
        case = tx.get_case(case_id)
        if case is None:
            raise NotFound("case", case_id)
        return build_path(
            case_seen(tx, caller.principal, case, tx.case_referrals(case_id)).referrals
        )

    return caller.store.read(work)
