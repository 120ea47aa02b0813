"""Storage of the reference backend: SQLite (WAL, synchronous FULL) or PostgreSQL, seeded with demo
data. The schema is ``schema.py``, reached through the Alembic migrations in ``migrations/``.

All names, ID numbers, phones and addresses are fictional; ID numbers carry valid check digits so
that they pass the same checks as real ones.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from kiosk.privacy import id_check_digit

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock keys (any two fixed numbers): writes, and schema migrations
WRITE_LOCK = 7_265_001
MIGRATE_LOCK = 7_265_002
# PostgreSQL connections a backend process keeps open: as many as requests it runs at once (the
# thread pool's 40, less the async ones). Fewer made overflow connections come and go under load,
# and PostgreSQL forks a process for each. max_connections must be >= ~40 x worker processes.
POOL_SIZE = 32

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


def register_boot(store: Store, boot_id: str) -> None:
    """Record a starting backend process (host and pid). Earlier boots of this same process
    (a backend re-created in-process) and boots on this host whose process has ended are gone."""
    host, pid = socket.gethostname(), os.getpid()
    with store.tx() as db:
        for row in db.execute("SELECT boot_id, pid FROM backend_boots WHERE host=?", (host,)):
            if row["pid"] == pid or not pid_alive(row["pid"]):
                db.execute("DELETE FROM backend_boots WHERE boot_id=?", (row["boot_id"],))
        db.execute("INSERT INTO backend_boots VALUES (?,?,?,?)", (boot_id, host, pid, time.time()))


def boot_is_gone(db, owner: str) -> bool:
    """Whether the backend process that took an idempotency key (``owner`` is ``boot:attempt``)
    has ended: it is unknown, or it ran on this host and its process is no more. A process on
    another host is taken as alive; its lock still expires (``IDEMPOTENCY_LOCK_S``)."""
    row = db.execute(
        "SELECT host, pid FROM backend_boots WHERE boot_id=?", (owner.split(":")[0],)
    ).fetchone()
    if row is None:
        return True
    return row["host"] == socket.gethostname() and not pid_alive(row["pid"])


def pid_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, killed but not yet reaped, does not)."""
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would terminate it there; rely on the lock's expiry
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


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


# kind, account, holder, address, due (fen), min, max: fictional, like the rest of the demo data
DEMO_UTILITIES = [
    ("water", "300100200", "王建国", "文峰区光华路88号2单元301", 86_40, 1_00, 2000_00),
    ("water", "300100201", "李秀英", "安阳县白璧镇东街村3组18号", 0, 1_00, 2000_00),
    ("power", "500200300", "王建国", "文峰区光华路88号2单元301", 213_75, 1_00, 5000_00),
    ("power", "500200301", "张伟", "北关区红旗路16号5单元602", 98_10, 1_00, 5000_00),
    ("heating", "700300400", "刘芳", "殷都区铁西路21号1单元102", 1856_00, 1_00, 10000_00),
]


class Row(tuple):
    """A result row read by position or by column name, like ``sqlite3.Row``."""

    _index: dict[str, int]

    def __new__(cls, values, index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self):
        return self._index.keys()


class _Cursor:
    """What ``execute`` returns on PostgreSQL: rows as ``Row``, ``rowcount``."""

    def __init__(self, cur) -> None:
        self._cur = cur
        self.rowcount = cur.rowcount
        names = [d.name for d in cur.description] if cur.description else []
        self._index = {name: i for i, name in enumerate(names)}

    def fetchone(self) -> Row | None:
        row = self._cur.fetchone() if self._index else None
        return None if row is None else Row(row, self._index)

    def fetchall(self) -> list[Row]:
        return [Row(r, self._index) for r in self._cur.fetchall()] if self._index else []

    def __iter__(self):
        return iter(self.fetchall())


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders (outside quoted literals) to psycopg's ``%s``; a literal % doubled."""
    out, quoted = [], False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


