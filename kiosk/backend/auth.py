"""Terminal request signing: HMAC-SHA256 over method, path, timestamp, nonce and body hash.

Each terminal has an id and a secret issued by the backend. The server accepts a request when its
timestamp is within ``MAX_SKEW_S`` of its own clock and its nonce has not been seen in that window,
so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

MAX_SKEW_S = 300
HEADER_TERMINAL = "X-Terminal-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signing_string(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """``path`` includes the query string exactly as sent."""
    return "\n".join([method.upper(), path, timestamp, nonce, body_hash(body)]).encode()


def sign(secret: str, method: str, path: str, body: bytes, now: float | None = None) -> dict:
    """Headers that authenticate one request (without the terminal id)."""
    ts = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(12)
    mac = hmac.new(secret.encode(), signing_string(method, path, ts, nonce, body), hashlib.sha256)
    return {HEADER_TIMESTAMP: ts, HEADER_NONCE: nonce, HEADER_SIGNATURE: mac.hexdigest()}


def verify(
    secret: str, method: str, path: str, body: bytes, timestamp: str, nonce: str, signature: str
) -> bool:
    mac = hmac.new(
        secret.encode(), signing_string(method, path, timestamp, nonce, body), hashlib.sha256
    )
    return hmac.compare_digest(mac.hexdigest(), signature)
