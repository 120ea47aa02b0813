"""Printers behind one small interface: CUPS queues, a file outbox (demo), ESC/POS receipts.

CUPS is driven through libcups (pycups): jobs are submitted over IPP straight from memory and
followed by their IPP job state, so the answer never depends on the language ``lp`` speaks
(on zh_CN ``lp`` says "请求 ID 为 ..."), and queue names are matched as CUPS matches them,
ignoring case. Nothing personal outlives its job: the kiosk writes no file for CUPS; when the job
ends (completed, failed, stalled or timed out) the kiosk cancels and purges it, so CUPS keeps
neither the document nor its history (scripts/setup also sets ``PreserveJobFiles No``). A stalled
or timed-out job is cancelled rather than left to print later, unattended, for nobody: the
resident is told to ask staff and prints again once the printer is fixed.

Without pycups, ``lp``/``lpstat``/``cancel`` run under ``LC_ALL=C`` (their English answers are
parsed) with the document in a private spool file (0600, folder 0700) deleted as soon as ``lp``
has returned. The file outbox is a demo and technician tool: files 0600 in a 0700 folder, each
removed after ``keep_s`` (5 minutes) or when the resident's session ends, whichever comes first.
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

try:  # libcups bindings; the lp fallback below covers a machine without them
    import cups
except ImportError:  # pragma: no cover - pycups is a dependency; kept for odd builds
    cups = None

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

    @classmethod
    def private(cls) -> Spool:
        """A per-user spool under the temp folder (the lp fallback with no spool given)."""
        import tempfile

        return cls(Path(tempfile.gettempdir()) / f"kiosk-spool-{os.getuid()}")


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


def _job_name(title: str) -> str:
    """The job's name as CUPS shows it: the title without control characters, at most 200."""
    return "".join(ch if ch.isprintable() else " " for ch in title).strip()[:200] or "kiosk"


# IPP job-state and printer-state values (RFC 8011), so the fallback needs no pycups
_PENDING, _HELD, _PROCESSING, _STOPPED, _CANCELED, _ABORTED, _COMPLETED = 3, 4, 5, 6, 7, 8, 9
_PRINTER_STOPPED = 5
_C_LOCALE = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}


