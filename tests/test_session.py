"""The resident's session (kiosk.session) and the flows it runs, driven through events and through
the real widgets, against the real reference backend on loopback. Each test names the issue-15
behaviour it holds, and fails on the code before the session model."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import Services
from kiosk.backend.client import BackendRejected
from kiosk.backend.store import demo_residents
from kiosk.config import Config
from kiosk.flows import FlowKind, fetch_all, flow_for, hot_matters, statement_period
from kiosk.session import Activity, IdlePolicy, Revoker, Session
from ui.app import make_app

from .test_ui import all_text, settle, shown_window

PEOPLE = {r["name"]: r for r in demo_residents()}


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    s = Services(
        Config(
            data_dir=tmp_path_factory.mktemp("kiosk"),
            idle_personal_s=60,
            printer_queue="KioskPDF",
            hotline="0372-12345",
        )
    )
    s.ready(30)
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    with shown_window(services, qtbot) as w:
        yield w


def by_id(services, mid):
    return services.catalog.catalog.by_id()[mid]


def swipe(win, qtbot, who="王建国"):
    person = PEOPLE[who]
    win.screens["identify"]._card(person["name"], person["id_number"])
    settle(qtbot, win)


def tap(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


# ----- privacy: no personal screen after the session ended, by any path -----


def test_back_to_home_ends_the_session_and_the_token_is_refused(win, qtbot, services):
    win.open_matter(by_id(services, "gjj-002"))
    tap(qtbot, win.screens["matter"].act)
    assert win.current == "identify"
    swipe(win, qtbot)
    assert win.current == "consent"
    tap(qtbot, win.screens["consent"].agree)
    settle(qtbot, win)
    assert win.current == "records" and win.screens["records"].table.rowCount() > 0
    token = services.session.token
    assert token
    # the resident presses 返回 until home, as a real one does
    for _ in range(5):
        if win.current == "home":
            break
        tap(qtbot, win.back_btn)
    assert win.current == "home" and not services.session.identified
    assert "王*国" not in all_text(win)
    # the token was revoked at the backend before the kiosk forgot it
    assert services.session.revoker.wait(10)
    with pytest.raises(BackendRejected) as err:
        services.client.gjj_statement(token)
    assert err.value.code == "identity_expired"
    # the next person taps a record matter: asked to identify, sees nothing of the last one
    win.open_matter(by_id(services, "si-001"))
    tap(qtbot, win.screens["matter"].act)
    assert win.current == "identify"
    assert "王*国" not in all_text(win)


def test_personal_screens_refused_without_identity(win, qtbot, services):
    win.go("records", matter=by_id(services, "gjj-002"))
    assert win.current == "home"
    win.go("certificate", matter=by_id(services, "mz-001"))
    assert win.current == "home"


def test_every_end_is_the_same_end(win, qtbot, services):
    """首页, idle and the language switch all end the session and revoke the token."""
    for end in ("home", "idle", "language"):
        win.open_matter(by_id(services, "gjj-002"))
        win.start_flow()
        swipe(win, qtbot)
        assert services.session.identified, end
        token = services.session.token
        if end == "home":
            tap(qtbot, win.home_btn)
        elif end == "idle":
            win.overlay.start()
            win.overlay.left = 1
            win.overlay._tick()
        else:
            win.toggle_language()
            win.toggle_language()
        settle(qtbot, win)
        assert win.current == "home" and not services.session.identified, end
        assert services.session.revoker.wait(10), end
        with pytest.raises(BackendRejected):
            services.client.si_statement(token)


def test_revoke_is_retried_while_the_backend_is_down(services):
    client = services.client
    person = PEOPLE["张伟"]
    token = client.login_id_card(person["name"], person["id_number"]).token
    client.sandbox(
        "POST",
        "/faults",
        {"mode": "error", "path_prefix": "/v1/identity/session", "count": 8},
    )
    try:
        revoker = Revoker(client.end_session, backoff_s=(0.05,))
        session = Session(revoker)
        session.identified_as(token, "张*", "410503********0355")
        session.end("test")
        assert session.token == "" and not session.identified  # forgotten here at once
        assert revoker.wait(20)  # and revoked at the backend once it answered again
    finally:
        client.sandbox("DELETE", "/faults")
    with pytest.raises(BackendRejected):
        client.gjj_statement(token)


def test_consent_is_asked_once_per_session(win, qtbot, services):
    win.open_matter(by_id(services, "gjj-002"))
    win.start_flow()
    swipe(win, qtbot)
    assert win.current == "consent"
    assert "公积金" in win.screens["consent"].text.text()
    tap(qtbot, win.screens["consent"].decline)  # go back: nothing read
    assert win.current == "matter"
    win.start_flow()
    assert win.current == "consent"
    tap(qtbot, win.screens["consent"].agree)
    settle(qtbot, win)
    assert win.current == "records"
    win.open_matter(by_id(services, "si-001"))
    win.start_flow()
    settle(qtbot, win)
    assert win.current == "records"  # same resident, already agreed


# ----- idle policy from the state -----


def test_idle_policy_follows_the_state():
    clock = [1000.0]
    s = Session(None, IdlePolicy(general_s=120, personal_s=60, attract_s=300), lambda: clock[0])
    assert s.idle_rule().then == "attract"
    s.show("category")
    assert s.idle_rule().seconds == 120
    s.identified_as("t", "王*国", "x")
    assert s.idle_rule().seconds == 60
    s.paying(1300.0)  # a QR valid for 300 s: idle waits for it and the grace
    assert s.state.activity is Activity.PAYING
    assert s.idle_rule().seconds == pytest.approx(330)
    s.writing_card()
    assert s.idle_rule().seconds is None
    s.printing()
    assert s.idle_rule().seconds is None
    s.settled()
    assert s.idle_rule().seconds == 60


# ----- routes: one registry, every payment its own flow, nothing offered that cannot finish ----


def test_each_payment_matter_runs_its_own_flow(win, qtbot, services):
    for mid, kind in (("gy-005", "water"), ("gy-006", "power"), ("gy-007", "heating")):
        win.open_matter(by_id(services, mid))
        assert win.screens["matter"].act.isVisible()
        tap(qtbot, win.screens["matter"].act)
        assert win.current == "utility", mid
        assert win.screens["utility"].kind == kind
        win.home()
    # payment matters without a backend service: a guide that says where to go
    for mid in ("si-017", "tax-003"):
        win.open_matter(by_id(services, mid))
        matter = win.screens["matter"]
        assert not matter.act.isVisible(), mid
        assert "不能在本机办理" in matter.note.text()


def test_nothing_offered_that_the_kiosk_cannot_finish(services):
    cat = services.catalog.catalog
    mi = cat.by_id()["mi-003"]  # 医保参保凭证: no such certificate at this backend
    assert not flow_for(mi).runs_here
    for m in cat.enabled():
        flow = flow_for(m)
        if flow.kind is FlowKind.CERTIFICATE:
            from kiosk.backend import api

            api.CertificateKind(flow.param)  # the backend issues it
    hot = hot_matters(cat, [], 6)
    assert hot and all(flow_for(m).runs_here for m in hot)
    assert "mi-003" not in [m.id for m in hot]
    assert [m.id for m in hot_matters(cat, ["gy-005", "nope", "mz-001"], 6)] == [
        "gy-005",
        "mz-001",
    ]


def test_hot_matters_come_from_config(win, services):
    services.config.hot_matters = ["gy-006", "rx-001"]
    try:
        win.apply_theme()
        from ui.screens.browse import _short

        QApplication.processEvents()
        home = win.screens["home"]
        names = [
            home.hot.itemAt(i).widget().text()
            for i in range(home.hot.count())
            if home.hot.itemAt(i).widget()
        ]
        assert names == [_short(by_id(services, "gy-006")), _short(by_id(services, "rx-001"))]
    finally:
        services.config.hot_matters = []
        win.apply_theme()


def test_water_bill_paid_by_qr_with_receipt(win, qtbot, services):
    win.open_matter(by_id(services, "gy-005"))
    win.start_flow()
    u = win.screens["utility"]
    for ch in "300100201":  # the bill's barcode, through the scanner (a keyboard wedge)
        qtbot.keyClick(u, ch)
    qtbot.keyClick(u, Qt.Key.Key_Return)
    settle(qtbot, win)
    assert u.account is not None and "李*英" in u.account_text.text()
    u._pay(50_00)
    assert u.step == "confirm" and u.qr.pixmap().isNull()  # nothing ordered before 确认
    u.go_btn.click()
    settle(qtbot, win)
    assert u.step == "paying" and not u.qr.pixmap().isNull()
    assert services.session.state.activity is Activity.PAYING
    services.client.sandbox("POST", f"/utility-orders/{u.order.order_id}/pay")
    u.poller.now()
    settle(qtbot, win)
    assert u.step == "done" and "缴费成功" in u.status.text()
    assert services.client.utility_order("water", u.order.order_id).status.value == "credited"


# ----- payments -----


def _gas_to_qr(win, qtbot, services, account):
    win.open_matter(by_id(services, "gy-001"))
    win.start_flow()
    topup = win.screens["topup"]
    topup.field.setText(account)
    topup.keys.confirmed.emit()
    settle(qtbot, win)
    topup._amount(30_00)
    pay = win.screens["topup_pay"]
    pay.go_btn.click()
    settle(qtbot, win)
    assert pay.step == "paying"
    return pay


def test_idle_never_cancels_a_valid_qr(win, qtbot, services):
    pay = _gas_to_qr(win, qtbot, services, "100200302")
    order = services.client.gas_order(pay.entry.order_id)
    # the idle timer runs until the QR's own expiry plus a grace, not the 60 s personal rule
    assert win.idle.interval() > services.config.idle_personal_s * 1000
    assert pay.order.pay_qr == order.pay_qr
    win.home()
    settle(qtbot, win)


def test_payment_landing_during_the_countdown_goes_on(win, qtbot, services):
    pay = _gas_to_qr(win, qtbot, services, "100200300")
    win.overlay.start()  # the resident looks at the phone; the countdown is up
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "insert_card"
    assert not win.overlay.isVisible()  # the payment landed: the countdown starts again
    assert win.current == "topup_pay"


def test_paid_and_gone_ends_in_write_pending_with_a_note(win, qtbot, services):
    pay = _gas_to_qr(win, qtbot, services, "100200301")
    key = pay.entry.key
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "insert_card"
    pages = services.printer.health.pages_since_reload
    win.end_session("idle")  # the resident walked away before inserting the card
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    assert services.topup.journal.get(key).state.value == "write_pending"
    assert services.printer.health.pages_since_reload == pages + 1  # the 待圈存 note


def test_expired_qr_offers_a_new_code(win, qtbot, services):
    pay = _gas_to_qr(win, qtbot, services, "100200302")
    first = pay.entry.order_id
    services.client.sandbox("POST", "/clock", {"offset_s": 400})
    try:
        pay.poller.now()
        settle(qtbot, win)
        assert pay.step == "expired" and "失效" in pay.msg.text()
        assert pay.go_btn.isVisible() and "重新生成" in pay.go_btn.text()
        pay.go_btn.click()
        settle(qtbot, win)
    finally:
        services.client.sandbox("POST", "/clock", {"offset_s": 0})
    assert pay.step == "paying" and pay.entry.order_id != first


def test_finished_top_up_cannot_be_paid_again_from_a_stale_screen(win, qtbot, services):
    pay = _gas_to_qr(win, qtbot, services, "100200302")
    services.client.sandbox("POST", f"/orders/{pay.entry.order_id}/pay")
    pay.poller.now()
    settle(qtbot, win)
    assert pay.step == "done"
    tap(qtbot, win.back_btn)
    assert win.current != "topup_pay"
    topup = win.screens["topup"]
    assert win.current != "topup" or not topup.account_card.isVisible()
    assert topup.account is None


# ----- ops -----


def test_a_poll_never_overlaps_itself(win, qtbot):
    import threading

    running, overlaps, runs = [0], [0], [0]
    lock = threading.Lock()

    def slow():
        with lock:
            running[0] += 1
            overlaps[0] = max(overlaps[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
            runs[0] += 1

    p = win.ops.poll("test", slow, lambda _v: None, lambda _e: None, 1)
    for _ in range(20):
        p.now()  # asking again while one is in flight changes nothing
    qtbot.waitUntil(lambda: runs[0] >= 3, timeout=5000)
    p.stop()
    win.ops.wait()
    assert overlaps[0] == 1


# ----- statements, certificates, printing -----


def test_statement_for_printing_holds_every_row(services):
    client = services.client
    person = PEOPLE["王建国"]
    token = client.login_id_card(person["name"], person["id_number"]).token
    first = client.si_statement(token, page_size=100)
    assert first.total > 100  # the bug: 100 of them printed under a heading for all
    st = fetch_all(lambda page, size: client.si_statement(token, page=page, page_size=size))
    assert len(st.rows) == first.total
    assert statement_period("si", st.rows) == f"{st.rows[-1].month} 至 {st.rows[0].month}"
    edu_person = PEOPLE["陈小明"]
    token2 = client.login_id_card(edu_person["name"], edu_person["id_number"]).token
    edu = fetch_all(lambda page, size: client.education(token2, page=page, page_size=size))
    assert statement_period("edu", edu.rows) == "2023-06 至 2026-04"  # dates, not 类别
    client.end_session(token)
    client.end_session(token2)


def _certificates_issued(services) -> int:
    db = sqlite3.connect(services._backend.data_dir / "backend.sqlite3")
    try:
        return db.execute("SELECT COUNT(*) FROM certificates").fetchone()[0]
    finally:
        db.close()


def test_certificate_preview_masks_and_issues_only_on_print(win, qtbot, services):
    before = _certificates_issued(services)
    win.open_matter(by_id(services, "ga-001"))
    win.start_flow()
    swipe(win, qtbot, "李秀英")
    if win.current == "consent":
        tap(qtbot, win.screens["consent"].agree)
    settle(qtbot, win)
    cert = win.screens["certificate"]
    assert win.current == "certificate"
    assert _certificates_issued(services) == before  # opening the screen issued nothing
    full_id = PEOPLE["李秀英"]["id_number"]
    pages = services.printer.health.pages_since_reload
    cert.print_btn.click()
    cert.print_btn.click()  # a double tap: one certificate, one print
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    assert _certificates_issued(services) == before + 1
    shown = all_text(win)
    assert full_id not in shown and full_id[:6] + "********" + full_id[-4:] in shown
    assert "李秀英" not in shown
    if "打印完成" in cert.msg.text():
        assert services.printer.health.pages_since_reload == pages + 1


def test_outbox_says_it_saved_a_file(tmp_path):
    from kiosk.health import print_outcome
    from printing.printers import FilePrinter
    from printing.samples import render_sample

    printer = FilePrinter(tmp_path / "outbox")
    result = printer.print_pdf(render_sample("guide")[0], "t")
    printed, words = print_outcome(printer, result)
    assert not printed and "打印完成" not in words and "文件" in words


def test_print_only_service_warns_before_identification(win, qtbot, services):
    win.printer_state = "offline"
    win.open_matter(by_id(services, "mz-001"))
    tap(qtbot, win.screens["matter"].act)
    assert win.current == "matter" and "打印机" in win.screens["matter"].note.text()
    tap(qtbot, win.screens["matter"].act)  # the resident goes on anyway
    assert win.current == "identify"


def test_header_follows_health_checks(win, qtbot, services):
    from kiosk.backend.client import BackendClient

    real = services.client
    services.client = BackendClient("http://127.0.0.1:9", "t", "s", retries=0, connect_timeout=1)
    try:
        win.check_health()
        settle(qtbot, win)
        assert "网络中断" in win.header.status.text()
    finally:
        services.client = real
    win.check_health()
    settle(qtbot, win)
    assert "网络正常" in win.header.status.text()


# ----- help, paper trail -----


def test_help_on_every_screen_and_recorded_without_personal_data(win, qtbot, services):
    win.open_matter(by_id(services, "gjj-002"))
    assert win.help_btn.isVisible()
    tap(qtbot, win.help_btn)
    assert win.current == "help"
    help_screen = win.screens["help"]
    assert services.config.help_text in help_screen.where.text()
    assert "0372-12345" in help_screen.hotline.text()
    tap(qtbot, help_screen.call)
    settle(qtbot, win)
    assert "已通知" in help_screen.msg.text()
    rows = services.client.sandbox("GET", "/help")["requests"]
    assert rows[-1]["screen"] == "matter" and rows[-1]["terminal_id"] == "demo-terminal-01"
    assert set(rows[-1]) == {"id", "terminal_id", "screen", "at"}
    tap(qtbot, win.back_btn)
    assert win.current == "matter"


def test_12345_printed_receipt_and_progress_by_scanning_it(win, qtbot, services):
    from ui.screens.feedback import receipt_qr

    win.open_matter(by_id(services, "rx-001"))
    win.start_flow()
    fb = win.screens["feedback"]
    fb._pick("路灯不亮")
    for d in "13800000002":
        fb.keys.typed.emit(d)
    fb.keys.confirmed.emit()
    settle(qtbot, win)
    win.ops.wait()
    QApplication.processEvents()
    text = fb.result_text.text()
    number = text.split("诉求编号 ")[1].split("\n")[0]
    code = text.split("验证码 ")[1].split("\n")[0]
    assert len(number) == 19 and len(code) == 6
    assert "回执" in text and "正在打印回执" not in text  # the 回执's outcome, in words
    qtbot.waitUntil(lambda: bool(services.session.state.case_number), timeout=5000)
    # progress: the resident holds the 回执's QR to the scanner, which types it and Enter
    win.open_matter(by_id(services, "rx-002"))
    win.start_flow()
    assert fb.mode == "track"
    for ch in receipt_qr(number, code):
        qtbot.keyClick(fb, ch)
    qtbot.keyClick(fb, Qt.Key.Key_Return)
    settle(qtbot, win)
    assert "已受理" in fb.result_text.text()
    for ch in "ABC123":  # not a 回执 code: said so, nothing looked up
        qtbot.keyClick(fb, ch)
    qtbot.keyClick(fb, Qt.Key.Key_Return)
    assert "不是12345回执" in fb.msg.text()


def test_rating_offered_after_a_service_with_its_case_number(win, qtbot, services):
    win.open_matter(by_id(services, "gjj-002"))
    win.start_flow()
    swipe(win, qtbot)
    tap(qtbot, win.screens["consent"].agree)
    settle(qtbot, win)
    qtbot.waitUntil(lambda: win.rate_btn.isVisible(), timeout=5000)
    case = services.session.state.case_number
    assert case.startswith("ZW")
    tap(qtbot, win.rate_btn)
    fb = win.screens["feedback"]
    assert win.current == "feedback" and fb.mode == "evaluate" and fb.field.text() == case
    from kiosk.backend import api

    fb._rate(api.EvaluationLevel.SATISFIED)
    fb.keys.confirmed.emit()
    settle(qtbot, win)
    assert "感谢" in fb.result_text.text()
    db = sqlite3.connect(services._backend.data_dir / "backend.sqlite3")
    try:
        rows = db.execute("SELECT level FROM evaluations WHERE case_number=?", (case,)).fetchall()
    finally:
        db.close()
    assert rows == [("满意",)]


def test_home_is_never_shown_with_a_session_open(win, qtbot, services):
    win.open_matter(by_id(services, "gjj-002"))
    win.start_flow()
    swipe(win, qtbot)
    token = services.session.token
    win.go("home")  # any path to home (a voice command, a screen's own button) ends it
    assert win.current == "home" and not services.session.identified
    assert services.session.revoker.wait(10)
    with pytest.raises(BackendRejected):
        services.client.gjj_statement(token)
