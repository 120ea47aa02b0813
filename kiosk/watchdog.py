"""systemd's notify protocol (sd_notify) without libsystemd: one datagram per message to the
unix socket named by $NOTIFY_SOCKET ("/path", or "@name" for the abstract namespace).

The kiosk's unit is Type=notify with WatchdogSec=: the UI thread pings from a QTimer, so a hung
UI (not only a dead process) misses its pings and systemd restarts the kiosk. Where there is no
systemd (Windows), $KIOSK_WATCHDOG_FILE names a file the same pings rewrite; the restart loop
(deploy/windows/kiosk-loop.ps1) kills a kiosk whose file has gone stale. With neither, every
call is a no-op.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)
FILE_PING_S = 10.0  # how often the UI thread rewrites $KIOSK_WATCHDOG_FILE


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
        self.beat_file = (
            Path(env["KIOSK_WATCHDOG_FILE"]) if env.get("KIOSK_WATCHDOG_FILE") else None
        )
        self._warned = False

    @property
    def enabled(self) -> bool:
        return bool(self.address or self.beat_file)

    @property
    def ping_ms(self) -> int | None:
        """How often to ping: half the watchdog period, as sd_watchdog_enabled(3) advises."""
        periods = [FILE_PING_S] if self.beat_file else []
        if self.address and self.watchdog_s:
            periods.append(self.watchdog_s / 2)
        return max(int(min(periods) * 1000), 100) if periods else None

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
        beat = self._beat() if self.beat_file else False
        return self.notify("READY=1", *([f"STATUS={status}"] if status else [])) or beat

    def ping(self) -> bool:
        beat = self._beat() if self.beat_file else False
        return self.notify("WATCHDOG=1") or beat

    def _beat(self) -> bool:
        """Rewrite the beat file (its modification time is what the restart loop reads)."""
        try:
            self.beat_file.write_text(f"{time.time():.0f} {os.getpid()}\n", encoding="ascii")
            return True
        except OSError as exc:
            if not self._warned:
                log.warning("watchdog file %s not written: %s", self.beat_file, exc)
                self._warned = True
            return False

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")
