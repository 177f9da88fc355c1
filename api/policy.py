"""Which roles may call each route, and which routes read case data (and so are logged).

Every route of the app must have a rule here: the app refuses to start otherwise, and
the authorisation matrix test walks this table. A rule lets a role call the route;
which objects it then sees is decided per object (``referral_graph.security.policy``),
and a foreign object answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.security.model import Role

C, P, S, K, A = Role.CCWC, Role.PROVIDER, Role.SUPERVISOR, Role.COORDINATOR, Role.ADMIN
EVERYONE = frozenset({C, P, S, K, A})
CASE_WORKERS = frozenset({C, P, S})


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[Role] | None  # None: public
    case_data: bool = False  # reads of case data go to the access log

    @property
    def public(self) -> bool:
        return self.roles is None


PUBLIC = Rule(None)

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): Rule(frozenset({A})),  # Prometheus scrapes with an admin API token
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("POST", "/api/v1/auth/refresh"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): Rule(EVERYONE),
    ("GET", "/api/v1/auth/me"): Rule(EVERYONE),
    # accounts
    ("GET", "/api/v1/users"): Rule(frozenset({A})),
    ("POST", "/api/v1/users"): Rule(frozenset({A})),
    ("GET", "/api/v1/users/{user_id}"): Rule(frozenset({A})),
    ("POST", "/api/v1/users/{user_id}/deactivate"): Rule(frozenset({A})),
    ("POST", "/api/v1/users/{user_id}/api-tokens"): Rule(frozenset({A})),
    ("GET", "/api/v1/users/{user_id}/api-tokens"): Rule(frozenset({A})),
    ("DELETE", "/api/v1/users/{user_id}/api-tokens/{token_id}"): Rule(frozenset({A})),
    ("GET", "/api/v1/access-log"): Rule(frozenset({A})),
    # directory: everyone reads, admins write
    ("GET", "/api/v1/providers"): Rule(EVERYONE),
    ("POST", "/api/v1/providers"): Rule(frozenset({A})),
    ("GET", "/api/v1/providers/{provider_id}"): Rule(EVERYONE),
    ("PATCH", "/api/v1/providers/{provider_id}"): Rule(frozenset({A})),
    ("DELETE", "/api/v1/providers/{provider_id}"): Rule(frozenset({A})),
    ("GET", "/api/v1/providers/{provider_id}/inbox"): Rule(CASE_WORKERS, case_data=True),
    ("GET", "/api/v1/pathways"): Rule(EVERYONE),
    ("POST", "/api/v1/pathways"): Rule(frozenset({A})),
    ("GET", "/api/v1/pathways/{pathway_id}"): Rule(EVERYONE),
    ("GET", "/api/v1/directory/hsds"): Rule(EVERYONE),
    ("POST", "/api/v1/directory/import"): Rule(frozenset({A})),
    ("POST", "/api/v1/directory/hsds-import"): Rule(frozenset({A})),
    ("GET", "/api/v1/coverage"): Rule(EVERYONE),
    ("GET", "/api/v1/coverage/gaps"): Rule(frozenset({K, A})),
    # cases and referrals
    ("POST", "/api/v1/cases"): Rule(frozenset({C})),
    ("GET", "/api/v1/cases/{case_id}"): Rule(CASE_WORKERS | {K}, case_data=True),
    ("PUT", "/api/v1/cases/{case_id}/consent"): Rule(frozenset({C})),
    ("POST", "/api/v1/cases/{case_id}/close"): Rule(frozenset({C})),
    # case life and the work queue (#17)
    ("PATCH", "/api/v1/cases/{case_id}"): Rule(frozenset({C})),
    ("PUT", "/api/v1/cases/{case_id}/follow-up"): Rule(frozenset({C})),
    ("POST", "/api/v1/cases/{case_id}/follow-ups"): Rule(frozenset({C})),
    ("POST", "/api/v1/cases/{case_id}/reopen"): Rule(frozenset({C})),
    ("GET", "/api/v1/cases/{case_id}/timeline"): Rule(CASE_WORKERS | {K}, case_data=True),
    ("GET", "/api/v1/queue"): Rule(CASE_WORKERS | {K}, case_data=True),
    ("GET", "/api/v1/reason-codes"): Rule(EVERYONE),
    ("GET", "/api/v1/cases/{case_id}/path"): Rule(CASE_WORKERS | {K}, case_data=True),
    ("GET", "/api/v1/cases/{case_id}/recommendations"): Rule(frozenset({C, P}), case_data=True),
    ("POST", "/api/v1/referrals"): Rule(frozenset({C, P})),
    ("GET", "/api/v1/referrals/{referral_id}"): Rule(CASE_WORKERS | {K}, case_data=True),
    # transitions: supervisors relay the steps of the providers they oversee (#18)
    ("POST", "/api/v1/referrals/{referral_id}/transitions"): Rule(frozenset({C, P, S, K})),
    ("GET", "/fhir/Task/{task_id}"): Rule(CASE_WORKERS, case_data=True),
    ("GET", "/fhir/ServiceRequest/{request_id}"): Rule(CASE_WORKERS, case_data=True),
    ("GET", "/fhir/Bundle"): Rule(frozenset({C}), case_data=True),
    ("GET", "/fhir/Task"): Rule(CASE_WORKERS, case_data=True),
    ("GET", "/fhir/ServiceRequest"): Rule(CASE_WORKERS, case_data=True),
    ("PUT", "/fhir/Task/{task_id}"): Rule(frozenset({C, P})),  # a partner moves its handoff
    ("GET", "/fhir/metadata"): PUBLIC,
    ("GET", "/fhir/StructureDefinition"): PUBLIC,
    ("GET", "/fhir/StructureDefinition/{definition_id}"): PUBLIC,
    ("GET", "/fhir/{resource_type}"): PUBLIC,  # OperationOutcome 404: not served here
    ("GET", "/fhir/{resource_type}/{resource_id}"): PUBLIC,
    # field realities (#18): intake by whoever identifies the child, disputes of relayed
    # steps, the incident clock
    ("POST", "/api/v1/identifications"): Rule(frozenset({C, P})),
    ("GET", "/api/v1/identifications"): Rule(frozenset({C, P, K}), case_data=True),
    ("GET", "/api/v1/identifications/{identification_id}"): Rule(
        frozenset({C, P, K}), case_data=True
    ),
    ("POST", "/api/v1/identifications/{identification_id}/accept"): Rule(frozenset({C})),
    ("POST", "/api/v1/identifications/{identification_id}/decline"): Rule(frozenset({C})),
    ("POST", "/api/v1/referrals/{referral_id}/disputes"): Rule(frozenset({C, P})),
    ("PUT", "/api/v1/cases/{case_id}/incident"): Rule(frozenset({C})),
    ("GET", "/api/v1/cases/{case_id}/care-windows"): Rule(CASE_WORKERS | {K}, case_data=True),
    # timeliness and audit
    ("GET", "/api/v1/sla-policy"): Rule(EVERYONE),
    ("PUT", "/api/v1/sla-policy"): Rule(frozenset({A})),
    ("GET", "/api/v1/audit/overdue"): Rule(frozenset({K}), case_data=True),
    ("GET", "/api/v1/audit/due-soon"): Rule(frozenset({K}), case_data=True),
    # alerts to people: each role's share is decided per alert (services/alerts.py)
    ("GET", "/api/v1/alerts"): Rule(frozenset({C, P, S, K})),
    ("POST", "/api/v1/alerts/{alert_id}/seen"): Rule(frozenset({C, P, S, K})),
    ("GET", "/api/v1/me/notification-settings"): Rule(frozenset({C, P, S, K})),
    ("PUT", "/api/v1/me/notification-settings"): Rule(frozenset({C, P, S, K})),
    ("GET", "/api/v1/users/{user_id}/notification-settings"): Rule(frozenset({A})),
    ("PUT", "/api/v1/users/{user_id}/notification-settings"): Rule(frozenset({A})),
    ("POST", "/api/v1/timeliness/tick"): Rule(frozenset({A})),
    ("GET", "/api/v1/outbox/dead-letters"): Rule(frozenset({K, A})),
    ("POST", "/api/v1/outbox/{message_id}/requeue"): Rule(frozenset({K, A})),
    ("GET", "/api/v1/audit/delays"): Rule(frozenset({K})),
    ("GET", "/api/v1/audit/bottlenecks"): Rule(frozenset({K})),
    ("GET", "/api/v1/audit/loops"): Rule(frozenset({K})),
    ("GET", "/api/v1/audit/declines"): Rule(frozenset({K})),
    ("GET", "/api/v1/audit/measures"): Rule(frozenset({K})),
    ("GET", "/api/v1/audit/report"): Rule(frozenset({K})),
    # capacity building: not case data. Whose people a role reaches is checked per object
    # (referral_graph/services/capacity/common.py: provider_reach).
    ("GET", "/api/v1/providers/{provider_id}/people"): Rule(EVERYONE),
    ("POST", "/api/v1/providers/{provider_id}/people"): Rule(EVERYONE),
    ("GET", "/api/v1/people/{person_id}"): Rule(EVERYONE),
    ("PATCH", "/api/v1/people/{person_id}"): Rule(EVERYONE),
    ("GET", "/api/v1/people/{person_id}/competencies"): Rule(EVERYONE),
    ("GET", "/api/v1/people/{person_id}/supervisees"): Rule(EVERYONE),
    ("GET", "/api/v1/trainings"): Rule(frozenset({S, K, A})),
    ("POST", "/api/v1/trainings"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/trainings/{session_id}"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/trainings/{session_id}/attendance"): Rule(frozenset({S, K, A})),
    ("POST", "/api/v1/trainings/{session_id}/attendance"): Rule(frozenset({S, K, A})),
    ("POST", "/api/v1/trainings/attendance-import"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/coaching"): Rule(frozenset({S, K, A})),
    ("POST", "/api/v1/coaching"): Rule(frozenset({S, K})),
    ("GET", "/api/v1/coaching/overdue"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/awareness-sessions"): Rule(EVERYONE),
    ("POST", "/api/v1/awareness-sessions"): Rule(frozenset({C, P, S, K})),
    ("GET", "/api/v1/awareness-sessions/summary"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/capacity"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/capacity/competencies"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/capacity/lapsing"): Rule(frozenset({S, K, A})),
    ("GET", "/api/v1/capacity-policy"): Rule(EVERYONE),
    ("PUT", "/api/v1/capacity-policy"): Rule(frozenset({A})),  # national, like the SLA policy
    # network meetings (issue #19): coordinators run them within their area; the agenda
    # and pack name children by case code, so their reads are logged
    ("GET", "/api/v1/meetings"): Rule(frozenset({K})),
    ("POST", "/api/v1/meetings"): Rule(frozenset({K})),
    ("GET", "/api/v1/meetings/agenda"): Rule(frozenset({K}), case_data=True),
    ("GET", "/api/v1/meetings/{meeting_id}"): Rule(frozenset({K}), case_data=True),
    ("PATCH", "/api/v1/meetings/{meeting_id}"): Rule(frozenset({K})),
    ("PUT", "/api/v1/meetings/{meeting_id}/agenda"): Rule(frozenset({K})),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/refresh"): Rule(frozenset({K})),
    ("PUT", "/api/v1/meetings/{meeting_id}/attendance"): Rule(frozenset({K})),
    ("POST", "/api/v1/meetings/{meeting_id}/actions"): Rule(frozenset({K})),
    ("POST", "/api/v1/meetings/{meeting_id}/close"): Rule(frozenset({K})),
    ("GET", "/api/v1/meetings/{meeting_id}/pack"): Rule(frozenset({K}), case_data=True),
    # actions: their owners (a provider's accounts), the area's coordinators, and the
    # administrators who confirm agreed pathways (which objects: services.meetings.access)
    ("GET", "/api/v1/meeting-actions"): Rule(EVERYONE),
    ("GET", "/api/v1/meeting-actions/mine"): Rule(EVERYONE),
    ("GET", "/api/v1/meeting-actions/{action_id}"): Rule(EVERYONE),
    ("POST", "/api/v1/meeting-actions/{action_id}/status"): Rule(frozenset({C, P, S, K})),
    ("POST", "/api/v1/meeting-actions/{action_id}/confirm-pathway"): Rule(frozenset({A})),
}


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get((method, path))
