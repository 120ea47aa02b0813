"""The terminal's side of catalog publishing (no Qt): pull, verify, keep, and choose at start.

- ``CatalogSync`` asks the backend for this terminal's assigned version every
  ``config.catalog_poll_s`` (If-None-Match: an unchanged catalog costs a 304), checks its
  signature and validates it, keeps it on disk, and has the caller's ``prepare`` build what
  depends on it (search index, voice grammar) on its own thread. The result waits in ``pending``
  until the UI finds nobody being served and swaps it in at once (``take_pending``/``applied``).
  A version that fails is refused, logged, reported to the backend and shown in ``status``; the
  catalog in use stays.
- ``KeptCatalogs``: the last few good versions in the data folder, each with its signature, and
  which one is in use, so that it survives a restart without the network.
- ``start_catalog``: what the kiosk starts with. The kept version in use; else the configured
  file; else the newest other kept version; else ``NoCatalog`` (the out-of-service screen).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from kiosk.catalog import Catalog, CatalogError, CatalogStore, validate_catalog
from kiosk.gcpause import gc_paused

log = logging.getLogger(__name__)

KEEP = 5  # good versions kept on disk
UPLOAD_PART = 32 * 1024  # bytes of catalog per publish request (base64 keeps it under 64 KiB)
SIGNATURE_HEADER = "X-Catalog-Signature"
VERSION_HEADER = "X-Catalog-Version"


def signing_text(version: str, sha256: str) -> bytes:
    return f"zhengwu-catalog-v1\n{version}\n{sha256}".encode()


def catalog_signature(key: str, version: str, body: bytes) -> str:
    """HMAC-SHA256 over the version and the body's SHA-256 (``key``: the terminal's secret)."""
    digest = hashlib.sha256(body).hexdigest()
    mac = hmac.new(key.encode(), signing_text(version, digest), hashlib.sha256).hexdigest()
    return "hmac-sha256=" + mac


def signature_ok(key: str, version: str, body: bytes, signature: str | None) -> bool:
    if not key or not signature:
        return False
    return hmac.compare_digest(catalog_signature(key, version, body), signature.strip())


class Refused(Exception):
    """A catalog that is not to be used; ``reason`` is one line for the log and the backend."""

    def __init__(self, version: str, reason: str) -> None:
        super().__init__(f"catalog {version or '?'} refused: {reason}")
        self.version, self.reason = version, reason


def check_catalog(key: str, body: bytes, signature: str | None, version_hint: str = "") -> Catalog:
    """Verify and validate a catalog as received (or as kept); raises Refused."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(version_hint, "not valid JSON") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str):
        raise Refused(version_hint, "no version label")
    if version_hint and version_hint != version:
        raise Refused(version_hint, f"labelled {version_hint} but the file says {version}")
    if not signature_ok(key, version, body, signature):
        raise Refused(version, "signature does not match (tampered or not from our backend)")
    try:
        with gc_paused():  # as load_catalog does: a province's list is millions of objects
            return validate_catalog(data, f"catalog {version}")
    except CatalogError as exc:
        raise Refused(version, exc.summary) from None


# ----- kept versions -----


