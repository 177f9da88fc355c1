"""Issue 18's pure rules: who may relay which step (the lifecycle's one table), when a
step put on record later may say it happened, the post-rape care clocks, and what an
identification must hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from referral_graph.domain.care import (
    ALERT_LEAD,
    CareWindow,
    alert_phase,
    alert_times,
    care_clocks,
    health_hop_accepted,
)
from referral_graph.domain.errors import Forbidden, InvalidInput
from referral_graph.domain.identification import AgeBand, Identification, source_of
from referral_graph.domain.lifecycle import PARTIES, RELAYABLE, Party, check_party
from referral_graph.domain.lifecycle import ReferralStatus as S
from referral_graph.domain.step_time import CLOCK_SKEW, MAX_BACKDATE, step_time
from referral_graph.domain.vocabulary import IdentificationSource, ProviderKind, Service
from tests.contract.helpers import case, referral

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
HOUR = timedelta(hours=1)


# --- who relays which step ---------------------------------------------------------------
def test_the_receivers_decisions_are_the_ones_others_may_relay() -> None:
    assert frozenset({S.RECEIVED, S.ACCEPTED, S.REJECTED, S.IN_PROGRESS}) == RELAYABLE
    for status in RELAYABLE:
        assert PARTIES[status].takes == {Party.RECEIVER}
        assert PARTIES[status].relays == {Party.SENDER, Party.OVERSEER, Party.COORDINATOR}
    assert PARTIES[S.COMPLETED].relays == frozenset()
    assert PARTIES[S.CANCELLED].takes == {Party.SENDER, Party.COORDINATOR}


@pytest.mark.parametrize("party", [Party.SENDER, Party.OVERSEER, Party.COORDINATOR])
def test_a_relayer_relays_but_does_not_take_the_step(party: Party) -> None:
    check_party(party, S.RECEIVED, relayed=True)
    with pytest.raises(Forbidden) as taken:
        check_party(party, S.RECEIVED, relayed=False)
    assert "may relay it" in taken.value.detail
    with pytest.raises(Forbidden) as completed:
        check_party(party, S.COMPLETED, relayed=True)
    assert completed.value.field == "relay"


def test_the_receiver_and_observers_do_not_relay() -> None:
    with pytest.raises(InvalidInput) as own:
        check_party(Party.RECEIVER, S.ACCEPTED, relayed=True)
    assert own.value.field == "relay"
    with pytest.raises(Forbidden):
        check_party(Party.OBSERVER, S.ACCEPTED, relayed=True)
    check_party(None, S.COMPLETED, relayed=True)  # the system


# --- when a step happened ----------------------------------------------------------------
def test_a_step_time_is_checked_against_now_the_previous_step_and_a_week() -> None:
    assert step_time(None, NOW, NOW - HOUR) == NOW
    cambodia = timezone(timedelta(hours=7))
    call = (NOW - 3 * HOUR).astimezone(cambodia)
    assert step_time(call, NOW, NOW - 5 * HOUR) == NOW - 3 * HOUR
    assert step_time(call, NOW, NOW - 5 * HOUR).tzinfo is UTC
    assert step_time(NOW + CLOCK_SKEW, NOW, None) == NOW  # a phone a little ahead
    # typed to the minute, in the very minute of the previous step
    previous = NOW - HOUR + timedelta(seconds=40)
    assert step_time(NOW - HOUR, NOW, previous) == previous
    for bad in (
        NOW + CLOCK_SKEW + timedelta(seconds=1),
        NOW - MAX_BACKDATE - timedelta(seconds=1),
        NOW - 2 * HOUR,  # before the previous step below
        datetime(2026, 3, 2, 7),  # no offset
    ):
        with pytest.raises(InvalidInput) as refused:
            step_time(bad, NOW, NOW - HOUR)
        assert refused.value.field == "occurred_at"


# --- the incident clock ------------------------------------------------------------------
def test_the_clocks_run_from_the_incident_for_sexual_violence_only() -> None:
    incident = NOW - 50 * HOUR
    violence = case(needs={Service.POST_RAPE_CARE}, incident_at=incident)
    clocks = {c.window: c for c in care_clocks(violence, NOW)}
    assert clocks[CareWindow.PEP].seconds_left == 22 * 3600
    assert clocks[CareWindow.PEP].closing and clocks[CareWindow.PEP].is_open
    assert clocks[CareWindow.EMERGENCY_CONTRACEPTION].seconds_left == 70 * 3600
    assert not clocks[CareWindow.EMERGENCY_CONTRACEPTION].closing
    assert care_clocks(case(incident_at=incident), NOW) == []  # not sexual violence
    assert care_clocks(case(needs={Service.POST_RAPE_CARE}), NOW) == []  # time unknown
    assert alert_times(violence) == {
        CareWindow.PEP: incident + 72 * HOUR - ALERT_LEAD,
        CareWindow.EMERGENCY_CONTRACEPTION: incident + 120 * HOUR - ALERT_LEAD,
    }
    after, until = alert_phase(NOW)
    assert (after, until) == (NOW - 120 * HOUR, NOW - 48 * HOUR)
    assert after < incident <= until


def test_a_health_hop_covers_the_windows_once_accepted() -> None:
    waiting = referral("r1", service=Service.POST_RAPE_CARE)
    assert not health_hop_accepted([waiting])
    accepted = waiting.model_copy(update={"status": S.ACCEPTED})
    assert health_hop_accepted([accepted])
    counselling = referral("r2", service=Service.COUNSELLING, status=S.ACCEPTED)
    assert not health_hop_accepted([counselling])


# --- identifications ---------------------------------------------------------------------
def test_an_identification_needs_an_age_or_a_band_that_agree() -> None:
    fields = {
        "id": "idn-1",
        "identified_by_provider_id": "vhsg-a",
        "to_provider_id": "ccwc-a",
        "source": "vhsg",
        "gender": "female",
        "risk": "high",
        "needs": ["counselling"],
        "village_code": "17010101",
        "created_by": "v",
        "created_at": NOW,
    }
    with pytest.raises(ValidationError):
        Identification.model_validate(fields)
    with pytest.raises(ValidationError):
        Identification.model_validate({**fields, "age": 16, "age_band": "12_14"})
    with pytest.raises(ValidationError):
        Identification.model_validate({**fields, "age": 9, "village_code": "170101"})
    found = Identification.model_validate({**fields, "age": 13})
    assert found.band is AgeBand.FROM_12_TO_14
    assert AgeBand.of(0) is AgeBand.UNDER_6 and AgeBand.of(24) is AgeBand.FROM_18_TO_24


def test_the_source_follows_the_kind_of_provider() -> None:
    assert source_of(ProviderKind.VHSG) is IdentificationSource.VHSG
    assert source_of(ProviderKind.SCHOOL) is IdentificationSource.TEACHER
    assert source_of(ProviderKind.HELPLINE) is IdentificationSource.HELPLINE
    assert source_of(ProviderKind.NGO) is IdentificationSource.OTHER
