"""The admin console against the real reference backend on loopback: sign-in, sessions and CSRF,
every form's bad input, terminals from heartbeats sent by the real client, top-ups needing
attention, usage reports from the kiosk's own counting (number-like texts dropped), the audit
trail. Pages are read as a browser gets them (HTML over HTTP, cookies kept by requests)."""

from __future__ import annotations

import json
import re
import socket
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from kiosk.backend import api
from kiosk.backend.catalog_routes import LOCK_AFTER, add_admin
from kiosk.backend.client import BackendClient
from kiosk.backend.console import auth
from kiosk.backend.console.auth import ABSOLUTE_S, IDLE_S, LOGIN_LIMIT
from kiosk.backend.console.fleet import EVENTS_KEPT, OFFLINE_AFTER_S, USAGE_KEYS_PER_DAY
from kiosk.backend.demo import start_backend
from kiosk.backend.limits import MAX_BODY, STREAMED
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, Store
from kiosk.catalog import DEMO_CATALOG
from kiosk.usage import UsageBatch, UsageCounter, clean_query
from tests.backend_fixtures import test_database

ADMIN, PASSWORD = "ops", "correct-horse-9"
IC_ACCOUNT = "100200300"


@pytest.fixture()
def backend(tmp_path):
    running = start_backend(tmp_path / "backend", pay_after_s=None, database=test_database())
    add_admin(running.store, ADMIN, PASSWORD)
    yield running
    running.stop()


@pytest.fixture()
def terminal(backend) -> BackendClient:
    c = backend.client()
    yield c
    c.sandbox("POST", "/clock", {"offset_s": 0})


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def alert(html: str) -> str:
    found = re.search(r'class="note bad" role="alert">([^<]*)<', html)
    return found.group(1) if found else ""


def signed_in(backend, user: str = ADMIN, password: str = PASSWORD) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{backend.url}/console/login")
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(page.text), "user": user, "password": password},
    )
    assert r.url.endswith("/console/terminals"), alert(r.text)
    return s


def add_terminal(store: Store, tid: str, name: str) -> BackendClient:
    with store.tx() as db:
        db.execute("INSERT INTO terminals (id, secret, name) VALUES (?,?,?)", (tid, tid * 2, name))
    return None


def beat(client: BackendClient, **over) -> None:
    body = dict(app_version="0.1.0", catalog_version="2026.11.1", printer="ok", paper="ok")
    client.heartbeat(**{**body, **over})


# ----- sign-in, sessions, CSRF -----


def test_login_ok_wrong_and_limited(backend):
    s = requests.Session()
    r = s.get(f"{backend.url}/console/terminals")  # not signed in: the sign-in page
    assert r.url.endswith("/console/login?why=login") and "请先登录" in r.text
    token = csrf_of(r.text)
    r = s.post(
        f"{backend.url}/console/login", data={"csrf": token, "user": ADMIN, "password": "nope"}
    )
    assert r.status_code == 401 and alert(r.text) == "用户名或密码不对，请重新输入"
    for n in range(LOCK_AFTER - 1):  # the account locks after LOCK_AFTER wrong passwords
        s.post(
            f"{backend.url}/console/login",
            data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text),
                  "user": ADMIN, "password": f"nope{n}"},
        )  # fmt: skip
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text), "user": ADMIN,
              "password": PASSWORD},
    )  # fmt: skip
    assert r.status_code == 401 and "已锁定" in alert(r.text)  # even the right password, now
    # an address trying many names is stopped too (attempts/add_attempt in store.py)
    for n in range(LOGIN_LIMIT[0]):
        s.post(
            f"{backend.url}/console/login",
            data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text),
                  "user": f"who{n}", "password": "x"},
        )  # fmt: skip
    add_admin(backend.store, "second", "another-pass-1")
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text), "user": "second",
              "password": "another-pass-1"},
    )  # fmt: skip
    assert "登录失败次数过多" in alert(r.text)
    with backend.store.tx() as db:  # a quieter address: another machine signs in fine
        db.execute("DELETE FROM attempts WHERE kind='console_login'")
    good = signed_in(backend, "second", "another-pass-1")
    cookie = next(c for c in good.cookies if c.name == "console_session")
    assert cookie.path == "/console" and cookie.has_nonstandard_attr("HttpOnly")
    raw = good.get(f"{backend.url}/console/login").request  # the cookie is sent back
    assert raw is not None


def test_an_address_stopped_at_the_console_is_stopped_at_the_api_too(backend):
    """The same accounts and passwords sign in at POST /v1/admin/login (a session that publishes
    catalogs); it had no limit per address, so an address the console had stopped could go on
    trying names and passwords there. Wrong sign-ins at either door now count for both."""
    api_login = f"{backend.url}/v1/admin/login"
    for n in range(LOGIN_LIMIT[0] // 2):
        r = requests.post(api_login, json={"user": f"who{n}", "password": "wrong-pass"})
        assert r.status_code == 401
    s = requests.Session()
    for n in range(LOGIN_LIMIT[0] - LOGIN_LIMIT[0] // 2):
        s.post(
            f"{backend.url}/console/login",
            data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text),
                  "user": f"whom{n}", "password": "x"},
        )  # fmt: skip
    r = requests.post(api_login, json={"user": ADMIN, "password": PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts", r.text
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text), "user": ADMIN,
              "password": PASSWORD},
    )  # fmt: skip
    assert "登录失败次数过多" in alert(r.text)
    with backend.store.tx() as db:  # a quieter address signs in at both
        db.execute("DELETE FROM attempts")
    assert requests.post(api_login, json={"user": ADMIN, "password": PASSWORD}).ok
    signed_in(backend)


