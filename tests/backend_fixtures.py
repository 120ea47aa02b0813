"""A real reference backend on loopback for tests, and clients for it.

The backend's database is the data folder's SQLite file, or with ``KIOSK_TEST_DATABASE=postgres``
a fresh database in a throwaway PostgreSQL cluster (``tests/pgcluster.py``) that this run starts
once and removes at its end; scripts/test runs the backend's tests both ways.
"""

from __future__ import annotations

import os

import pytest

from kiosk.backend.demo import RunningBackend, start_backend

_cluster = None  # (context manager, Cluster) while a PostgreSQL run needs one


def on_postgres() -> bool:
    return os.environ.get("KIOSK_TEST_DATABASE", "sqlite") == "postgres"


def test_database() -> str | None:
    """None (the data folder's SQLite file), or a fresh PostgreSQL database's URL."""
    global _cluster
    if not on_postgres():
        return None
    if _cluster is None:
        from tests.pgcluster import throwaway_cluster

        manager = throwaway_cluster()
        _cluster = (manager, manager.__enter__())
    return _cluster[1].new_database()


test_database.__test__ = False  # a helper, not a test


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster[0].__exit__(None, None, None)
        _cluster = None


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> RunningBackend:
    running = start_backend(
        tmp_path_factory.mktemp("backend"), pay_after_s=None, database=test_database()
    )
    yield running
    running.stop()


@pytest.fixture()
def client(backend):
    """Short timeouts and backoff so that fault tests stay quick; retries as in production."""
    c = backend.client(read_timeout=0.6, backoff_s=0.05)
    yield c
    c.sandbox("DELETE", "/faults")
    c.sandbox("POST", "/clock", {"offset_s": 0})
