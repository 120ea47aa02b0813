"""Several backend processes behind one address share nothing but the database: idempotency,
nonces and attempt limits hold across them. ``kiosk sandbox --workers 2`` runs as its own process
(uvicorn's workers), on the data folder's SQLite file or, with KIOSK_TEST_DATABASE=postgres, on a
throwaway PostgreSQL cluster; requests go in parallel on fresh connections so both workers take
them."""

from __future__ import annotations

import json
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from kiosk.backend.auth import HEADER_TERMINAL, sign
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, Store, demo_residents
from tests.backend_fixtures import test_database
from tests.test_backend_security import free_port, signed_with_nonce, start_sandbox

WORKERS = 2
IC_ACCOUNT = "100200300"
ORDERS = "/v1/utilities/gas/orders"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """(url, store): a two-process backend and a connection of our own to its database."""
    data, port = tmp_path_factory.mktemp("scale") / "data", free_port()
    database = test_database()
    extra = ("--workers", str(WORKERS), *(("--database", database) if database else ()))
    proc = start_sandbox(data, port, *extra)
    store = Store(database or data / "backend.sqlite3", prepare=False)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        store.close()


def fresh_post(url: str, path: str, body: dict, key: str | None = None) -> requests.Response:
    """A signed POST on a connection of its own (so the kernel may hand it to either worker)."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", HEADER_TERMINAL: DEMO_TERMINAL_ID,
               **sign(DEMO_TERMINAL_SECRET, "POST", path, data)}  # fmt: skip
    if key:
        headers["Idempotency-Key"] = key
    with requests.Session() as s:
        return s.post(url + path, data=data, headers=headers, timeout=30)


def parallel(n: int, call) -> list:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: call(), range(n)))


def test_every_worker_is_a_process_of_its_own(fleet):
    url, store = fleet
    parallel(16, lambda: requests.get(url + "/openapi.json", timeout=30))
    boots = store.all("SELECT boot_id, pid FROM backend_boots")
    # the parent made the app once (to migrate and seed), then each worker made its own
    assert len({b["pid"] for b in boots}) >= WORKERS


def test_one_idempotency_key_makes_one_order_across_processes(fleet):
    url, store = fleet
    key = str(uuid.uuid4())
    before = store.one("SELECT COUNT(*) FROM orders")[0]
    order = {"account": IC_ACCOUNT, "amount": 50_00}
    answers = parallel(12, lambda: fresh_post(url, ORDERS, order, key))
    created = [a for a in answers if a.status_code == 201]
    assert created, [a.text for a in answers]
    assert {a.json()["order_id"] for a in created} == {created[0].json()["order_id"]}
    assert all(a.status_code in (201, 409) for a in answers), [a.status_code for a in answers]
    assert store.one("SELECT COUNT(*) FROM orders")[0] == before + 1


def test_a_nonce_is_accepted_once_across_processes(fleet):
    url, _ = fleet
    path = f"/v1/utilities/gas/accounts/{IC_ACCOUNT}"
    headers = signed_with_nonce("GET", path, uuid.uuid4().hex)  # the same request, replayed

    def replay() -> int:
        with requests.Session() as s:
            return s.get(url + path, headers=headers, timeout=30).status_code

    codes = parallel(10, replay)
    assert sorted(codes) == [200] + [401] * 9


def test_wrong_sms_codes_are_counted_once_each_across_processes(fleet):
    url, _ = fleet
    phone = demo_residents()[2]["phone"]
    sent = fresh_post(url, "/v1/identity/sms", {"phone": phone})
    assert sent.status_code == 200 and sent.json()["sent"], sent.text
    answers = parallel(
        12, lambda: fresh_post(url, "/v1/identity/sms/verify", {"phone": phone, "code": "000000"})
    )
    codes = sorted(a.json()["code"] for a in answers)
    # five wrong tries per code (SMS_MAX_TRIES), then the code is dead: never more, never fewer
    assert codes.count("code_wrong") == 5, codes
    assert codes.count("code_expired") == 7, codes


def test_the_parent_refuses_workers_with_open_mode(tmp_path):
    p = subprocess.run(
        ["kiosk", "sandbox", "--workers", "2", "--open", "--data", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert p.returncode == 2 and "--workers" in p.stderr
