"""The terminal's heartbeat: at start and every ``config.heartbeat_s`` seconds, on its own thread.

It tells the backend (``POST /v1/terminal/heartbeat``, the latest kept per terminal) which app and
catalog versions run, how the devices are (printer, paper, ID reader, microphone, voice model) and
how many top-ups are not yet settled, so that an operator sees a terminal in trouble before
residents do; after a beat, the usage counts since the last report follow (``kiosk.usage``).
Everything is asked of ``Services`` with getattr: a part a terminal does not have (or that has
not started yet) is reported as such, never an error. Nothing personal is sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zhengwu-kiosk")
    except PackageNotFoundError:  # a PyInstaller build without metadata
        return "0.1.0"


def _safe(fn: Callable[[], Any], default: Any) -> Any:
    try:
        return fn()
    except Exception as exc:  # one broken part must not stop the heartbeat
        log.debug("heartbeat part failed: %s", exc)
        return default


def printer_state(services) -> tuple[str, str]:
    """(printer, paper): ok/low/out/error/offline and ok/low/out/unknown."""
    printer = getattr(services, "printer", None)
    if printer is None:
        return "none", "unknown"
    health = getattr(printer, "health", None)
    paper = getattr(health, "paper", "unknown") if health is not None else "unknown"
    status = getattr(printer, "status", None)
    if callable(status):  # a CUPS queue: asked over IPP
        return _safe(status, "offline"), paper
    if hasattr(printer, "outbox"):  # a file outbox prints no paper: offline outside demo mode
        return ("ok" if services.config.demo else "offline"), paper
    return "unknown", paper


def reader_state(services) -> str:
    """ok / error / none / unknown: the ID card reader, as far as services can tell."""
    own = getattr(services, "reader_status", None)
    if callable(own):
        return _safe(own, "error")
    configured = services.config.id_reader or ("simulated" if services.config.demo else "none")
    return "none" if configured == "none" else "unknown"


def microphone_state(services) -> str:
    own = getattr(services, "microphone_status", None)
    if callable(own):
        reason = _safe(own, "error")
        return "ok" if reason == "" else "none"
    state = getattr(services, "voice_state", "off")
    return "ok" if state == "ready" else "unknown"


def voice_state(services) -> str:
    """ready / loading / off:<reason> (the reason in the resident's words, no personal data)."""
    state = getattr(services, "voice_state", "off")
    reason = getattr(services, "voice_reason", "")
    return f"{state}:{reason}"[:40] if reason else state


def unresolved_topups(services) -> int | None:
    """Top-ups the journal has not settled; None while top-up is starting or unavailable."""
    if not getattr(services, "topup_ready", True):
        return None
    return _safe(lambda: len(services.topup.journal.unfinished()), None)


def collect(services) -> dict[str, Any]:
    """The heartbeat's body, asked of the parts that exist."""
    from kiosk.clock import now_local

    catalog = _safe(
        getattr(services, "catalog_status", lambda: {}),
        {},
    )
    catalog_version = catalog.get("catalog_version") or _safe(
        lambda: services.catalog.catalog.version, ""
    )
    printer, paper = printer_state(services)
    return {
        "app_version": app_version(),
        "catalog_version": str(catalog_version)[:40],
        "printer": printer,
        "paper": paper,
        "reader": reader_state(services),
        "microphone": microphone_state(services),
        "voice_model": voice_state(services),
        "unresolved_topups": unresolved_topups(services),
        "catalog_refused": (catalog.get("catalog_refused") or "")[:200] or None,
        "local_time": now_local(services.config).isoformat(timespec="seconds"),
    }


class HeartbeatSender:
    """A daemon thread: one beat at once, then every ``interval_s``; ``stop`` ends it promptly."""

    def __init__(self, services, interval_s: float | None = None) -> None:
        self.services = services
        self.interval_s = float(interval_s or services.config.heartbeat_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self.last: dict[str, Any] | None = None  # the last body sent (admin screen, tests)
        self.last_error = ""
        self._unsent = None  # a usage batch the backend did not take (kiosk.usage)
        self.usage_sent = 0

    def start(self) -> HeartbeatSender:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()
        return self

    def beat_now(self) -> bool:
        """Collect and send one heartbeat on the caller's thread; True when the backend took it."""
        with self._lock:  # the thread and an admin's "send now" never interleave
            body = collect(self.services)
            try:
                self.services.client.heartbeat(**body)
            except Exception as exc:  # offline: the next beat tries again
                self.failed += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:200]
                log.warning("heartbeat not delivered: %s", self.last_error)
                return False
            self.sent += 1
            self.last, self.last_error = body, ""
            log.debug("heartbeat sent: %s", body)
            self._report_usage()
            return True

    def _report_usage(self) -> None:
        """Counts since the last report (kiosk.usage), after a heartbeat got through. A batch
        the backend did not take is kept as it is and sent first next time (same report id)."""
        from kiosk.backend.client import BackendRejected

        counter = getattr(self.services, "usage", None)
        if counter is None:
            return
        for _ in range(2):  # the one kept from a failed try, then what was counted since
            batch = self._unsent or counter.take()
            if not batch:
                return
            try:
                self.services.client.usage(batch)
            except BackendRejected as exc:  # refused as it is: sending it again cannot help
                self._unsent = None
                log.warning("usage report refused (%s): dropped", exc.code)
                return
            except Exception as exc:
                self._unsent = batch
                log.warning("usage report not delivered (kept): %s", type(exc).__name__)
                return
            self._unsent = None
            self.usage_sent += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.beat_now()
            self._stop.wait(self.interval_s)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