class CupsPrinter:
    """A CUPS queue, through libcups (pycups) or, without it, lp/lpstat under LC_ALL=C."""

    def __init__(
        self,
        queue: str,
        spool: Spool | None = None,
        health: PrinterHealth | None = None,
        poll_s: float = 0.3,
        use_ipp: bool | None = None,
    ) -> None:
        self.name = queue
        self.queue = queue  # as configured; the queue's own spelling is looked up per job
        self.spool = spool
        self.health = health or PrinterHealth()
        self.poll_s = poll_s
        self.use_ipp = cups is not None if use_ipp is None else use_ipp

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintResult:
        try:
            if self.use_ipp:
                result = self._print_ipp(pdf, title, timeout_s)
            else:
                result = self._print_lp(pdf, title, timeout_s)
        except Exception as exc:  # a scheduler gone mid-job: say so, never raise into a screen
            result = PrintResult(JobState.FAILED, detail=f"{type(exc).__name__}: {exc}"[:300])
        self.health.record(result, pdf_pages(pdf))
        level = logging.INFO if result.ok else logging.WARNING
        log.log(level, "print %r on %s: %s %s", title, self.queue, result.state, result.detail)
        return result

    # ----- libcups -----

    def _resolve(self, conn) -> str | None:
        """The queue's name as CUPS spells it (CUPS compares queue names ignoring case)."""
        names = list(conn.getPrinters()) + list(conn.getClasses())
        return next((n for n in names if n.casefold() == self.queue.casefold()), None)

    def _print_ipp(self, pdf: bytes, title: str, timeout_s: float) -> PrintResult:
        try:
            conn = cups.Connection()  # one per job: pycups connections are not thread-safe
        except RuntimeError as exc:
            return PrintResult(JobState.FAILED, detail=f"CUPS not reachable: {exc}")
        name = self._resolve(conn)
        if name is None:
            return PrintResult(JobState.FAILED, detail=f"queue {self.queue} does not exist")
        attrs = conn.getPrinterAttributes(
            name, requested_attributes=["printer-is-accepting-jobs", "printer-state"]
        )
        if not attrs.get("printer-is-accepting-jobs", True):
            return PrintResult(JobState.FAILED, detail=f"queue {name} is rejecting jobs")
        job = conn.createJob(name, _job_name(title), {})
        job_id = f"{name}-{job}"
        try:
            # a fixed document-name: cupsd 2.4.2 crashes (segfault in building the filters'
            # options) on a document-name with a space in it, e.g. "办事指南 公积金提取"
            conn.startDocument(name, job, "document.pdf", "application/pdf", 1)
            conn.writeRequestData(pdf, len(pdf))
            conn.finishDocument(name)
            return self._follow_ipp(conn, name, job, job_id, timeout_s)
        finally:
            self._purge_ipp(conn, job)

    def _follow_ipp(self, conn, name: str, job: int, job_id: str, timeout_s: float) -> PrintResult:
        wanted = ["job-state", "job-state-reasons", "job-printer-state-message"]
        deadline = time.monotonic() + timeout_s
        while True:
            a = conn.getJobAttributes(job, requested_attributes=wanted)
            state, reasons = a.get("job-state"), a.get("job-state-reasons", "")
            if state == _COMPLETED:
                return PrintResult(JobState.COMPLETED, job_id)
            if state in (_CANCELED, _ABORTED):
                why = a.get("job-printer-state-message") or reasons
                return PrintResult(JobState.FAILED, job_id, f"job {state}: {why}"[:300])
            printer_state = conn.getPrinterAttributes(
                name, requested_attributes=["printer-state"]
            ).get("printer-state")
            if state == _STOPPED or printer_state == _PRINTER_STOPPED:
                return PrintResult(JobState.STALLED, job_id, "queue stopped; job cancelled")
            if time.monotonic() >= deadline:
                return PrintResult(JobState.TIMEOUT, job_id, f"no outcome after {timeout_s:.0f} s")
            time.sleep(self.poll_s)

    @staticmethod
    def _purge_ipp(conn, job: int) -> None:
        """Cancel (if still active) and purge: CUPS drops the document and the job's history."""
        try:
            conn.cancelJob(job, purge_job=True)
        except Exception as exc:  # the job stays in CUPS until its own PreserveJob* limits
            log.warning("could not purge CUPS job %s: %s", job, exc)

    # ----- lp / lpstat fallback (answers parsed in the C locale) -----

    def _lp(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, timeout=30, env=_C_LOCALE)

    def _resolve_lp(self) -> str | None:
        out = self._lp("lpstat", "-e").stdout.split()
        return next((n for n in out if n.casefold() == self.queue.casefold()), None)

    def _print_lp(self, pdf: bytes, title: str, timeout_s: float) -> PrintResult:
        if not shutil.which("lp"):
            return PrintResult(JobState.FAILED, detail="lp not installed (cups-client)")
        name = self._resolve_lp()
        if name is None:
            return PrintResult(JobState.FAILED, detail=f"queue {self.queue} does not exist")
        spool = self.spool or Spool.private()
        path = spool.write(pdf)
        try:
            p = self._lp("lp", "-d", name, "-t", title, str(path))
        finally:
            Spool.remove(path)  # lp has handed CUPS its copy (or failed): ours goes now
        m = re.search(r"request id is (\S+)", p.stdout)
        if p.returncode != 0 or not m:
            return PrintResult(JobState.FAILED, detail=(p.stderr or p.stdout).strip()[:300])
        job_id = m.group(1)
        try:
            return self._follow_lp(name, job_id, timeout_s)
        finally:
            # -x purges an unfinished job; CUPS 2.4 refuses it for a completed one, whose file
            # then goes by PreserveJobFiles No (scripts/setup)
            self._lp("cancel", "-x", job_id)

    def _follow_lp(self, name: str, job_id: str, timeout_s: float) -> PrintResult:
        deadline = time.monotonic() + timeout_s
        while True:
            if not self._listed(name, job_id, "not-completed"):
                if self._listed(name, job_id, "completed"):
                    return PrintResult(JobState.COMPLETED, job_id)
                return PrintResult(JobState.FAILED, job_id, "job cancelled or aborted")
            if self._stopped_lp(name):
                return PrintResult(JobState.STALLED, job_id, "queue stopped; job cancelled")
            if time.monotonic() >= deadline:
                return PrintResult(JobState.TIMEOUT, job_id, f"no outcome after {timeout_s:.0f} s")
            time.sleep(self.poll_s)

    def _listed(self, name: str, job_id: str, which: str) -> bool:
        out = self._lp("lpstat", "-W", which, "-o", name).stdout
        return any(line.split()[:1] == [job_id] for line in out.splitlines())

    def _stopped_lp(self, name: str) -> bool:
        out = self._lp("lpstat", "-p", name).stdout
        return "disabled" in out or "stopped" in out

    # ----- state for the header and the heartbeat -----

    def status(self) -> str:
        """ok / low / out / error / offline, asked of CUPS (blocks: call it on a worker)."""
        try:
            stopped, reasons = self._queue_state()
        except Exception as exc:
            log.warning("printer check on %s: %s", self.queue, exc)
            return "offline"
        if stopped is None:
            return "offline"
        if any(r.startswith(("media-empty", "media-needed", "media-jam")) for r in reasons):
            return "out"
        if stopped:
            return "out" if self.health.stalled else "offline"
        if self.health.state == "error":
            return "error"
        if any(r.startswith("media-low") for r in reasons):
            return "low"
        return self.health.paper

    def _queue_state(self) -> tuple[bool | None, list[str]]:
        """(stopped, printer-state-reasons); stopped None when the queue does not exist."""
        if self.use_ipp:
            conn = cups.Connection()
            name = self._resolve(conn)
            if name is None:
                return None, []
            a = conn.getPrinterAttributes(
                name, requested_attributes=["printer-state", "printer-state-reasons"]
            )
            reasons = a.get("printer-state-reasons") or []
            reasons = [reasons] if isinstance(reasons, str) else list(reasons)
            return a.get("printer-state") == _PRINTER_STOPPED, [r for r in reasons if r != "none"]
        name = self._resolve_lp()
        return (None, []) if name is None else (self._stopped_lp(name), [])


