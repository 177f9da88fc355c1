"""Accounts, tokens, sign-in throttling, the access log and idempotency on Neo4j.

Graph: ``(:User)-[:HOLDS]->(:Token)``; ``(:LoginFailure {username, source, at})`` (and
``(:LoginThrottle {key})``, locked to count sign-in attempts one at a time),
``(:AccessRecord)`` and ``(:IdempotencyRecord {key})`` (unique by key) stand alone. A
user keeps its model as JSON in ``doc`` (plus the ``id``, ``username`` and ``version``
that queries match on); tokens, access and idempotency records keep their fields as
properties, times as native ``DATETIME`` values. The access log is
append-only: nothing here sets a property of, or deletes, an ``AccessRecord``.
See :class:`referral_graph.store.accounts.AccountsPort`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from neo4j import Record

from referral_graph.adapters.neo4j.mapping import native_time, opt_native_time
from referral_graph.adapters.neo4j.plumbing import CypherRunner, filtered, page_of, where
from referral_graph.domain.errors import Conflict, IdempotencyKeyTaken, StaleVersion
from referral_graph.domain.isotime import iso
from referral_graph.security.model import AccessRecord, TokenRecord, User
from referral_graph.store.port import (
    AccessQuery,
    AccountsPort,
    IdempotencyRecord,
    Listing,
    Page,
)

#: Added to what ``initialise`` creates (see :mod:`referral_graph.adapters.neo4j.schema`).
SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT user_username IF NOT EXISTS FOR (n:User) REQUIRE n.username IS UNIQUE",
    "CREATE CONSTRAINT token_id IF NOT EXISTS FOR (n:Token) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (n:Token) REQUIRE n.token_hash IS UNIQUE",
    "CREATE INDEX token_family IF NOT EXISTS FOR (n:Token) ON (n.family_id)",
    "CREATE CONSTRAINT access_record_id IF NOT EXISTS FOR (n:AccessRecord) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX login_failure_username IF NOT EXISTS FOR (n:LoginFailure) ON (n.username)",
    "CREATE INDEX login_failure_source IF NOT EXISTS FOR (n:LoginFailure) ON (n.source)",
    "CREATE CONSTRAINT login_throttle_key IF NOT EXISTS"
    " FOR (n:LoginThrottle) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX access_record_object IF NOT EXISTS FOR (n:AccessRecord) ON (n.object_id)",
    "CREATE INDEX access_record_user IF NOT EXISTS FOR (n:AccessRecord) ON (n.user_id)",
    "CREATE INDEX access_record_at IF NOT EXISTS FOR (n:AccessRecord) ON (n.at)",
    "CREATE INDEX access_record_case IF NOT EXISTS FOR (n:AccessRecord) ON (n.case_id)",
    "CREATE CONSTRAINT idempotency_key IF NOT EXISTS"
    " FOR (n:IdempotencyRecord) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX idempotency_created IF NOT EXISTS FOR (n:IdempotencyRecord) ON (n.created_at)",
)

# --- users -------------------------------------------------------------------------

#: MERGE on the username: of two concurrent inserts of one name, the loser meets the
#: winner's node on the constraint's index lock and returns no row.
ADD_USER: LiteralString = """
OPTIONAL MATCH (same:User {id: $row.id})
WITH same WHERE same IS NULL
MERGE (u:User {username: $row.username})
  ON CREATE SET u._new = true
WITH u WHERE u._new IS NOT NULL
SET u = $row
RETURN u.id AS id
"""

LOCK_USER: LiteralString = """
MATCH (u:User {id: $id})
SET u._lock = true
REMOVE u._lock
RETURN u.version AS version
"""

USERNAME_TAKEN: LiteralString = """
MATCH (other:User {username: $username})
WHERE other.id <> $id
RETURN other.id AS id
"""

SAVE_USER: LiteralString = """
MATCH (u:User {id: $row.id})
SET u = $row
"""

GET_USER: LiteralString = "MATCH (u:User {id: $id}) RETURN u.doc AS doc"

GET_USER_BY_USERNAME: LiteralString = "MATCH (u:User {username: $username}) RETURN u.doc AS doc"

USERS: LiteralString = "MATCH (x:User)\n"

# --- tokens ------------------------------------------------------------------------

_TOKEN_FIELDS: LiteralString = """
RETURN t.id AS id, t.user_id AS user_id, t.kind AS kind, t.token_hash AS token_hash,
       t.name AS name, t.created_at AS created_at, t.expires_at AS expires_at,
       t.revoked_at AS revoked_at, t.family_id AS family_id
