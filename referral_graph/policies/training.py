"""The training (capacity-building) policy shipped with the package:
``training-policy.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from referral_graph.domain.training import TrainingPolicy
from referral_graph.policies._yaml import from_file, packaged


@cache
def packaged_policy() -> TrainingPolicy:
    """How long each training keeps someone competent, and how often people are
    coached (``policies/training-policy.yaml``)."""
    return packaged(TrainingPolicy, "training-policy.yaml")


def load_policy_file(path: Path) -> TrainingPolicy:
    """A training policy from a YAML file (``InvalidInput`` naming what is wrong)."""
    return from_file(TrainingPolicy, path, "capacity policy")
