"""Is the printer there, is the backend there: checked at start and every minute (on a worker),
shown in the header, and asked before a print-only service identifies anyone. Also: what a
print outcome may truthfully be called ("完成" only when a printer confirmed it).
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass

from kiosk.errors import detail

log = logging.getLogger(__name__)

APP_VERSION = "0.1"
SAVED_TO_FILE = "没有连接打印机：材料已保存为文件，没有打印出纸张，请联系工作人员"
DEMO_SAVED = "演示模式：材料已保存为文件（真实终端会在这里打印出纸张）"
FILE = "file"  # demo mode's file outbox: the header says so instead of "打印正常"


@dataclass(frozen=True)
class Health:
    backend_ok: bool
    printer: str  # ok / low / out / error / offline / file (demo outbox)


def is_file_outbox(printer) -> bool:
    """The demo (or a terminal configured without a queue) writes PDFs to a folder."""
    return getattr(printer, "queue", None) is None and hasattr(printer, "outbox")


def printer_status(printer, demo: bool = False) -> str:
    """ok / low / out / error / offline / file. Blocks on lpstat: call it on a worker. A file
    outbox is 'file' in demo mode (the header says prints are saved as files, never "打印正常")
    and 'offline' on a real terminal, where no paper will ever come out of a folder."""
    own = getattr(printer, "status", None)
    if callable(own):  # a printer that knows better than lpstat
        return own()
    health = getattr(printer, "health", None)
    queue = getattr(printer, "queue", None)
    if queue:
        try:
            p = subprocess.run(  # its words are read: ask in English on any terminal locale
                ["lpstat", "-p", queue],
                capture_output=True,
                text=True,
                timeout=10,
                env={**os.environ, "LC_ALL": "C"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("printer check: %s", detail(exc))
            return "offline"
        if p.returncode != 0 or not p.stdout.strip():
            return "offline"
        if "disabled" in p.stdout or "stopped" in p.stdout:
            return "out" if health is not None and health.stalled else "offline"
    elif is_file_outbox(printer):
        return FILE if demo else "offline"
    if health is None:
        return "ok"
    if health.state == "error":
        return "error"
    return health.paper


def printer_state_after(printer, result, demo: bool = False) -> str:
    """The header's printer state right after a job's outcome, without asking CUPS again."""
    if is_file_outbox(printer):
        return FILE if demo else "offline"
    if result.ok:
        health = getattr(printer, "health", None)
        return health.paper if health is not None else "ok"
    return "out" if getattr(result.state, "value", "") == "stalled" else "error"


def print_outcome(printer, result, demo: bool = False) -> tuple[bool, str]:
    """(done, words for the resident). A file outbox saved a file: it did not print. In demo
    mode that is what the demo is meant to do, said as such, not as a fault."""
    if result.ok and is_file_outbox(printer):
        return (True, DEMO_SAVED) if demo else (False, SAVED_TO_FILE)
    return result.ok, result.message


def check(services) -> Health:
    """One round: the printer, then a heartbeat to the backend carrying the printer's state.
    With the terminal's heartbeat sender (kiosk.heartbeat) that is one of its beats, so the
    backend always gets the full heartbeat, never a thinner one of ours."""
    sender = getattr(services, "heartbeat", None)
    if sender is not None and callable(getattr(sender, "beat_now", None)):
        backend_ok = sender.beat_now()
        last = sender.last or {}
        if backend_ok and last.get("printer") and not is_file_outbox(services.printer):
            return Health(True, str(last["printer"]))
        return Health(backend_ok, printer_status(services.printer, services.config.demo))
    printer = printer_status(services.printer, services.config.demo)
    from kiosk.heartbeat import collect

    try:  # the full heartbeat (devices, top-ups): the backend keeps only the latest one
        body = collect(services)
        body["printer"] = "ok" if printer in ("ok", "low") else printer
        services.client.heartbeat(**body)
        backend_ok = True
    except Exception as exc:
        log.warning("backend check failed: %s", detail(exc))
        backend_ok = False
    return Health(backend_ok, printer)
