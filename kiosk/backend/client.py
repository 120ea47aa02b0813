"""The kiosk's client of the gateway API.

One ``requests.Session`` with connect and read timeouts; retries with exponential backoff and jitter
only where a retry is safe (GETs, and POSTs that carry an Idempotency-Key); every response validated
into the API's typed models; one exception family the UI can show without knowing HTTP:

- ``BackendUnavailable``: no usable answer (network down, timeout, 5xx). For a POST the outcome is
  unknown; the caller resolves it by asking again with the same idempotency key, never by guessing.
- ``BackendRejected``: the backend said no; ``message`` is Chinese fit for a resident.
- ``BackendInvalidResponse``: the backend answered something that breaks the contract.

Logs carry method, path, status and time only: never a token, ID number or name.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, TypeAdapter, ValidationError

from kiosk.backend import api
from kiosk.backend.auth import HEADER_TERMINAL, sign
from kiosk.errors import BackendProblem
from kiosk.logs import REQUEST_ID, new_request_id, watch_personal

log = logging.getLogger(__name__)

M = TypeVar("M")

CERT_CODE = re.compile(r"[0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4}){3}")
UNAVAILABLE_MESSAGE = "网络连接不上，请稍后再试；如急需办理，请到人工窗口"
INVALID_MESSAGE = "系统返回的信息有误，请稍后再试或到人工窗口办理"
RETRY_STATUSES = {500, 502, 503, 504}


class BackendError(BackendProblem):
    """Base of what the client raises. ``message`` (``user_message``) is fit to show a resident;
    ``detail`` is for the log (kiosk.errors)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message, detail)


class BackendUnavailable(BackendError):
    pass


