"""Devices by config: resolved once at start, simulated only in demo mode, flows by device;
selfcheck walks them (the ID reader through the real driver on a pty)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from app.selfcheck import device_checks
from kiosk.config import Config
from kiosk.devices import (
    AudioSource,
    DeviceConfigError,
    DocumentPrinter,
    IdReader,
    ReceiptPrinter,
    parse_device,
    resolve_devices,
)
from kiosk.devices.idcard import SamReader
from kiosk.devices.idcard_sim import SimulatedIdReader, demo_card


def prod(**kw) -> Config:
    return Config(backend_url="https://gw.example.gov.cn", demo=False, **kw)


def test_empty_means_simulated_in_demo_and_none_outside():
    demo = resolve_devices(Config())
    assert {s.kind for s in demo.specs()} == {"simulated"}
    assert all(demo.flows().values())
    field = resolve_devices(prod())
    assert {s.kind for s in field.specs()} == {"none"}
    assert field.flows() == {"id_card": False, "topup": False, "bill_scan": False}
    assert field.available("guide")  # flows that need no device are never hidden


def test_serial_forms():
    spec = parse_device("id_reader", "serial:/dev/ttyUSB0", False)
    assert (spec.kind, spec.port, spec.baud) == ("serial", "/dev/ttyUSB0", 115200)
    spec = parse_device("id_reader", "serial:COM3:9600", False)
    assert (spec.port, spec.baud) == ("COM3", 9600)
    spec = parse_device("id_reader", " Serial:/dev/serial/by-id/usb-CVR-100:115200 ", False)
    assert spec.port == "/dev/serial/by-id/usb-CVR-100" and str(spec).startswith("serial:")
    devices = resolve_devices(prod(id_reader="serial:/dev/ttyUSB0", barcode_scanner="keyboard"))
    assert devices.flows() == {"id_card": True, "topup": False, "bill_scan": True}


@pytest.mark.parametrize(
    "key, value, demo, why",
    [
        ("id_reader", "simulated", False, "only in demo mode"),
        ("card_writer", "simulated", False, "only in demo mode"),
        ("id_reader", "usb:0400:c35a", True, "unknown device kind"),
        ("id_reader", "serial:", False, "needs a port"),
        ("id_reader", "serial:/dev/ttyUSB0:12345", False, "baud 12345"),
        ("id_reader", 1, False, "must be a string"),
        ("barcode_scanner", "keyboard:1", False, "no parameters"),
        ("card_writer", "serial:/dev/ttyS0", False, "unknown device kind"),
    ],
)
def test_bad_values_name_the_key(key, value, demo, why):
    with pytest.raises(DeviceConfigError) as e:
        parse_device(key, value, demo)
    assert f"devices.{key}" in str(e.value) and why in str(e.value)


def test_a_bad_value_stops_the_start(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[devices]\nid_reader = "bluetooth"\n', encoding="utf-8")
    p = subprocess.run(
        [sys.executable, "-m", "app.cli", "--demo", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert "devices.id_reader" in p.stderr and "Traceback" not in p.stderr


def test_the_real_classes_satisfy_the_interfaces(tmp_path):
    from printing.printers import EscposReceiptPrinter, FilePrinter
    from voice.audio import MicSource, WavSource

    sim = SimulatedIdReader()
    try:
        assert isinstance(SamReader.open(sim.port), IdReader)
    finally:
        sim.close()
    assert isinstance(FilePrinter(tmp_path / "outbox"), DocumentPrinter)
    assert issubclass(EscposReceiptPrinter, ReceiptPrinter)
    assert issubclass(WavSource, AudioSource) and issubclass(MicSource, AudioSource)


def _id_check(config: Config):
    return next(c for c in device_checks(config) if c.name == "id reader")


def test_selfcheck_asks_a_serial_reader():
    sim = SimulatedIdReader()
    try:
        check = _id_check(prod(id_reader=f"serial:{sim.port}"))
        assert check.status == "ok" and "no card" in check.detail
        sim.place(demo_card("李秀英", "410523194803120425"))
        assert "a card lies on it" in _id_check(prod(id_reader=f"serial:{sim.port}")).detail
        sim.silent = True
        check = _id_check(prod(id_reader=f"serial:{sim.port}"))
        assert check.status == "fail" and "no answer" in check.detail
    finally:
        sim.close()
    check = _id_check(prod(id_reader="serial:/dev/ttyNOSUCH7"))
    assert check.status == "fail" and "cannot open" in check.detail


def test_selfcheck_names_what_an_absent_device_hides():
    checks = {c.name: c for c in device_checks(prod())}
    assert checks["id reader"].status == "warn" and "SMS" in checks["id reader"].detail
    assert "top-up hidden" in checks["card writer"].detail
    bad = device_checks(prod(card_writer="simulated"))
    assert bad[0].status == "fail" and "devices.card_writer" in bad[0].detail


def test_reader_service_in_demo_mode_runs_the_real_driver():
    from kiosk.devices.reader import IdReaderService

    svc = IdReaderService(resolve_devices(Config()).id_reader, interval=0.02).start()
    got, ready = [], threading.Event()

    def on_card(c):
        got.append((c.name, c.id_number))
        ready.set()

    try:
        assert svc.present and svc.simulator is not None
        svc.place_demo_card("李秀英", "410523194803120425")  # nobody listens yet
        assert _wait(lambda: not svc.simulator.has_card)  # read, handed back, forgotten
        assert got == []
        svc.listen(on_card, lambda exc: None)
        svc.place_demo_card("李秀英", "410523194803120425")
        assert ready.wait(10)
        assert got == [("李秀英", "410523194803120425")] and svc.status() == "ok"
        # it went over the pty as GA 467 frames: find, select, read
        assert any(f[7:9] == b"\x30\x01" for f in svc.simulator.received)
        svc.unlisten()
        svc.simulator.silent = True
        assert _wait(lambda: svc.status() == "error")
    finally:
        svc.close()


def test_reader_service_without_a_reader():
    from kiosk.devices.reader import IdReaderService

    svc = IdReaderService(resolve_devices(prod()).id_reader).start()
    assert not svc.present and svc.status() == "none"
    svc.listen(lambda c: None, lambda e: None)
    with pytest.raises(RuntimeError):
        svc.place_demo_card("李秀英", "410523194803120425")
    svc.close()


def _wait(cond, timeout=10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_service_flows_hidden_only_when_their_device_is_missing():
    from kiosk.flows import FLOWS

    field = resolve_devices(prod(id_reader="none"))
    assert not field.offers(FLOWS["utilities.gas_topup"])
    assert not field.offers(FLOWS["utilities.gas_rewrite"])
    # no reader: records and certificates stay (SMS); water bills need no device
    for service in ("records.gjj_statement", "certificates.hardship", "utilities.water"):
        assert field.offers(FLOWS[service])
    assert resolve_devices(Config()).offers(FLOWS["utilities.gas_topup"])
