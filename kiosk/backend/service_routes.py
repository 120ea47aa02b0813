"""Reference-backend services beyond identity, records and gas: water, electricity and heating
bills (paid by QR, no card), 办件编号 handed out when a service ends (for 好差评), and 求助
requests from a terminal.

Registered from ``create_app`` next to the sandbox routes; the tables live in the same SQLite
store, created here. Utility orders follow the gas orders' rules: an Idempotency-Key on create
(a retry never makes a second order), lazy expiry, demo mode pays after ``pay_after_s``.
"""

# No `from __future__ import annotations` here: FastAPI must see the terminal dependency (a local
# of create_app, passed in) as a real type, not a string it cannot resolve.

import hashlib
import json
import secrets
from datetime import datetime
from typing import Annotated

from fastapi import FastAPI, Header
from fastapi import Path as PathParam

from kiosk.backend import api
from kiosk.privacy import mask_address, mask_name

NOT_FOUND = {
    "water": "没有找到这个水费户号，请核对水费单上的户号",
    "power": "没有找到这个电费户号，请核对电费单上的户号",
    "heating": "没有找到这个供暖户号，请核对供暖缴费单上的户号",
}

Kind = Annotated[api.UtilityKind, PathParam()]
AccountNo = Annotated[str, PathParam(pattern=r"^\d{6,20}$")]
UtilityOrderNo = Annotated[str, PathParam(pattern=r"^U[WPH]\d{8}[0-9a-f]{10}$")]


