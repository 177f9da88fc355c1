"""Contract of the accounts port: users, tokens, sign-in throttling, the access log and
idempotency records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.security.model import AccessRecord, Role, TokenRecord, User
from referral_graph.store.port import AccessQuery, IdempotencyRecord, Page, Store
from tests.contract.helpers import access, race, successes
from tests.factories import T0

MINUTE = timedelta(minutes=1)
THREADS = 8


def user(ident: str = "u-1", username: str = "alice", **extra: Any) -> User:
    fields: dict[str, Any] = {
        "id": ident,
        "username": username,
        "role": Role.ADMIN,
        "password_hash": f"hash-of-{ident}",
        "created_at": T0,
    }
    fields.update(extra)
    return User.model_validate(fields)


def token(
    ident: str,
    *,
    user_id: str = "u-1",
    kind: str = "refresh",
    at: datetime = T0,
    **extra: Any,
) -> TokenRecord:
    fields: dict[str, Any] = {
        "id": ident,
        "user_id": user_id,
        "kind": kind,
        "token_hash": f"sha256-{ident}",
        "name": f"{kind} {ident}",
        "created_at": at,
        "expires_at": at + timedelta(days=30),
    }
    fields.update(extra)
    return TokenRecord(**fields)


def add_users(store: Store, *users: User) -> None:
    for u in users:
        store.write(lambda tx, u=u: tx.add_user(u))


def add_tokens(store: Store, *tokens: TokenRecord) -> None:
    for t in tokens:
        store.write(lambda tx, t=t: tx.add_token(t))


# --- users -------------------------------------------------------------------------


def test_add_and_get_user_round_trips_the_model(any_store: Store) -> None:
    u = user(
        "u-7",
        "nurse.sokha@hc-a",
        role=Role.PROVIDER,
        provider_id="hc-a",
        created_at=datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC),
        version=3,
    )
    add_users(any_store, u)
    assert any_store.read(lambda tx: tx.get_user("u-7")) == u
    assert any_store.read(lambda tx: tx.get_user_by_username("nurse.sokha@hc-a")) == u
    assert any_store.read(lambda tx: tx.get_user("nope")) is None
    assert any_store.read(lambda tx: tx.get_user_by_username("nobody")) is None


def test_a_taken_username_is_a_conflict_on_username(any_store: Store) -> None:
    first = user("u-1", "alice")
    add_users(any_store, first)
    with pytest.raises(Conflict) as raised:
        any_store.write(
            lambda tx: tx.add_user(user("u-2", "alice", role=Role.SUPERVISOR, provider_id="hc-a"))
        )
    assert raised.value.field == "username"
    assert any_store.read(lambda tx: tx.get_user("u-2")) is None
    assert any_store.read(lambda tx: tx.get_user_by_username("alice")) == first
    assert any_store.read(lambda tx: tx.list_users(Page())).count == 1


def test_a_taken_user_id_is_a_conflict(any_store: Store) -> None:
    first = user("u-1", "alice")
    add_users(any_store, first)
    with pytest.raises(Conflict):
        any_store.write(lambda tx: tx.add_user(user("u-1", "bob")))
    assert any_store.read(lambda tx: tx.get_user("u-1")) == first
    assert any_store.read(lambda tx: tx.get_user_by_username("bob")) is None


def test_save_user_is_compare_and_set(any_store: Store) -> None:
    original = user("u-1", "alice")
    add_users(any_store, original)
    renamed = original.model_copy(update={"username": "alice.k", "active": False, "version": 2})
    any_store.write(lambda tx: tx.save_user(renamed, 1))

    assert any_store.read(lambda tx: tx.get_user("u-1")) == renamed
    assert any_store.read(lambda tx: tx.get_user_by_username("alice.k")) == renamed
    assert any_store.read(lambda tx: tx.get_user_by_username("alice")) is None

    stale = original.model_copy(update={"role": Role.COORDINATOR, "area_code": "17", "version": 2})
    with pytest.raises(StaleVersion):
        any_store.write(lambda tx: tx.save_user(stale, 1))
    with pytest.raises(StaleVersion):
        any_store.write(lambda tx: tx.save_user(user("ghost", "ghost", version=2), 1))
    assert any_store.read(lambda tx: tx.get_user("u-1")) == renamed
    assert any_store.read(lambda tx: tx.get_user("ghost")) is None


def test_save_user_to_a_taken_username_is_a_conflict(any_store: Store) -> None:
    alice, bob = user("u-1", "alice"), user("u-2", "bob")
    add_users(any_store, alice, bob)
    clash = bob.model_copy(update={"username": "alice", "version": 2})
    with pytest.raises(Conflict) as raised:
        any_store.write(lambda tx: tx.save_user(clash, 1))
    assert raised.value.field == "username"
    assert any_store.read(lambda tx: tx.get_user("u-2")) == bob
    assert any_store.read(lambda tx: tx.get_user_by_username("alice")) == alice


def test_list_users_is_by_username_with_the_total(any_store: Store) -> None:
    names = ["mara", "bopha", "zed", "chan", "alice"]
    add_users(any_store, *(user(f"u-{i}", name) for i, name in enumerate(names)))

    everyone = any_store.read(lambda tx: tx.list_users(Page()))
    assert [u.username for u in everyone.items] == sorted(names)
    assert everyone.count == 5

    middle = any_store.read(lambda tx: tx.list_users(Page(limit=2, offset=1)))
    assert [u.username for u in middle.items] == ["bopha", "chan"]
    assert middle.count == 5

    beyond = any_store.read(lambda tx: tx.list_users(Page(limit=2, offset=10)))
    assert beyond.items == [] and beyond.count == 5


def test_no_users_is_an_empty_listing(any_store: Store) -> None:
    listing = any_store.read(lambda tx: tx.list_users(Page()))
    assert listing.items == [] and listing.count == 0


# --- tokens ------------------------------------------------------------------------


def test_add_and_find_token_by_hash(any_store: Store) -> None:
    add_users(any_store, user("u-1", "alice"))
    refresh = token("t-1")
    api = token("t-2", kind="api", expires_at=None, name="DHIS2 sync")
    add_tokens(any_store, refresh, api)

    assert any_store.read(lambda tx: tx.find_token("sha256-t-1")) == refresh
    assert any_store.read(lambda tx: tx.find_token("sha256-t-2")) == api
    assert any_store.read(lambda tx: tx.find_token("t-1")) is None  # by hash, not id
    assert any_store.read(lambda tx: tx.find_token("sha256-nope")) is None


def test_revoke_token_once(any_store: Store) -> None:
    add_users(any_store, user("u-1", "alice"))
    add_tokens(any_store, token("t-1"), token("t-2", at=T0 + MINUTE))
    at = T0 + 5 * MINUTE

    assert any_store.write(lambda tx: tx.revoke_token("t-1", at)) is True
    assert any_store.write(lambda tx: tx.revoke_token("t-1", at + MINUTE)) is False
    assert any_store.write(lambda tx: tx.revoke_token("nope", at)) is False

    revoked = any_store.read(lambda tx: tx.find_token("sha256-t-1"))
    assert revoked is not None and revoked.revoked_at == at
    other = any_store.read(lambda tx: tx.find_token("sha256-t-2"))
    assert other is not None and other.revoked_at is None


def test_a_token_family_is_kept_and_revoked_whole(any_store: Store) -> None:
    add_users(any_store, user("u-1", "alice"), user("u-2", "bob"))
    first = token("t-1", family_id="fam-a")
    rotated = token("t-2", family_id="fam-a", at=T0 + MINUTE)
    other_session = token("t-3", family_id="fam-b")
    someone_else = token("t-4", user_id="u-2", family_id="fam-c")
    api = token("t-5", kind="api")
    add_tokens(any_store, first, rotated, other_session, someone_else, api)
    assert any_store.read(lambda tx: tx.find_token("sha256-t-2")) == rotated
    assert any_store.read(lambda tx: tx.find_token("sha256-t-5")) == api  # no family
    any_store.write(lambda tx: tx.revoke_token("t-1", T0 + MINUTE))  # rotated away

    revoked_at = T0 + 5 * MINUTE
    assert any_store.write(lambda tx: tx.revoke_token_family("fam-a", revoked_at)) == 1
    assert any_store.write(lambda tx: tx.revoke_token_family("fam-a", revoked_at)) == 0
    after = {t.id: t.revoked_at for t in any_store.read(lambda tx: tx.list_tokens("u-1"))}
    assert after == {"t-1": T0 + MINUTE, "t-2": revoked_at, "t-3": None, "t-5": None}
    assert any_store.read(lambda tx: tx.find_token("sha256-t-4")).revoked_at is None
    assert any_store.write(lambda tx: tx.revoke_token_family("fam-none", revoked_at)) == 0


def test_list_tokens_is_refresh_and_api_newest_first(any_store: Store) -> None:
    add_users(any_store, user("u-1", "alice"), user("u-2", "bob"))
    add_tokens(
        any_store,
        token("t-old", at=T0),
        token("t-api", kind="api", at=T0 + 2 * MINUTE, expires_at=None),
        token("t-deny", kind="revoked_access", at=T0 + 3 * MINUTE),
        token("t-new", at=T0 + 4 * MINUTE),
        token("t-bob", user_id="u-2", at=T0 + MINUTE),
    )
    any_store.write(lambda tx: tx.revoke_token("t-old", T0 + 5 * MINUTE))

    listed = any_store.read(lambda tx: tx.list_tokens("u-1"))
    assert [t.id for t in listed] == ["t-new", "t-api", "t-old"]
    assert listed[2].revoked_at == T0 + 5 * MINUTE  # revoked tokens are still listed
    assert listed[0] == token("t-new", at=T0 + 4 * MINUTE)
    assert [t.id for t in any_store.read(lambda tx: tx.list_tokens("u-2"))] == ["t-bob"]
    assert any_store.read(lambda tx: tx.list_tokens("nobody")) == []


# --- sign-in throttling ------------------------------------------------------------


def test_login_failures_count_since_a_time_and_clear(any_store: Store) -> None:
    for minutes in (0, 1, 2):
        any_store.write(lambda tx, m=minutes: tx.record_login_failure("alice", T0 + m * MINUTE))
    any_store.write(lambda tx: tx.record_login_failure("bob", T0 + MINUTE))

    def since(name: str, at: datetime) -> int:
        return any_store.read(lambda tx: tx.login_failures_since(name, at))

    assert since("alice", T0 - MINUTE) == 3
    assert since("alice", T0 + MINUTE) == 2  # the bound is inclusive
    assert since("alice", T0 + 90 * timedelta(seconds=1)) == 1
    assert since("alice", T0 + 3 * MINUTE) == 0
    assert since("bob", T0) == 1
    assert since("carol", T0) == 0

    any_store.write(lambda tx: tx.clear_login_failures("alice"))
    assert since("alice", T0 - MINUTE) == 0
    assert since("bob", T0) == 1
    any_store.write(lambda tx: tx.clear_login_failures("nobody"))  # nothing to clear


def claim(store: Store, username: str, source: str, at: datetime = T0) -> str | None:
    return store.write(
        lambda tx: tx.claim_login_attempt(username, source, at, T0 - 15 * MINUTE, 3, 5)
    )


def test_sign_in_attempts_are_claimed_per_account_and_source(any_store: Store) -> None:
    assert [claim(any_store, "admin", "203.0.113.9") for _ in range(4)] == [
        None,
        None,
        None,
        "account",  # a fourth from the same address: refused, not recorded
    ]
    assert claim(any_store, "admin", "198.51.100.7") is None  # its owner, elsewhere
    assert any_store.read(lambda tx: tx.login_failures_since("admin", T0 - MINUTE)) == 4
    # per source, whatever the account: 3 above and 2 more make 5, the limit
    assert claim(any_store, "bob", "203.0.113.9") is None
    assert claim(any_store, "carol", "203.0.113.9") is None
    assert claim(any_store, "dave", "203.0.113.9") == "source"
    # older attempts do not count
    assert (
        any_store.write(
            lambda tx: tx.claim_login_attempt("admin", "203.0.113.9", T0, T0 + MINUTE, 3, 5)
        )
        is None
    )

    any_store.write(lambda tx: tx.clear_login_failures("admin", "198.51.100.7"))
    assert any_store.read(lambda tx: tx.login_failures_since("admin", T0 - MINUTE)) == 4
    assert claim(any_store, "admin", "203.0.113.9") == "account"  # its source's stay
    any_store.write(lambda tx: tx.clear_login_failures("admin"))  # every source
    assert any_store.read(lambda tx: tx.login_failures_since("admin", T0 - MINUTE)) == 0
    assert claim(any_store, "erin", "203.0.113.9") is None  # the source's count went down


def test_concurrent_sign_in_attempts_cannot_outrun_the_count(any_store: Store) -> None:
    results = race(20, lambda i: claim(any_store, "admin", "203.0.113.9"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert results.count(None) == 3  # exactly the limit claimed, whatever the interleaving
    assert results.count("account") == 17
    assert any_store.read(lambda tx: tx.login_failures_since("admin", T0 - MINUTE)) == 3


# --- access log --------------------------------------------------------------------


def test_access_log_lists_newest_first_with_filters_and_counts(any_store: Store) -> None:
    records = [
        access("a-1", at=T0, user_id="u-1", object_id="case-1"),
        access("a-2", at=T0 + MINUTE, user_id="u-2", object_id="case-1"),
        access("a-3", at=T0 + 2 * MINUTE, user_id="u-1", object_id="case-2"),
        access(
            "a-4",
            at=T0 + 3 * MINUTE,
            user_id="u-1",
            object_id=None,
            client=None,
            action="write",
            method="POST",
            path="/providers",
        ),
        access("a-5", at=T0 + 4 * MINUTE, user_id="u-2", object_id="case-1"),
    ]
    for r in records:
        any_store.write(lambda tx, r=r: tx.append_access(r))

    def ids(page: Page | None = None, **filters: str) -> tuple[list[str], int]:
        query = AccessQuery(**filters)
        listing = any_store.read(lambda tx: tx.list_access(query, page or Page()))
        return [r.id for r in listing.items], listing.count

    assert ids() == (["a-5", "a-4", "a-3", "a-2", "a-1"], 5)
    assert ids(object_id="case-1") == (["a-5", "a-2", "a-1"], 3)
    assert ids(user_id="u-1") == (["a-4", "a-3", "a-1"], 3)
    assert ids(object_id="case-1", user_id="u-1") == (["a-1"], 1)
    assert ids(object_id="case-9") == ([], 0)
    assert ids(Page(limit=2, offset=1)) == (["a-4", "a-3"], 5)
    assert ids(Page(limit=2, offset=2), object_id="case-1") == (["a-1"], 3)

    everything = any_store.read(lambda tx: tx.list_access(AccessQuery(), Page()))
    assert everything.items == list(reversed(records))  # every field comes back


def test_access_records_are_found_by_their_case(any_store: Store) -> None:
    records = [
        access("a-1", object_id="case-1", case_id="case-1"),
        access("a-2", at=T0 + MINUTE, object_id="ref-1", case_id="case-1", path="/referrals"),
        access("a-3", at=T0 + 2 * MINUTE, object_id="ref-9", case_id="case-9", action="denied"),
        access("a-4", at=T0 + 3 * MINUTE, object_id=None, case_id="case-1", path="/fhir/Bundle"),
        access("a-5", at=T0 + 4 * MINUTE, object_id="hc-b", action="denied"),
    ]
    for r in records:
        any_store.write(lambda tx, r=r: tx.append_access(r))

    def found(**filters: str) -> list[AccessRecord]:
        query = AccessQuery(**filters)
        return any_store.read(lambda tx: tx.list_access(query, Page())).items

    assert [r.id for r in found(case_id="case-1")] == ["a-4", "a-2", "a-1"]
    assert found(case_id="case-9") == [records[2]]  # every field comes back, action too
    assert [r.id for r in found(case_id="case-1", object_id="ref-1")] == ["a-2"]
    assert found(object_id="hc-b")[0].case_id is None
    any_store.write(lambda tx: tx.settle_access(100))  # settled into the indexed log
    assert [r.id for r in found(case_id="case-1")] == ["a-4", "a-2", "a-1"]


def test_access_records_at_one_instant_are_ordered_by_id(any_store: Store) -> None:
    for ident in ("a-2", "a-3", "a-1"):
        any_store.write(lambda tx, i=ident: tx.append_access(access(i)))
    listing = any_store.read(lambda tx: tx.list_access(AccessQuery(), Page()))
    assert [r.id for r in listing.items] == ["a-1", "a-2", "a-3"]


# --- times -------------------------------------------------------------------------


def test_times_round_trip_exactly_as_utc_with_microseconds(any_store: Store) -> None:
    created = datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC)
    expires = datetime(2026, 4, 1, 23, 59, 59, 999999, tzinfo=UTC)
    revoked = datetime(2026, 3, 3, 0, 0, 0, 1, tzinfo=UTC)
    at = datetime(2026, 3, 2, 9, 30, 0, 123, tzinfo=UTC)
    add_users(any_store, user("u-1", "alice", created_at=created))
    add_tokens(any_store, token("t-1", at=created, expires_at=expires))
    any_store.write(lambda tx: tx.revoke_token("t-1", revoked))
    any_store.write(lambda tx: tx.append_access(access("a-1", at=at)))

    got_user = any_store.read(lambda tx: tx.get_user("u-1"))
    got_token = any_store.read(lambda tx: tx.find_token("sha256-t-1"))
    (listed,) = any_store.read(lambda tx: tx.list_tokens("u-1"))
    (got_access,) = any_store.read(lambda tx: tx.list_access(AccessQuery(), Page())).items
    assert got_user is not None and got_token is not None

    # the user's time comes back through pydantic (its own UTC tzinfo); the records'
    # times come back as plain ``datetime.UTC``, whatever the store
    assert got_user.created_at == created
    assert got_user.created_at.utcoffset() == timedelta(0)
    pairs = [
        (got_token.created_at, created),
        (got_token.expires_at, expires),
        (got_token.revoked_at, revoked),
        (listed.created_at, created),
        (listed.revoked_at, revoked),
        (got_access.at, at),
    ]
    for got, expected in pairs:
        assert got == expected
        assert got is not None
        assert got.tzinfo is UTC, got.tzinfo
        assert got.microsecond == expected.microsecond


# --- concurrency -------------------------------------------------------------------


def test_one_of_many_concurrent_sign_ups_for_one_name_wins(any_store: Store) -> None:
    results = race(
        THREADS, lambda i: any_store.write(lambda tx: tx.add_user(user(f"u-{i}", "alice")))
    )
    assert len(successes(results)) == 1, results
    for r in results:
        assert not isinstance(r, Exception) or (
            isinstance(r, Conflict) and r.field == "username"
        ), r
    assert any_store.read(lambda tx: tx.list_users(Page())).count == 1


def test_one_of_many_concurrent_saves_of_a_user_wins(any_store: Store) -> None:
    original = user("u-1", "alice")
    add_users(any_store, original)
    results = race(
        THREADS,
        lambda i: any_store.write(
            lambda tx: tx.save_user(
                original.model_copy(update={"username": f"alice-{i}", "version": 2}), 1
            )
        ),
    )
    assert len(successes(results)) == 1, results
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    stored = any_store.read(lambda tx: tx.get_user("u-1"))
    assert stored is not None and stored.version == 2


def test_one_of_many_concurrent_revocations_wins(any_store: Store) -> None:
    add_users(any_store, user("u-1", "alice"))
    add_tokens(any_store, token("t-1"))
    results = race(
        THREADS,
        lambda i: any_store.write(lambda tx: tx.revoke_token("t-1", T0 + i * MINUTE)),
    )
    assert sorted(results, key=str) == [False] * (THREADS - 1) + [True], results


# --- idempotency -------------------------------------------------------------------


def record(key: str = "user-1:k1", at: timedelta = timedelta(0)) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key, request_hash="h" * 64, status=201, body='{"id": "case_1"}', created_at=T0 + at
    )


def test_a_record_is_found_again_exactly(any_store: Store) -> None:
    assert any_store.read(lambda tx: tx.get_idempotency("user-1:k1")) is None
    any_store.write(lambda tx: tx.save_idempotency(record()))
    found = any_store.read(lambda tx: tx.get_idempotency("user-1:k1"))
    assert found == record()


def test_a_key_is_kept_once(any_store: Store) -> None:
    any_store.write(lambda tx: tx.save_idempotency(record()))
    with pytest.raises(Conflict) as err:
        any_store.write(lambda tx: tx.save_idempotency(record()))
    assert err.value.field == "Idempotency-Key"


def test_concurrent_saves_of_one_key_have_one_winner(any_store: Store) -> None:
    outcomes = race(8, lambda _i: any_store.write(lambda tx: tx.save_idempotency(record())))
    assert sum(1 for o in outcomes if o is None) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None)


def test_old_records_are_forgotten(any_store: Store) -> None:
    any_store.write(lambda tx: tx.save_idempotency(record("a", timedelta(hours=-30))))
    any_store.write(lambda tx: tx.save_idempotency(record("b", timedelta(hours=-1))))
    gone = any_store.write(lambda tx: tx.forget_idempotency(T0 - timedelta(hours=24)))
    assert gone == 1
    assert any_store.read(lambda tx: tx.get_idempotency("a")) is None
    assert any_store.read(lambda tx: tx.get_idempotency("b")) is not None


def test_records_are_listed_oldest_first_since_a_time(any_store: Store) -> None:
    made = [
        record("b", timedelta(hours=-1)),
        record("a", timedelta(hours=-30)),
        record("c", timedelta(hours=-1)),
        record("d"),
    ]
    for r in made:
        any_store.write(lambda tx, r=r: tx.save_idempotency(r))

    def keys(page: Page, since: datetime | None = None) -> tuple[list[str], int]:
        listing = any_store.read(lambda tx: tx.list_idempotency(page, since))
        return [r.key for r in listing.items], listing.count

    assert keys(Page()) == (["a", "b", "c", "d"], 4)
    assert keys(Page(), T0 - timedelta(hours=24)) == (["b", "c", "d"], 3)
    assert keys(Page(limit=1, offset=1), T0 - timedelta(hours=24)) == (["c"], 3)
    assert any_store.read(lambda tx: tx.list_idempotency(Page(limit=1))).items == [made[1]]
