"""Who may see and change meetings and actions: decided from the principal and the
object, read in the use case's own transaction.

* coordinators: meetings and actions of areas inside their own (a national coordinator:
  all); an area outside theirs is refused (403), a meeting or action outside it is not
  found (404);
* a provider's accounts (CCWC, provider, supervisor): the actions their provider owns —
  to see them and to report one done;
* administrators: actions that agree a pathway, to confirm it into the directory;
* the system (command line, seeding, tests): everything.
"""

from __future__ import annotations

from referral_graph.domain.errors import Forbidden, NotFound
from referral_graph.domain.meetings import Action, Meeting
from referral_graph.security.model import PROVIDER_ROLES, Principal, Role
from referral_graph.security.policy import coordinator_area, in_area


def meeting_area(principal: Principal, area: str | None) -> str | None:
    """The area a coordinator's question covers (their own when none is asked, 403
    outside it); others who may plan meetings (the system) pass through."""
    if principal.role not in (Role.COORDINATOR, Role.SYSTEM):
        raise Forbidden(f"A {principal.role.value} account does not run meetings.")
    return coordinator_area(principal, area)


def may_run(principal: Principal, area_code: str) -> bool:
    """Whether the principal plans, edits and closes meetings of this area."""
    if principal.role is Role.SYSTEM:
        return True
    return principal.role is Role.COORDINATOR and in_area(principal, area_code)


def meeting_seen(principal: Principal, meeting: Meeting | None, meeting_id: str) -> Meeting:
    """The meeting if the principal runs meetings of its area; else not found."""
    if meeting is None or not may_run(principal, meeting.area_code):
        raise NotFound("meeting", meeting_id)
    return meeting


def owns(principal: Principal, action: Action) -> bool:
    return principal.role in PROVIDER_ROLES and principal.provider_id == action.owner_provider_id


def action_seen(principal: Principal, action: Action | None, action_id: str) -> Action:
    """The action if the principal may see it (see the module); else not found."""
    if action is None:
        raise NotFound("action", action_id)
    if may_run(principal, action.area_code) or owns(principal, action):
        return action
    if principal.role is Role.ADMIN and action.pathway is not None:
        return action
    raise NotFound("action", action_id)
