"""Printing benchmarks: render times, warm (font registered once per process, as in the kiosk).

Run: uv run python benchmarks/bench_printing.py
Targets (issue: Printing): certificate <= 50 ms warm; 20-page statement <= 500 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printing.documents import (
    render_certificate,
    render_guide,
    render_receipt_pdf,
    render_statement,
)
from printing.layout import font_name
from printing.printers import pdf_pages
from printing.samples import (
    sample_certificate,
    sample_receipt,
    sample_statement,
)


def timed(fn, runs: int) -> tuple[float, float, bytes]:
    out = fn()  # warm
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), max(ms), out


def main() -> int:
    t = time.perf_counter()
    font_name()
    print(f"font registration (once per process): {(time.perf_counter() - t) * 1000:.0f} ms")
    cert = sample_certificate()
    st = sample_statement()
    from kiosk.catalog import DEMO_CATALOG, load_catalog

    matter = load_catalog(DEMO_CATALOG).by_id()["mz-001"]
    rc = sample_receipt()
    for name, fn, runs in [
        ("certificate", lambda: render_certificate(cert, sample=True), 20),
        ("statement", lambda: render_statement(st), 5),
        ("guide", lambda: render_guide(matter), 20),
        ("receipt (A4 half)", lambda: render_receipt_pdf(rc), 20),
    ]:
        median, worst, pdf = timed(fn, runs)
        print(
            f"{name:18} median {median:6.1f} ms  max {worst:6.1f} ms  "
            f"{pdf_pages(pdf)} page(s), {len(pdf) // 1024} KiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
