"""A verified token is trusted for a few seconds, never past its expiry, and forgotten
at once when this process revokes anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from referral_graph.domain.errors import Unauthenticated
from referral_graph.security.model import Principal, Role
from referral_graph.security.principals import PrincipalCache

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Verifier:
    def __init__(self, expires_at: datetime | None = None) -> None:
        self.calls = 0
        self.valid = True
        self.expires_at = expires_at

    def __call__(self) -> Principal:
        self.calls += 1
        if not self.valid:
            raise Unauthenticated("revoked")
        return Principal("u1", "ccwc", Role.CCWC, "ccwc-a", expires_at=self.expires_at)


def test_a_token_is_verified_once_within_half_the_ttl() -> None:
    cache, verify = PrincipalCache(5), Verifier()
    for seconds in (0, 1, 2.49):
        cache.resolve("tok", T0 + timedelta(seconds=seconds), verify)
    assert verify.calls == 1
    verify.valid = False
    with pytest.raises(Unauthenticated):
        cache.resolve("tok", T0 + timedelta(seconds=5), verify)


def test_tokens_verified_together_expire_spread_out() -> None:
    """Between half the ttl and all of it: a worker's first requests would otherwise all
    be verified again in the same instant, a burst seen in the latency tail."""
    cache, verify = PrincipalCache(10), Verifier()
    tokens = [f"tok{i}" for i in range(200)]
    for token in tokens:
        cache.resolve(token, T0, verify)

    def trusted(seconds: float) -> int:
        at = T0 + timedelta(seconds=seconds)
        return sum(cache.cached(token, at) is not None for token in tokens)

    assert trusted(4.99) == 200
    assert 20 < trusted(7.5) < 180
    assert trusted(10) == 0


def test_never_trusted_past_the_token_expiry() -> None:
    cache, verify = PrincipalCache(5), Verifier(expires_at=T0 + timedelta(seconds=2))
    cache.resolve("tok", T0, verify)
    assert cache.cached("tok", T0 + timedelta(seconds=1)) is not None
    assert cache.cached("tok", T0 + timedelta(seconds=2)) is None


def test_forget_all_makes_the_next_request_verify_again() -> None:
    cache, verify = PrincipalCache(5), Verifier()
    cache.resolve("tok", T0, verify)
    cache.forget_all()
    verify.valid = False
    with pytest.raises(Unauthenticated):
        cache.resolve("tok", T0 + timedelta(seconds=1), verify)


def test_a_zero_ttl_always_verifies_and_tokens_do_not_share_entries() -> None:
    cache, verify = PrincipalCache(0), Verifier()
    cache.resolve("a", T0, verify)
    cache.resolve("a", T0, verify)
    assert verify.calls == 2
    cache, verify = PrincipalCache(5, capacity=1), Verifier()
    cache.resolve("a", T0, verify)
    cache.resolve("b", T0, verify)
    assert cache.cached("a", T0) is None and cache.cached("b", T0) is not None
