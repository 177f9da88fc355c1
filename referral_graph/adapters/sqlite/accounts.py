"""Accounts, tokens, sign-in throttling and the access log in SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from referral_graph.adapters.sqlite.codec import opt_ts, ts, when
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.security.model import AccessRecord, TokenRecord, User
from referral_graph.store.port import AccessQuery, IdempotencyRecord, Listing, Page

_TOKEN_COLUMNS = "id, user_id, kind, token_hash, name, created_at, expires_at, revoked_at"  # noqa: S105
_ACCESS_COLUMNS = "id, at, user_id, username, role, action, method, path, object_id, client"


class SqliteAccounts:
    """The accounts part of a SQLite transaction (mixed into ``SqliteTransaction``)."""

    conn: sqlite3.Connection

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
        count = self.conn.execute("SELECT count(*) FROM users").fetchone()[0]
        rows = self.conn.execute(
            "SELECT doc FROM users ORDER BY username LIMIT ? OFFSET ?", (page.limit, page.offset)
        ).fetchall()
        return Listing([User.model_validate_json(r[0]) for r in rows], count)

    def add_token(self, token: TokenRecord) -> None:
        self.conn.execute(
            f"INSERT INTO tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token.id,
                token.user_id,
                token.kind,
                token.token_hash,
                token.name,
                ts(token.created_at),
                opt_ts(token.expires_at),
                opt_ts(token.revoked_at),
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
            (ts(at), token_id),
        )
        return cur.rowcount == 1

    def list_tokens(self, user_id: str) -> list[TokenRecord]:
        rows = self.conn.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE user_id = ?"
            " AND kind IN ('refresh', 'api') ORDER BY created_at DESC",
            (user_id,),
        ).fetchall()
        return [_token(r) for r in rows]

    def record_login_failure(self, username: str, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO login_failures (username, at) VALUES (?, ?)", (username, ts(at))
        )

    def login_failures_since(self, username: str, since: datetime) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM login_failures WHERE username = ? AND at >= ?",
            (username, ts(since)),
        ).fetchone()
        return int(row[0])

    def clear_login_failures(self, username: str) -> None:
        self.conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))

    def append_access(self, record: AccessRecord) -> None:
        self.conn.execute(
            f"INSERT INTO access_journal ({_ACCESS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                ts(record.at),
                record.user_id,
                record.username,
                record.role,
                record.action,
                record.method,
                record.path,
                record.object_id,
                record.client,
            ),
        )

    def settle_access(self, limit: int) -> int:
        """Move the journal's oldest ``limit`` records into the indexed log, sorted by
        object so that each index page is written once for many rows. A record whose id
        the log holds already (the same record appended twice) is not copied again."""
        top = self.conn.execute(
            "SELECT max(seq) FROM (SELECT seq FROM access_journal ORDER BY seq LIMIT ?)",
            (limit,),
        ).fetchone()[0]
        if top is None:
            return 0
        self.conn.execute(
            f"INSERT OR IGNORE INTO access_log ({_ACCESS_COLUMNS}) SELECT {_ACCESS_COLUMNS}"
            " FROM access_journal WHERE seq <= ? ORDER BY object_id, at",
            (top,),
        )
        return self.conn.execute("DELETE FROM access_journal WHERE seq <= ?", (top,)).rowcount

    def list_access(self, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
        """Both the log and the journal not yet settled into it (a record is in one)."""
        where: list[str] = []
        args: list[object] = []
        if query.object_id is not None:
            where.append("object_id = ?")
            args.append(query.object_id)
        if query.user_id is not None:
            where.append("user_id = ?")
            args.append(query.user_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count = self.conn.execute(
            f"SELECT (SELECT count(*) FROM access_log {clause})"
            f" + (SELECT count(*) FROM access_journal {clause})",
            [*args, *args],
        ).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {_ACCESS_COLUMNS} FROM access_log {clause} UNION ALL"
            f" SELECT {_ACCESS_COLUMNS} FROM access_journal {clause}"
            " ORDER BY at DESC, id LIMIT ? OFFSET ?",
            [*args, *args, page.limit, page.offset],
        ).fetchall()
        records = [
            AccessRecord(
                id=r[0],
                at=datetime.fromisoformat(r[1]),
                user_id=r[2],
                username=r[3],
                role=r[4],
                action=r[5],
                method=r[6],
                path=r[7],
                object_id=r[8],
                client=r[9],
            )
            for r in rows
        ]
        return Listing(records, count)


def _token(row: tuple[object, ...]) -> TokenRecord:
    created = when(row[5])
    if created is None:
        raise ValueError("a token row without created_at")
    return TokenRecord(
        id=str(row[0]),
        user_id=str(row[1]),
        kind=str(row[2]),
        token_hash=str(row[3]),
        name=str(row[4]),
        created_at=created,
        expires_at=when(row[6]),
        revoked_at=when(row[7]),
    )


class SqliteIdempotency:
    """Idempotency records (mixed into ``SqliteTransaction``)."""

    conn: sqlite3.Connection

    def get_idempotency(self, key: str) -> IdempotencyRecord | None:
        row = self.conn.execute(
            "SELECT key, request_hash, status, body, created_at FROM idempotency WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return IdempotencyRecord(
            row[0], row[1], int(row[2]), row[3], datetime.fromisoformat(row[4])
        )

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
                    ts(record.created_at),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                "This Idempotency-Key was used already.", field="Idempotency-Key"
            ) from exc

    def forget_idempotency(self, before: datetime) -> int:
        cur = self.conn.execute("DELETE FROM idempotency WHERE created_at < ?", (ts(before),))
        return int(cur.rowcount)
