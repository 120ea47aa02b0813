"""The reference backend: serves the kiosk gateway API from SQLite with demo data.

Used by demo mode, development and tests. It simulates payment (an order is paid after a delay in
demo mode, or by a sandbox call in tests) and injects faults on request (see ``faults.py``) so
that the client's and the top-up's handling of them can be tested against a real server.
"""

import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from kiosk.backend import api
from kiosk.backend import verify_page as verify_html
from kiosk.backend.auth import (
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TERMINAL,
    HEADER_TIMESTAMP,
    MAX_SKEW_S,
    verify,
)
from kiosk.backend.faults import FaultMiddleware, Faults
from kiosk.backend.limits import LimitsMiddleware
from kiosk.backend.openapi_doc import amend as amend_openapi
from kiosk.backend.openapi_doc import document_errors
from kiosk.backend.store import Store, add_attempt, attempts, boot_is_gone, register_boot
from kiosk.catalog import DEMO_CATALOG
from kiosk.logs import RequestLogMiddleware
from kiosk.privacy import mask_address, mask_id, mask_name, valid_id_number

log = logging.getLogger(__name__)

CST = timezone(timedelta(hours=8))
SESSION_TTL_S = 600
CERT_VALID_DAYS = 90  # a printed 证明 is accepted for three months
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8750"  # `kiosk sandbox`'s own address; set it in deployment
# A resident token unused this long is dead on the server too, whatever the kiosk does: longer
# than the kiosk's own idle end (60 s + 10 s countdown) so that a resident reading a statement
# can still print it.
SESSION_IDLE_S = 180
ORDER_TTL_S = 300
SMS_TTL_S = 300
SMS_RESEND_S = 60
IDEMPOTENCY_KEEP_S = 48 * 3600
IDEMPOTENCY_LOCK_S = 30  # an in-flight key is locked this long at most; then a retry takes over
# Attempt limits: (how many, per how many seconds). A wrong code counts even though the request
# fails: the count is committed before the refusal is raised.
SMS_MAX_TRIES = 5  # wrong codes per SMS code; then a new code is needed
SMS_SENDS_PER_PHONE = (5, 3600)
SMS_SENDS_PER_TERMINAL = (30, 3600)
WRONG_CODES_PER_TERMINAL = (20, 900)  # SMS and complaint codes together
COMPLAINT_TRIES = (5, 3600)  # wrong verify codes per complaint number
ISSUERS = {
    api.CertificateKind.HARDSHIP: ("困难群众证明", "安阳市文峰区民政局"),
    api.CertificateKind.HOUSEHOLD: ("户籍证明", "安阳市公安局文峰分局"),
    api.CertificateKind.GJJ_DEPOSIT: ("住房公积金缴存证明", "安阳市住房公积金管理中心"),
    api.CertificateKind.SI_PAYMENT: ("社会保险参保缴费证明", "安阳市社会保险事业管理中心"),
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.detail = status, code, message, detail
        self.headers = headers

    def response(self) -> JSONResponse:
        body = api.Error(code=self.code, message=self.message, detail=self.detail)
        return JSONResponse(body.model_dump(), status_code=self.status, headers=self.headers)


def too_many(what: str, window_s: float) -> ApiError:
    return ApiError(
        429,
        "too_many_attempts",
        "尝试次数过多，请稍后再试，或到人工窗口办理",
        f"{what}: limit reached",
        headers={"Retry-After": str(int(window_s))},
    )


def window_full(db, kind: str, subject: str, limit: tuple[int, float], now: float) -> bool:
    return attempts(db, kind, subject, now - limit[1]) >= limit[0]


ERRORS = {
    400: api.Error,
    401: api.Error,
    403: api.Error,
    404: api.Error,
    409: api.Error,
    422: api.Error,
    500: api.Error,
    503: api.Error,
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": api.Error, "description": "error"} for code in ERRORS
}


# Path parameters, constrained so that the OpenAPI document states their form.
CertCode = Annotated[str, PathParam(pattern=r"^[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){3}$")]
AccountNo = Annotated[str, PathParam(pattern=r"^\d{6,20}$")]
OrderNo = Annotated[str, PathParam(pattern=r"^GO\d{8}[0-9a-f]{10}$")]
ComplaintNo = Annotated[str, PathParam(pattern=r"^12345\d{14}$")]


# What the signing headers may look like; anything else is refused before any work is done.
TERMINAL_ID_RE = r"[A-Za-z0-9._-]{1,64}"
TIMESTAMP_RE = r"\d{1,12}"
NONCE_RE = r"[A-Za-z0-9_-]{16,64}"
SIGNATURE_RE = r"[0-9a-f]{64}"
_UNKNOWN_TERMINAL_SECRET = secrets.token_hex(32)


def valid_until_of(issued_at: str) -> str:
    issued = datetime.fromisoformat(issued_at).date()
    return (issued + timedelta(days=CERT_VALID_DAYS)).isoformat()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, CST).isoformat(timespec="seconds")


