"""Use cases of intake: whoever identifies a child sends it to the commune's CCWC.

A VHSG, school, health centre or helpline account registers an identification
(:func:`register`); it goes to the CCWC serving the child's village — through the
identifier's agreed pathway when it has one to that CCWC — with the deadlines of the
SLA policy for its risk. The CCWC's staff open it (:func:`open_identification`: the
first opening is its acknowledgement) and accept it as a case or decline it
(``services.intake_decisions``). :func:`waiting_for` is the CCWC's queue of them.

Who sees what is decided in the transaction that reads it
(``security.intake.identification_access``): the two ends in full, coordinators of
the area without free text, nobody else (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from referral_graph.domain.areas import gazetteer, lineage_codes
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.identification import (
    AgeBand,
    Identification,
    IdentificationStatus,
    source_of,
)
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import MAX_AGE, Consent, Identifier, Pathway, Provider
from referral_graph.domain.queries import (
    IdentificationQuery,
    Listing,
    Page,
    PathwayQuery,
    ProviderQuery,
    every,
)
from referral_graph.domain.vocabulary import (
    Gender,
    IdentificationSource,
    Language,
    ProviderKind,
    RiskLevel,
    Service,
)
from referral_graph.security.intake import identification_access, receives
from referral_graph.security.model import Role
from referral_graph.security.policy import Access, coordinator_area, may_act_for
from referral_graph.services.access import inbox_seen
from referral_graph.services.caller import Caller
from referral_graph.services.incident import incident_time
from referral_graph.services.timeliness import policy_in_force
from referral_graph.store.port import OutboxMessage, Transaction

WAITING = (IdentificationStatus.SENT, IdentificationStatus.ACKNOWLEDGED)
#: Identifications a queue or a list shows at once.
LIST_PAGE = 100


class IdentificationRequest(BaseModel):
    """What the first to know about a child sends the CCWC. No name, ever."""

    model_config = ConfigDict(extra="forbid")

    identified_by_provider_id: Identifier = Field(description="Your own provider.")
    source: IdentificationSource | None = Field(
        None,
        description="How the child came to notice; defaults from your kind of provider "
        "(a VHSG: vhsg, a school: teacher, a health centre: health_centre, …).",
    )
    age: int | None = Field(None, ge=0, le=MAX_AGE, description="If known.")
    age_band: AgeBand | None = Field(None, description="When the exact age is not known.")
    gender: Gender
    risk: RiskLevel
    needs: list[Service] = Field(min_length=1, max_length=len(Service))
    language: Language = Language.KHMER
    village_code: str = Field(min_length=8, max_length=8, description="The child's village.")
    consent: Consent | None = Field(None, description="Consent to share and refer, if given.")
    incident_at: AwareDatetime | None = Field(
        None, description="When the violence happened, if known (not in the future)."
    )
    contact_arrangement: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=1000, description="What was seen; no names.")

    @model_validator(mode="after")
    def _age(self) -> Self:
        if self.age is None and self.age_band is None:
            raise ValueError("give the age, or an age band (age_band) when it is not known")
        if self.age is not None and self.age_band is not None:
            low, high = self.age_band.bounds
            if not low <= self.age <= high:
                raise ValueError(f"age {self.age} is outside age_band {self.age_band.value}")
        return self


def _specificity(provider: Provider, village_code: str) -> int:
    """How local a provider's coverage of a village is (longer codes: more local)."""
    inside = lineage_codes(village_code)
    return max((len(c) for c in provider.coverage if c in inside), default=0)