def add_service_routes(app: FastAPI, backend, terminal_dep) -> None:
    from kiosk.backend.server import CST, ORDER_TTL_S, ApiError, _iso, money_note

    store = backend.store  # tables: schema.py; demo accounts: store.DEMO_UTILITIES

    def settle_lazily() -> None:
        """As for gas: unpaid orders past their time expire; demo mode pays the rest."""
        now = backend.now()
        with store.tx() as db:
            db.execute(
                "UPDATE utility_orders SET status='expired' WHERE status='created' "
                "AND expires_at<?",
                (now,),
            )
            if backend.pay_after_s is not None:
                due = db.execute(
                    "SELECT order_id FROM utility_orders WHERE status='created' AND created_at<=?",
                    (now - backend.pay_after_s,),
                ).fetchall()
                for row in due:
                    pay(db, row["order_id"], now)

    def pay(db, order_id: str, now: float) -> None:
        order = db.execute("SELECT * FROM utility_orders WHERE order_id=?", (order_id,)).fetchone()
        if order is None:
            return
        if order["status"] in ("cancelled", "expired"):
            # paid after the order ended (as for gas): the money goes back at once, once
            db.execute(
                "UPDATE utility_orders SET late_paid_at=?, refunded_at=? "
                "WHERE order_id=? AND late_paid_at IS NULL",
                (now, now, order_id),
            )
            return
        if order["status"] != "created":
            return
        db.execute(
            "UPDATE utility_orders SET status='credited', paid_at=? WHERE order_id=?",
            (now, order_id),
        )
        db.execute(
            "UPDATE utility_accounts SET due=MAX(due-?, 0) WHERE kind=? AND account=?",
            (order["amount"], order["kind"], order["account"]),
        )

    def model(row) -> api.UtilityOrder:
        return api.UtilityOrder(
            order_id=row["order_id"],
            kind=api.UtilityKind(row["kind"]),
            account=row["account"],
            amount=row["amount"],
            status=api.OrderStatus(row["status"]),
            pay_qr=f"https://pay.example.gov.cn/{row['kind']}/{row['order_id']}",
            created_at=_iso(row["created_at"]),
            expires_at=_iso(row["expires_at"]),
            paid_at=_iso(row["paid_at"]) if row["paid_at"] else None,
            late_paid_at=_iso(row["late_paid_at"]) if row["late_paid_at"] else None,
            refunded_at=_iso(row["refunded_at"]) if row["refunded_at"] else None,
            money_note=money_note(row),
        )

    def account_row(kind: api.UtilityKind, account: str):
        row = store.one(
            "SELECT * FROM utility_accounts WHERE kind=? AND account=?", kind.value, account
        )
        if row is None:
            raise ApiError(404, "account_not_found", NOT_FOUND[kind.value])
        return row

    def order_row(kind: api.UtilityKind, order_id: str, terminal_id: str):
        """Only the terminal that made an order reads or cancels it (another's: not found)."""
        settle_lazily()
        row = store.one(
            "SELECT * FROM utility_orders WHERE order_id=? AND kind=? AND terminal_id=?",
            order_id,
            kind.value,
            terminal_id,
        )
        if row is None:
            raise ApiError(404, "order_not_found", "没有找到这笔订单")
        return row

    @app.get(
        "/v1/utilities/{kind}/accounts/{account}",
        tags=["utilities"],
        response_model=api.UtilityAccount,
    )
    def utility_account(kind: Kind, account: AccountNo, _: terminal_dep) -> api.UtilityAccount:
        row = account_row(kind, account)
        return api.UtilityAccount(
            kind=kind,
            account=account,
            holder_masked=mask_name(row["holder"]),
            address_masked=mask_address(row["address"]),
            due=row["due"],
            min_amount=row["min_amount"],
            max_amount=row["max_amount"],
        )

    @app.post(
        "/v1/utilities/{kind}/orders",
        tags=["utilities"],
        response_model=api.UtilityOrder,
        status_code=201,
        description="Requires an Idempotency-Key header: the same key gives the same order.",
    )
    def utility_order(
        kind: Kind,
        body: api.UtilityOrderCreate,
        terminal_id: terminal_dep,
        idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
    ) -> api.UtilityOrder:
        if not idempotency_key:
            raise ApiError(
                400, "idempotency_key_missing", "系统错误，请重新操作", "Idempotency-Key required"
            )
        row = account_row(kind, body.account)
        if not row["min_amount"] <= body.amount <= row["max_amount"]:
            raise ApiError(
                422,
                "amount_out_of_range",
                f"缴费金额需在{row['min_amount'] // 100}元到{row['max_amount'] // 100}元之间",
            )
        digest = hashlib.sha256(
            json.dumps([kind.value, body.account, body.amount]).encode()
        ).hexdigest()
        now = backend.now()
        prefix = {"water": "UW", "power": "UP", "heating": "UH"}[kind.value]
        with store.tx() as db:
            seen = db.execute(
                "SELECT * FROM utility_keys WHERE terminal_id=? AND key=?",
                (terminal_id, idempotency_key),
            ).fetchone()
            if seen is not None:
                if seen["request_hash"] != digest:
                    raise ApiError(422, "idempotency_key_reused", "系统错误，请重新操作")
                order_id = seen["order_id"]
            else:
                order_id = (
                    prefix
                    + datetime.fromtimestamp(now, CST).strftime("%Y%m%d")
                    + secrets.token_hex(5)
                )
                db.execute(
                    "INSERT INTO utility_orders (order_id, terminal_id, kind, account, amount,"
                    " status, created_at, expires_at, paid_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        order_id,
                        terminal_id,
                        kind.value,
                        body.account,
                        body.amount,
                        "created",
                        now,
                        now + ORDER_TTL_S,
                        None,
                    ),
                )
                db.execute(
                    "INSERT INTO utility_keys VALUES (?,?,?,?)",
                    (terminal_id, idempotency_key, digest, order_id),
                )
        return model(store.one("SELECT * FROM utility_orders WHERE order_id=?", order_id))

    @app.get(
        "/v1/utilities/{kind}/orders/{order_id}",
        tags=["utilities"],
        response_model=api.UtilityOrder,
    )
    def get_utility_order(kind: Kind, order_id: UtilityOrderNo, terminal_id: terminal_dep):
        return model(order_row(kind, order_id, terminal_id))

    @app.post(
        "/v1/utilities/{kind}/orders/{order_id}/cancel",
        tags=["utilities"],
        response_model=api.UtilityOrder,
    )
    def cancel_utility_order(kind: Kind, order_id: UtilityOrderNo, terminal_id: terminal_dep):
        row = order_row(kind, order_id, terminal_id)
        if row["status"] in ("cancelled", "expired"):
            return model(row)
        if row["status"] != "created":
            raise ApiError(409, "already_paid", "这笔订单已经付款，不能取消")
        with store.tx() as db:
            db.execute(
                "UPDATE utility_orders SET status='cancelled' WHERE order_id=? "
                "AND status='created'",
                (order_id,),
            )
        return model(order_row(kind, order_id, terminal_id))

    # ----- 办件编号 and 求助 -----

    @app.post("/v1/cases", tags=["feedback"], response_model=api.CaseNumber, status_code=201)
    def new_case(body: api.CaseCreate, terminal_id: terminal_dep) -> api.CaseNumber:
        now = backend.now()
        day = datetime.fromtimestamp(now, CST).strftime("%Y%m%d")
        number = "ZW" + day + f"{secrets.randbelow(10**8):08d}"
        with store.tx() as db:
            db.execute(
                "INSERT INTO cases VALUES (?,?,?,?,?)",
                (number, terminal_id, body.service, body.matter_id, _iso(now)),
            )
        return api.CaseNumber(case_number=number)

    @app.post("/v1/help", tags=["terminal"], response_model=api.HelpAck, status_code=201)
    def ask_help(body: api.HelpRequest, terminal_id: terminal_dep) -> api.HelpAck:
        rid = "HR" + secrets.token_hex(6).upper()
        at = _iso(backend.now())
        with store.tx() as db:
            db.execute(
                "INSERT INTO help_requests VALUES (?,?,?,?)", (rid, terminal_id, body.screen, at)
            )
        return api.HelpAck(request_id=rid, received_at=at)

    # ----- sandbox only -----

    @app.post("/v1/sandbox/utility-orders/{order_id}/pay", include_in_schema=False)
    def sandbox_pay(order_id: str, _: terminal_dep):
        settle_lazily()
        with store.tx() as db:
            pay(db, order_id, backend.now())
        row = store.one("SELECT * FROM utility_orders WHERE order_id=?", order_id)
        if row is None:
            raise ApiError(404, "order_not_found", "没有找到这笔订单")
        return model(row)

    @app.get("/v1/sandbox/help", include_in_schema=False)
    def sandbox_help(_: terminal_dep):
        return {"requests": [dict(r) for r in store.all("SELECT * FROM help_requests")]}
