"""Capacity building: the packaged policy (``capacity-policy.yaml``) and its loading."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from referral_graph.domain.capacity import CapacityPolicy


@cache
def packaged_policy() -> CapacityPolicy:
    """The default policy shipped with the package (``capacity/capacity-policy.yaml``)."""
    text = resources.files("referral_graph.capacity").joinpath("capacity-policy.yaml").read_text()
    return CapacityPolicy.model_validate(yaml.safe_load(text))