def destination(
    tx: Transaction, identifier: Provider, village_code: str
) -> tuple[Provider, Pathway | None]:
    """The CCWC an identification of a child in ``village_code`` goes to: one the
    identifier has an agreed pathway to among the CCWCs serving the village, else the
    most local CCWC serving it. 422 naming ``village_code`` when there is neither."""
    query = ProviderQuery(area=village_code, kind=ProviderKind.CCWC, active=True)
    ccwcs = [
        p for p in every(lambda page: tx.list_providers(query, page)) if p.serves_area(village_code)
    ]
    ccwcs.sort(key=lambda p: (-_specificity(p, village_code), p.id))
    outgoing = PathwayQuery(from_provider_id=identifier.id)
    linked = {
        w.to_provider_id: w
        for w in every(lambda page: tx.list_pathways(outgoing, page))
        if w.active
    }
    for ccwc in ccwcs:
        if ccwc.id in linked:
            return ccwc, linked[ccwc.id]
    if ccwcs:
        return ccwcs[0], None
    village = gazetteer().area(village_code)
    raise InvalidInput(
        f"No CCWC serves village {village_code} ({village.name_en}), and "
        f"{identifier.name} has no agreed pathway to a CCWC there: there is nobody to send "
        "this identification to. Call the district office of social affairs (DoSVY).",
        field="village_code",
    )


def message(identification: Identification, at: datetime) -> OutboxMessage:
    """What webhooks hear of an identification: ids and timing, never the child."""
    return OutboxMessage(
        id=f"msg_{identification.id}_{identification.version}",
        topic=f"identification.{identification.status.value}",
        payload={
            "identification_id": identification.id,
            "identified_by_provider_id": identification.identified_by_provider_id,
            "to_provider_id": identification.to_provider_id,
            "source": identification.source.value,
            "risk": identification.risk.value,
            "status": identification.status.value,
            "case_id": identification.case_id,
            "version": identification.version,
            "at": at.isoformat(),
        },
        created_at=at,
    )


def register(caller: Caller, request: IdentificationRequest) -> Identification:
    """Send an identification to the CCWC serving the child's village, on behalf of the
    caller's own provider. 422 when nobody can receive it (no pathway, no CCWC there),
    when the caller's provider is that CCWC (it opens a case itself) or the provider is
    not the caller's."""
    if not may_act_for(caller.principal, request.identified_by_provider_id):
        raise InvalidInput(
            "You can register identifications only for your own provider.",
            field="identified_by_provider_id",
        )
    now, actor = caller.now, caller.actor
    ident_id = new_id("idn")
    incident = None if request.incident_at is None else incident_time(request.incident_at, now)

    def work(tx: Transaction) -> Identification:
        identifier = tx.get_provider(request.identified_by_provider_id)
        if identifier is None or not identifier.active:
            raise InvalidInput(
                f"No active provider with id {request.identified_by_provider_id!r}.",
                field="identified_by_provider_id",
            )
        ccwc, pathway = destination(tx, identifier, request.village_code)
        if ccwc.id == identifier.id:
            raise InvalidInput(
                "The child lives in your own commune: open a case for it instead.",
                field="identified_by_provider_id",
            )
        identification = Identification(
            id=ident_id,
            identified_by_provider_id=identifier.id,
            to_provider_id=ccwc.id,
            pathway_id=None if pathway is None else pathway.id,
            source=request.source or source_of(identifier.kind),
            age=request.age,
            age_band=request.age_band,
            gender=request.gender,
            risk=request.risk,
            needs=frozenset(request.needs),
            language=request.language,
            village_code=request.village_code,
            consent=request.consent,
            incident_at=incident,
            contact_arrangement=request.contact_arrangement,
            note=request.note,
            created_by=actor,
            created_at=now,
            due=policy_in_force(tx).deadlines_for(request.risk, now),
        )
        tx.add_identification(identification)
        tx.enqueue(message(identification, now))
        return identification

    return caller.store.write(work)


@dataclass(frozen=True, slots=True)
class SeenIdentification:
    """An identification as the caller may see it, with the providers at its ends."""

    identification: Identification
    access: Access
    identifier: Provider | None
    ccwc: Provider | None

    @property
    def decidable(self) -> bool:
        """Whether it still waits for the CCWC's decision."""
        return self.identification.status.waiting


def identification_seen(
    tx: Transaction, caller: Caller, identification_id: str
) -> SeenIdentification:
    found = tx.get_identification(identification_id)
    access = None if found is None else identification_access(caller.principal, found)
    if found is None or access is None:
        raise NotFound("identification", identification_id)
    shown = found.redacted() if access is Access.PSEUDONYMOUS else found
    ends = tx.get_providers({found.identified_by_provider_id, found.to_provider_id})
    return SeenIdentification(
        shown, access, ends.get(found.identified_by_provider_id), ends.get(found.to_provider_id)
    )