class _PgConnection:
    """One PostgreSQL connection seen through the sqlite3 calls the handlers use."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence = ()) -> _Cursor:
        cur = self._conn.cursor()
        cur.execute(to_pyformat(sql), tuple(params))
        return _Cursor(cur)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        self._conn.cursor().executemany(to_pyformat(sql), [tuple(r) for r in rows])


def database_url(where: Path | str) -> str:
    """A data folder's SQLite file, or a ``postgresql://`` URL, as SQLAlchemy's URL."""
    text = str(where)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if text.startswith("postgresql+psycopg://"):
        return text
    return "sqlite:///" + str(Path(where).resolve())


def describe(url: str) -> str:
    """A database URL without its password (a file path as it is), for logs and messages."""
    if "://" not in url:
        return url
    return str(make_url(database_url(url)).render_as_string(hide_password=True))


class Store:
    """The backend's database: SQLite (a file, one process or several) or PostgreSQL.

    Handlers speak plain SQL with ``?`` placeholders that both engines run (``INSERT ... ON
    CONFLICT``, no ``INSERT OR REPLACE``). ``tx()`` is a write transaction in which
    check-then-write sequences are atomic across threads *and* processes: SQLite's ``BEGIN
    IMMEDIATE`` takes the database's write lock; on PostgreSQL every such transaction takes the
    same transaction-scoped advisory lock, which gives the same order. Reads (``one``/``all``)
    take no lock. The schema comes from the Alembic migrations, run at start under a lock.
    """

    def __init__(self, where: Path | str, *, prepare: bool = True) -> None:
        self.url = database_url(where)
        self.is_postgres = self.url.startswith("postgresql")
        self.lock = threading.RLock()
        if self.is_postgres:
            # No pre-ping: a round trip before every query doubled p50 under fleet load. A
            # connection that a database restart broke is found on first use instead (_lost).
            self.engine = create_engine(self.url, pool_size=POOL_SIZE, max_overflow=8)
            self.db = None
        else:
            path = Path(where)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path = path
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                      timeout=30)  # fmt: skip
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            # migrations use their own connection to the same file
            self.engine = create_engine(self.url, poolclass=NullPool,
                                        connect_args={"timeout": 30})  # fmt: skip
        if prepare:
            self.migrate()
            if not self.one("SELECT value FROM meta WHERE key='seeded'"):
                self._seed()
            if not self.one("SELECT 1 FROM utility_accounts LIMIT 1"):  # data from before bills
                with self.tx() as db:
                    if not db.execute("SELECT 1 FROM utility_accounts LIMIT 1").fetchone():
                        db.executemany(
                            "INSERT INTO utility_accounts VALUES (?,?,?,?,?,?,?)", DEMO_UTILITIES
                        )

    # ----- schema -----

    def migrate(self) -> None:
        """Bring the database to the newest schema (Alembic ``upgrade head``), one process at a
        time: several backend processes may start together on one database."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            if self.is_postgres:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def revision(self) -> str | None:
        """The schema revision the database is at (None: not made by Alembic)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # ----- queries -----

    @contextmanager
    def tx(self, serial: bool = True) -> Iterator[Any]:
        """A write transaction; check-then-write sequences in it are atomic. ``serial=False``
        is for a transaction whose statements are atomic by themselves (one upsert, an insert
        that a primary key refuses): on PostgreSQL it does not wait for the others' lock."""
        if not self.is_postgres:
            with self.lock:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
                self.db.execute("COMMIT")
            return
        raw = self.engine.raw_connection()
        if serial:
            try:
                raw.cursor().execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            except Exception as exc:
                lost = self._lost(raw, exc)
                raw.close()
                if not lost:
                    raise
                raw = self.engine.raw_connection()  # nothing was done yet: once more
                raw.cursor().execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        try:
            try:
                yield _PgConnection(raw)
            except BaseException:
                raw.rollback()
                raise
            raw.commit()
        finally:
            raw.close()

    def _read(self, sql: str, args: tuple, many: bool):
        if not self.is_postgres:
            with self.lock:
                cur = self.db.execute(sql, args)
                return cur.fetchall() if many else cur.fetchone()
        for attempt in (1, 2):  # a read can be repeated when the connection was lost
            raw = self.engine.raw_connection()
            conn = raw.dbapi_connection
            try:
                # one statement needs no transaction: without autocommit psycopg sends BEGIN
                # first and the pool a ROLLBACK after, three round trips for one
                conn.autocommit = True
                cur = _PgConnection(raw).execute(sql, args)
                return cur.fetchall() if many else cur.fetchone()
            except Exception as exc:
                if attempt == 2 or not self._lost(raw, exc):
                    raise
            finally:
                if not conn.broken:
                    conn.autocommit = False  # tx() commits and rolls back itself
                raw.close()  # back to the pool (its reset has nothing to roll back)

    def _lost(self, raw: Any, exc: BaseException) -> bool:
        """Whether ``exc`` means the database connection is gone (PostgreSQL restarted, or
        the connection was ended); then the pool is emptied, since the restart broke the other
        idle connections too, and the next checkout connects afresh."""
        import psycopg

        conn = raw.dbapi_connection
        if not isinstance(exc, psycopg.OperationalError) or conn is None or not conn.broken:
            return False
        raw.invalidate()
        self.engine.dispose()
        return True

    def one(self, sql: str, *args) -> Row | sqlite3.Row | None:
        return self._read(sql, args, many=False)

    def all(self, sql: str, *args) -> list:
        return self._read(sql, args, many=True)

    def latest_heartbeats(self) -> list[dict]:
        """The latest heartbeat of every terminal (``at``: when the backend received it)."""
        rows = self.all("SELECT terminal_id, payload, at FROM heartbeats ORDER BY terminal_id")
        return [{"terminal_id": r[0], "at": r[2], **json.loads(r[1])} for r in rows]

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
            if self.db is not None:
                self.db.close()
            self.engine.dispose()

    def _seed(self) -> None:
        rnd = random.Random(20261122)
        with self.tx() as db:
            if db.execute("SELECT 1 FROM meta WHERE key='seeded'").fetchone():
                return  # another process seeded it first
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
