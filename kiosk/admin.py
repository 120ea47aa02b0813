"""The admin PIN: stored as a salted scrypt hash; five wrong tries lock it for five minutes.

The demo PIN 123456 opens the admin screen only in demo mode; a terminal without a PIN hash does
not start (kiosk.config.start_problems) and, should one be built anyway, its gate never opens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

DEMO_PIN = "123456"
MAX_TRIES = 5
LOCK_S = 300


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, salt_b64, digest_b64 = stored.split("$")
        salt = base64.b64decode(salt_b64)
    except ValueError:
        return False
    return hmac.compare_digest(hash_pin(pin, salt).split("$")[2], digest_b64)


class PinGate:
    """Counts wrong PINs; after MAX_TRIES the gate stays shut for LOCK_S seconds."""

    def __init__(
        self, stored_hash: str, clock: Callable[[], float] = time.monotonic, demo: bool = True
    ) -> None:
        self.stored = stored_hash or (hash_pin(DEMO_PIN) if demo else "")
        self.clock = clock
        self.wrong = 0
        self.locked_until = 0.0

    def locked_for(self) -> int:
        return max(0, int(self.locked_until - self.clock() + 0.999))

    def try_pin(self, pin: str) -> bool:
        if self.locked_for():
            return False
        if check_pin(pin, self.stored):
            self.wrong = 0
            return True
        self.wrong += 1
        if self.wrong >= MAX_TRIES:
            self.locked_until = self.clock() + LOCK_S
            self.wrong = 0
        return False


PIN_RE = re.compile(r"^\d{6,12}$")


def valid_new_pin(pin: str) -> str:
    """Why this PIN cannot be the admin PIN; empty when it can."""
    if not PIN_RE.match(pin):
        return "the PIN must be 6 to 12 digits (the admin keypad has digits only)"
    if pin == DEMO_PIN or len(set(pin)) == 1:
        return "choose a PIN other than the demo PIN or one digit repeated"
    return ""


def set_pin(config_file: Path, pin: str) -> str:
    """Hash ``pin`` into ``admin.pin_hash`` of ``config_file``; returns the hash written."""
    from kiosk.config import load_config, set_pin_hash

    problem = valid_new_pin(pin)
    if problem:
        raise ValueError(problem)
    stored = hash_pin(pin)
    set_pin_hash(config_file, stored)
    if load_config(config_file).admin_pin_hash != stored:  # the file says what we meant
        raise ValueError(f"{config_file}: admin.pin_hash was not written as expected")
    return stored
