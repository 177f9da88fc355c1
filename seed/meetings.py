"""Sample network meetings: one past district meeting per programme district, with its
agenda and the actions it agreed — so that a newcomer opening the app sees the feature
(last month's meeting, its pack, actions carried into the next agenda, one overdue, one
done, one agreed pathway waiting for an administrator).

**Sample data**, invented: every meeting and action is marked ``synthetic`` and is removed
with the rest of the sample data (``Transaction.remove_sample_meetings``). It describes
no real meeting, and is created only where sample data is created — never with the
programme's directory alone.

The meetings are dated from the day they are seeded (``today``, by default today in
Phnom Penh): held four weeks before it, covering the month before that. Deterministic:
the same providers and day give the same records.

    meetings, actions = sample_meetings(providers, pathways, today=date(2026, 11, 25))
    store.write(lambda tx: tx.load_meetings(meetings, actions))   # or: load_sample_meetings
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from referral_graph.audit.groups import Label
from referral_graph.domain.areas import area_contains, gazetteer
from referral_graph.domain.meetings import (
    Action,
    ActionStatus,
    ActionStep,
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    Participant,
    PathwayProposal,
    Subject,
)
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.training import TrainingTopic
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.meetings.agenda import added_item
from referral_graph.meetings.wording import day_words, said
from referral_graph.store.port import Transaction
from seed.loader import load_programme

__all__ = ["load_sample_meetings", "programme_districts", "sample_meetings"]

TZ = ZoneInfo("Asia/Phnom_Penh")
#: How long before the seeding day the sample meetings were held.
HELD_BEFORE = timedelta(weeks=4)
ACTOR = "sample-data"
#: The provinces whose districts the programme works in (areas.yaml).
PROGRAMME_DISTRICTS: dict[str, tuple[str, ...] | None] = {
    "17": ("1701", "1702", "1703", "1712"),
    "16": ("1602", "1603"),
    "19": None,  # every district of Stung Treng
}


def programme_districts() -> list[str]:
    """The programme's districts, in code order."""
    found: list[str] = []
    for province, districts in PROGRAMME_DISTRICTS.items():
        if districts is None:
            districts = tuple(d.code for d in gazetteer().children(province))
        found += districts
    return sorted(found)


def _name(p: Provider) -> Label:
    return Label(en=p.name, km=p.name_km or p.name)


def _first(providers: Sequence[Provider], kind: ProviderKind) -> Provider | None:
    return next((p for p in providers if p.kind is kind), None)


def _proposal(
    local: Sequence[Provider], everyone: Sequence[Provider], agreed: set[tuple[str, str, str]]
) -> tuple[Provider, Provider, Service] | None:
    """A pathway the district's providers do not have yet: a CCWC or a school to a TPO
    counsellor, or a VHSG to a health centre."""
    counsellors = [p for p in everyone if p.kind is ProviderKind.NGO_COUNSELLOR]
    for sender in local:
        if sender.kind not in (ProviderKind.SCHOOL, ProviderKind.VHSG, ProviderKind.CCWC):
            continue
        targets = counsellors + [p for p in local if p.kind is ProviderKind.HEALTH_CENTRE]
        for receiver in targets:
            if receiver.id == sender.id or not receiver.serves_area(sender.area_code):
                continue
            for service in (Service.COUNSELLING, Service.PSYCHOLOGICAL_FIRST_AID):
                if service in receiver.services and (sender.id, receiver.id, service) not in agreed:
                    return sender, receiver, service
    return None


