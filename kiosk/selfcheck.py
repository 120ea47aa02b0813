"""`kiosk selfcheck`: what a technician checks after installing or moving a terminal."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from kiosk.config import Config


@dataclass
class Check:
    name: str
    status: str  # ok / warn / fail
    detail: str


def run_checks(config: Config) -> list[Check]:
    from kiosk.catalog import CatalogError, load_catalog

    out: list[Check] = []
    try:
        cat = load_catalog(config.catalog)
        out.append(Check("catalog", "ok", f"{cat.version}, {len(cat.enabled())} matters"))
    except CatalogError as exc:
        out.append(Check("catalog", "fail", exc.summary))
    if config.demo:
        out.append(Check("backend", "ok", "demo mode: reference backend runs in-process"))
    else:
        try:
            from kiosk.backend.client import BackendClient, BackendError

            client = BackendClient(
                config.backend_url, config.terminal_id, config.secret, retries=0, read_timeout=5
            )
            ack = client.heartbeat("selfcheck", "", "unknown", "unknown")
            out.append(
                Check(
                    "backend",
                    "ok",
                    f"{config.backend_url} answers, signed (server time {ack.server_time})",
                )
            )
        except (BackendError, ValueError) as exc:
            out.append(Check("backend", "fail", f"{config.backend_url}: {exc}"))
    if config.printer_queue:
        if not shutil.which("lpstat"):
            out.append(Check("printer", "fail", "CUPS client tools (lpstat) not installed"))
        else:
            p = subprocess.run(
                ["lpstat", "-p", config.printer_queue], capture_output=True, text=True, timeout=15
            )
            state = (p.stdout or p.stderr).strip().splitlines()[:1]
            bad = p.returncode != 0 or "disabled" in p.stdout
            out.append(Check("printer", "fail" if bad else "ok", state[0] if state else "?"))
    else:
        out.append(Check("printer", "warn", "no CUPS queue configured: PDFs go to the outbox"))
    model = config.voice_model or (config.data_dir / "voice-model")
    if (model / "am").is_dir():
        out.append(Check("voice model", "ok", str(model)))
    else:
        out.append(Check("voice model", "warn", "none installed: voice is off, touch works"))
    from voice.audio import microphone_status

    reason = microphone_status()
    out.append(Check("microphone", "warn" if reason else "ok", reason or "an input device opens"))
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        probe = config.data_dir / ".selfcheck"
        probe.write_text("ok")
        probe.unlink()
        out.append(Check("data folder", "ok", str(config.data_dir)))
    except OSError as exc:
        out.append(Check("data folder", "fail", f"{config.data_dir}: {exc}"))
    return out
