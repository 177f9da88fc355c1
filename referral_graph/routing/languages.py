"""The child's language: who can interpret it when nobody recommended speaks it, and
notes that say only what is true.

A provider speaks a language when the directory says so or when one of its active
people does (:meth:`DirectoryGraph.speaking`); a person may also be listed as able to
interpret. When no recommended provider speaks the child's language, the answer lists
who can interpret: people of a provider near the child (in person) or further away (by
phone), and services that arrange interpreters. The notes never promise what the
network does not hold: "interpreters are listed" only when some are.
"""

from __future__ import annotations

from collections.abc import Sequence

from referral_graph.domain.models import Case
from referral_graph.domain.vocabulary import DeliveryMode, Language
from referral_graph.routing.answers import InterpreterOffer
from referral_graph.routing.graph import DirectoryGraph, district_of
from referral_graph.routing.ranking import Option
from referral_graph.routing.reasons import Reason, reason

#: How many interpreters an answer lists at most.
MOST = 5


def interpreter_offers(
    graph: DirectoryGraph, case: Case, most: int = MOST
) -> list[InterpreterOffer]:
    """Who can interpret the child's language: nearest first, then the most people."""
    language = case.language
    serving = graph.serving(case.village_code)
    district = district_of(case.village_code)
    # in person: someone whose provider sits in the child's district; else by phone
    near = graph.by_district.get(district, set()) if district else set()
    ranked: list[tuple[int, int, str, InterpreterOffer]] = []
    for pid, count in graph.interpreters.get(language, {}).items():
        provider = graph.providers[pid]
        if not provider.active:
            continue
        mode = DeliveryMode.IN_PERSON if pid in near else DeliveryMode.PHONE
        why = reason("interpreter.people", count=count, language=language.value, mode=mode.value)
        offer = InterpreterOffer(
            provider_id=pid, provider_name=provider.name, mode=mode, people=count, reason=why
        )
        ranked.append((0 if pid in near else 1, -count, provider.name, offer))
    for pid in serving:
        provider = graph.providers[pid]
        if not (provider.active and provider.interpreter_support):
            continue
        if DeliveryMode.IN_PERSON in provider.modes and pid in near:
            mode = DeliveryMode.IN_PERSON
        else:
            remote = provider.modes - {DeliveryMode.IN_PERSON}
            mode = DeliveryMode.ONLINE if remote == {DeliveryMode.ONLINE} else DeliveryMode.PHONE
        why = reason("interpreter.service", mode=mode.value)
        offer = InterpreterOffer(
            provider_id=pid, provider_name=provider.name, mode=mode, people=0, reason=why
        )
        ranked.append((0 if mode is DeliveryMode.IN_PERSON else 1, 0, provider.name, offer))
    ranked.sort(key=lambda r: r[:3])
    seen: set[str] = set()
    out = []
    for *_, offer in ranked:
        if offer.provider_id not in seen:
            seen.add(offer.provider_id)
            out.append(offer)
    return out[:most]


def language_notes(
    language: Language, chosen: Sequence[Option], offers: Sequence[InterpreterOffer]
) -> list[Reason]:
    """What the answer says when nobody recommended speaks the child's language."""
    notes = []
    if any(c.provider.interpreter_support for c in chosen):
        notes.append(reason("language.nobody", language=language.value))
    if offers:
        notes.append(reason("language.nobody_offers", language=language.value))
    elif not notes:
        notes.append(reason("language.nobody_none", language=language.value))
    return notes
