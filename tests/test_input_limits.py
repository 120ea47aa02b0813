"""Keypad input a resident cannot get wrong by tapping too long, and words that say what is wrong
(found walking the demo in a real window)."""

from __future__ import annotations

from .test_ui import all_text, settle
from .test_verify_ui import services, win  # noqa: F401 - the same demo kiosk

LONG = "1" * 15


def test_a_number_that_is_no_mobile_number_is_called_that(win, qtbot):  # noqa: F811
    win.go("identify")
    screen = win.screens["identify"]
    for d in "11111111111":
        screen._typed(d)
    screen._confirm()
    settle(qtbot, win)
    assert "格式不对" in all_text(screen) and "没有登记" not in all_text(screen)


def test_the_search_keypad_keeps_to_a_name_s_initials(win, qtbot):  # noqa: F811
    win.go("search")
    screen = win.screens["search"]
    for _ in range(40):
        screen.keys.typed.emit("A")
    assert len(screen.field.text()) == 24


def test_the_gas_amount_takes_no_more_digits_than_its_limit(win, qtbot):  # noqa: F811
    win.go("topup")
    screen = win.screens["topup"]
    for d in "100200300":
        screen.keys.typed.emit(d)
    screen._confirm()
    qtbot.waitUntil(lambda: screen.account is not None, timeout=10_000)
    for d in LONG:
        screen.keys.typed.emit(d)
    assert len(screen.field.text()) == len(str(screen.account.max_amount // 100))


def test_the_demo_names_accounts_to_try(win, qtbot, services):  # noqa: F811
    win.go("topup")
    assert "100200300" in all_text(win.screens["topup"])
    water = services.catalog.catalog.by_id()
    matter = next(m for m in water.values() if m.service == "utilities.water")
    win.go("utility", matter=matter)
    assert "300100200" in all_text(win.screens["utility"])


def test_the_admin_screen_lists_a_late_payment_and_its_refund(win, qtbot, services):  # noqa: F811
    import uuid

    c = services.client
    order = c.create_gas_order("100200304", 20_00, str(uuid.uuid4()))
    c.cancel_gas_order(order.order_id)
    c.sandbox("POST", f"/orders/{order.order_id}/pay")  # paid after the cancel
    win.go("admin")
    screen = win.screens["admin"]
    qtbot.waitUntil(lambda: order.order_id in screen.late.text(), timeout=10_000)
    assert "退回" in screen.late.text() and "20.00元" in screen.late.text()