def test_a_typed_name_cannot_write_lines_into_the_log(backend, caplog):
    """A refused sign-in logs the name typed (console.auth.audit): a line break in it wrote a
    line of the attacker's choosing into the backend's log, dated and levelled like a real one
    (the API login's line quotes it with %r and was safe). Control characters are written
    escaped; the audit trail keeps the name as typed and the page escapes it."""
    caplog.set_level("INFO", logger="kiosk.backend")
    forged = "x\n2026-12-04 15:30:00,000 INFO kiosk.backend.console.auth console: ops"
    s = requests.Session()
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(s.get(f"{backend.url}/console/login").text), "user": forged,
              "password": "wrong"},
    )  # fmt: skip
    assert r.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("kiosk.backend")]
    assert any("console_login_refused" in line for line in lines)
    assert not any("\n" in line for line in lines), [x for x in lines if "\n" in x]


def test_cookie_flags_and_logout(backend):
    s = requests.Session()
    page = s.get(f"{backend.url}/console/login")
    r = s.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(page.text), "user": ADMIN, "password": PASSWORD},
        allow_redirects=False,
    )
    header = r.headers["set-cookie"]
    assert "console_session=" in header and "HttpOnly" in header
    assert "SameSite=strict" in header and "Path=/console" in header
    assert "Secure" not in header  # plain http on loopback; over https the flag is set
    # behind an https proxy (uvicorn trusts X-Forwarded-Proto from loopback): Secure
    https = {"X-Forwarded-Proto": "https"}
    behind = requests.Session()
    page = behind.get(f"{backend.url}/console/login", headers=https)
    assert "Secure" in page.headers["set-cookie"]  # the sign-in form's own token too
    r = behind.post(
        f"{backend.url}/console/login",
        data={"csrf": csrf_of(page.text), "user": ADMIN, "password": PASSWORD},
        headers={**https, "Cookie": f"console_login_csrf={page.cookies['console_login_csrf']}"},
        allow_redirects=False,
    )
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    home = s.get(f"{backend.url}/console/terminals")
    assert home.status_code == 200 and ADMIN in home.text
    r = s.post(f"{backend.url}/console/logout", data={"csrf": csrf_of(home.text)})
    assert r.url.endswith("/console/login?note=signed_out") and "您已退出登录" in r.text
    assert s.get(f"{backend.url}/console/terminals").url.endswith("why=login")


def test_a_sign_in_or_publish_does_not_hold_up_the_terminals(backend, monkeypatch):
    """Password checking and a catalog's publishing run off the event loop: while they work (here
    held inside them, an injected stall), a terminal's heartbeat is still answered."""
    inside, release = threading.Event(), threading.Event()
    quick = backend.client(read_timeout=5.0, retries=0)

    def stalled(real):
        def wrapper(*args, **kwargs):
            inside.set()
            release.wait(20)
            return real(*args, **kwargs)

        return wrapper

    def answered_while_held(send) -> None:
        inside.clear()
        release.clear()
        worker = threading.Thread(target=send)
        worker.start()
        try:
            assert inside.wait(10)
            beat(quick)  # blocked behind the held work, this times out
        finally:
            release.set()
            worker.join(30)

    monkeypatch.setattr(auth, "sign_in", stalled(auth.sign_in))
    s = requests.Session()
    page = s.get(f"{backend.url}/console/login")
    form = {"csrf": csrf_of(page.text), "user": ADMIN, "password": PASSWORD}
    answered_while_held(lambda: s.post(f"{backend.url}/console/login", data=form))
    token = csrf_of(s.get(f"{backend.url}/console/catalog").text)
    admin = backend._server.config.app.state.backend.catalog_admin  # the console publishes here
    monkeypatch.setattr(admin, "publish", stalled(admin.publish))
    raw = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    raw["version"] = "held-" + uuid.uuid4().hex[:6]
    data = json.dumps(raw, ensure_ascii=False).encode()
    answered_while_held(
        lambda: s.post(
            f"{backend.url}/console/catalog/publish",
            data={"csrf": token},
            files={"file": ("c.json", data, "application/json")},
        )
    )
    assert backend.store.one("SELECT 1 FROM catalog_versions WHERE version=?", raw["version"])


