"""The local top-up journal: SQLite (WAL, synchronous FULL) in the kiosk's data folder.

Each step is committed before the next outside action, and the idempotency key is created and
stored before the first request, so that after any crash the kiosk knows what it may have done
and can ask the backend, with the same key, what actually happened.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class State(StrEnum):
    CREATED = "created"  # key stored, order maybe not yet at the backend
    ORDERED = "ordered"  # the backend has the order (id known), waiting for payment
    PAID = "paid"  # paid; IC card: not yet written
    CARD_WRITTEN = "card_written"  # written to the card, backend not yet told
    CONFIRMED = "confirmed"  # backend knows: card written or account credited
    RECEIPTED = "receipted"  # and the receipt is printed: done
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    WRITE_PENDING = "write_pending"  # paid, not on the card: 待圈存 at the backend


UNFINISHED = {State.CREATED, State.ORDERED, State.PAID, State.CARD_WRITTEN}

SCHEMA = """
CREATE TABLE IF NOT EXISTS topups (
    key TEXT PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL, meter TEXT,
    state TEXT NOT NULL, order_id TEXT, sequence INTEGER, card_serial TEXT,
    note TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
"""


@dataclass
class Entry:
    key: str
    account: str
    amount: int
    meter: str | None
    state: State
    order_id: str | None
    sequence: int | None
    card_serial: str | None
    note: str | None
    created_at: float
    updated_at: float


class Journal:
    def __init__(self, path: Path, on_commit=None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.on_commit = on_commit  # test hook: called with the state just made durable

    def create(self, account: str, amount: int, meter: str | None) -> Entry:
        key = str(uuid.uuid4())
        now = time.time()
        with self._lock:
            self.db.execute(
                "INSERT INTO topups VALUES (?,?,?,?,?,NULL,NULL,NULL,NULL,?,?)",
                (key, account, amount, meter, State.CREATED.value, now, now),
            )
        self._committed(State.CREATED)
        return self.get(key)

    def advance(self, key: str, state: State, **fields) -> Entry:
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE topups SET state=?, updated_at=?{', ' + cols if cols else ''} WHERE key=?"
        with self._lock:
            self.db.execute(sql, (state.value, time.time(), *fields.values(), key))
        self._committed(state)
        return self.get(key)

    def get(self, key: str) -> Entry:
        with self._lock:
            row = self.db.execute("SELECT * FROM topups WHERE key=?", (key,)).fetchone()
        return _entry(row)

    def unfinished(self) -> list[Entry]:
        marks = ",".join("?" for _ in UNFINISHED)
        with self._lock:
            rows = self.db.execute(
                f"SELECT * FROM topups WHERE state IN ({marks}) ORDER BY created_at",
                [s.value for s in UNFINISHED],
            ).fetchall()
        return [_entry(r) for r in rows]

    def needing_attention(self) -> list[Entry]:
        """For the admin screen: unfinished, and paid-but-unwritten purchases."""
        states = [*(s.value for s in UNFINISHED), State.WRITE_PENDING.value]
        marks = ",".join("?" for _ in states)
        with self._lock:
            rows = self.db.execute(
                f"SELECT * FROM topups WHERE state IN ({marks}) ORDER BY created_at", states
            ).fetchall()
        return [_entry(r) for r in rows]

    def all(self) -> list[Entry]:
        with self._lock:
            rows = self.db.execute("SELECT * FROM topups ORDER BY created_at").fetchall()
        return [_entry(r) for r in rows]

    def _committed(self, state: State) -> None:
        if self.on_commit:
            self.on_commit(state)

    def close(self) -> None:
        with self._lock:
            self.db.close()


def _entry(row) -> Entry:
    d = dict(row)
    d["state"] = State(d["state"])
    return Entry(**d)
