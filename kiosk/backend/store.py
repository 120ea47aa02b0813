"""SQLite storage of the reference backend (WAL, synchronous FULL), seeded with demo data.

All names, ID numbers, phones and addresses are fictional; ID numbers carry valid check digits so
that they pass the same checks as real ones.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.privacy import id_check_digit

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terminals (id TEXT PRIMARY KEY, secret TEXT NOT NULL, name TEXT);
CREATE TABLE IF NOT EXISTS nonces (terminal_id TEXT, nonce TEXT, ts INTEGER,
    PRIMARY KEY (terminal_id, nonce));
CREATE TABLE IF NOT EXISTS residents (id_number TEXT PRIMARY KEY, name TEXT, phone TEXT,
    address TEXT, household TEXT, hardship TEXT, gjj_account TEXT, employer TEXT);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, terminal_id TEXT, id_number TEXT,
    expires_at REAL);
CREATE TABLE IF NOT EXISTS sms (phone TEXT PRIMARY KEY, code TEXT, expires_at REAL, sent_at REAL,
    tries INTEGER);
CREATE TABLE IF NOT EXISTS gjj_rows (id_number TEXT, month TEXT, employer TEXT, base INTEGER,
    personal INTEGER, employer_part INTEGER, balance INTEGER);
CREATE TABLE IF NOT EXISTS si_rows (id_number TEXT, month TEXT, insurance TEXT, employer TEXT,
    base INTEGER, personal INTEGER, employer_part INTEGER);
CREATE TABLE IF NOT EXISTS edu_rows (id_number TEXT, kind TEXT, school TEXT, major TEXT,
    level TEXT, date TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS certificates (code TEXT PRIMARY KEY, kind TEXT, id_number TEXT,
    name TEXT, title TEXT, issued_at TEXT, issuer TEXT, body TEXT, fields TEXT);
CREATE TABLE IF NOT EXISTS gas_accounts (account TEXT PRIMARY KEY, holder TEXT, address TEXT,
    balance INTEGER, meter_type TEXT, card_sequence INTEGER, min_amount INTEGER,
    max_amount INTEGER);
CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, terminal_id TEXT, account TEXT,
    amount INTEGER, status TEXT, meter_type TEXT, created_at REAL, expires_at REAL, paid_at REAL,
    sequence INTEGER, card_serial TEXT);
CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT,
    account TEXT, entry TEXT, amount INTEGER, at REAL);
CREATE TABLE IF NOT EXISTS idempotency (terminal_id TEXT, key TEXT, request_hash TEXT,
    state TEXT, status_code INTEGER, body TEXT, created_at REAL, PRIMARY KEY (terminal_id, key));
CREATE TABLE IF NOT EXISTS complaints (number TEXT PRIMARY KEY, verify_code TEXT, content TEXT,
    category TEXT, phone TEXT, submitted_at TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS evaluations (id TEXT PRIMARY KEY, case_number TEXT, level TEXT,
    comment TEXT, at TEXT, terminal_id TEXT);
CREATE TABLE IF NOT EXISTS heartbeats (terminal_id TEXT PRIMARY KEY, payload TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS attempts (kind TEXT, subject TEXT, at REAL);
CREATE INDEX IF NOT EXISTS attempts_by_subject ON attempts (kind, subject, at);
"""

# Columns added after the first release: an existing database gains them at start.
ADDED_COLUMNS = [
    ("sessions", "last_used", "REAL"),  # idle expiry on the server
    ("sessions", "revoked", "INTEGER NOT NULL DEFAULT 0"),
    ("idempotency", "locked_until", "REAL"),  # an in-flight lock expires
    ("idempotency", "owner", "TEXT"),  # which backend process (and attempt) holds it
    ("orders", "late_paid_at", "REAL"),  # paid after cancel or expiry ...
    ("orders", "refunded_at", "REAL"),  # ... and refunded automatically
    ("certificates", "valid_until", "TEXT"),
    ("certificates", "revoked_at", "TEXT"),
    ("certificates", "revoke_reason", "TEXT"),
]

