"""Reading a policy document (YAML) into its domain model."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from referral_graph.domain.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def packaged(model: type[M], name: str) -> M:
    """The policy file ``name`` shipped in this package."""
    text = resources.files("referral_graph.policies").joinpath(name).read_text("utf-8")
    return model.model_validate(yaml.safe_load(text))


def from_file(model: type[M], path: Path, what: str) -> M:
    """A policy from a YAML file (raises ``InvalidInput`` naming what is wrong)."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"The {what} file {path} cannot be used: {exc}") from exc
