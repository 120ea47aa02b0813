"""The terminal's ID card reader as the kiosk runs it: the watcher polling on its own thread from
start to close, the simulated reader on a pty in demo mode, and one listener at a time (the
identify screen while it is shown). A card read while nobody listens is forgotten at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from kiosk.devices import DeviceSpec, open_id_reader
from kiosk.devices.idcard import IdCard, IdCardWatcher, ReaderProblem

log = logging.getLogger(__name__)


class IdReaderService:
    def __init__(
        self, spec: DeviceSpec, today: Callable[[], date] = date.today, interval: float = 0.3
    ) -> None:
        self.spec = spec
        self.simulator = None
        self.watcher: IdCardWatcher | None = None
        self._lock = threading.Lock()
        self._on_card: Callable[[IdCard], None] | None = None
        self._on_error: Callable[[ReaderProblem], None] | None = None
        if not spec.present:
            return
        if spec.kind == "simulated":
            from kiosk.devices.idcard_sim import SimulatedIdReader

            self.simulator = SimulatedIdReader()
        self.watcher = IdCardWatcher(
            open_id_reader(spec, self.simulator),
            self._card,
            on_error=self._error,
            interval=interval,
            today=today,
        )

    @property
    def present(self) -> bool:
        return self.watcher is not None

    def start(self) -> IdReaderService:
        if self.watcher:
            self.watcher.start()
        return self

    def listen(
        self, on_card: Callable[[IdCard], None], on_error: Callable[[ReaderProblem], None]
    ) -> None:
        """Deliver cards (and reader problems) to this listener, from the watcher's thread; a
        card already lying on the reader is read again for it."""
        with self._lock:
            self._on_card, self._on_error = on_card, on_error
        if self.watcher:
            self.watcher.rescan()

    def unlisten(self) -> None:
        with self._lock:
            self._on_card = self._on_error = None

    def status(self) -> str:
        """ok / error / none / unknown (not polled yet), for the heartbeat and the admin screen."""
        if not self.watcher:
            return "none"
        health = self.watcher.health
        return {"ok": "ok", "starting": "unknown"}.get(health, "error")

    def _card(self, card: IdCard) -> None:
        with self._lock:
            deliver = self._on_card
        if self.simulator:  # the demo resident takes the card back after the beep
            self.simulator.remove()
        if deliver is None:
            card.wipe()  # nobody asked for it: nothing personal stays behind
            return
        deliver(card)

    def _error(self, exc: ReaderProblem) -> None:
        with self._lock:
            deliver = self._on_error
        if deliver:
            deliver(exc)

    def place_demo_card(self, name: str, id_number: str, **fields) -> None:
        """Demo mode: lay a demo resident's card on the simulated reader. The real driver reads
        it through the pty, exactly as a card on a real reader."""
        if self.simulator is None:
            raise RuntimeError("place_demo_card needs the simulated reader (demo mode)")
        from kiosk.devices.idcard_sim import demo_card

        self.simulator.place(demo_card(name, id_number, **fields))

    def close(self) -> None:
        if self.watcher:
            self.watcher.stop()
        if self.simulator:
            self.simulator.close()