class Backend:
    """State shared by the request handlers."""

    def __init__(
        self,
        data_dir: Path,
        open_mode: bool,
        catalog_path: Path,
        pay_after_s: float | None,
        clock: Callable[[], float],
        database: str | None = None,
    ) -> None:
        # the data folder's SQLite file unless a database URL is given (PostgreSQL for a fleet)
        self.store = Store(database or data_dir / "backend.sqlite3")
        self.open_mode = open_mode
        self.catalog_path = catalog_path
        self.pay_after_s = pay_after_s
        self.clock_offset = 0.0
        self._clock = clock
        self.faults = Faults()
        self.boot_id = secrets.token_hex(8)
        register_boot(self.store, self.boot_id)  # so that others can tell when this one is gone
        self._catalog_cache: tuple[float, bytes, str] | None = None
        self._nonces_swept = 0.0
        self._catalog_version: tuple[str, str] | None = None

    def forget_old_nonces(self, now: float) -> None:
        """Nonces older than the signature window can never be replayed: dropped now and then
        (every 30 s per process), not on every request."""
        if now - self._nonces_swept < 30:
            return
        self._nonces_swept = now
        with self.store.tx(serial=False) as db:
            db.execute("DELETE FROM nonces WHERE ts<?", (int(now) - 2 * MAX_SKEW_S,))

    def now(self) -> float:
        """Business time: the sandbox may move it forward to expire sessions and orders."""
        return self._clock() + self.clock_offset

    def wall(self) -> float:
        """Real time, for request signatures (never shifted)."""
        return self._clock()

    # ----- catalog -----

    def catalog(self) -> tuple[bytes, str]:
        """The catalog file's bytes and ETag; re-read when the admin replaces the file."""
        mtime = self.catalog_path.stat().st_mtime
        if not self._catalog_cache or self._catalog_cache[0] != mtime:
            data = self.catalog_path.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
            self._catalog_cache = (mtime, data, etag)
        return self._catalog_cache[1], self._catalog_cache[2]

    def catalog_version(self) -> str:
        """The catalog file's version, read once per change of the file (not per heartbeat)."""
        data, etag = self.catalog()
        if self._catalog_version is None or self._catalog_version[0] != etag:
            try:
                version = str(json.loads(data).get("version", ""))
            except (ValueError, AttributeError):
                version = ""
            self._catalog_version = (etag, version)
        return self._catalog_version[1]

    # ----- orders -----

    def expire_and_pay(self) -> None:
        """Lazy state changes: unpaid orders past their time expire; demo mode pays the rest."""
        now = self.now()
        with self.store.tx() as db:
            db.execute(
                "UPDATE orders SET status='expired' WHERE status='created' AND expires_at<?", (now,)
            )
            if self.pay_after_s is not None:
                due = db.execute(
                    "SELECT order_id FROM orders WHERE status='created' AND created_at<=?",
                    (now - self.pay_after_s,),
                ).fetchall()
                for row in due:
                    self._pay(db, row["order_id"], now)

    def _pay(self, db, order_id: str, now: float) -> None:
        order = db.execute("SELECT * FROM orders WHERE order_id=?", (order_id,)).fetchone()
        if order is not None and order["status"] == "created" and order["expires_at"] < now:
            db.execute("UPDATE orders SET status='expired' WHERE order_id=?", (order_id,))
            order = db.execute("SELECT * FROM orders WHERE order_id=?", (order_id,)).fetchone()
        if order is not None and order["status"] in ("cancelled", "expired"):
            self._refund_late(db, order, now)
            return
        if order is None or order["status"] != "created":
            return
        db.execute(
            "INSERT INTO ledger (order_id, account, entry, amount, at) VALUES (?,?,?,?,?)",
            (order_id, order["account"], "charge", order["amount"], now),
        )
        if order["meter_type"] == "remote":
            db.execute(
                "UPDATE gas_accounts SET balance=balance+? WHERE account=?",
                (order["amount"], order["account"]),
            )
            db.execute(
                "INSERT INTO ledger (order_id, account, entry, amount, at) VALUES (?,?,?,?,?)",
                (order_id, order["account"], "credit", order["amount"], now),
            )
            status = "credited"
        else:
            status = "paid"
        db.execute(
            "UPDATE orders SET status=?, paid_at=? WHERE order_id=?", (status, now, order_id)
        )

    def _refund_late(self, db, order, now: float) -> None:
        """The money came after the order was given up: it is taken (the provider already has
        it) and sent straight back, both in the ledger; the order stays cancelled or expired.
        A repeated notification of the same payment changes nothing."""
        if order["late_paid_at"] is not None:
            return
        for entry in ("charge", "refund"):
            db.execute(
                "INSERT INTO ledger (order_id, account, entry, amount, at) VALUES (?,?,?,?,?)",
                (order["order_id"], order["account"], entry, order["amount"], now),
            )
        db.execute(
            "UPDATE orders SET late_paid_at=?, refunded_at=? WHERE order_id=?",
            (now, now, order["order_id"]),
        )
        log.warning("late payment on %s order %s refunded", order["status"], order["order_id"])

    def pay(self, order_id: str) -> None:
        with self.store.tx() as db:
            self._pay(db, order_id, self.now())


def money_note(row) -> str | None:
    """What happens to the resident's money, for an order that will not be delivered."""
    if row["status"] not in ("cancelled", "expired"):
        return None
    when = "取消" if row["status"] == "cancelled" else "过期"
    if row["late_paid_at"] is None:
        return f"订单已{when}，没有扣款"
    yuan = f"{row['amount'] / 100:.2f}"
    return f"订单{when}后收到的付款{yuan}元已自动原路退回，一般1至3个工作日到账"


def order_model(row) -> api.Order:
    return api.Order(
        order_id=row["order_id"],
        account=row["account"],
        amount=row["amount"],
        status=api.OrderStatus(row["status"]),
        meter_type=api.MeterType(row["meter_type"]),
        pay_qr=f"https://pay.example.gov.cn/gas/{row['order_id']}",
        created_at=_iso(row["created_at"]),
        expires_at=_iso(row["expires_at"]),
        paid_at=_iso(row["paid_at"]) if row["paid_at"] else None,
        late_paid_at=_iso(row["late_paid_at"]) if row["late_paid_at"] else None,
        refunded_at=_iso(row["refunded_at"]) if row["refunded_at"] else None,
        money_note=money_note(row),
    )


