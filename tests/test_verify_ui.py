"""核验证明 at the kiosk: the barcode scanner types a printed certificate's QR (its public
verification address) and Enter; the screen shows what the real backend says of it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import Services
from kiosk.backend import api
from kiosk.backend.store import demo_residents
from kiosk.config import Config
from kiosk.flows import FlowKind, flow_for
from ui.app import make_app

from .test_ui import all_text, settle, shown_window

WHO = demo_residents()[0]


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    make_app()
    s = Services(Config(data_dir=tmp_path_factory.mktemp("kiosk")))
    s.ready(30)
    yield s
    s.close()


@pytest.fixture()
def win(services, qtbot):
    with shown_window(services, qtbot) as w:
        yield w


def issued(services) -> api.Certificate:
    c = services.client
    token = c.login_id_card(WHO["name"], WHO["id_number"]).token
    try:
        return c.issue_certificate(token, api.CertificateKind.HARDSHIP)
    finally:
        c.end_session(token)


def scan(qtbot, screen, text: str) -> None:
    qtbot.keyClicks(screen, text)
    qtbot.keyClick(screen, Qt.Key.Key_Return)


def open_verify(win, services, qtbot):
    matter = services.catalog.catalog.by_id()["rx-005"]
    assert flow_for(matter).kind is FlowKind.VERIFY
    win.open_matter(matter)
    qtbot.mouseClick(win.screens["matter"].act, Qt.MouseButton.LeftButton)
    settle(qtbot, win)
    assert win.current == "verify"
    return win.screens["verify"]


def test_a_scanned_certificate_is_shown_valid_with_the_holder_masked(win, services, qtbot):
    cert = issued(services)
    screen = open_verify(win, services, qtbot)
    scan(qtbot, screen, cert.verify_url)
    qtbot.waitUntil(lambda: "有效" in screen.msg.text(), timeout=10_000)
    text = all_text(screen)
    assert "困难群众证明" in text and WHO["id_number"] not in text
    assert WHO["name"] not in text and WHO["name"][0] in text  # masked, not hidden


def test_a_revoked_certificate_says_so(win, services, qtbot):
    cert = issued(services)
    services.client.sandbox("POST", f"/certificates/{cert.code}/revoke", {"reason": "测试"})
    screen = open_verify(win, services, qtbot)
    scan(qtbot, screen, cert.verify_url)
    qtbot.waitUntil(lambda: "作废" in screen.msg.text(), timeout=10_000)


def test_a_foreign_code_is_refused_in_plain_words(win, services, qtbot):
    screen = open_verify(win, services, qtbot)
    scan(qtbot, screen, "https://example.com/not-a-certificate")
    qtbot.waitUntil(lambda: "二维码" in screen.msg.text(), timeout=10_000)
    scan(qtbot, screen, "0000-0000-0000-0000")  # well formed, issued by nobody
    qtbot.waitUntil(lambda: "没有" in screen.msg.text(), timeout=10_000)


def test_the_result_is_wiped_when_the_session_ends(win, services, qtbot):
    cert = issued(services)
    screen = open_verify(win, services, qtbot)
    scan(qtbot, screen, cert.verify_url)
    qtbot.waitUntil(lambda: "有效" in screen.msg.text(), timeout=10_000)
    win.home()
    settle(qtbot, win)
    assert WHO["name"][0] not in all_text(screen)


# ----- demo printing says what it does: a file, not "打印正常" and not a fault -----


def test_demo_header_and_print_words_say_files_are_saved(win, services, qtbot):
    from kiosk.health import DEMO_SAVED, FILE, is_file_outbox

    assert services.config.demo and is_file_outbox(services.printer)
    win.check_health()
    qtbot.waitUntil(lambda: win.printer_state == FILE, timeout=10_000)
    header = all_text(win.header)
    assert "存为文件" in header and "打印正常" not in header
    matter = services.catalog.catalog.by_id()["mz-001"]
    win.open_matter(matter)
    settle(qtbot, win)
    guide = win.screens["matter"]
    qtbot.mouseClick(guide.print_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: DEMO_SAVED in all_text(guide), timeout=15_000)
    assert "请联系工作人员" not in all_text(guide)
