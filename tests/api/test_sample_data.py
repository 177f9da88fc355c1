"""Sample data is never taken for real (issue #20, item 1): production seeds nothing on
start (and never sample data), development seeds the programme with its sample data;
while any is stored every page shows a banner in English and Khmer and every answer
carries ``Sample-Data: present``; once removed, both go."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.audit.render import to_csv, to_html
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import utc_now
from referral_graph.services import audit
from referral_graph.services.caller import Caller
from referral_graph.services.sample_data import remove_sample_data, sample_data_present
from referral_graph.settings import Settings
from referral_graph.store.port import Page, PeopleQuery, ProviderQuery, Store
from seed.seeding import seed_directory, seed_sample

SECRET = "production-secret-" + "x" * 30
BANNER_EN = "Sample data: the people, trainings, coaching and awareness sessions"
BANNER_KM = "ទិន្នន័យគំរូ៖"


def counts(store: Store) -> tuple[int, int]:
    return store.read(
        lambda tx: (
            tx.list_providers(ProviderQuery(), Page(limit=1)).count,
            tx.list_people(PeopleQuery(), Page(limit=1)).count,
        )
    )


def started(tmp_path: Path, **settings: object) -> tuple[int, int, bool]:
    """Start the app with its own runtime over a new SQLite file; what it then holds."""
    path = tmp_path / "start.sqlite3"
    chosen = Settings(sqlite_path=path, tick_seconds=0, demo_users=False, **settings)  # type: ignore[arg-type]
    with TestClient(create_app(settings=chosen)) as client:
        assert client.get("/health").status_code == 200
    store = SqliteStore(path)
    store.initialise()
    try:
        providers, people = counts(store)
        return providers, people, sample_data_present(store)
    finally:
        store.close()


def test_production_seeds_nothing_on_start(tmp_path: Path) -> None:
    assert started(tmp_path, mode="production", secret_key=SECRET) == (0, 0, False)


def test_production_asked_to_seed_takes_the_real_directory_alone(tmp_path: Path) -> None:
    providers, people, sample = started(
        tmp_path, mode="production", secret_key=SECRET, seed_on_start=True
    )
    assert 0 < providers < 20  # the real, sourced providers: nothing invented
    assert (people, sample) == (0, False)


def test_development_seeds_the_programme_and_its_sample_data(tmp_path: Path) -> None:
    providers, people, sample = started(tmp_path)
    assert providers > 200
    assert people > 400
    assert sample is True


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path_factory.mktemp("sample") / "sample.sqlite3")
    store.initialise()
    seed_directory(store)
    yield store
    store.close()


def client_for(store: Store) -> TestClient:
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0, sample_data_cache_seconds=0)
    return TestClient(create_app(Runtime(settings=settings, store=store)))


def test_pages_and_answers_are_marked_while_sample_data_is_stored(
    programme: SqliteStore,
) -> None:
    with client_for(programme) as client:
        # the directory alone: no mark
        assert "sample-data" not in client.get("/health").headers
        assert "sample-data" not in client.get("/api/v1/providers").headers
        assert 'id="sample-data-banner"' not in client.get("/app/signin").text

        seed_sample(programme, today=date(2026, 11, 25))

        for path in ("/health", "/api/v1/providers", "/openapi.json", "/app/signin"):
            assert client.get(path).headers["sample-data"] == "present", path
        assert "sample-data" not in client.get("/static/favicon.svg").headers
        english = client.get("/app/signin").text
        assert 'id="sample-data-banner"' in english
        assert BANNER_EN in english
        client.get("/app/lang/km", follow_redirects=False)
        khmer = client.get("/app/signin").text
        assert BANNER_KM in khmer

        # a report printed for a meeting says so on its face (the header is lost on paper)
        coordinator = Caller.system(programme, utc_now(), "test")
        marked = audit.monthly_report(coordinator, area="17", month="2026-11")
        assert marked.sample_data
        assert "sample_data_note" not in to_html(marked)
        assert "Sample data: this store holds invented records" in to_html(marked)
        assert "meta,,,,sample_data,1" in to_csv(marked)

        removal = remove_sample_data(Caller.system(programme, utc_now(), "test"))
        assert removal.counts["people"] > 400

        assert "sample-data" not in client.get("/api/v1/providers").headers
        assert 'id="sample-data-banner"' not in client.get("/app/signin").text
        clean = audit.monthly_report(coordinator, area="17", month="2026-11")
        assert not clean.sample_data and "Sample data" not in to_html(clean)
    assert counts(programme)[0] > 200  # the directory stays


def test_the_answer_is_kept_for_the_configured_time(programme: SqliteStore) -> None:
    from referral_graph.services.sample_data import SampleDataMark

    now = [0.0]
    mark = SampleDataMark(programme, ttl=30, clock=lambda: now[0])
    before = mark.present()
    seed_sample(programme, today=date(2026, 11, 25))
    try:
        assert mark.present() is before  # within 30 s: the kept answer
        now[0] = 31.0
        assert mark.present() is True  # then the store is asked again
        mark.forget()
        assert mark.present() is True
    finally:
        remove_sample_data(Caller.system(programme, utc_now(), "test"))


def test_the_header_is_documented_in_the_openapi_description(programme: SqliteStore) -> None:
    with client_for(programme) as client:
        description = client.get("/openapi.json").json()["info"]["description"]
    assert "Sample-Data: present" in description