"""  # noqa: S105

ADD_TOKEN: LiteralString = """
MATCH (u:User {id: $row.user_id})
MERGE (t:Token {id: $row.id})
  ON CREATE SET t._new = true
WITH u, t WHERE t._new IS NOT NULL
SET t = $row
CREATE (u)-[:HOLDS]->(t)
RETURN t.id AS id
"""  # noqa: S105

WHY_NO_TOKEN: LiteralString = """
OPTIONAL MATCH (u:User {id: $user_id})
OPTIONAL MATCH (t:Token {id: $id})
RETURN u IS NOT NULL AS user_known, t IS NOT NULL AS id_taken
"""  # noqa: S105

FIND_TOKEN: LiteralString = "MATCH (t:Token {token_hash: $token_hash})\n" + _TOKEN_FIELDS

#: Takes the token's write lock before reading ``revoked_at``: of two concurrent
#: revocations, the second reads the first's committed time and returns no row.
REVOKE_TOKEN: LiteralString = """
MATCH (t:Token {id: $id})
SET t._lock = true
REMOVE t._lock
WITH t WHERE t.revoked_at IS NULL
SET t.revoked_at = $at
RETURN t.id AS id
"""  # noqa: S105

REVOKE_TOKEN_FAMILY: LiteralString = """
MATCH (t:Token {family_id: $family_id})
SET t._lock = true
REMOVE t._lock
WITH t WHERE t.revoked_at IS NULL
SET t.revoked_at = $at
RETURN count(t) AS n
"""  # noqa: S105

LIST_TOKENS: LiteralString = (
    """
MATCH (:User {id: $user_id})-[:HOLDS]->(t:Token)
WHERE t.kind IN ['refresh', 'api']
"""
    + _TOKEN_FIELDS
    + "ORDER BY t.created_at DESC, t.id"
)

# --- sign-in throttling ------------------------------------------------------------

RECORD_LOGIN_FAILURE: LiteralString = "CREATE (:LoginFailure {username: $username, at: $at})"

LOGIN_FAILURES_SINCE: LiteralString = """
MATCH (f:LoginFailure {username: $username})
WHERE f.at >= $since
RETURN count(f) AS n
"""

CLEAR_LOGIN_FAILURES: LiteralString = """
MATCH (f:LoginFailure {username: $username})
DELETE f
"""

CLEAR_LOGIN_FAILURES_FROM: LiteralString = """
MATCH (f:LoginFailure {username: $username})
WHERE coalesce(f.source, '') = $source
DELETE f
"""

#: Takes the write lock of one node per throttled key (the account from the source, and
#: the source), in key order, before counting: concurrent claims of a key wait for each
#: other, and each counts what the one before it committed.
LOCK_LOGIN_KEYS: LiteralString = """
UNWIND $keys AS key
MERGE (k:LoginThrottle {key: key})
SET k._lock = true
REMOVE k._lock
RETURN count(k) AS locked
"""

LOGIN_ATTEMPTS: LiteralString = """
OPTIONAL MATCH (f:LoginFailure {source: $source})
WHERE f.at >= $since
RETURN count(f) AS from_source, count(CASE WHEN f.username = $username THEN 1 END) AS account
"""

RECORD_LOGIN_ATTEMPT: LiteralString = (
    "CREATE (:LoginFailure {username: $username, source: $source, at: $at})"
)

# --- access log --------------------------------------------------------------------

#: CREATE, not MERGE: a second record with a taken id fails on the constraint (Conflict)
#: rather than leaving the first one standing in its place unnoticed.
APPEND_ACCESS: LiteralString = """
CREATE (a:AccessRecord)
SET a = $row, a.at = datetime($row.at)
"""

ACCESS_LOG: LiteralString = "MATCH (x:AccessRecord)\n"

ACCESS_FILTERS: dict[str, LiteralString] = {
    "object_id": "x.object_id = $object_id",
    "user_id": "x.user_id = $user_id",
    "case_id": "x.case_id = $case_id",
}

#: A page of access records is of property maps (records have no ``doc``).
ACCESS_PAGE: LiteralString = page_of(
    "x",
    "x.at DESC, x.id",
    "x {.id, .at, .user_id, .username, .role, .action, .method, .path, .object_id, .client,"
    " .case_id}",
)

# --- idempotency -------------------------------------------------------------------

GET_IDEMPOTENCY: LiteralString = """
MATCH (r:IdempotencyRecord {key: $key})
RETURN r.key AS key, r.request_hash AS request_hash, r.status AS status, r.body AS body,
       r.created_at AS created_at
