"""The card write token: an HMAC the gas company's backend makes with its card key and the card
(its secure element; here the simulated card) checks before it takes a purchase.

It binds the order's identity to the write, not only the purchase counter, so a token cannot be
forged without the key, replayed for another order, or stretched to another amount or account.
"""

from __future__ import annotations

import hashlib
import hmac
import os

# Demo and tests only, like the demo terminal secret: a real backend holds the gas company's key
# (KIOSK_CARD_KEY in its environment) and the kiosk never does.
DEMO_CARD_KEY = "demo-card-key-change-me"
TOKEN_HEX = 32  # 128 bits of the HMAC-SHA256


def card_key() -> bytes:
    return (os.environ.get("KIOSK_CARD_KEY") or DEMO_CARD_KEY).encode()


def _message(order_id: str, account: str, amount: int, sequence: int) -> bytes:
    return f"gas-card-write/v2|{order_id}|{account}|{amount}|{sequence}".encode()


def sign_write(key: bytes, order_id: str, account: str, amount: int, sequence: int) -> str:
    mac = hmac.new(key, _message(order_id, account, amount, sequence), hashlib.sha256)
    return mac.hexdigest()[:TOKEN_HEX]


def verify_write(
    key: bytes, token: str, order_id: str, account: str, amount: int, sequence: int
) -> bool:
    expected = sign_write(key, order_id, account, amount, sequence)
    return hmac.compare_digest(expected, token or "")
