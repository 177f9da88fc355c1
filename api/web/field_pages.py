"""What the case page and the inbox add for issue 18: per hop, the steps relayed for
the receiver (with its disputes), the steps the caller may relay, the steps the
receiver may dispute; and the notes shown after those forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.web.field_views import (
    RELAY_LABELS,
    RelayMark,
    disputable,
    own_choices,
    relay_choices,
    relay_marks,
)
from api.web.i18n import Lang, label, t
from referral_graph.domain.lifecycle import Party, ReferralStatus
from referral_graph.domain.models import Case, Referral
from referral_graph.security.model import Principal
from referral_graph.security.policy import Access, party_of
from referral_graph.services.access import SeenCase


@dataclass(frozen=True, slots=True)
class HopExtras:
    """What one hop shows and offers beyond its steps."""

    marks: dict[ReferralStatus, RelayMark] = field(default_factory=dict)
    relay: list[ReferralStatus] = field(default_factory=list)  # the caller may relay
    earlier: list[ReferralStatus] = field(default_factory=list)  # the receiver's, backdated
    dispute: list[ReferralStatus] = field(default_factory=list)  # the caller may dispute
    show_notes: bool = False  # dispute notes: the case's CCWC and the handoff's ends


def extras_of(
    referral: Referral, case: Case, party: Party | None, *, may_step: bool, access: Access
) -> HopExtras:
    """What a hop adds for the caller, whose ``party`` in it is known."""
    marks = relay_marks(referral, case.history)
    return HopExtras(
        marks=marks,
        relay=relay_choices(referral, party) if may_step else [],
        earlier=own_choices(referral, party) if may_step else [],
        dispute=disputable(marks, party),
        show_notes=access is not Access.PSEUDONYMOUS
        and (access is Access.FULL or party in (Party.SENDER, Party.RECEIVER)),
    )


def hop_extras(seen: SeenCase, principal: Principal, may_step: bool) -> dict[str, HopExtras]:
    """Each visible hop of a case, by referral id."""
    return {
        r.id: extras_of(
            r,
            seen.case,
            party_of(principal, r, seen.case, seen.providers.get(r.to_provider_id)),
            may_step=may_step,
            access=seen.access,
        )
        for r in seen.referrals
    }


#: Notes after a form of issue 18 (``done`` codes), and the errors it may come back with.
FLASHES = {"disputed", "incident", "from_identification", "declined_identification"}
ERRORS = {
    "err_relay_time",
    "err_dispute",
    "err_dispute_note",
    "err_incident_time",
    "err_conflict_identification",
}


def field_flash(lang: Lang, done: str | None, step: str | None = None) -> str | None:
    if done in ("relayed", "earlier") and step in {s.value for s in RELAY_LABELS}:
        key = "relayed_ok" if done == "relayed" else "earlier_ok"
        return t(key, lang, step=label("step", str(step), lang))
    if done in FLASHES:
        return t(f"done_{done}", lang)
    return None


def field_error(lang: Lang, err: str | None) -> str | None:
    return t(err, lang) if err in ERRORS else None
