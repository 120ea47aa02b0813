"""The reference backend and the client against a hostile or broken world (issue 10): attempt
limits, sessions, request limits, idempotency after a crash, redirects and URL tricks, late
payments, public certificate verification. Every test talks to a real backend over loopback."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import select
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from kiosk.backend.auth import HEADER_TERMINAL, sign, signing_string
from kiosk.backend.client import (
    BackendClient,
    BackendInvalidResponse,
    BackendRejected,
    BackendUnavailable,
)
from kiosk.backend.demo import start_backend
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, demo_residents
from tests.backend_fixtures import test_database

RESIDENTS = {r["name"]: r for r in demo_residents()}
WANG = RESIDENTS["王建国"]
PHONES = [r["phone"] for r in demo_residents()]
IC_ACCOUNT = "100200300"


@pytest.fixture()
def fresh(tmp_path):
    """A backend of its own: limits and clocks of one test never reach another."""
    running = start_backend(tmp_path / "data", pay_after_s=None, database=test_database())
    yield running
    running.stop()


def add_terminal(running, terminal_id: str, secret: str) -> BackendClient:
    with running.store.tx() as db:
        db.execute(
            "INSERT INTO terminals VALUES (?,?,?) ON CONFLICT (id) DO NOTHING",
            (terminal_id, secret, "test"),
        )
    return BackendClient(running.url, terminal_id, secret, retries=0)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def rejected(call, *args) -> BackendRejected:
    with pytest.raises(BackendRejected) as info:
        call(*args)
    return info.value


# ----- 1. attempt limits -----


def test_sms_code_dies_after_five_wrong_tries(fresh):
    c = fresh.client(retries=0)
    phone = PHONES[0]
    assert c.send_sms(phone).sent
    code = c.sandbox("GET", f"/sms/{phone}")["code"]
    messages = [rejected(c.verify_sms, phone, wrong(code)).message for _ in range(5)]
    assert "还可以再试4次" in messages[0] and "重新获取" in messages[-1]
    # the right code no longer works: the five wrong tries were counted, not rolled back
    err = rejected(c.verify_sms, phone, code)
    assert err.code == "code_expired" and "重新获取" in err.message
    c.sandbox("POST", "/clock", {"offset_s": 61})
    assert c.send_sms(phone).sent  # a new code is needed, and works
    assert c.verify_sms(phone, c.sandbox("GET", f"/sms/{phone}")["code"]).token


def test_wrong_codes_are_limited_per_terminal(fresh):
    c = fresh.client(retries=0)
    for phone in PHONES:
        assert c.send_sms(phone).sent
    for phone in PHONES:  # 4 wrong codes on each of 5 phones: 20, the terminal's limit
        code = c.sandbox("GET", f"/sms/{phone}")["code"]
        for _ in range(4):
            assert rejected(c.verify_sms, phone, wrong(code)).code == "code_wrong"
    last = PHONES[-1]
    err = rejected(c.verify_sms, last, c.sandbox("GET", f"/sms/{last}")["code"])
    assert err.status == 429 and err.code == "too_many_attempts" and "次数过多" in err.message
    # another terminal is not locked out by this one
    other = add_terminal(fresh, "other-terminal", "other-secret-0123456789")
    assert other.verify_sms(last, c.sandbox("GET", f"/sms/{last}")["code"]).token


def test_sms_sends_are_limited_per_phone(fresh):
    c = fresh.client(retries=0)
    phone = PHONES[1]
    for i in range(5):
        c.sandbox("POST", "/clock", {"offset_s": 61 * i})
        assert c.send_sms(phone).sent
    c.sandbox("POST", "/clock", {"offset_s": 61 * 5})
    err = rejected(c.send_sms, phone)
    assert err.status == 429 and err.code == "too_many_attempts"
    c.sandbox("POST", "/clock", {"offset_s": 3700})
    assert c.send_sms(phone).sent  # the window moved on


def test_sms_sends_are_limited_per_terminal(fresh):
    c = fresh.client(retries=0)
    # unknown phones count too: the limit stops enumerating which phones are registered
    for i in range(30):
        assert rejected(c.send_sms, f"139{i:08d}").code == "phone_not_found"
    err = rejected(c.send_sms, PHONES[2])
    assert err.status == 429


def test_complaint_lookup_is_limited(fresh):
    c = fresh.client(retries=0)
    receipt = c.complain("小区门口路灯坏了一个月")
    for _ in range(5):
        err = rejected(c.complaint_progress, receipt.number, wrong(receipt.verify_code))
        assert err.code == "complaint_not_found"
    err = rejected(c.complaint_progress, receipt.number, receipt.verify_code)
    assert err.status == 429 and err.code == "too_many_attempts"
    c.sandbox("POST", "/clock", {"offset_s": 3700})
    assert c.complaint_progress(receipt.number, receipt.verify_code).number == receipt.number


def test_complaint_guessing_across_numbers_is_limited_per_terminal(fresh):
    c = fresh.client(retries=0)
    receipts = [c.complain(f"第{i}件诉求的内容") for i in range(5)]
    for r in receipts:  # 4 wrong codes on each: 20 from this terminal
        for _ in range(4):
            rejected(c.complaint_progress, r.number, wrong(r.verify_code))
    err = rejected(c.complaint_progress, receipts[0].number, receipts[0].verify_code)
    assert err.status == 429


# ----- 2. sessions and terminals -----


def test_another_terminal_cannot_end_a_residents_session(fresh):
    c = fresh.client(retries=0)
    token = c.login_id_card(WANG["name"], WANG["id_number"]).token
    other = add_terminal(fresh, "other-terminal", "other-secret-0123456789")
    other.end_session(token)  # 204 as always: nothing tells it whether the token exists
    assert c.gjj_statement(token).total  # still alive
    c.end_session(token)  # its own terminal revokes it
    assert rejected(c.gjj_statement, token).code == "identity_expired"


def test_resident_tokens_idle_out_on_the_server(fresh):
    c = fresh.client(retries=0)
    token = c.login_id_card(WANG["name"], WANG["id_number"]).token
    for offset in (120, 240):  # used every 2 minutes: alive
        c.sandbox("POST", "/clock", {"offset_s": offset})
        assert c.gjj_statement(token).total
    c.sandbox("POST", "/clock", {"offset_s": 240 + 181})  # left alone over 3 minutes
    err = rejected(c.gjj_statement, token)
    assert err.code == "identity_expired" and "重新刷身份证" in err.message


def test_tokens_are_stored_hashed(fresh):
    c = fresh.client(retries=0)
    token = c.login_id_card(WANG["name"], WANG["id_number"]).token
    stored = [r["token"] for r in fresh.store.all("SELECT token FROM sessions")]
    assert stored and token not in stored
    if not fresh.store.is_postgres:  # nor anywhere in the file
        data = (fresh.data_dir / "backend.sqlite3").read_bytes()
        wal = fresh.data_dir / "backend.sqlite3-wal"
        data += wal.read_bytes() if wal.exists() else b""
        assert token.encode() not in data


def test_a_terminal_acts_only_on_its_own_orders(fresh):
    c = fresh.client(retries=0)
    order = c.create_gas_order(IC_ACCOUNT, 30_00, str(uuid.uuid4()))
    other = add_terminal(fresh, "other-terminal", "other-secret-0123456789")
    assert rejected(other.gas_order, order.order_id).code == "order_not_found"
    assert rejected(other.cancel_gas_order, order.order_id).code == "order_not_found"
    assert c.gas_order(order.order_id).status.value == "created"
    # a paid purchase waiting for its card can still be written at any terminal (待圈存)
    c.sandbox("POST", f"/orders/{order.order_id}/pay")
    assert [o.order_id for o in other.pending_writes(IC_ACCOUNT)] == [order.order_id]
    assert other.card_token(order.order_id).order_id == order.order_id


def get_signed(running, path, *, terminal=DEMO_TERMINAL_ID, secret=DEMO_TERMINAL_SECRET, **kw):
    headers = {HEADER_TERMINAL: terminal, **sign(secret, "GET", path, b"", **kw)}
    return requests.get(running.url + path, headers=headers, timeout=5)


def test_unknown_terminal_and_bad_signature_look_the_same(fresh):
    path = f"/v1/utilities/gas/accounts/{IC_ACCOUNT}"
    bad = get_signed(fresh, path, secret="wrong-secret")
    unknown = get_signed(fresh, path, terminal="no-such-terminal")
    assert bad.status_code == unknown.status_code == 401
    assert bad.json() == unknown.json() and bad.json()["code"] == "bad_signature"
    old = dict(now=0)  # a stale clock: the same answer whether the terminal exists or not
    skew = get_signed(fresh, path, secret="wrong", **old)
    skew_unknown = get_signed(fresh, path, terminal="no-such-terminal", **old)
    assert skew.json()["code"] == skew_unknown.json()["code"] == "clock_skew"


# ----- 3. request limits before any work -----


def raw_request(running, head: bytes) -> socket.socket:
    host, port = running.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(head)
    return sock


def read_status(sock: socket.socket) -> tuple[int, bytes]:
    """Status and whole answer; the server closes the connection after a refusal."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return int(data.split(b" ", 2)[1]), data


