"""Identification by ID card in the UI: in demo mode the demo buttons lay a card on the simulated
pty reader and the real driver reads it; a field terminal reads its serial reader and logs the
resident in at the backend; problems get the resident's sentence, logs only masked numbers."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.services import Services
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, demo_residents
from kiosk.config import Config
from kiosk.devices.idcard import READ, command_frame
from kiosk.devices.idcard_sim import SimulatedIdReader, demo_card
from ui.app import make_app
from ui.window import KioskWindow

RESIDENT = demo_residents()[0]


@pytest.fixture(scope="module")
def demo_services(tmp_path_factory):
    make_app()
    s = Services(Config(data_dir=tmp_path_factory.mktemp("kiosk")))
    yield s
    s.close()


def open_window(services, qtbot) -> KioskWindow:
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    return w


def close_window(w: KioskWindow) -> None:
    w.home()
    w.ops.wait()
    w.exit_app()


def at_identify(w: KioskWindow, qtbot):
    """The way a resident gets there: a record query asks for identification first."""
    w.go("matter", matter=w.services.catalog.catalog.by_id()["gjj-002"])
    qtbot.mouseClick(w.screens["matter"].act, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert w.current == "identify"
    return w.screens["identify"]


def identified(w: KioskWindow) -> bool:
    return w.session.identified and w.current in ("consent", "records")


def test_demo_button_is_read_by_the_real_driver(demo_services, qtbot, caplog):
    caplog.set_level(logging.INFO)
    win = open_window(demo_services, qtbot)
    try:
        screen = at_identify(win, qtbot)
        sim = demo_services.id_reader.simulator
        before = len(sim.received)
        button = next(b for b in screen.findChildren(QPushButton) if b.text() == RESIDENT["name"])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: identified(win), timeout=20_000)
        assert command_frame(*READ) in sim.received[before:]  # it went over the pty
        assert not sim.has_card  # the demo resident took the card back
    finally:
        close_window(win)
    assert RESIDENT["id_number"] not in caplog.text


def test_expired_card_and_silent_reader_are_told(demo_services, qtbot):
    win = open_window(demo_services, qtbot)
    sim = demo_services.id_reader.simulator
    try:
        screen = at_identify(win, qtbot)
        sim.place(demo_card(RESIDENT["name"], RESIDENT["id_number"], valid_to="20200101"))
        qtbot.waitUntil(lambda: "过期" in screen.msg.text(), timeout=20_000)
        assert not win.session.identified
        sim.remove()
        sim.silent = True
        qtbot.waitUntil(lambda: "读卡器没有响应" in screen.msg.text(), timeout=20_000)
    finally:
        sim.silent = False
        close_window(win)


@pytest.fixture()
def field(tmp_path, backend):
    make_app()
    sim = SimulatedIdReader()  # a reader on a serial port, as far as the kiosk can tell

    def services(**devices) -> Services:
        return Services(
            Config(
                backend_url=backend.url,
                terminal_id=DEMO_TERMINAL_ID,
                secret=DEMO_TERMINAL_SECRET,
                data_dir=tmp_path / "kiosk",
                demo=False,
                admin_pin_hash="x",
                heartbeat_s=3600,
                **devices,
            )
        )

    yield sim, services
    sim.close()


def test_field_terminal_identifies_by_card(field, qtbot, caplog):
    caplog.set_level(logging.INFO)
    sim, make = field
    services = make(id_reader=f"serial:{sim.port}")
    win = open_window(services, qtbot)
    try:
        screen = at_identify(win, qtbot)
        assert screen.reader.isHidden()  # no demo buttons on a terminal
        sim.place(demo_card(RESIDENT["name"], RESIDENT["id_number"]))
        qtbot.waitUntil(lambda: identified(win), timeout=20_000)
        assert win.session.id_masked.startswith(RESIDENT["id_number"][:6])
        assert services.reader_status() == "ok"
    finally:
        close_window(win)
        services.close()
    assert RESIDENT["id_number"] not in caplog.text


def test_field_terminal_without_a_reader_asks_for_the_phone(field, qtbot):
    _, make = field
    services = make()  # id_reader "" outside demo: none
    win = open_window(services, qtbot)
    try:
        screen = at_identify(win, qtbot)
        assert "手机号" in screen.heading.text() and screen.instruction.isHidden()
        assert services.reader_status() == "none"
        assert not services.devices.flows()["topup"]
        # no card writer on this terminal: the gas top-up guide offers no button; water does
        by_service = {m.service: m for m in services.catalog.catalog.enabled()}
        win.go("matter", matter=by_service["utilities.gas_topup"])
        assert win.screens["matter"].act.isHidden()
        win.go("matter", matter=by_service["utilities.water"])
        assert not win.screens["matter"].act.isHidden()
    finally:
        close_window(win)
        services.close()
