"""Where children came from and which steps were relayed: two figures of the monthly
report (issue 18), pseudonymous like the rest.

* **Sources** — per source of identification (Primero's CP KPI): identifications sent
  to CCWCs in the month (accepted, declined, still waiting; median hours until a CCWC
  opened and decided them, and how many were opened within their deadline), and the
  referrals made in the month for cases of that source (a case the CCWC registered
  itself, with no identification, counts under ``ccwc``).
* **Relayed steps** — of the referrals made in the month, how many had a step recorded
  on the receiver's behalf (after it confirmed by phone or SMS), per step: counted
  apart, so that a network meeting sees how much of its timing rests on relayed steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.period import Period
from referral_graph.audit.stats import Durations, share
from referral_graph.domain.identification import Identification, IdentificationStatus
from referral_graph.domain.lifecycle import RELAYABLE, ReferralStatus
from referral_graph.domain.records import HopFact
from referral_graph.domain.vocabulary import IdentificationSource

#: The relayable steps in the order a handoff takes them.
RELAYED_ORDER = tuple(s for s in ReferralStatus if s in RELAYABLE)
#: Cases without an identification were registered by the CCWC itself.
SELF_REGISTERED = IdentificationSource.CCWC.value


class RelayedSteps(BaseModel):
    model_config = ConfigDict(frozen=True)

    referrals: int = 0
    relayed_referrals: int = 0
    relayed_share: float | None = None
    #: Relayed steps per step (zeros included).
    steps: dict[ReferralStatus, int] = {}


class SourceRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    identifications: int
    accepted: int
    declined: int
    waiting: int
    acknowledged_on_time: int
    hours_to_acknowledge: Durations
    hours_to_decide: Durations
    cases_referred: int
    referrals: int


class Sources(BaseModel):
    model_config = ConfigDict(frozen=True)

    identifications: int = 0
    rows: list[SourceRow] = []


def relayed_steps(made: Sequence[HopFact]) -> RelayedSteps:
    """Relayed steps of the referrals ``made`` (those made in the period)."""
    steps = dict.fromkeys(RELAYED_ORDER, 0)
    relayed = 0
    for f in made:
        if f.relayed_steps:
            relayed += 1
        for s in f.relayed_steps:
            status = ReferralStatus(s)
            if status in steps:
                steps[status] += 1
    return RelayedSteps(
        referrals=len(made),
        relayed_referrals=relayed,
        relayed_share=share(relayed, len(made)),
        steps=steps,
    )


def _hours(pairs: Sequence[tuple[datetime, datetime | None]]) -> Durations:
    taken = [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None]
    return Durations.of(taken)


def sources(
    made: Sequence[HopFact],
    identifications: Sequence[Identification],
    period: Period,
    *,
    min_cell: int = 0,
) -> Sources:
    """Per source: the ``identifications`` sent in ``period`` and the referrals
    ``made`` in it. A source with fewer than ``min_cell`` identifications and cases
    together is left out (a report that leaves the network)."""
    sent = [i for i in identifications if i.created_at in period]
    by_source: dict[str, list[Identification]] = defaultdict(list)
    for i in sent:
        by_source[i.source.value].append(i)
    referred: dict[str, list[HopFact]] = defaultdict(list)
    for f in made:
        referred[f.identification_source or SELF_REGISTERED].append(f)
    rows = []
    for source in sorted(set(by_source) | set(referred)):
        found = by_source.get(source, [])
        facts = referred.get(source, [])
        cases = len({f.case_id for f in facts})
        if len(found) + cases < min_cell:
            continue
        rows.append(
            SourceRow(
                source=source,
                identifications=len(found),
                accepted=sum(i.status is IdentificationStatus.ACCEPTED for i in found),
                declined=sum(i.status is IdentificationStatus.DECLINED for i in found),
                waiting=sum(i.status.waiting for i in found),
                acknowledged_on_time=sum(
                    i.acknowledged_at is not None
                    and i.due is not None
                    and i.acknowledged_at <= i.due.acknowledge
                    for i in found
                ),
                hours_to_acknowledge=_hours([(i.created_at, i.acknowledged_at) for i in found]),
                hours_to_decide=_hours([(i.created_at, i.decided_at) for i in found]),
                cases_referred=cases,
                referrals=len(facts),
            )
        )
    rows.sort(key=lambda r: (-(r.identifications + r.cases_referred), r.source))
    return Sources(identifications=len(sent), rows=rows)
