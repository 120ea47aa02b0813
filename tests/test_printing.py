"""Printed documents checked as a reader would (pdftotext, pdffonts), and printed through a real
CUPS queue backed by cups-pdf, an ESC/POS Dummy printer, and the file outbox."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import segno
from escpos.printer import Dummy

from kiosk.catalog import DEMO_CATALOG, Matter, load_catalog
from printing.documents import render_certificate, render_guide, render_statement
from printing.printers import (
    CupsPrinter,
    EscposReceiptPrinter,
    FilePrinter,
    JobState,
    PrinterHealth,
    Spool,
    pdf_pages,
)
from printing.samples import sample_certificate, sample_receipt, sample_statement

need_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def text_of(
    pdf: bytes, tmp_path: Path, first: int | None = None, last: int | None = None, mode="-layout"
) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    cmd = ["pdftotext", mode]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(path), "-"], capture_output=True, text=True, check=True).stdout


def fonts_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in out]


@need_poppler
def test_certificate_text_fonts_and_sample_mark(tmp_path):
    cert = sample_certificate()
    pdf = render_certificate(cert, sample=True, terminal="01号机")
    text = text_of(pdf, tmp_path)
    for needle in (
        "困难群众证明",
        cert.name,
        cert.id_number,
        cert.code,
        cert.issuer,
        "最低生活保障对象",
        "年",
    ):
        assert needle in text, needle
    # the rotated 样本 mark comes out of pdftotext only in raw order
    assert "样" in text_of(pdf, tmp_path, mode="-raw")
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(row[-5] == "yes" and row[-4] == "yes" for row in fonts), fonts  # emb sub
    real = render_certificate(cert, sample=False)
    assert "样" not in text_of(real, tmp_path, mode="-raw")


@need_poppler
def test_certificate_carries_the_backends_seal(tmp_path):
    png = segno.make("seal").png_data_uri(scale=10).split(",", 1)[1]
    cert = sample_certificate().model_copy(update={"seal_png_base64": png})
    path = tmp_path / "sealed.pdf"
    path.write_bytes(render_certificate(cert, sample=False))
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1


@need_poppler
def test_statement_pages_headings_totals(tmp_path):
    st = sample_statement()
    pdf = render_statement(st)
    assert pdf_pages(pdf) == 20
    first, second = text_of(pdf, tmp_path, 1), text_of(pdf, tmp_path, 2)
    assert "第 1 页 共 20 页" in first and "第 2 页 共 20 页" in second
    assert "缴存单位" in second  # heading row repeated on every page
    assert st.rows[0][0] in first and st.id_masked in first and "****" in st.id_masked
    last = text_of(pdf, tmp_path, 20)
    assert "累计缴存" in last and f"{len(st.rows)}个月" in last
    assert all(r[-5] == "yes" for r in fonts_of(pdf, tmp_path))


@need_poppler
def test_guide_printout(tmp_path):
    matter = load_catalog(DEMO_CATALOG).by_id()["gjj-004"]
    text = text_of(render_guide(matter, printed_at="2026-11-22 10:00"), tmp_path)
    for needle in (
        matter.name,
        "要带什么",
        "居民身份证",
        "办理地点",
        matter.guide.hours[:6],
        "3个工作日",
        "12329",
    ):
        assert needle in text, needle
    bare = Matter(id="x", name="测试事项", department="某局", category="其他", kind="guide")
    assert "暂无办事指南" in text_of(render_guide(bare), tmp_path)


# ----- spool and outbox -----


def test_spool_is_private_and_emptied_at_start(tmp_path):
    folder = tmp_path / "spool"
    folder.mkdir()
    (folder / "left-from-a-crash.pdf").write_bytes(b"old")
    spool = Spool(folder)
    assert list(folder.iterdir()) == []
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    path = spool.write(b"%PDF")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_file_printer_outbox(tmp_path):
    result = FilePrinter(tmp_path / "outbox").print_pdf(b"%PDF-1.4 /Type /Page ", "困难群众证明")
    assert result.ok and Path(result.job_id).exists()
    assert stat.S_IMODE(Path(result.job_id).stat().st_mode) == 0o600


def test_printer_health_counts_paper():
    h = PrinterHealth(capacity_pages=20)
    from printing.printers import PrintResult

    for _ in range(18):
        h.record(PrintResult(JobState.COMPLETED), 1)
    assert h.paper == "low"
    h.record(PrintResult(JobState.STALLED), 1)
    h.record(PrintResult(JobState.FAILED), 1)
    assert h.paper == "out" and h.state == "error"
    h.paper_reloaded()
    assert h.paper == "ok" and h.state == "ok"


# ----- ESC/POS -----


def test_escpos_receipt_on_dummy():
    dummy = Dummy()
    printer = EscposReceiptPrinter(dummy)
    assert printer.paper() == "unknown"  # Dummy cannot read status
    rc = sample_receipt()
    assert printer.print_receipt(rc).ok
    out = dummy.output
    assert "燃气充值凭证".encode("gb18030") in out and b"100200300" in out
    assert b"\x1c\x26" in out and b"\x1d\x56" in out  # Chinese mode on; paper cut


def test_escpos_paper_out_refuses():
    class Empty(Dummy):
        def paper_status(self):
            return 0

    result = EscposReceiptPrinter(Empty()).print_receipt(sample_receipt())
    assert result.state is JobState.FAILED and "缺纸" not in result.message
    assert "打印机" in result.message


# ----- CUPS (real cupsd, cups-pdf queue; scripts/test sets it up when run as root) -----

CUPS_READY = bool(shutil.which("lp")) and subprocess.run(
    ["lpstat", "-r"], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}
).stdout.strip().startswith("scheduler is running")
requires_cups = pytest.mark.skipif(
    not CUPS_READY and not os.environ.get("KIOSK_REQUIRE_CUPS"),
    reason="no CUPS scheduler (scripts/test starts one when run as root)",
)
QUEUE = os.environ.get("KIOSK_TEST_QUEUE", "KioskPDF")


def cups_pdf_out() -> Path:
    for line in Path("/etc/cups/cups-pdf.conf").read_text().splitlines():
        if line.startswith("Out "):
            return Path(line.split(None, 1)[1].replace("${HOME}", str(Path.home())))
    return Path.home() / "PDF"


def newest_after(folder: Path, since: float, timeout: float = 20) -> Path | None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = [p for p in folder.glob("*.pdf") if p.stat().st_mtime >= since - 1]
        if files:
            return max(files, key=lambda p: p.stat().st_mtime)
        time.sleep(0.2)
    return None


def cups_jobs() -> set[int]:
    import cups

    return set(cups.Connection().getJobs(which_jobs="all"))


def assert_purged(job_id: str) -> None:
    """The job is gone from CUPS: no history entry, no document or control file in its spool."""
    n = int(job_id.rsplit("-", 1)[1])
    assert n not in cups_jobs(), f"job {n} still in CUPS"
    spool = Path("/var/spool/cups")
    if os.access(spool, os.R_OK | os.X_OK):
        assert not list(spool.glob(f"d{n:05d}-*")) and not (spool / f"c{n:05d}").exists()


def take_output(since: float, timeout: float = 20) -> bytes:
    """The cups-pdf 'paper' for a job: read it and remove it (the sample holds an ID number)."""
    out = newest_after(cups_pdf_out(), since, timeout)
    assert out is not None, "cups-pdf wrote nothing"
    data = out.read_bytes()
    out.unlink()
    return data


@requires_cups
@pytest.mark.parametrize("use_ipp", [True, False], ids=["libcups", "lp-fallback"])
def test_cups_job_completes_and_is_purged(tmp_path, use_ipp):
    assert CUPS_READY, "KIOSK_REQUIRE_CUPS is set but no CUPS scheduler runs"
    since = time.time()
    printer = CupsPrinter(QUEUE, Spool(tmp_path / "spool"), use_ipp=use_ipp)
    result = printer.print_pdf(render_certificate(sample_certificate(), sample=True), "cert")
    assert result.ok, (result.state, result.detail)
    assert result.job_id.startswith(QUEUE)
    assert take_output(since).startswith(b"%PDF")
    assert list((tmp_path / "spool").iterdir()) == []  # nothing left behind
    assert printer.health.pages_since_reload == 1
    if use_ipp:  # CUPS 2.4's `cancel -x` refuses completed jobs: setup's PreserveJobFiles covers it
        assert_purged(result.job_id)
    assert printer.status() == "ok"


@requires_cups
def test_title_with_spaces_prints_and_cups_survives(tmp_path):
    """cupsd 2.4.2 segfaults on a document-name with a space: the kiosk never sends one."""
    since = time.time()
    printer = CupsPrinter(QUEUE)
    result = printer.print_pdf(
        render_guide(load_catalog(DEMO_CATALOG).matters[0]), "办事指南 公积金 提取"
    )
    assert result.ok, (result.state, result.detail)
    take_output(since)
    assert printer.status() == "ok"  # the scheduler is still there
    assert_purged(result.job_id)


@requires_cups
def test_queue_name_in_another_case_prints(tmp_path):
    since = time.time()
    printer = CupsPrinter(QUEUE.lower())
    result = printer.print_pdf(render_certificate(sample_certificate(), sample=True), "lower")
    assert result.ok and result.job_id.startswith(QUEUE + "-"), (result.state, result.detail)
    take_output(since)
    assert_purged(result.job_id)


ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"}
ZH_READY = "zh_CN.utf8" in subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout


@requires_cups
@pytest.mark.skipif(not ZH_READY, reason="zh_CN.UTF-8 locale not generated (scripts/setup does)")
@pytest.mark.parametrize("use_ipp", [True, False], ids=["libcups", "lp-fallback"])
def test_prints_truthfully_under_a_chinese_locale(tmp_path, use_ipp):
    """The kiosk process runs under zh_CN.UTF-8, where lp answers 请求 ID 为 ...: the job is
    still reported completed, in the queue's other spelling too."""
    env = {**os.environ, **ZH}
    probe = tmp_path / "probe.txt"
    probe.write_text("probe\n")
    held = ["lp", "-d", QUEUE, "-H", "hold", str(probe)]  # held, then purged: never printed
    lp = subprocess.run(held, capture_output=True, text=True, env=env)
    assert lp.returncode == 0 and "请求 ID" in lp.stdout  # the locale really speaks Chinese
    lp_job = int(re.search(r"-(\d+)", lp.stdout).group(1))
    import cups

    cups.Connection().cancelJob(lp_job, purge_job=True)
    code = (
        "import sys; from printing.printers import CupsPrinter;"
        "from printing.samples import render_sample;"
        "pdf, title = render_sample('certificate');"
        f"r = CupsPrinter({QUEUE.lower()!r}, use_ipp={use_ipp}).print_pdf(pdf, title, 60);"
        "print(r.state.value, r.job_id); sys.exit(0 if r.ok else 1)"
    )
    since = time.time()
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert p.returncode == 0, p.stdout + p.stderr
    state, job_id = p.stdout.split()
    assert state == "completed" and job_id.startswith(QUEUE)
    take_output(since)
    if use_ipp:
        assert_purged(job_id)


