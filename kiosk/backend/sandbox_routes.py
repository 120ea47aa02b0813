"""Sandbox-only calls of the reference backend: pay an order, inject faults, read the ledger.

They are not part of the gateway API (hidden from its OpenAPI document); a production backend
has none of them.
"""

from typing import Annotated

from fastapi import Body, FastAPI
from pydantic import BaseModel, Field

from kiosk.backend.faults import FaultMode, Rule


class FaultRequest(BaseModel):
    mode: FaultMode
    path_prefix: str
    method: str | None = None
    count: Annotated[int, Field(ge=1)] = 1
    delay_s: Annotated[float, Field(ge=0, le=60)] = 2.0


def add_sandbox_routes(app: FastAPI, backend, terminal_dep) -> None:
    from kiosk.backend.server import ApiError, order_model

    @app.post("/v1/sandbox/orders/{order_id}/pay", include_in_schema=False)
    def pay(order_id: str, _: terminal_dep):
        backend.expire_and_pay()
        row = backend.store.one("SELECT * FROM orders WHERE order_id=?", order_id)
        if row is None:
            raise ApiError(404, "order_not_found", "没有找到这笔订单")
        backend.pay(order_id)
        return order_model(backend.store.one("SELECT * FROM orders WHERE order_id=?", order_id))

    @app.post("/v1/sandbox/faults", include_in_schema=False)
    def add_fault(body: FaultRequest, _: terminal_dep):
        backend.faults.add(Rule(body.mode, body.path_prefix, body.method, body.count, body.delay_s))
        return {"ok": True}

    @app.delete("/v1/sandbox/faults", include_in_schema=False)
    def clear_faults(_: terminal_dep):
        backend.faults.clear()
        return {"ok": True}

    @app.get("/v1/sandbox/sms/{phone}", include_in_schema=False)
    def last_sms(phone: str, _: terminal_dep):
        row = backend.store.one("SELECT code FROM sms WHERE phone=?", phone)
        if row is None:
            raise ApiError(404, "no_sms", "没有发送过验证码")
        return {"code": row["code"]}

    @app.post("/v1/sandbox/clock", include_in_schema=False)
    def shift_clock(_: terminal_dep, offset_s: Annotated[float, Body(embed=True)]):
        backend.clock_offset = offset_s
        return {"offset_s": offset_s}

    @app.post("/v1/sandbox/certificates/{code}/revoke", include_in_schema=False)
    def revoke(code: str, _: terminal_dep, reason: Annotated[str, Body(embed=True)] = "撤销"):
        from kiosk.backend.server import _iso

        if not backend.store.revoke_certificate(code, reason[:100], _iso(backend.now())):
            raise ApiError(404, "certificate_not_found", "没有查到这份证明")
        return {"ok": True}

    @app.get("/v1/sandbox/ledger", include_in_schema=False)
    def ledger(_: terminal_dep):
        backend.expire_and_pay()
        return {
            "ledger": [dict(r) for r in backend.store.all("SELECT * FROM ledger ORDER BY id")],
            "orders": [dict(r) for r in backend.store.all("SELECT * FROM orders")],
            "accounts": [dict(r) for r in backend.store.all("SELECT * FROM gas_accounts")],
        }