def create_app(
    data_dir: Path,
    *,
    open_mode: bool = False,
    catalog_path: Path = DEMO_CATALOG,
    pay_after_s: float | None = None,
    clock: Callable[[], float] = time.time,
    public_url: str | None = None,
    database: str | None = None,
    test_controls: bool = True,
) -> FastAPI:
    """``public_url``: the backend's address as residents' phones reach it, printed on every
    certificate (QR and 核验地址). A setting, never taken from a request's Host header.
    ``test_controls``: the /v1/sandbox/ calls (move the clock, inject faults, read SMS codes, pay
    orders); any signed terminal may make them, so a backend a fleet uses has none
    (``kiosk sandbox`` only with ``--test-controls``)."""
    backend = Backend(Path(data_dir), open_mode, Path(catalog_path), pay_after_s, clock, database)
    backend.public_url = (public_url or DEFAULT_PUBLIC_URL).rstrip("/")
    app = FastAPI(
        title="政务自助终端 kiosk gateway API",
        version="1.0.0",
        description=(
            "The one HTTP API a kiosk speaks. Requests are signed by the terminal "
            "(X-Terminal-Id, X-Timestamp, X-Nonce, X-Signature: HMAC-SHA256 over method, path, "
            "timestamp, nonce and the body's SHA-256). Resident data needs X-Resident-Token from "
            "an identity call. Amounts are in fen. Errors: {code, message, detail}."
        ),
    )
    app.state.backend = backend
    if test_controls:  # injected faults exist only with the test controls; the middleware
        # (a BaseHTTPMiddleware: a task group and a streamed response per request) cost a fleet's
        # backend a third of its CPU for nothing
        app.add_middleware(FaultMiddleware, faults=backend.faults)
    app.add_middleware(LimitsMiddleware)  # added last: outermost, before any other work
    app.add_middleware(RequestLogMiddleware)  # ...but for the access line with the request id

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return ApiError(
            422,
            "invalid_request",
            "提交的信息格式不正确，请检查后重试",
            f"{where}: {first.get('msg', '')}"[:300],
        ).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "没有找到相应的服务", 405: "不支持这种操作"}
        return ApiError(
            exc.status_code,
            f"http_{exc.status_code}",
            messages.get(exc.status_code, "请求无法处理"),
            str(exc.detail),
            headers=getattr(exc, "headers", None),  # Allow on a 405
        ).response()

    @app.exception_handler(ClientDisconnect)
    async def _gone(_: Request, exc: ClientDisconnect) -> JSONResponse:
        # the caller hung up mid-request (a killed kiosk, a cut cable): nothing to answer
        log.info("client disconnected before its request was read")
        return ApiError(400, "client_disconnected", "连接已断开").response()

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return ApiError(500, "server_error", "系统繁忙，请稍后再试", type(exc).__name__).response()

    # ----- dependencies -----

    async def terminal(
        request: Request,
        x_terminal_id: Annotated[str | None, Header()] = None,
        x_timestamp: Annotated[str | None, Header()] = None,
        x_nonce: Annotated[str | None, Header()] = None,
        x_signature: Annotated[str | None, Header()] = None,
    ) -> str:
        """The calling terminal's id, after checking the request's signature, age and nonce.

        Shapes are checked before anything is looked up or stored; an unknown terminal and a
        wrong signature get the same answer (a dummy secret is checked, so timing is the same
        too), so that answers never tell which terminal ids exist."""
        if backend.open_mode:
            return (x_terminal_id or "open")[:64]
        if not (x_terminal_id and x_timestamp and x_nonce and x_signature):
            raise ApiError(
                401,
                "unauthenticated",
                "终端未授权，请联系工作人员",
                f"missing {HEADER_TERMINAL}/{HEADER_TIMESTAMP}/{HEADER_NONCE}/{HEADER_SIGNATURE}",
            )
        for name, value, pattern in (
            (HEADER_TERMINAL, x_terminal_id, TERMINAL_ID_RE),
            (HEADER_TIMESTAMP, x_timestamp, TIMESTAMP_RE),
            (HEADER_NONCE, x_nonce, NONCE_RE),
            (HEADER_SIGNATURE, x_signature, SIGNATURE_RE),
        ):
            if not re.fullmatch(pattern, value):
                raise ApiError(
                    401, "unauthenticated", "终端未授权，请联系工作人员", f"malformed {name}"
                )
        ts = int(x_timestamp)
        now = backend.wall()
        if abs(now - ts) > MAX_SKEW_S:
            raise ApiError(
                401,
                "clock_skew",
                "终端时间异常，请联系工作人员",
                f"timestamp {ts} is {int(now - ts)} s from server time",
            )
        body = await request.body()  # at most MAX_BODY bytes: the limits middleware saw to it
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")

        def check() -> None:  # in the thread pool: the event loop never waits on the database
            row = backend.store.one("SELECT secret FROM terminals WHERE id=?", x_terminal_id)
            secret = row["secret"] if row else _UNKNOWN_TERMINAL_SECRET
            good = verify(secret, request.method, path, body, x_timestamp, x_nonce, x_signature)
            if not good or row is None:
                raise ApiError(401, "bad_signature", "终端未授权，请联系工作人员")
            backend.forget_old_nonces(now)
            with backend.store.tx(serial=False) as db:  # the primary key refuses a second use
                taken = db.execute(
                    "INSERT INTO nonces VALUES (?,?,?) ON CONFLICT (terminal_id, nonce) DO NOTHING",
                    (x_terminal_id, x_nonce, ts),
                ).rowcount
            if not taken:
                raise ApiError(401, "replayed", "终端未授权，请联系工作人员", "nonce already used")

        await run_in_threadpool(check)
        return x_terminal_id

    Terminal = Annotated[str, Depends(terminal)]

    def resident(
        terminal_id: Terminal,
        x_resident_token: Annotated[str | None, Header()] = None,
    ):
        if not x_resident_token:
            raise ApiError(401, "identity_required", "请先刷身份证或验证手机号")
        now = backend.now()
        with backend.store.tx() as db:
            row = db.execute(
                "SELECT r.*, s.terminal_id AS bound, s.expires_at, s.last_used, s.revoked "
                "FROM sessions s JOIN residents r ON r.id_number=s.id_number WHERE s.token=?",
                (token_hash(x_resident_token),),
            ).fetchone()
            alive = (
                row is not None
                and not row["revoked"]
                and row["expires_at"] >= now
                and now - row["last_used"] <= SESSION_IDLE_S
                and (row["bound"] == terminal_id or backend.open_mode)
            )
            if alive:  # each use keeps the session from idling out
                db.execute(
                    "UPDATE sessions SET last_used=? WHERE token=?",
                    (now, token_hash(x_resident_token)),
                )
        if not alive:  # revoked, idle, too old, unknown or another terminal's: one answer
            raise ApiError(401, "identity_expired", "身份验证已过期，请重新刷身份证")
        return row

    Resident = Annotated[Any, Depends(resident)]

    def session_for(terminal_id: str, row) -> api.ResidentSession:
        token = secrets.token_urlsafe(24)
        now = backend.now()
        with backend.store.tx() as db:
            db.execute("DELETE FROM sessions WHERE expires_at<?", (now,))
            db.execute(  # only the token's hash is kept: a copied database holds no live token
                "INSERT INTO sessions (token, terminal_id, id_number, expires_at, last_used) "
                "VALUES (?,?,?,?,?)",
                (token_hash(token), terminal_id, row["id_number"], now + SESSION_TTL_S, now),
            )
        return api.ResidentSession(
            token=token,
            expires_in_s=SESSION_TTL_S,
            name_masked=mask_name(row["name"]),
            id_masked=mask_id(row["id_number"]),
        )

    # ----- catalog -----

    @app.get(
        "/v1/catalog",
        tags=["catalog"],
        responses={
            200: {
                "description": "the catalog (see catalog-format.md)",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            304: {"description": "unchanged since If-None-Match"},
        },
    )
    def get_catalog(_: Terminal, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        data, etag = backend.catalog()
        if if_none_match and if_none_match.strip() == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(data, media_type="application/json", headers={"ETag": etag})

    # ----- identity -----

    @app.post("/v1/identity/id-card", tags=["identity"], response_model=api.ResidentSession)
    def id_card(body: api.IdCardLogin, terminal_id: Terminal) -> api.ResidentSession:
        idn = body.id_number.upper()
        if not valid_id_number(idn):
            raise ApiError(422, "invalid_id_number", "身份证号码有误，请重新刷卡或核对")
        row = backend.store.one("SELECT * FROM residents WHERE id_number=?", idn)
        if row is None or row["name"] != body.name:
            raise ApiError(404, "resident_not_found", "没有查到您的信息，请到人工窗口办理")
        return session_for(terminal_id, row)

    @app.post("/v1/identity/sms", tags=["identity"], response_model=api.SmsSent)
    def sms_send(body: api.SmsSend, terminal_id: Terminal) -> api.SmsSent:
        now = backend.now()
        error: ApiError | None = None
        with backend.store.tx() as db:  # committed even when refused: a refusal is an attempt
            prev = db.execute("SELECT sent_at FROM sms WHERE phone=?", (body.phone,)).fetchone()
            if prev and now - prev["sent_at"] < SMS_RESEND_S:
                wait = int(SMS_RESEND_S - (now - prev["sent_at"])) + 1
                return api.SmsSent(sent=False, retry_after_s=wait)
            if window_full(db, "sms_send_terminal", terminal_id, SMS_SENDS_PER_TERMINAL, now):
                error = too_many("SMS sends from this terminal", SMS_SENDS_PER_TERMINAL[1])
            elif window_full(db, "sms_send_phone", body.phone, SMS_SENDS_PER_PHONE, now):
                error = too_many("SMS sends to this phone", SMS_SENDS_PER_PHONE[1])
            else:
                add_attempt(db, "sms_send_terminal", terminal_id, now)
                add_attempt(db, "sms_send_phone", body.phone, now)
                row = db.execute("SELECT 1 FROM residents WHERE phone=?", (body.phone,)).fetchone()
                if row is None:
                    error = ApiError(404, "phone_not_found", "这个手机号没有登记，请改用身份证")
                else:
                    code = f"{secrets.randbelow(10**6):06d}"
                    db.execute(
                        "INSERT INTO sms VALUES (?,?,?,?,0) ON CONFLICT (phone) DO UPDATE SET"
                        " code=excluded.code, expires_at=excluded.expires_at,"
                        " sent_at=excluded.sent_at, tries=0",
                        (body.phone, code, now + SMS_TTL_S, now),
                    )
        if error:
            raise error
        return api.SmsSent(sent=True, retry_after_s=SMS_RESEND_S)

    @app.post("/v1/identity/sms/verify", tags=["identity"], response_model=api.ResidentSession)
    def sms_verify(body: api.SmsVerify, terminal_id: Terminal) -> api.ResidentSession:
        now = backend.now()
        error: ApiError | None = None
        with backend.store.tx() as db:  # the tries are committed, then the refusal raised
            sms = db.execute("SELECT * FROM sms WHERE phone=?", (body.phone,)).fetchone()
            if window_full(db, "wrong_code", terminal_id, WRONG_CODES_PER_TERMINAL, now):
                error = too_many("wrong codes from this terminal", WRONG_CODES_PER_TERMINAL[1])
            elif sms is None or sms["expires_at"] < now or sms["tries"] >= SMS_MAX_TRIES:
                error = ApiError(401, "code_expired", "验证码已失效，请重新获取")
            elif not secrets.compare_digest(sms["code"], body.code):
                add_attempt(db, "wrong_code", terminal_id, now)
                db.execute("UPDATE sms SET tries=tries+1 WHERE phone=?", (body.phone,))
                left = SMS_MAX_TRIES - sms["tries"] - 1
                again = f"还可以再试{left}次" if left else "请重新获取验证码"
                error = ApiError(401, "code_wrong", f"验证码不正确，{again}")
            else:
                db.execute("DELETE FROM sms WHERE phone=?", (body.phone,))
        if error:
            raise error
        row = backend.store.one("SELECT * FROM residents WHERE phone=?", body.phone)
        if row is None:
            raise ApiError(404, "phone_not_found", "这个手机号没有登记，请改用身份证")
        return session_for(terminal_id, row)

    @app.delete("/v1/identity/session", tags=["identity"], status_code=204)
    def end_session(
        terminal_id: Terminal, x_resident_token: Annotated[str | None, Header()] = None
    ) -> Response:
        """Revoke the token. Only its own terminal can; the answer is 204 either way, so it
        tells nobody whether a token exists."""
        if x_resident_token:
            with backend.store.tx() as db:
                db.execute(
                    "UPDATE sessions SET revoked=1 WHERE token=? AND (terminal_id=? OR ?)",
                    (token_hash(x_resident_token), terminal_id, backend.open_mode),
                )
        return Response(status_code=204)

    # ----- records -----

    def months(start: str | None, end: str | None) -> tuple[str, str]:
        return (start or "0000-00")[:7], (end or "9999-99")[:7]

    def paged(rows: list, page: int, size: int) -> tuple[list, api.Page]:
        pages = max(1, -(-len(rows) // size))
        if page > pages:
            raise ApiError(422, "page_out_of_range", "没有更多记录了", f"pages={pages}")
        return rows[(page - 1) * size : page * size], api.Page(
            page=page, pages=pages, total=len(rows)
        )

    PageNo = Annotated[int, Query(ge=1, le=10_000)]
    PageSize = Annotated[int, Query(ge=1, le=100)]
    From = Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}$")]
    To = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]

    @app.get("/v1/records/gjj", tags=["records"], response_model=api.GjjStatement)
    def gjj(
        r: Resident, start: From = None, to: To = None, page: PageNo = 1, page_size: PageSize = 20
    ) -> api.GjjStatement:
        if not r["gjj_account"]:
            raise ApiError(404, "no_record", "没有查到您的公积金缴存记录")
        lo, hi = months(start, to)
        rows = backend.store.all(
            "SELECT * FROM gjj_rows WHERE id_number=? AND month>=? AND "
            "month<=? ORDER BY month DESC",
            r["id_number"],
            lo,
            hi,
        )
        total = sum(x["personal"] + x["employer_part"] for x in rows)
        chunk, pg = paged(rows, page, page_size)
        return api.GjjStatement(
            **pg.model_dump(),
            account_masked=r["gjj_account"][:4] + "****" + r["gjj_account"][-3:],
            name_masked=mask_name(r["name"]),
            total_deposit=total,
            rows=[api.GjjRow.model_validate(dict(x)) for x in chunk],
        )

    @app.get("/v1/records/si", tags=["records"], response_model=api.SiStatement)
    def si(
        r: Resident, start: From = None, to: To = None, page: PageNo = 1, page_size: PageSize = 20
    ) -> api.SiStatement:
        lo, hi = months(start, to)
        rows = backend.store.all(
            "SELECT * FROM si_rows WHERE id_number=? AND month>=? AND "
            "month<=? ORDER BY month DESC, insurance",
            r["id_number"],
            lo,
            hi,
        )
        if not rows and not start and not to:
            raise ApiError(404, "no_record", "没有查到您的社保缴费记录")
        chunk, pg = paged(rows, page, page_size)
        return api.SiStatement(
            **pg.model_dump(),
            name_masked=mask_name(r["name"]),
            months_paid=len({x["month"] for x in rows}),
            rows=[api.SiRow.model_validate(dict(x)) for x in chunk],
        )

    @app.get("/v1/records/education", tags=["records"], response_model=api.EducationStatement)
    def education(
        r: Resident, page: PageNo = 1, page_size: PageSize = 20
    ) -> api.EducationStatement:
        rows = backend.store.all(
            "SELECT * FROM edu_rows WHERE id_number=? ORDER BY date DESC", r["id_number"]
        )
        if not rows:
            raise ApiError(404, "no_record", "没有查到您的学历或自考记录")
        chunk, pg = paged(rows, page, page_size)
        return api.EducationStatement(
            **pg.model_dump(),
            name_masked=mask_name(r["name"]),
            rows=[api.EducationRecord.model_validate(dict(x)) for x in chunk],
        )

    # ----- certificates -----

    @app.post(
        "/v1/certificates", tags=["certificates"], response_model=api.Certificate, status_code=201
    )
    def issue(body: api.CertificateRequest, r: Resident) -> api.Certificate:
        kind = body.kind
        title, issuer = ISSUERS[kind]
        fields, text = certificate_text(kind, r)
        code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
        issued = _iso(backend.now())
        valid_until = valid_until_of(issued)
        with backend.store.tx() as db:
            db.execute(
                "INSERT INTO certificates (code, kind, id_number, name, title, issued_at, "
                "issuer, body, fields, valid_until) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    code,
                    kind.value,
                    r["id_number"],
                    r["name"],
                    title,
                    issued,
                    issuer,
                    text,
                    json.dumps(fields, ensure_ascii=False),
                    valid_until,
                ),
            )
        return api.Certificate(
            code=code,
            verify_url=f"{backend.public_url}/verify/{code}",
            valid_until=valid_until,
            kind=kind,
            title=title,
            issued_at=issued,
            issuer=issuer,
            name=r["name"],
            id_number=r["id_number"],
            fields=fields,
            body=text,
        )

    def certificate_text(kind: api.CertificateKind, r) -> tuple[dict[str, str], str]:
        name, idn = r["name"], r["id_number"]
        if kind is api.CertificateKind.HARDSHIP:
            if not r["hardship"]:
                raise ApiError(
                    422, "not_eligible", "系统中没有您的困难群众认定记录，请到社区或民政窗口咨询"
                )
            kind_text = {"低保": "最低生活保障对象", "特困": "特困供养人员"}[r["hardship"]]
            return (
                {"认定类别": kind_text, "户籍地": r["household"]},
                f"兹证明{name}（公民身份号码：{idn}），户籍地{r['household']}，"
                f"经审核认定为{kind_text}，目前在保。特此证明。",
            )
        if kind is api.CertificateKind.HOUSEHOLD:
            return (
                {"户籍地址": r["household"]},
                f"兹证明{name}（公民身份号码：{idn}）户籍登记在{r['household']}。特此证明。",
            )
        if kind is api.CertificateKind.GJJ_DEPOSIT:
            if not r["gjj_account"]:
                raise ApiError(422, "not_eligible", "没有查到您的公积金缴存记录，无法开具证明")
            last = backend.store.one(
                "SELECT * FROM gjj_rows WHERE id_number=? ORDER BY month DESC LIMIT 1", idn
            )
            count = backend.store.one("SELECT COUNT(*) AS n FROM gjj_rows WHERE id_number=?", idn)
            fields = {
                "缴存单位": last["employer"],
                "缴存基数": f"{last['base'] / 100:.2f}元",
                "月缴存额": f"{(last['personal'] + last['employer_part']) / 100:.2f}元",
                "连续缴存": f"{count['n']}个月",
                "账户余额": f"{last['balance'] / 100:.2f}元",
            }
            return fields, (
                f"兹证明{name}（公民身份号码：{idn}）在{last['employer']}缴存住房公积金，"
                f"截至{last['month']}已连续缴存{count['n']}个月，缴存状态正常。特此证明。"
            )
        last = backend.store.one(
            "SELECT * FROM si_rows WHERE id_number=? ORDER BY month DESC LIMIT 1", idn
        )
        if last is None:
            raise ApiError(422, "not_eligible", "没有查到您的社保缴费记录，无法开具证明")
        months_n = backend.store.one(
            "SELECT COUNT(DISTINCT month) AS n FROM si_rows WHERE id_number=?", idn
        )["n"]
        fields = {
            "参保单位": last["employer"],
            "参保险种": "养老、医疗、失业",
            "累计缴费": f"{months_n}个月",
        }
        return fields, (
            f"兹证明{name}（公民身份号码：{idn}）在{last['employer']}参加社会保险，"
            f"截至{last['month']}累计缴费{months_n}个月。特此证明。"
        )

    @app.get("/v1/certificates/{code}", tags=["certificates"], response_model=api.CertificateCheck)
    def check_certificate(code: CertCode) -> api.CertificateCheck:
        """Public, like the page: anyone holding the paper may check it."""
        check = certificate_check(code)
        if check is None:
            raise ApiError(404, "certificate_not_found", "没有查到这份证明，请核对验证码")
        return check

    def certificate_check(code: str) -> api.CertificateCheck | None:
        row = backend.store.one("SELECT * FROM certificates WHERE code=?", code.upper())
        if row is None:
            return None
        valid_until = row["valid_until"] or valid_until_of(row["issued_at"])
        today = datetime.fromtimestamp(backend.now(), CST).date().isoformat()
        return api.CertificateCheck(
            valid=row["revoked_at"] is None and today <= valid_until,
            kind=api.CertificateKind(row["kind"]),
            title=row["title"],
            issued_at=row["issued_at"],
            issuer=row["issuer"],
            name_masked=mask_name(row["name"]),
            id_masked=mask_id(row["id_number"]),
            valid_until=valid_until,
            revoked=row["revoked_at"] is not None,
            revoked_at=row["revoked_at"],
        )

    @app.get(
        "/verify/{code}",
        tags=["certificates"],
        response_class=HTMLResponse,
        responses={
            200: {"description": "the verification page", "content": {"text/html": {}}},
            404: {
                "description": "no such certificate (a page saying so)",
                "content": {"text/html": {}},
            },
        },
    )
    def verify_page(code: str) -> HTMLResponse:
        """The page a printed certificate's QR code opens on a phone: no terminal signature,
        server-rendered, large type, the holder masked."""
        found = re.fullmatch(r"[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){3}", code)
        check = certificate_check(code) if found else None
        headers = {
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        }
        if check is None:
            return HTMLResponse(verify_html.render_not_found(), 404, headers=headers)
        return HTMLResponse(verify_html.render(check, code.upper()), headers=headers)

    # ----- utilities: gas -----

    def gas_account(account: str):
        row = backend.store.one("SELECT * FROM gas_accounts WHERE account=?", account)
        if row is None:
            raise ApiError(404, "account_not_found", "没有找到这个燃气户号，请核对缴费单上的户号")
        return row

    @app.get("/v1/utilities/gas/accounts/{account}", tags=["gas"], response_model=api.GasAccount)
    def get_gas_account(account: AccountNo, _: Terminal) -> api.GasAccount:
        backend.expire_and_pay()
        row = gas_account(account)
        pending = backend.store.one(
            "SELECT COUNT(*) AS n FROM orders WHERE account=? AND status='paid'", account
        )["n"]
        return api.GasAccount(
            account=row["account"],
            holder_masked=mask_name(row["holder"]),
            address_masked=mask_address(row["address"]),
            balance=row["balance"],
            meter_type=api.MeterType(row["meter_type"]),
            min_amount=row["min_amount"],
            max_amount=row["max_amount"],
            pending_writes=pending,
        )

    @app.post(
        "/v1/utilities/gas/orders",
        tags=["gas"],
        response_model=api.Order,
        status_code=201,
        description="Requires an Idempotency-Key header (a new UUID per top-up, reused by "
        "every retry). Missing: 400. Same key, other body: 422. Same key while "
        "the first is in flight: 409. Same key later: the first response.",
    )
    async def create_order(
        body: api.OrderCreate,
        terminal_id: Terminal,
        idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
    ) -> Response:
        return await run_idempotent(
            terminal_id,
            idempotency_key,
            "POST /v1/utilities/gas/orders",
            body,
            lambda: prepare_order(body, terminal_id),
        )

    def prepare_order(body: api.OrderCreate, terminal_id: str) -> Callable[[Any], tuple[int, dict]]:
        """Checks (outside any transaction), then the write, run by ``run_idempotent`` in the
        same transaction that completes the key."""
        row = gas_account(body.account)
        if not row["min_amount"] <= body.amount <= row["max_amount"]:
            raise ApiError(
                422,
                "amount_out_of_range",
                f"充值金额需在{row['min_amount'] // 100}元到{row['max_amount'] // 100}元之间",
            )
        backend.faults.inside("/v1/utilities/gas/orders")

        def commit(db) -> tuple[int, dict]:
            now = backend.now()
            day = datetime.fromtimestamp(now, CST).strftime("%Y%m%d")
            order_id = "GO" + day + secrets.token_hex(5)
            db.execute(
                "INSERT INTO orders (order_id, terminal_id, account, amount, status, meter_type, "
                "created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    order_id,
                    terminal_id,
                    body.account,
                    body.amount,
                    "created",
                    row["meter_type"],
                    now,
                    now + ORDER_TTL_S,
                ),
            )
            order = db.execute("SELECT * FROM orders WHERE order_id=?", (order_id,)).fetchone()
            return 201, order_model(order).model_dump(mode="json")

        return commit

    def stored_answer(row) -> Response:
        return Response(
            row["body"],
            status_code=row["status_code"],
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )

    in_progress = ApiError(
        409,
        "request_in_progress",
        "正在处理，请稍候",
        "the first request with this key is still in flight",
    )

    async def run_idempotent(
        terminal_id: str,
        key: str | None,
        endpoint: str,
        params: BaseModel,
        prepare: Callable[[], Callable[[Any], tuple[int, dict]]],
    ) -> Response:
        """Stripe's rules: the key is taken (in flight, with a lock that expires), the work's
        write and the key's completion are one transaction, and the parameters are compared
        as parsed JSON. A lock held by a backend process that is gone (killed, restarted) or
        older than ``IDEMPOTENCY_LOCK_S`` is taken over by the next retry: the work of the
        request that held it never committed, because work and completion commit together."""
        if not key:
            raise ApiError(
                400,
                "idempotency_key_missing",
                "系统错误，请重新操作",
                "Idempotency-Key header is required",
            )
        canonical = json.dumps(
            [endpoint, params.model_dump(mode="json")], sort_keys=True, separators=(",", ":")
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        owner = f"{backend.boot_id}:{secrets.token_hex(6)}"
        now = backend.now()
        where = "terminal_id=? AND key=?"

        def take_key():
            """None when this request now holds the key, else the key's row."""
            with backend.store.tx() as db:
                db.execute(
                    "DELETE FROM idempotency WHERE created_at<?", (now - IDEMPOTENCY_KEEP_S,)
                )
                row = db.execute(
                    f"SELECT * FROM idempotency WHERE {where}", (terminal_id, key)
                ).fetchone()
                if row is None:
                    db.execute(
                        "INSERT INTO idempotency (terminal_id, key, request_hash, state, "
                        "created_at, locked_until, owner) VALUES (?,?,?,'in_flight',?,?,?)",
                        (terminal_id, key, digest, now, now + IDEMPOTENCY_LOCK_S, owner),
                    )
                elif (
                    row["request_hash"] == digest
                    and row["state"] == "in_flight"
                    and ((row["locked_until"] or 0) < now or boot_is_gone(db, row["owner"] or ""))
                ):
                    log.warning("idempotency key taken over from a dead or hung request")
                    db.execute(
                        f"UPDATE idempotency SET owner=?, locked_until=? WHERE {where}",
                        (owner, now + IDEMPOTENCY_LOCK_S, terminal_id, key),
                    )
                    row = None
            return row

        row = await run_in_threadpool(take_key)  # the event loop never waits on the database
        if row is not None:
            if row["request_hash"] != digest:
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    "系统错误，请重新操作",
                    "this Idempotency-Key was used with different parameters",
                )
            if row["state"] == "in_flight":
                raise in_progress
            return stored_answer(row)

        def finish(outcome: Callable[[Any], tuple[int, dict]]) -> Response | None:
            """Commit the outcome and the key together, if this request still holds the key."""
            with backend.store.tx() as db:
                cur = db.execute(
                    f"SELECT owner, state FROM idempotency WHERE {where}", (terminal_id, key)
                ).fetchone()
                if cur is None or cur["owner"] != owner or cur["state"] != "in_flight":
                    return None  # a retry took the key over: its answer is the one
                status, body = outcome(db)
                text = json.dumps(body, ensure_ascii=False)
                db.execute(
                    f"UPDATE idempotency SET state='done', status_code=?, body=? WHERE {where}",
                    (status, text, terminal_id, key),
                )
            return Response(text, status_code=status, media_type="application/json")

        def refusal(exc: ApiError) -> Callable[[Any], tuple[int, dict]]:
            err = api.Error(code=exc.code, message=exc.message, detail=exc.detail)
            return lambda _db: (exc.status, err.model_dump())

        try:
            try:
                commit = await run_in_threadpool(prepare)
                answer = await run_in_threadpool(finish, commit)
            except ApiError as exc:  # a refusal is the answer for this key, like a success
                answer = await run_in_threadpool(finish, refusal(exc))
        except BaseException:
            # here, not in the thread pool: a cancelled request could not await it (rare path)
            with backend.store.tx() as db:  # let the client retry with the same key
                db.execute(
                    f"DELETE FROM idempotency WHERE {where} AND owner=? AND state='in_flight'",
                    (terminal_id, key, owner),
                )
            raise
        if answer is not None:
            return answer
        row = await run_in_threadpool(
            backend.store.one, f"SELECT * FROM idempotency WHERE {where}", terminal_id, key
        )
        if row is None or row["state"] == "in_flight":
            raise in_progress
        return stored_answer(row)

    def get_order_row(order_id: str):
        backend.expire_and_pay()
        row = backend.store.one("SELECT * FROM orders WHERE order_id=?", order_id)
        if row is None:
            raise ApiError(404, "order_not_found", "没有找到这笔订单")
        return row

    def own_order_row(order_id: str, terminal_id: str):
        """Another terminal's order is "not found" here: it can neither read nor cancel it.
        (Paid purchases waiting for the card are another matter: any terminal may write them.)"""
        row = get_order_row(order_id)
        if row["terminal_id"] != terminal_id and not backend.open_mode:
            raise ApiError(404, "order_not_found", "没有找到这笔订单")
        return row

    @app.get("/v1/utilities/gas/orders/{order_id}", tags=["gas"], response_model=api.Order)
    def get_order(order_id: OrderNo, terminal_id: Terminal) -> api.Order:
        return order_model(own_order_row(order_id, terminal_id))

    @app.post("/v1/utilities/gas/orders/{order_id}/cancel", tags=["gas"], response_model=api.Order)
    def cancel_order(order_id: OrderNo, terminal_id: Terminal) -> api.Order:
        row = own_order_row(order_id, terminal_id)
        if row["status"] in ("cancelled", "expired"):
            return order_model(row)
        if row["status"] != "created":
            raise ApiError(409, "already_paid", "这笔订单已经付款，不能取消")
        with backend.store.tx() as db:
            db.execute(
                "UPDATE orders SET status='cancelled' WHERE order_id=? AND status='created'",
                (order_id,),
            )
        return order_model(get_order_row(order_id))

    @app.get(
        "/v1/utilities/gas/orders/{order_id}/card-token", tags=["gas"], response_model=api.CardToken
    )
    def card_token(order_id: OrderNo, _: Terminal) -> api.CardToken:
        row = get_order_row(order_id)
        if row["meter_type"] != "ic_card":
            raise ApiError(409, "not_ic_card", "这个户号是远传表，充值已直接到账，无需写卡")
        if row["status"] != "paid":
            raise ApiError(
                409, "not_writable", "这笔订单现在不能写卡", f"order status {row['status']}"
            )
        acct = gas_account(row["account"])
        seq = acct["card_sequence"] + 1
        from kiosk.backend.topup_routes import card_write_token  # keyed: HMAC, the card key

        mac = card_write_token(order_id, row["account"], row["amount"], seq)
        return api.CardToken(
            order_id=order_id,
            account=row["account"],
            amount=row["amount"],
            sequence=seq,
            token=mac,
        )

    @app.post(
        "/v1/utilities/gas/orders/{order_id}/card-written", tags=["gas"], response_model=api.Order
    )
    def card_written(order_id: OrderNo, body: api.CardWritten, _: Terminal) -> api.Order:
        """Confirm a card write. Repeating the confirmation is harmless (same answer)."""
        with backend.store.tx() as db:
            row = db.execute("SELECT * FROM orders WHERE order_id=?", (order_id,)).fetchone()
            if row is None:
                raise ApiError(404, "order_not_found", "没有找到这笔订单")
            if row["status"] == "written":
                if row["sequence"] != body.sequence:
                    raise ApiError(409, "sequence_mismatch", "写卡记录不一致，请联系工作人员")
                return order_model(row)
            if row["status"] != "paid":
                raise ApiError(
                    409, "not_writable", "这笔订单现在不能写卡", f"order status {row['status']}"
                )
            acct = db.execute(
                "SELECT * FROM gas_accounts WHERE account=?", (row["account"],)
            ).fetchone()
            if body.sequence != acct["card_sequence"] + 1:
                raise ApiError(
                    409,
                    "sequence_mismatch",
                    "写卡记录不一致，请联系工作人员",
                    f"expected {acct['card_sequence'] + 1}",
                )
            db.execute(
                "UPDATE gas_accounts SET card_sequence=?, balance=balance+? WHERE account=?",
                (body.sequence, row["amount"], row["account"]),
            )
            db.execute(
                "UPDATE orders SET status='written', sequence=?, card_serial=? WHERE order_id=?",
                (body.sequence, body.card_serial, order_id),
            )
            db.execute(
                "INSERT INTO ledger (order_id, account, entry, amount, at) VALUES (?,?,?,?,?)",
                (order_id, row["account"], "card_write", row["amount"], backend.now()),
            )
        return order_model(get_order_row(order_id))

    @app.get(
        "/v1/utilities/gas/accounts/{account}/pending", tags=["gas"], response_model=list[api.Order]
    )
    def pending_writes(account: AccountNo, _: Terminal) -> list[api.Order]:
        """Paid purchases not yet on the card （待圈存）： any terminal may write them."""
        gas_account(account)
        backend.expire_and_pay()
        rows = backend.store.all(
            "SELECT * FROM orders WHERE account=? AND status='paid' ORDER BY created_at", account
        )
        return [order_model(r) for r in rows]

    @app.get(
        "/v1/utilities/gas/late-payments",
        tags=["gas"],
        response_model=list[api.LatePayment],
    )
    def late_payments(terminal_id: Terminal) -> list[api.LatePayment]:
        """This terminal's orders paid after cancel or expiry, newest first, with their refunds
        (for the admin screen; the backend has refunded each already)."""
        backend.expire_and_pay()
        rows = backend.store.all(
            "SELECT * FROM orders WHERE late_paid_at IS NOT NULL AND (terminal_id=? OR ?) "
            "ORDER BY late_paid_at DESC LIMIT 200",
            terminal_id,
            backend.open_mode,
        )
        return [
            api.LatePayment(
                order_id=r["order_id"],
                account=r["account"],
                amount=r["amount"],
                status=api.OrderStatus(r["status"]),
                late_paid_at=_iso(r["late_paid_at"]),
                refunded_at=_iso(r["refunded_at"]) if r["refunded_at"] else None,
                money_note=money_note(r) or "",
            )
            for r in rows
        ]

    # ----- evaluations, 12345 -----

    @app.post(
        "/v1/evaluations", tags=["feedback"], response_model=api.EvaluationReceipt, status_code=201
    )
    def evaluate(body: api.Evaluation, terminal_id: Terminal) -> api.EvaluationReceipt:
        eid = "EV" + secrets.token_hex(6).upper()
        with backend.store.tx() as db:
            db.execute(
                "INSERT INTO evaluations VALUES (?,?,?,?,?,?)",
                (
                    eid,
                    body.case_number,
                    body.level.value,
                    body.comment,
                    _iso(backend.now()),
                    terminal_id,
                ),
            )
        return api.EvaluationReceipt(evaluation_id=eid)

    @app.post(
        "/v1/complaints", tags=["feedback"], response_model=api.ComplaintReceipt, status_code=201
    )
    def complain(body: api.ComplaintCreate, _: Terminal) -> api.ComplaintReceipt:
        now = backend.now()
        number = (
            "12345"
            + datetime.fromtimestamp(now, CST).strftime("%Y%m%d")
            + f"{secrets.randbelow(10**6):06d}"
        )
        code = f"{secrets.randbelow(10**6):06d}"
        with backend.store.tx() as db:
            db.execute(
                "INSERT INTO complaints VALUES (?,?,?,?,?,?,?)",
                (number, code, body.content, body.category, body.phone, str(now), "已受理"),
            )
        return api.ComplaintReceipt(number=number, verify_code=code)

    @app.get("/v1/complaints/{number}", tags=["feedback"], response_model=api.ComplaintProgress)
    def complaint_progress(
        number: ComplaintNo, code: Annotated[str, Query(pattern=r"^\d{6}$")], terminal_id: Terminal
    ) -> api.ComplaintProgress:
        now = backend.now()
        error: ApiError | None = None
        with backend.store.tx() as db:  # a wrong code is counted and committed, then refused
            row = db.execute("SELECT * FROM complaints WHERE number=?", (number,)).fetchone()
            if window_full(db, "wrong_code", terminal_id, WRONG_CODES_PER_TERMINAL, now):
                error = too_many("wrong codes from this terminal", WRONG_CODES_PER_TERMINAL[1])
            elif window_full(db, "complaint_code", number, COMPLAINT_TRIES, now):
                error = too_many("wrong codes for this complaint", COMPLAINT_TRIES[1])
            elif row is None or not secrets.compare_digest(row["verify_code"], code):
                add_attempt(db, "wrong_code", terminal_id, now)
                add_attempt(db, "complaint_code", number, now)
                error = ApiError(
                    404, "complaint_not_found", "没有查到这个诉求，请核对诉求编号和验证码"
                )
        if error:
            raise error
        assert row is not None
        submitted = float(row["submitted_at"])
        age = backend.now() - submitted
        steps = ["已受理：诉求已登记"]
        status, reply = "已受理", None
        if age > 60:
            steps.append("办理中：已转交承办单位")
            status = "办理中"
        if age > 600:
            steps.append("已办结：承办单位已答复")
            status, reply = "已办结", "您反映的问题已交由属地街道办理，工作人员将与您联系。"
        return api.ComplaintProgress(
            number=number, status=status, submitted_at=_iso(submitted), steps=steps, reply=reply
        )

    # ----- terminal -----

    @app.post("/v1/terminal/heartbeat", tags=["terminal"], response_model=api.HeartbeatAck)
    def heartbeat(body: api.Heartbeat, terminal_id: Terminal) -> api.HeartbeatAck:
        seen = getattr(backend, "heartbeat_seen", None)  # the console keeps changes as events
        if seen is not None:
            seen(terminal_id, body.model_dump())
        with backend.store.tx(serial=False) as db:  # one upsert
            db.execute(
                "INSERT INTO heartbeats VALUES (?,?,?) ON CONFLICT (terminal_id) DO UPDATE SET"
                " payload=excluded.payload, at=excluded.at",
                (terminal_id, body.model_dump_json(), _iso(backend.now())),
            )
        assigned = getattr(backend, "assigned_catalog", None)  # published (catalog_routes)
        version = assigned(terminal_id) if assigned else None
        if not version:
            version = backend.catalog_version()
        return api.HeartbeatAck(server_time=_iso(backend.now()), catalog_version=str(version))

    from kiosk.backend.catalog_routes import add_catalog_routes
    from kiosk.backend.sandbox_routes import add_sandbox_routes
    from kiosk.backend.topup_routes import add_topup_routes

    add_sandbox_routes(app, backend, Terminal)
    from kiosk.backend.service_routes import add_service_routes  # utilities, 办件编号, 求助

    add_service_routes(app, backend, Terminal)
    add_topup_routes(app, backend, Terminal)
    add_catalog_routes(app, backend, Terminal)
    from kiosk.backend.console import add_console_routes  # pages under /console/, usage reports

    add_console_routes(app, backend, Terminal)
    if not test_controls:  # a terminal's stolen secret must not move the clock, and so on
        app.router.routes = [
            r for r in app.router.routes if not getattr(r, "path", "").startswith("/v1/sandbox/")
        ]

    # after every route: the document says which errors each can answer, and what it requires
    document_errors(app, terminal, resident)
    generated = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            amend_openapi(generated(), app, terminal, resident)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app


