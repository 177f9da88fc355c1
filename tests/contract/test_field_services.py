"""Issue 18's use cases on every store, as the people who use them: a VHSG identifies a
child and the CCWC makes it a case (or declines it); the CCWC relays a health centre's
acknowledgement confirmed by phone with the phone call's time and the health centre
disputes it; the incident clock alerts when the PEP window is about to close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from referral_graph.domain.care import CareWindow
from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from referral_graph.domain.identification import (
    AgeBand,
    DeclineReason,
    IdentificationStatus,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import CaseEventKind, Pathway
from referral_graph.domain.queries import HistoryQuery, IdentificationQuery, Page
from referral_graph.domain.vocabulary import (
    Gender,
    IdentificationSource,
    ProviderKind,
    RelayChannel,
    RiskLevel,
    Service,
)
from referral_graph.security.model import Principal, Role
from referral_graph.services import identifications, intake_decisions, referrals, relays, timeliness
from referral_graph.services.caller import Caller
from referral_graph.services.cases import open_case
from referral_graph.services.identifications import IdentificationRequest
from referral_graph.services.incident import IncidentTime, care_windows, record_incident
from referral_graph.services.intake_decisions import IdentificationAcceptance, IdentificationDecline
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.services.relays import StepDispute
from referral_graph.store.port import Store
from tests.factories import T0, VILLAGE, consent, opening, provider

S = ReferralStatus
HOUR = timedelta(hours=1)


def person(
    name: str, role: Role, provider_id: str | None = None, area: str | None = None
) -> Principal:
    return Principal(name, name, role, provider_id=provider_id, area_code=area)


VHSG = person("vhsg-volunteer", Role.PROVIDER, "vhsg-a")
CCWC = person("ccwc-focal", Role.CCWC, "ccwc-a")
NURSE = person("nurse", Role.PROVIDER, "hc-a")
SUPERVISOR = person("supervisor", Role.SUPERVISOR, "sup")
COORDINATOR = person("coordinator", Role.COORDINATOR, area="17")
FAR_COORDINATOR = person("far-coordinator", Role.COORDINATOR, area="19")
TEACHER_FAR = person("teacher", Role.PROVIDER, "school-far")


@pytest.fixture
def field(network: Store) -> Store:
    extra = [
        provider("vhsg-a", ProviderKind.VHSG, {Service.IDENTIFICATION}),
        provider("sup", ProviderKind.CLINICAL_SUPERVISOR, {Service.SUPERVISION}),
        # a school in Stung Treng: no pathway, and no CCWC serves its pupils' villages
        provider("school-far", ProviderKind.SCHOOL, {Service.PSYCHO_EDUCATION}, area_code="1901"),
        provider(
            "hc-a",
            ProviderKind.HEALTH_CENTRE,
            {Service.PSYCHOLOGICAL_FIRST_AID, Service.MEDICAL_CARE, Service.POST_RAPE_CARE},
            overseen_by=("sup",),
        ),
    ]
    pathway = Pathway(
        id="pw-vhsg-a-ccwc-a",
        from_provider_id="vhsg-a",
        to_provider_id="ccwc-a",
        service=Service.REGISTRATION,
    )
    network.write(lambda tx: tx.load_directory(extra, [pathway]))
    return network


def as_(store: Store, who: Principal, at: object = T0) -> Caller:
    return Caller(who, store, at)  # type: ignore[arg-type]


def request(**extra: object) -> IdentificationRequest:
    fields: dict[str, object] = {
        "identified_by_provider_id": "vhsg-a",
        "age_band": AgeBand.FROM_12_TO_14,
        "gender": Gender.FEMALE,
        "risk": RiskLevel.HIGH,
        "needs": [Service.COUNSELLING],
        "village_code": VILLAGE,
        "note": "Stopped coming to school.",
    }
    fields.update(extra)
    return IdentificationRequest.model_validate(fields)


# --- intake ------------------------------------------------------------------------------
def test_a_vhsg_identification_becomes_a_ccwc_case_with_its_source_kept(field: Store) -> None:
    sent = identifications.register(as_(field, VHSG), request())
    assert sent.to_provider_id == "ccwc-a"
    assert sent.pathway_id == "pw-vhsg-a-ccwc-a"  # the agreed pathway is the handoff
    assert sent.source is IdentificationSource.VHSG
    assert sent.status is IdentificationStatus.SENT
    assert sent.due is not None and sent.due.acknowledge == T0 + 4 * HOUR  # high risk
    assert [w.identification.id for w in identifications.waiting_for(as_(field, CCWC))] == [sent.id]

    # the identifier reads it back without acknowledging it; the CCWC's first opening does
    seen = identifications.open_identification(as_(field, VHSG, T0 + HOUR), sent.id)
    assert seen.identification.status is IdentificationStatus.SENT
    opened = identifications.open_identification(as_(field, CCWC, T0 + 2 * HOUR), sent.id)
    assert opened.identification.status is IdentificationStatus.ACKNOWLEDGED
    assert opened.identification.acknowledged_at == T0 + 2 * HOUR
    again = identifications.open_identification(as_(field, CCWC, T0 + 3 * HOUR), sent.id)
    assert again.identification.acknowledged_at == T0 + 2 * HOUR

    # an age band is not enough for a case: the CCWC gives the age
    with pytest.raises(InvalidInput) as no_age:
        intake_decisions.accept(
            as_(field, CCWC, T0 + 3 * HOUR), sent.id, IdentificationAcceptance()
        )
    assert no_age.value.field == "age"
    case = intake_decisions.accept(
        as_(field, CCWC, T0 + 3 * HOUR),
        sent.id,
        IdentificationAcceptance(age=13, consent=consent(T0 + 3 * HOUR)),
    )
    assert case.opened_by_provider_id == "ccwc-a"
    assert case.identified_by_provider_id == "vhsg-a"
    assert case.identification_source is IdentificationSource.VHSG
    assert (case.age, case.gender, case.note) == (13, Gender.FEMALE, "Stopped coming to school.")
    decided = identifications.see_identification(as_(field, VHSG), sent.id).identification
    assert decided.status is IdentificationStatus.ACCEPTED and decided.case_id == case.id
    assert identifications.waiting_for(as_(field, CCWC)) == []
    with pytest.raises(Conflict):
        intake_decisions.accept(as_(field, CCWC), sent.id, IdentificationAcceptance(age=13))
    found = intake_decisions.identification_of_case(as_(field, CCWC), case.id)
    assert found is not None and found.identification.id == sent.id

    # the audit counts its referrals by source
    referrals.make_referral(
        as_(field, CCWC, T0 + 4 * HOUR),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="ccwc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
            reason="Counselling",
        ),
    )
    facts = field.read(lambda tx: tx.hop_facts(HistoryQuery(T0, T0 + 10 * HOUR)))
    assert [f.identification_source for f in facts] == ["vhsg"]


def test_who_may_see_and_decide_an_identification(field: Store) -> None:
    sent = identifications.register(as_(field, VHSG), request(age=13, age_band=None))
    for outsider in (NURSE, FAR_COORDINATOR, SUPERVISOR):
        with pytest.raises(NotFound):
            identifications.open_identification(as_(field, outsider), sent.id)
    pseudonymous = identifications.open_identification(as_(field, COORDINATOR), sent.id)
    assert pseudonymous.identification.note is None  # no free text for coordinators
    assert pseudonymous.identification.status is IdentificationStatus.SENT
    with pytest.raises(Forbidden):  # the identifier sees it, but the CCWC decides
        intake_decisions.decline(
            as_(field, VHSG), sent.id, IdentificationDecline(reason=DeclineReason.OUTSIDE_AREA)
        )
    with pytest.raises(InvalidInput) as other:
        intake_decisions.decline(
            as_(field, CCWC), sent.id, IdentificationDecline(reason=DeclineReason.OTHER)
        )
    assert other.value.field == "note"
    declined = intake_decisions.decline(
        as_(field, CCWC, T0 + HOUR),
        sent.id,
        IdentificationDecline(reason=DeclineReason.ALREADY_A_CASE, note="Registered in May."),
    )
    assert declined.status is IdentificationStatus.DECLINED
    assert declined.acknowledged_at == T0 + HOUR  # deciding unopened counts as opening
    listing = identifications.list_identifications(as_(field, VHSG), Page())
    assert [i.decline_reason for i in listing.items] == [DeclineReason.ALREADY_A_CASE]
    assert identifications.list_identifications(as_(field, NURSE), Page()).count == 0
    with pytest.raises(Forbidden):
        identifications.list_identifications(as_(field, COORDINATOR), Page(), area="19")


def test_nobody_to_send_it_to_is_a_422_saying_so(field: Store) -> None:
    with pytest.raises(InvalidInput) as nobody:
        identifications.register(
            as_(field, TEACHER_FAR),
            request(identified_by_provider_id="school-far", village_code="19010101"),
        )
    assert nobody.value.field == "village_code"
    assert "no agreed pathway" in nobody.value.detail
    with pytest.raises(InvalidInput) as own:
        identifications.register(as_(field, CCWC), request(identified_by_provider_id="ccwc-a"))
    assert own.value.field == "identified_by_provider_id"  # its own commune: open a case
    with pytest.raises(InvalidInput) as not_mine:
        identifications.register(as_(field, NURSE), request())  # vhsg-a is not the nurse's
    assert not_mine.value.field == "identified_by_provider_id"
    assert field.read(lambda tx: tx.list_identifications(IdentificationQuery(), Page())).count == 0


def test_a_health_centre_without_a_pathway_sends_to_the_commune_ccwc(field: Store) -> None:
    sent = identifications.register(
        as_(field, NURSE),
        request(identified_by_provider_id="hc-a", incident_at=T0 - 30 * HOUR),
    )
    assert (sent.to_provider_id, sent.pathway_id) == ("ccwc-a", None)
    assert sent.source is IdentificationSource.HEALTH_CENTRE
    assert sent.incident_at == T0 - 30 * HOUR
    case = intake_decisions.accept(as_(field, CCWC), sent.id, IdentificationAcceptance(age=12))
    assert case.incident_at == T0 - 30 * HOUR
    assert [e.kind for e in case.history] == [CaseEventKind.INCIDENT_RECORDED]


# --- relayed steps -----------------------------------------------------------------------
def _referral(store: Store, *, service: Service = Service.MEDICAL_CARE) -> str:
    case = open_case(as_(store, CCWC), opening(needs=[service]))
    made = referrals.make_referral(
        as_(store, CCWC),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="ccwc-a",
            to_provider_id="hc-a",
            service=service,
            reason="Check-up",
        ),
    )
    return made.id


def test_the_ccwc_relays_an_acknowledgement_confirmed_by_phone(field: Store) -> None:
    ref = _referral(field)
    call = T0 + 2 * HOUR  # the nurse confirmed by phone then; the link was down
    typed = T0 + 30 * HOUR
    moved = referrals.move_referral(
        as_(field, CCWC, typed),
        ref,
        Step(status=S.RECEIVED, occurred_at=call, relay=RelayChannel.PHONE),
    )
    r = moved.referral
    assert r.step_times[S.RECEIVED] == call  # deadlines and the audit use the call's time
    assert r.relayed[S.RECEIVED].by == "ccwc-focal"
    assert r.relayed[S.RECEIVED].recorded_at == typed
    event = moved.events[-1]
    assert (event.at, event.occurred_at, event.happened_at) == (typed, call, call)
    assert (event.actor, event.relayed_for, event.relay_channel) == (
        "ccwc-focal",
        "hc-a",
        RelayChannel.PHONE,
    )
    fact = field.read(lambda tx: tx.hop_facts(HistoryQuery(T0, T0 + 40 * HOUR)))[0]
    assert (fact.received_at, fact.relayed_steps) == (call, ("received",))
    # the overseer relays the acceptance, a coordinator the first contact
    referrals.move_referral(
        as_(field, SUPERVISOR, typed + HOUR),
        ref,
        Step(status=S.ACCEPTED, relay=RelayChannel.SMS),
    )
    done = referrals.move_referral(
        as_(field, COORDINATOR, typed + 2 * HOUR),
        ref,
        Step(
            status=S.IN_PROGRESS,
            relay=RelayChannel.PHONE,
            occurred_at=typed + timedelta(minutes=90),
        ),
    )
    assert set(done.referral.relayed) == {S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS}
    assert done.referral.relayed[S.ACCEPTED].by_provider_id == "sup"
    assert done.referral.relayed[S.IN_PROGRESS].by_provider_id is None


def test_relaying_is_refused_to_the_wrong_people_and_times(field: Store) -> None:
    ref = _referral(field)
    now = T0 + 5 * HOUR
    with pytest.raises(NotFound):  # outside the case
        referrals.move_referral(
            as_(field, FAR_COORDINATOR, now), ref, Step(status=S.RECEIVED, relay=RelayChannel.PHONE)
        )
    with pytest.raises(Forbidden):  # the sender takes no receiver step without relaying
        referrals.move_referral(as_(field, CCWC, now), ref, Step(status=S.RECEIVED))
    with pytest.raises(InvalidInput) as own:  # the receiver does not relay to itself
        referrals.move_referral(
            as_(field, NURSE, now), ref, Step(status=S.RECEIVED, relay=RelayChannel.PHONE)
        )
    assert own.value.field == "relay"
    for when, why in (
        (now + HOUR, "future"),
        (T0 - HOUR, "before the referral's previous step"),
        (now - timedelta(days=8), "more than 7 days"),
    ):
        with pytest.raises(InvalidInput) as bad:
            referrals.move_referral(
                as_(field, CCWC, now),
                ref,
                Step(status=S.RECEIVED, relay=RelayChannel.PHONE, occurred_at=when),
            )
        assert bad.value.field == "occurred_at"
        assert why in bad.value.detail
    referrals.move_referral(as_(field, NURSE, now), ref, Step(status=S.RECEIVED))
    referrals.move_referral(as_(field, NURSE, now), ref, Step(status=S.ACCEPTED))
    referrals.move_referral(as_(field, NURSE, now), ref, Step(status=S.IN_PROGRESS))
    with pytest.raises(Forbidden) as complete:  # completing is the receiver's alone
        referrals.move_referral(
            as_(field, CCWC, now),
            ref,
            Step(status=S.COMPLETED, outcome="Seen", relay=RelayChannel.PHONE),
        )
    assert complete.value.field == "relay"
    stored = field.read(lambda tx: tx.get_referral(ref))
    assert stored is not None and stored.relayed == {} and stored.version == 4


def test_the_receiver_disputes_a_relayed_step(field: Store) -> None:
    ref = _referral(field)
    referrals.move_referral(
        as_(field, CCWC, T0 + HOUR), ref, Step(status=S.RECEIVED, relay=RelayChannel.PHONE)
    )
    wrong = StepDispute(status=S.RECEIVED, note="Nobody here took that call.")
    with pytest.raises(Forbidden):
        relays.dispute_step(as_(field, CCWC, T0 + 2 * HOUR), ref, wrong)
    with pytest.raises(InvalidInput):  # only a relayed step
        relays.dispute_step(
            as_(field, NURSE, T0 + 2 * HOUR), ref, StepDispute(status=S.ACCEPTED, note="x")
        )
    event = relays.dispute_step(as_(field, NURSE, T0 + 2 * HOUR), ref, wrong)
    assert (event.kind, event.step, event.referral_id) == (
        CaseEventKind.STEP_DISPUTED,
        S.RECEIVED,
        ref,
    )
    with pytest.raises(Conflict):
        relays.dispute_step(as_(field, NURSE, T0 + 3 * HOUR), ref, wrong)
    # the relayer sees it with the note; a coordinator without it
    seen = referrals.get_referral(as_(field, CCWC), ref)
    assert [d.note for d in seen.disputes] == ["Nobody here took that call."]
    coordinated = referrals.get_referral(as_(field, COORDINATOR), ref)
    assert [(d.step, d.note) for d in coordinated.disputes] == [(S.RECEIVED, None)]
    pending = field.read(lambda tx: tx.outbox_due(T0 + 10 * HOUR, 100))
    disputed = [m for m in pending if m.topic == "referral.step_disputed"]
    assert disputed and disputed[0].payload["notify"] == ["ccwc-a"]


# --- the incident clock ------------------------------------------------------------------
def test_incident_time_and_care_windows(field: Store) -> None:
    case = open_case(
        as_(field, CCWC), opening(needs=[Service.POST_RAPE_CARE], risk=RiskLevel.EMERGENCY)
    )
    windows = care_windows(as_(field, CCWC), case.id)
    assert windows.sexual_violence and windows.windows == []  # no incident time yet
    with pytest.raises(InvalidInput) as future:
        record_incident(as_(field, CCWC), case.id, IncidentTime(incident_at=T0 + HOUR))
    assert future.value.field == "incident_at"
    with pytest.raises(NotFound):
        record_incident(as_(field, NURSE), case.id, IncidentTime(incident_at=T0 - HOUR))
    recorded = record_incident(as_(field, CCWC), case.id, IncidentTime(incident_at=T0 - 50 * HOUR))
    assert recorded.history[-1].kind is CaseEventKind.INCIDENT_RECORDED
    assert recorded.history[-1].incident_at == T0 - 50 * HOUR
    windows = care_windows(as_(field, CCWC), case.id)
    hours = {w.window: w.hours_left for w in windows.windows}
    assert hours == {CareWindow.PEP: 22.0, CareWindow.EMERGENCY_CONTRACEPTION: 70.0}
    assert [w.closing for w in windows.windows] == [True, False]


def test_the_scheduler_alerts_when_pep_is_about_to_close(field: Store) -> None:
    incident = T0 - 10 * HOUR
    case = open_case(
        as_(field, CCWC),
        opening(needs=[Service.POST_RAPE_CARE], risk=RiskLevel.EMERGENCY, incident_at=incident),
    )
    ref = referrals.make_referral(
        as_(field, CCWC),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="ccwc-a",
            to_provider_id="hc-a",
            service=Service.POST_RAPE_CARE,
            reason="Post-rape care",
        ),
    ).id

    def care_messages(at: object) -> list[dict[str, object]]:
        found = field.read(lambda tx: tx.outbox_due(at, 1000))  # type: ignore[arg-type]
        return [m.payload for m in found if m.topic == "care.window_closing"]

    timeliness.tick(field, incident + 47 * HOUR)
    assert care_messages(incident + 47 * HOUR) == []
    timeliness.tick(field, incident + 49 * HOUR)  # 23 h of PEP left, nobody accepted
    fired = care_messages(incident + 49 * HOUR)
    assert [(m["window"], m["case_id"]) for m in fired] == [("pep", case.id)]
    assert fired[0]["notify"] == ["ccwc-a", "hc-a", "sup"]
    timeliness.tick(field, incident + 50 * HOUR)  # once only
    assert len(care_messages(incident + 50 * HOUR)) == 1
    # the health centre accepts: no alert about emergency contraception
    referrals.move_referral(as_(field, NURSE, incident + 51 * HOUR), ref, Step(status=S.RECEIVED))
    referrals.move_referral(as_(field, NURSE, incident + 52 * HOUR), ref, Step(status=S.ACCEPTED))
    timeliness.tick(field, incident + 100 * HOUR)
    assert [m["window"] for m in care_messages(incident + 100 * HOUR)] == ["pep"]
