"""Gas top-up additions to the reference backend: the keyed card write token, and a terminal's
list of its own unfinished orders (what a kiosk rebuilds a damaged top-up journal from).

The token is an HMAC with the card key the backend holds (``KIOSK_CARD_KEY``; the demo key in
demo mode and tests), over the order's identity, account, amount and card sequence; the card's
secure element checks it (``kiosk.topup.token``).
"""

# no "from __future__ import annotations": FastAPI must see the dependency annotation itself
from fastapi import FastAPI

from kiosk.backend import api
from kiosk.topup.token import card_key, sign_write

UNFINISHED_STATUSES = ("created", "paid")  # unpaid, or paid and not yet on a card


def card_write_token(order_id: str, account: str, amount: int, sequence: int) -> str:
    return sign_write(card_key(), order_id, account, amount, sequence)


def add_topup_routes(app: FastAPI, backend, terminal_dep) -> None:
    from kiosk.backend.server import RESPONSES, order_model

    @app.get(
        "/v1/terminal/gas-orders",
        tags=["gas"],
        response_model=list[api.Order],
        responses={k: v for k, v in RESPONSES.items() if k in (401, 422, 500, 503)},
        description="The calling terminal's unfinished gas orders (created, or paid and not "
        "yet written to a card), oldest first. A kiosk whose top-up journal was damaged "
        "rebuilds its picture from this list.",
    )
    def terminal_gas_orders(terminal_id: terminal_dep) -> list[api.Order]:
        backend.expire_and_pay()
        marks = ",".join("?" for _ in UNFINISHED_STATUSES)
        rows = backend.store.all(
            f"SELECT * FROM orders WHERE terminal_id=? AND status IN ({marks}) ORDER BY created_at",
            terminal_id,
            *UNFINISHED_STATUSES,
        )
        return [order_model(r) for r in rows]
