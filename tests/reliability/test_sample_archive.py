"""Archives carry the sample-data mark (issue #20): the programme's sample data, backed
up as a JSON Lines archive and restored into another store (SQLite, and Neo4j when it
answers), is still marked on every record, so it is still shown as sample data and
``remove-sample-data`` still removes all of it, and only it, after the restore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.backup import export_store, import_store
from referral_graph.domain.models import utc_now
from referral_graph.domain.queries import every
from referral_graph.services.caller import Caller
from referral_graph.services.sample_data import remove_sample_data, sample_data_present
from referral_graph.store.port import (
    CoachingQuery,
    Page,
    PeopleQuery,
    ProviderQuery,
    Store,
    TrainingQuery,
    Transaction,
)
from seed.seeding import seed_programme
from tests.neo4j_server import open_neo4j

DAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample-archive")
    source = SqliteStore(folder / "source.sqlite3")
    source.initialise()
    try:
        seed_programme(source, today=DAY)
        out = folder / "programme.jsonl.gz"
        export_store(source, out)
    finally:
        source.close()
    return out


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store: Store = SqliteStore(tmp_path / "target.sqlite3")
    else:
        store = open_neo4j()  # skip, or fail with REQUIRE_NEO4J=1
    store.initialise()
    store.reset()
    yield store
    store.close()


def marks(store: Store) -> dict[str, set[bool]]:
    def work(tx: Transaction) -> dict[str, set[bool]]:
        sessions = list(every(lambda page: tx.list_training_sessions(TrainingQuery(), page)))
        return {
            "people": {p.synthetic for p in every(lambda pg: tx.list_people(PeopleQuery(), pg))},
            "sessions": {s.synthetic for s in sessions},
            "attendance": {a.synthetic for s in sessions for a in tx.session_attendance(s.id)},
            "coaching": {
                c.synthetic for c in every(lambda pg: tx.list_coaching(CoachingQuery(), pg))
            },
        }

    return store.read(work)


def test_a_restored_archive_keeps_the_mark_and_the_removal_works(
    archive: Path, target: Store
) -> None:
    import_store(target, archive)

    assert marks(target) == {k: {True} for k in ("people", "sessions", "attendance", "coaching")}
    assert sample_data_present(target)
    removed = remove_sample_data(Caller.system(target, utc_now(), "test"))
    assert removed.counts["attendance"] > 2000
    assert not sample_data_present(target)
    providers = target.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=1)).count)
    assert providers > 200  # the directory stays
