"""Printers behind one small interface: CUPS queues, a file outbox (demo), ESC/POS receipts.

Documents are rendered into a private spool folder (0700) and deleted when their job ends, and
at start-up, so that nothing a resident printed outlives the job. A job that cannot be printed
(queue missing, printer disabled, time-out) is reported in words and kept for a retry, not lost.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class JobState(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"  # not accepted: nothing will come out
    STALLED = "stalled"  # accepted, but the printer is stopped: prints when it is started again
    TIMEOUT = "timeout"  # accepted, no outcome in time: check the printer


MESSAGES = {
    JobState.COMPLETED: "打印完成，请取走您的材料",
    JobState.FAILED: "打印机暂时不能使用，请联系工作人员",
    JobState.STALLED: "打印机暂停工作（可能缺纸或卡纸），请联系工作人员",
    JobState.TIMEOUT: "打印时间过长，请查看打印机或联系工作人员",
}


@dataclass
class PrintResult:
    state: JobState
    job_id: str = ""
    detail: str = ""  # for the technician's log

    @property
    def message(self) -> str:
        """What the resident is told."""
        return MESSAGES[self.state]

    @property
    def ok(self) -> bool:
        return self.state is JobState.COMPLETED


class Printer(Protocol):
    name: str

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintResult: ...


class Spool:
    """A private folder for rendered documents; emptied at start-up."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)  # leftovers of a crash or power cut
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)

    def write(self, data: bytes, suffix: str = ".pdf") -> Path:
        path = self.folder / f"{uuid.uuid4().hex}{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path

    @staticmethod
    def remove(path: Path) -> None:
        path.unlink(missing_ok=True)


@dataclass
class PrinterHealth:
    """What the kiosk knows of paper and faults; CUPS cannot always see paper-out.

    Pages are counted against the capacity the admin declares when loading paper; outcomes and
    queue state add what the counter cannot know.
    """

    capacity_pages: int = 250
    pages_since_reload: int = 0
    consecutive_failures: int = 0
    last_problem: str = ""
    stalled: bool = False  # the queue stopped on us: most often paper out or jammed
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, result: PrintResult, pages: int) -> None:
        with self._lock:
            if result.ok:
                self.pages_since_reload += pages
                self.consecutive_failures = 0
                self.last_problem = ""
                self.stalled = False
            else:
                self.consecutive_failures += 1
                self.last_problem = result.state.value
                self.stalled = self.stalled or result.state is JobState.STALLED

    def paper_reloaded(self) -> None:
        with self._lock:
            self.pages_since_reload = 0
            self.consecutive_failures = 0
            self.last_problem = ""
            self.stalled = False

    @property
    def paper(self) -> str:
        """ok / low / out / unknown, for the heartbeat and the header icon."""
        left = self.capacity_pages - self.pages_since_reload
        if self.stalled or left <= 0:
            return "out"
        if left <= self.capacity_pages // 10:
            return "low"
        return "ok"

    @property
    def state(self) -> str:
        return "error" if self.consecutive_failures >= 2 else "ok"


def pdf_pages(pdf: bytes) -> int:
    return max(1, len(re.findall(rb"/Type\s*/Page[^s]", pdf)))


