""" "Why not?" on a case page: the providers routing left out, one line each with the
first rule that left it out for each needed service, behind one tap (a ``<details>``
element, so it opens without JavaScript)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from referral_graph.domain.models import Provider
from referral_graph.routing.answers import Exclusion, Recommendations
from referral_graph.routing.reasons import Reason


@dataclass
class LeftOut:
    """One provider left out, with why, per needed service."""

    provider_id: str
    name: str
    provider: Provider | None
    rules: list[str] = field(default_factory=list)
    why: list[tuple[str, Reason]] = field(default_factory=list)  # (service, reason)


def left_out(found: Recommendations | None, providers: Mapping[str, Provider]) -> list[LeftOut]:
    """The providers ``found`` left out (``explain``), in the order it lists them."""
    if found is None or not found.excluded:
        return []
    by_provider: dict[str, LeftOut] = {}
    excluded: list[Exclusion] = found.excluded
    for e in excluded:
        entry = by_provider.get(e.provider_id)
        if entry is None:
            entry = by_provider[e.provider_id] = LeftOut(
                e.provider_id, e.provider_name, providers.get(e.provider_id)
            )
        entry.rules.append(e.rule)
        entry.why.append((e.service.value, e.reason))
    return list(by_provider.values())
