"""Catalog versions on the backend: admins publish, terminals pull their assigned version.

- Admin accounts are separate from terminal secrets: argon2 password hashes, bearer sessions that
  expire (``ADMIN_SESSION_S``), five wrong passwords lock an account for five minutes.
- Publishing validates the catalog, stores it under its version label, signs it with the
  backend's catalog key and assigns it to all terminals, a list of them, or a share (staged
  rollout: the same terminals stay in the share as it grows). Rolling back is assigning an older
  stored version. Every publish and assignment is recorded: who, when, version, diff summary.
- A terminal asks ``GET /v1/catalog/assigned`` with If-None-Match (304 when unchanged). The answer
  carries ``X-Catalog-Signature``: HMAC-SHA256 keyed with *that terminal's* secret over the
  version and the body's SHA-256. Ed25519 would let one public key serve every terminal, but the
  `cryptography` package is not installed here; a single HMAC key shared by all terminals would let
  one stolen terminal forge catalogs for the others, a per-terminal key does not. The stored copy
  is also signed with the backend's own key and checked before it is served (a damaged database
  row is never handed out).
"""

# No `from __future__ import annotations`: FastAPI must see the dependencies (locals of
# add_catalog_routes) as real types, not strings it cannot resolve.

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kiosk.backend.store import add_attempt, attempts
from kiosk.catalog import CatalogError, validate_catalog
from kiosk.catalog_io import diff_catalogs
from kiosk.catalog_lint import REFERENCE_SERVICES, lint
from kiosk.catalog_sync import (
    SIGNATURE_HEADER,
    VERSION_HEADER,
    catalog_signature,
    signing_text,
)

log = logging.getLogger(__name__)

ADMIN_SESSION_S = 1800
LOCK_AFTER, LOCK_S = 5, 300
# wrong sign-ins per address per 15 minutes, the console's and the API's counted together
LOGIN_ATTEMPTS, LOGIN_LIMIT = "console_login", (10, 900)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))  # unknown users cost the same time as known


def bucket(version: str, terminal_id: str) -> int:
    """0-99, stable per (version, terminal): a share of 10 then 50 keeps the first 10 in."""
    return int(hashlib.sha256(f"{version}\n{terminal_id}".encode()).hexdigest()[:8], 16) % 100


# ----- accounts (also used by the CLI on a backend's data folder) -----


def add_admin(store, name: str, password: str) -> None:
    """Create or reset an admin account. A reset ends the account's sessions (the API's and the
    console's): whoever signed in with the old password is signed out."""
    if not name or len(password) < 8:
        raise ValueError("an admin needs a name and a password of at least 8 characters")
    with store.tx() as db:
        db.execute(
            "INSERT INTO admin_users (name, hash, created_at) VALUES (?,?,?) ON CONFLICT (name)"
            " DO UPDATE SET hash=excluded.hash, created_at=excluded.created_at, failures=0,"
            " locked_until=0",
            (name, _hasher.hash(password), time.time()),
        )
        db.execute("DELETE FROM admin_sessions WHERE name=?", (name,))
        db.execute("DELETE FROM console_sessions WHERE name=?", (name,))