BAD_SIGNED = (
    f"{HEADER_TERMINAL}: {DEMO_TERMINAL_ID}\r\nX-Timestamp: 1\r\n"
    f"X-Nonce: {'n' * 24}\r\nX-Signature: {'0' * 64}\r\n"
)


def test_declared_large_body_is_refused_unread(fresh):
    head = (
        "POST /v1/utilities/gas/orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        f"{BAD_SIGNED}Content-Length: {300 * 1024 * 1024}\r\n\r\n"
    ).encode()
    sock = raw_request(fresh, head)  # not one byte of the 300 MB is sent
    status, data = read_status(sock)
    sock.close()
    assert status == 413 and b"body_too_large" in data and b"connection: close" in data.lower()


def test_streamed_body_is_cut_off_at_the_limit(fresh, caplog):
    """A chunked upload of up to 256 MB with a bad signature: the server answers 413 once it has
    read 64 KiB and closes the connection; it never reads (or holds) the rest. Closing with the
    client's bytes unread makes the kernel send a reset, which may discard the 413 before the
    client reads it: then the refusal is seen in the backend's log instead."""
    caplog.set_level("WARNING", logger="kiosk.backend.limits")
    head = (
        "POST /v1/utilities/gas/orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        f"{BAD_SIGNED}Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    sock = raw_request(fresh, head)
    piece = b"x" * 65536
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    sent, target = 0, 256 * 1024 * 1024
    try:
        while sent < target:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer came
            sock.sendall(chunk)
            sent += len(piece)
    except OSError:  # the server closed the connection under us
        pass
    try:
        status, data = read_status(sock)
    except ConnectionResetError:
        status, data = 0, b""
    sock.close()
    if status:
        assert status == 413 and b"body_too_large" in data
    assert any("body over 65536" in r.getMessage() for r in caplog.records)
    # what was sent is at most the limit plus what the two kernels' socket buffers held
    assert sent < 32 * 1024 * 1024, f"server kept reading: {sent} bytes taken"


def test_body_at_the_limit_is_read(fresh):
    c = fresh.client(retries=0)
    big = "长" * 2000  # the largest complaint the API allows: well under 64 KiB
    assert c.complain(big).number


def signed_with_nonce(method: str, path: str, nonce: str) -> dict:
    ts = str(int(time.time()))
    mac = hmac.new(
        DEMO_TERMINAL_SECRET.encode(),
        signing_string(method, path, ts, nonce, b""),
        hashlib.sha256,
    )
    return {
        HEADER_TERMINAL: DEMO_TERMINAL_ID,
        "X-Timestamp": ts,
        "X-Nonce": nonce,
        "X-Signature": mac.hexdigest(),
    }


def test_long_nonces_and_headers_are_refused_and_never_stored(fresh):
    path = f"/v1/utilities/gas/accounts/{IC_ACCOUNT}"
    nonce = "a" * 3000  # correctly signed, but no nonce is that long
    r = requests.get(fresh.url + path, headers=signed_with_nonce("GET", path, nonce), timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    longest = fresh.store.one("SELECT MAX(LENGTH(nonce)) FROM nonces")[0] or 0
    assert longest <= 64
    ok = requests.get(fresh.url + path, headers=signed_with_nonce("GET", path, "b" * 24), timeout=5)
    assert ok.status_code == 200
    huge = requests.get(fresh.url + path, headers={"X-Anything": "x" * 5000}, timeout=5)
    assert huge.status_code == 431 and huge.json()["code"] == "headers_too_large"


# ----- 4. idempotency as Stripe does it -----

ORDERS = "/v1/utilities/gas/orders"


def post_raw(running, path: str, data: bytes, key: str) -> requests.Response:
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        HEADER_TERMINAL: DEMO_TERMINAL_ID,
        **sign(DEMO_TERMINAL_SECRET, "POST", path, data),
    }
    return requests.post(running.url + path, data=data, headers=headers, timeout=10)


def orders_of(running, account: str) -> list[str]:
    rows = running.store.all("SELECT order_id FROM orders WHERE account=?", account)
    return [r[0] for r in rows]


def key_state(where, key: str) -> str | None:
    """A key's state in a running backend's database, or in a data folder's SQLite file."""
    if not isinstance(where, Path):
        row = where.store.one("SELECT state FROM idempotency WHERE key=?", key)
        return row[0] if row else None
    db = sqlite3.connect(where / "backend.sqlite3", timeout=5)
    row = db.execute("SELECT state FROM idempotency WHERE key=?", (key,)).fetchone()
    db.close()
    return row[0] if row else None


def wait_for(condition, what: str, limit_s: float = 20) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def test_same_json_with_other_whitespace_is_the_same_request(fresh):
    key = str(uuid.uuid4())
    first = post_raw(fresh, ORDERS, b'{"account":"100200300","amount":4000}', key)
    same = post_raw(fresh, ORDERS, b'{ "amount" : 4000,\n  "account" : "100200300" }', key)
    assert first.status_code == same.status_code == 201
    assert same.json() == first.json() and same.headers["Idempotent-Replayed"] == "true"
    other = post_raw(fresh, ORDERS, b'{"account":"100200300","amount":4001}', key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert len(orders_of(fresh, IC_ACCOUNT)) == 1


def test_a_hung_request_loses_its_key_to_a_retry_and_commits_nothing(fresh):
    c = fresh.client(retries=0)
    c.sandbox("POST", "/faults", {"mode": "slow", "path_prefix": ORDERS, "delay_s": 3.0})
    key, body = str(uuid.uuid4()), b'{"account":"100200300","amount":5000}'
    results: dict = {}
    first = threading.Thread(
        target=lambda: results.update(first=post_raw(fresh, ORDERS, body, key))
    )
    first.start()
    wait_for(lambda: key_state(fresh, key) == "in_flight", "key in flight")
    assert post_raw(fresh, ORDERS, body, key).status_code == 409  # still locked
    c.sandbox("POST", "/clock", {"offset_s": 31})  # the lock expires
    retry = post_raw(fresh, ORDERS, body, key)
    assert retry.status_code == 201
    first.join()
    # the hung request, finishing late, did not write a second order: it answers the retry's
    assert results["first"].status_code == 201
    assert results["first"].json()["order_id"] == retry.json()["order_id"]
    assert orders_of(fresh, IC_ACCOUNT) == [retry.json()["order_id"]]


def test_a_killed_backend_leaves_no_key_locked(tmp_path):
    """SIGKILL while an order is being created; after a restart the retry goes through."""
    data, port = tmp_path / "data", free_port()
    proc = start_sandbox(data, port, "--test-controls")
    url = f"http://127.0.0.1:{port}"
    c = BackendClient(url, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, retries=0, read_timeout=0.5)
    try:
        c.sandbox("POST", "/faults", {"mode": "slow", "path_prefix": ORDERS, "delay_s": 30})
        key = str(uuid.uuid4())
        with pytest.raises(BackendUnavailable):  # no answer: the backend is stuck mid-work
            c.create_gas_order(IC_ACCOUNT, 60_00, key)
        assert key_state(data, key) == "in_flight"
    finally:
        proc.kill()
        proc.wait(timeout=10)
    proc = start_sandbox(data, port)
    try:
        order = c.create_gas_order(IC_ACCOUNT, 60_00, key)  # not 409 for 48 hours
        assert order.status.value == "created"
        db = sqlite3.connect(data / "backend.sqlite3")
        mine = db.execute("SELECT order_id FROM orders WHERE account=?", (IC_ACCOUNT,)).fetchall()
        db.close()
        assert [r[0] for r in mine] == [order.order_id]
        assert c.create_gas_order(IC_ACCOUNT, 60_00, key).order_id == order.order_id
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(data, port: int, *extra: str) -> subprocess.Popen:
    data.mkdir(parents=True, exist_ok=True)
    log_path = data.parent / f"sandbox-{port}.log"
    with log_path.open("ab") as log:  # a file, never a pipe nobody drains
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "app.cli", "sandbox"),
                *("--port", str(port), "--data", str(data), *extra),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/openapi.json"

    def up() -> bool:
        if proc.poll() is not None:
            pytest.fail("sandbox died: " + log_path.read_text())
        try:
            return requests.get(url, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, "sandbox started", 120)
    return proc


# ----- 5. the client -----


class Recorder(http.server.BaseHTTPRequestHandler):
    """A loopback HTTP server: answers ``reply`` and remembers what reached it."""

    seen: ClassVar[list] = []
    reply = (404, {})

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
        status, headers = self.reply
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


def serve(host: str, reply: tuple[int, dict]) -> tuple[http.server.HTTPServer, list]:
    handler = type("H", (Recorder,), {"seen": [], "reply": reply})
    server = http.server.HTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler.seen


def test_client_follows_no_redirect():
    elsewhere, reached = serve("127.0.0.2", (200, {}))
    target = f"http://127.0.0.2:{elsewhere.server_port}/steal"
    redirector, asked = serve("127.0.0.1", (307, {"Location": target}))
    try:
        c = BackendClient(
            f"http://127.0.0.1:{redirector.server_port}", "t", "s", retries=0, backoff_s=0
        )
        with pytest.raises(BackendInvalidResponse):
            c.login_id_card(WANG["name"], WANG["id_number"])
        with pytest.raises(BackendInvalidResponse):
            c.gjj_statement("resident-token-abc")
        assert len(asked) == 2 and reached == []  # nothing re-sent to the other host
    finally:
        elsewhere.shutdown()
        redirector.shutdown()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com\\@127.0.0.1:8750",  # urlsplit sees 127.0.0.1, requests example.com
        "http://127.0.0.1:8750@example.com",
        "http://user:pw@127.0.0.1:8750",
        "http://127.0.0.1%2f@example.com",
        "http://127.0.0.1 .example.com",
        "http://127.0.0.1\t:8750",
        "http:///127.0.0.1",
    ],
)
def test_client_refuses_ambiguous_urls(url):
    with pytest.raises(ValueError, match="https"):
        BackendClient(url, "t", "s")


