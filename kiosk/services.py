"""What the screens use, without Qt: catalog and search, the backend, printing, the session.

Demo mode starts the reference backend in this process on a free loopback port, with a data
folder of its own, and points the client at it.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.backend.client import BackendClient
from kiosk.catalog import CatalogStore
from kiosk.config import Config
from kiosk.search import SearchEngine

log = logging.getLogger(__name__)


@dataclass
class ResidentSession:
    """Who is being served now. Everything personal hangs here and goes with ``wipe``."""

    token: str = ""
    name_masked: str = ""
    id_masked: str = ""
    data: dict = field(default_factory=dict)

    @property
    def identified(self) -> bool:
        return bool(self.token)

    def wipe(self) -> None:
        self.token = self.name_masked = self.id_masked = ""
        self.data.clear()


class Services:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.catalog = CatalogStore.open(config.catalog)
        self.search = SearchEngine(self.catalog.catalog)
        self.session = ResidentSession()
        self._backend = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        if config.demo:
            from kiosk.backend.demo import start_backend

            self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-demo-")
            self._backend = start_backend(
                Path(self._tmp.name) / "backend", catalog_path=config.catalog
            )
            self.client = self._backend.client()
        else:
            self.client = BackendClient(config.backend_url, config.terminal_id, config.secret)
        self.printer = self._make_printer()

    def _make_printer(self):
        from printing.printers import CupsPrinter, FilePrinter, Spool

        spool_root = Path(self._tmp.name) if self._tmp else self.config.data_dir
        if self.config.printer_queue:
            return CupsPrinter(self.config.printer_queue, Spool(spool_root / "spool"))
        return FilePrinter(spool_root / "outbox")

    def end_session(self) -> None:
        """Drop the resident's token at the backend (best effort) and here."""
        token = self.session.token
        self.session.wipe()
        if token:
            try:
                self.client.end_session(token)
            except Exception as exc:  # the token expires by itself within minutes anyway
                log.info("ending session at the backend failed: %s", type(exc).__name__)

    def close(self) -> None:
        if self._backend:
            self._backend.stop()
        if self._tmp:
            self._tmp.cleanup()
