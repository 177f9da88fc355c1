"""Identifications in the work queue (issues #17 and #18): a child a VHSG, a teacher, a
health centre or the helpline identified waits in the commune CCWC's queue until the
CCWC accepts it as a case or declines it; the coordinators of the child's area see
those past their deadline. A producer the queue runs in its own transaction
(``services.queue.register``), registered when this module is imported (the API and
the web app import it with their routers).
"""

from __future__ import annotations

from referral_graph.domain.identification import Identification
from referral_graph.domain.queries import IdentificationQuery, Page
from referral_graph.security.model import Role
from referral_graph.security.policy import NATIONAL
from referral_graph.services import queue
from referral_graph.services.identifications import WAITING
from referral_graph.services.queue import NextStep, QueueContext, QueueItem

#: The queue's kind for an identification waiting to be accepted or declined.
KIND = "identification"
#: At most this many per queue (a CCWC has a handful; an area's late ones are few).
LIMIT = 200


def _item(found: Identification, context: QueueContext) -> QueueItem:
    due = found.pending_due_at
    return QueueItem(
        kind=KIND,
        identification_id=found.id,
        risk=found.risk,
        since=found.created_at,
        provider_id=found.identified_by_provider_id,
        due_at=due,
        late=due is not None and due < context.now,
        next_steps=[
            NextStep(
                action="open_identification",
                method="GET",
                href=f"/api/v1/identifications/{found.id}",
            )
        ],
    )


@queue.register
def identification_items(context: QueueContext) -> list[QueueItem]:
    """For a CCWC, every identification sent to it (or to a CCWC it answers for) and
    not yet accepted or declined; for a coordinator, those of its area past their
    deadline."""
    principal = context.principal
    if principal.role is Role.CCWC:
        found = [
            i
            for pid in sorted(context.mine)
            for i in context.tx.list_identifications(
                IdentificationQuery(to_provider_id=pid, statuses=WAITING), Page(limit=LIMIT)
            ).items
        ]
        return [_item(i, context) for i in found]
    if principal.role is Role.COORDINATOR and principal.area_code is not None:
        area = None if principal.area_code == NATIONAL else principal.area_code
        query = IdentificationQuery(area=area, statuses=WAITING)
        found = context.tx.list_identifications(query, Page(limit=LIMIT)).items
        items = [_item(i, context) for i in found]
        return [i for i in items if i.late]
    return []
