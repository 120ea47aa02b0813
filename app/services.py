"""What the screens use, without Qt: catalog and search, the backend, printing, the session.

Demo mode starts the reference backend in this process on a free loopback port, with a data
folder of its own, and points the client at it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from kiosk.catalog import CatalogStore
from kiosk.config import Config
from kiosk.gcpause import sweep
from kiosk.session import IdlePolicy, Revoker, Session
from kiosk.usage import UsageCounter

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 3600.0  # idle sweeps of the collector (kiosk.gcpause.sweep): at most hourly


def _done(value) -> Future:
    """A future that holds ``value`` already."""
    done: Future = Future()
    done.set_result(value)
    return done


class Services:
    """Start-up does only what the home screen needs (the catalog); the search index, the
    backend client and, in demo mode, the reference backend come up on a worker thread. A screen
    that needs them before they are ready waits the remaining fraction of a second."""

    def __init__(self, config: Config, audio_source=None) -> None:
        """``audio_source``: a factory of audio sources for the voice assistant (tests and demos
        feed WAV files); None means the microphone."""
        self.config = config
        from kiosk.clock import set_zone

        set_zone(config.timezone)  # documents and widgets without a config at hand use it too
        from kiosk.devices import resolve_devices

        self.devices = resolve_devices(config)  # a bad device value stops the start, here
        # the kept version in use, else the configured file, else the last good one kept; with
        # none at all NoCatalog is raised (ui.app shows the out-of-service screen)
        self.catalog_sync = None
        self.catalog = self._open_catalog(config)
        # the resident's session (kiosk.session): tokens are revoked at the backend on its thread
        self.usage = UsageCounter()  # sent with the heartbeat (kiosk.usage): counts, no persons
        self.session = Session(
            Revoker(lambda token: self.client.end_session(token)),
            IdlePolicy(config.idle_general_s, config.idle_personal_s, config.attract_s),
            usage=self.usage,
        )
        self._backend = None
        self._tmp = None
        if config.demo:  # earlier demos' folders (even of a killed one) are removed first
            from kiosk.scratch import DemoFolder

            self._tmp = DemoFolder()
        self._pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="startup")
        self._search: Future = self._pool.submit(self._build_search)
        self._client: Future = self._pool.submit(self._start_client)
        self._topup_stop = threading.Event()  # ends the periodic top-up reconciliation
        self._topup: Future = self._pool.submit(self._start_topup)
        self._client_override = None
        self._swept = time.monotonic()
        self.printer = self._make_printer()
        self.session.observe(self._session_changed)  # an outbox forgets a resident who left
        self._generation = 0
        # voice: loaded in the background when a model is configured; the mic says why not else
        self.voice = None
        self.voice_state, self.voice_reason = "off", "未安装语音模型"
        self.audio_source = audio_source
        installed = config.data_dir / "voice-model"  # where `kiosk voice install-model` puts it
        if config.voice_model is None and (installed / "am").is_dir():
            config.voice_model = installed
        if config.voice_model:
            self.voice_state, self.voice_reason = "loading", ""
            self._voice: Future | None = self._pool.submit(self._load_voice)
        else:
            self._voice = None
        if not config.demo and config.backend_url:  # published catalogs: pulled in the background
            self._pool.submit(self._start_sync)
        from kiosk.clock import now_local
        from kiosk.devices.reader import IdReaderService  # polls from start (health) to close

        self.id_reader = IdReaderService(
            self.devices.id_reader, today=lambda: now_local(config).date()
        ).start()
        from kiosk.heartbeat import HeartbeatSender  # at start, then every heartbeat_s

        self.heartbeat = HeartbeatSender(self).start()

    def _load_voice(self):
        from voice.engine import VoiceEngine

        try:
            engine = VoiceEngine(Path(self.config.voice_model), self._search.result())
        except Exception as exc:  # a missing or broken model: voice off, everything else works
            log.warning("voice model %s not loaded: %s", self.config.voice_model, exc)
            self.voice_state, self.voice_reason = "off", "语音模型无法载入"
            return None
        current = self.search
        if engine.search is not current:  # a catalog was swapped in while the model loaded
            engine = VoiceEngine(engine.model_dir, current, model=engine.model)  # model shared
        from voice.audio import microphone_status

        reason = "" if self.audio_source else microphone_status()
        self.voice = engine
        self.voice_state, self.voice_reason = ("off", reason) if reason else ("ready", "")
        return engine

    def wait_voice(self, timeout: float | None = None):
        return self._voice.result(timeout) if self._voice else None

    # ----- catalog updates (kiosk.catalog_sync) -----

    def _open_catalog(self, config: Config) -> CatalogStore:
        from kiosk.catalog_sync import KeptCatalogs, start_catalog

        self.kept = None
        if not config.demo:  # demo mode keeps nothing: each demo starts from the configured file
            self.kept = KeptCatalogs(config.data_dir / "catalogs", config.secret)
        store, note = start_catalog(config.catalog, self.kept)
        log.info("catalog %s at start (%s)", store.catalog.version, note)
        return store

    def _start_sync(self) -> None:
        from kiosk.catalog_sync import CatalogSync

        sync = CatalogSync(
            self.client,
            self.kept,
            lambda: self.catalog.catalog,
            self.prepare_catalog,
            self.config.catalog_poll_s,
        )
        self.catalog_sync = sync
        sync.start()

    def prepare_catalog(self, catalog):
        """What depends on the catalog, built for a new one on the caller's thread (never the
        UI's): the search index and, when voice is on, the recognizer's grammar."""
        from kiosk.search import SearchEngine

        search = SearchEngine(catalog, region=self.config.region or None)
        voice = self.voice
        if voice is not None:
            from voice.engine import VoiceEngine

            voice = VoiceEngine(voice.model_dir, search, model=voice.model)  # model shared
        return search, voice

    def apply_catalog(self, prepared) -> None:
        """Swap a prepared catalog in at once (UI thread, nobody being served)."""
        search, voice = prepared.parts
        self.catalog.catalog, self.catalog.source = prepared.catalog, prepared.source
        self.search = search
        if voice is not None:
            self.voice = voice
            self._voice = _done(voice)  # nor the start-up voice engine, which holds the old one

    def apply_pending_catalog(self) -> bool:
        """A received catalog, if one waits: swapped in; True when the screens must follow."""
        sync = self.catalog_sync
        prepared = sync.take_pending() if sync else None
        if prepared is None:
            return False
        self.apply_catalog(prepared)
        sync.applied(prepared)
        return True

    def catalog_status(self) -> dict:
        """For the heartbeat: catalog_version in use, catalog_refused ('' or the last reason)."""
        if self.catalog_sync:
            return self.catalog_sync.status()
        return {"catalog_version": self.catalog.catalog.version, "catalog_refused": ""}

    def idle_sweep(self) -> None:
        """The attract screen is up: collect reference cycles that died since the catalog was
        frozen out of the collector's sight (kiosk.gcpause), at most once per SWEEP_EVERY_S."""
        now = time.monotonic()
        if now - self._swept >= SWEEP_EVERY_S:
            self._swept = now
            sweep()

    def _build_search(self):
        from kiosk.search import SearchEngine

        return SearchEngine(self.catalog.catalog, region=self.config.region or None)

    # ----- gas top-up -----

    @property
    def topup(self):
        """The top-up flow; its start-up reconciliation has run before it is handed out."""
        return self._topup.result()

    def _start_topup(self):
        from kiosk.topup.card import SimulatedCardWriter
        from kiosk.topup.flow import TopupFlow
        from kiosk.topup.journal import Journal

        root = Path(self._tmp.name) if self._tmp else self.config.data_dir
        journal = Journal(root / "topup.sqlite3")
        # the card writer: simulated in demo mode (a card file the demo inserts); none: no
        # top-up is offered (devices.flows), unfinished ones still settle with the backend
        simulated = self.devices.card_writer.kind == "simulated"
        writer = SimulatedCardWriter(root / "gas-card.json") if simulated else None
        flow = TopupFlow(journal, self._client.result(), writer)
        outcomes = flow.reconcile()  # before the kiosk takes a new resident
        from kiosk.topup.flow import RECONCILE_EVERY_S  # and again every few minutes

        flow.reconcile_every(RECONCILE_EVERY_S, self._topup_stop)
        for o in outcomes:
            log.info("top-up %s settled at start: %s", o.entry.key[:8], o.entry.state)
        return flow

    def insert_demo_card(self, account: str):
        """Demo mode: put the account's gas card into the simulated slot."""
        from kiosk.topup.card import Card

        accounts = {a["account"]: a for a in self.client.sandbox("GET", "/ledger")["accounts"]}
        writer = self.topup.writer
        card = Card(f"DEMO-{account}", account, accounts[account]["card_sequence"], 0)
        writer.insert(card)
        return card

    def print_topup_receipt(self, entry):
        """A receipt for what really happened (the journal entry as the backend confirmed it)."""
        from kiosk.clock import format_local
        from printing.documents import Receipt, render_receipt_pdf
        from printing.printers import receipt_printer_from_config

        written = entry.sequence is not None
        receipt = Receipt(
            title="燃气充值凭证",
            lines=[
                ("订单号", entry.order_id or ""),
                ("燃气户号", entry.account),
                ("充值金额", f"{entry.amount / 100:.2f}元"),
                ("结果", "已写入燃气卡" if written else "已充入燃气表"),
                ("时间", format_local(cfg=self.config)),
            ],
            notice="请将燃气卡插入燃气表，确认表上金额已增加。" if written else "",
            footer=f"{self.config.terminal_name}",
        )
        device = receipt_printer_from_config(self.config.receipt_printer)
        result = (
            device.print_receipt(receipt)
            if device
            else self.printer.print_pdf(render_receipt_pdf(receipt), receipt.title)
        )
        if result.ok:
            self.topup.receipted(entry)
        return result

    def _start_client(self):
        if self.config.demo:
            from kiosk.backend.demo import start_backend

            assert self._tmp is not None
            self._backend = start_backend(
                Path(self._tmp.name) / "backend", catalog_path=self.config.catalog
            )
            return self._backend.client()
        from kiosk.backend.client import BackendClient

        return BackendClient(self.config.backend_url, self.config.terminal_id, self.config.secret)

    @property
    def search(self):
        return self._search.result()

    @search.setter
    def search(self, engine) -> None:
        self._search = _done(engine)  # the start-up engine is not kept beside the new one

    @property
    def search_ready(self) -> bool:
        """True once the search index is built (a screen asks instead of waiting)."""
        return self._search.done()

    @property
    def topup_ready(self) -> bool:
        return self._topup.done()

    @property
    def client(self):
        return self._client_override or self._client.result()

    @client.setter
    def client(self, client) -> None:
        self._client_override = client

    def ready(self, timeout: float | None = None) -> None:
        """Wait for the start-up work (tests, tour, benchmarks)."""
        self._search.result(timeout)
        self._client.result(timeout)

    def _make_printer(self):
        from printing.printers import CupsPrinter, FilePrinter, Spool

        spool_root = Path(self._tmp.name) if self._tmp else self.config.data_dir
        if self.config.printer_queue:
            return CupsPrinter(self.config.printer_queue, Spool(spool_root / "spool"))
        return FilePrinter(spool_root / "outbox")

    def _session_changed(self, state) -> None:
        if state.generation != self._generation:  # a session ended
            self._generation = state.generation
            from kiosk.logs import unwatch_personal

            unwatch_personal()  # the resident's name need not be watched for any longer
            ended = getattr(self.printer, "session_ended", None)
            if ended is not None:  # disk work: not on the UI thread
                with contextlib.suppress(RuntimeError):  # closing: the pool is gone
                    self._pool.submit(ended)

    def end_session(self, reason: str = "ended") -> None:
        """End the resident's session: the token is revoked at the backend (in the background,
        retried while the network is down), everything personal is forgotten here now."""
        self.session.end(reason)

    def microphone_status(self) -> str:
        """'' when a microphone can be opened, else why not (the heartbeat asks, on its thread)."""
        if self.audio_source is not None:  # tests and demos feed WAV files
            return ""
        from voice.audio import microphone_status

        return microphone_status()

    def reader_status(self) -> str:
        """The ID card reader for the heartbeat: ok / error / none / unknown."""
        return self.id_reader.status()

    def close(self) -> None:
        self._topup_stop.set()
        self.heartbeat.stop()
        self.id_reader.close()
        self.session.revoker.wait(5)  # a token handed in at the last moment is still revoked
        self.session.revoker.close()
        with contextlib.suppress(Exception):  # start-up failed: nothing to stop
            self._client.result(timeout=30)  # never leave a half-started backend behind
        if self.catalog_sync:
            self.catalog_sync.stop()
        self._pool.shutdown(wait=True)
        if self._backend:
            self._backend.stop()
        if self._tmp:
            self._tmp.cleanup()
