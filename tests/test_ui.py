"""The touch UI driven with pytest-qt: real widgets, offscreen, against the reference backend on
loopback (demo mode starts it in-process)."""

from __future__ import annotations

import contextlib
import os
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableWidget

from app.services import Services
from kiosk.backend.client import BackendClient
from kiosk.backend.store import demo_residents
from kiosk.config import Config
from ui.app import make_app
from ui.widgets import Tile
from ui.window import KioskWindow

PEOPLE = {r["name"]: r for r in demo_residents()}


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    # printing goes through the real CUPS queue (cups-pdf), as on a terminal
    s = Services(
        Config(
            data_dir=tmp_path_factory.mktemp("kiosk"), idle_personal_s=60, printer_queue="KioskPDF"
        )
    )
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    services.config.idle_countdown_s = 10
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    yield w
    w.home()
    w.ops.wait()
    w.exit_app()


@contextlib.contextmanager
def shown_window(services, qtbot, size=(1920, 1080)):
    """A kiosk window on screen, settled; the session ended and the window closed after."""
    w = KioskWindow(services, lockdown=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    settle(qtbot, w)
    try:
        yield w
    finally:
        w.home()
        w.ops.wait()
        w.exit_app()


def settle(qtbot, win, timeout=10_000):
    qtbot.waitUntil(lambda: not win.ops._active, timeout=timeout)
    QApplication.processEvents()


def all_text(win) -> str:
    parts = []
    for lab in win.findChildren(QLabel):
        parts.append(lab.text())
    for edit in win.findChildren(QLineEdit):
        parts.append(edit.text())
    for table in win.findChildren(QTableWidget):
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                parts.append(item.text() if item else "")
    return "\n".join(parts)


def test_home_category_guide_and_print(win, qtbot, services):
    tiles = [t for t in win.screens["home"].findChildren(Tile) if t.isVisible()]
    assert len(tiles) >= 8 and tiles[0].height() >= 72
    qtbot.mouseClick(tiles[0], Qt.MouseButton.LeftButton)
    assert win.current == "category"
    lst = win.screens["category"].list
    qtbot.wait(50)  # let the list lay out before finding where its first row is
    assert lst.count() > 3
    first = lst.item(0)
    qtbot.mouseClick(
        lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(first).center()
    )
    qtbot.waitUntil(lambda: win.current == "matter", timeout=2000)  # QScroller delays the press
    matter = win.screens["matter"]
    assert matter.heading.text() == first.data(Qt.ItemDataRole.UserRole)[1].name
    qtbot.mouseClick(matter.print_btn, Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    assert "打印完成" in matter.note.text()  # CUPS said the job completed
    qtbot.mouseClick(win.back_btn, Qt.MouseButton.LeftButton)
    assert win.current == "category"
    qtbot.mouseClick(win.home_btn, Qt.MouseButton.LeftButton)
    assert win.current == "home" and not win.back_btn.isVisible()


def test_search_keypad_updates_results(win, qtbot):
    win.go("search")
    screen = win.screens["search"]
    for ch in "pkzm":
        screen.keys.typed.emit(ch)
    assert screen.field.text() == "PKZM"
    names = [screen.results.item(i).text() for i in range(screen.results.count())]
    assert names and names[0].startswith("困难群众证明开具")
    screen.keys.erased.emit()
    assert screen.field.text() == "PKZ"
    screen.keys.cleared.emit()
    assert screen.results.count() == 0


def identify(win, qtbot, who="王建国", agree=True):
    person = PEOPLE[who]
    win.screens["identify"]._card(person["name"], person["id_number"])
    settle(qtbot, win)
    if agree and win.current == "consent":  # 告知同意, once per session
        qtbot.mouseClick(win.screens["consent"].agree, Qt.MouseButton.LeftButton)
        settle(qtbot, win)


def test_records_flow_and_idle_wipe(win, qtbot, services):
    matter = services.catalog.catalog.by_id()["gjj-002"]
    win.go("matter", matter=matter)
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    assert win.current == "identify"
    identify(win, qtbot)
    settle(qtbot, win)
    assert win.current == "records"
    records = win.screens["records"]
    assert records.table.rowCount() == records.page_size and "第 1 页" in records.msg.text()
    qtbot.mouseClick(records.next, Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    assert "第 2 页" in records.msg.text()
    shown = all_text(win)
    assert "王*国" in shown and "安阳市建筑工程有限公司" in shown
    # the resident walks away: idle -> countdown -> wipe
    win.idle.setInterval(10)
    win.idle.start()
    qtbot.waitUntil(win.overlay.isVisible, timeout=3000)
    win.overlay.left = 1
    win.overlay._tick()
    qtbot.waitUntil(lambda: win.current == "home", timeout=3000)
    settle(qtbot, win)
    left = all_text(win)
    person = PEOPLE["王建国"]
    for secret in (
        "王*国",
        person["name"],
        person["id_number"],
        person["id_number"][-4:],
        "安阳市建筑工程有限公司",
        "7,100.00",
    ):
        assert secret not in left, secret
    assert not services.session.identified and services.session.token == ""


def test_certificate_flow(win, qtbot, services):
    win.go("matter", matter=services.catalog.catalog.by_id()["mz-001"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    identify(win, qtbot, "李秀英")
    settle(qtbot, win)
    cert = win.screens["certificate"]
    assert cert.print_btn.isEnabled() and cert.cert is None  # a preview: nothing issued yet
    qtbot.mouseClick(cert.print_btn, Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    assert cert.p_title.text() == "困难群众证明"
    assert "打印完成" in cert.msg.text()
    win.home()
    assert cert.p_body.text() == "" and not cert.print_btn.isEnabled()


def test_not_eligible_gets_words_and_a_way_forward(win, qtbot, services):
    win.go("matter", matter=services.catalog.catalog.by_id()["mz-001"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    identify(win, qtbot, "王建国")
    settle(qtbot, win)
    qtbot.mouseClick(win.screens["certificate"].print_btn, Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    assert "民政窗口" in win.screens["certificate"].msg.text()
    assert win.back_btn.isVisible() and win.home_btn.isVisible()


def test_network_down_page_with_retry(win, qtbot, services):
    real = services.client
    services.client = BackendClient("http://127.0.0.1:9", "t", "s", retries=0, connect_timeout=1)
    try:
        win.go("topup")
        screen = win.screens["topup"]
        screen.field.setText("100200300")
        screen.keys.confirmed.emit()
        settle(qtbot, win)
        assert win.current == "message"
        assert "网络" in win.screens["message"].heading.text()
        assert "✖ 网络中断" in win.header.status.text()
        assert win.screens["message"].retry.isVisible()
        services.client = real
        qtbot.mouseClick(win.screens["message"].retry, Qt.MouseButton.LeftButton)
        settle(qtbot, win)
        assert win.current == "topup" and "王*国" in screen.account_text.text()
        assert "● 网络正常" in win.header.status.text()
    finally:
        services.client = real


def test_identify_by_phone_and_sms(win, qtbot, services):
    win.go("identify")
    screen = win.screens["identify"]
    for d in "1380000000":
        screen.keys.typed.emit(d)
    screen.keys.confirmed.emit()
    assert "11位" in screen.msg.text()
    screen.keys.typed.emit("3")
    screen.keys.confirmed.emit()
    settle(qtbot, win)
    code = screen.msg.text().split("：")[-1].strip(")）")
    assert len(code) == 6 and code.isdigit()
    for d in code:
        screen.keys.typed.emit(d)
    screen.keys.confirmed.emit()
    settle(qtbot, win)
    assert services.session.identified and services.session.name_masked == "张*"


def test_admin_gesture_pin_and_lockout(win, qtbot):
    handle = win.windowHandle()
    for _ in range(5):
        press = QMouseEvent(
            QEvent.Type.MouseButtonPress,
            QPointF(20, 20),
            QPointF(20, 20),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        win.eventFilter(handle, press)
    assert win.current == "pin"
    pin = win.screens["pin"]
    clock = [1000.0]
    pin.gate.clock = lambda: clock[0]
    for _ in range(5):
        pin.field.setText("000000")
        pin._check()
    assert "错误次数过多" in pin.msg.text()
    pin.field.setText("123456")  # right PIN, but locked
    pin._check()
    assert win.current == "pin"
    clock[0] += 301
    pin.field.setText("123456")
    pin._check()
    assert win.current == "admin"
    assert "事项清单版本" in win.screens["admin"].info.text()


def test_lockdown_refuses_close_and_escape(services, qtbot):
    w = KioskWindow(services, lockdown=True)
    qtbot.addWidget(w)
    w.show()
    w.close()
    assert w.isVisible()
    esc = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert w.eventFilter(w, esc) is True
    alt_f4 = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert w.eventFilter(w, alt_f4) is True
    assert QApplication.overrideCursor() is not None
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    w.exit_app()
    assert not w.isVisible()


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("elder", [False, True])
def test_every_screen_fits_both_orientations(win, qtbot, size, elder):
    if elder != win.theme.elder:
        win.toggle_elder()
    win.resize(*size)
    QApplication.processEvents()
    from ui.window import SCREENS

    for name in SCREENS:
        win.stack.setCurrentWidget(win.screens[name])
        QApplication.processEvents()
        assert win.height() <= size[1] + 2, (name, win.height())
    portrait = size[1] > size[0]
    split = win.screens["identify"]._split
    assert (split.direction().name == "TopToBottom") == portrait
    if win.theme.elder:
        win.toggle_elder()


def test_ui_thread_stays_free_during_backend_calls(win, qtbot, services):
    """A timer on the UI thread keeps ticking while the backend is slow: a UI thread that waited
    on the network would not tick at all between the call's start and its answer."""
    from PySide6.QtCore import QTimer

    # screens are built on the UI thread after start (by design): let that finish first, this
    # test is about the network
    qtbot.waitUntil(lambda: not win._builder.isActive(), timeout=60_000)
    services.client.sandbox(
        "POST",
        "/faults",
        {"mode": "delay", "path_prefix": "/v1/utilities/gas/accounts", "delay_s": 1.0, "count": 5},
    )
    ticks: list[float] = []
    hb = QTimer()
    hb.timeout.connect(lambda: ticks.append(time.monotonic()))
    hb.start(10)
    win.go("topup")
    win.screens["topup"].field.setText("100200300")
    started = time.monotonic()
    win.screens["topup"].keys.confirmed.emit()
    qtbot.waitUntil(lambda: win.screens["topup"].account is not None, timeout=10_000)
    answered = time.monotonic()
    settle(qtbot, win)
    hb.stop()
    services.client.sandbox("DELETE", "/faults")
    assert answered - started >= 0.9  # the slow call was really in flight
    during = [t for t in ticks if started < t < answered]
    assert len(during) >= 3


def test_english_at_runtime_and_back(win, qtbot):
    win.toggle_language()
    assert win.lang == "en_US"
    home = win.screens["home"]
    assert home.heading.text() == "Hello! What would you like to do?"
    assert "Network OK" in win.header.status.text() and win.home_btn.text() == "Home"
    win.toggle_language()
    assert win.lang == "zh_CN" and win.screens["home"].heading.text().startswith("您好")


def test_translation_file_is_complete():
    import xml.etree.ElementTree as ET

    from kiosk.paths import ASSETS

    tree = ET.parse(ASSETS / "translations" / "kiosk_en_US.ts")
    unfinished = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation").get("type") in ("unfinished", "vanished")
    ]
    assert unfinished == []


def test_attract_screen_after_long_idle_on_home(win, qtbot):
    win.home()
    assert win.idle.isActive()  # home counts towards the attract screen
    win.idle.setInterval(10)
    win.idle.start()
    qtbot.waitUntil(lambda: win.current == "attract", timeout=2000)
    qtbot.mouseClick(win.screens["attract"], Qt.MouseButton.LeftButton)
    assert win.current == "home"


def test_12345_complaint_progress_and_evaluation(win, qtbot, services):
    by_id = services.catalog.catalog.by_id()
    win.go("matter", matter=by_id["rx-001"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    fb = win.screens["feedback"]
    assert win.current == "feedback" and fb.mode == "submit"
    fb.keys.confirmed.emit()
    assert "选择" in fb.msg.text()
    fb._pick("路灯不亮")
    for d in "13800000002":
        fb.keys.typed.emit(d)
    fb.keys.confirmed.emit()
    settle(qtbot, win)
    text = fb.result_text.text()
    assert "诉求编号" in text and "验证码" in text
    number = text.split("诉求编号 ")[1].split("\n")[0]
    code = text.split("验证码 ")[1].split("\n")[0].strip()
    win.go("matter", matter=by_id["rx-002"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    assert fb.mode == "track"
    for d in number:
        fb.keys.typed.emit(d)
    fb.keys.confirmed.emit()
    for d in code:
        fb.keys.typed.emit(d)
    fb.keys.confirmed.emit()
    settle(qtbot, win)
    assert "已受理" in fb.result_text.text(), (fb.msg.text(), fb.mode, win.current)
    win.go("matter", matter=by_id["rx-003"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    assert fb.mode == "evaluate"
    for d in number:
        fb.keys.typed.emit(d)
    from kiosk.backend import api

    fb._rate(api.EvaluationLevel.VERY_SATISFIED)
    fb.keys.confirmed.emit()
    settle(qtbot, win)
    assert "感谢" in fb.result_text.text()


def _topup_to_pay(win, qtbot, account):
    win.go("topup")
    screen = win.screens["topup"]
    screen.field.setText(account)
    screen.keys.confirmed.emit()
    settle(qtbot, win)
    screen._amount(50_00)
    assert win.current == "topup_pay"
    pay = win.screens["topup_pay"]
    assert "50.00" in pay.summary.text() and pay.step == "confirm"
    pay.go_btn.click()
    settle(qtbot, win)
    assert pay.step == "paying" and pay.qr.pixmap() is not None and not pay.qr.pixmap().isNull()
    return pay


def test_gas_top_up_ic_card_flow_with_receipt(win, qtbot, services):
    pay = _topup_to_pay(win, qtbot, "100200300")
    assert "失效" in pay.hint.text()
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "insert_card" and "插入燃气卡" in pay.msg.text()
    pay.go_btn.click()  # no card in the slot yet
    settle(qtbot, win)
    assert "请插入燃气卡" in pay.msg.text() and pay.step == "insert_card"
    pay.card_btn.click()
    settle(qtbot, win)
    pay.go_btn.click()
    settle(qtbot, win)
    assert pay.step == "done" and "写卡成功" in pay.msg.text()
    qtbot.waitUntil(lambda: "打印完成" in pay.hint.text(), timeout=10_000)
    entry = services.topup.journal.get(pay.entry.key)
    assert entry.state.value == "receipted"
    win.home()
    assert pay.summary.text() == "" and pay.entry is None


def test_gas_top_up_remote_meter_and_cancel(win, qtbot, services):
    pay = _topup_to_pay(win, qtbot, "100200302")
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "done" and "直接充到燃气表" in pay.msg.text()
    settle(qtbot, win)
    pay = _topup_to_pay(win, qtbot, "100200302")
    pay.cancel_btn.click()
    settle(qtbot, win)
    assert "已取消" in pay.msg.text() and "没有扣款" in pay.msg.text()


def test_admin_lists_unresolved_top_ups(win, qtbot, services):
    journal = services.topup.journal
    journal.create("100200301", 12_00, "ic_card")  # as if the kiosk died before ordering
    win.go("admin")
    text = win.screens["admin"].pending.text()
    assert "100200301" in text and "12.00" in text


def test_custom_amount_and_barcode_scanner(win, qtbot):
    win.go("topup")
    screen = win.screens["topup"]
    for ch in "100200302":  # a barcode scanner types like a keyboard, then Enter
        qtbot.keyClick(screen, ch)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    settle(qtbot, win)
    assert screen.account is not None and screen.account.account == "100200302"
    for d in "5":  # 5 yuan: below the minimum
        screen.keys.typed.emit(d)
    screen.keys.confirmed.emit()
    assert "之间" in screen.msg.text() and win.current == "topup"
    screen.field.clear()
    for d in "88":
        screen.keys.typed.emit(d)
    screen.keys.confirmed.emit()
    assert win.current == "topup_pay" and "88.00" in win.screens["topup_pay"].summary.text()


def test_rewrite_pending_purchase_at_any_terminal(win, qtbot, services):
    flow = services.topup
    entry = flow.start(services.client.gas_account("100200301"), 22_00)
    services.client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    flow.poll(entry)  # paid; the resident left without writing the card
    win.go("matter", matter=services.catalog.catalog.by_id()["gy-002"])
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    assert win.current == "rewrite"
    rw = win.screens["rewrite"]
    rw._demo_card("100200301")
    settle(qtbot, win)
    rw.go_btn.click()
    settle(qtbot, win)
    assert "补写成功" in rw.msg.text() and "22.00" in rw.msg.text()
    rw.go_btn.click()
    settle(qtbot, win)
    assert "没有待写入" in rw.msg.text()  # exactly once