def test_client_accepts_plain_urls():
    for url in (
        "http://127.0.0.1:8750",
        "http://localhost:8750/",
        "http://[::1]:8750",
        "https://kiosk-gw.example.gov.cn",
        "https://kiosk-gw.example.gov.cn:8443/api",
    ):
        BackendClient(url, "t", "s")


# ----- 6. late payments -----


def ledger_of(c: BackendClient, order_id: str) -> list[str]:
    return [e["entry"] for e in c.sandbox("GET", "/ledger")["ledger"] if e["order_id"] == order_id]


def test_a_payment_after_cancel_is_refunded_and_listed(fresh):
    c = fresh.client(retries=0)
    before = c.gas_account(IC_ACCOUNT).balance
    order = c.create_gas_order(IC_ACCOUNT, 50_00, str(uuid.uuid4()))
    assert c.cancel_gas_order(order.order_id).money_note == "订单已取消，没有扣款"
    c.sandbox("POST", f"/orders/{order.order_id}/pay")  # the resident paid anyway, too late
    c.sandbox("POST", f"/orders/{order.order_id}/pay")  # and the provider says so twice
    late = c.gas_order(order.order_id)
    assert late.status.value == "cancelled" and late.late_paid_at and late.refunded_at
    assert "50.00元已自动原路退回" in late.money_note
    assert ledger_of(c, order.order_id) == ["charge", "refund"]  # once, and given back
    acct = c.gas_account(IC_ACCOUNT)
    assert acct.balance == before and acct.pending_writes == 0  # nothing delivered
    listed = c.late_payments()
    assert [p.order_id for p in listed] == [order.order_id] and "退回" in listed[0].money_note
    other = add_terminal(fresh, "other-terminal", "other-secret-0123456789")
    assert other.late_payments() == []  # each terminal's own


