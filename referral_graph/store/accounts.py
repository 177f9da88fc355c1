"""The accounts port: users, tokens, sign-in throttling, the access log, idempotency.

What the API's security needs from a store: who may sign in and with which tokens,
how often a name failed lately, the append-only record of who read or changed what,
and the answers kept for idempotent retries. Settling the access journal into its
index is housekeeping, on the archive port.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from referral_graph.domain.idempotency import IdempotencyRecord
from referral_graph.domain.queries import AccessQuery, Listing, Page
from referral_graph.security.model import AccessRecord, TokenRecord, User


class AccountsPort(ABC):
    """Users, tokens, login failures, the access log and idempotency records."""

    # --- accounts --------------------------------------------------------------------
    @abstractmethod
    def add_user(self, user: User) -> None:
        """Insert a user; ``Conflict`` (field ``username``) if the name is taken."""

    @abstractmethod
    def save_user(self, user: User, expected_version: int) -> None:
        """Compare-and-set, like ``save_provider``."""

    @abstractmethod
    def get_user(self, user_id: str) -> User | None: ...

    @abstractmethod
    def get_user_by_username(self, username: str) -> User | None: ...

    @abstractmethod
    def list_users(self, page: Page) -> Listing[User]:
        """Users ordered by username."""

    @abstractmethod
    def add_token(self, token: TokenRecord) -> None: ...

    @abstractmethod
    def find_token(self, token_hash: str) -> TokenRecord | None: ...

    @abstractmethod
    def revoke_token(self, token_id: str, at: datetime) -> bool:
        """Mark a token revoked; False if there is no such live token."""

    @abstractmethod
    def revoke_token_family(self, family_id: str, at: datetime) -> int:
        """Mark every live token of the family revoked; how many."""

    @abstractmethod
    def list_tokens(self, user_id: str) -> list[TokenRecord]:
        """A user's refresh and API tokens, newest first (hashes only)."""

    @abstractmethod
    def record_login_failure(self, username: str, at: datetime) -> None: ...

    @abstractmethod
    def login_failures_since(self, username: str, since: datetime) -> int:
        """Failures of ``username`` since ``since``, from any source."""

    @abstractmethod
    def claim_login_attempt(
        self,
        username: str,
        source: str,
        at: datetime,
        since: datetime,
        per_account: int,
        per_source: int,
    ) -> str | None:
        """Record a sign-in attempt of ``username`` from ``source`` (a client address)
        as a failure *before* its password is checked, unless ``per_account`` attempts
        of that username from that source, or ``per_source`` from that source for any
        username, were recorded since ``since``: then record nothing and answer which
        limit was reached (``"account"`` or ``"source"``). Counting and recording are
        one step: of concurrent claims, at most the limit succeed."""

    @abstractmethod
    def clear_login_failures(self, username: str, source: str | None = None) -> None:
        """Forget the failures of ``username`` from ``source`` (every source: None)."""

    # --- access log ------------------------------------------------------------------
    @abstractmethod
    def append_access(self, record: AccessRecord) -> None:
        """Append to the access log (never changed, never deleted)."""

    @abstractmethod
    def list_access(self, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
        """Access records, newest first (settled or not)."""

    # --- idempotency -----------------------------------------------------------------
    @abstractmethod
    def get_idempotency(self, key: str) -> IdempotencyRecord | None: ...

    @abstractmethod
    def save_idempotency(self, record: IdempotencyRecord) -> None:
        """Insert; ``Conflict`` (field ``Idempotency-Key``) if the key is taken."""

    @abstractmethod
    def list_idempotency(
        self, page: Page, since: datetime | None = None
    ) -> Listing[IdempotencyRecord]:
        """Records made at or after ``since`` (all: None), oldest first, then by key:
        archives carry those still inside their window, so that a retry after a restore
        replays instead of writing twice."""

    @abstractmethod
    def forget_idempotency(self, before: datetime) -> int:
        """Drop records older than ``before``; how many."""
