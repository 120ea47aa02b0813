"""The reference backend and the client, talking over loopback HTTP: every endpoint, auth failures,
the idempotency rules, injected faults and malformed replies."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid

import pytest
import requests

from kiosk.backend import api
from kiosk.backend.auth import HEADER_TERMINAL, sign
from kiosk.backend.client import (
    BackendClient,
    BackendInvalidResponse,
    BackendRejected,
    BackendUnavailable,
)
from kiosk.backend.demo import start_backend
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, demo_residents
from kiosk.catalog import DEMO_CATALOG
from tests.backend_fixtures import test_database

RESIDENTS = {r["name"]: r for r in demo_residents()}
WANG, LI, CHEN = RESIDENTS["王建国"], RESIDENTS["李秀英"], RESIDENTS["陈小明"]
IC_ACCOUNT, REMOTE_ACCOUNT = "100200300", "100200302"


def login(client, who=WANG):
    return client.login_id_card(who["name"], who["id_number"]).token


# ----- catalog -----


def test_catalog_etag_and_live_update(tmp_path):
    catalog = tmp_path / "catalog.json"
    shutil.copy(DEMO_CATALOG, catalog)
    running = start_backend(
        tmp_path / "data", catalog_path=catalog, pay_after_s=None, database=test_database()
    )
    try:
        c = running.client()
        data, etag = c.catalog()
        assert json.loads(data)["version"] == "2026.11.1" and etag
        assert c.catalog(etag) == (None, etag)  # 304
        doc = json.loads(data)
        doc["version"] = "2026.11.2"
        catalog.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        new, new_etag = c.catalog(etag)
        assert new_etag != etag and json.loads(new)["version"] == "2026.11.2"
    finally:
        running.stop()


# ----- identity -----


def test_id_card_login_masks_and_checks(client):
    s = client.login_id_card(WANG["name"], WANG["id_number"])
    assert s.name_masked == "王*国" and s.id_masked.startswith("410502") and "*" in s.id_masked
    assert WANG["id_number"] not in s.model_dump_json()
    bad = WANG["id_number"][:17] + ("0" if WANG["id_number"][17] != "0" else "1")
    with pytest.raises(BackendRejected) as info:
        client.login_id_card(WANG["name"], bad)
    assert info.value.code == "invalid_id_number" and "身份证" in info.value.message
    with pytest.raises(BackendRejected) as info:
        client.login_id_card("王小二", WANG["id_number"])
    assert info.value.status == 404


def test_sms_login(client):
    phone = "13800000003"
    assert client.send_sms(phone).sent
    assert not client.send_sms(phone).sent  # too soon to resend
    code = client.sandbox("GET", f"/sms/{phone}")["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(BackendRejected, match="验证码不正确"):
        client.verify_sms(phone, wrong)
    assert client.verify_sms(phone, code).name_masked == "张*"
    with pytest.raises(BackendRejected):  # a code works once
        client.verify_sms(phone, code)
    with pytest.raises(BackendRejected) as info:
        client.send_sms("13900000000")
    assert info.value.code == "phone_not_found"


def test_session_expires_ends_and_is_bound_to_its_terminal(client, backend):
    token = login(client)
    client.gjj_statement(token)
    # another terminal cannot use this resident's token
    backend_store_add_terminal(backend, "other-terminal", "other-secret")
    other = BackendClient(backend.url, "other-terminal", "other-secret")
    with pytest.raises(BackendRejected) as info:
        other.gjj_statement(token)
    assert info.value.code == "identity_expired"
    client.sandbox("POST", "/clock", {"offset_s": 601})
    with pytest.raises(BackendRejected, match="重新刷身份证"):
        client.gjj_statement(token)
    client.sandbox("POST", "/clock", {"offset_s": 0})
    token = login(client)
    client.end_session(token)
    with pytest.raises(BackendRejected):
        client.gjj_statement(token)


def backend_store_add_terminal(backend, terminal_id, secret):
    with backend.store.tx() as db:
        db.execute(
            "INSERT INTO terminals VALUES (?,?,?) ON CONFLICT (id) DO NOTHING",
            (terminal_id, secret, "test"),
        )


# ----- records -----


def test_gjj_statement_pages_and_range(client):
    token = login(client)
    first = client.gjj_statement(token, page_size=10)
    assert first.total == 34 and first.pages == 4 and len(first.rows) == 10
    assert first.rows[0].month > first.rows[-1].month  # newest first
    last = client.gjj_statement(token, page=4, page_size=10)
    assert len(last.rows) == 4
    year = client.gjj_statement(token, start="2025-01", to="2025-12", page_size=100)
    assert year.total == 12 and all(r.month.startswith("2025") for r in year.rows)
    assert first.total_deposit > 0 and "****" in first.account_masked
    with pytest.raises(BackendRejected) as info:
        client.gjj_statement(token, page=99)
    assert info.value.code == "page_out_of_range"


def test_si_and_education_records(client):
    si = client.si_statement(login(client), start="2026-01", page_size=100)
    assert si.months_paid == 10 and {r.insurance for r in si.rows} == {"养老", "医疗", "失业"}
    edu = client.education(login(client, CHEN))
    assert any(r.kind == "自考成绩" for r in edu.rows)
    with pytest.raises(BackendRejected) as info:
        client.gjj_statement(login(client, LI))  # no fund account
    assert info.value.code == "no_record" and "公积金" in info.value.message


def test_records_need_identity(client):
    with pytest.raises(BackendRejected) as info:
        client.gjj_statement("not-a-token")
    assert info.value.status == 401


# ----- certificates -----


def test_certificates_issue_and_verify(client):
    cert = client.issue_certificate(login(client, LI), api.CertificateKind.HARDSHIP)
    assert cert.title == "困难群众证明" and LI["id_number"] in cert.body
    assert "最低生活保障" in cert.body
    assert cert.verify_url.endswith(cert.code)
    check = client.check_certificate(cert.code)
    assert check.valid and check.kind is api.CertificateKind.HARDSHIP
    assert check.name_masked == "李*英" and LI["id_number"] not in check.model_dump_json()
    for kind in (
        api.CertificateKind.HOUSEHOLD,
        api.CertificateKind.GJJ_DEPOSIT,
        api.CertificateKind.SI_PAYMENT,
    ):
        assert client.issue_certificate(login(client), kind).fields
    with pytest.raises(BackendRejected) as info:
        client.issue_certificate(login(client), api.CertificateKind.HARDSHIP)
    assert info.value.code == "not_eligible"
    with pytest.raises(BackendRejected) as info:
        client.check_certificate("0000-0000-0000-0000")
    assert info.value.status == 404


# ----- gas -----


def test_gas_account_and_ic_card_purchase(client):
    acct = client.gas_account(IC_ACCOUNT)
    assert acct.holder_masked == "王*国" and acct.address_masked.endswith("****")
    assert acct.meter_type is api.MeterType.IC_CARD
    order = client.create_gas_order(IC_ACCOUNT, 50_00, str(uuid.uuid4()))
    assert order.status is api.OrderStatus.CREATED and order.pay_qr
    with pytest.raises(BackendRejected) as info:
        client.card_token(order.order_id)  # not paid yet
    assert info.value.code == "not_writable"
    client.sandbox("POST", f"/orders/{order.order_id}/pay")
    assert client.gas_account(IC_ACCOUNT).pending_writes == 1
    assert [o.order_id for o in client.pending_writes(IC_ACCOUNT)] == [order.order_id]
    token = client.card_token(order.order_id)
    with pytest.raises(BackendRejected) as info:
        client.confirm_card_written(order.order_id, "C1", token.sequence + 5)
    assert info.value.code == "sequence_mismatch"
    done = client.confirm_card_written(order.order_id, "C1", token.sequence)
    assert done.status is api.OrderStatus.WRITTEN
    again = client.confirm_card_written(order.order_id, "C1", token.sequence)  # repeat: same
    assert again.status is api.OrderStatus.WRITTEN
    after = client.gas_account(IC_ACCOUNT)
    assert after.balance == acct.balance + 50_00 and after.pending_writes == 0
    with pytest.raises(BackendRejected):
        client.cancel_gas_order(order.order_id)


def test_remote_meter_is_credited_on_payment(client):
    before = client.gas_account(REMOTE_ACCOUNT).balance
    order = client.create_gas_order(REMOTE_ACCOUNT, 30_00, str(uuid.uuid4()))
    client.sandbox("POST", f"/orders/{order.order_id}/pay")
    assert client.gas_order(order.order_id).status is api.OrderStatus.CREDITED
    assert client.gas_account(REMOTE_ACCOUNT).balance == before + 30_00
    with pytest.raises(BackendRejected) as info:
        client.card_token(order.order_id)
    assert info.value.code == "not_ic_card"


def test_cancel_and_expiry(client):
    order = client.create_gas_order(IC_ACCOUNT, 20_00, str(uuid.uuid4()))
    assert client.cancel_gas_order(order.order_id).status is api.OrderStatus.CANCELLED
    assert client.cancel_gas_order(order.order_id).status is api.OrderStatus.CANCELLED
    late = client.create_gas_order(IC_ACCOUNT, 20_00, str(uuid.uuid4()))
    client.sandbox("POST", "/clock", {"offset_s": 301})
    assert client.gas_order(late.order_id).status is api.OrderStatus.EXPIRED
    client.sandbox("POST", f"/orders/{late.order_id}/pay")  # too late: given straight back
    after = client.gas_order(late.order_id)
    assert after.status is api.OrderStatus.EXPIRED and after.refunded_at


def test_amount_limits_and_unknown_account(client):
    with pytest.raises(BackendRejected) as info:
        client.create_gas_order(IC_ACCOUNT, 5_00, str(uuid.uuid4()))
    assert info.value.code == "amount_out_of_range" and "元" in info.value.message
    with pytest.raises(BackendRejected) as info:
        client.gas_account("999999999")
    assert info.value.code == "account_not_found"


# ----- idempotency -----


def raw_post(backend, path, body: dict, key: str | None):
    data = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER_TERMINAL: DEMO_TERMINAL_ID,
        **sign(DEMO_TERMINAL_SECRET, "POST", path, data),
    }
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(backend.url + path, data=data, headers=headers, timeout=10)


def test_idempotency_rules(backend, client):
    path = "/v1/utilities/gas/orders"
    body = {"account": IC_ACCOUNT, "amount": 40_00}
    missing = raw_post(backend, path, body, None)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"
    key = str(uuid.uuid4())
    first = raw_post(backend, path, body, key)
    assert first.status_code == 201
    replay = raw_post(backend, path, body, key)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    other = raw_post(backend, path, {**body, "amount": 41_00}, key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # a refusal is stored too: the same request gets the same refusal
    key2 = str(uuid.uuid4())
    small = {"account": IC_ACCOUNT, "amount": 1}
    assert raw_post(backend, path, small, key2).status_code == 422
    assert raw_post(backend, path, small, key2).json()["code"] == "amount_out_of_range"


def test_same_key_in_flight_is_409(backend, client):
    client.sandbox(
        "POST",
        "/faults",
        {"mode": "slow", "path_prefix": "/v1/utilities/gas/orders", "delay_s": 1.0},
    )
    key = str(uuid.uuid4())
    body = {"account": IC_ACCOUNT, "amount": 60_00}
    results = {}
    t = threading.Thread(
        target=lambda: results.update(
            first=raw_post(backend, "/v1/utilities/gas/orders", body, key)
        )
    )
    t.start()
    time.sleep(0.4)
    second = raw_post(backend, "/v1/utilities/gas/orders", body, key)
    t.join()
    assert second.status_code == 409 and second.json()["code"] == "request_in_progress"
    assert results["first"].status_code == 201


# ----- auth -----


def signed(method, path, body=b"", *, secret=DEMO_TERMINAL_SECRET, now=None, terminal=None):
    headers = {
        HEADER_TERMINAL: terminal or DEMO_TERMINAL_ID,
        **sign(secret, method, path, body, now=now),
    }
    return headers


def test_auth_failures(backend):
    url = backend.url + "/v1/utilities/gas/accounts/" + IC_ACCOUNT
    path = "/v1/utilities/gas/accounts/" + IC_ACCOUNT
    assert requests.get(url, timeout=5).json()["code"] == "unauthenticated"
    bad = requests.get(url, headers=signed("GET", path, secret="wrong"), timeout=5)
    assert bad.status_code == 401 and bad.json()["code"] == "bad_signature"
    old = requests.get(url, headers=signed("GET", path, now=time.time() - 3600), timeout=5)
    assert old.json()["code"] == "clock_skew"
    stranger = requests.get(url, headers=signed("GET", path, terminal="nobody"), timeout=5)
    assert stranger.json() == bad.json()  # which terminal ids exist is not told
    headers = signed("GET", path)
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    replay = requests.get(url, headers=headers, timeout=5)
    assert replay.status_code == 401 and replay.json()["code"] == "replayed"
    tampered = signed("GET", path)
    other = backend.url + "/v1/utilities/gas/accounts/100200301"
    assert requests.get(other, headers=tampered, timeout=5).json()["code"] == "bad_signature"
    assert "终端" in bad.json()["message"]


# ----- faults -----


def fault(client, mode, prefix, count=1, delay_s=1.0, method=None):
    client.sandbox(
        "POST",
        "/faults",
        {"mode": mode, "path_prefix": prefix, "count": count, "delay_s": delay_s, "method": method},
    )


def orders_for(client, account):
    return [o for o in client.sandbox("GET", "/ledger")["orders"] if o["account"] == account]


def test_get_retries_through_drops_and_500s(client):
    fault(client, "drop_request", "/v1/utilities/gas/accounts")
    assert client.gas_account(IC_ACCOUNT).account == IC_ACCOUNT
    fault(client, "error", "/v1/utilities/gas/accounts", count=2)
    assert client.gas_account(IC_ACCOUNT).account == IC_ACCOUNT


def test_lost_response_on_order_create_never_doubles(client):
    account = "100200304"
    before = len(orders_for(client, account))
    fault(client, "drop_response", "/v1/utilities/gas/orders", method="POST")
    order = client.create_gas_order(account, 25_00, str(uuid.uuid4()))
    mine = orders_for(client, account)
    assert len(mine) == before + 1 and mine[-1]["order_id"] == order.order_id
    fault(client, "error_after", "/v1/utilities/gas/orders", method="POST")
    client.create_gas_order(account, 25_00, str(uuid.uuid4()))
    assert len(orders_for(client, account)) == before + 2


def test_unavailable_after_retries(backend):
    c = backend.client(read_timeout=0.3, retries=1, backoff_s=0.01)
    fault(c, "drop_request", "/v1/utilities/gas/accounts", count=2, delay_s=0.6)
    with pytest.raises(BackendUnavailable) as info:
        c.gas_account(IC_ACCOUNT)
    assert "网络" in info.value.message
    c.sandbox("DELETE", "/faults")
    down = BackendClient(
        "http://127.0.0.1:9", DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, retries=1, backoff_s=0.01
    )
    with pytest.raises(BackendUnavailable):
        down.gas_account(IC_ACCOUNT)


def test_posts_without_key_are_not_retried(client):
    fault(client, "error", "/v1/complaints")
    with pytest.raises(BackendUnavailable):
        client.complain("路灯坏了")
    assert client.complain("路灯坏了").number.startswith("12345")


@pytest.mark.parametrize("mode", ["garble", "wrong_shape"])
def test_malformed_replies(client, mode):
    fault(client, mode, "/v1/utilities/gas/accounts")
    with pytest.raises(BackendInvalidResponse) as info:
        client.gas_account(IC_ACCOUNT)
    assert "系统返回的信息有误" in info.value.message


# ----- feedback and terminal -----


def test_complaint_evaluation_heartbeat(client):
    receipt = client.complain("小区门口路灯坏了一个月", category="市政", phone="13800000002")
    progress = client.complaint_progress(receipt.number, receipt.verify_code)
    assert progress.status == "已受理"
    client.sandbox("POST", "/clock", {"offset_s": 700})
    assert client.complaint_progress(receipt.number, receipt.verify_code).status == "已办结"
    wrong = f"{(int(receipt.verify_code) + 1) % 10**6:06d}"
    with pytest.raises(BackendRejected):
        client.complaint_progress(receipt.number, wrong)
    assert client.evaluate(receipt.number, api.EvaluationLevel.SATISFIED).evaluation_id
    ack = client.heartbeat("0.1.0", "2026.11.1", "ok", "low")
    assert ack.catalog_version == "2026.11.1"


def test_client_logs_no_personal_data(client, caplog):
    caplog.set_level(logging.DEBUG)
    s = client.login_id_card(WANG["name"], WANG["id_number"])
    client.gjj_statement(s.token)
    fault(client, "error", "/v1/records", count=1)
    client.gjj_statement(s.token)
    text = caplog.text
    assert caplog.records
    for secret in (WANG["id_number"], WANG["name"], s.token):
        assert secret not in text


def test_client_requires_tls_off_loopback():
    for url in ("http://10.0.0.5:8750", "http://kiosk-gw.example.gov.cn", "ftp://127.0.0.1"):
        with pytest.raises(ValueError, match="https"):
            BackendClient(url, "t", "s")
    BackendClient("https://kiosk-gw.example.gov.cn", "t", "s")
    BackendClient("http://localhost:8750", "t", "s")
