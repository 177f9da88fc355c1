"""Domain errors. The API maps each to one HTTP status in one place (``api/errors.py``).

::

    ReferralGraphError
    ├── Unauthenticated          401  no, expired, revoked or tampered credentials
    ├── Forbidden                403  the role may not do this at all
    ├── TooManyAttempts          429  sign-in throttled after repeated failures
    ├── NotFound                 404  an id that does not exist (or is not yours)
    ├── InvalidInput             422  a value the domain refuses, naming the field
    │   └── UnknownArea          422  an area code not in the 2025 gazetteer
    ├── Conflict                 409  the request contradicts the current state
    │   ├── IllegalTransition    409  a status change the lifecycle does not allow
    │   ├── StaleVersion         409  someone else changed it first (compare-and-set)
    │   ├── ConsentMissing       409  a referral of a case without recorded consent
    │   ├── SampleDataInUse      409  real records refer to the sample data to remove
    │   ├── AccountProtected     409  the last active admin, or one's own account
    │   ├── IdempotencyKeyTaken  409  an Idempotency-Key already answered (replayed)
    │   ├── DuplicateReferral    409  the same handoff is already open (names it)
    │   └── NeedsUnmet           409  closing a case while a need is unmet (lists them)
    └── StoreUnavailable         503  the store cannot be reached right now
        └── StoreFull            503  its disk is full: nothing was written (reads go on)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from referral_graph.domain.idempotency import IdempotencyRecord


class ReferralGraphError(Exception):
    """Base of every error the library raises on purpose."""

    title = "Error"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class Unauthenticated(ReferralGraphError):
    title = "Not signed in"


class Forbidden(ReferralGraphError):
    title = "Not allowed"


class TooManyAttempts(ReferralGraphError):
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class NotFound(ReferralGraphError):
    title = "Not found"

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"No {kind} with id {ident!r}.")
        self.kind = kind
        self.ident = ident


class InvalidInput(ReferralGraphError):
    title = "Invalid input"


class UnknownArea(InvalidInput):
    title = "Unknown area"

    def __init__(self, code: str, *, field: str | None = None) -> None:
        super().__init__(
            f"Area code {code!r} is not in the 2025 gazetteer of Cambodia.", field=field
        )
        self.code = code


class Conflict(ReferralGraphError):
    title = "Conflict"


class IllegalTransition(Conflict):
    title = "Illegal transition"

    def __init__(self, current: str, requested: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the referral is closed)"
        super().__init__(
            f"A referral in status {current!r} cannot move to {requested!r}; "
            f"allowed next statuses: {allowed_text}.",
            field="status",
        )
        self.current = current
        self.requested = requested
        self.allowed = list(allowed)


class StaleVersion(Conflict):
    title = "Changed by someone else"

    def __init__(self, kind: str, ident: str, current_status: str | None = None) -> None:
        detail = f"The {kind} {ident!r} was changed by someone else in the meantime."
        if current_status is not None:
            detail += f" Its status is now {current_status!r}."
        super().__init__(detail)
        self.current_status = current_status


class ConsentMissing(Conflict):
    title = "Consent not recorded"

    def __init__(self, case_id: str) -> None:
        super().__init__(
            f"Case {case_id!r} has no recorded consent; record consent before referring.",
            field="case_id",
        )


class StoreUnavailable(ReferralGraphError):
    title = "Store unavailable"


class StoreFull(StoreUnavailable):
    """The store's disk (or its size limit) is full: the write was rolled back whole.
    Reads still work; writes work again once space is freed (answered 503 with
    ``Retry-After``, as a store that cannot be reached)."""

    title = "Store full"


class SampleDataInUse(Conflict):
    title = "Sample data in use"

    def __init__(self, blockers: Mapping[str, int]) -> None:
        listed = "; ".join(f"{n} {what}" for what, n in blockers.items())
        super().__init__(
            f"Records that are not sample data refer to sample data ({listed}); change or "
            "remove them first. Nothing was removed."
        )
        self.blockers = dict(blockers)


class AccountProtected(Conflict):
    title = "Account cannot be deactivated"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="user_id")


class IdempotencyKeyTaken(Conflict):
    """A write tried to store the answer to an ``Idempotency-Key`` that already has one:
    the request was sent before (the API answers with ``first`` instead, unchanged;
    ``None`` if the store could not read it back)."""

    title = "Idempotency-Key used already"

    def __init__(self, first: IdempotencyRecord | None) -> None:
        super().__init__("This Idempotency-Key was used already.", field="Idempotency-Key")
        self.first = first


class DuplicateReferral(Conflict):
    """A referral of a case, for a service, to a receiver that already has an open one:
    the receiver would see the child twice."""

    title = "Already referred"

    def __init__(self, referral_id: str | None, since: str) -> None:
        named = f" ({referral_id})" if referral_id else ""
        super().__init__(
            f"This case is already referred to this provider for this service{named}, "
            f"waiting since {since}; follow that referral up instead.",
            field="to_provider_id",
        )
        self.referral_id = referral_id


class NeedsUnmet(Conflict):
    """Closing a case while a need is neither met nor waiting, without an override."""

    title = "Needs unmet"

    def __init__(self, unmet: Iterable[str]) -> None:
        self.unmet_needs = sorted(unmet)
        super().__init__(
            "These needs are neither met nor waiting: "
            f"{', '.join(self.unmet_needs)}. Refer them, set them aside with a reason, or "
            "close with an override reason.",
            field="override",
        )
