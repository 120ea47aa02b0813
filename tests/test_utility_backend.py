"""Water, electricity and heating orders hold to the rules gas orders do (issue 10): a terminal
acts only on its own orders, and a payment after cancel or expiry is refunded, not lost."""

from __future__ import annotations

import uuid

import pytest

from kiosk.backend.client import BackendRejected

from .test_backend_security import add_terminal, fresh  # noqa: F401 - a backend of its own

WATER = "300100200"


def test_another_terminal_cannot_read_or_cancel_an_order(fresh):  # noqa: F811
    c = fresh.client(retries=0)
    order = c.create_utility_order("water", WATER, 10_00, str(uuid.uuid4()))
    other = add_terminal(fresh, "other-terminal", "other-secret-0123456789")
    for call in (other.utility_order, other.cancel_utility_order):
        with pytest.raises(BackendRejected) as err:
            call("water", order.order_id)
        assert err.value.status == 404
    assert c.utility_order("water", order.order_id).status.value == "created"


def test_a_payment_after_cancel_is_refunded_and_said(fresh):  # noqa: F811
    c = fresh.client(retries=0)
    due = c.utility_account("water", WATER).due
    order = c.create_utility_order("water", WATER, 20_00, str(uuid.uuid4()))
    assert c.cancel_utility_order("water", order.order_id).money_note == "订单已取消，没有扣款"
    c.sandbox("POST", f"/utility-orders/{order.order_id}/pay")  # paid anyway, too late
    c.sandbox("POST", f"/utility-orders/{order.order_id}/pay")  # and told twice
    late = c.utility_order("water", order.order_id)
    assert late.status.value == "cancelled" and late.late_paid_at and late.refunded_at
    assert "20.00元已自动原路退回" in late.money_note
    assert c.utility_account("water", WATER).due == due  # nothing booked to the bill
