"""The Neo4j store: one driver per process, managed transactions, named database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from referral_graph.adapters.neo4j import cypher
from referral_graph.adapters.neo4j.schema import create_schema, ensure_meta
from referral_graph.adapters.neo4j.transaction import Neo4jTransaction
from referral_graph.domain.errors import Conflict, StoreUnavailable
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")


class Neo4jStore(Store):
    """Thread-safe: the driver pools connections; each call opens its own session.

    ``write`` runs ``work`` in ``session.execute_write``: the driver retries it on
    transient faults (deadlocks, leader changes, lost connections) for up to
    ``max_transaction_retry_time`` seconds, then this store raises ``StoreUnavailable``.
    Domain errors raised by ``work`` roll the transaction back and propagate unchanged.
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
        self._driver: Driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connection_timeout,
            max_transaction_retry_time=max_transaction_retry_time,
        )

    @property
    def driver(self) -> Driver:
        """The shared driver (diagnostics and tests; the port goes through read/write)."""
        return self._driver

    @contextmanager
    def _faults(self) -> Iterator[None]:
        """Turn driver faults into domain errors; domain errors pass unchanged."""
        try:
            yield
        except IncompleteCommit as exc:  # not retried: the commit may have happened
            raise StoreUnavailable(
                f"Neo4j at {self.uri} lost the connection while committing; the change may "
                "or may not have been saved. Read it back before trying again."
            ) from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} is unreachable or lost the connection: {exc}"
            ) from exc
        except TransientError as exc:
            raise StoreUnavailable(f"Neo4j is busy; retries ran out: {exc}") from exc
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the credentials.") from exc
        except ConstraintError as exc:
            raise Conflict(f"An id or code is already taken: {exc.message}") from exc
        except ClientError as exc:
            if exc.code != "Neo.ClientError.Database.DatabaseNotFound":
                raise
            raise StoreUnavailable(f"Neo4j has no database {self.database!r}.") from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session on the named database (always named: it saves a round trip)."""
        with self._faults(), self._driver.session(database=self.database) as session:
            yield session

    def initialise(self) -> None:
        with self._session() as session:
            create_schema(session)
            ensure_meta(session)

    def read(self, work: Callable[[Transaction], T]) -> T:
        def unit(tx: ManagedTransaction) -> T:
            return work(Neo4jTransaction(tx, batch_size=self.batch_size))

        with self._session() as session:
            return session.execute_read(unit)

    def write(self, work: Callable[[Transaction], T]) -> T:
        def unit(tx: ManagedTransaction) -> T:
            return work(Neo4jTransaction(tx, batch_size=self.batch_size))

        with self._session() as session:
            return session.execute_write(unit)

    def ping(self) -> None:
        """One round trip to the named database, not retried (health checks fail fast)."""
        with self._session() as session:
            session.run("RETURN 1").consume()

    def reset(self) -> None:
        """Delete every node and relationship in batches; constraints and indexes stay."""
        with self._session() as session:
            session.run(cypher.DELETE_ALL, batch=10_000).consume()
            ensure_meta(session)

    def close(self) -> None:
        self._driver.close()
