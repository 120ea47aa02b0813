"""sd_notify against a real unix datagram socket; the pings come from the UI thread."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from kiosk.watchdog import Notifier


@pytest.fixture
def sock(tmp_path):
    path = tmp_path / "notify"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(path))
    s.setblocking(False)
    yield s, str(path)
    s.close()


def drain(s: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(s.recv(4096).decode())
        except BlockingIOError:
            return out


def test_messages_reach_the_socket(sock):
    s, path = sock
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert n.enabled and n.ping_ms == 15000  # half of WatchdogSec=30
    assert n.ready("serving") and n.ping() and n.status("打印机缺纸") and n.stopping()
    assert drain(s) == ["READY=1\nSTATUS=serving", "WATCHDOG=1", "STATUS=打印机缺纸", "STOPPING=1"]


def test_abstract_socket():
    name = f"kiosk-test-{os.getpid()}"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + name)
    try:
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).ping()
        assert s.recv(100) == b"WATCHDOG=1"
    finally:
        s.close()


def test_outside_systemd_nothing_happens(tmp_path):
    n = Notifier({})
    assert not n.enabled and n.ping_ms is None and n.ping() is False
    # a watchdog meant for another process of the unit is not ours
    other = Notifier({"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
    assert other.ping_ms is None
    gone = Notifier({"NOTIFY_SOCKET": str(tmp_path / "no-such-socket")})
    assert gone.enabled and gone.ping() is False  # the supervisor vanished: no exception


def test_pings_come_from_the_ui_thread_and_stop_when_it_hangs(qtbot, sock):
    from PySide6.QtWidgets import QWidget

    from ui.app import start_watchdog

    s, path = sock
    threads = []

    class Recording(Notifier):
        def ping(self) -> bool:
            threads.append(threading.current_thread())
            return super().ping()

    parent = QWidget()
    qtbot.addWidget(parent)
    timer = start_watchdog(parent, Recording({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"}))
    assert timer is not None and timer.interval() == 100
    got: list[str] = []
    qtbot.waitUntil(lambda: got.extend(drain(s)) or "WATCHDOG=1" in got, timeout=10000)
    assert got[0] == "READY=1\nSTATUS=serving"
    assert set(threads) == {threading.main_thread()}
    drain(s)
    time.sleep(0.5)  # the UI thread is stuck: five ping periods pass without an event loop
    assert drain(s) == []  # so systemd hears nothing and restarts the kiosk


def test_the_kiosk_tells_systemd(sock, tmp_path):
    s, path = sock
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000", QT_QPA_PLATFORM="offscreen")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    p = subprocess.Popen([sys.executable, "-m", "app.cli", "--demo"], env=env)
    try:
        s.settimeout(90)
        assert s.recv(4096).decode().startswith("READY=1")
        assert s.recv(4096) == b"WATCHDOG=1"
    finally:
        p.terminate()
        p.wait(30)


def test_a_beat_file_where_there_is_no_systemd(tmp_path, qtbot):
    from PySide6.QtWidgets import QWidget

    from ui.app import start_watchdog

    beat = tmp_path / "ui-alive"
    n = Notifier({"KIOSK_WATCHDOG_FILE": str(beat)})
    assert n.enabled and n.ping_ms == 10000
    assert n.ping() and beat.read_text().split()[1] == str(os.getpid())
    beat.unlink()
    parent = QWidget()
    qtbot.addWidget(parent)
    timer = start_watchdog(parent, n)
    assert timer is not None and timer.interval() == 10000
    qtbot.waitUntil(beat.exists, timeout=10000)  # READY writes it as soon as the loop runs
    assert Notifier({"KIOSK_WATCHDOG_FILE": str(tmp_path / "no" / "dir")}).ping() is False
