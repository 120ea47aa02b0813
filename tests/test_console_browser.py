"""The console in a real browser: Playwright for Python driving Debian's chromium against the
real reference backend on loopback. Signs in, finds an offline terminal by the filter, reads its
page, publishes a catalog version and rolls back, sees a bad-input message and an expired
session sent back to sign-in. Screenshots (laptop and phone) go to /tmp/console-shots/."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from kiosk.backend.api import EvaluationLevel
from kiosk.backend.catalog_routes import add_admin
from kiosk.backend.client import BackendClient
from kiosk.backend.console.auth import IDLE_S
from kiosk.backend.console.fleet import OFFLINE_AFTER_S
from kiosk.backend.demo import start_backend
from kiosk.catalog import DEMO_CATALOG
from tests.backend_fixtures import test_database

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path("/tmp/console-shots")
ADMIN, PASSWORD = "ops", "correct-horse-9"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """A backend with an admin, three terminals (one gone quiet), a late payment, figures."""
    running = start_backend(
        tmp_path_factory.mktemp("backend"), pay_after_s=None, database=test_database()
    )
    store = running.store
    add_admin(store, ADMIN, PASSWORD)
    clients = {}
    with store.tx() as db:
        for tid, name, area in (
            ("wf-hall-01", "文峰区政务服务中心1号机", "文峰区"),
            ("bg-hongqi-02", "北关区红旗路社区", "北关区"),
        ):
            db.execute("INSERT INTO terminals (id, secret, name) VALUES (?,?,?)", (tid, tid, name))
            db.execute("INSERT INTO terminal_areas VALUES (?,?)", (tid, area))
    for tid in ("wf-hall-01", "bg-hongqi-02"):
        clients[tid] = BackendClient(running.url, tid, tid)
    demo = running.client()
    body = dict(app_version="0.1.0", catalog_version="2026.11.1", printer="ok", paper="ok",
                reader="ok", microphone="ok", voice_model="ready", unresolved_topups=0)  # fmt: skip
    clients["bg-hongqi-02"].heartbeat(**body)
    demo.sandbox("POST", "/clock", {"offset_s": OFFLINE_AFTER_S + 60})  # it has gone quiet
    clients["wf-hall-01"].heartbeat(**{**body, "paper": "low"})
    demo.heartbeat(**{**body, "printer": "offline", "unresolved_topups": 1})
    from kiosk.usage import UsageBatch

    demo.usage(UsageBatch(services={("gjj-001", "records.gjj_statement"): 12,
                                    ("gy-001", "utilities.gas_topup"): 7},
                          unmatched={"办个健身卡": 3, "宠物登记": 2}))  # fmt: skip
    clients["wf-hall-01"].usage(UsageBatch(services={("sb-001", "records.si_statement"): 5}))
    late = demo.create_gas_order("100200300", 50_00, str(uuid.uuid4()))
    demo.cancel_gas_order(late.order_id)
    demo.sandbox("POST", f"/orders/{late.order_id}/pay")  # paid after cancel: refunded
    paid = demo.create_gas_order("100200301", 30_00, str(uuid.uuid4()))
    demo.sandbox("POST", f"/orders/{paid.order_id}/pay")  # paid, not yet on the card
    case = demo.new_case("records.gjj_statement", "gjj-001")
    demo.evaluate(case.case_number, EvaluationLevel.SATISFIED)
    demo.complain("小区路灯坏了好几天，晚上看不见路", "市政")
    running.admin_client = demo
    yield running
    demo.sandbox("POST", "/clock", {"offset_s": 0})
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright  # a dev dependency (uv.lock)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def sign_in(page, url: str) -> None:
    page.goto(f"{url}/console/")
    page.get_by_label("用户名").fill(ADMIN)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/terminals")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_sign_in_find_an_offline_terminal_and_read_its_page(fleet, browser):
    page = browser.new_page(viewport=LAPTOP, locale="zh-CN")
    sign_in(page, fleet.url)
    assert page.get_by_text("超过3分钟没有心跳即为").is_visible()
    page.get_by_label("状态").select_option("offline")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "北关区红旗路社区" in rows.first.inner_text()
    shot(page, "laptop-offline-filter")
    page.get_by_role("link", name="北关区红旗路社区").click()
    assert "离线" in page.locator("h1").inner_text()
    assert page.get_by_text("首次上线").is_visible()
    shot(page, "laptop-terminal")
    page.goto(f"{fleet.url}/console/terminals")
    shot(page, "laptop-terminals")
    page.goto(f"{fleet.url}/console/figures")
    assert page.locator("svg.chart").count() >= 2
    shot(page, "laptop-figures")
    page.goto(f"{fleet.url}/console/topups")
    shot(page, "laptop-topups")
    page.close()


def test_publish_a_version_and_roll_back(fleet, browser, tmp_path):
    raw = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    files = []
    for version, count in (("2026.12.1", 20), ("2026.12.2", 22)):
        f = tmp_path / f"{version}.json"
        f.write_text(json.dumps({"version": version, "matters": raw["matters"][:count]},
                                ensure_ascii=False), encoding="utf-8")  # fmt: skip
        files.append(f)
    page = browser.new_page(viewport=LAPTOP, locale="zh-CN")
    sign_in(page, fleet.url)
    page.get_by_role("link", name="事项清单").click()
    for f in files:
        page.locator("input[type=file]").set_input_files(str(f))
        page.get_by_role("button", name="校验并发布").click()
        assert page.get_by_role("status").inner_text() == "已发布。"
    assert "2026.12.2" in page.locator(".rule").first.inner_text()
    page.get_by_label("原版本").select_option("2026.12.1")
    page.get_by_label("新版本").select_option("2026.12.2")
    page.get_by_role("button", name="比较").click()
    assert "新增（2）" in page.locator("#diff").inner_text()
    page.goto(f"{fleet.url}/console/catalog")
    row = page.locator("tr", has_text="2026.12.1")
    row.get_by_role("button", name="全部终端改用此版本").click()
    assert "已回退" in page.get_by_role("status").inner_text()
    assert "2026.12.1" in page.locator(".rule").first.inner_text()
    shot(page, "laptop-catalog")
    # bad input: a share of 0 %
    assign = page.locator("form", has=page.get_by_role("button", name="分配", exact=True))
    assign.locator("input[value=share]").check()
    assign.locator("input[name=share]").fill("0")
    assign.get_by_role("button", name="分配", exact=True).click()
    assert "比例请填1到100之间的整数" in page.get_by_role("alert").inner_text()
    page.close()
    audit = [r["action"] for r in fleet.store.all("SELECT action FROM admin_audit")]
    assert "catalog_rollback" in audit and audit.count("catalog_publish") == 2


def test_phone_layout_and_an_expired_session(fleet, browser):
    page = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    sign_in(page, fleet.url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    shot(page, "phone-terminals")
    page.goto(f"{fleet.url}/console/topups")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-topups")
    page.goto(f"{fleet.url}/console/figures")
    shot(page, "phone-figures")
    fleet.admin_client.sandbox("POST", "/clock", {"offset_s": OFFLINE_AFTER_S + 60 + IDLE_S + 5})
    try:
        page.get_by_role("link", name="终端", exact=True).click()
        page.wait_for_url("**/console/login?why=expired")
        assert "登录已过期" in page.get_by_role("alert").inner_text()
        shot(page, "phone-expired")
    finally:
        fleet.admin_client.sandbox("POST", "/clock", {"offset_s": OFFLINE_AFTER_S + 60})
    page.close()
