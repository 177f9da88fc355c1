"""Contract of the intake port and of what issue 18 added to the others, on every store:
identifications (insert, compare-and-set, listings, the case each became), the audit's
facts by source and relayed step, and the incident clock's next look at a case."""

from __future__ import annotations

from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.identification import (
    AgeBand,
    Identification,
    IdentificationStatus,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import CaseStatus, RelayedStep
from referral_graph.domain.queries import HistoryQuery, IdentificationQuery, Page
from referral_graph.domain.vocabulary import (
    Gender,
    IdentificationSource,
    ProviderKind,
    RelayChannel,
    RiskLevel,
    Service,
)
from referral_graph.store.port import Store
from tests.contract.helpers import HOUR, add, case, moved, referral
from tests.factories import T0, VILLAGE, provider

S = ReferralStatus


def identification(ident: str = "idn-1", **extra: Any) -> Identification:
    fields: dict[str, Any] = {
        "id": ident,
        "identified_by_provider_id": "vhsg-a",
        "to_provider_id": "ccwc-a",
        "pathway_id": "pw-vhsg",
        "source": IdentificationSource.VHSG,
        "age_band": AgeBand.FROM_12_TO_14,
        "gender": Gender.FEMALE,
        "risk": RiskLevel.HIGH,
        "needs": {Service.COUNSELLING, Service.POST_RAPE_CARE},
        "village_code": VILLAGE,
        "note": "Seen crying at the well.",
        "created_by": "vhsg-volunteer",
        "created_at": T0,
    }
    fields.update(extra)
    return Identification.model_validate(fields)


@pytest.fixture
def intake(network: Store) -> Store:
    vhsg = provider("vhsg-a", ProviderKind.VHSG, {Service.IDENTIFICATION})
    school = provider("school-b", ProviderKind.SCHOOL, {Service.PSYCHO_EDUCATION}, area_code="1702")
    network.write(lambda tx: tx.load_directory([vhsg, school], []))
    return network


def listed(store: Store, **filters: Any) -> list[str]:
    query = IdentificationQuery(**filters)
    return [i.id for i in store.read(lambda tx: tx.list_identifications(query, Page())).items]


def test_add_get_and_list_identifications(intake: Store) -> None:
    first = identification()
    intake.write(lambda tx: tx.add_identification(first))
    assert intake.read(lambda tx: tx.get_identification("idn-1")) == first
    assert intake.read(lambda tx: tx.get_identification("nope")) is None
    later = identification(
        "idn-2",
        identified_by_provider_id="school-b",
        source=IdentificationSource.TEACHER,
        village_code="17020101",
        created_at=T0 + HOUR,
        status=IdentificationStatus.ACKNOWLEDGED,
    )
    intake.write(lambda tx: tx.add_identification(later))
    assert listed(intake) == ["idn-2", "idn-1"]  # newest first
    assert listed(intake, provider_id="ccwc-a") == ["idn-2", "idn-1"]
    assert listed(intake, provider_id="school-b") == ["idn-2"]
    assert listed(intake, from_provider_id="vhsg-a") == ["idn-1"]
    assert listed(intake, to_provider_id="tpo-a") == []
    assert listed(intake, statuses=(IdentificationStatus.SENT,)) == ["idn-1"]
    assert listed(intake, statuses=()) == []
    assert listed(intake, area="1702") == ["idn-2"]
    assert listed(intake, area="170101") == ["idn-1"]
    assert listed(intake, since=T0 + HOUR) == ["idn-2"]
    assert listed(intake, until=T0 + HOUR) == ["idn-1"]
    page = intake.read(lambda tx: tx.list_identifications(IdentificationQuery(), Page(limit=1)))
    assert page.count == 2 and [i.id for i in page.items] == ["idn-2"]


def test_add_refuses_a_taken_id_or_an_unknown_provider(intake: Store) -> None:
    intake.write(lambda tx: tx.add_identification(identification()))
    with pytest.raises(Conflict):
        intake.write(lambda tx: tx.add_identification(identification()))
    with pytest.raises(Conflict):
        intake.write(
            lambda tx: tx.add_identification(identification("idn-x", to_provider_id="ghost"))
        )
    assert listed(intake) == ["idn-1"]


def test_accepting_links_the_case_with_compare_and_set(intake: Store) -> None:
    sent = identification()
    intake.write(lambda tx: tx.add_identification(sent))
    intake.write(lambda tx: tx.add_case(case("case-1")))
    accepted = sent.model_copy(
        update={
            "status": IdentificationStatus.ACCEPTED,
            "case_id": "case-1",
            "decided_at": T0 + HOUR,
            "version": 2,
        }
    )
    intake.write(lambda tx: tx.save_identification(accepted, 1))
    assert intake.read(lambda tx: tx.get_identification("idn-1")) == accepted
    assert intake.read(lambda tx: tx.identification_of_case("case-1")) == accepted
    assert intake.read(lambda tx: tx.identification_of_case("case-2")) is None
    with pytest.raises(StaleVersion):  # someone else decided first
        intake.write(lambda tx: tx.save_identification(accepted, 1))
    # a second identification cannot become the same case, nor a case that is not there
    other = identification("idn-2")
    intake.write(lambda tx: tx.add_identification(other))
    for case_id in ("case-1", "case-none"):
        linked = other.model_copy(update={"case_id": case_id, "version": 2})
        with pytest.raises(Conflict):
            intake.write(lambda tx: tx.save_identification(linked, 1))  # noqa: B023
    assert intake.read(lambda tx: tx.get_identification("idn-2")) == other


def test_hop_facts_carry_the_source_and_the_relayed_steps(with_case: Store) -> None:
    identified = case(
        "case-v",
        identified_by_provider_id="hc-a",
        identification_source=IdentificationSource.HEALTH_CENTRE,
    )
    with_case.write(lambda tx: tx.add_case(identified))
    plain = add(with_case, referral("ref-plain"))
    relayed = add(with_case, referral("ref-relayed", case_id="case-v"))
    mark = RelayedStep(channel=RelayChannel.PHONE, by="ccwc-focal-1", recorded_at=T0 + 2 * HOUR)
    step, event = moved(relayed, S.RECEIVED, T0 + HOUR)
    step = step.model_copy(update={"relayed": {S.RECEIVED: mark}})
    with_case.write(lambda tx: tx.save_referral(step, 1, event))
    facts = {
        f.id: f for f in with_case.read(lambda tx: tx.hop_facts(HistoryQuery(T0, T0 + 10 * HOUR)))
    }
    assert facts[plain.id].identification_source is None
    assert facts[plain.id].relayed_steps == ()
    assert facts["ref-relayed"].identification_source == "health_centre"
    assert facts["ref-relayed"].relayed_steps == ("received",)
    back = with_case.read(lambda tx: tx.get_referral("ref-relayed"))
    assert back is not None and back.relayed == {S.RECEIVED: mark}


def test_cases_on_the_care_clock_are_found_by_incident_time(network: Store) -> None:
    incident = T0 - 10 * HOUR
    violence = case("case-sv", needs={Service.POST_RAPE_CARE}, incident_at=incident)
    later = case("case-sv2", needs={Service.POST_RAPE_CARE}, incident_at=incident + HOUR)
    quiet = case("case-q", incident_at=incident)  # no sexual violence: no clock
    unknown = case("case-u", needs={Service.POST_RAPE_CARE})  # no incident time: no clock
    for c in (violence, later, quiet, unknown):
        network.write(lambda tx: tx.add_case(c))  # noqa: B023

    def found(after: Any, until: Any, limit: int = 10) -> list[str]:
        return [c.id for c in network.read(lambda tx: tx.cases_on_care_clock(after, until, limit))]

    assert found(incident - HOUR, incident + 2 * HOUR) == ["case-sv", "case-sv2"]
    assert found(incident, incident + 2 * HOUR) == ["case-sv2"]  # (after, until]
    assert found(incident - HOUR, incident) == ["case-sv"]
    assert found(incident - HOUR, incident + 2 * HOUR, limit=1) == ["case-sv"]
    # a closed case's clock stops; a corrected incident time moves it
    closed = violence.model_copy(
        update={"status": CaseStatus.CLOSED, "closed_at": T0, "version": 2}
    )
    network.write(lambda tx: tx.save_case(closed, 1))
    moved = later.model_copy(update={"incident_at": incident - 5 * HOUR, "version": 2})
    network.write(lambda tx: tx.save_case(moved, 1))
    assert found(incident - 6 * HOUR, incident + 2 * HOUR) == ["case-sv2"]
    assert found(incident - HOUR, incident + 2 * HOUR) == []
