"""Accounts, tokens, sign-in throttling, the access log and idempotency in SQLite.

The access log is appended to a journal without indexes (one cheap insert per request)
and settled into the indexed ``access_log`` later (see ``settle_access`` on the archive
part); a listing reads both. See :class:`referral_graph.store.accounts.AccountsPort`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from referral_graph.adapters.sqlite.sql import (
    Filters,
    Row,
    SqlitePart,
    page_of_docs,
    page_of_rows,
)
from referral_graph.domain.errors import Conflict, IdempotencyKeyTaken, StaleVersion
from referral_graph.domain.isotime import iso, opt_iso, opt_parse_iso, parse_iso
from referral_graph.security.model import AccessRecord, TokenRecord, User
from referral_graph.store.port import (
    AccessQuery,
    AccountsPort,
    IdempotencyRecord,
    Listing,
    Page,
)

_TOKEN_COLUMNS = (
    "id, user_id, kind, token_hash, name, created_at, expires_at, revoked_at, family_id"  # noqa: S105
)
ACCESS_COLUMNS = "id, at, user_id, username, role, action, method, path, object_id, client, case_id"


def _token(row: Row) -> TokenRecord:
    return TokenRecord(
        id=str(row[0]),
        user_id=str(row[1]),
        kind=str(row[2]),
        token_hash=str(row[3]),
        name=str(row[4]),
        created_at=parse_iso(row[5]),
        expires_at=opt_parse_iso(row[6]),
        revoked_at=opt_parse_iso(row[7]),
        family_id=row[8],
    )


_IDEMPOTENCY_COLUMNS = "key, request_hash, status, body, created_at"


def _idempotency(row: Row) -> IdempotencyRecord:
    return IdempotencyRecord(row[0], row[1], int(row[2]), row[3], parse_iso(row[4]))


def _access(r: Row) -> AccessRecord:
    return AccessRecord(
        id=r[0],
        at=parse_iso(r[1]),
        user_id=r[2],
        username=r[3],
        role=r[4],
        action=r[5],
        method=r[6],
        path=r[7],
        object_id=r[8],
        client=r[9],
        case_id=r[10],
    )


class SqliteAccounts(SqlitePart, AccountsPort):
    """The accounts part of a SQLite transaction."""

    # --- users -----------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        try:
            self.conn.execute(
                "INSERT INTO users (id, username, version, doc) VALUES (?, ?, ?, ?)",
                (user.id, user.username, user.version, user.model_dump_json()),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"The username {user.username!r} is taken.", field="username") from exc

    def save_user(self, user: User, expected_version: int) -> None:
        try:
            cur = self.conn.execute(
                "UPDATE users SET username = ?, version = ?, doc = ? WHERE id = ? AND version = ?",
                (user.username, user.version, user.model_dump_json(), user.id, expected_version),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"The username {user.username!r} is taken.", field="username") from exc
        if cur.rowcount != 1:
            raise StaleVersion("user", user.id)

    def get_user(self, user_id: str) -> User | None:
        row = self.conn.execute("SELECT doc FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else User.model_validate_json(row[0])

    def get_user_by_username(self, username: str) -> User | None:
        row = self.conn.execute("SELECT doc FROM users WHERE username = ?", (username,)).fetchone()
        return None if row is None else User.model_validate_json(row[0])

    def list_users(self, page: Page) -> Listing[User]:
        return page_of_docs(self.conn, User.model_validate_json, "users", [], [], "username", page)

    # --- tokens ----------------------------------------------------------------------
    def add_token(self, token: TokenRecord) -> None:
        self.conn.execute(
            f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token.id,
                token.user_id,
                token.kind,
                token.token_hash,
                token.name,
                iso(token.created_at),
                opt_iso(token.expires_at),
                opt_iso(token.revoked_at),
                token.family_id,
            ),
        )

    def find_token(self, token_hash: str) -> TokenRecord | None:
        row = self.conn.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return None if row is None else _token(row)

    def revoke_token(self, token_id: str, at: datetime) -> bool:
        cur = self.conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (iso(at), token_id),
        )
        return cur.rowcount == 1

    def revoke_token_family(self, family_id: str, at: datetime) -> int:
        cur = self.conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
            (iso(at), family_id),
        )
        return int(cur.rowcount)

    def list_tokens(self, user_id: str) -> list[TokenRecord]:
        rows = self.conn.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE user_id = ?"
            " AND kind IN ('refresh', 'api') ORDER BY created_at DESC",
            (user_id,),
        ).fetchall()
        return [_token(r) for r in rows]

    # --- sign-in throttling ----------------------------------------------------------
    def record_login_failure(self, username: str, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO login_failures (username, at) VALUES (?, ?)", (username, iso(at))
        )

    def login_failures_since(self, username: str, since: datetime) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM login_failures WHERE username = ? AND at >= ?",
            (username, iso(since)),
        ).fetchone()
        return int(row[0])

    def claim_login_attempt(
        self,
        username: str,
        source: str,
        at: datetime,
        since: datetime,
        per_account: int,
        per_source: int,
    ) -> str | None:
        """One write transaction (``BEGIN IMMEDIATE``): claims are serialised."""
        (account,) = self.conn.execute(
            "SELECT count(*) FROM login_failures WHERE username = ? AND source = ? AND at >= ?",
            (username, source, iso(since)),
        ).fetchone()
        if account >= per_account:
            return "account"
        (from_source,) = self.conn.execute(
            "SELECT count(*) FROM login_failures WHERE source = ? AND at >= ?",
            (source, iso(since)),
        ).fetchone()
        if from_source >= per_source:
            return "source"
        self.conn.execute(
            "INSERT INTO login_failures (username, at, source) VALUES (?, ?, ?)",
            (username, iso(at), source),
        )
        return None

    def clear_login_failures(self, username: str, source: str | None = None) -> None:
        if source is None:
            self.conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))
        else:
            self.conn.execute(
                "DELETE FROM login_failures WHERE username = ? AND source = ?", (username, source)
            )

    # --- access log ------------------------------------------------------------------
    def append_access(self, record: AccessRecord) -> None:
        self.conn.execute(
            f"INSERT INTO access_journal ({ACCESS_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                iso(record.at),
                record.user_id,
                record.username,
                record.role,
                record.action,
                record.method,
                record.path,
                record.object_id,
                record.client,
                record.case_id,
            ),
        )

    def list_access(self, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
        """Both the log and the journal not yet settled into it (a record is in one)."""
        f = Filters()
        f.given("object_id = ?", query.object_id)
        f.given("user_id = ?", query.user_id)
        f.given("case_id = ?", query.case_id)
        sources = ["access_log", "access_journal"]
        order = "at DESC, id"
        return page_of_rows(
            self.conn, _access, sources, f.conditions, f.args, order, page, columns=ACCESS_COLUMNS
        )

    # --- idempotency -----------------------------------------------------------------
    def get_idempotency(self, key: str) -> IdempotencyRecord | None:
        row = self.conn.execute(
            "SELECT key, request_hash, status, body, created_at FROM idempotency WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return IdempotencyRecord(row[0], row[1], int(row[2]), row[3], parse_iso(row[4]))

    def save_idempotency(self, record: IdempotencyRecord) -> None:
        try:
            self.conn.execute(
                "INSERT INTO idempotency (key, request_hash, status, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.request_hash,
                    record.status,
                    record.body,
                    iso(record.created_at),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise IdempotencyKeyTaken(self.get_idempotency(record.key)) from exc

    def list_idempotency(
        self, page: Page, since: datetime | None = None
    ) -> Listing[IdempotencyRecord]:
        f = Filters()
        f.given("created_at >= ?", None if since is None else iso(since))
        return page_of_rows(
            self.conn,
            _idempotency,
            "idempotency",
            f.conditions,
            f.args,
            "created_at, key",
            page,
            columns=_IDEMPOTENCY_COLUMNS,
        )

    def forget_idempotency(self, before: datetime) -> int:
        cur = self.conn.execute("DELETE FROM idempotency WHERE created_at < ?", (iso(before),))
        return int(cur.rowcount)