class BackendRejected(BackendError):
    def __init__(self, status: int, code: str, message: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.status = status
        self.code = code


class BackendInvalidResponse(BackendError):
    pass


class BackendClient:
    def __init__(
        self,
        base_url: str,
        terminal_id: str,
        secret: str,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        retries: int = 3,
        backoff_s: float = 0.25,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        _require_tls_off_loopback(self.base_url)
        self.terminal_id = terminal_id
        self._secret = secret
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff_s = backoff_s
        self.http = session or requests.Session()
        self.http.headers["User-Agent"] = "zhengwu-kiosk/0.1"

    # ----- transport -----

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | dict | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        retry: bool,
    ) -> requests.Response:
        data = b""
        if body is not None:
            payload = (
                body.model_dump(mode="json", exclude_none=True)
                if isinstance(body, BaseModel)
                else body
            )
            data = json.dumps(payload, ensure_ascii=False).encode()
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        attempts = 1 + (self.retries if retry else 0)
        rid = new_request_id()  # one id for the call and its retries, logged on both sides
        rid_token = REQUEST_ID.set(rid)
        try:
            return self._attempts(method, path, data, clean, headers, retry, attempts, rid)
        finally:
            REQUEST_ID.reset(rid_token)

    def _attempts(self, method, path, data, clean, headers, retry, attempts, rid):
        last: BackendError | None = None
        for attempt in range(attempts):
            if attempt:
                # exponential backoff with full jitter, so terminals do not retry in step
                time.sleep(random.uniform(0, self.backoff_s * 2 ** (attempt - 1)))
            prepared = requests.Request(
                method, self.base_url + path, params=clean, data=data, headers=headers or {}
            ).prepare()
            prepared.headers["Content-Type"] = "application/json"
            prepared.headers[HEADER_TERMINAL] = self.terminal_id
            prepared.headers["X-Request-Id"] = rid
            prepared.headers.update(sign(self._secret, method, prepared.path_url, data))
            started = time.perf_counter()
            try:
                # never follow a redirect: it would re-send the resident token and the body
                # (names, ID numbers) to wherever the Location points
                resp = self.http.send(prepared, timeout=self.timeout, allow_redirects=False)
            except requests.RequestException as exc:
                log.warning(
                    "%s %s: %s (attempt %d/%d)",
                    method,
                    path,
                    type(exc).__name__,
                    attempt + 1,
                    attempts,
                )
                last = BackendUnavailable(UNAVAILABLE_MESSAGE, type(exc).__name__)
                continue
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s -> %d in %.0f ms", method, path, resp.status_code, ms)
            if 300 <= resp.status_code < 400 and resp.status_code != 304:
                log.error("%s %s: redirect refused (HTTP %d)", method, path, resp.status_code)
                detail = f"redirect refused: HTTP {resp.status_code}"
                raise BackendInvalidResponse(INVALID_MESSAGE, detail)
            retryable = resp.status_code in RETRY_STATUSES or (
                resp.status_code == 409 and _code(resp) == "request_in_progress"
            )
            if retry and retryable and attempt + 1 < attempts:
                last = _error_from(resp)
                continue
            return resp
        assert last is not None
        raise last

    def _call(
        self,
        method: str,
        path: str,
        model: Any,
        *,
        expect: tuple[int, ...] = (200,),
        retry: bool | None = None,
        **kw: Any,
    ):
        resp = self._send(method, path, retry=(method == "GET") if retry is None else retry, **kw)
        if resp.status_code not in expect:
            raise _error_from(resp)
        if model is None:
            return None
        try:
            return TypeAdapter(model).validate_json(resp.content)
        except ValidationError as exc:
            log.error(
                "%s %s: response breaks the contract: %s",
                method,
                path,
                exc.errors(include_url=False, include_input=False)[:3],
            )
            raise BackendInvalidResponse(
                INVALID_MESSAGE, "response does not match the schema"
            ) from None

    @staticmethod
    def _resident(token: str) -> dict[str, str]:
        return {"X-Resident-Token": token}

    # ----- catalog -----

    def catalog(self, etag: str | None = None) -> tuple[bytes | None, str | None]:
        """(catalog bytes, ETag); (None, etag) when unchanged since ``etag``."""
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._send("GET", "/v1/catalog", headers=headers, retry=True)
        if resp.status_code == 304:
            return None, etag
        if resp.status_code != 200:
            raise _error_from(resp)
        return resp.content, resp.headers.get("ETag")

    # ----- identity -----

    def login_id_card(self, name: str, id_number: str) -> api.ResidentSession:
        watch_personal(name)  # masked in every log line until the session ends (kiosk.logs)
        return self._call(
            "POST",
            "/v1/identity/id-card",
            api.ResidentSession,
            body=api.IdCardLogin(name=name, id_number=id_number),
        )

    def send_sms(self, phone: str) -> api.SmsSent:
        return self._call("POST", "/v1/identity/sms", api.SmsSent, body=api.SmsSend(phone=phone))

    def verify_sms(self, phone: str, code: str) -> api.ResidentSession:
        return self._call(
            "POST",
            "/v1/identity/sms/verify",
            api.ResidentSession,
            body=api.SmsVerify(phone=phone, code=code),
        )

    def end_session(self, token: str) -> None:
        self._call(
            "DELETE",
            "/v1/identity/session",
            None,
            expect=(204,),
            retry=True,
            headers=self._resident(token),
        )

    # ----- records -----

    def _record(self, path: str, model: type[M], token: str, **params: Any) -> M:
        if "start" in params:
            params["from"] = params.pop("start")
        return self._call("GET", path, model, params=params, headers=self._resident(token))

    def gjj_statement(
        self,
        token: str,
        start: str | None = None,
        to: str | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> api.GjjStatement:
        return self._record(
            "/v1/records/gjj",
            api.GjjStatement,
            token,
            start=start,
            to=to,
            page=page,
            page_size=page_size,
        )

    def si_statement(
        self,
        token: str,
        start: str | None = None,
        to: str | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> api.SiStatement:
        return self._record(
            "/v1/records/si",
            api.SiStatement,
            token,
            start=start,
            to=to,
            page=page,
            page_size=page_size,
        )

    def education(self, token: str, page: int = 1, page_size: int = 20) -> api.EducationStatement:
        return self._record(
            "/v1/records/education", api.EducationStatement, token, page=page, page_size=page_size
        )

    # ----- certificates -----

    def issue_certificate(
        self, token: str, kind: api.CertificateKind, purpose: str | None = None
    ) -> api.Certificate:
        return self._call(
            "POST",
            "/v1/certificates",
            api.Certificate,
            expect=(201,),
            body=api.CertificateRequest(kind=kind, purpose=purpose),
            headers=self._resident(token),
        )

    def check_certificate(self, code: str) -> api.CertificateCheck:
        return self._call("GET", f"/v1/certificates/{code}", api.CertificateCheck)

    def verify_certificate(self, code: str) -> api.CertificateCheck:
        """For the 核验证明 screen: ``code`` is what the barcode scanner read off a printed
        certificate (the QR's verification URL) or the 验证码 typed by hand."""
        found = CERT_CODE.search(code.strip())
        if not found:
            raise BackendRejected(
                404, "certificate_not_found", "没有识别出证明的验证码，请对准证明上的二维码重试"
            )
        return self.check_certificate(found.group(0).upper())

    # ----- gas -----

    def gas_account(self, account: str) -> api.GasAccount:
        return self._call("GET", f"/v1/utilities/gas/accounts/{account}", api.GasAccount)

    def create_gas_order(self, account: str, amount: int, idempotency_key: str) -> api.Order:
        """Safe to retry: every attempt carries the same key, so at most one order exists."""
        return self._call(
            "POST",
            "/v1/utilities/gas/orders",
            api.Order,
            expect=(201,),
            retry=True,
            body=api.OrderCreate(account=account, amount=amount),
            headers={"Idempotency-Key": idempotency_key},
        )

    def gas_order(self, order_id: str) -> api.Order:
        return self._call("GET", f"/v1/utilities/gas/orders/{order_id}", api.Order)

    def cancel_gas_order(self, order_id: str) -> api.Order:
        # cancelling twice gives the same answer, so a retry is safe
        return self._call(
            "POST", f"/v1/utilities/gas/orders/{order_id}/cancel", api.Order, retry=True
        )

    def card_token(self, order_id: str) -> api.CardToken:
        return self._call("GET", f"/v1/utilities/gas/orders/{order_id}/card-token", api.CardToken)

    def confirm_card_written(self, order_id: str, card_serial: str, sequence: int) -> api.Order:
        # confirming twice with the same sequence gives the same answer: safe to retry
        return self._call(
            "POST",
            f"/v1/utilities/gas/orders/{order_id}/card-written",
            api.Order,
            retry=True,
            body=api.CardWritten(card_serial=card_serial, sequence=sequence),
        )

    def late_payments(self) -> list[api.LatePayment]:
        """This terminal's payments that came after cancel or expiry, with their refunds."""
        return self._call("GET", "/v1/utilities/gas/late-payments", list[api.LatePayment])

    def pending_writes(self, account: str) -> list[api.Order]:
        return self._call("GET", f"/v1/utilities/gas/accounts/{account}/pending", list[api.Order])

    def terminal_gas_orders(self) -> list[api.Order]:
        """This terminal's unfinished gas orders (unpaid, or paid and not on a card): what a
        damaged top-up journal is rebuilt from."""
        return self._call("GET", "/v1/terminal/gas-orders", list[api.Order])

    # ----- feedback -----

    def evaluate(
        self, case_number: str, level: api.EvaluationLevel, comment: str | None = None
    ) -> api.EvaluationReceipt:
        return self._call(
            "POST",
            "/v1/evaluations",
            api.EvaluationReceipt,
            expect=(201,),
            body=api.Evaluation(case_number=case_number, level=level, comment=comment),
        )

    def complain(
        self, content: str, category: str | None = None, phone: str | None = None
    ) -> api.ComplaintReceipt:
        return self._call(
            "POST",
            "/v1/complaints",
            api.ComplaintReceipt,
            expect=(201,),
            body=api.ComplaintCreate(content=content, category=category, phone=phone),
        )

    def complaint_progress(self, number: str, code: str) -> api.ComplaintProgress:
        return self._call(
            "GET", f"/v1/complaints/{number}", api.ComplaintProgress, params={"code": code}
        )

    # ----- terminal -----

    def heartbeat(
        self, app_version: str, catalog_version: str, printer: str, paper: str, **more: Any
    ) -> api.HeartbeatAck:
        """``more``: api.Heartbeat's optional fields (reader, microphone, ...: kiosk/heartbeat)."""
        return self._call(
            "POST",
            "/v1/terminal/heartbeat",
            api.HeartbeatAck,
            retry=True,
            body=api.Heartbeat(
                app_version=app_version,
                catalog_version=catalog_version,
                printer=printer,
                paper=paper,
                **more,
            ),
        )

    def usage(self, batch) -> api.UsageAck:
        """Report a ``kiosk.usage.UsageBatch`` (counts since the last report). Not retried here:
        the heartbeat thread keeps a batch that failed and sends it with the next one."""
        return self._call(
            "POST",
            "/v1/terminal/usage",
            api.UsageAck,
            retry=False,
            body=api.UsageReport(
                report_id=batch.report_id,
                services=[
                    api.ServiceUse(matter_id=m, service=s, count=n)
                    for (m, s), n in batch.services.items()
                ],
                unmatched=[
                    api.UnmatchedSearch(text=t, count=n) for t, n in batch.unmatched.items()
                ],
            ),
        )

    # ----- utilities without a card, 办件编号, 求助 (backend/service_routes.py) -----

    def utility_account(self, kind: str, account: str) -> api.UtilityAccount:
        return self._call("GET", f"/v1/utilities/{kind}/accounts/{account}", api.UtilityAccount)

    def create_utility_order(
        self, kind: str, account: str, amount: int, idempotency_key: str
    ) -> api.UtilityOrder:
        """Safe to retry: every attempt carries the same key, so at most one order exists."""
        return self._call(
            "POST",
            f"/v1/utilities/{kind}/orders",
            api.UtilityOrder,
            expect=(201,),
            retry=True,
            body=api.UtilityOrderCreate(account=account, amount=amount),
            headers={"Idempotency-Key": idempotency_key},
        )

    def utility_order(self, kind: str, order_id: str) -> api.UtilityOrder:
        return self._call("GET", f"/v1/utilities/{kind}/orders/{order_id}", api.UtilityOrder)

    def cancel_utility_order(self, kind: str, order_id: str) -> api.UtilityOrder:
        return self._call(
            "POST", f"/v1/utilities/{kind}/orders/{order_id}/cancel", api.UtilityOrder, retry=True
        )

    def new_case(self, service: str, matter_id: str | None = None) -> api.CaseNumber:
        """A 办件编号 for a service finished at this terminal (what 好差评 is given for)."""
        return self._call(
            "POST",
            "/v1/cases",
            api.CaseNumber,
            expect=(201,),
            body=api.CaseCreate(service=service, matter_id=matter_id),
        )

    def ask_help(self, screen: str) -> api.HelpAck:
        return self._call(
            "POST", "/v1/help", api.HelpAck, expect=(201,), body=api.HelpRequest(screen=screen)
        )

    # ----- reference backend only (sandbox) -----

    def sandbox(self, method: str, path: str, body: dict | None = None) -> Any:
        resp = self._send(method, "/v1/sandbox" + path, body=body, retry=False)
        if resp.status_code >= 400:
            raise _error_from(resp)
        return resp.json()


def _require_tls_off_loopback(url: str) -> None:
    """Plain HTTP only to this machine: residents' data never crosses a network unencrypted.

    The host is read with urllib3's parser, the one requests connects with; a URL that two
    parsers could read differently (user info, backslashes, spaces or control characters,
    percent signs in the host part) is refused outright."""
    import ipaddress
    from urllib.parse import urlsplit

    from urllib3.util import parse_url

    refuse = ValueError(f"backend URL must be https:// (plain http only on loopback): {url!r}")
    if any(ch in url for ch in "\\@ \t\r\n") or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise refuse
    try:
        parts, theirs = parse_url(url), urlsplit(url)
        theirs_host = theirs.hostname
    except ValueError:
        raise refuse from None
    host = (parts.host or "").strip("[]").lower()
    if not host or "%" in host or host != (theirs_host or "").lower() or parts.auth:
        raise refuse
    if parts.scheme == "https":
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise refuse


def _code(resp: requests.Response) -> str:
    try:
        return str(resp.json().get("code", ""))
    except (ValueError, AttributeError):
        return ""


def _error_from(resp: requests.Response) -> BackendError:
    """Turn an error answer into the exception the UI shows; 5xx means 'unavailable'."""
    try:
        err = api.Error.model_validate_json(resp.content)
    except ValidationError:
        err = None
    if resp.status_code >= 500:
        return BackendUnavailable(UNAVAILABLE_MESSAGE, f"HTTP {resp.status_code}")
    if err is None:
        return BackendInvalidResponse(
            INVALID_MESSAGE, f"HTTP {resp.status_code} without an error body"
        )
    return BackendRejected(resp.status_code, err.code, err.message, err.detail or "")
