"""The top-up screens with the identity and damage work: 补写卡 offered before a new top-up on a
card with a purchase waiting, a journal that cannot be used says why, the admin screen shows the
damage and the entries marked for attention. Real widgets offscreen, demo backend in-process."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtWidgets import QApplication

from app.services import Services
from kiosk.config import Config
from ui.app import make_app
from ui.window import KioskWindow

IC = "100200304"


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    s = Services(Config(data_dir=tmp_path_factory.mktemp("kiosk")))
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    yield w
    w.home()
    w.ops.wait()
    w.exit_app()


def settle(qtbot, win, timeout=10_000):
    qtbot.waitUntil(lambda: not win.ops._active, timeout=timeout)
    QApplication.processEvents()


def to_pay_screen(win, qtbot, account):
    win.go("topup")
    screen = win.screens["topup"]
    screen.field.setText(account)
    screen.keys.confirmed.emit()
    settle(qtbot, win)
    screen._amount(30_00)
    assert win.current == "topup_pay"
    return win.screens["topup_pay"]


def test_rewrite_offered_first_then_top_up_anyway(win, qtbot, services):
    flow = services.topup
    waiting = flow.start(services.client.gas_account(IC), 21_00)
    services.client.sandbox("POST", f"/orders/{waiting.order_id}/pay")
    flow.poll(waiting)  # paid, the resident left without the card
    pay = to_pay_screen(win, qtbot, IC)
    assert pay.step == "offer_rewrite" and "1 笔" in pay.msg.text()
    assert pay.go_btn.text() == "先补写卡" and pay.cancel_btn.text() == "继续充值"
    pay.cancel_btn.click()  # without the card: buy anyway
    assert pay.step == "confirm" and pay.cancel_btn.text() == "取消"
    pay = to_pay_screen(win, qtbot, IC)
    assert pay.step == "offer_rewrite"
    pay.go_btn.click()
    assert win.current == "rewrite"
    rw = win.screens["rewrite"]
    rw._demo_card(IC)
    settle(qtbot, win)
    rw.go_btn.click()
    settle(qtbot, win)
    assert "补写成功" in rw.msg.text() and "21.00" in rw.msg.text()
    pay = to_pay_screen(win, qtbot, IC)
    assert pay.step == "confirm"  # nothing waiting any more: straight to the amount


def test_damaged_journal_shown_on_admin_and_top_up_says_why(win, qtbot, services):
    journal = services.topup.journal
    note = {"at": time.time(), "reason": "DatabaseError: file is not a database", "moved_to": "x"}
    journal.set_meta("damage", json.dumps(note))  # as Journal records it when it moves a file
    try:
        pay = to_pay_screen(win, qtbot, "100200302")
        pay.go_btn.click()
        settle(qtbot, win)
        assert "暂时不能充值" in pay.msg.text() and "其他业务" in pay.msg.text()
        win.go("admin")
        text = win.screens["admin"].pending.text()
        assert "充值记录损坏" in text and "充值暂停" in text
    finally:
        journal.mark_rebuilt()
    win.go("admin")
    assert "已按后台" in win.screens["admin"].pending.text()


def test_admin_shows_entries_marked_for_attention(win, services):
    journal = services.topup.journal
    entry = journal.create("100200303", 13_00, "remote")
    journal.mark_attention(entry.key, "404 order_not_found")
    win.go("admin")
    text = win.screens["admin"].pending.text()
    assert "13.00" in text and "人工核对" in text and "order_not_found" in text