class AdminLocked(Exception):
    """Too many wrong passwords: the account is locked for ``seconds`` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"locked for {seconds} s")
        self.seconds = seconds


def check_admin_password(store, user: str, password: str, now: float) -> bool:
    """The one admin password check (the API's login and the console's): argon2, the same time
    for unknown names, ``LOCK_AFTER`` wrong passwords lock the account for ``LOCK_S``. True when
    right (the failure count is reset); raises ``AdminLocked`` while locked."""
    row = store.one("SELECT * FROM admin_users WHERE name=?", user)
    if row is not None and row["locked_until"] > now:
        raise AdminLocked(int(row["locked_until"] - now))
    try:
        good = _hasher.verify(row["hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        good = False
    ok = good and row is not None
    with store.tx() as db:
        if ok:
            db.execute("UPDATE admin_users SET failures=0 WHERE name=?", (user,))
        elif row is not None:
            failures = row["failures"] + 1
            locked = now + LOCK_S if failures >= LOCK_AFTER else 0
            db.execute(
                "UPDATE admin_users SET failures=?, locked_until=? WHERE name=?",
                (0 if locked else failures, locked, user),
            )
    if not ok:
        log.warning("admin login refused for %r", user[:64])
    return ok


def _catalog_key(store) -> str:
    with store.tx() as db:
        row = db.execute("SELECT value FROM meta WHERE key='catalog_key'").fetchone()
        if row:
            return json.loads(row["value"])
        key = secrets.token_hex(32)
        db.execute("INSERT INTO meta VALUES ('catalog_key', ?)", (json.dumps(key),))
        return key


# ----- request and response bodies -----


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AdminLogin(_Body):
    user: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class AdminSession(BaseModel):
    token: str
    expires_in_s: int


Share = Annotated[int, Field(ge=1, le=100)]
TerminalList = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=5000)
]


class Target(_Body):
    """Which terminals get the version: all (neither given), these, or a share of all."""

    terminals: TerminalList | None = None
    share: Share | None = None


class Publish(Target):
    """The catalog itself when small, else ``upload_id`` of one sent in parts (request bodies are
    limited to 64 KiB; a provincial catalog is megabytes)."""

    catalog: dict[str, Any] | None = None
    upload_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = None


class UploadPart(_Body):
    upload_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
    index: Annotated[int, Field(ge=0, lt=100_000)]
    data: Annotated[str, Field(max_length=48 * 1024)]  # base64 of up to 32 KiB


class Assign(Target):
    version: Annotated[str, Field(min_length=1, max_length=64)]


class Published(BaseModel):
    version: str
    sha256: str
    matters: int
    new: bool  # False: a stored version assigned again (a rollback)
    target: str
    diff_summary: str
    warnings: list[dict]


class VersionInfo(BaseModel):
    version: str
    sha256: str
    matters: int
    published_by: str | None
    published_at: float | None


class PublishRecord(BaseModel):
    at: float
    by: str
    action: str
    version: str
    target: str
    diff_summary: str
    warnings: int


class TerminalCatalog(BaseModel):
    terminal_id: str
    assigned: str | None  # version the backend assigns (None: the backend's own file)
    reported: str | None  # catalog_version of its latest heartbeat
    heartbeat_at: str | None
    last_report: str | None  # received / applied / refused
    problem: str | None


class CatalogStatus(BaseModel):
    versions: dict[str, list[str]]  # reported version -> terminal ids ("(no heartbeat)" too)
    terminals: list[TerminalCatalog]


class CatalogReport(_Body):
    version: Annotated[str, Field(max_length=64)]
    status: Literal["received", "applied", "refused"]
    problem: Annotated[str, Field(max_length=500)] | None = None


def add_catalog_routes(app: FastAPI, backend, terminal_dep) -> None:
    from kiosk.backend.server import ApiError

    store = backend.store
    key = _catalog_key(store)

    # ----- admin sessions -----

    def admin(authorization: Annotated[str | None, Header()] = None) -> str:
        """The admin's name from ``Authorization: Bearer TOKEN``."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token:
            raise ApiError(401, "admin_required", "需要管理员登录", "Authorization: Bearer missing")
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = store.one("SELECT * FROM admin_sessions WHERE token_hash=?", digest)
        if row is None or row["expires_at"] < backend.now():
            raise ApiError(401, "admin_session_expired", "管理员登录已过期，请重新登录")
        return row["name"]

    Admin = Annotated[str, Depends(admin)]

    @app.post("/v1/admin/login", tags=["admin"], response_model=AdminSession)
    def login(body: AdminLogin, request: Request) -> AdminSession:
        now = backend.now()
        source = request.client.host if request.client else "?"
        with store.tx() as db:
            if attempts(db, LOGIN_ATTEMPTS, source, now - LOGIN_LIMIT[1]) >= LOGIN_LIMIT[0]:
                raise ApiError(
                    429, "too_many_attempts", "登录失败次数过多，请15分钟后再试",
                    "admin sign-ins from this address: limit reached",
                    headers={"Retry-After": str(LOGIN_LIMIT[1])},
                )  # fmt: skip
        try:
            ok = check_admin_password(store, body.user, body.password, now)
        except AdminLocked as exc:
            raise ApiError(
                429, "admin_locked", "错误次数过多，请稍后再试", f"locked for {exc.seconds} s"
            ) from None
        from kiosk.backend.console.auth import audit  # the admin audit trail (操作记录)

        if not ok:
            with store.tx() as db:
                add_attempt(db, LOGIN_ATTEMPTS, source, now)
            audit(store, body.user, "api_login_refused", "", source, now)
            raise ApiError(401, "bad_credentials", "用户名或密码不对")
        token = secrets.token_urlsafe(32)
        with store.tx() as db:
            db.execute("DELETE FROM admin_sessions WHERE expires_at<?", (now,))
            db.execute(
                "INSERT INTO admin_sessions VALUES (?,?,?)",
                (hashlib.sha256(token.encode()).hexdigest(), body.user, now + ADMIN_SESSION_S),
            )
        audit(store, body.user, "api_login", "", source, now)
        return AdminSession(token=token, expires_in_s=ADMIN_SESSION_S)

    @app.delete("/v1/admin/session", tags=["admin"], status_code=204)
    def logout(_: Admin, authorization: Annotated[str | None, Header()] = None) -> Response:
        token = (authorization or "").removeprefix("Bearer ").strip()
        with store.tx() as db:
            db.execute(
                "DELETE FROM admin_sessions WHERE token_hash=?",
                (hashlib.sha256(token.encode()).hexdigest(),),
            )
        return Response(status_code=204)

    # ----- versions and rollouts -----

    def stored(version: str):
        return store.one("SELECT * FROM catalog_versions WHERE version=?", version)

    listed: dict[int, frozenset[str]] = {}  # rollout id -> its terminals (rows never change)

    def current_rollouts() -> list:
        """The rollouts that still decide an assignment, newest first: those since the newest one
        to the whole fleet, which decides for every terminal not named after it. Every heartbeat
        and catalog poll reads these, so they must not grow with the history of publishes."""
        return store.all(
            "SELECT * FROM catalog_rollouts WHERE id >= (SELECT COALESCE(MAX(id), 0) "
            "FROM catalog_rollouts WHERE terminals IS NULL AND (share IS NULL OR share >= 100)) "
            "ORDER BY id DESC"
        )

    def assigned_to(terminal_id: str, rollouts: list | None = None) -> str | None:
        if rollouts is None:
            rollouts = current_rollouts()
        for r in rollouts:
            if r["terminals"] is not None:
                ids = listed.get(r["id"])
                if ids is None:
                    if len(listed) > 256:
                        listed.clear()
                    ids = listed[r["id"]] = frozenset(json.loads(r["terminals"]))
                if terminal_id in ids:
                    return r["version"]
            elif r["share"] is None or bucket(r["version"], terminal_id) < r["share"]:
                return r["version"]
        return None

    backend.assigned_catalog = assigned_to  # the heartbeat's answer names it

    def fleet_version() -> str | None:
        """What most terminals run: the newest version assigned to all of them."""
        row = store.one(
            "SELECT version FROM catalog_rollouts WHERE terminals IS NULL AND share IS NULL "
            "ORDER BY id DESC LIMIT 1"
        )
        return row["version"] if row else None

    def describe(t: Target) -> str:
        if t.terminals is not None:
            return (
                "terminals " + ",".join(t.terminals[:20]) + ("…" if len(t.terminals) > 20 else "")
            )
        return f"{t.share}% of terminals" if t.share else "all terminals"

    def rollout(by: str, action: str, version: str, t: Target, warnings: list[dict]) -> Published:
        if t.terminals is not None and t.share is not None:
            raise ApiError(422, "invalid_request", "请选择终端名单或比例之一", "terminals or share")
        row = stored(version)
        base = fleet_version()
        if base == version:
            summary = "no change"
        else:  # against what the fleet runs: the last version for all, else the backend's file
            try:
                old = validate_catalog(
                    json.loads(stored(base)["body"] if base else backend.catalog()[0])
                )
                new = validate_catalog(json.loads(row["body"]))
                summary = diff_catalogs(old, new)["summary"]
            except (CatalogError, OSError, ValueError):
                summary = "first version"
        target = describe(t)
        with store.tx() as db:
            db.execute(
                "INSERT INTO catalog_rollouts (version, terminals, share, by, at) "
                "VALUES (?,?,?,?,?)",
                (version, json.dumps(t.terminals) if t.terminals is not None else None, t.share,
                 by, backend.now()),
            )  # fmt: skip
            db.execute(
                "INSERT INTO catalog_publishes (at, by, action, version, target, diff_summary, "
                "warnings) VALUES (?,?,?,?,?,?,?)",
                (backend.now(), by, action, version, target, summary, len(warnings)),
            )
        log.info("admin %s: %s catalog %s to %s (%s)", by, action, version, target, summary)
        return Published(
            version=version,
            sha256=row["sha256"],
            matters=row["matters"],
            new=action == "publish",
            target=target,
            diff_summary=summary,
            warnings=warnings,
        )

    @app.post(
        "/v1/admin/catalog/versions", tags=["admin"], response_model=Published, status_code=201
    )
    def publish(body: Publish, by: Admin) -> Published:
        """Validate, store, sign and assign. The same version label with the same content is an
        assignment of the stored version (rolling back); with other content it is refused."""
        raw = body.catalog if body.catalog is not None else uploaded(body.upload_id, by)
        try:
            catalog = validate_catalog(raw, "published catalog")
        except CatalogError as exc:
            raise ApiError(
                422,
                "catalog_invalid",
                "事项清单有误，未发布",
                "; ".join(map(str, exc.problems[:20])),
            ) from None
        data = json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode()
        digest = hashlib.sha256(data).hexdigest()
        warnings = [f.to_json() for f in lint(catalog, REFERENCE_SERVICES)]
        row = stored(catalog.version)
        if row is not None:
            if row["sha256"] != digest:
                raise ApiError(
                    409,
                    "version_exists",
                    "这个版本号已发布过其他内容，请换一个版本号",
                    f"version {catalog.version} is stored with other content",
                )
            return rollout(by, "assign", catalog.version, body, warnings)
        signature = hmac.new(key.encode(), signing_text(catalog.version, digest), "sha256")
        with store.tx() as db:
            db.execute(
                "INSERT INTO catalog_versions VALUES (?,?,?,?,?,?,?)",
                (catalog.version, data, digest, signature.hexdigest(), len(catalog.matters), by,
                 backend.now()),
            )  # fmt: skip
        return rollout(by, "publish", catalog.version, body, warnings)

    @app.post("/v1/admin/catalog/uploads", tags=["admin"], status_code=204)
    def upload_part(body: UploadPart, by: Admin) -> Response:
        """One part of a catalog too large for one request (parts in any order, then publish)."""
        try:
            part = base64.b64decode(body.data, validate=True)
        except ValueError:
            raise ApiError(422, "invalid_request", "上传内容有误", "data: not base64") from None
        now = backend.now()
        with store.tx() as db:
            db.execute("DELETE FROM catalog_uploads WHERE at<?", (now - ADMIN_SESSION_S,))
            db.execute(
                "INSERT INTO catalog_uploads VALUES (?,?,?,?,?) ON CONFLICT (upload_id, idx)"
                " DO UPDATE SET data=excluded.data, by=excluded.by, at=excluded.at",
                (body.upload_id, body.index, part, by, now),
            )
        return Response(status_code=204)

    def uploaded(upload_id: str | None, by: str) -> Any:
        if upload_id is None:
            raise ApiError(422, "invalid_request", "没有收到事项清单", "catalog or upload_id")
        rows = store.all(
            "SELECT idx, data FROM catalog_uploads WHERE upload_id=? AND by=? ORDER BY idx",
            upload_id,
            by,
        )
        if not rows or [r["idx"] for r in rows] != list(range(len(rows))):
            raise ApiError(422, "upload_incomplete", "事项清单没有传完整，请重新发布", upload_id)
        with store.tx() as db:
            db.execute("DELETE FROM catalog_uploads WHERE upload_id=?", (upload_id,))
        try:
            return json.loads(b"".join(bytes(r["data"]) for r in rows))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(422, "catalog_invalid", "事项清单有误，未发布", "not JSON") from None

    @app.post("/v1/admin/catalog/assign", tags=["admin"], response_model=Published)
    def assign(body: Assign, by: Admin) -> Published:
        """Assign a stored version again: a rollback, or the next stage of a rollout."""
        if stored(body.version) is None:
            raise ApiError(404, "version_not_found", "没有这个版本的事项清单", body.version)
        return rollout(by, "assign", body.version, body, [])

    # the console's forms publish and assign through the same functions (kiosk/backend/console)
    backend.catalog_admin = SimpleNamespace(
        publish=publish,
        assign=assign,
        fleet_version=fleet_version,
        assigned_to=assigned_to,
        current_rollouts=current_rollouts,
    )

    @app.get("/v1/admin/catalog/versions", tags=["admin"], response_model=list[VersionInfo])
    def versions(_: Admin) -> list[VersionInfo]:
        rows = store.all(
            "SELECT version, sha256, matters, published_by, published_at FROM catalog_versions "
            "ORDER BY published_at"
        )
        return [VersionInfo(**dict(r)) for r in rows]

    @app.get("/v1/admin/catalog/publishes", tags=["admin"], response_model=list[PublishRecord])
    def publishes(_: Admin) -> list[PublishRecord]:
        rows = store.all(
            "SELECT at, by, action, version, target, diff_summary, warnings "
            "FROM catalog_publishes ORDER BY id"
        )
        return [PublishRecord(**dict(r)) for r in rows]

    @app.get("/v1/admin/catalog/status", tags=["admin"], response_model=CatalogStatus)
    def status(_: Admin) -> CatalogStatus:
        beats = {r["terminal_id"]: r for r in store.all("SELECT * FROM heartbeats")}
        reports = {r["terminal_id"]: r for r in store.all("SELECT * FROM catalog_reports")}
        ids = sorted({r["id"] for r in store.all("SELECT id FROM terminals")} | set(beats))
        rollouts = current_rollouts()  # once, not per terminal
        out: list[TerminalCatalog] = []
        per: dict[str, list[str]] = {}
        for tid in ids:
            beat = beats.get(tid)
            reported = None
            if beat is not None:
                try:
                    reported = str(json.loads(beat["payload"]).get("catalog_version") or "") or None
                except (ValueError, AttributeError):
                    reported = None
            rep = reports.get(tid)
            out.append(
                TerminalCatalog(
                    terminal_id=tid,
                    assigned=assigned_to(tid, rollouts),
                    reported=reported,
                    heartbeat_at=beat["at"] if beat is not None else None,
                    last_report=rep["status"] if rep else None,
                    problem=rep["problem"] if rep else None,
                )
            )
            per.setdefault(reported or "(no heartbeat)", []).append(tid)
        return CatalogStatus(versions=per, terminals=out)

    @app.get("/v1/admin/services", tags=["admin"], response_model=list[str])
    def services(_: Admin) -> list[str]:
        """The services this backend runs (what a matter's ``service`` may name)."""
        return sorted(REFERENCE_SERVICES)

    # ----- terminals -----

    @app.get(
        "/v1/catalog/assigned",
        tags=["catalog"],
        responses={
            200: {
                "description": "the terminal's assigned catalog, signed (X-Catalog-Signature)",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            304: {"description": "unchanged since If-None-Match"},
        },
    )
    def get_assigned(
        terminal_id: terminal_dep, if_none_match: Annotated[str | None, Header()] = None
    ) -> Response:
        secret_row = store.one("SELECT secret FROM terminals WHERE id=?", terminal_id)
        if secret_row is None:
            raise ApiError(401, "unknown_terminal", "终端未授权，请联系工作人员")
        version = assigned_to(terminal_id)
        if version is None:  # nothing published yet: the backend's own catalog file
            data, etag = backend.catalog()  # its ETag is the file's digest, kept with it
            version = backend.catalog_version()  # parsed once per change of the file
            if not version:
                raise ApiError(503, "catalog_unavailable", "事项清单暂不可用")
        else:
            row = store.one(  # the signed digest: enough to answer "unchanged"
                "SELECT sha256, signature FROM catalog_versions WHERE version=?", version
            )
            check = hmac.new(key.encode(), signing_text(version, row["sha256"]), "sha256")
            if not hmac.compare_digest(check.hexdigest(), row["signature"]):
                log.error("stored catalog %s fails its signature: not served", version)
                raise ApiError(503, "catalog_damaged", "事项清单暂不可用", f"{version} damaged")
            etag = '"' + row["sha256"][:32] + '"'
            data = None  # most polls are answered 304, without reading the body
        headers = {"ETag": etag, VERSION_HEADER: _ascii(version)}
        if if_none_match and if_none_match.strip() == etag:  # the terminal has these bytes
            return Response(status_code=304, headers=headers)
        if data is None:
            body = stored(version)["body"]
            data = body.encode() if isinstance(body, str) else bytes(body)  # a hand-edited row
            if hashlib.sha256(data).hexdigest() != row["sha256"]:
                log.error("stored catalog %s does not match its digest: not served", version)
                raise ApiError(503, "catalog_damaged", "事项清单暂不可用", f"{version} damaged")
        headers[SIGNATURE_HEADER] = catalog_signature(secret_row["secret"], version, data)
        return Response(data, media_type="application/json", headers=headers)

    @app.post("/v1/catalog/report", tags=["catalog"], status_code=204)
    def report(body: CatalogReport, terminal_id: terminal_dep) -> Response:
        """A terminal says what became of a version: received, applied, or refused and why."""
        with store.tx() as db:
            db.execute(
                "INSERT INTO catalog_reports VALUES (?,?,?,?,?) ON CONFLICT (terminal_id) DO"
                " UPDATE SET version=excluded.version, status=excluded.status,"
                " problem=excluded.problem, at=excluded.at",
                (terminal_id, body.version, body.status, body.problem, backend.now()),
            )
        if body.status == "refused":
            log.warning(
                "terminal %s refused catalog %s: %s", terminal_id, body.version, body.problem
            )
        return Response(status_code=204)


def _ascii(text: str) -> str:
    """Header values are Latin-1: a version label with other characters goes percent-encoded."""
    from urllib.parse import quote

    return quote(text, safe="")