class CupsPrinter:
    """A CUPS queue, driven with lp and lpstat."""

    def __init__(
        self, queue: str, spool: Spool, health: PrinterHealth | None = None, poll_s: float = 0.3
    ) -> None:
        self.name = queue
        self.queue = queue
        self.spool = spool
        self.health = health or PrinterHealth()
        self.poll_s = poll_s

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintResult:
        path = self.spool.write(pdf)
        try:
            result = self._submit_and_follow(path, title, timeout_s)
        finally:
            # CUPS keeps its own copy once lp returns; ours goes now, whatever happened. A refused
            # job leaves nothing on disk: the caller still holds the bytes and may retry.
            Spool.remove(path)
        self.health.record(result, pdf_pages(pdf))
        log.info("print %s on %s: %s %s", title, self.queue, result.state, result.detail)
        return result

    def _submit_and_follow(self, path: Path, title: str, timeout_s: float) -> PrintResult:
        try:
            p = subprocess.run(
                ["lp", "-d", self.queue, "-t", title, str(path)],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except FileNotFoundError:
            return PrintResult(JobState.FAILED, detail="lp not installed (cups-client)")
        except subprocess.TimeoutExpired:
            return PrintResult(JobState.FAILED, detail="lp did not answer in 30 s")
        m = re.search(r"request id is (\S+)", p.stdout)
        if p.returncode != 0 or not m:
            return PrintResult(JobState.FAILED, detail=(p.stderr or p.stdout).strip()[:300])
        job = m.group(1)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self._listed(job, "not-completed"):
                if self._listed(job, "completed"):
                    return PrintResult(JobState.COMPLETED, job)
            elif self._stopped():
                return PrintResult(JobState.STALLED, job, "queue stopped; job kept in CUPS")
            time.sleep(self.poll_s)
        return PrintResult(JobState.TIMEOUT, job, f"no outcome after {timeout_s:.0f} s")

    def _listed(self, job: str, which: str) -> bool:
        out = subprocess.run(
            ["lpstat", "-W", which, "-o", self.queue], capture_output=True, text=True, timeout=15
        ).stdout
        return any(line.split()[:1] == [job] for line in out.splitlines())

    def _stopped(self) -> bool:
        out = subprocess.run(
            ["lpstat", "-p", self.queue], capture_output=True, text=True, timeout=15
        ).stdout
        return "disabled" in out or "stopped" in out


class FilePrinter:
    """Demo and development: 'prints' by writing the PDF into an outbox folder."""

    def __init__(self, outbox: Path) -> None:
        self.name = f"file:{outbox}"
        self.outbox = outbox
        self.health = PrinterHealth()

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintResult:
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", title)[:40]
            path = self.outbox / f"{stamp}-{safe}-{uuid.uuid4().hex[:6]}.pdf"
            path.write_bytes(pdf)
        except OSError as exc:
            result = PrintResult(JobState.FAILED, detail=str(exc))
        else:
            result = PrintResult(JobState.COMPLETED, str(path))
        self.health.record(result, pdf_pages(pdf))
        return result


class EscposReceiptPrinter:
    """An 80 mm ESC/POS receipt printer (network, USB or serial, through python-escpos)."""

    def __init__(self, device) -> None:
        self.device = device
        self.name = f"escpos:{type(device).__name__}"

    def paper(self) -> str:
        """ok / low / out, where the connection can read the printer's status; else unknown."""
        try:
            status = self.device.paper_status()
        except Exception:
            return "unknown"
        return {2: "ok", 1: "low", 0: "out"}.get(status, "unknown")

    def print_receipt(self, receipt) -> PrintResult:
        from printing.documents import receipt_escpos

        if self.paper() == "out":
            return PrintResult(JobState.FAILED, detail="paper_status: out")
        try:
            receipt_escpos(self.device, receipt)
        except Exception as exc:
            return PrintResult(JobState.FAILED, detail=f"{type(exc).__name__}: {exc}")
        return PrintResult(JobState.COMPLETED)


def receipt_printer_from_config(spec: str) -> EscposReceiptPrinter | None:
    """``network:HOST[:PORT]``, ``usb:VID:PID``, ``serial:DEVICE[:BAUD]`` or ``none``.

    None means no receipt printer: the kiosk prints receipts as half A4 pages instead.
    """
    kind, _, rest = spec.partition(":")
    if kind in ("", "none"):
        return None
    from escpos import printer as escpos

    if kind == "network":
        host, _, port = rest.partition(":")
        return EscposReceiptPrinter(escpos.Network(host, port=int(port or 9100), timeout=5))
    if kind == "usb":
        vid, _, pid = rest.partition(":")
        return EscposReceiptPrinter(escpos.Usb(int(vid, 16), int(pid, 16)))
    if kind == "serial":
        dev, _, baud = rest.partition(":")
        return EscposReceiptPrinter(escpos.Serial(dev, baudrate=int(baud or 9600)))
    raise ValueError(f"unknown receipt printer {spec!r}: use network:, usb:, serial: or none")
