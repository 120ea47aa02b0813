"""The terminal's devices behind small interfaces, and which ones this terminal has.

The Protocols are structural: the concrete printers (printing/), audio sources (voice/) and the
gas card writer (kiosk/topup/) satisfy them without importing this module. The config's device
keys are resolved once, at start (``resolve_devices``): a bad value stops the start with a
message naming the key, never at the first resident. Simulated devices exist only in demo mode.
A device a production terminal does not have hides only the flows that need it
(``Devices.flows``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kiosk.config import Config, ConfigError
from kiosk.topup.card import CardWriter  # the gas card writer's interface lives with its flow

__all__ = [
    "AudioSource",
    "BarcodeScanner",
    "CardWriter",
    "DeviceSpec",
    "Devices",
    "DocumentPrinter",
    "IdReader",
    "PrintOutcome",
    "ReceiptPrinter",
    "resolve_devices",
]

# ----- the interfaces -----


@runtime_checkable
class IdReader(Protocol):
    """An ID card reader the watcher polls (kiosk/devices/idcard.py: SamReader)."""

    def present(self) -> bool: ...

    def read(self): ...  # -> IdCard, or raises a ReaderProblem

    def close(self) -> None: ...


class PrintOutcome(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def message(self) -> str: ...  # for the resident


@runtime_checkable
class DocumentPrinter(Protocol):
    """A4 documents as PDF (printing/printers.py: CupsPrinter, FilePrinter)."""

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintOutcome: ...


@runtime_checkable
class ReceiptPrinter(Protocol):
    """An 80 mm receipt printer (printing/printers.py: EscposReceiptPrinter)."""

    def print_receipt(self, receipt) -> PrintOutcome: ...

    def paper(self) -> str: ...


@runtime_checkable
class BarcodeScanner(Protocol):
    """A scanner that hands over one scanned code at a time. The keyboard-wedge scanners the
    terminals use type the code and Enter into the focused screen, so the UI is this device."""

    def scanned(self, code: str) -> None: ...


@runtime_checkable
class AudioSource(Protocol):
    """16 kHz mono 16-bit PCM for the voice assistant (voice/audio.py: MicSource, WavSource)."""

    def chunks(self) -> Iterator[bytes]: ...

    def stop(self) -> None: ...


# ----- which devices this terminal has -----

BAUDS = (9600, 19200, 38400, 57600, 115200, 230400)
DEFAULT_BAUD = 115200

# config key -> the kinds it accepts (besides "" for the mode's default)
KINDS = {
    "id_reader": ("serial", "simulated", "none"),
    "card_writer": ("simulated", "none"),  # a real IC-card writer driver: not yet
    "barcode_scanner": ("keyboard", "simulated", "none"),
}
FORMS = {
    "id_reader": "serial:PORT[:BAUD] | simulated | none",
    "card_writer": "simulated | none",
    "barcode_scanner": "keyboard | simulated | none",
}
# flow -> the device it cannot work without
FLOW_NEEDS = {"id_card": "id_reader", "topup": "card_writer", "bill_scan": "barcode_scanner"}
# service flows (kiosk.flows.FlowKind values) that end in one of those device-bound flows; the
# rest work with none (identification falls back to SMS, bills are typed)
SERVICE_NEEDS = {"gas": "topup", "gas_rewrite": "topup"}


class DeviceConfigError(ConfigError):
    pass


@dataclass(frozen=True)
class DeviceSpec:
    key: str  # id_reader / card_writer / barcode_scanner
    kind: str  # serial / simulated / keyboard / none
    port: str = ""
    baud: int = 0

    @property
    def present(self) -> bool:
        return self.kind != "none"

    def __str__(self) -> str:
        if self.kind == "serial":
            return f"serial:{self.port}:{self.baud}"
        return self.kind


def parse_device(key: str, value: object, demo: bool) -> DeviceSpec:
    """One device key's value, checked against the mode. Raises DeviceConfigError."""

    def bad(why: str) -> DeviceConfigError:
        return DeviceConfigError(f"devices.{key} = {value!r}: {why} (expected {FORMS[key]})")

    if not isinstance(value, str):
        raise bad("must be a string")
    text = value.strip()
    if not text:
        return DeviceSpec(key, "simulated" if demo else "none")
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    if kind not in KINDS[key]:
        raise bad(f"unknown device kind {kind!r}")
    if kind == "simulated" and not demo:
        raise bad("simulated devices exist only in demo mode; name the real device or none")
    if kind != "serial":
        if rest:
            raise bad(f"{kind} takes no parameters")
        return DeviceSpec(key, kind)
    port, baud = rest, DEFAULT_BAUD
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isdigit():
        port, baud = head, int(tail)
        if baud not in BAUDS:
            raise bad(f"baud {baud} is not one of {', '.join(map(str, BAUDS))}")
    if not port:
        raise bad("serial needs a port, e.g. serial:/dev/ttyUSB0 or serial:COM3")
    return DeviceSpec(key, kind, port, baud)


@dataclass(frozen=True)
class Devices:
    id_reader: DeviceSpec
    card_writer: DeviceSpec
    barcode_scanner: DeviceSpec
    demo: bool

    def flows(self) -> dict[str, bool]:
        """Which device-bound flows this terminal offers (the rest never depends on them:
        SMS identification, guides, records, certificates work without any of these)."""
        return {flow: getattr(self, key).present for flow, key in FLOW_NEEDS.items()}

    def available(self, flow: str) -> bool:
        return self.flows().get(flow, True)

    def offers(self, service_flow) -> bool:
        """Can this terminal run a service flow (a kiosk.flows.Flow) to its end?"""
        kind = str(getattr(service_flow, "kind", service_flow))
        return self.available(SERVICE_NEEDS.get(kind, ""))

    def specs(self) -> list[DeviceSpec]:
        return [self.id_reader, self.card_writer, self.barcode_scanner]


def resolve_devices(config: Config) -> Devices:
    """Every device key, once, at start. The first bad key stops the start."""
    return Devices(
        *(parse_device(key, getattr(config, key), config.demo) for key in KINDS),
        demo=config.demo,
    )


def open_id_reader(spec: DeviceSpec, simulator=None):
    """A function that opens the configured reader (the watcher calls it again after the
    reader vanished). Simulated: the real driver on the simulator's pseudo-terminal."""
    from kiosk.devices.idcard import SamReader

    if spec.kind == "serial":
        return lambda: SamReader.open(spec.port, spec.baud)
    if spec.kind == "simulated":
        if simulator is None:
            raise ValueError("a simulated reader needs its simulator")
        return lambda: SamReader.open(simulator.port)
    raise ValueError(f"no id reader configured ({spec})")
