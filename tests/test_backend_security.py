"""The reference backend and the client against a hostile or broken world (issue 10): attempt
limits, sessions, request limits, idempotency after a crash, redirects and URL tricks, late
payments, public certificate verification. Every test talks to a real backend over loopback."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import requests

from kiosk.backend.auth import HEADER_TERMINAL, sign
from kiosk.backend.client import BackendClient, BackendRejected
from kiosk.backend.demo import start_backend
from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, demo_residents

RESIDENTS = {r["name"]: r for r in demo_residents()}
WANG = RESIDENTS["王建国"]
PHONES = [r["phone"] for r in demo_residents()]
IC_ACCOUNT = "100200300"


@pytest.fixture()
def fresh(tmp_path):
    """A backend of its own: limits and clocks of one test never reach another."""
    running = start_backend(tmp_path / "data", pay_after_s=None)
    yield running
    running.stop()


def add_terminal(running, terminal_id: str, secret: str) -> BackendClient:
    db = sqlite3.connect(running.data_dir / "backend.sqlite3")
    db.execute("INSERT OR IGNORE INTO terminals VALUES (?,?,?)", (terminal_id, secret, "test"))
    db.commit()
    db.close()
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
