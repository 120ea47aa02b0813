"""The local top-up journal: SQLite (WAL, synchronous FULL) in the kiosk's data folder.

Each step is committed before the next outside action, and the idempotency key is created and
stored before the first request, so that after any crash the kiosk knows what it may have done
and can ask the backend, with the same key, what actually happened.

A journal that cannot be read (not a database, a failed integrity check, a row that makes no
sense, a WAL whose header was wiped) is never half-trusted: it is moved aside, a fresh one is
opened with a note of the damage (``damage``), and top-up stays off until the backend's list of
this terminal's unfinished orders has rebuilt the picture (``rebuilt``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)


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
FINAL = {State.CONFIRMED, State.RECEIPTED, State.CANCELLED, State.EXPIRED}
WAL_MAGIC = (0x377F0682, 0x377F0683)  # the first 4 bytes of a valid WAL file, big-endian

SCHEMA = """
CREATE TABLE IF NOT EXISTS topups (
    key TEXT PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL, meter TEXT,
    state TEXT NOT NULL, order_id TEXT, sequence INTEGER, card_serial TEXT,
    note TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, attention TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
COLUMNS = (
    "key, account, amount, meter, state, order_id, sequence, card_serial, note, "
    "created_at, updated_at, attention"
)


class JournalDamaged(Exception):
    pass


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
    attention: str | None = None  # why a person should look (the backend refused it ...)


class Journal:
    def __init__(self, path: Path, on_commit=None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.on_commit = on_commit  # test hook: called with the state just made durable
        self.durable = True
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _check_wal(path)
            self.db = _open(path)
            self._check()
        except (sqlite3.DatabaseError, JournalDamaged, ValueError, TypeError, OSError) as exc:
            self._recover(exc)

    # ----- damage -----

    def _check(self) -> None:
        verdict = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise JournalDamaged(f"quick_check: {verdict}")
        for row in self.db.execute(f"SELECT {COLUMNS} FROM topups"):
            e = _entry(row)
            if not (isinstance(e.amount, int) and e.key and e.account):
                raise JournalDamaged(f"row {e.key!r} is incomplete")

    def _recover(self, exc: BaseException) -> None:
        """Move the unreadable journal aside, start a fresh one that remembers the damage."""
        reason = f"{type(exc).__name__}: {exc}"[:300]
        log.error("top-up journal %s cannot be read (%s): moving it aside", self.path, reason)
        with_db = getattr(self, "db", None)
        if with_db is not None:
            with_db.close()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.replace(Path(str(aside) + suffix))
            self.db = _open(self.path)
        except (OSError, sqlite3.Error) as again:
            # not even a fresh file: keep top-up off for this run, everything else goes on
            log.error("no durable top-up journal possible: %s", again)
            self.durable = False
            self.db = _open(Path(":memory:"))
        note = {"at": time.time(), "reason": reason, "moved_to": str(aside)}
        self.set_meta("damage", json.dumps(note, ensure_ascii=False))

    @property
    def damage(self) -> dict | None:
        """What was found and where the damaged file went; None if the journal never was."""
        raw = self.get_meta("damage")
        return json.loads(raw) if raw else None

    @property
    def rebuilt(self) -> bool:
        return self.get_meta("rebuilt_at") is not None

    def mark_rebuilt(self) -> None:
        self.set_meta("rebuilt_at", str(time.time()))

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # ----- entries -----

    def create(self, account: str, amount: int, meter: str | None) -> Entry:
        key = str(uuid.uuid4())
        now = time.time()
        with self._lock:
            self.db.execute(
                f"INSERT INTO topups ({COLUMNS}) VALUES (?,?,?,?,?,NULL,NULL,NULL,NULL,?,?,NULL)",
                (key, account, amount, meter, State.CREATED.value, now, now),
            )
        self._committed(State.CREATED)
        return self.get(key)

    def adopt(self, order_id: str, account: str, amount: int, meter: str, state: State) -> Entry:
        """An order the backend knows of and this journal lost (rebuilt after damage)."""
        key = f"rebuilt-{order_id}"
        now = time.time()
        with self._lock:
            self.db.execute(
                f"INSERT OR IGNORE INTO topups ({COLUMNS}) "
                "VALUES (?,?,?,?,?,?,NULL,NULL,?,?,?,NULL)",
                (key, account, amount, meter, state.value, order_id, "rebuilt", now, now),
            )
        return self.get(key)

    def advance(self, key: str, state: State, **fields) -> Entry:
        """Move an entry on; a move clears its attention mark unless one is given."""
        fields.setdefault("attention", None)
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE topups SET state=?, updated_at=?, {cols} WHERE key=?"
        with self._lock:
            self.db.execute(sql, (state.value, time.time(), *fields.values(), key))
        self._committed(state)
        entry = self.get(key)
        # every move at INFO: a settled top-up leaves a trace (account and order, no person)
        log.info(
            "top-up %s order %s account %s %d fen: %s%s",
            key[:8],
            entry.order_id or "-",
            entry.account,
            entry.amount,
            state.value,
            f" ({fields['note']})" if fields.get("note") else "",
        )
        return entry

    def mark_attention(self, key: str, why: str) -> Entry:
        """Keep the state, note why a person should look; the next reconciliation tries again."""
        with self._lock:
            self.db.execute(
                "UPDATE topups SET attention=?, updated_at=? WHERE key=?", (why, time.time(), key)
            )
        return self.get(key)

    def get(self, key: str) -> Entry:
        with self._lock:
            row = self.db.execute(f"SELECT {COLUMNS} FROM topups WHERE key=?", (key,)).fetchone()
        return _entry(row)

    def by_order(self, order_id: str) -> list[Entry]:
        return self._select("order_id=?", [order_id])

    def unfinished(self) -> list[Entry]:
        return self._select_states(UNFINISHED)

    def to_reconcile(self) -> list[Entry]:
        """Unfinished, and 待圈存 (it may have been written at another terminal since)."""
        return self._select_states({*UNFINISHED, State.WRITE_PENDING})

    def needing_attention(self) -> list[Entry]:
        """For the admin screen: unfinished, paid-but-unwritten, and anything marked."""
        states = [*(s.value for s in UNFINISHED), State.WRITE_PENDING.value]
        marks = ",".join("?" for _ in states)
        return self._select(f"state IN ({marks}) OR attention IS NOT NULL", states)

    def all(self) -> list[Entry]:
        return self._select("1", [])

    def _select_states(self, states: set[State]) -> list[Entry]:
        marks = ",".join("?" for _ in states)
        return self._select(f"state IN ({marks})", [s.value for s in states])

    def _select(self, where: str, args: list) -> list[Entry]:
        with self._lock:
            rows = self.db.execute(
                f"SELECT {COLUMNS} FROM topups WHERE {where} ORDER BY created_at", args
            ).fetchall()
        return [_entry(r) for r in rows]

    def _committed(self, state: State) -> None:
        if self.on_commit:
            self.on_commit(state)

    def close(self) -> None:
        with self._lock:
            self.db.close()


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(SCHEMA)
    have = {r[1] for r in db.execute("PRAGMA table_info(topups)")}
    if "attention" not in have:  # a journal from before the attention mark
        db.execute("ALTER TABLE topups ADD COLUMN attention TEXT")
    return db


def _check_wal(path: Path) -> None:
    """A WAL with content but no valid header was wiped: SQLite would silently drop what it held
    (the last commits), so it is damage, not an empty log."""
    wal = Path(str(path) + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return
    with open(wal, "rb") as f:
        head = f.read(4)
    if len(head) < 4 or int.from_bytes(head, "big") not in WAL_MAGIC:
        raise JournalDamaged(f"WAL {wal.name} has no valid header ({wal.stat().st_size} bytes)")


def _entry(row) -> Entry:
    d = dict(row)
    d["state"] = State(d["state"])
    return Entry(**d)