def _meeting_of(
    district: str,
    local: Sequence[Provider],
    everyone: Sequence[Provider],
    agreed: set[tuple[str, str, str]],
    today: date,
) -> tuple[Meeting, list[Action]]:
    held_on = today - HELD_BEFORE
    at = datetime.combine(held_on, time(9), tzinfo=TZ).astimezone(UTC)
    meeting_id = f"mtg-sample-{district}"
    hc = _first(local, ProviderKind.HEALTH_CENTRE)
    vhsg = _first(local, ProviderKind.VHSG)
    ccwc = _first(local, ProviderKind.CCWC)
    items: list[AgendaItem] = []
    plans: list[tuple[str, Provider, int, ActionStatus]] = []
    if hc is not None:
        words = {"provider": _name(hc)}
        items.append(
            AgendaItem(
                id=f"bottleneck:{hc.id}",
                kind=ItemKind.BOTTLENECK,
                subject=Subject(provider_id=hc.id),
                title=said("item_bottleneck", words, provider=hc.id),
                evidence=(
                    said(
                        "ev_bottleneck",
                        {"since": day_words(held_on - timedelta(days=30))},
                        handoffs=9,
                        since=(held_on - timedelta(days=30)).isoformat(),
                        past=4,
                        hours=61,
                        open=2,
                    ),
                ),
                proposal=said("prop_bottleneck", words, provider=hc.id),
            )
        )
        plans.append(
            ("Name a second focal person to acknowledge referrals", hc, -7, ActionStatus.OPEN)
        )
    if vhsg is not None:
        topic = TrainingTopic.PSYCHOLOGICAL_FIRST_AID
        items.append(
            AgendaItem(
                id=f"refreshers:{vhsg.id}",
                kind=ItemKind.REFRESHERS_DUE,
                subject=Subject(provider_id=vhsg.id, topic=topic),
                title=said("item_refreshers", {"provider": _name(vhsg)}, n=2, provider=vhsg.id),
                evidence=(said("ev_refresher", topic=topic.value, n=2, lapsed=1),),
                proposal=said("prop_refreshers", topic=topic.value),
            )
        )
        plans.append(
            ("Send the two volunteers to the next first-aid refresher", vhsg, 14, ActionStatus.OPEN)
        )
    items.append(
        added_item(
            f"added:{district}-followup",
            "Follow up children waiting for counselling since last month",
        )
    )
    if ccwc is not None:
        plans.append(
            (
                "Call the families of the children still waiting for counselling",
                ccwc,
                -20,
                ActionStatus.DONE,
            )
        )
    proposal = _proposal(local, everyone, agreed)
    pathway = None
    if proposal is not None:
        sender, receiver, service = proposal
        words = {"sender": _name(sender), "receiver": _name(receiver)}
        item_id = f"pathway:{sender.id}>{receiver.id}:{service.value}"
        items.append(
            AgendaItem(
                id=item_id,
                kind=ItemKind.NO_PATHWAY,
                subject=Subject(provider_id=sender.id, to_provider_id=receiver.id, service=service),
                title=said(
                    "item_no_pathway",
                    words,
                    n=3,
                    sender=sender.id,
                    receiver=receiver.id,
                    service=service.value,
                ),
                evidence=(said("ev_no_pathway", done=2, declined=0, open=1),),
                proposal=said(
                    "prop_no_pathway",
                    words,
                    sender=sender.id,
                    receiver=receiver.id,
                    service=service.value,
                ),
            )
        )
        pathway = (
            item_id,
            sender,
            PathwayProposal(
                from_provider_id=sender.id, to_provider_id=receiver.id, service=service
            ),
        )
    participants = tuple(
        Participant(provider_id=p.id, present=n % 4 != 3) for n, p in enumerate(local[:20])
    )
    meeting = Meeting(
        id=meeting_id,
        level=MeetingLevel.DISTRICT,
        area_code=district,
        held_on=held_on,
        place="District office meeting room",
        chaired_by="District CCWC network chair",
        participants=participants,
        period_since=held_on - timedelta(days=30),
        agenda=tuple(items),
        agenda_built_at=at - timedelta(days=2),
        status=MeetingStatus.CLOSED,
        closed_at=at + timedelta(hours=3),
        closed_by=ACTOR,
        created_by=ACTOR,
        created_at=at - timedelta(days=2),
        updated_at=at + timedelta(hours=3),
        synthetic=True,
        version=4,
    )
    actions = []
    by_owner = {i.subject.provider_id: i.id for i in items if i.subject.provider_id}
    for n, (text, owner, due_in, status) in enumerate(plans, start=1):
        history = [ActionStep(at=at, actor=ACTOR, status=ActionStatus.OPEN, meeting_id=meeting_id)]
        if status is ActionStatus.DONE:
            history.append(ActionStep(at=at + timedelta(days=5), actor=ACTOR, status=status))
        actions.append(
            Action(
                id=f"act-sample-{district}-{n}",
                meeting_id=meeting_id,
                item_id=by_owner.get(owner.id),
                subject=Subject(provider_id=owner.id),
                text=text,
                owner_provider_id=owner.id,
                due_on=today + timedelta(days=due_in),
                area_code=district,
                status=status,
                history=tuple(history),
                created_by=ACTOR,
                created_at=at,
                updated_at=history[-1].at,
                synthetic=True,
                version=len(history),
            )
        )
    if pathway is not None:
        item_id, sender, proposal_made = pathway
        actions.append(
            Action(
                id=f"act-sample-{district}-pathway",
                meeting_id=meeting_id,
                item_id=item_id,
                subject=Subject(
                    provider_id=sender.id,
                    to_provider_id=proposal_made.to_provider_id,
                    service=proposal_made.service,
                ),
                text="Agree this pathway and ask the administrator to add it",
                owner_provider_id=sender.id,
                due_on=today + timedelta(days=7),
                area_code=district,
                pathway=proposal_made,
                history=(
                    ActionStep(at=at, actor=ACTOR, status=ActionStatus.OPEN, meeting_id=meeting_id),
                ),
                created_by=ACTOR,
                created_at=at,
                updated_at=at,
                synthetic=True,
            )
        )
    return meeting, actions


def sample_meetings(
    providers: Sequence[Provider] | None = None,
    pathways: Sequence[Pathway] | None = None,
    *,
    today: date | None = None,
) -> tuple[list[Meeting], list[Action]]:
    """One closed district meeting per programme district, held four weeks before
    ``today``, with 3–4 actions each (see the module); marked synthetic."""
    if providers is None or pathways is None:
        providers, pathways = load_programme()
    day = today or datetime.now(TZ).date()
    agreed: set[tuple[str, str, str]] = set()
    for w in pathways:
        agreed.add((w.from_provider_id, w.to_provider_id, w.service.value))
    active = [p for p in providers if p.active]
    meetings: list[Meeting] = []
    actions: list[Action] = []
    for district in programme_districts():
        local = sorted(
            (p for p in active if area_contains(district, p.area_code)), key=lambda p: p.id
        )
        if not local:
            continue
        meeting, agreed_here = _meeting_of(district, local, active, agreed, day)
        meetings.append(meeting)
        actions += agreed_here
    return meetings, actions


def load_sample_meetings(tx: Transaction, today: date | None = None) -> int:
    """Write the sample meetings (the programme's directory must be in the store, and
    the people it names none); rows written. Running it again replaces them."""
    meetings, actions = sample_meetings(today=today)
    return tx.load_meetings(meetings, actions)
