"""The timeliness (SLA) policy shipped with the package: ``sla-policy.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from referral_graph.domain.sla import SlaPolicy
from referral_graph.policies._yaml import from_file, packaged


@cache
def packaged_policy() -> SlaPolicy:
    """The default deadlines and escalation rules (``policies/sla-policy.yaml``)."""
    return packaged(SlaPolicy, "sla-policy.yaml")


def load_policy_file(path: Path) -> SlaPolicy:
    """An SLA policy from a YAML file (``InvalidInput`` naming what is wrong)."""
    return from_file(SlaPolicy, path, "SLA policy")
