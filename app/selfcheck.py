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
    from kiosk.catalog_sync import KeptCatalogs, NoCatalog, start_catalog

    out: list[Check] = []
    kept = None if config.demo else KeptCatalogs(config.data_dir / "catalogs", config.secret)
    try:  # what the kiosk would start with: the published version kept, the file, a fallback
        store, note = start_catalog(config.catalog, kept)
        cat = store.catalog
        status = "warn" if note.startswith("fallback") else "ok"
        detail = f"{cat.version}, {len(cat.enabled())} matters ({note})"
        out.append(Check("catalog", status, detail))
    except NoCatalog as exc:
        out.append(Check("catalog", "fail", "; ".join(exc.problems)))
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
    out += device_checks(config)
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        probe = config.data_dir / ".selfcheck"
        probe.write_text("ok")
        probe.unlink()
        out.append(Check("data folder", "ok", str(config.data_dir)))
    except OSError as exc:
        out.append(Check("data folder", "fail", f"{config.data_dir}: {exc}"))
    out.append(_check_region(config.region))
    return out


# ----- devices -----

_NAMES = {"id_reader": "id reader", "card_writer": "card writer", "barcode_scanner": "bill scanner"}
_WITHOUT = {
    "id_reader": "card identification hidden, residents identify by SMS",
    "card_writer": "gas top-up hidden",
    "barcode_scanner": "bills are typed on the keypad",
}


def _check_region(region: str) -> Check:
    """terminal.region: places residents name are read as 跨省 / 省内 from it (see README)."""
    from collections import Counter

    from kiosk.search.engine import home_in, normalize
    from kiosk.search.lexicon import load_lexicon

    if not region:
        return Check(
            "region",
            "warn",
            "terminal.region not set: set it (四川省广安市广安区) so that a place a resident names "
            "reads as 跨省 or 省内; meanwhile the catalog's own place names are used, if any",
        )
    home = home_in(load_lexicon(), Counter([normalize(region)]))
    if home is None:
        return Check(
            "region",
            "warn",
            f"terminal.region {region!r} names no province: write it as 四川省广安市广安区",
        )
    return Check("region", "ok", " ".join(p for p in home if p))


def device_checks(config: Config) -> list[Check]:
    """Every configured device: its config value, then whether it answers."""
    from kiosk.devices import DeviceConfigError, resolve_devices

    try:
        devices = resolve_devices(config)
    except DeviceConfigError as exc:
        return [Check("devices", "fail", str(exc))]
    out = []
    for spec in devices.specs():
        name = _NAMES[spec.key]
        if not spec.present:
            out.append(Check(name, "warn", f"none: {_WITHOUT[spec.key]}"))
        elif spec.key == "id_reader":
            out.append(_check_id_reader(spec))
        elif spec.kind == "simulated":
            out.append(Check(name, "ok", "simulated (demo mode)"))
        else:  # a keyboard-wedge scanner types like a keyboard: nothing to ask it
            out.append(Check(name, "ok", f"{spec.kind}: scan a bill on the 燃气 screen to try it"))
    out.append(_check_receipt_printer(config.receipt_printer))
    return out


def _check_id_reader(spec) -> Check:
    """Open the port, ask the security module for its status, look for a card."""
    from kiosk.devices.idcard import ReaderProblem, SamReader

    sim = None
    if spec.kind == "simulated":
        from kiosk.devices.idcard_sim import SimulatedIdReader

        sim = SimulatedIdReader()
        port, baud, where = sim.port, 115200, "simulated on a pty (demo mode)"
    else:
        port, baud, where = spec.port, spec.baud, f"{spec.port} at {spec.baud} baud"
    reader = None
    try:
        reader = SamReader.open(port, baud)
        reader.sam_status()
        card = "a card lies on it" if reader.present() else "no card on it"
        return Check("id reader", "ok", f"{where}: security module answers, {card}")
    except ReaderProblem as exc:
        return Check("id reader", "fail", f"{where}: {exc.detail}")
    finally:
        if reader:
            reader.close()
        if sim:
            sim.close()


def _check_receipt_printer(value: str) -> Check:
    """printing.receipt: network:HOST[:PORT] answers on TCP, a serial device node exists, a USB
    VID:PID is on the bus. Printing itself is tried from the admin screen's printer test."""
    import socket
    from pathlib import Path

    kind, _, rest = (value or "none").partition(":")
    if kind == "none":
        return Check("receipts", "ok", "none: receipts print on A4")
    if kind == "network":
        host, _, port = rest.partition(":")
        try:
            with socket.create_connection((host, int(port or 9100)), timeout=3):
                return Check("receipts", "ok", f"{rest} accepts connections")
        except (OSError, ValueError) as exc:
            return Check("receipts", "fail", f"{rest}: {exc}")
    if kind == "serial":
        dev = rest.rsplit(":", 1)[0] if rest.rsplit(":", 1)[-1].isdigit() else rest
        ok = Path(dev).exists() or dev.upper().startswith("COM")
        return Check(
            "receipt printer",
            "ok" if ok else "fail",
            f"{dev}: {'present' if ok else 'no such device'}",
        )
    if kind == "usb":
        want = rest.lower().replace("0x", "")
        found = set()
        for d in Path("/sys/bus/usb/devices").glob("*"):
            try:
                vid, pid = ((d / f).read_text().strip() for f in ("idVendor", "idProduct"))
                found.add(f"{vid}:{pid}")
            except OSError:
                continue
        ok = want in found
        return Check(
            "receipt printer",
            "ok" if ok else "fail",
            f"usb {rest}: {'on the bus' if ok else 'not on the bus'}",
        )
    return Check("receipts", "fail", f"printing.receipt = {value!r}: unknown kind {kind!r}")
