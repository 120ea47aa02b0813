"""Demo mode's backend: the reference backend in this process, on a free loopback port."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.backend.client import BackendClient
from kiosk.backend.server import create_app, run_in_thread
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, Store
from kiosk.catalog import DEMO_CATALOG

log = logging.getLogger(__name__)

DEMO_PAY_AFTER_S = 8.0  # the simulated resident "pays" the QR code after this long


@dataclass
class RunningBackend:
    url: str
    data_dir: Path
    _server: object
    _thread: object
    store: Store  # the backend's own database connection (SQLite or PostgreSQL)

    def client(self, **kw) -> BackendClient:
        return BackendClient(self.url, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, **kw)

    def stop(self) -> None:
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(timeout=5)  # type: ignore[attr-defined]
        self.store.close()  # its connections (a PostgreSQL pool) go with it


def start_backend(
    data_dir: Path,
    *,
    catalog_path: Path = DEMO_CATALOG,
    pay_after_s: float | None = DEMO_PAY_AFTER_S,
    open_mode: bool = False,
    port: int = 0,
    public_url: str | None = None,
    database: str | None = None,
) -> RunningBackend:
    app = create_app(
        data_dir,
        catalog_path=catalog_path,
        pay_after_s=pay_after_s,
        open_mode=open_mode,
        database=database,
    )
    server, thread, url = run_in_thread(app, port=port)
    # certificates point at this backend's own address unless told the public one
    app.state.backend.public_url = (public_url or url).rstrip("/")
    log.info("reference backend on %s (data %s)", url, data_dir)
    return RunningBackend(url, Path(data_dir), server, thread, app.state.backend.store)
