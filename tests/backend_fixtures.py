"""A real reference backend on loopback for tests, and clients for it."""

from __future__ import annotations

import pytest

from kiosk.backend.demo import RunningBackend, start_backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> RunningBackend:
    running = start_backend(tmp_path_factory.mktemp("backend"), pay_after_s=None)
    yield running
    running.stop()


@pytest.fixture()
def client(backend):
    """Short timeouts and backoff so that fault tests stay quick; retries as in production."""
    c = backend.client(read_timeout=0.6, backoff_s=0.05)
    yield c
    c.sandbox("DELETE", "/faults")
    c.sandbox("POST", "/clock", {"offset_s": 0})
