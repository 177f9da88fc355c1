"""A sample case walked through the programme network (``referral-graph demo``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from referral_graph.domain.errors import NotFound
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Consent, Provider, utc_now
from referral_graph.domain.paths import Hop
from referral_graph.domain.vocabulary import Gender, ProviderKind, RiskLevel, Service
from referral_graph.services import cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.store.port import Page, ProviderQuery, Store

ANGKOR_CHUM = "1701"
S = ReferralStatus


def _first(store: Store, query: ProviderQuery) -> Provider:
    listing = store.read(lambda tx: tx.list_providers(query, Page(limit=1)))
    if not listing.items:
        raise NotFound("provider", f"{query.kind} in {query.area}")
    return listing.items[0]


def run_demo(store: Store, start: datetime) -> tuple[Case, list[Hop]]:
    """Open a case, refer it twice and walk each hop to completion, in simulated time."""
    clock = [start]

    def later(**delta: float) -> datetime:
        clock[0] += timedelta(**delta)
        return clock[0]

    ccwc = _first(store, ProviderQuery(area=ANGKOR_CHUM, kind=ProviderKind.CCWC, active=True))
    village = next(v for v in _villages(ccwc.area_code))
    health_centre = _first(
        store,
        ProviderQuery(
            area=ANGKOR_CHUM,
            kind=ProviderKind.HEALTH_CENTRE,
            service=Service.PSYCHOLOGICAL_FIRST_AID,
            active=True,
        ),
    )
    counsellor = _first(
        store,
        ProviderQuery(
            area=ANGKOR_CHUM,
            kind=ProviderKind.NGO_COUNSELLOR,
            service=Service.COUNSELLING,
            age=15,
            gender=Gender.FEMALE,
            active=True,
        ),
    )
    opening = CaseOpening(
        opened_by_provider_id=ccwc.id,
        age=15,
        gender=Gender.FEMALE,
        risk=RiskLevel.HIGH,
        needs=[Service.PSYCHOLOGICAL_FIRST_AID, Service.COUNSELLING],
        village_code=village,
        consent=Consent(given_by="caregiver", recorded_by="demo-ccwc", recorded_at=clock[0]),
        note="Demo case made by `referral-graph demo`.",
    )
    case = cases.open_case(Caller.system(store, clock[0], "demo-ccwc"), opening)
    first = referrals.make_referral(
        Caller.system(store, later(minutes=20), "demo-ccwc"),
        ReferralRequest(
            case_id=case.id,
            from_provider_id=ccwc.id,
            to_provider_id=health_centre.id,
            service=Service.PSYCHOLOGICAL_FIRST_AID,
            reason="Distress after violence at home; needs first aid and follow-up.",
        ),
    )
    _walk(store, first.id, later, "demo-health-centre", hours=(1.5, 0.5, 3, 2))
    onward = referrals.make_referral(
        Caller.system(store, later(hours=1), "demo-health-centre"),
        ReferralRequest(
            case_id=case.id,
            from_provider_id=health_centre.id,
            to_provider_id=counsellor.id,
            service=Service.COUNSELLING,
            reason="Needs professional counselling after first aid.",
            continues_referral_id=first.id,
        ),
    )
    _walk(store, onward.id, later, "demo-tpo-counsellor", hours=(2, 1, 20, 6))
    return case, referrals.case_path(Caller.system(store, utc_now()), case.id)


def _walk(
    store: Store,
    referral_id: str,
    later: Callable[..., datetime],
    actor: str,
    hours: tuple[float, float, float, float],
) -> None:
    steps = (
        Step(status=S.RECEIVED),
        Step(status=S.ACCEPTED),
        Step(status=S.IN_PROGRESS, note="First contact made."),
        Step(status=S.COMPLETED, outcome="Service given; follow-up at the monthly meeting."),
    )
    for step, wait in zip(steps, hours, strict=True):
        now = later(hours=wait)
        referrals.move_referral(Caller.system(store, now, actor), referral_id, step)


def _villages(commune_code: str) -> list[str]:
    from referral_graph.domain.areas import gazetteer
    from referral_graph.domain.vocabulary import AreaLevel

    area = gazetteer().area(commune_code)
    return [a.code for a in gazetteer().within(area.code, AreaLevel.VILLAGE)]