class FilePrinter:
    """Demo and technician tool: 'prints' by writing the PDF into a private outbox folder.

    Files are 0600 in a 0700 folder and live at most ``keep_s`` seconds, and not past the end of
    the resident's session (``session_ended``): long enough to open one and look, never a
    collection of residents' certificates.
    """

    def __init__(self, outbox: Path, keep_s: float = 300.0) -> None:
        self.name = f"file:{outbox}"
        self.outbox = outbox
        self.keep_s = keep_s
        self.health = PrinterHealth()
        self.sweep()

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float = 60.0) -> PrintResult:
        self.sweep()
        try:
            self.outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.outbox, 0o700)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", title)[:40]
            path = self.outbox / f"{stamp}-{safe}-{uuid.uuid4().hex[:6]}.pdf"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
        except OSError as exc:
            result = PrintResult(JobState.FAILED, detail=str(exc))
        else:
            result = PrintResult(JobState.COMPLETED, str(path))
        self.health.record(result, pdf_pages(pdf))
        log.info("print %r to the outbox: %s", title, result.state)
        return result

    def sweep(self, max_age_s: float | None = None) -> int:
        """Remove outbox files older than ``max_age_s`` (default ``keep_s``); returns how many."""
        limit = self.keep_s if max_age_s is None else max_age_s
        now, removed = time.time(), 0
        try:
            files = list(self.outbox.glob("*.pdf"))
        except OSError:
            return 0
        for path in files:
            try:
                if now - path.stat().st_mtime >= limit:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def session_ended(self) -> None:
        """The resident has gone: what was 'printed' for them goes too."""
        self.sweep(0)


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