class KeptCatalogs:
    """``DIR/NNNNNN-<version>.json`` with ``.sig`` beside it; ``DIR/current`` names the one in
    use. Written to a temporary name and renamed, so a power cut leaves the old file whole."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = Path(folder)
        self.key = key

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("[0-9]*.json"), reverse=True)  # newest first

    def save(self, version: str, body: bytes, signature: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self._files():
            if old.read_bytes() == body:
                return old  # already kept (a rollback to a version seen before)
        files = self._files()
        seq = int(files[0].name.split("-", 1)[0]) + 1 if files else 1
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)[:60]
        path = self.folder / f"{seq:06d}-{safe}.json"
        _write(path.with_suffix(".sig"), signature.encode())
        _write(path, body)
        self._prune()
        return path

    def _prune(self) -> None:
        current = self.current_path()
        for old in self._files()[KEEP:]:
            if old != current:
                old.unlink(missing_ok=True)
                old.with_suffix(".sig").unlink(missing_ok=True)

    def use(self, path: Path) -> None:
        _write(self.folder / "current", path.name.encode())
        self._prune()

    def current_path(self) -> Path | None:
        try:
            name = (self.folder / "current").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.folder / name
        return path if name and path.exists() else None

    def load(self, path: Path) -> Catalog:
        """A kept file, verified again (the disk is not trusted more than the network)."""
        try:
            body = path.read_bytes()
            sig = path.with_suffix(".sig").read_text(encoding="utf-8")
        except OSError as exc:
            raise Refused(path.name, f"unreadable: {exc}") from None
        return check_catalog(self.key, body, sig)

    def good(self) -> list[tuple[Path, Catalog]]:
        """Every kept version that still verifies, newest first."""
        out = []
        for path in self._files():
            try:
                out.append((path, self.load(path)))
            except Refused as exc:
                log.warning("kept %s", exc)
        return out


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


# ----- start -----


class NoCatalog(Exception):
    """No usable catalog at all: the kiosk shows its out-of-service screen."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def start_catalog(configured: Path, kept: KeptCatalogs | None) -> tuple[CatalogStore, str]:
    """The catalog to start with, and a note for the log saying where it came from."""
    problems: list[str] = []
    if kept is not None:
        current = kept.current_path()
        if current is not None:
            try:
                return CatalogStore(kept.load(current), str(current)), f"kept {current.name}"
            except Refused as exc:
                problems.append(str(exc))
    try:
        return CatalogStore.open(configured), f"configured {configured}"
    except CatalogError as exc:
        problems.append(exc.summary)
    if kept is not None:
        for path, catalog in kept.good():
            log.error("%s; falling back to the last good catalog %s", problems[-1], path.name)
            return CatalogStore(catalog, str(path)), f"fallback {path.name}"
    raise NoCatalog(problems)


# ----- pulling -----


@dataclass
class Prepared:
    """A catalog with what was built for it off the UI thread, ready to be swapped in."""

    catalog: Catalog
    source: str
    parts: Any = None  # whatever the caller's prepare built (search engine, voice engine)


class CatalogSync:
    def __init__(
        self,
        client,
        kept: KeptCatalogs,
        in_use: Callable[[], Catalog],
        prepare: Callable[[Catalog], Any],
        poll_s: float,
    ) -> None:
        self.client = client
        self.kept = kept
        self.in_use = in_use
        self.prepare = prepare
        self.poll_s = max(5.0, float(poll_s))
        self.etag: str | None = None
        self.pending: Prepared | None = None
        self.refused: str = ""  # the last refusal, for the heartbeat ("" when none)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- the loop -----

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="catalog-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # the loop must outlive any one bad answer
                log.exception("catalog check failed")
            self._stop.wait(self.poll_s)

    def check(self) -> str:
        """One poll: 'unchanged', 'current', 'pending', 'refused' or 'offline'."""
        from kiosk.backend.client import BackendError

        headers = {"If-None-Match": self.etag} if self.etag else {}
        try:
            resp = self.client._send("GET", "/v1/catalog/assigned", headers=headers, retry=True)
        except BackendError as exc:
            log.info("catalog check: backend unavailable (%s)", exc.detail or exc.message)
            return "offline"
        if resp.status_code == 304:
            return "unchanged"
        if resp.status_code != 200:
            log.warning("catalog check: HTTP %d", resp.status_code)
            return "offline"
        label = unquote(resp.headers.get(VERSION_HEADER, ""))
        try:
            catalog = check_catalog(
                self.kept.key, resp.content, resp.headers.get(SIGNATURE_HEADER), label
            )
        except Refused as exc:
            return self._refuse(exc)
        etag = resp.headers.get("ETag")
        current = self.in_use()
        with self._lock:
            waiting = self.pending.catalog.version if self.pending else None
        if catalog.version in (current.version, waiting) and _same(catalog, current, waiting):
            self.etag = etag
            self.refused = ""
            return "current"
        path = self.kept.save(catalog.version, resp.content, resp.headers[SIGNATURE_HEADER])
        parts = self.prepare(catalog)  # search index, voice grammar: here, not on the UI thread
        with self._lock:
            self.pending = Prepared(catalog, str(path), parts)
        self.etag, self.refused = etag, ""
        log.info("catalog %s received (%d matters); applied between residents",
                 catalog.version, len(catalog.matters))  # fmt: skip
        self._report(catalog.version, "received")
        return "pending"

    def _refuse(self, exc: Refused) -> str:
        said = f"{exc.version}: {exc.reason}"
        if said != self.refused:  # once per refusal, not at every poll
            log.error("%s; keeping catalog %s", exc, self.in_use().version)
            self._report(exc.version, "refused", exc.reason)
        self.refused = said
        return "refused"

    def _report(self, version: str, status: str, problem: str | None = None) -> None:
        body = {"version": version[:64], "status": status}
        if problem:
            body["problem"] = problem[:500]
        try:
            self.client._call("POST", "/v1/catalog/report", None, expect=(204,), body=body)
        except Exception as exc:  # the heartbeat carries the state too
            log.info("catalog report not delivered: %s", type(exc).__name__)

    # ----- the swap (called on the UI thread) -----

    def take_pending(self) -> Prepared | None:
        with self._lock:
            p, self.pending = self.pending, None
        return p

    def applied(self, prepared: Prepared) -> None:
        self.kept.use(Path(prepared.source))
        log.info("catalog %s in use", prepared.catalog.version)
        threading.Thread(
            target=self._report, args=(prepared.catalog.version, "applied"), daemon=True
        ).start()

    def status(self) -> dict:
        """For the heartbeat: the version in use, and the last refusal ('' when none)."""
        return {"catalog_version": self.in_use().version, "catalog_refused": self.refused}


