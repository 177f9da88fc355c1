"""Who speaks what in the programme's sample data: the languages of its people.

A provider speaks a language when one of its active people does (routing counts them,
:meth:`referral_graph.routing.graph.DirectoryGraph.speaking`); the directory itself
declares Khmer only. Which minority languages are spoken where is the assumption of
``programme/areas.yaml`` (``languages``, tagged [A] there, except Lung Khung's Tampuan
[S]); here it is given to the **sample people** of commune-level providers (VHSGs,
CCWCs, health centres), one local language per person in turn, so a Bar Kaev health
centre with two sample nurses has one who speaks Tampuan and one who speaks Jarai —
never "the whole district speaks it". The first such person of each CCWC is listed
as able to interpret [A]: CCWC members accompany families to services. Every one of
these people is ``synthetic`` (sample data), so the assumption is labelled where it
is stored and disappears with the sample data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from referral_graph.domain.models import Provider
from referral_graph.domain.training import Person
from referral_graph.domain.vocabulary import Language, ProviderKind

#: Providers whose sample people carry the languages of their area (those the seed's
#: ``languages: local`` once gave the whole provider).
LOCAL_KINDS = frozenset({ProviderKind.VHSG, ProviderKind.CCWC, ProviderKind.HEALTH_CENTRE})


def with_languages(
    people: Sequence[Person],
    providers: Sequence[Provider],
    spoken_in: Callable[[str], Sequence[Language]],
) -> list[Person]:
    """``people`` with their languages: Khmer for everyone; for the sample people of a
    commune-level provider, also one of the languages ``spoken_in`` its area, in turn."""
    kinds = {p.id: p for p in providers}
    turn: dict[str, int] = {}
    out = []
    for person in people:
        languages = {Language.KHMER}
        interprets = False
        provider = kinds.get(person.provider_id)
        if person.synthetic and provider is not None and provider.kind in LOCAL_KINDS:
            local = [code for code in spoken_in(provider.area_code) if code != Language.KHMER]
            if local:
                n = turn.get(provider.id, 0)
                turn[provider.id] = n + 1
                languages.add(Language(local[n % len(local)]))
                interprets = provider.kind is ProviderKind.CCWC and n == 0
        out.append(
            person.model_copy(update={"languages": frozenset(languages), "interprets": interprets})
        )
    return out
