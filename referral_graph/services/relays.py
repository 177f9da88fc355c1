"""The receiver's answer to a step someone else recorded for it: a dispute.

When the sender, an overseer or a coordinator relays a receiver's step ("relayed by …,
confirmed by phone"), the receiver sees it marked in its inbox and on the case's path,
and may dispute it: the dispute is a ``step_disputed`` event on the case's timeline
(with the receiver's words, which only the handoff's ends and the case's CCWC read),
and an outbox message tells the relayer (and, through webhooks, whoever follows the
area). The step itself stays on record: history is never rewritten.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput
from referral_graph.domain.lifecycle import Party, ReferralStatus
from referral_graph.domain.models import CaseEvent, CaseEventKind
from referral_graph.security.policy import party_of
from referral_graph.services.access import referral_seen
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import disputes_of
from referral_graph.store.port import OutboxMessage, Transaction


class StepDispute(BaseModel):
    """What the receiver says about a step recorded on its behalf."""

    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus = Field(description="The step recorded on your behalf.")
    note: str = Field(min_length=1, max_length=1000, description="What is not right about it.")


def dispute_step(caller: Caller, referral_id: str, dispute: StepDispute) -> CaseEvent:
    """Dispute a step of the referral someone else recorded for the caller's provider
    (the receiver). 404 outside the case; 403 for anyone but the receiver; 422 if the
    step was not relayed; 409 if it is disputed already."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> CaseEvent:
        seen = referral_seen(tx, caller.principal, referral_id)
        referral, case = seen.referral, seen.case
        receiver = tx.get_provider(referral.to_provider_id)
        party = party_of(caller.principal, referral, case, receiver)
        if party not in (None, Party.RECEIVER):
            raise Forbidden(
                "Only the receiver of a referral disputes a step recorded on its behalf.",
                field="status",
            )
        mark = referral.relayed.get(dispute.status)
        if mark is None:
            raise InvalidInput(
                f"The step to {dispute.status.value!r} was not recorded on the receiver's "
                "behalf; only a relayed step can be disputed.",
                field="status",
            )
        if any(d.step is dispute.status for d in disputes_of(case, referral_id)):
            raise Conflict(f"The step to {dispute.status.value!r} is disputed already.")
        event = CaseEvent(
            at=now,
            actor=actor,
            kind=CaseEventKind.STEP_DISPUTED,
            referral_id=referral_id,
            step=dispute.status,
            note=dispute.note.strip(),
        )
        tx.save_case(
            case.model_copy(
                update={"history": (*case.history, event), "version": case.version + 1}
            ),
            case.version,
        )
        notify = [p for p in (mark.by_provider_id, referral.from_provider_id) if p]
        tx.enqueue(
            OutboxMessage(
                id=f"msg_{referral_id}_{dispute.status.value}_disputed",
                topic="referral.step_disputed",
                payload={
                    "referral_id": referral_id,
                    "case_id": case.id,
                    "to_provider_id": referral.to_provider_id,
                    "step": dispute.status.value,
                    "relayed_by": mark.by,
                    "relay_channel": mark.channel.value,
                    "disputed_by": actor,
                    "notify": list(dict.fromkeys(notify)),
                    "at": now.isoformat(),
                },
                created_at=now,
            )
        )
        return event

    return caller.store.write(work)