def test_a_password_reset_ends_the_account_s_sessions(backend):
    """``kiosk catalog add-admin NAME`` resets a password (a leaked one, say); the sessions
    signed in with the old one went on working, the console's for up to 8 hours, the API's (which
    publishes catalogs) for its 30 minutes. A reset now ends them; other accounts keep theirs."""
    add_admin(backend.store, "other", "other-pass-1")
    console, bystander = signed_in(backend), signed_in(backend, "other", "other-pass-1")
    token = requests.post(f"{backend.url}/v1/admin/login",
                          json={"user": ADMIN, "password": PASSWORD}).json()["token"]  # fmt: skip
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{backend.url}/v1/admin/catalog/status", headers=bearer).ok
    add_admin(backend.store, ADMIN, "a-new-password-2")
    r = console.get(f"{backend.url}/console/terminals")
    assert r.url.endswith("/console/login?why=expired"), r.url
    r = requests.get(f"{backend.url}/v1/admin/catalog/status", headers=bearer)
    assert r.status_code == 401 and r.json()["code"] == "admin_session_expired"
    assert bystander.get(f"{backend.url}/console/terminals").url.endswith("/console/terminals")
    signed_in(backend, ADMIN, "a-new-password-2")


def test_a_terminal_s_secret_does_not_move_the_clock_of_a_real_backend(tmp_path):
    """``kiosk sandbox`` is the backend a fleet runs (docs/backend.md), and it served its test
    controls to any signed terminal: with one terminal's secret, POST /v1/sandbox/clock moved
    business time past every account lock and attempt window (about 20 password guesses a
    second on the console instead of 10 per 15 minutes) or past every admin's session;
    /v1/sandbox/faults made any path, /console/ too, answer 500 for as long as one liked;
    /sms/{phone} read residents' codes, /orders/{id}/pay paid orders. They are now there only
    with ``--test-controls`` (and in the in-process backend of demo mode and tests)."""
    from tests.test_backend_security import free_port, start_sandbox

    port = free_port()
    proc = start_sandbox(tmp_path / "data", port, "--admin", f"{ADMIN}:{PASSWORD}")
    try:
        c = BackendClient(f"http://127.0.0.1:{port}", DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET)
        for method, path, body in (
            ("POST", "/v1/sandbox/clock", {"offset_s": 3600}),
            ("POST", "/v1/sandbox/faults", {"mode": "error", "path_prefix": "/", "count": 9}),
            ("GET", "/v1/sandbox/sms/13800000002", None),
            ("GET", "/v1/sandbox/ledger", None),
            ("POST", "/v1/sandbox/orders/x/pay", None),
            ("POST", "/v1/sandbox/utility-orders/x/pay", None),
            ("GET", "/v1/sandbox/help", None),
        ):
            r = c._send(method, path, body=body, retry=False)
            assert r.status_code == 404 and r.json()["code"] == "http_404", (path, r.text)
        c.heartbeat("0.1.0", "2026.11.1", "ok", "ok")  # the terminal itself is served
        signed_in(SimpleNamespace(url=f"http://127.0.0.1:{port}"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_csrf_missing_or_wrong_is_refused(backend):
    s = signed_in(backend)
    for data in ({}, {"csrf": "forged"}):
        r = s.post(f"{backend.url}/console/terminals/{DEMO_TERMINAL_ID}/area", data={**data,
                   "area": "文峰区"})  # fmt: skip
        assert r.status_code == 403 and "操作没有执行" in alert(r.text)
        r = s.post(f"{backend.url}/console/logout", data=data)
        assert r.status_code == 403
    assert s.get(f"{backend.url}/console/terminals").status_code == 200  # still signed in
    # the sign-in form has its own token (a cookie of the sign-in page)
    r = requests.post(
        f"{backend.url}/console/login", data={"csrf": "x", "user": ADMIN, "password": PASSWORD}
    )
    assert r.status_code == 403 and "操作没有执行" in alert(r.text)
    assert backend.store.one("SELECT area FROM terminal_areas") is None


def test_expired_session_goes_back_to_login(backend, terminal):
    s = signed_in(backend)
    terminal.sandbox("POST", "/clock", {"offset_s": IDLE_S + 5})  # idle too long
    r = s.get(f"{backend.url}/console/catalog")
    assert r.url.endswith("/console/login?why=expired") and "登录已过期" in alert(r.text)
    terminal.sandbox("POST", "/clock", {"offset_s": 0})
    s = signed_in(backend)
    for step in range(1, ABSOLUTE_S // (IDLE_S - 60) + 2):  # kept busy, still ends at 8 hours
        terminal.sandbox("POST", "/clock", {"offset_s": step * (IDLE_S - 60)})
        r = s.get(f"{backend.url}/console/terminals")
    assert r.url.endswith("why=expired")
    # a form posted after expiry is not run either
    terminal.sandbox("POST", "/clock", {"offset_s": 0})
    s = signed_in(backend)
    token = csrf_of(s.get(f"{backend.url}/console/terminals").text)
    terminal.sandbox("POST", "/clock", {"offset_s": IDLE_S + 5})
    r = s.post(f"{backend.url}/console/terminals/{DEMO_TERMINAL_ID}/area",
               data={"csrf": token, "area": "文峰区"})  # fmt: skip
    assert r.url.endswith("why=expired") and "登录已过期" in r.text
    assert backend.store.one("SELECT area FROM terminal_areas") is None


# ----- forms: bad input gets a message -----


def test_every_form_answers_bad_input_with_a_message(backend):
    s = signed_in(backend)
    url = backend.url
    token = csrf_of(s.get(f"{url}/console/terminals").text)
    cases = [
        (f"/console/terminals/{DEMO_TERMINAL_ID}/area", {"area": "区" * 41}, "最多40个字"),
        ("/console/terminals/no-such/area", {"area": "x"}, "没有这台终端"),
        ("/console/catalog/assign", {"version": ""}, "请选择一个版本"),
        ("/console/catalog/assign", {"version": "9.9.9"}, "没有这个版本"),
        ("/console/catalog/assign", {"version": "v", "scope": "share", "share": "0"}, "1到100"),
        ("/console/catalog/assign", {"version": "v", "scope": "share", "share": "x"}, "1到100"),
        ("/console/catalog/assign", {"version": "v", "scope": "terminals"}, "请填写终端编号"),
        ("/console/catalog/assign", {"version": "v", "scope": "moon"}, "请选择发布范围"),
        ("/console/catalog/publish", {}, "请选择要发布的事项清单文件"),
    ]
    for path, data, words in cases:
        r = s.post(url + path, data={"csrf": token, **data})
        assert r.status_code in (400, 404), (path, r.status_code)
        assert words in alert(r.text), (path, alert(r.text))
        assert "Traceback" not in r.text and not r.text.startswith("{")
    files = {
        "not json": b"{not json",
        "not a catalog": json.dumps({"version": "x", "matters": [{"id": 1}]}).encode(),
        "too big": b" " * (61 * 1024),
    }
    for what, data in files.items():
        r = s.post(f"{url}/console/catalog/publish", data={"csrf": token},
                   files={"file": ("c.json", data, "application/json")})  # fmt: skip
        assert r.status_code == 400 and alert(r.text), what
    assert "未发布" in s.post(f"{url}/console/catalog/publish", data={"csrf": token},
                             files={"file": ("c.json", files["not a catalog"])}).text  # fmt: skip
    # the sign-in form and the filters
    page = requests.Session()
    token0 = csrf_of(page.get(f"{url}/console/login").text)
    r = page.post(f"{url}/console/login", data={"csrf": token0, "user": "", "password": ""})
    assert r.status_code == 400 and alert(r.text) == "请填写用户名和密码。"
    r = s.get(f"{url}/console/terminals?status=broken")
    assert r.status_code == 200 and "没有这种状态" in alert(r.text)
    r = s.get(f"{url}/console/figures?days=-3")
    assert "1到366" in alert(r.text)
    r = s.get(f"{url}/console/catalog?old=a&new=b")
    assert "请选择两个已发布的版本" in alert(r.text)
    r = s.get(f"{url}/console/terminals/nobody")
    assert r.status_code == 404 and "没有这台终端" in alert(r.text)
    r = s.get(f"{url}/console/no/such/page")
    assert r.status_code == 404 and "没有这个页面" in alert(r.text)
    r = s.post(f"{url}/console/catalog/assign", data=b"\xff\xfe", headers={
               "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert r.status_code == 403 and "操作没有执行" in alert(r.text)  # not a form: refused


def test_a_real_county_list_is_published_from_the_browser_and_an_oversize_one_gets_a_page(backend):
    """The console takes a catalog beyond the API's 64 KiB body limit (广安区's 1,133 names are
    180 KB); above its own limit the answer is a page in Chinese, before and while the body
    streams, and nobody who is not signed in gets a byte of an upload read."""
    s = signed_in(backend)
    url = backend.url
    token = csrf_of(s.get(f"{url}/console/catalog").text)
    county = Path(__file__).parent / "data" / "real" / "county_catalog.json"
    raw = json.loads(county.read_text(encoding="utf-8"))
    raw["version"] = "county-" + uuid.uuid4().hex[:6]
    data = json.dumps(raw, ensure_ascii=False).encode()
    assert len(data) > MAX_BODY
    r = s.post(f"{url}/console/catalog/publish", data={"csrf": token},
               files={"file": ("county.json", data, "application/json")})  # fmt: skip
    assert r.status_code == 200 and "已发布" in r.text, alert(r.text)
    stored = backend.store.one("SELECT matters FROM catalog_versions WHERE version=?",
                               raw["version"])  # fmt: skip
    assert stored[0] == len(raw["matters"])
    # declared over the limit: refused on the catalog page (after the session is checked),
    # nothing parsed
    huge = b" " * (STREAMED["/console/catalog/publish"] + 1)
    r = s.post(f"{url}/console/catalog/publish", data={"csrf": token},
               files={"file": ("c.json", huge, "application/json")})  # fmt: skip
    assert r.status_code == 413 and "文件超过16 MB，未发布" in alert(r.text)
    assert "kiosk catalog publish" in r.text
    # no Content-Length (chunked): counted while it streams, answered on the catalog page
    body = (b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token.encode()
            + b"\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\""
            b"\r\n\r\n")  # fmt: skip
    chunks = iter([body] + [b" " * (1024 * 1024)] * 17 + [b"\r\n--x--\r\n"])
    r = s.post(f"{url}/console/catalog/publish", data=chunks,
               headers={"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert r.status_code == 413 and "文件超过16 MB，未发布" in alert(r.text)
    # not signed in: back to the sign-in page; the upload is not taken
    r = requests.post(f"{url}/console/catalog/publish", data={"csrf": token},
                      files={"file": ("county.json", data)}, allow_redirects=False)  # fmt: skip
    assert r.status_code in (302, 303) and "/console/login" in r.headers["location"]
    # the JSON API keeps its limit
    r = requests.post(f"{url}/v1/admin/catalog/versions", data=b"{" + b" " * MAX_BODY + b"}",
                      headers={"Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


def test_a_deeply_nested_file_is_refused_with_a_message(backend):
    """A JSON bomb (brackets nested 100,000 deep, 200 KB) made json.loads raise RecursionError,
    which the publish form did not catch: 500 "系统出错" and a traceback in the log, where every
    other file that is not a catalog gets its message."""
    s = signed_in(backend)
    token = csrf_of(s.get(f"{backend.url}/console/catalog").text)
    bomb = b'{"version": "x", "matters": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = s.post(f"{backend.url}/console/catalog/publish", data={"csrf": token},
               files={"file": ("c.json", bomb, "application/json")})  # fmt: skip
    assert r.status_code == 400 and alert(r.text) == "文件不是有效的JSON事项清单，未发布。"


def _raw_post(url: str, path: str, head: str, body: bytes = b"") -> socket.socket:
    """Headers (and the first bytes of a body) on a raw connection, the rest never sent."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode() + body)
    return sock


def _answer_and_close(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test:
    the server waited for, or went on reading, a body it had no business reading)."""
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    sock.close()
    return got


def test_nobody_signed_out_makes_the_backend_read_an_upload(backend):
    """Not signed in, an upload to the catalog form is answered (back to 登录) without its body
    being read, and the connection closes: before, the 303 kept the connection alive, so the
    server read and dropped whatever came (a chunked body without end, 100 MB in 0.2 s), and a
    declared Content-Length over a console path's limit made it read up to 64 MB before
    answering (a signed-in admin over the limit still gets the page: the test above)."""
    multipart = "Content-Type: multipart/form-data; boundary=x\r\n"
    over = STREAMED["/console/catalog/publish"] * 4
    for path, head in [
        ("/console/catalog/publish", multipart + "Transfer-Encoding: chunked\r\n"),
        ("/console/catalog/publish", multipart + f"Content-Length: {over}\r\n"),
        ("/console/catalog/publish", multipart + "Content-Length: 10000000\r\n"),
        ("/console/login", f"Content-Length: {over}\r\n"),
    ]:
        answer = _answer_and_close(_raw_post(backend.url, path, head, b"3\r\n--x\r\n"))
        status = answer.split(b"\r\n")[0]
        assert status.split()[1] in (b"303", b"413"), (path, head, status)
        assert b"connection: close" in answer.lower(), (path, head)


# ----- terminals -----


def test_terminals_online_offline_and_events_from_real_heartbeats(backend, terminal):
    add_terminal(backend.store, "t-quiet", "北关区红旗路社区")
    other = BackendClient(backend.url, "t-quiet", "t-quiet" * 2)
    beat(other)
    terminal.sandbox("POST", "/clock", {"offset_s": OFFLINE_AFTER_S + 30})  # t-quiet goes quiet
    beat(terminal, printer="offline", paper="low", unresolved_topups=2)
    s = signed_in(backend)
    page = s.get(f"{backend.url}/console/terminals").text
    assert f"超过{OFFLINE_AFTER_S // 60}分钟没有心跳即为<strong>离线</strong>" in page
    offline = s.get(f"{backend.url}/console/terminals?status=offline").text
    assert "t-quiet" in offline and DEMO_TERMINAL_ID not in offline
    attention = s.get(f"{backend.url}/console/terminals?status=attention").text
    assert DEMO_TERMINAL_ID in attention and "纸张不足" in attention
    assert "2笔充值未完成" in attention
    assert "t-quiet" not in s.get(f"{backend.url}/console/terminals?status=online").text
    # area: set on the terminal's page, then a filter
    detail = s.get(f"{backend.url}/console/terminals/t-quiet").text
    r = s.post(f"{backend.url}/console/terminals/t-quiet/area",
               data={"csrf": csrf_of(detail), "area": "北关区"})  # fmt: skip
    assert "已保存终端所在区域" in r.text
    by_area = s.get(f"{backend.url}/console/terminals", params={"area": "北关区"}).text
    assert "t-quiet" in by_area and DEMO_TERMINAL_ID not in by_area
    # back online after the gap, and a printer change: both are events on its page
    beat(other, printer="error")
    detail = s.get(f"{backend.url}/console/terminals/t-quiet").text
    assert "首次上线" in detail and "恢复在线" in detail
    assert re.search(r"打印机</td><td[^>]*>正常</td><td[^>]*>故障", detail)


def test_a_city_fleet_lists_problems_first_in_pages_and_finds_one_by_name(backend, terminal):
    """1,284 terminals (粤智助 in one city): problems first, 100 a page, found by id or name."""
    with backend.store.tx() as db:
        for i in range(1283):
            db.execute("INSERT INTO terminals (id, secret, name) VALUES (?,?,?)",
                       (f"sg-{i:04d}", "x" * 16, f"韶关{i:04d}号机"))  # fmt: skip
    beat(terminal, printer="offline")  # the demo terminal needs attention; the rest never beat
    s = signed_in(backend)
    url = backend.url
    page = s.get(f"{url}/console/terminals").text
    rows = re.findall(r'<a href="/console/terminals/([^"]+)">', page)
    assert len(rows) == 100 and "第1页，共13页" in page
    assert rows[:2] == ["sg-0000", "sg-0001"]  # offline (never seen) first, then attention
    last = s.get(f"{url}/console/terminals?page=13").text
    rows = re.findall(r'<a href="/console/terminals/([^"]+)">', last)
    assert len(rows) == 84 and rows[-1] == DEMO_TERMINAL_ID and "下一页" not in last
    found = s.get(f"{url}/console/terminals", params={"q": "韶关0042"}).text
    assert re.findall(r'<a href="/console/terminals/([^"]+)">', found) == ["sg-0042"]
    assert "符合条件的终端：1台" in found
    kept = s.get(f"{url}/console/terminals", params={"status": "offline", "q": "sg-01"}).text
    assert len(re.findall(r'<a href="/console/terminals/([^"]+)">', kept)) == 100
    assert "下一页" not in kept  # sg-0100 … sg-0199: one page
    pager = s.get(f"{url}/console/terminals", params={"status": "offline", "page": "2"}).text
    assert 'href="/console/terminals?status=offline&amp;page=3"' in pager
    assert "没有这一页" in alert(s.get(f"{url}/console/terminals?page=99").text)
    assert "太长" in alert(s.get(f"{url}/console/terminals", params={"q": "x" * 41}).text)


def test_events_are_bounded_per_terminal(backend, terminal):
    for n in range(EVENTS_KEPT + 20):
        beat(terminal, app_version=f"0.1.{n}")
    kept = backend.store.one(
        "SELECT COUNT(*) AS n FROM heartbeat_events WHERE terminal_id=?", DEMO_TERMINAL_ID
    )
    assert EVENTS_KEPT <= kept["n"] <= EVENTS_KEPT + 1  # ties at the cut may keep one more


# ----- top-ups -----


def test_a_late_payment_and_a_paid_unwritten_order_show_with_what_to_say(backend, terminal):
    late = terminal.create_gas_order(IC_ACCOUNT, 20_00, str(uuid.uuid4()))
    terminal.cancel_gas_order(late.order_id)
    terminal.sandbox("POST", f"/orders/{late.order_id}/pay")  # paid after cancel: refunded
    paid = terminal.create_gas_order(IC_ACCOUNT, 35_00, str(uuid.uuid4()))
    terminal.sandbox("POST", f"/orders/{paid.order_id}/pay")  # paid, not yet on the card
    s = signed_in(backend)
    page = s.get(f"{backend.url}/console/topups").text
    assert late.order_id in page and "订单取消后才收到付款，已自动退款" in page
    assert "已自动原路退回，一般1至3个工作日到账" in page and "20.00元" in page
    assert paid.order_id in page and "已付款，未写入燃气卡" in page and "燃气购气补写卡" in page


# ----- usage -----


def test_usage_from_the_kiosk_is_counted_and_number_like_texts_are_dropped(tmp_path, backend):
    """The real kiosk services: a resident starts a matter's flow, another searches for
    something not found, a third says a phone number; the heartbeat thread's report lands."""
    from app.services import Services
    from kiosk.config import Config

    config = Config(
        backend_url=backend.url,
        terminal_id=DEMO_TERMINAL_ID,
        secret=DEMO_TERMINAL_SECRET,
        data_dir=tmp_path / "kiosk",
        demo=False,
        admin_pin_hash="x",
        catalog=DEMO_CATALOG,
        heartbeat_s=3600,  # the test sends the next beat itself
    )
    services = Services(config)
    try:
        session = services.session
        matter = services.catalog.catalog.by_id()["gjj-001"]
        session.open_matter(matter)
        session.start()  # identify first: the flow has not started, nothing counted yet
        session.identified_as("token-1", "王*国", "410502********0131")
        session.consent(True)  # now the flow runs: counted once
        session.end("home")
        for query, matched in (("健身", False), ("办个健身卡", False)):
            session.searched(query, matched)  # typed as it grows: the last one counts
        session.end("idle")
        session.searched("公积金", False)
        session.open_matter(matter)  # found something after all: not a search without match
        session.end("home")
        session.searched("13800000002", False)  # a number said to the search: never kept
        session.end("home")
        assert services.heartbeat.beat_now()
        assert services.heartbeat.usage_sent == 1 and services.usage.pending() == 0
    finally:
        services.close()
    assert _usage_rows(backend, "unmatched") == {"办个健身卡": 1}
    assert _usage_rows(backend, "matter") == {"gjj-001": 1}
    assert _usage_rows(backend, "service") == {"records.gjj_statement": 1}


def test_a_report_that_failed_is_sent_again_unchanged(tmp_path, backend, terminal):
    from kiosk.heartbeat import HeartbeatSender

    counter = UsageCounter()
    counter.search_unmatched("办个健身卡")
    down = BackendClient("http://127.0.0.1:9", DEMO_TERMINAL_ID, "x", retries=0)
    services = SimpleNamespace(client=down, usage=counter)
    sender = HeartbeatSender(services, interval_s=60)
    sender._report_usage()  # unreachable: kept, with its report id
    assert sender._unsent is not None and not counter.take()
    kept_id = sender._unsent.report_id
    counter.search_unmatched("办个健身卡")  # counted meanwhile: a batch of its own
    services.client = terminal
    sender._report_usage()
    assert sender._unsent is None and sender.usage_sent == 2
    assert _usage_rows(backend, "unmatched") == {"办个健身卡": 2}
    seen = backend.store.one("SELECT 1 FROM usage_reports WHERE report_id=?", kept_id)
    assert seen is not None


def _usage_rows(backend, kind: str) -> dict[str, int]:
    rows = backend.store.all("SELECT key, count FROM usage_counts WHERE kind=?", kind)
    return {r["key"]: r["count"] for r in rows}


def test_clean_query_drops_anything_number_like():
    assert clean_query("  公积金  提取 ") == "公积金 提取"
    assert clean_query("ＡＢＣ社保") == "abc社保"  # NFKC, lower case
    for text in (
        "410502196507080131",  # an ID number
        "身份证41050219650708013X",
        "13800000002",
        "电话 138 0000 0002",
        "138-0000-0002",
        "查123456",
        "一三八零零零零零零零二",  # spoken
        "a1b2c3d4e5f6",  # digits spread among letters
        "",
        "   ",
    ):
        assert clean_query(text) is None, text
    assert clean_query("2025年社保") == "2025年社保"  # a year is not a person
    assert len(clean_query("证" * 100)) == 32


def test_usage_report_counted_once_and_filtered_again_at_the_backend(backend, terminal):
    batch = UsageBatch(
        services={("gjj-001", "records.gjj_statement"): 3},
        unmatched={"办个健身卡": 2, "13800000002": 1},  # the kiosk would never send the second
    )
    ack = terminal.usage(batch)
    assert ack.counted == 5  # 3 services, 2 searches: the phone number is not kept
    assert terminal.usage(batch).counted == 0  # the same report id again: nothing added
    assert _usage_rows(backend, "unmatched") == {"办个健身卡": 2}
    assert _usage_rows(backend, "service") == {"records.gjj_statement": 3}
    assert _usage_rows(backend, "matter") == {"gjj-001": 3}
    # bounded sizes: the API refuses what is too long or too many (sent signed, by hand)
    for body in (
        {"report_id": "ab12cd34", "unmatched": [{"text": "x" * 33, "count": 1}]},
        {"report_id": "ab12cd34", "unmatched": [{"text": f"t{n}", "count": 1} for n in range(201)]},
        {"report_id": "ab12cd34", "services": [{"matter_id": "m", "service": "s", "count": 10**6}]},
        {"report_id": "no!", "services": []},
    ):
        r = terminal._send("POST", "/v1/terminal/usage", body=body, retry=False)
        assert r.status_code == 422 and r.json()["code"] == "invalid_request", body


SPOKEN_WITH_PUNCTUATION = (
    "一三八，零零一三，八零零零",  # a phone number as speech recognition writes it
    "幺三八、零零幺三、八零零零",
    "我的电话一三八。零零一三。八零零零",
    "一三八(零零一三)八零零零",
    "138，零零一三，八零零零",
    "身份证四一零五：零二一九：六五零七",
)


def test_a_number_spoken_in_groups_never_reaches_the_figures(backend, terminal):
    """Speech recognition writes a dictated number in groups with punctuation between them; the
    separators allowed between digits were only spaces, dashes, dots, slashes and "·", and
    Chinese numerals are not ``isdigit``, so "一三八，零零一三，八零零零" was kept, counted and
    shown on 服务统计."""
    for text in SPOKEN_WITH_PUNCTUATION:
        assert clean_query(text) is None, text
    assert clean_query("一网通办，一件事") == "一网通办,一件事"  # words with a numeral or two stay
    batch = UsageBatch(unmatched={t: 1 for t in SPOKEN_WITH_PUNCTUATION} | {"办个健身卡": 1})
    assert terminal.usage(batch).counted == 1
    assert _usage_rows(backend, "unmatched") == {"办个健身卡": 1}
    page = signed_in(backend).get(f"{backend.url}/console/figures").text
    assert "办个健身卡" in page and "零零一三" not in page and "零二一九" not in page


def test_a_rogue_terminal_cannot_put_numbers_in_the_figures_or_grow_the_table(backend, terminal):
    """The kiosk sends catalog ids and service names; a terminal whose secret was stolen could
    send an ID number as a matter id or a complaint's category, or a new report every second."""
    rogue = {("110101199003071234", "records.gjj_statement"): 1, ("gjj-001", "13800000002"): 1}
    batch = UsageBatch(services={**rogue, ("gjj-001", "guide"): 2})
    assert terminal.usage(batch).counted == 2
    assert _usage_rows(backend, "matter") == {"gjj-001": 2}
    assert _usage_rows(backend, "service") == {"guide": 2}
    terminal.complain("楼道的灯坏了", "13800000002")
    r = signed_in(backend).get(f"{backend.url}/console/figures")
    page = r.text
    assert "13800000002" not in page and "110101199003071234" not in page and "其他" in page
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "base-uri 'none'" in r.headers["Content-Security-Policy"]
    for n in range(USAGE_KEYS_PER_DAY // 200 + 2):
        many = UsageBatch(unmatched={f"健身{n}号{k}": 1 for k in range(200)})
        terminal.usage(many)
    kept = backend.store.one(
        "SELECT COUNT(*) FROM usage_counts WHERE terminal_id=?", DEMO_TERMINAL_ID
    )[0]
    assert USAGE_KEYS_PER_DAY <= kept < USAGE_KEYS_PER_DAY + 200
    again = UsageBatch(unmatched={"健身0号0": 5, "新的一句": 1})  # known keys still count
    assert terminal.usage(again).counted == 5
    assert _usage_rows(backend, "unmatched")["健身0号0"] == 6


def test_counter_is_bounded_and_thread_safe():
    counter = UsageCounter(max_keys=3)
    for n in range(5):
        counter.search_unmatched(f"查询{'甲乙丙丁戊'[n]}")
    counter.search_unmatched("13800000002")
    batch = counter.take()
    assert len(batch.unmatched) == 3 and counter.dropped == 2
    assert not counter.take()


def test_figures_show_usage_evaluations_and_12345(backend, terminal):
    terminal.usage(UsageBatch(services={("gjj-001", "records.gjj_statement"): 4},
                              unmatched={"办个健身卡": 1}))  # fmt: skip
    case = terminal.new_case("records.gjj_statement", "gjj-001")
    terminal.evaluate(case.case_number, api.EvaluationLevel.DISSATISFIED)
    terminal.complain("路灯不亮了，晚上走路看不见", "市政", "13800000005")
    s = signed_in(backend)
    page = s.get(f"{backend.url}/console/figures").text
    assert "<svg" in page and "公积金缴存明细：4次" in page
    assert "办个健身卡" in page and "13800000005" not in page
    assert re.search(r"gjj-001.*?不满意\">1<", page, re.S)
    assert "市政" in page and "每天12345诉求数" in page


# ----- audit -----


def test_admin_actions_are_in_the_audit_trail(backend):
    s = signed_in(backend)
    home = s.get(f"{backend.url}/console/terminals").text
    s.post(f"{backend.url}/console/terminals/{DEMO_TERMINAL_ID}/area",
           data={"csrf": csrf_of(home), "area": "文峰区"})  # fmt: skip
    raw = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    small = {"version": "2026.12.1", "matters": raw["matters"][:20]}
    data = json.dumps(small, ensure_ascii=False).encode()
    r = s.post(f"{backend.url}/console/catalog/publish", data={"csrf": csrf_of(home)},
               files={"file": ("c.json", data)})  # fmt: skip
    assert "已发布" in r.text, alert(r.text)
    r = s.post(f"{backend.url}/console/catalog/assign",
               data={"csrf": csrf_of(home), "version": "2026.12.1", "scope": "share",
                     "share": "30"})  # fmt: skip
    assert "已按所选范围分配" in r.text
    s.post(f"{backend.url}/console/logout", data={"csrf": csrf_of(home)})
    actions = [r["action"] for r in backend.store.all("SELECT action FROM admin_audit ORDER BY at")]
    assert actions == [
        "console_login", "terminal_area", "catalog_publish", "catalog_assign", "console_logout"
    ]  # fmt: skip
    published = backend.store.all("SELECT by, action FROM catalog_publishes ORDER BY at")
    assert [tuple(r) for r in published] == [(ADMIN, "publish"), (ADMIN, "assign")]
    page = signed_in(backend).get(f"{backend.url}/console/audit").text
    assert "发布事项清单" in page and "设置终端区域" in page and "127.0.0.1" in page


def test_sign_ins_at_the_api_are_in_the_audit_trail(backend):
    """POST /v1/admin/login gives a session that publishes and assigns catalogs with the same
    accounts; its sign-ins, and the refused ones, were in no audit trail (only the log file), so
    操作记录 showed nothing of a password being guessed there."""
    api_login = f"{backend.url}/v1/admin/login"
    assert (
        requests.post(api_login, json={"user": ADMIN, "password": "wrong-pass"}).status_code == 401
    )
    assert requests.post(api_login, json={"user": ADMIN, "password": PASSWORD}).ok
    rows = backend.store.all("SELECT by, action, source FROM admin_audit ORDER BY at")
    assert [tuple(r) for r in rows] == [
        (ADMIN, "api_login_refused", "127.0.0.1"), (ADMIN, "api_login", "127.0.0.1")
    ]  # fmt: skip
    page = signed_in(backend).get(f"{backend.url}/console/audit").text
    assert "接口登录失败" in page and "接口登录" in page
