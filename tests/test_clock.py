"""Local time from config on paper, whatever the machine's clock zone (TZ=UTC here)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.clock import format_local, set_zone, to_local, zone
from printing.documents import _cn_date

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def default_zone():
    yield
    set_zone("Asia/Shanghai")


def test_certificate_date_is_the_terminals_day():
    # 20:30 UTC on 1 December is already 2 December in Shanghai
    assert _cn_date("2026-12-01T20:30:00+00:00") == "2026年12月2日"
    assert _cn_date("2026-12-02T04:30:00+08:00") == "2026年12月2日"
    assert _cn_date("not a date") == "not a date"


def test_configured_zone_is_used_without_a_config_at_hand():
    instant = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    set_zone("Europe/Berlin")  # summer time: +02:00
    assert format_local(instant) == "2026-06-01 14:00"
    assert to_local(instant).utcoffset() == timedelta(hours=2)
    with pytest.raises(ValueError, match="unknown time zone"):
        set_zone("Nowhere/Town")
    with pytest.raises(ValueError):
        zone("../etc/passwd")


def test_printed_time_under_a_utc_machine_clock():
    code = (
        "from printing.samples import _now; from kiosk.clock import format_local;"
        "import time; print(_now(), time.strftime('%z'))"
    )
    env = {**os.environ, "TZ": "UTC"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    ).stdout.split()
    stamp, machine = " ".join(out[:2]), out[2]
    assert machine == "+0000"
    expected = datetime.now(UTC) + timedelta(hours=8)
    printed = datetime.strptime(stamp, "%Y-%m-%d %H:%M")
    # the printed stamp is Shanghai's wall clock, eight hours ahead of the machine's
    assert abs((printed - expected.replace(tzinfo=None)).total_seconds()) < 120
