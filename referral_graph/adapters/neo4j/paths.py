"""A case's referral path with the time each step of each hop took, in one Cypher query.

The port answers the same question with ``case_referrals`` and
:func:`referral_graph.domain.paths.build_path` (the referrals, then the arithmetic in
Python); this is the Neo4j-only form, for the benchmark and for readers of
``docs/graph-model.md``: the case, its referrals in path order, the onward link to the
referral each continues, and ``duration.inSeconds`` per measured step, in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j.time import Duration

#: One row per existing case (none for an unknown id): its hops in path order (the
#: aggregation answers an empty list for a case without referrals). The steps
#: are those of :data:`referral_graph.domain.paths.MEASURED_STEPS`, from the step-time
#: columns of each referral; ``since_previous`` is the wait between the referral it
#: continues being made and this one.
CASE_PATH: LiteralString = """
MATCH (c:Case {id: $id})
CALL (c) {
  MATCH (c)<-[:FOR]-(r:Referral)
  OPTIONAL MATCH (r)-[:CONTINUES]->(prev:Referral)
  WITH r, prev ORDER BY r.hop, r.created_at, r.id
  WITH r, prev, [
    ['to_acknowledge', r.created_at, r.received_at],
    ['to_decide', r.received_at, coalesce(r.accepted_at, r.rejected_at)],
    ['to_first_contact', r.accepted_at, r.in_progress_at],
    ['to_complete', r.in_progress_at,
     CASE WHEN r.status IN ['completed', 'failed'] THEN r.closed_at END]
  ] AS spans
  RETURN collect({
    referral_id: r.id, hop: r.hop, status: r.status, service: r.service,
    from_provider_id: r.from_provider_id, to_provider_id: r.to_provider_id,
    continues_referral_id: prev.id,
    since_previous: CASE WHEN prev IS NOT NULL
                         THEN duration.inSeconds(prev.created_at, r.created_at) END,
    steps: [s IN spans WHERE s[1] IS NOT NULL AND s[2] IS NOT NULL
            | [s[0], duration.inSeconds(s[1], s[2])]],
    total: CASE WHEN r.closed_at IS NOT NULL
                THEN duration.inSeconds(r.created_at, r.closed_at) END
  }) AS hops
}
RETURN hops
"""


@dataclass(frozen=True, slots=True)
class HopTimes:
    """One hop of a case's path and how long each of its steps took, in seconds."""

    referral_id: str
    hop: int
    status: str
    service: str
    from_provider_id: str
    to_provider_id: str
    continues_referral_id: str | None
    since_previous_seconds: float | None
    step_seconds: dict[str, float]
    total_seconds: float | None


def seconds(value: Duration) -> float:
    """A ``duration.inSeconds`` value as seconds (it has no months; days stay zero)."""
    return float(value.months * 2_629_746 + value.days * 86_400 + value.seconds) + (
        value.nanoseconds / 1e9
    )


def _maybe(value: Duration | None) -> float | None:
    return None if value is None else seconds(value)


def hop_times(row: dict[str, Any]) -> HopTimes:
    return HopTimes(
        referral_id=str(row["referral_id"]),
        hop=int(row["hop"]),
        status=str(row["status"]),
        service=str(row["service"]),
        from_provider_id=str(row["from_provider_id"]),
        to_provider_id=str(row["to_provider_id"]),
        continues_referral_id=row["continues_referral_id"],
        since_previous_seconds=_maybe(row["since_previous"]),
        step_seconds={str(name): seconds(took) for name, took in row["steps"]},
        total_seconds=_maybe(row["total"]),
    )
