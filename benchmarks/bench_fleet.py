"""Fleet benchmark: many terminals' background traffic plus residents, against the real backend.

Run: uv run python benchmarks/bench_fleet.py [--terminals 2000] [--duration 60] [--json]
     [--configs sqlite-1,sqlite-2,postgres-1,postgres-2] [--speedup 1] [--residents-per-min 200]

Each configuration starts ``kiosk sandbox --workers W`` as its own process on loopback, on the data
folder's SQLite file or on a throwaway PostgreSQL cluster (durable: fsync on), registers the
terminals, and then for ``--duration`` seconds:
- every terminal sends a signed heartbeat once a minute and polls its assigned catalog once a
  minute with the ETag it holds (304: the kiosk's own default poll is every 5 minutes, so this is
  five times the catalog traffic of a real fleet), each terminal at its own offset in the minute;
- residents arrive at ``--residents-per-min`` across the fleet (Poisson), each at a random
  terminal, and do one of: ID card -> 公积金 statement -> end (50 %); ID card -> 户籍证明 -> end
  (25 %); gas account -> order -> two status polls -> cancel (25 %), a second between steps.
``--speedup K`` divides every interval by K (2,000 terminals at K=5 offer what 10,000 would).
Reported per configuration: requests per second, p50/p99 latency for the background traffic and
for residents, and errors (any 5xx, a connection failure, or an answer the step did not expect).
Target (issue 14): 2,000 terminals' background traffic at p99 < 100 ms with no errors on PostgreSQL.
The load generator shares the machine's cores with the backend, as the figures say.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.backend.auth import HEADER_TERMINAL, sign  # noqa: E402
from kiosk.backend.store import Store, demo_residents  # noqa: E402

HEARTBEAT = {
    "app_version": "0.1.0",
    "catalog_version": "",
    "printer": "ok",
    "paper": "ok",
    "reader": "ok",
    "microphone": "ok",
    "voice_model": "ready",
    "unresolved_topups": 0,
}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def add(self, kind: str, ms: float, ok: bool, why: str = "") -> None:
        self.latencies.setdefault(kind, []).append(ms)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {why}"[:200])


class Fleet:
    def __init__(self, url: str, http: httpx.AsyncClient, tally: Tally) -> None:
        self.url, self.http, self.tally = url, http, tally

    async def call(
        self,
        kind: str,
        terminal: str,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        expect: tuple[int, ...] = (200,),
        headers: dict | None = None,
    ) -> httpx.Response | None:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        h = {HEADER_TERMINAL: terminal, **sign(secret_of(terminal), method, path, data)}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        t = time.perf_counter()
        try:
            resp = await self.http.request(method, self.url + path, content=data or None, headers=h)
        except httpx.HTTPError as exc:
            self.tally.add(kind, (time.perf_counter() - t) * 1000, False, repr(exc))
            return None
        ms = (time.perf_counter() - t) * 1000
        ok = resp.status_code in expect
        self.tally.add(kind, ms, ok, f"{resp.status_code} {resp.text[:120]}")
        return resp if ok else None


def secret_of(terminal: str) -> str:
    return f"bench-secret-{terminal}"


async def terminal_loop(fleet: Fleet, tid: str, etag: str, interval: float, end: float) -> None:
    offset = random.uniform(0, interval)  # each terminal at its own offset in the minute
    if time.monotonic() + offset >= end:
        return
    await asyncio.sleep(offset)
    beat = {**HEARTBEAT}
    while time.monotonic() < end - 0.5:
        await fleet.call("heartbeat", tid, "POST", "/v1/terminal/heartbeat", beat)
        await fleet.call(
            "catalog_poll", tid, "GET", "/v1/catalog/assigned",
            expect=(304,), headers={"If-None-Match": etag},
        )  # fmt: skip
        await asyncio.sleep(interval)


async def resident(fleet: Fleet, tid: str, who: dict, think: float) -> None:
    pick = random.random()
    if pick < 0.75:
        r = await fleet.call(
            "resident", tid, "POST", "/v1/identity/id-card",
            {"name": who["name"], "id_number": who["id_number"]},
        )  # fmt: skip
        if r is None:
            return
        token = {"X-Resident-Token": r.json()["token"]}
        await asyncio.sleep(think)
        if pick < 0.5:
            await fleet.call("resident", tid, "GET", "/v1/records/gjj?page=1&page_size=20",
                             headers=token, expect=(200, 404))  # fmt: skip
        else:
            await fleet.call("resident", tid, "POST", "/v1/certificates", {"kind": "household"},
                             headers=token, expect=(201, 200))  # fmt: skip
        await asyncio.sleep(think)
        await fleet.call("resident", tid, "DELETE", "/v1/identity/session", headers=token,
                         expect=(204,))  # fmt: skip
        return
    account = "100200300"
    if await fleet.call("resident", tid, "GET", f"/v1/utilities/gas/accounts/{account}") is None:
        return
    await asyncio.sleep(think)
    order = await fleet.call(
        "resident", tid, "POST", "/v1/utilities/gas/orders", {"account": account, "amount": 3000},
        headers={"Idempotency-Key": str(uuid.uuid4())}, expect=(201,),
    )  # fmt: skip
    if order is None:
        return
    oid = order.json()["order_id"]
    for _ in range(2):
        await asyncio.sleep(think)
        await fleet.call("resident", tid, "GET", f"/v1/utilities/gas/orders/{oid}")
    await fleet.call("resident", tid, "POST", f"/v1/utilities/gas/orders/{oid}/cancel")


async def drive(url: str, terminals: list[str], args: argparse.Namespace) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        fleet = Fleet(url, http, tally)
        first = await fleet.call("catalog_first", terminals[0], "GET", "/v1/catalog/assigned")
        etag = first.headers["ETag"] if first is not None else '"none"'
        tally.latencies.pop("catalog_first", None)
        interval = 60 / args.speedup
        start = time.monotonic()
        end = start + args.duration
        tasks = [
            asyncio.create_task(terminal_loop(fleet, t, etag, interval, end)) for t in terminals
        ]
        people = demo_residents()
        rate = args.residents_per_min * args.speedup / 60  # per second
        think = 1.0 / args.speedup
        while rate and time.monotonic() < end:
            await asyncio.sleep(random.expovariate(rate))
            tasks.append(asyncio.create_task(
                resident(fleet, random.choice(terminals), random.choice(people), think)
            ))  # fmt: skip
        await asyncio.gather(*tasks)
        return tally, time.monotonic() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def register(store: Store, n: int) -> list[str]:
    ids = [f"bench-{i:05d}" for i in range(n)]
    with store.tx() as db:
        db.executemany(
            "INSERT INTO terminals VALUES (?,?,?) ON CONFLICT (id) DO NOTHING",
            [(t, secret_of(t), f"压测终端 {t}") for t in ids],
        )
    return ids


def start_sandbox(data: Path, port: int, workers: int, database: str | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "app.cli", "sandbox", "--port", str(port), "--data", str(data),
           "--workers", str(workers), *(("--database", database) if database else ())]  # fmt: skip
    log = (data.parent / "sandbox.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("sandbox died: " + (data.parent / "sandbox.log").read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("sandbox did not start")


def pin_backend(pid: int) -> None:
    """--pin: the backend's processes on the last core, this load generator on the first, as
    if the terminals were other machines (PostgreSQL is left to the scheduler)."""
    last = (os.cpu_count() or 1) - 1
    for p in [pid, *map(int, subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                            text=True).stdout.split())]:  # fmt: skip
        subprocess.run(["taskset", "-a", "-p", "-c", str(last), str(p)], capture_output=True)
    os.sched_setaffinity(0, {0})


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(name: str, tally: Tally, seconds: float) -> dict:
    background = tally.latencies.get("heartbeat", []) + tally.latencies.get("catalog_poll", [])
    residents = tally.latencies.get("resident", [])
    total = len(background) + len(residents)
    return {
        "config": name,
        "requests": total,
        "rps": round(total / seconds, 1),  # over the load window (residents' tails included)
        "background_p50_ms": round(statistics.median(background), 1) if background else 0,
        "background_p99_ms": round(pct(background, 0.99), 1),
        "resident_p50_ms": round(statistics.median(residents), 1) if residents else 0,
        "resident_p99_ms": round(pct(residents, 0.99), 1),
        "errors": sum(tally.errors.values()),
        "error_examples": tally.examples,
    }


def run_config(name: str, args: argparse.Namespace, stack: ExitStack, cluster) -> dict:
    engine, workers = name.split("-")
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-fleet-")))
    data = tmp / "data"
    database = cluster.new_database("fleet") if engine == "postgres" else None
    store = Store(database or data / "backend.sqlite3")  # migrated and seeded here
    terminals = register(store, args.terminals)
    store.close()
    port = free_port()
    proc = start_sandbox(data, port, int(workers), database)
    if args.pin:
        pin_backend(proc.pid)
    try:
        tally, _ = asyncio.run(drive(f"http://127.0.0.1:{port}", terminals, args))
        seconds = args.duration
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return summarize(name, tally, seconds)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--terminals", type=int, default=2000)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load per config")
    p.add_argument("--speedup", type=float, default=1.0)
    p.add_argument("--residents-per-min", type=float, default=200.0)
    p.add_argument("--configs", default="sqlite-1,sqlite-2,postgres-1,postgres-2")
    p.add_argument("--pin", action="store_true",
                   help="backend on the last core, load generator on the first")  # fmt: skip
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    random.seed(1)
    names = [c.strip() for c in args.configs.split(",") if c.strip()]
    results = []
    with ExitStack() as stack:
        cluster = None
        if any(n.startswith("postgres") for n in names):
            sys.path.insert(0, str(ROOT))
            from tests.pgcluster import throwaway_cluster

            cluster = stack.enter_context(throwaway_cluster(durable=True, max_connections=300))
        for name in names:
            result = run_config(name, args, stack, cluster)
            results.append(result)
            if not args.json:
                print(
                    f"{name:12} {result['requests']:7} req {result['rps']:7} req/s  "
                    f"background p50 {result['background_p50_ms']:6} ms p99 "
                    f"{result['background_p99_ms']:7} ms  residents p50 "
                    f"{result['resident_p50_ms']:6} ms p99 {result['resident_p99_ms']:7} ms  "
                    f"errors {result['errors']}",
                    flush=True,
                )
                for example in result["error_examples"]:
                    print("   ", example)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