def see_identification(caller: Caller, identification_id: str) -> SeenIdentification:
    """Read it, changing nothing."""
    return caller.store.read(lambda tx: identification_seen(tx, caller, identification_id))


def open_identification(caller: Caller, identification_id: str) -> SeenIdentification:
    """Read it; when the CCWC it was sent to opens it for the first time, that is its
    acknowledgement (recorded in the same breath)."""
    seen = see_identification(caller, identification_id)
    found = seen.identification
    if not (
        receives(caller.principal, found)
        and caller.principal.role is Role.CCWC
        and found.status is IdentificationStatus.SENT
    ):
        return seen
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> SeenIdentification:
        current = identification_seen(tx, caller, identification_id)
        ident = current.identification
        if ident.status is not IdentificationStatus.SENT:
            return current  # someone else at the CCWC opened it meanwhile
        acknowledged = ident.model_copy(
            update={
                "status": IdentificationStatus.ACKNOWLEDGED,
                "acknowledged_at": now,
                "acknowledged_by": actor,
                "version": ident.version + 1,
            }
        )
        tx.save_identification(acknowledged, ident.version)
        tx.enqueue(message(acknowledged, now))
        return SeenIdentification(acknowledged, current.access, current.identifier, current.ccwc)

    return caller.store.write(work)


def list_identifications(
    caller: Caller,
    page: Page,
    *,
    status: IdentificationStatus | None = None,
    area: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Listing[Identification]:
    """Identifications newest first: those the caller's provider sent or received; a
    coordinator's in their area (without free text, 403 outside it); the system's all."""
    principal = caller.principal
    provider_id = None
    if principal.role in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR):
        provider_id = principal.provider_id
        if provider_id is None:
            return Listing()
    query = IdentificationQuery(
        provider_id=provider_id,
        statuses=None if status is None else (status,),
        area=coordinator_area(principal, area),
        since=since,
        until=until,
    )
    listing = caller.store.read(lambda tx: tx.list_identifications(query, page))
    if principal.role is Role.COORDINATOR:
        return Listing([i.redacted() for i in listing.items], listing.count)
    return listing


@dataclass(frozen=True, slots=True)
class WaitingIdentification:
    """An identification waiting on a CCWC, with who sent it."""

    identification: Identification
    identifier: Provider | None

    @property
    def due_at(self) -> datetime | None:
        return self.identification.pending_due_at


def waiting_for(caller: Caller, provider_id: str | None = None) -> list[WaitingIdentification]:
    """The identifications waiting on a CCWC (the caller's own by default), the most
    pressing deadline first: the CCWC's queue of children to register. For the work
    queue to register as an item producer; the CCWC's inbox page shows them meanwhile.
    404 for a provider whose inbox the caller may not see."""
    pid = provider_id or caller.principal.provider_id
    if pid is None:
        return []
    query = IdentificationQuery(to_provider_id=pid, statuses=WAITING)

    def work(tx: Transaction) -> list[WaitingIdentification]:
        inbox_seen(tx, caller.principal, pid)
        found = tx.list_identifications(query, Page(limit=LIST_PAGE)).items
        senders = tx.get_providers({i.identified_by_provider_id for i in found})
        rows = [WaitingIdentification(i, senders.get(i.identified_by_provider_id)) for i in found]
        far = datetime.max.replace(tzinfo=caller.now.tzinfo)
        return sorted(rows, key=lambda w: (w.due_at or far, w.identification.created_at))

    return caller.store.read(work)


def sent_by(caller: Caller, limit: int = 30) -> list[SeenIdentification]:
    """The identifications the caller's provider sent, newest first (the identifier's
    page: what became of each child they reported)."""
    pid = caller.principal.provider_id
    if pid is None:
        return []
    query = IdentificationQuery(from_provider_id=pid)

    def work(tx: Transaction) -> list[SeenIdentification]:
        found = tx.list_identifications(query, Page(limit=limit)).items
        ccwcs = tx.get_providers({i.to_provider_id for i in found})
        return [
            SeenIdentification(i, Access.FULL, None, ccwcs.get(i.to_provider_id)) for i in found
        ]

    return caller.store.read(work)
