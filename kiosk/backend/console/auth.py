"""Console sign-in: the catalog's admin accounts and password check, a cookie session that ends
after ``IDLE_S`` without use or ``ABSOLUTE_S`` after sign-in, a CSRF token per session, attempt
limits per address, and the admin audit trail.

The cookie holds a random token; the database keeps only its SHA-256 (as admin_sessions does).
It is HttpOnly, SameSite=Strict, limited to /console, and Secure when the page came over https.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from kiosk.backend.catalog_routes import (
    LOGIN_ATTEMPTS,
    LOGIN_LIMIT,
    AdminLocked,
    check_admin_password,
)
from kiosk.backend.store import add_attempt, attempts
from kiosk.logs import one_line

log = logging.getLogger(__name__)

COOKIE = "console_session"
IDLE_S = 15 * 60
ABSOLUTE_S = 8 * 3600


@dataclass
class ConsoleSession:
    name: str
    csrf: str
    token_hash: str


class LoginRefused(Exception):
    """``message``: what the sign-in page says."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(store, user: str, password: str, source: str, now: float) -> str:
    """A new session's token, or ``LoginRefused`` with the words to show."""
    with store.tx() as db:
        if attempts(db, LOGIN_ATTEMPTS, source, now - LOGIN_LIMIT[1]) >= LOGIN_LIMIT[0]:
            raise LoginRefused("登录失败次数过多，请15分钟后再试")
    try:
        ok = check_admin_password(store, user, password, now)
    except AdminLocked as exc:
        minutes = max(1, (exc.seconds + 59) // 60)
        raise LoginRefused(f"这个账号密码错误次数过多，已锁定，请{minutes}分钟后再试") from None
    if not ok:
        with store.tx() as db:
            add_attempt(db, LOGIN_ATTEMPTS, source, now)
        audit(store, user[:64] or "?", "console_login_refused", "", source, now)
        raise LoginRefused("用户名或密码不对，请重新输入")
    token = secrets.token_urlsafe(32)
    with store.tx() as db:
        db.execute(
            "DELETE FROM console_sessions WHERE last_seen<? OR created_at<?",
            (now - IDLE_S, now - ABSOLUTE_S),
        )
        db.execute(
            "INSERT INTO console_sessions (token_hash, name, csrf, created_at, last_seen) "
            "VALUES (?,?,?,?,?)",
            (_hash(token), user, secrets.token_urlsafe(24), now, now),
        )
    audit(store, user, "console_login", "", source, now)
    return token


def current(store, token: str | None, now: float) -> ConsoleSession | str:
    """The signed-in session, or why not: "none" (no cookie) or "expired"."""
    if not token:
        return "none"
    digest = _hash(token)
    row = store.one("SELECT * FROM console_sessions WHERE token_hash=?", digest)
    if row is None:
        return "expired"  # a cookie we do not know: ended, or from before a restart
    if row["last_seen"] < now - IDLE_S or row["created_at"] < now - ABSOLUTE_S:
        with store.tx() as db:
            db.execute("DELETE FROM console_sessions WHERE token_hash=?", (digest,))
        return "expired"
    with store.tx() as db:
        db.execute("UPDATE console_sessions SET last_seen=? WHERE token_hash=?", (now, digest))
    return ConsoleSession(row["name"], row["csrf"], digest)


def sign_out(store, session: ConsoleSession, source: str, now: float) -> None:
    with store.tx() as db:
        db.execute("DELETE FROM console_sessions WHERE token_hash=?", (session.token_hash,))
    audit(store, session.name, "console_logout", "", source, now)


def csrf_ok(session: ConsoleSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


def audit(store, by: str, action: str, detail: str, source: str, now: float) -> None:
    """One line of the admin audit trail (the console's page 操作记录 lists them)."""
    with store.tx() as db:
        db.execute(
            "INSERT INTO admin_audit (id, at, by, action, detail, source) VALUES (?,?,?,?,?,?)",
            (secrets.token_hex(8), now, by[:64], action, detail[:500], source[:64]),
        )
    log.info("console: %s %s %s", one_line(by[:64]), action, one_line(detail[:200]))


def audit_rows(store, limit: int = 200) -> list:
    return store.all(
        "SELECT at, by, action, detail, source FROM admin_audit ORDER BY at DESC LIMIT ?", limit
    )