DEMO_TERMINAL_ID = "demo-terminal-01"
DEMO_TERMINAL_SECRET = "demo-secret-change-me"  # demo and tests only; real secrets are issued


def attempts(db: sqlite3.Connection, kind: str, subject: str, since: float) -> int:
    """How many attempts of ``kind`` on ``subject`` (a phone, a terminal, ...) since ``since``."""
    row = db.execute(
        "SELECT COUNT(*) FROM attempts WHERE kind=? AND subject=? AND at>=?", (kind, subject, since)
    ).fetchone()
    return row[0]


def add_attempt(db: sqlite3.Connection, kind: str, subject: str, at: float) -> None:
    db.execute("DELETE FROM attempts WHERE at<?", (at - 24 * 3600,))  # no window is longer
    db.execute("INSERT INTO attempts VALUES (?,?,?)", (kind, subject, at))


def make_id(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + id_check_digit(first17)


# name, region, birth, seq, phone, address, household, hardship, employer
DEMO_RESIDENTS = [
    (
        "李秀英",
        "410523",
        "19480312",
        "042",
        "13800000001",
        "安阳县白璧镇东街村3组18号",
        "河南省安阳县白璧镇东街村",
        "低保",
        None,
    ),
    (
        "王建国",
        "410502",
        "19650708",
        "013",
        "13800000002",
        "文峰区光华路88号2单元301",
        "河南省安阳市文峰区光华路",
        None,
        "安阳市建筑工程有限公司",
    ),
    (
        "张伟",
        "410503",
        "19880921",
        "035",
        "13800000003",
        "北关区红旗路16号5单元602",
        "河南省安阳市北关区红旗路",
        None,
        "安阳钢铁集团有限责任公司",
    ),
    (
        "刘芳",
        "410505",
        "19921130",
        "048",
        "13800000004",
        "殷都区铁西路21号1单元102",
        "河南省安阳市殷都区铁西路",
        "特困",
        None,
    ),
    (
        "陈小明",
        "410522",
        "20010215",
        "057",
        "13800000005",
        "安阳县吕村镇吕村8组6号",
        "河南省安阳县吕村镇吕村",
        None,
        None,
    ),
]

# account, holder, address, balance (fen), meter, min, max
DEMO_GAS = [
    ("100200300", "王建国", "文峰区光华路88号2单元301", 4_580, "ic_card", 10_00, 2000_00),
    ("100200301", "李秀英", "安阳县白璧镇东街村3组18号", 1_200, "ic_card", 10_00, 1000_00),
    ("100200302", "张伟", "北关区红旗路16号5单元602", 12_650, "remote", 10_00, 3000_00),
    ("100200303", "刘芳", "殷都区铁西路21号1单元102", 300, "remote", 10_00, 1000_00),
    ("100200304", "欧阳娜娜", "龙安区文明大道9号7单元1201", 8_000, "ic_card", 10_00, 2000_00),
]


class Store:
    """One SQLite connection shared by the server's threads, serialised by a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._migrate()
        if not self.one("SELECT value FROM meta WHERE key='seeded'"):
            self._seed()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; the lock makes check-then-write sequences atomic."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def one(self, sql: str, *args) -> sqlite3.Row | None:
        with self.lock:
            return self.db.execute(sql, args).fetchone()

    def all(self, sql: str, *args) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def latest_heartbeats(self) -> list[dict]:
        """The latest heartbeat of every terminal (``at``: when the backend received it)."""
        rows = self.all("SELECT terminal_id, payload, at FROM heartbeats ORDER BY terminal_id")
        return [{"terminal_id": r[0], "at": r[2], **json.loads(r[1])} for r in rows]

    def _migrate(self) -> None:
        for table, column, decl in ADDED_COLUMNS:
            have = {r["name"] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def revoke_certificate(self, code: str, reason: str, at: str) -> bool:
        """Mark a certificate revoked (the issuing office withdrew it); False if unknown."""
        with self.tx() as db:
            cur = db.execute(
                "UPDATE certificates SET revoked_at=?, revoke_reason=? WHERE code=? "
                "AND revoked_at IS NULL",
                (at, reason, code.upper()),
            )
            known = db.execute("SELECT 1 FROM certificates WHERE code=?", (code.upper(),))
            return bool(cur.rowcount) or known.fetchone() is not None

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def _seed(self) -> None:
        rnd = random.Random(20261122)
        with self.tx() as db:
            db.execute(
                "INSERT INTO terminals VALUES (?,?,?)",
                (DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, "演示终端(文峰区政务服务中心)"),
            )
            for (
                name,
                region,
                birth,
                seq,
                phone,
                addr,
                household,
                hardship,
                employer,
            ) in DEMO_RESIDENTS:
                idn = make_id(region, birth, seq)
                gjj = f"41050{rnd.randrange(10**8):08d}" if employer else None
                db.execute(
                    "INSERT INTO residents VALUES (?,?,?,?,?,?,?,?)",
                    (idn, name, phone, addr, household, hardship, gjj, employer),
                )
                if employer:
                    self._seed_work_records(db, rnd, idn, employer)
                if name == "陈小明":
                    self._seed_education(db, idn)
            for row in DEMO_GAS:
                account, holder, addr, balance, meter, lo, hi = row
                db.execute(
                    "INSERT INTO gas_accounts VALUES (?,?,?,?,?,?,?,?)",
                    (account, holder, addr, balance, meter, 7, lo, hi),
                )
            db.execute("INSERT INTO meta VALUES ('seeded', ?)", (json.dumps(True),))

    @staticmethod
    def _seed_work_records(db: sqlite3.Connection, rnd: random.Random, idn: str, employer: str):
        base = rnd.choice([4200_00, 5600_00, 6800_00])
        balance = rnd.randrange(8_000_00, 40_000_00)
        for year in (2024, 2025, 2026):
            for month in range(1, 13):
                if year == 2026 and month > 10:
                    break
                ym = f"{year}-{month:02d}"
                part = base * 12 // 100
                balance += 2 * part
                db.execute(
                    "INSERT INTO gjj_rows VALUES (?,?,?,?,?,?,?)",
                    (idn, ym, employer, base, part, part, balance),
                )
                for ins, p_rate, e_rate in (("养老", 8, 16), ("医疗", 2, 8), ("失业", 0.5, 0.5)):
                    db.execute(
                        "INSERT INTO si_rows VALUES (?,?,?,?,?,?,?)",
                        (
                            idn,
                            ym,
                            ins,
                            employer,
                            base,
                            int(base * p_rate / 100),
                            int(base * e_rate / 100),
                        ),
                    )
            if year == 2025:
                base += 300_00

    @staticmethod
    def _seed_education(db: sqlite3.Connection, idn: str) -> None:
        rows = [
            (
                "学历",
                "河南大学(高等教育自学考试)",
                "汉语言文学",
                "专科",
                "2023-06",
                "证书编号 4100********1234",
            ),
            (
                "自考成绩",
                "河南省教育考试院",
                "汉语言文学",
                "本科",
                "2025-04",
                "中国古代文学史(一) 78分",
            ),
            (
                "自考成绩",
                "河南省教育考试院",
                "汉语言文学",
                "本科",
                "2025-04",
                "马克思主义基本原理概论 66分",
            ),
            ("自考成绩", "河南省教育考试院", "汉语言文学", "本科", "2025-10", "外国文学史 81分"),
            ("自考成绩", "河南省教育考试院", "汉语言文学", "本科", "2026-04", "英语(二) 60分"),
        ]
        for row in rows:
            db.execute("INSERT INTO edu_rows VALUES (?,?,?,?,?,?,?)", (idn, *row))


def demo_residents() -> list[dict]:
    """The demo residents as the simulated ID card reader presents them."""
    return [
        {"name": r[0], "id_number": make_id(r[1], r[2], r[3]), "phone": r[4]}
        for r in DEMO_RESIDENTS
    ]
