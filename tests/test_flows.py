"""kiosk.flows and kiosk.payments without Qt: the registry's routes and a QR payment's steps,
driven by events (entries from a real top-up journal)."""

from __future__ import annotations

import pytest

from kiosk.catalog import DEMO_CATALOG, load_catalog
from kiosk.flows import FLOWS, GUIDE, FlowKind, flow_for, hot_matters, statement_period
from kiosk.payments import GasPayment, Step
from kiosk.session import Activity
from kiosk.topup.journal import Journal, State


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEMO_CATALOG)


@pytest.fixture()
def journal(tmp_path):
    return Journal(tmp_path / "topup.sqlite3")


def test_one_registry_routes_every_service(catalog):
    by_id = catalog.by_id()
    assert flow_for(by_id["gy-001"]).screen == "topup"
    assert flow_for(by_id["gy-002"]).screen == "rewrite"
    for mid, param in (("gy-005", "water"), ("gy-006", "power"), ("gy-007", "heating")):
        flow = flow_for(by_id[mid])
        assert (flow.kind, flow.screen, flow.param) == (FlowKind.UTILITY, "utility", param)
    assert flow_for(by_id["rx-002"]).kind is FlowKind.TRACK
    # services this backend does not offer, and matters without one: a guide, no action
    for mid in ("mi-003", "si-008", "mz-005", "gjj-011", "si-017", "jt-005"):
        assert flow_for(by_id[mid]) is GUIDE and not GUIDE.runs_here, mid
    assert flow_for(None) is GUIDE


def test_flows_that_need_a_resident_say_what_they_read():
    for service, flow in FLOWS.items():
        if flow.identify:
            assert flow.reads, service
        if flow.kind is FlowKind.CERTIFICATE:
            assert flow.prints, service


def test_hot_matters_never_hard_coded(catalog):
    hot = hot_matters(catalog, [], 6)
    assert len(hot) == 6 and len({m.category for m in hot}) == 6
    assert all(flow_for(m).runs_here for m in hot)
    assert hot_matters(catalog, ["gy-006"], 6)[0].id == "gy-006"
    assert hot_matters(catalog, ["does-not-exist"], 6) == []


def test_statement_period_from_the_rows_dates():
    class Row:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    rows = [Row(month="2026-10"), Row(month="2024-01"), Row(month="2025-05")]
    assert statement_period("gjj", rows) == "2024-01 至 2026-10"
    edu = [Row(kind="自考成绩", date="2025-04"), Row(kind="学历", date="2023-06")]
    assert statement_period("edu", edu) == "2023-06 至 2025-04"
    assert statement_period("si", []) == ""


def test_gas_payment_steps_paid_written(journal):
    pay = GasPayment()
    assert pay.confirm() and pay.step is Step.ORDERING
    assert not pay.confirm()  # a second tap while ordering orders nothing
    entry = journal.create("100200300", 50_00, "ic_card")
    entry = journal.advance(entry.key, State.ORDERED, order_id="GO20261202abcdef0123")
    pay.ordered(entry)
    assert pay.step is Step.PAYING and pay.activity is Activity.PAYING
    assert pay.polled(entry) is None  # still waiting
    paid = journal.advance(entry.key, State.PAID)
    assert pay.polled(paid) is Step.INSERT_CARD and pay.activity is Activity.PERSONAL
    assert pay.on_leave()  # paid, not written: leaving must settle (待圈存 with a note)
    assert pay.write() and not pay.write()  # one write per tap
    assert pay.activity is Activity.WRITING_CARD
    pay.write_failed()
    assert pay.step is Step.INSERT_CARD and pay.write()
    pay.written(journal.advance(entry.key, State.CONFIRMED))
    assert pay.step is Step.DONE and not pay.on_leave()
    assert pay.polled(paid) is None  # a late poll changes nothing


def test_gas_payment_cancel_beaten_by_payment_and_expiry(journal):
    pay = GasPayment()
    pay.confirm()
    entry = journal.create("100200302", 30_00, "remote")
    entry = journal.advance(entry.key, State.ORDERED, order_id="GO20261202abcdef0124")
    pay.ordered(entry)
    assert pay.cancel() and pay.step is Step.CANCELLING and not pay.cancel()
    assert pay.activity is Activity.PAYING  # idle still waits for the QR
    credited = journal.advance(entry.key, State.CONFIRMED)
    assert pay.polled(credited) is Step.DONE  # the payment beat the cancel: followed
    pay2 = GasPayment()
    pay2.confirm()
    e2 = journal.create("100200302", 30_00, "remote")
    e2 = journal.advance(e2.key, State.ORDERED, order_id="GO20261202abcdef0125")
    pay2.ordered(e2)
    assert pay2.polled(journal.advance(e2.key, State.EXPIRED)) is Step.EXPIRED
    assert not pay2.on_leave()
    assert pay2.confirm() and pay2.entry is None  # a new code: a new order


def test_gas_payment_failures(journal):
    pay = GasPayment()
    pay.confirm()
    assert pay.failed() is Step.CLOSED and not pay.on_leave()
    pay = GasPayment()
    pay.confirm()
    entry = journal.create("100200300", 50_00, "ic_card")
    pay.ordered(journal.advance(entry.key, State.ORDERED, order_id="GO20261202abcdef0126"))
    pay.cancel()
    assert pay.failed() is Step.PAYING  # the cancel did not get through: still payable
