"""The kiosk's logging: INFO by default (``config.log_level``), a rotating file in the data folder
(``<data>/logs/kiosk.log``, 0600, 5 x 5 MB), and stderr, which under systemd (JOURNAL_STREAM set)
goes to the journal as plain lines without timestamps (the journal stamps them itself).

Every handler passes records through ``PersonalDataFilter``, the last line of defence: ID numbers
(18 digits) and mobile numbers (11 digits) are masked wherever they appear, in the message, its
arguments and tracebacks; names are masked when a log call names them (``extra={"personal":
[name]}``) or while they are watched (``watch_personal(name)`` for the resident being served).
Code should still log masked values itself (kiosk/privacy.py).

One request id per backend call: the client sends it as ``X-Request-Id`` and logs it, the
backend's access line (``RequestLogMiddleware``) logs the same id, so a technician can put the
kiosk's line and the backend's side by side.
"""

from __future__ import annotations

import contextvars
import logging
import logging.config
import logging.handlers
import os
import re
import secrets
import sys
import threading
import time
from pathlib import Path

from kiosk.privacy import mask_name, scrub

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_RID_OK = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LOG_FILE = "kiosk.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5

_watched: set[str] = set()
_watched_lock = threading.Lock()


def new_request_id() -> str:
    return secrets.token_hex(6)


def watch_personal(*values: str) -> None:
    """Mask these strings (a resident's name, address) in every record until ``unwatch``."""
    with _watched_lock:
        _watched.update(v for v in values if v and len(v) >= 2)


def unwatch_personal(*values: str) -> None:
    with _watched_lock:
        if values:
            _watched.difference_update(values)
        else:
            _watched.clear()


def _mask_value(value: str) -> str:
    return mask_name(value) if len(value) <= 4 else value[:1] + "*" * (len(value) - 1)


class PersonalDataFilter(logging.Filter):
    """Masks personal data in the final text of a record (message, arguments, traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string: keep what there is, masked
            text = f"{record.msg} {record.args}"
        names = list(getattr(record, "personal", ()) or ())
        with _watched_lock:
            names += _watched
        record.msg, record.args = self.clean(text, names), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text, names)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info, names)
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True

    @staticmethod
    def clean(text: str, names: list[str]) -> str:
        for name in sorted({n for n in names if isinstance(n, str) and n}, key=len, reverse=True):
            text = text.replace(name, _mask_value(name))
        return scrub(text)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file only its owner can read (0600 in a 0700 folder)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "logs"


def setup_logging(
    level: str = "INFO",
    data_dir: Path | None = None,
    *,
    stream=None,
    to_file: bool = True,
    file_name: str = LOG_FILE,
) -> Path | None:
    """Configure the root logger for a kiosk (or backend) process; returns the log file, if any.

    Called once at start; calling again replaces the handlers (tests)."""
    journal = bool(os.environ.get("JOURNAL_STREAM"))
    stamp = "" if journal else "%(asctime)s "
    fmt = stamp + "%(levelname)s %(name)s [%(request_id)s] %(message)s"
    handlers: dict[str, dict] = {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": stream or sys.stderr,
            "formatter": "plain",
            "filters": ["personal"],
        }
    }
    path = None
    if to_file and data_dir is not None:
        folder = log_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        path = folder / file_name
        handlers["file"] = {
            "()": PrivateRotatingFileHandler,
            "filename": str(path),
            "maxBytes": MAX_BYTES,
            "backupCount": BACKUPS,
            "encoding": "utf-8",
            "formatter": "stamped",
            "filters": ["personal"],
        }
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"personal": {"()": PersonalDataFilter}},
            "formatters": {
                "plain": {"format": fmt},
                "stamped": {"format": "%(asctime)s " + fmt.removeprefix(stamp)},
            },
            "handlers": handlers,
            "root": {"level": level.upper(), "handlers": list(handlers)},
            # chatty libraries stay at WARNING whatever the kiosk's level
            "loggers": {
                name: {"level": "WARNING"}
                for name in ("urllib3", "uvicorn", "uvicorn.error", "asyncio", "PIL", "vosk")
            },
        }
    )
    return path


# ----- the backend's side of the request id -----


def one_line(text: str) -> str:
    """``text`` for a log line: control characters (a line break, decoded from %0a in a URL or
    typed into a form) written escaped, so that nobody's text starts a line of its own."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class RequestLogMiddleware:
    """Pure ASGI: takes the caller's ``X-Request-Id`` (or makes one), holds it for the request's
    log lines, echoes it in the response and logs one access line at INFO."""

    def __init__(self, app) -> None:
        self.app = app
        self.log = logging.getLogger("kiosk.backend.access")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _RID_OK.match(given) else new_request_id()
        terminal = headers.get(b"x-terminal-id", b"-").decode("latin-1")[:64]
        status = [0]

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.log.info(
                "%s %s -> %d in %.0f ms (terminal %s)",
                scope["method"],
                one_line(scope["path"]),
                status[0],
                ms,
                terminal,
            )
            REQUEST_ID.reset(token)
