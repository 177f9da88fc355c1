"""Dead letters carry case ids (#20 item 12): administrators see and requeue them all, a
coordinator only those about cases of their area; anyone else's answer 404."""

from __future__ import annotations

import uuid

from referral_graph.store.port import OutboxMessage
from tests.security.conftest import World


def dead_letter(world: World, case_id: str | None) -> str:
    payload = {} if case_id is None else {"case_id": case_id}
    message = OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        topic="referral.requested",
        payload=payload,
        created_at=world.clock(),
        state="dead",
        attempts=8,
    )
    world.store.write(lambda tx: tx.enqueue(message))
    world.store.write(lambda tx: tx.save_outbox(message))
    return message.id


def listed(world: World, role: str) -> set[str]:
    answer = world.client.get("/api/v1/outbox/dead-letters?limit=500", headers=world.headers(role))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == len(body["data"])
    return {m["id"] for m in body["data"]}


def test_a_coordinator_sees_and_requeues_only_dead_letters_of_their_area(world: World) -> None:
    ours = dead_letter(world, world.referral().case_id)  # Angkor Chum, Siem Reap (17)
    theirs = dead_letter(world, world.referral(foreign=True).case_id)  # Stung Treng (19)
    nobody = dead_letter(world, None)  # about no case: administrators' only

    seen = listed(world, "coordinator")
    assert ours in seen
    assert theirs not in seen and nobody not in seen
    assert {ours, theirs, nobody} <= listed(world, "admin")

    def requeue(role: str, message_id: str) -> int:
        url = f"/api/v1/outbox/{message_id}/requeue"
        return world.client.post(url, headers=world.headers(role)).status_code

    assert requeue("coordinator", theirs) == 404
    assert requeue("coordinator", nobody) == 404
    assert requeue("coordinator", ours) == 200
    assert requeue("admin", theirs) == 200
    assert theirs not in listed(world, "admin")  # requeued: pending again
