"""Providers keep their phones, contact people, e-mail and website in every store (an
HSDS import brings them; nothing may drop them on the way to the store and back)."""

from __future__ import annotations

from referral_graph.domain.contact_points import ContactPerson, Phone
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.store.port import Store
from tests.factories import provider


def test_contact_points_survive_the_store(any_store: Store) -> None:
    reachable = provider(
        "ngo-reach",
        ProviderKind.NGO_COUNSELLOR,
        {Service.COUNSELLING},
        phones=(Phone(number="+855 12 345 678", extension="100", kind="voice"),),
        email="office@example.org",
        website="https://example.org",
        contacts=(
            ContactPerson(
                name="Sok Dara",
                title="Counsellor",
                email="dara@example.org",
                phones=(Phone(number="012 345 678", description="mornings"),),
            ),
        ),
    )
    any_store.write(lambda tx: tx.load_directory([reachable], []))
    assert any_store.read(lambda tx: tx.get_provider("ngo-reach")) == reachable
    changed = reachable.model_copy(update={"website": None, "version": 2})
    any_store.write(lambda tx: tx.save_provider(changed, 1))
    assert any_store.read(lambda tx: tx.get_providers(["ngo-reach"]))["ngo-reach"] == changed
