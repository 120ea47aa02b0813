"""The QR payment screens as a resident walks them (walk-through findings): leaving a QR cancels
its unpaid order, a payment that beats the cancel is shown and carried on, the bill screens have
the gas screens' confirm -> QR -> outcome shape, and a double tap never lands on the next step.
Real widgets offscreen against the real reference backend on loopback; payment by the sandbox."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from ui.app import make_app

from .test_ui import settle, shown_window

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
    with shown_window(services, qtbot) as w:
        yield w


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


# ----- 2. the water bill: confirm -> QR (+取消) -> 缴费成功, cancelled on leaving -----


def water_amounts(win, qtbot, services, account="300100201"):
    win.open_matter(services.catalog.catalog.by_id()["gy-005"])
    win.start_flow()
    u = win.screens["utility"]
    u.field.setText(account)
    u.keys.confirmed.emit()
    settle(qtbot, win)
    assert u.step == "amount"
    return u


def test_water_amount_asks_to_confirm_before_any_qr(win, qtbot, services):
    u = water_amounts(win, qtbot, services)
    u._pay(50_00)
    assert u.step == "confirm" and u.order is None and u.qr.pixmap().isNull()
    assert "50.00" in u.status.text() and not u.keys.isVisible()
    assert u.go_btn.text() == "确认，去付款" and u.cancel_btn.isVisible()
    u.cancel_btn.click()  # 取消 on the confirm: back to the amounts, nothing ordered
    assert u.step == "amount" and u.card.isVisible() and u.keys.isVisible()
    u._pay(50_00)
    u.go_btn.click()
    settle(qtbot, win)
    assert u.step == "paying" and not u.qr.pixmap().isNull()
    assert not u.keys.isVisible() and not u.keys.isEnabled()
    assert u.cancel_btn.isVisible() and u.cancel_btn.text() == "取消"
    oid = u.order.order_id
    u.cancel_btn.click()
    settle(qtbot, win)
    assert u.step == "closed" and "已取消" in u.status.text()
    assert services.client.utility_order("water", oid).status.value == "cancelled"


def test_back_on_water_qr_cancels_the_order(win, qtbot, services):
    u = water_amounts(win, qtbot, services)
    u._pay(50_00)
    u.go_btn.click()
    settle(qtbot, win)
    oid = u.order.order_id
    tap(qtbot, win.back_btn)
    settle(qtbot, win)
    assert win.current != "utility"
    assert services.client.utility_order("water", oid).status.value == "cancelled"


def test_water_paid_before_the_back_cancel_shows_success(win, qtbot, services):
    u = water_amounts(win, qtbot, services)
    u._pay(50_00)
    u.go_btn.click()
    settle(qtbot, win)
    services.client.sandbox("POST", f"/utility-orders/{u.order.order_id}/pay")
    tap(qtbot, win.back_btn)
    settle(qtbot, win)
    assert win.current == "utility" and u.step == "done"
    assert "缴费成功" in u.status.text() and "取消之前" in u.msg.text()
    assert u.go_btn.isVisible() and u.go_btn.text() == "完成"


# ----- 3. a double tap on 确认，去付款 never lands on the next step's 取消 -----


def test_double_tap_on_confirm_does_not_cancel(win, qtbot, services):
    win.open_matter(services.catalog.catalog.by_id()["gy-001"])
    win.start_flow()
    topup = win.screens["topup"]
    topup.field.setText("100200302")
    topup.keys.confirmed.emit()
    settle(qtbot, win)
    topup._amount(30_00)
    pay = win.screens["topup_pay"]
    pay.guard.hold_s = 0  # the first tap, long after the page was shown
    qtbot.wait(1)
    confirm_at = pay.go_btn.geometry()
    tap(qtbot, pay.go_btn)
    settle(qtbot, win)
    assert pay.step == "paying"
    QApplication.processEvents()
    assert not pay.cancel_btn.geometry().intersects(confirm_at)  # 取消 is elsewhere
    pay.guard.hold_s = 3600  # the second tap of the double tap: right after the step changed
    tap(qtbot, pay.cancel_btn)
    settle(qtbot, win)
    assert pay.step == "paying"  # ignored: the order stands
    pay.guard.hold_s = 0  # a tap the resident means, after reading the new step
    tap(qtbot, pay.cancel_btn)
    settle(qtbot, win)
    assert pay.step == "closed"


def test_water_steps_guard_their_buttons(win, qtbot, services):
    u = water_amounts(win, qtbot, services)
    u._pay(50_00)
    confirm_at = u.go_btn.geometry()
    u.guard.hold_s = 3600
    tap(qtbot, u.go_btn)
    assert u.step == "confirm"  # the tap that chose the amount, landing twice
    u.guard.hold_s = 0
    tap(qtbot, u.go_btn)
    settle(qtbot, win)
    assert u.step == "paying"
    QApplication.processEvents()
    assert not u.cancel_btn.geometry().intersects(confirm_at)
    tap(qtbot, u.cancel_btn)
    settle(qtbot, win)
    assert u.step == "closed"


# ----- 4. paid and waiting for the card: 返回 never leads to buying again -----


def test_back_after_paying_keeps_the_card_step(win, qtbot, services):
    pay = gas_qr(win, qtbot, services, "100200300")
    key = pay.entry.key
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "insert_card"
    tap(qtbot, win.back_btn)
    settle(qtbot, win)
    assert win.current == "topup_pay" and pay.step == "insert_card"  # no new purchase
    assert "首页" in pay.hint.text() and pay.go_btn.text() == "写卡"
    assert services.topup.journal.get(key).state.value == "paid"
    win.home()  # leaving without the card: 待圈存 with its note, as before
    settle(qtbot, win)
    win.ops.wait()
    assert services.topup.journal.get(key).state.value == "write_pending"


def test_amount_page_offers_a_rewrite_button(win, qtbot, services):
    flow = services.topup
    waiting = flow.start(services.client.gas_account("100200304"), 20_00)
    services.client.sandbox("POST", f"/orders/{waiting.order_id}/pay")
    flow.poll(waiting)  # paid, the resident left without the card
    win.open_matter(services.catalog.catalog.by_id()["gy-001"])
    win.start_flow()
    topup = win.screens["topup"]
    topup.field.setText("100200304")
    topup.keys.confirmed.emit()
    settle(qtbot, win)
    assert "请先补写卡" in topup.account_text.text()
    assert topup.rewrite_btn.isVisible() and topup.rewrite_btn.text() == "先补写卡"
    tap(qtbot, topup.rewrite_btn)
    assert win.current == "rewrite"
    topup.wipe()
    assert not topup.rewrite_btn.isVisible()


# ----- 5. one tap, one copy: print buttons guarded after the outcome -----


def test_taps_after_a_print_do_not_print_again(win, qtbot, services, monkeypatch):
    from kiosk.backend.store import demo_residents

    printer = services.printer
    jobs = []
    real = printer.print_pdf

    def counted(pdf, title):  # the real CUPS print, counted
        jobs.append(title)
        return real(pdf, title)

    monkeypatch.setattr(printer, "print_pdf", counted)
    person = next(r for r in demo_residents() if r["name"] == "李秀英")
    win.open_matter(services.catalog.catalog.by_id()["ga-001"])
    win.start_flow()
    win.screens["identify"]._card(person["name"], person["id_number"])
    settle(qtbot, win)
    if win.current == "consent":
        tap(qtbot, win.screens["consent"].agree)
        settle(qtbot, win)
    cert = win.screens["certificate"]
    assert win.current == "certificate"
    tap(qtbot, cert.print_btn)
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    assert len(jobs) == 1 and cert.print_btn.text() == "再打印一份"
    from ui.tapguard import guard_of

    guard_of(cert.print_btn).hold_s = 3600  # the rest of the triple tap, right after the outcome
    tap(qtbot, cert.print_btn)
    tap(qtbot, cert.print_btn)
    settle(qtbot, win)
    win.ops.wait()
    assert len(jobs) == 1
    guard_of(cert.print_btn).hold_s = 0  # 再打印一份, meant
    tap(qtbot, cert.print_btn)
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    assert len(jobs) == 2


def test_home_while_the_order_is_made_still_cancels_it(win, qtbot, services):
    win.open_matter(services.catalog.catalog.by_id()["gy-001"])
    win.start_flow()
    topup = win.screens["topup"]
    topup.field.setText("100200302")
    topup.keys.confirmed.emit()
    settle(qtbot, win)
    topup._amount(30_00)
    pay = win.screens["topup_pay"]
    journal = services.topup.journal
    before = {e.key for e in journal.all()}
    pay.go_btn.click()
    assert pay.step == "ordering"
    win.home()  # before the order's answer reached the screen
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    settle(qtbot, win)
    win.ops.wait()
    made = [e for e in journal.all() if e.key not in before]
    assert len(made) == 1 and made[0].state.value == "cancelled"


def test_double_tap_on_print_statement_prints_once(win, qtbot, services, monkeypatch):
    from kiosk.backend.store import demo_residents
    from ui.tapguard import guard_of

    printer = services.printer
    jobs = []
    real = printer.print_pdf

    def counted(pdf, title):  # the real CUPS print, counted
        jobs.append(title)
        return real(pdf, title)

    monkeypatch.setattr(printer, "print_pdf", counted)
    person = next(r for r in demo_residents() if r["name"] == "王建国")
    win.open_matter(services.catalog.catalog.by_id()["gjj-002"])
    tap(qtbot, win.screens["matter"].act)
    win.screens["identify"]._card(person["name"], person["id_number"])
    settle(qtbot, win)
    if win.current == "consent":
        tap(qtbot, win.screens["consent"].agree)
        settle(qtbot, win)
    records = win.screens["records"]
    assert win.current == "records" and records.table.rowCount() > 0
    tap(qtbot, records.print_btn)
    assert not records.print_btn.isEnabled()  # while printing: a second tap cannot land
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    assert len(jobs) == 1
    guard_of(records.print_btn).hold_s = 3600  # the double tap's second half, after the outcome
    tap(qtbot, records.print_btn)
    settle(qtbot, win)
    win.ops.wait()
    assert len(jobs) == 1


def test_double_tap_on_rewrite_keeps_its_outcome(win, qtbot, services):
    from ui.tapguard import guard_of

    flow = services.topup
    waiting = flow.start(services.client.gas_account("100200300"), 11_00)
    services.client.sandbox("POST", f"/orders/{waiting.order_id}/pay")
    flow.poll(waiting)  # paid, not on the card
    win.open_matter(services.catalog.catalog.by_id()["gy-001"])
    win.start_flow()
    win.go("rewrite")
    rw = win.screens["rewrite"]
    rw._demo_card("100200300")
    settle(qtbot, win)
    tap(qtbot, rw.go_btn)
    settle(qtbot, win)
    assert "补写成功" in rw.msg.text()  # with any written earlier in this module
    guard_of(rw.go_btn).hold_s = 3600  # the second half of the double tap
    tap(qtbot, rw.go_btn)
    settle(qtbot, win)
    assert "补写成功" in rw.msg.text()
