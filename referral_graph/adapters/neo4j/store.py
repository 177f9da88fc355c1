"""The Neo4j store: one driver per process, managed transactions, named database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, LiteralString, TypeVar

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    NotificationMinimumSeverity,
    Session,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionPoolError,
    ConstraintError,
    DatabaseError,
    DatabaseUnavailable,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from referral_graph.adapters.neo4j.paths import CASE_PATH, HopTimes, hop_times
from referral_graph.adapters.neo4j.schema import create_schema, ensure_meta
from referral_graph.adapters.neo4j.transaction import Neo4jTransaction
from referral_graph.domain.errors import Conflict, NotFound, StoreUnavailable
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")
log = logging.getLogger("referral_graph.neo4j")

#: Relationships first, then nodes, each in bounded transactions: a ``DETACH DELETE`` of
#: nodes in batches takes every relationship of a batch's nodes along (an area or a busy
#: helpline has tens of thousands), which can exceed the server's transaction memory.
DELETE_RELATIONSHIPS: LiteralString = """
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
"""

DELETE_ALL: LiteralString = """
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
"""

#: Which notifications the server sends with results (the driver logs each one, at INFO
#: or WARNING, on ``neo4j.notifications``). Only warnings, and none about a label or a
#: property no node has yet (every query of an empty store, thousands on a first start)
#: or about performance (the store matches by indexed ids on purpose): what is left —
#: deprecations, unsupported features, security, topology — is worth a log line.
NOTIFICATIONS: dict[str, Any] = {
    "notifications_min_severity": NotificationMinimumSeverity.WARNING,
    "notifications_disabled_classifications": [
        NotificationDisabledClassification.UNRECOGNIZED,
        NotificationDisabledClassification.PERFORMANCE,
        NotificationDisabledClassification.HINT,
    ],
}

#: Pauses between attempts: 0.2 s, doubling, at most 2 s (and never past the deadline).
FIRST_PAUSE, LONGEST_PAUSE = 0.2, 2.0


def pipelined_begin(session: Session) -> AbstractContextManager[object]:
    """Send a transaction's BEGIN together with its first query instead of waiting for
    BEGIN's answer first: a round trip fewer per unit of work. The driver does this for
    ``execute_query``; for managed transactions it has no public switch, so this sets
    the session's own (``_pipelined_begin``, the flag ``execute_query`` sets), and
    leaves BEGIN as it is when a driver version has none."""
    flag = getattr(session, "_pipelined_begin", None)
    if isinstance(flag, AbstractContextManager):
        return flag
    return nullcontext()


def _unreachable(exc: Exception) -> bool:
    """Faults that mean no server answers (as opposed to a busy or a refusing one)."""
    return isinstance(exc, ServiceUnavailable | SessionExpired | DatabaseUnavailable)


class Neo4jStore(Store):
    """Thread-safe: the driver pools connections; each call opens its own session.

    **Retries.** ``read`` and ``write`` run ``work`` in a managed transaction, and run it
    again on faults the driver calls retryable (a lost connection, a deadlock, a
    database still starting), with pauses from 0.2 s doubling to 2 s, until
    ``max_transaction_retry_time`` seconds have passed: a deadline that no pause
    overruns. Then the store raises ``StoreUnavailable`` (the API answers 503 with
    ``Retry-After``). Domain errors raised by ``work`` roll the transaction back and
    propagate unchanged, never retried.

    **Outages.** Once a unit of work has failed because no server answers, the store
    counts as *down*: until something succeeds again, each unit gets one attempt and no
    pauses. So in an outage one request waits out the deadline and the rest fail fast,
    instead of every request (several store calls each) holding a worker thread for
    the whole budget; the first success (a request, or ``ping`` from ``/health``) ends it.

    **Unanswered commits.** A commit that ends without an answer (``IncompleteCommit``:
    the connection broke while committing) may or may not have landed. The driver never
    retries it; this store runs ``work`` once more as a *replay* (see :meth:`replay`),
    with the full budget even when down, in which writes that find their own earlier
    result already stored succeed without writing again. That is exactly-once only if
    ``work`` writes the same ids and content when run again, i.e. if the caller drew
    its ids before calling ``write``.
    """

    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        *,
        database: str = "neo4j",
        connection_timeout: float = 5.0,
        max_transaction_retry_time: float = 15.0,
        batch_size: int = 5_000,
    ) -> None:
        self.uri = uri
        self.database = database
        self.batch_size = batch_size
        self.max_transaction_retry_time = max_transaction_retry_time
        self._down = False
        # The driver tries each transaction once; :meth:`_attempts` owns the retries.
        self._driver: Driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connection_timeout,
            max_transaction_retry_time=0.0,
            **NOTIFICATIONS,
        )
        self._bookmarks = GraphDatabase.bookmark_manager()

    @property
    def driver(self) -> Driver:
        """The shared driver (diagnostics and tests; the port goes through read/write)."""
        return self._driver

    @property
    def down(self) -> bool:
        """Whether the last unit of work found no server (units then fail fast)."""
        return self._down

    @contextmanager
    def _faults(self) -> Iterator[None]:
        """Turn driver faults into domain errors; domain errors pass unchanged."""
        try:
            yield
        except IncompleteCommit as exc:  # the replay's commit went unanswered too
            raise StoreUnavailable(
                f"Neo4j at {self.uri} lost the connection while committing, twice; the "
                "change may or may not have been saved. Read it back before trying again."
            ) from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} is unreachable or lost the connection: {exc}"
            ) from exc
        except ConnectionPoolError as exc:  # every pooled connection busy past the timeout
            raise StoreUnavailable(f"Neo4j at {self.uri} has no free connection: {exc}") from exc
        except TransientError as exc:
            raise StoreUnavailable(f"Neo4j is busy or starting; retries ran out: {exc}") from exc
        except DatabaseError as exc:  # the server failed (not the request); may pass
            raise StoreUnavailable(f"Neo4j failed: {exc.message}") from exc
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the credentials.") from exc
        except ConstraintError as exc:
            raise Conflict(f"An id or code is already taken: {exc.message}") from exc
        except ClientError as exc:
            if exc.code != "Neo.ClientError.Database.DatabaseNotFound":
                raise
            raise StoreUnavailable(f"Neo4j has no database {self.database!r}.") from exc

    def _attempts(self, once: Callable[[], T], budget: float | None = None) -> T:
        """``once()`` until it succeeds, fails for good, or ``budget`` seconds (default:
        the retry time, or none while down) have passed."""
        if budget is None:
            budget = 0.0 if self._down else self.max_transaction_retry_time
        deadline = time.monotonic() + budget
        pause = FIRST_PAUSE
        while True:
            try:
                result = once()
            except (DriverError, Neo4jError) as exc:
                if not exc.is_retryable() or time.monotonic() + pause > deadline:
                    if _unreachable(exc) and not self._down:
                        self._down = True
                        log.warning(
                            "Neo4j at %s is down (%s); failing fast until it answers", self.uri, exc
                        )
                    raise
                log.info("Neo4j fault, trying again in %.1fs: %s", pause, exc)
            else:
                if self._down:
                    self._down = False
                    log.warning("Neo4j at %s answers again", self.uri)
                return result
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    def _unit(
        self,
        work: Callable[[Transaction], T],
        *,
        write: bool,
        replay: bool = False,
        budget: float | None = None,
    ) -> T:
        def unit(tx: ManagedTransaction) -> T:
            ours = Neo4jTransaction(tx, batch_size=self.batch_size, replay=replay)
            result = work(ours)
            ours.flush()  # the deferred writes, as one statement
            return result

        def once() -> T:
            with self._session() as session, pipelined_begin(session):
                if write:
                    return session.execute_write(unit)
                return session.execute_read(unit)

        return self._attempts(once, budget)

    def _session(self) -> Session:
        """A session on the named database that starts from, and adds to, this
        process's bookmarks: a read after a write sees it even when the read goes to
        another member of a cluster (see ``docs/neo4j-cluster.md``)."""
        return self._driver.session(database=self.database, bookmark_manager=self._bookmarks)

    def _session_work(self, work: Callable[[Session], T], budget: float | None = None) -> T:
        """``work`` on a session of its own (schema, housekeeping, health), retried."""

        def once() -> T:
            with self._session() as session:
                return work(session)

        with self._faults():
            return self._attempts(once, budget)

    def initialise(self) -> None:
        def work(session: Session) -> None:
            create_schema(session)
            ensure_meta(session)

        self._session_work(work, self.max_transaction_retry_time)

    def read(self, work: Callable[[Transaction], T]) -> T:
        with self._faults():
            return self._unit(work, write=False)

    def write(self, work: Callable[[Transaction], T]) -> T:
        with self._faults():
            try:
                return self._unit(work, write=True)
            except IncompleteCommit as exc:
                log.warning("commit unanswered (%s); replaying the unit of work once", exc)
                return self._unit(
                    work, write=True, replay=True, budget=self.max_transaction_retry_time
                )

    def replay(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` as the retry of a unit whose commit went unanswered.

        Inserts whose id already holds the same content, and compare-and-sets that find
        the stored version one past the expected one with their own event (or content)
        in place, succeed without writing: the first commit landed. Anything else is
        written as usual (the first commit did not land). ``write`` calls this itself
        after an ``IncompleteCommit``; tests call it to simulate one.
        """
        with self._faults():
            return self._unit(work, write=True, replay=True, budget=self.max_transaction_retry_time)

    def case_path(self, case_id: str) -> list[HopTimes]:
        """The case's hops in path order with the seconds each step took, in one query
        (:data:`~referral_graph.adapters.neo4j.paths.CASE_PATH`). Neo4j only: the port's
        way is ``case_referrals`` and ``build_path``. Raises ``NotFound``."""

        def work(tx: Transaction) -> list[HopTimes] | None:
            assert isinstance(tx, Neo4jTransaction)
            tx.flush()
            record = tx.tx.run(CASE_PATH, id=case_id).single()
            return None if record is None else [hop_times(h) for h in record["hops"]]

        hops = self.read(work)
        if hops is None:
            raise NotFound("case", case_id)
        return hops

    def ping(self) -> None:
        """One round trip to the named database, tried once (health checks fail fast)."""
        self._session_work(lambda session: session.run("RETURN 1").consume(), 0.0)

    def reset(self) -> None:
        """Delete every node and relationship in batches; constraints and indexes stay."""

        def work(session: Session) -> None:
            session.run(DELETE_RELATIONSHIPS, batch=20_000).consume()
            session.run(DELETE_ALL, batch=20_000).consume()
            ensure_meta(session)

        self._session_work(work, self.max_transaction_retry_time)

    def close(self) -> None:
        self._driver.close()
