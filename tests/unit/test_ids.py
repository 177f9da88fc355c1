"""Ids: random ones never repeat, ordered ones sort by when they were made, and a forked
child never hands out its parent's random bytes."""

from __future__ import annotations

import os
import re
import time

import pytest

from referral_graph.domain.ids import new_id, new_ordered_id, random_hex


def test_random_ids_are_128_bits_of_hex_and_do_not_repeat() -> None:
    ids = [new_id("ref") for _ in range(10_000)]  # well past one 4 KiB read
    assert all(re.fullmatch(r"ref_[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_ordered_ids_sort_by_the_millisecond_they_were_made() -> None:
    first = new_ordered_id("acc")
    time.sleep(0.002)
    second = new_ordered_id("acc")
    assert re.fullmatch(r"acc_[0-9a-f]{32}", first)
    assert first < second
    millis = int(first[4:16], 16)
    assert abs(millis - time.time_ns() // 1_000_000) < 5_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_reuse_the_parents_random_bytes() -> None:
    random_hex(1)  # the parent holds a pool now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next bytes and leave at once
        os.write(write, random_hex(16).encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.waitpid(pid, 0)
    parent = random_hex(16)
    assert len(child) == 32
    assert child != parent