@requires_cups
@pytest.mark.skipif(not ZH_READY, reason="zh_CN.UTF-8 locale not generated (scripts/setup does)")
def test_kiosk_print_command_under_chinese_locale():
    since = time.time()
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "print",
            "--sample",
            "statement",
            "--printer",
            QUEUE.lower(),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **ZH},
        timeout=180,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert p.returncode == 0 and f"printed on {QUEUE.lower()}: job {QUEUE}-" in p.stdout, (
        p.stdout + p.stderr
    )
    take_output(since)
    assert_purged(p.stdout.rsplit("job ", 1)[1].strip())


@requires_cups
def test_cups_missing_queue_says_so_and_keeps_nothing(tmp_path):
    printer = CupsPrinter("NoSuchKioskQueue", Spool(tmp_path / "spool"))
    result = printer.print_pdf(b"%PDF-1.4", "x", timeout_s=5)
    assert result.state is JobState.FAILED and "联系工作人员" in result.message
    assert "does not exist" in result.detail
    assert list((tmp_path / "spool").iterdir()) == []
    assert printer.status() == "offline"


@requires_cups
def test_cups_stopped_printer_stalls_and_the_job_is_cancelled(tmp_path):
    """A stalled resident job is cancelled, not left to print later for nobody."""
    queue = "KioskPDFStopped"
    subprocess.run(
        [
            "lpadmin",
            "-p",
            queue,
            "-E",
            "-v",
            "cups-pdf:/",
            "-m",
            "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(["cupsdisable", queue], check=True)
        printer = CupsPrinter(queue, Spool(tmp_path / "spool"), poll_s=0.2)
        result = printer.print_pdf(
            render_certificate(sample_certificate(), sample=True), "stalled", timeout_s=10
        )
        assert result.state is JobState.STALLED and "暂停" in result.message
        assert printer.health.paper == "out" and printer.status() == "out"
        assert_purged(result.job_id)  # nothing waits in CUPS to come out unattended
    finally:
        subprocess.run(["lpadmin", "-x", queue], capture_output=True)


# ----- the file outbox (demo / technician) -----


def test_outbox_is_private_and_short_lived(tmp_path):
    printer = FilePrinter(tmp_path / "outbox", keep_s=300)
    first = Path(printer.print_pdf(b"%PDF-1.4 /Type /Page ", "证明一").job_id)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "outbox").stat().st_mode) == 0o700
    old = time.time() - 301
    os.utime(first, (old, old))  # as if printed six minutes ago
    second = Path(printer.print_pdf(b"%PDF-1.4 /Type /Page ", "证明二").job_id)
    assert not first.exists() and second.exists()  # each print sweeps what has expired
    FilePrinter(tmp_path / "outbox", keep_s=0)  # a kiosk starting up sweeps too
    assert not second.exists()
    third = Path(printer.print_pdf(b"%PDF-1.4 /Type /Page ", "证明三").job_id)
    printer.session_ended()
    assert not third.exists()


def test_receipt_printer_config():
    from printing.printers import receipt_printer_from_config

    assert receipt_printer_from_config("none") is None
    net = receipt_printer_from_config("network:127.0.0.1:9")
    assert net is not None and "Network" in net.name
    with pytest.raises(ValueError, match="unknown receipt printer"):
        receipt_printer_from_config("bluetooth:x")