def _same(new: Catalog, current: Catalog, waiting: str | None) -> bool:
    if new.version == current.version:
        return new.matters == current.matters
    return new.version == waiting


# ----- the admin's client (CLI and tests) -----


class AdminClient:
    """Admin calls of the backend: log in with a password, then a bearer token."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        import requests

        from kiosk.backend.client import _require_tls_off_loopback

        self.base_url = base_url.rstrip("/")
        _require_tls_off_loopback(self.base_url)
        self.http = requests.Session()
        self.timeout = timeout
        self.token = ""

    def _req(self, method: str, path: str, body: Any = None) -> Any:
        import requests

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            resp = self.http.request(
                method, self.base_url + path, json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise AdminError(
                0, "unavailable", f"backend {self.base_url} unreachable", str(exc)
            ) from None
        if resp.status_code >= 400:
            try:
                err = resp.json()
            except ValueError:
                err = {}
            raise AdminError(
                resp.status_code,
                err.get("code", f"http_{resp.status_code}"),
                err.get("message", ""),
                err.get("detail") or "",
            )
        return resp.json() if resp.content else None

    def login(self, user: str, password: str) -> None:
        self.token = self._req("POST", "/v1/admin/login", {"user": user, "password": password})[
            "token"
        ]

    def publish(
        self, catalog: dict, terminals: list[str] | None = None, share: int | None = None
    ) -> dict:
        """Small catalogs in one request; others in parts first (the backend limits bodies)."""
        body: dict[str, Any] = {"terminals": terminals, "share": share}
        data = json.dumps(catalog, ensure_ascii=False).encode()
        if len(data) <= UPLOAD_PART:
            body["catalog"] = catalog
        else:
            import base64
            import secrets

            body["upload_id"] = secrets.token_urlsafe(18)
            for n, at in enumerate(range(0, len(data), UPLOAD_PART)):
                part = base64.b64encode(data[at : at + UPLOAD_PART]).decode()
                self._req(
                    "POST",
                    "/v1/admin/catalog/uploads",
                    {"upload_id": body["upload_id"], "index": n, "data": part},
                )
        return self._req("POST", "/v1/admin/catalog/versions", body)

    def assign(self, version: str, terminals: list[str] | None = None, share: int | None = None):
        body = {"version": version, "terminals": terminals, "share": share}
        return self._req("POST", "/v1/admin/catalog/assign", body)

    def status(self) -> dict:
        return self._req("GET", "/v1/admin/catalog/status")

    def versions(self) -> list[dict]:
        return self._req("GET", "/v1/admin/catalog/versions")

    def publishes(self) -> list[dict]:
        return self._req("GET", "/v1/admin/catalog/publishes")


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message}" + (f" ({detail})" if detail else ""))
        self.status, self.code, self.message, self.detail = status, code, message, detail
