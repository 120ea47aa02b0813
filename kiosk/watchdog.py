"""systemd's notify protocol (sd_notify) without libsystemd: one datagram per message to the
unix socket named by $NOTIFY_SOCKET ("/path", or "@name" for the abstract namespace).

The kiosk's unit is Type=notify with WatchdogSec=: the UI thread pings from a QTimer, so a hung
UI (not only a dead process) misses its pings and systemd restarts the kiosk. Outside systemd
(demo, tests, Windows) every call is a no-op.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        addr = env.get("NOTIFY_SOCKET", "")
        if addr.startswith("@"):  # abstract namespace
            addr = "\0" + addr[1:]
        self.address = addr if addr[:1] in ("/", "\0") else ""
        self.watchdog_s: float | None = None
        usec, pid = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.watchdog_s = int(usec) / 1e6
        self._warned = False

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    @property
    def ping_ms(self) -> int | None:
        """How often to ping: half the watchdog period, as sd_watchdog_enabled(3) advises."""
        if not (self.enabled and self.watchdog_s):
            return None
        return max(int(self.watchdog_s * 1000 / 2), 100)

    def notify(self, *fields: str) -> bool:
        """Send ``KEY=value`` fields as one datagram. Never raises: a kiosk must not stop
        because its supervisor went away."""
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
                s.sendto("\n".join(fields).encode("utf-8"), self.address)
            return True
        except OSError as exc:
            if not self._warned:
                log.warning("sd_notify to %r failed: %s", self.address, exc)
                self._warned = True
            return False

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def ping(self) -> bool:
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")