"""

#: MERGE on the unique key: of two concurrent inserts, the loser waits on the winner's
#: lock of the key (the constraint's index entry) until it commits, then meets its node.
#: Deferred and run first of a unit's writes (a claim): a request retried while the
#: first is still in flight waits there, before it has changed anything, and then
#: answers as the first did. Answers the first answer when the key was taken.
SAVE_IDEMPOTENCY: LiteralString = """
MERGE (r:IdempotencyRecord {key: $key})
  ON CREATE SET r._new = true, r.request_hash = $request_hash, r.status = $status,
    r.body = $body, r.created_at = datetime($created_at)
WITH r, r._new IS NOT NULL AS created
REMOVE r._new
"""

TAKEN_BY: LiteralString = (
    "CASE WHEN created THEN null ELSE r {.key, .request_hash, .status, .body, .created_at} END"
)

IDEMPOTENCY_RECORDS: LiteralString = "MATCH (x:IdempotencyRecord)\n"

IDEMPOTENCY_SINCE: LiteralString = "WHERE x.created_at >= $since\n"

IDEMPOTENCY_PAGE: LiteralString = page_of(
    "x", "x.created_at, x.key", "x {.key, .request_hash, .status, .body, .created_at}"
)

FORGET_IDEMPOTENCY: LiteralString = """
MATCH (r:IdempotencyRecord) WHERE r.created_at < $before
WITH r LIMIT 100000
DETACH DELETE r
RETURN count(*) AS gone
"""


def _user_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "version": user.version,
        "provider_id": user.provider_id,  # the people to tell of an alert (.alerts)
        "area_code": user.area_code,
        "doc": user.model_dump_json(),
    }


def _token(record: Record) -> TokenRecord:
    return TokenRecord(
        id=str(record["id"]),
        user_id=str(record["user_id"]),
        kind=str(record["kind"]),
        token_hash=str(record["token_hash"]),
        name=str(record["name"]),
        created_at=native_time(record["created_at"]),
        expires_at=opt_native_time(record["expires_at"]),
        revoked_at=opt_native_time(record["revoked_at"]),
        family_id=record["family_id"],
    )


def _access(row: dict[str, Any]) -> AccessRecord:
    return AccessRecord(
        id=str(row["id"]),
        at=native_time(row["at"]),
        user_id=str(row["user_id"]),
        username=str(row["username"]),
        role=str(row["role"]),
        action=str(row["action"]),
        method=str(row["method"]),
        path=str(row["path"]),
        object_id=row["object_id"],
        client=row["client"],
        case_id=row.get("case_id"),
    )


def _idempotency(row: Record | dict[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=str(row["key"]),
        request_hash=str(row["request_hash"]),
        status=int(row["status"]),
        body=str(row["body"]),
        created_at=native_time(row["created_at"]),
    )


def _taken(username: str) -> Conflict:
    return Conflict(f"The username {username!r} is taken.", field="username")


class Neo4jAccounts(CypherRunner, AccountsPort):
    """The accounts part of a Neo4j transaction."""

    # --- users -----------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        try:
            created = self._one(ADD_USER, row=_user_row(user))
        except Conflict as exc:  # a concurrent insert took the id or the name first
            raise _taken(user.username) from exc
        if created is not None:
            return
        if self._exists("User", user.id):
            raise Conflict(f"A user with id {user.id!r} exists.", field="id")
        raise _taken(user.username)

    def save_user(self, user: User, expected_version: int) -> None:
        locked = self._one(LOCK_USER, id=user.id)
        if locked is None or locked["version"] != expected_version:
            raise StaleVersion("user", user.id)
        if self._one(USERNAME_TAKEN, id=user.id, username=user.username) is not None:
            raise _taken(user.username)
        try:
            self._records(SAVE_USER, row=_user_row(user))
        except Conflict as exc:  # a concurrent insert took the name meanwhile
            raise _taken(user.username) from exc

    def get_user(self, user_id: str) -> User | None:
        doc = self._doc(GET_USER, id=user_id)
        return None if doc is None else User.model_validate_json(doc)

    def get_user_by_username(self, username: str) -> User | None:
        doc = self._doc(GET_USER_BY_USERNAME, username=username)
        return None if doc is None else User.model_validate_json(doc)

    def list_users(self, page: Page) -> Listing[User]:
        return self._page(USERS + page_of("x", "x.username"), page, User.model_validate_json)

    # --- tokens ----------------------------------------------------------------------
    def add_token(self, token: TokenRecord) -> None:
        row = {
            "id": token.id,
            "user_id": token.user_id,
            "kind": token.kind,
            "token_hash": token.token_hash,
            "name": token.name,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
            "family_id": token.family_id,
        }
        if self._one(ADD_TOKEN, row=row) is not None:
            return
        why = self._one(WHY_NO_TOKEN, user_id=token.user_id, id=token.id)
        if why is not None and not why["user_known"]:
            raise Conflict(f"No user with id {token.user_id!r}.", field="user_id")
        raise Conflict(f"A token with id {token.id!r} exists.", field="id")

    def find_token(self, token_hash: str) -> TokenRecord | None:
        record = self._one(FIND_TOKEN, token_hash=token_hash)
        return None if record is None else _token(record)

    def revoke_token(self, token_id: str, at: datetime) -> bool:
        return self._one(REVOKE_TOKEN, id=token_id, at=at) is not None

    def revoke_token_family(self, family_id: str, at: datetime) -> int:
        record = self._one(REVOKE_TOKEN_FAMILY, family_id=family_id, at=at)
        return 0 if record is None else int(record["n"])

    def list_tokens(self, user_id: str) -> list[TokenRecord]:
        return [_token(r) for r in self._records(LIST_TOKENS, user_id=user_id)]

    # --- sign-in throttling ----------------------------------------------------------
    def record_login_failure(self, username: str, at: datetime) -> None:
        self._records(RECORD_LOGIN_FAILURE, username=username, at=at)

    def login_failures_since(self, username: str, since: datetime) -> int:
        record = self._one(LOGIN_FAILURES_SINCE, username=username, since=since)
        return 0 if record is None else int(record["n"])

    def claim_login_attempt(
        self,
        username: str,
        source: str,
        at: datetime,
        since: datetime,
        per_account: int,
        per_source: int,
    ) -> str | None:
        keys = sorted({f"source:{source}", f"account:{username}|{source}"})
        self._records(LOCK_LOGIN_KEYS, keys=keys)
        row = self._one(LOGIN_ATTEMPTS, username=username, source=source, since=since)
        account = 0 if row is None else int(row["account"])
        from_source = 0 if row is None else int(row["from_source"])
        if account >= per_account:
            return "account"
        if from_source >= per_source:
            return "source"
        self._records(RECORD_LOGIN_ATTEMPT, username=username, source=source, at=at)
        return None

    def clear_login_failures(self, username: str, source: str | None = None) -> None:
        if source is None:
            self._records(CLEAR_LOGIN_FAILURES, username=username)
        else:
            self._records(CLEAR_LOGIN_FAILURES_FROM, username=username, source=source)

    # --- access log ------------------------------------------------------------------
    def append_access(self, record: AccessRecord) -> None:
        row = {
            "id": record.id,
            "at": iso(record.at),  # text: the server parses it (see mapping.py)
            "user_id": record.user_id,
            "username": record.username,
            "role": record.role,
            "action": record.action,
            "method": record.method,
            "path": record.path,
            "object_id": record.object_id,
            "client": record.client,
            "case_id": record.case_id,
        }
        self._defer(APPEND_ACCESS, row=row)  # with the unit's next statement

    def list_access(self, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
        values = {"object_id": query.object_id, "user_id": query.user_id, "case_id": query.case_id}
        filters, params = filtered(values, ACCESS_FILTERS)
        return self._page(ACCESS_LOG + where(filters) + ACCESS_PAGE, page, _access, **params)

    # --- idempotency -----------------------------------------------------------------
    def get_idempotency(self, key: str) -> IdempotencyRecord | None:
        row = self._one(GET_IDEMPOTENCY, key=key)
        return None if row is None else _idempotency(row)

    def save_idempotency(self, record: IdempotencyRecord) -> None:
        """Deferred, and run before the unit's other deferred writes (see
        :data:`SAVE_IDEMPOTENCY`); a taken key raises ``IdempotencyKeyTaken`` with the
        first answer when the unit ends (or at its next query)."""

        def check(taken: list[Any]) -> None:
            if taken:
                raise IdempotencyKeyTaken(_idempotency(taken[0]))

        self._defer(
            SAVE_IDEMPOTENCY,
            result=TAKEN_BY,
            check=check,
            first=True,
            key=record.key,
            request_hash=record.request_hash,
            status=record.status,
            body=record.body,
            created_at=iso(record.created_at),
        )

    def list_idempotency(
        self, page: Page, since: datetime | None = None
    ) -> Listing[IdempotencyRecord]:
        if since is None:
            return self._page(IDEMPOTENCY_RECORDS + IDEMPOTENCY_PAGE, page, _idempotency)
        query = IDEMPOTENCY_RECORDS + IDEMPOTENCY_SINCE + IDEMPOTENCY_PAGE
        return self._page(query, page, _idempotency, since=since)

    def forget_idempotency(self, before: datetime) -> int:
        row = self._one(FORGET_IDEMPOTENCY, before=before)
        return 0 if row is None else int(row["gone"])
