"""The heartbeat reaches the real reference backend (loopback), which keeps the latest per
terminal; a terminal without some parts still beats; demo leftovers and local time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, Store
from kiosk.clock import format_local, now_local
from kiosk.config import Config
from kiosk.heartbeat import HeartbeatSender, collect
from tests.backend_fixtures import backend  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent


def wait_for(cond, timeout: float = 30.0) -> None:
    """Poll until ``cond()``; the deadline only keeps a broken run from hanging."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def latest(where) -> dict[str, dict]:
    """Latest beats in a running backend's database, or in a data folder's SQLite file."""
    if not isinstance(where, Path):
        return {h["terminal_id"]: h for h in where.store.latest_heartbeats()}
    store = Store(where / "backend.sqlite3")
    try:
        return {h["terminal_id"]: h for h in store.latest_heartbeats()}
    finally:
        store.close()


def test_terminal_sends_heartbeat_at_start_with_device_health(tmp_path, backend):  # noqa: F811
    from app.services import Services

    config = Config(
        backend_url=backend.url,
        terminal_id=DEMO_TERMINAL_ID,
        secret=DEMO_TERMINAL_SECRET,
        data_dir=tmp_path / "kiosk",
        demo=False,
        admin_pin_hash="x",
        printer_queue="kioskpdf",  # the real CUPS queue, in another case
        heartbeat_s=3600,  # only the beat at start happens during this test
    )
    services = Services(config)
    try:
        wait_for(lambda: services.heartbeat.sent >= 1)
        beat = latest(backend)[DEMO_TERMINAL_ID]
        assert beat["app_version"] and beat["catalog_version"] == str(
            services.catalog.catalog.version
        )
        cups_up = subprocess.run(["lpstat", "-r"], capture_output=True, text=True).returncode == 0
        assert beat["printer"] == ("ok" if cups_up else "offline")
        assert beat["paper"] in ("ok", "low", "out", "unknown")
        assert beat["reader"] == "none"  # nothing configured on this terminal
        assert beat["voice_model"].startswith("off")  # no model installed in its data folder
        assert beat["microphone"] == ("ok" if services.microphone_status() == "" else "none")
        assert beat["unresolved_topups"] in (None, 0)
        assert datetime.fromisoformat(beat["local_time"]).utcoffset().total_seconds() == 8 * 3600
        # a second beat replaces the first: one row per terminal
        assert services.heartbeat.beat_now()
        assert len([t for t in latest(backend) if t == DEMO_TERMINAL_ID]) == 1
    finally:
        services.close()
    assert not services.heartbeat._thread.is_alive()  # stopped on close


def test_demo_kiosk_beats_too(tmp_path):
    from app.services import Services

    services = Services(Config(data_dir=tmp_path / "kiosk"))
    try:
        wait_for(lambda: services.heartbeat.sent >= 1)
        beat = latest(Path(services._tmp.name) / "backend")
        (only,) = beat.values()
        assert only["printer"] == "ok"  # the outbox counts as a printer in demo mode only
        wait_for(lambda: services.topup_ready if hasattr(services, "topup_ready") else True)
        assert services.heartbeat.beat_now()
        again = next(iter(latest(Path(services._tmp.name) / "backend").values()))
        assert again["unresolved_topups"] == 0
    finally:
        services.close()


def test_heartbeat_repeats_and_survives_an_unreachable_backend():
    class Client:
        calls = 0

        def heartbeat(self, **body):
            Client.calls += 1
            if Client.calls == 2:
                raise ConnectionError("network down")  # the injected fault

    services = SimpleNamespace(config=Config(heartbeat_s=10), client=Client())
    sender = HeartbeatSender(services, interval_s=0.01).start()
    try:
        wait_for(lambda: sender.sent >= 3)
    finally:
        sender.stop()
    assert sender.failed == 1 and sender.sent >= 3  # the beat after the failure went through


def test_collect_tolerates_missing_parts():
    body = collect(SimpleNamespace(config=Config(demo=False)))
    assert body["printer"] == "none" and body["reader"] == "none"
    assert body["unresolved_topups"] is None and body["catalog_version"] == ""
    from kiosk.backend import api

    api.Heartbeat(**body)  # still a valid heartbeat


# ----- local time -----


def test_local_time_is_the_configured_zone_not_the_machines():
    instant = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert format_local(instant) == "2026-12-02 00:30"  # Asia/Shanghai by default
    assert format_local(instant, Config(timezone="Europe/Berlin")) == "2026-12-01 17:30"
    assert now_local().utcoffset().total_seconds() == 8 * 3600
    env = {**os.environ, "TZ": "UTC"}
    code = "from kiosk.clock import format_local; print(format_local(fmt='%z'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "+0800"


# ----- demo leftovers -----


def test_a_killed_demos_folder_is_removed_at_the_next_start(tmp_path):
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r});"
        "from kiosk.scratch import DemoFolder; f = DemoFolder(); "
        "open(f.name + '/resident.pdf', 'w').write('110101199003078515');"
        "print(f.name, flush=True); time.sleep(600)"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    folder = Path(p.stdout.readline().strip())
    assert (folder / "resident.pdf").exists() and (folder.stat().st_mode & 0o077) == 0
    from kiosk.scratch import DemoFolder, remove_stale

    assert folder not in remove_stale()  # its demo still runs: untouched
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    mine = DemoFolder()  # the next demo start
    try:
        assert not folder.exists()
        assert Path(mine.name).exists()
    finally:
        mine.cleanup()


@pytest.mark.parametrize("age_h", [1, 13])
def test_old_style_demo_folders_go_when_old(tmp_path, age_h):
    from kiosk.scratch import remove_stale

    old = tmp_path / "kiosk-demo-abc123"
    old.mkdir()
    t = time.time() - age_h * 3600
    os.utime(old, (t, t))
    removed = remove_stale(tmp_path)
    assert (old in removed) == (age_h > 12) and old.exists() == (age_h <= 12)


def test_the_screens_health_check_sends_the_full_heartbeat(tmp_path):
    """The header's minute check (kiosk.health) beats too: with every field, not four."""
    from app.services import Services
    from kiosk.health import check

    services = Services(Config(data_dir=tmp_path / "kiosk", heartbeat_s=3600))
    try:
        services.ready(30)
        assert check(services).backend_ok
        beat = next(iter(latest(Path(services._tmp.name) / "backend").values()))
        assert {"reader", "microphone", "voice_model", "local_time"} <= beat.keys()
        assert beat["reader"] is not None and beat["local_time"] is not None
    finally:
        services.close()