SANDBOX_ENV = "KIOSK_SANDBOX_SETTINGS"


def app_from_env() -> FastAPI:
    """The app of one worker process of ``kiosk sandbox --workers N``: the parent wrote the
    settings (never a secret: the database URL's password is the operator's) to the environment.
    Workers share nothing but the database; the parent already migrated and seeded it."""
    from kiosk.logs import setup_logging

    settings = json.loads(os.environ[SANDBOX_ENV])
    setup_logging("INFO", Path(settings["data_dir"]), file_name="backend.log")
    return create_app(
        Path(settings["data_dir"]),
        open_mode=settings["open_mode"],
        catalog_path=Path(settings["catalog_path"]),
        pay_after_s=settings["pay_after_s"],
        public_url=settings["public_url"],
        database=settings["database"],
        test_controls=settings.get("test_controls", False),
    )


def listening_socket(host: str, port: int):
    """A bound TCP socket for uvicorn, with TCP_NODELAY (inherited by every accepted connection).

    Without it each answer on a kept-alive connection waited 40 ms: uvicorn writes the headers and
    the body separately, Nagle holds the body back until the client's delayed ACK. asyncio sets
    TCP_NODELAY itself only on sockets made with ``proto=IPPROTO_TCP``, which uvicorn's are not."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)  # worker processes take it over
    return sock


def serve(app, host: str, port: int, workers: int = 1) -> None:
    """Run uvicorn in the foreground until interrupted: ``app`` itself, or with ``workers`` > 1
    the import string of an app factory that each worker process calls."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock = listening_socket(host, port)
    if workers == 1:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
        return
    config = uvicorn.Config(app, factory=True, workers=workers, log_level="warning")
    Multiprocess(config, sockets=[sock]).run()


def run_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0):
    """Start uvicorn in a daemon thread; returns (server, base_url). Used by demo mode and tests."""
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="reference-backend"
    )
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.01)
    if not server.started:
        raise RuntimeError("reference backend did not start")
    actual_port = sock.getsockname()[1]
    return server, thread, f"http://{host}:{actual_port}"