def test_a_payment_after_expiry_is_refunded(fresh):
    c = fresh.client(retries=0)
    order = c.create_gas_order("100200302", 30_00, str(uuid.uuid4()))  # a remote meter
    before = c.gas_account("100200302").balance
    c.sandbox("POST", "/clock", {"offset_s": 301})
    c.sandbox("POST", f"/orders/{order.order_id}/pay")
    late = c.gas_order(order.order_id)
    assert late.status.value == "expired" and "过期后收到的付款30.00元" in late.money_note
    assert ledger_of(c, order.order_id) == ["charge", "refund"]
    assert c.gas_account("100200302").balance == before  # not credited


# ----- 7. certificates anyone can verify -----

PUBLIC = "https://zwfw.example.gov.cn/kiosk"


def issue_with_host(url: str, token: str, host: str) -> requests.Response:
    path, data = "/v1/certificates", b'{"kind":"hardship"}'
    headers = {
        "Host": host,
        "Content-Type": "application/json",
        "X-Resident-Token": token,
        HEADER_TERMINAL: DEMO_TERMINAL_ID,
        **sign(DEMO_TERMINAL_SECRET, "POST", path, data),
    }
    return requests.post(url + path, data=data, headers=headers, timeout=10)


def test_sandbox_prints_its_configured_public_url_never_the_host_header(tmp_path):
    port = free_port()
    proc = start_sandbox(tmp_path / "data", port, "--public-url", PUBLIC + "/")
    try:
        url = f"http://127.0.0.1:{port}"
        c = BackendClient(url, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, retries=0)
        li = RESIDENTS["李秀英"]
        token = c.login_id_card(li["name"], li["id_number"]).token
        cert = issue_with_host(url, token, "evil.example.com").json()
        assert cert["verify_url"] == f"{PUBLIC}/verify/{cert['code']}"
        assert "evil" not in json.dumps(cert)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = subprocess.run(
        [sys.executable, "-m", "app.cli", "sandbox", "--public-url", "javascript:alert(1)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--public-url" in bad.stderr and "Traceback" not in bad.stderr


@pytest.fixture()
def public(tmp_path):
    running = start_backend(
        tmp_path / "data", pay_after_s=None, public_url=PUBLIC, database=test_database()
    )
    yield running
    running.stop()


def test_public_page_shows_a_certificate_masked_and_its_state(public):
    c = public.client(retries=0)
    li = RESIDENTS["李秀英"]
    cert = c.issue_certificate(c.login_id_card(li["name"], li["id_number"]).token, "hardship")
    assert cert.verify_url == f"{PUBLIC}/verify/{cert.code}" and cert.valid_until
    page_url = public.url + "/verify/" + cert.code  # what the QR opens, here on loopback
    page = requests.get(page_url, timeout=5)  # no signature: a phone has none
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "困难群众证明" in text and "该证明真实有效" in text and "李*英" in text
    assert li["id_number"] not in text and li["name"] not in text
    assert cert.issued_at[:10] in text and cert.valid_until in text
    assert 'name="viewport"' in text and page.headers["cache-control"] == "no-store"
    # revoked by the issuing office
    c.sandbox("POST", f"/certificates/{cert.code}/revoke", {"reason": "认定已取消"})
    assert "该证明已撤销" in requests.get(page_url, timeout=5).text
    check = c.verify_certificate(cert.verify_url)  # what the kiosk's scanner reads
    assert check.revoked and not check.valid and check.revoked_at
    missing = requests.get(public.url + "/verify/0000-0000-0000-0000", timeout=5)
    assert missing.status_code == 404 and "没有查到这份证明" in missing.text
    junk = requests.get(public.url + "/verify/<script>", timeout=5)
    assert junk.status_code == 404 and "<script>" not in junk.text


def test_certificates_run_out(public):
    c = public.client(retries=0)
    token = c.login_id_card(WANG["name"], WANG["id_number"]).token
    cert = c.issue_certificate(token, "household")
    assert c.verify_certificate(cert.code.lower()).valid
    c.sandbox("POST", "/clock", {"offset_s": 91 * 86400})
    check = c.verify_certificate(f"验证码 {cert.code}")
    assert not check.valid and not check.revoked
    page = requests.get(public.url + "/verify/" + cert.code, timeout=5).text
    assert "该证明已超过有效期" in page
    assert rejected(c.verify_certificate, "not a code").code == "certificate_not_found"


# ----- 8. the OpenAPI document tells the truth -----


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> dict:
    from kiosk.backend.server import create_app

    return create_app(tmp_path_factory.mktemp("doc")).openapi()


def op(doc: dict, method: str, path: str) -> dict:
    return doc["paths"][path][method.lower()]


def required_headers(operation: dict) -> set[str]:
    return {
        p["name"].lower()
        for p in operation.get("parameters", [])
        if p["in"] == "header" and p.get("required")
    }


SIGNING = {"x-terminal-id", "x-timestamp", "x-nonce", "x-signature"}


def test_openapi_requires_the_headers_the_backend_requires(doc):
    assert required_headers(op(doc, "GET", "/v1/utilities/gas/accounts/{account}")) >= SIGNING
    records = required_headers(op(doc, "GET", "/v1/records/gjj"))
    assert SIGNING | {"x-resident-token"} <= records
    assert "idempotency-key" in required_headers(op(doc, "POST", "/v1/utilities/gas/orders"))
    nonce = next(
        p for p in op(doc, "GET", "/v1/catalog")["parameters"] if p["name"].lower() == "x-nonce"
    )
    assert nonce["schema"]["pattern"] == r"^[A-Za-z0-9_-]{16,64}$"
    # public: nothing required
    assert not required_headers(op(doc, "GET", "/verify/{code}"))
    assert not required_headers(op(doc, "GET", "/v1/certificates/{code}"))


def test_openapi_documents_every_4xx_and_one_error_shape(doc):
    for path, ops in doc["paths"].items():
        for method, operation in ops.items():
            codes = set(operation["responses"])
            assert {"413", "431", "500"} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if int(code) >= 400 and "json" in str(response.get("content")):
                    assert "#/components/schemas/Error" in json.dumps(response), (method, path)
    assert "HTTPValidationError" not in json.dumps(doc)
    assert "429" in op(doc, "POST", "/v1/identity/sms/verify")["responses"]
    assert "429" in op(doc, "GET", "/v1/complaints/{number}")["responses"]
    assert "409" in op(doc, "POST", "/v1/utilities/gas/orders")["responses"]
    assert "422" not in op(doc, "GET", "/v1/catalog")["responses"]  # it validates nothing
    assert "401" not in op(doc, "GET", "/v1/certificates/{code}")["responses"]  # public


def test_answers_seen_are_documented(fresh, doc):
    """The 4xx this test file provokes, checked against the document, operation by operation."""
    c = fresh.client(retries=0)
    seen: list[tuple[str, str, int]] = []
    sms = "/v1/identity/sms/verify"
    c.send_sms(PHONES[0])
    for _ in range(6):
        with pytest.raises(BackendRejected) as info:
            c.verify_sms(PHONES[0], "000000")
        seen.append(("POST", sms, info.value.status))
    with pytest.raises(BackendRejected) as info:
        c.gas_order("GO20261202abcdef0123")
    seen.append(("GET", "/v1/utilities/gas/orders/{order_id}", info.value.status))
    big = requests.post(fresh.url + "/v1/complaints", data=b"x" * 70_000, timeout=5)
    seen.append(("POST", "/v1/complaints", big.status_code))
    assert {s for _, _, s in seen} >= {401, 404, 413}
    for method, path, status in seen:
        assert str(status) in op(doc, method, path)["responses"], (method, path, status)


def test_405_says_what_is_allowed(fresh):
    r = requests.delete(fresh.url + "/v1/catalog", timeout=5)
    assert r.status_code == 405 and r.headers["Allow"] == "GET"
    assert r.json()["code"] == "http_405" and "不支持" in r.json()["message"]
