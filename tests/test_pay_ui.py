"""The QR payment screens as a resident walks them (walk-through findings): leaving a QR cancels
its unpaid order, a payment that beats the cancel is shown and carried on, the bill screens have
the gas screens' confirm -> QR -> outcome shape, and a double tap never lands on the next step.
Real widgets offscreen against the real reference backend on loopback; payment by the sandbox."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from kiosk.config import Config
from ui.app import make_app
from ui.window import KioskWindow

from .test_ui import settle

try:  # the lead is moving Services to its own package
    from app.services import Services
except ImportError:  # pragma: no cover
    from app.services import Services


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    s = Services(
        Config(
            data_dir=tmp_path_factory.mktemp("kiosk"),
            idle_personal_s=60,
            printer_queue="KioskPDF",
        )
    )
    s.ready(30)
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    settle(qtbot, w)
    yield w
    w.home()
    w.ops.wait()
    w.exit_app()


def tap(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def gas_qr(win, qtbot, services, account="100200301", fen=50_00):
    win.open_matter(services.catalog.catalog.by_id()["gy-001"])
    win.start_flow()
    topup = win.screens["topup"]
    topup.field.setText(account)
    topup.keys.confirmed.emit()
    settle(qtbot, win)
    topup._amount(fen)
    pay = win.screens["topup_pay"]
    pay.go_btn.click()
    settle(qtbot, win)
    assert pay.step == "paying"
    return pay


# ----- 1. 返回 on the gas QR cancels the unpaid order -----


def test_back_on_gas_qr_cancels_the_order(win, qtbot, services):
    pay = gas_qr(win, qtbot, services)
    key, oid = pay.entry.key, pay.entry.order_id
    tap(qtbot, win.back_btn)
    settle(qtbot, win)
    assert win.current == "topup"
    assert services.topup.journal.get(key).state.value == "cancelled"
    assert services.client.gas_order(oid).status.value == "cancelled"


def test_payment_beating_the_back_cancel_is_shown_and_goes_to_the_card(win, qtbot, services):
    pay = gas_qr(win, qtbot, services)
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")  # before the poll saw it
    tap(qtbot, win.back_btn)
    settle(qtbot, win)
    assert win.current == "topup_pay" and pay.step == "insert_card"
    assert "付款成功" in pay.msg.text() and "取消之前" in pay.hint.text()
    assert pay.go_btn.isVisible() and pay.go_btn.text() == "写卡"
