"""The server the browser tests drive: the real API app with the web app mounted at
/app, over a SQLite store in a temporary folder, seeded with the programme network, one
account per role and a little history (a finished hop for the delay figures, an overdue
handoff, one due soon).

Run it as ``uvicorn --factory tests.e2e.server_app:make_app`` with ``E2E_DATA_DIR`` set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from api.web import create_web_app
from referral_graph.bootstrap import Runtime, build_runtime
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Consent, utc_now
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.security.model import Role
from referral_graph.services import cases, referrals
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.settings import Settings
from seed.seeding import seed_programme

PASSWORD = "e2e-password-1"
CCWC, HEALTH_CENTRE, COUNSELLOR = "ccwc-170101", "hc-170101", "tpo-counsellor-17-1"
VILLAGE = "17010101"
SLOW_RECEIVER = "hc-170102"

#: username → (role, provider, area)
USERS: dict[str, tuple[Role, str | None, str | None]] = {
    "e2e-ccwc": (Role.CCWC, CCWC, None),
    "e2e-ccwc-other": (Role.CCWC, "ccwc-170102", None),
    "e2e-hc": (Role.PROVIDER, HEALTH_CENTRE, None),
    "e2e-tpo": (Role.PROVIDER, COUNSELLOR, None),
    "e2e-coord": (Role.COORDINATOR, None, "17"),
    "e2e-coord-rtk": (Role.COORDINATOR, None, "16"),
    "e2e-admin": (Role.ADMIN, None, None),
    # issue 18: a VHSG volunteer of Char Chhuk and TPO's clinical supervisor (who
    # oversees the health centres)
    "e2e-vhsg": (Role.PROVIDER, "vhsg-170101", None),
    "e2e-sup": (Role.SUPERVISOR, "tpo-supervisor", None),
}


#: The languages the relay browser test runs in, each with a referral of its own.
RELAY_LANGS = ("en", "km")


def relay_reason(lang: str) -> str:
    """The reason of the referral the relay browser test relays in ``lang``."""
    return f"Check-up; the link is down ({lang})"


@dataclass
class ShiftableClock:
    """The wall clock, shifted by ``offset`` (the seed writes history in the past)."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return utc_now() + self.offset


def _history(runtime: Runtime, clock: ShiftableClock) -> None:
    store = runtime.store

    def at(ago: timedelta) -> datetime:
        clock.offset = -ago
        return runtime.now()

    def open_case(ago: timedelta, risk: RiskLevel, needs: set[Service]) -> str:
        now = at(ago)
        consent = Consent(given_by="caregiver", recorded_by="e2e-ccwc", recorded_at=now)
        opening = CaseOpening(
            opened_by_provider_id=CCWC,
            age=14,
            gender=Gender.FEMALE,
            risk=risk,
            needs=sorted(needs),
            village_code=VILLAGE,
            consent=consent,
        )
        return cases.open_case(Caller.system(store, now, "e2e-ccwc"), opening).id

    def refer(case_id: str, ago: timedelta, to: str, service: Service) -> str:
        request = ReferralRequest(
            case_id=case_id,
            from_provider_id=CCWC,
            to_provider_id=to,
            service=service,
            reason="Seeded for the browser tests",
            recommendation_rank=1,
        )
        return referrals.make_referral(Caller.system(store, at(ago), "e2e-ccwc"), request).id

    def step(ref: str, ago: timedelta, status: ReferralStatus, **text: str) -> None:
        referrals.move_referral(
            Caller.system(store, at(ago), "e2e-hc"), ref, Step(status=status, **text)
        )

    days = timedelta(days=1)
    hours = timedelta(hours=1)
    # A finished hop: acknowledged after 2 h, accepted after 5 h, first contact after 20 h.
    done = open_case(3 * days, RiskLevel.HIGH, {Service.PSYCHOLOGICAL_FIRST_AID})
    ref = refer(done, 3 * days, HEALTH_CENTRE, Service.PSYCHOLOGICAL_FIRST_AID)
    step(ref, 3 * days - 2 * hours, ReferralStatus.RECEIVED)
    step(ref, 3 * days - 5 * hours, ReferralStatus.ACCEPTED)
    step(ref, 3 * days - 20 * hours, ReferralStatus.IN_PROGRESS)
    step(ref, 1 * days, ReferralStatus.COMPLETED, outcome="First aid given")
    # Overdue: a high-risk handoff nobody acknowledged for 30 hours (deadline 4 h).
    late = open_case(30 * hours, RiskLevel.HIGH, {Service.COUNSELLING})
    refer(late, 30 * hours, HEALTH_CENTRE, Service.COUNSELLING)
    # A slow link and a bottleneck for the network picture: two high-risk handoffs to
    # Doun Paeng health centre nobody acknowledged (26 and 28 hours, deadline 4 h).
    for ago in (28, 26):
        stuck = open_case(ago * hours, RiskLevel.HIGH, {Service.MEDICAL_CARE})
        refer(stuck, ago * hours, SLOW_RECEIVER, Service.MEDICAL_CARE)
    # Due soon: an emergency referred 45 minutes ago (acknowledge within 1 h).
    soon = open_case(45 * timedelta(minutes=1), RiskLevel.EMERGENCY, {Service.POST_RAPE_CARE})
    refer(soon, 45 * timedelta(minutes=1), HEALTH_CENTRE, Service.POST_RAPE_CARE)
    # Issue 18: one referral per language that the health centre will confirm by phone
    # (the link being down) and the CCWC will relay, 5 hours after it was made.
    for lang in RELAY_LANGS:
        phoned = open_case(5 * hours, RiskLevel.MEDIUM, {Service.MEDICAL_CARE})
        referrals.make_referral(
            Caller.system(store, at(5 * hours), "e2e-ccwc"),
            ReferralRequest(
                case_id=phoned,
                from_provider_id=CCWC,
                to_provider_id=HEALTH_CENTRE,
                service=Service.MEDICAL_CARE,
                reason=relay_reason(lang),
            ),
        )
    clock.offset = timedelta()


def build(data_dir: Path) -> tuple[FastAPI, Runtime, ShiftableClock]:
    settings = Settings(
        seed_on_start=False,
        sqlite_path=data_dir / "e2e.sqlite3",
        tick_seconds=0,
        demo_users=False,
        rate_limit_per_minute=100_000,
    )
    clock = ShiftableClock()
    runtime = build_runtime(settings, clock=clock)
    seed_programme(runtime.store)
    for username, (role, provider_id, area) in USERS.items():
        create_user(
            Caller.system(runtime.store, runtime.now()),
            NewUser(
                username=username,
                password=PASSWORD,
                role=role,
                provider_id=provider_id,
                area_code=area,
            ),
        )
    _history(runtime, clock)
    app = create_app(runtime)
    app.mount("/app", create_web_app(lambda: app.state.runtime))
    return app, runtime, clock


def make_app() -> FastAPI:
    data_dir = Path(os.environ["E2E_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    app, _runtime, _clock = build(data_dir)
    return app
