from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog import DEMO_CATALOG, load_catalog
from kiosk.search import SearchEngine

DATA = Path(__file__).parent / "data"
EVAL = DATA / "eval"


@pytest.fixture(scope="session")
def demo_engine() -> SearchEngine:
    return SearchEngine(load_catalog(DEMO_CATALOG))


@pytest.fixture(scope="session")
def dev_engine() -> SearchEngine:
    return SearchEngine(load_catalog(EVAL / "dev_catalog.json"))


from .backend_fixtures import backend, client  # noqa: E402,F401  (fixtures for backend tests)


def pytest_sessionfinish(session, exitstatus) -> None:
    from .backend_fixtures import stop_cluster

    stop_cluster()  # a PostgreSQL run's throwaway cluster goes with the run
