"""Randomized top-ups against the reference backend (a real server process), with its faults
injected, the kiosk process and the backend process killed (SIGKILL), then both restarted and
reconciled, and the ledger, the journals and the card checked against each other.

    python -m kiosk.topup.faultsim --runs N --seed S [--json]

Each run draws a scenario:

- one to three purchases on one account, each by a fresh kiosk process (journal in the
  terminal's data folder, one simulated card per account kept across runs) while the backend
  drops requests or responses, answers 500 or is slow; the resident pays, walks away (cancel) or
  leaves the QR to expire; the card may be pulled before or after the write takes effect; the
  kiosk may be SIGKILLed right after any journal step; a resident with a purchase waiting may
  take the 补写卡 offered first;
- sometimes a second terminal tops up the same account at the same time (its slot is empty:
  the card is at the first one);
- sometimes the backend process is SIGKILLed mid-run and started again on the same data;
- sometimes a payment arrives after the order was cancelled or expired (late payment);
- sometimes the first terminal's journal is damaged (garbage, or its WAL zeroed) before the
  kiosk restarts.

Then each kiosk restarts and reconciles, the resident comes back with the card for anything
pending (补写卡), the kiosks reconcile again (the periodic run), and the invariants are checked:

- lost: a charge neither delivered nor refunded;
- double: more orders than top-ups, or an order charged, delivered or refunded twice;
- stuck: a journal entry or a backend order left unfinished (or marked for attention);
- mismatched: what the journal, the card or the backend say disagree: the card's credited total
  is the sum of this card's written purchases in the ledger, its purchase records are the
  backend's written orders (same order, same sequence), its counter is the backend's, a
  cancelled or expired order is never delivered, a confirmed one is always charged;
- late_unrefunded: a payment that arrived after cancel or expiry and was not refunded (or not
  recorded at all) by the backend.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

IC_ACCOUNTS = ["100200300", "100200301", "100200304"]
REMOTE_ACCOUNTS = ["100200302", "100200303"]
KILL_POINTS = [None, "created", "ordered", "paid", "card_written", "confirmed"]
FAULT_TARGETS = [
    ("POST", "/v1/utilities/gas/orders"),
    ("GET", "/v1/utilities/gas/orders/"),
    ("POST", "/v1/utilities/gas/orders/"),
]
FAULT_MODES = ["drop_request", "drop_response", "error", "error_after", "delay"]
PROBLEMS = ("lost", "double", "stuck", "mismatched", "late_unrefunded")
SECOND_TERMINAL = ("faultsim-terminal-02", "faultsim-second-terminal-secret")


def _client(url: str, terminal: tuple[str, str] | None = None, **kw):
    from kiosk.backend.client import BackendClient
    from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET

    tid, secret = terminal or (DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET)
    return BackendClient(url, tid, secret, **kw)


# ----- the kiosk side (a child process) -----


def child(args: argparse.Namespace) -> int:
    from kiosk.backend.client import BackendError
    from kiosk.topup.card import CardError, SimulatedCardWriter
    from kiosk.topup.flow import TopupFlow
    from kiosk.topup.journal import Journal, State

    def maybe_die(state: State) -> None:
        if state.value == args.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # the power cut, right after this commit

    journal = Journal(Path(args.journal), on_commit=maybe_die)
    terminal = (args.terminal_id, args.secret) if args.terminal_id else None
    client = _client(args.url, terminal, read_timeout=0.5, retries=3, backoff_s=0.02)
    flow = TopupFlow(journal, client, SimulatedCardWriter(Path(args.card)))
    if args.remove_card:
        flow.writer.remove_during_write = args.remove_card
    try:
        account = client.gas_account(args.account)
        if args.rewrite_first and flow.waiting_writes(account):
            flow.rewrite()  # the resident takes the 补写卡 offered first
            flow.writer.remove_during_write = args.remove_card
        entry = flow.start(account, args.amount)
        if args.pay:
            _client(args.url).sandbox("POST", f"/orders/{entry.order_id}/pay")  # the resident pays
        for _ in range(20):
            entry = flow.poll(entry)
            if entry.state is not State.ORDERED:
                break
            if not args.pay:
                if not args.walk_away:
                    entry = flow.cancel(entry)  # cancel until paid
                break  # walked away: the QR expires, or reconciliation cancels
        if entry.state is State.PAID:
            entry = flow.write_card(entry)
        if entry.state is State.CONFIRMED:
            flow.receipted(entry)
    except CardError:
        return 3  # card pulled out or not there: the kiosk tells the resident
    except BackendError:
        return 4  # the backend went away: the kiosk says so; reconciliation follows
    return 0


# ----- the backend (a real server process) -----


class BackendProcess:
    """The reference backend as its own process (``kiosk sandbox``), killed and restarted."""

    def __init__(self, data: Path, database: str | None = None) -> None:
        self.data = data
        self.database = database  # a PostgreSQL URL, or None: the data folder's SQLite file
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: multiprocessing.Process | None = None
        self._register_second_terminal()

    def _register_second_terminal(self) -> None:
        from kiosk.backend.store import Store

        store = Store(self.database or self.data / "backend.sqlite3")  # created and seeded
        try:
            with store.tx() as db:
                db.execute(
                    "INSERT INTO terminals (id, secret, name) VALUES (?,?,?) "
                    "ON CONFLICT (id) DO NOTHING",
                    (*SECOND_TERMINAL, "故障模拟第二台终端"),
                )
        finally:
            store.close()

    def start(self) -> None:
        """The same app ``kiosk sandbox`` serves, in its own process (forked from the preloaded
        server: a restart takes a fraction of a second, so kills can be frequent)."""
        self.proc = _spawn_target(_serve_backend, (str(self.data), self.port, self.database))
        deadline = time.time() + 30
        while time.time() < deadline:
            if not self.proc.is_alive():
                raise RuntimeError(f"reference backend exited with {self.proc.exitcode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("reference backend did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush beyond what SQLite already made durable."""
        if self.proc and self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.join()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            self.proc.join(10)
            self.kill()


def _serve_backend(data: str, port: int, database: str | None) -> None:
    import uvicorn

    from kiosk.backend.server import create_app

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # its log of injected faults and dropped clients is expected
    app = create_app(Path(data), pay_after_s=None, database=database)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical")


# ----- the simulation (the parent) -----


@dataclass
class Purchase:
    amount: int
    kill_at: str | None
    pay: str  # "pay", "cancel", "leave" (walks away: cancelled or expired later)
    remove: str | None
    rewrite_first: bool
    late: bool = False  # a payment after cancel/expiry arrives


@dataclass
class Scenario:
    account: str
    ic: bool
    purchases: list[Purchase]
    faults: list[dict]
    second: Purchase | None = None  # a second terminal on the same account, at the same time
    backend_kill: float | None = None  # seconds into the first purchase
    damage: str | None = None  # "garbage" or "zero_wal", before the restart
    expire: bool = False  # let unpaid QR codes expire (clock forward) before reconciling
    info: dict = field(default_factory=dict)


def draw(rnd: random.Random) -> Scenario:
    ic = rnd.random() < 0.6
    account = rnd.choice(IC_ACCOUNTS if ic else REMOTE_ACCOUNTS)

    def purchase() -> Purchase:
        pay = rnd.choices(["pay", "cancel", "leave"], [0.75, 0.15, 0.10])[0]
        return Purchase(
            amount=rnd.randrange(10, 101) * 100,
            kill_at=rnd.choice(KILL_POINTS),
            pay=pay,
            remove=rnd.choice([None, None, None, "before", "after"]) if ic else None,
            rewrite_first=rnd.random() < 0.3,
            late=pay != "pay" and rnd.random() < 0.5,
        )

    n = 1 if not ic or rnd.random() < 0.6 else rnd.randrange(2, 4)
    faults = []
    for _ in range(rnd.randrange(0, 3)):
        method, prefix = rnd.choice(FAULT_TARGETS)
        faults.append(
            {
                "mode": rnd.choice(FAULT_MODES),
                "path_prefix": prefix,
                "method": method,
                "count": rnd.randrange(1, 3),
                "delay_s": 0.8,
            }
        )
    return Scenario(
        account=account,
        ic=ic,
        purchases=[purchase() for _ in range(n)],
        faults=faults,
        second=purchase() if rnd.random() < 0.15 else None,
        backend_kill=rnd.uniform(0.05, 1.0) if rnd.random() < 0.12 else None,
        damage=rnd.choice(["garbage", "zero_wal"]) if rnd.random() < 0.1 else None,
        expire=rnd.random() < 0.5,
    )


_FORKSERVER = None


def _spawn(argv: list[str]) -> multiprocessing.Process:
    """A fresh kiosk process: forked from a server that has the kiosk's modules imported (a
    fraction of a second instead of a new interpreter's start-up), killed with a real SIGKILL
    all the same."""
    return _spawn_target(_child_entry, (argv,))


def _spawn_target(target, args: tuple) -> multiprocessing.Process:
    global _FORKSERVER
    if _FORKSERVER is None:
        _FORKSERVER = multiprocessing.get_context("forkserver")
        _FORKSERVER.set_forkserver_preload(
            ["kiosk.backend.client", "kiosk.topup.flow", "kiosk.backend.server", "uvicorn"]
        )
    proc = _FORKSERVER.Process(target=target, args=args, daemon=True)
    proc.start()
    return proc


def _child_entry(argv: list[str]) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the kiosk's own warnings (retries, refusals) are expected here
    sys.exit(main(argv))


def _child_cmd(url, journal, card, account, p: Purchase, terminal=None) -> list[str]:
    cmd = ["--child", "--url", url]
    cmd += ["--journal", str(journal), "--card", str(card), "--account", account]
    cmd += ["--amount", str(p.amount)]
    if p.kill_at:
        cmd += ["--kill-at", p.kill_at]
    if p.pay == "pay":
        cmd += ["--pay"]
    if p.pay == "leave":
        cmd += ["--walk-away"]
    if p.remove:
        cmd += ["--remove-card", p.remove]
    if p.rewrite_first:
        cmd += ["--rewrite-first"]
    if terminal:
        cmd += ["--terminal-id", terminal[0], "--secret", terminal[1]]
    return cmd


def _damage(journal: Path, how: str) -> str:
    wal = Path(str(journal) + "-wal")
    if how == "zero_wal" and wal.exists() and wal.stat().st_size > 0:
        wal.write_bytes(b"\0" * wal.stat().st_size)
        return "zero_wal"
    if journal.exists():
        journal.write_bytes(b"\0garbage, not a database\0" * 64)
        return "garbage"
    return "none"


def run_one(sc: Scenario, rnd: random.Random, backend: BackendProcess, work: Path, n: int) -> dict:
    from kiosk.topup.card import Card, SimulatedCardWriter
    from kiosk.topup.flow import rewrite_pending
    from kiosk.topup.journal import Journal

    started = time.monotonic()
    url = backend.url
    sandbox = _client(url, read_timeout=5.0)
    run_dir = work / f"run{n}"
    run_dir.mkdir()
    journal_path = run_dir / "terminal-1" / "topup.sqlite3"  # each kiosk's data folder
    journal2_path = run_dir / "terminal-2" / "topup.sqlite3"
    card_path = work / f"card-{sc.account}.json"  # one card per account, across runs
    writer = SimulatedCardWriter(card_path)
    if sc.ic and not card_path.exists() and not writer.outside.exists():
        state = {a["account"]: a for a in sandbox.sandbox("GET", "/ledger")["accounts"]}
        writer.insert(Card(f"CARD-{sc.account}", sc.account, state[sc.account]["card_sequence"], 0))
    before = sandbox.sandbox("GET", "/ledger")
    known = {o["order_id"] for o in before["orders"]}
    for f in sc.faults:
        sandbox.sandbox("POST", "/faults", f)
    rcs = []
    killer = None
    if sc.backend_kill is not None:

        def kill_and_restart(delay=sc.backend_kill) -> None:
            time.sleep(delay)
            backend.kill()
            time.sleep(0.3)  # down for a moment: requests fail, then it comes back
            backend.start()

        killer = threading.Thread(target=kill_and_restart, daemon=True)
        killer.start()
    second = None
    if sc.second:
        empty_slot = run_dir / "terminal-2-slot.json"  # the card is at the first terminal
        cmd2 = _child_cmd(url, journal2_path, empty_slot, sc.account, sc.second, SECOND_TERMINAL)
        second = _spawn(cmd2)
    for i, p in enumerate(sc.purchases):
        if i:
            writer.reinsert()  # the resident puts the card back for the next purchase
            if rnd.random() < 0.5:  # the kiosk restarted, or its periodic reconciliation ran
                _reconcile(journal_path, _client(url, read_timeout=2.0), writer)
        cmd = _child_cmd(url, journal_path, card_path, sc.account, p)
        proc = _spawn(cmd)
        proc.join(120)
        rcs.append(proc.exitcode)
    if second:
        second.join(120)
        rcs.append(second.exitcode)
    if killer:
        killer.join(60)
    _ensure_up(backend)
    sandbox.sandbox("DELETE", "/faults")
    writer.reinsert()  # a card pulled out mid-write comes back for the next step
    if sc.expire:
        sandbox.sandbox("POST", "/clock", {"offset_s": 301})  # unpaid QR codes expire
        sandbox.sandbox("GET", "/ledger")  # (lazily, on the next look)
    late = _late_payments(sandbox, before, sc)  # the payment provider's late notifications
    if sc.expire:
        sandbox.sandbox("POST", "/clock", {"offset_s": 0})
    damaged = _damage(journal_path, sc.damage) if sc.damage else None
    # the kiosks restart: reconcile before the next resident
    client = _client(url, read_timeout=2.0)
    _reconcile(journal_path, client, writer)
    client2 = _client(url, SECOND_TERMINAL, read_timeout=2.0)
    if sc.second:
        _reconcile(journal2_path, client2, None)
    late += _late_payments(sandbox, before, sc, late)  # abandoned ones cancelled only now
    errors = []
    # the resident comes back with the card for anything pending (补写卡)
    if sc.ic:
        journal = Journal(journal_path)
        try:
            rewrite_pending(client, writer, journal)
        except Exception as exc:  # left for the invariants to judge
            errors.append(f"rewrite: {type(exc).__name__}: {exc}")
        finally:
            journal.close()
    # the periodic reconciliation: purchases written elsewhere are seen as such
    _reconcile(journal_path, client, writer)
    if sc.second:
        _reconcile(journal2_path, client2, None)
    after = sandbox.sandbox("GET", "/ledger")
    j1, j2 = Journal(journal_path), Journal(journal2_path)
    try:
        info = {
            "account": sc.account,
            "purchases": [p.__dict__ for p in sc.purchases],
            "second": sc.second.__dict__ if sc.second else None,
            "faults": [f["mode"] for f in sc.faults],
            "backend_kill": sc.backend_kill,
            "damage": damaged,
            "late": late,
            "child_rc": rcs,
            "errors": errors,
            "seconds": round(time.monotonic() - started, 2),
        }
        result = check(sc, before, after, known, [j1, j2], writer, late)
        covered = {
            "kiosk_kills": sum(1 for p in sc.purchases if p.kill_at),
            "backend_kills": int(sc.backend_kill is not None),
            "multi_purchase": int(len(sc.purchases) > 1),
            "two_terminals": int(sc.second is not None),
            "late_payments": len(late),
            "damaged_journal": int(damaged in ("garbage", "zero_wal")),
        }
        return {**result, "covered": covered, "info": info}
    finally:
        j1.close()
        j2.close()


def _reconcile(path: Path, client, writer) -> None:
    from kiosk.topup.flow import TopupFlow
    from kiosk.topup.journal import Journal

    journal = Journal(path)
    try:
        TopupFlow(journal, client, writer).reconcile()
    finally:
        journal.close()


def _ensure_up(backend: BackendProcess) -> None:
    if not backend.alive():
        backend.start()


def _late_payments(sandbox, before: dict, sc: Scenario, done: list[str] = ()) -> list[str]:
    """Pay (late) the orders of this run the resident abandoned, where the scenario says so."""
    wanted = sum(1 for p in [*sc.purchases, sc.second] if p and p.late) - len(done)
    if wanted <= 0:
        return []
    known = {o["order_id"] for o in before["orders"]} | set(done)
    now = sandbox.sandbox("GET", "/ledger")
    abandoned = [
        o["order_id"]
        for o in now["orders"]
        if o["order_id"] not in known and o["status"] in ("cancelled", "expired")
    ]
    late = abandoned[:wanted]
    for order_id in late:
        with contextlib.suppress(Exception):  # a refusal still must not lose the money
            sandbox.sandbox("POST", f"/orders/{order_id}/pay")
    return late


def check(sc: Scenario, before, after, known, journals, writer, late) -> dict:
    from kiosk.topup.card import MAX_RECORDS
    from kiosk.topup.journal import FINAL, State

    problems = dict.fromkeys(PROBLEMS, 0)
    new_orders = [o for o in after["orders"] if o["order_id"] not in known]
    new_ids = {o["order_id"] for o in new_orders}
    ledger = [e for e in after["ledger"] if e["order_id"] in new_ids]
    tries = {
        "demo-terminal-01": len(sc.purchases),
        SECOND_TERMINAL[0]: 1 if sc.second else 0,
    }
    for terminal, n in tries.items():
        if sum(1 for o in new_orders if o["terminal_id"] == terminal) > n:
            problems["double"] += 1  # one top-up, at most one order
    for order in new_orders:
        oid = order["order_id"]
        kinds = [e["entry"] for e in ledger if e["order_id"] == oid]
        charges = kinds.count("charge")
        delivered = kinds.count("credit") + kinds.count("card_write")
        refunds = kinds.count("refund")
        if charges > 1 or delivered > 1 or refunds > 1:
            problems["double"] += 1
        if charges and not delivered and not refunds and oid not in late:
            problems["lost"] += 1  # (a late payment is judged below)
        if delivered and (not charges or refunds):
            problems["mismatched"] += 1
        if delivered and order["status"] in ("cancelled", "expired"):
            problems["mismatched"] += 1
        if order["status"] in ("created", "paid"):
            problems["stuck"] += 1  # nothing unfinished at the backend either
    for oid in late:
        kinds = [e["entry"] for e in ledger if e["order_id"] == oid]
        if "charge" not in kinds or "refund" not in kinds:
            problems["late_unrefunded"] += 1  # not recorded, or recorded and kept
    all_charged = {e["order_id"] for e in after["ledger"] if e["entry"] == "charge"}
    refunded = {e["order_id"] for e in after["ledger"] if e["entry"] == "refund"}
    for journal in journals:
        for entry in journal.all():
            if entry.order_id and entry.order_id not in new_ids:
                continue  # an earlier run's entry, checked then
            if entry.state not in FINAL or entry.attention:
                problems["stuck"] += 1
            charged = entry.order_id in all_charged and entry.order_id not in refunded
            if entry.state in (State.CONFIRMED, State.RECEIPTED) and not charged:
                problems["mismatched"] += 1
            if entry.state in (State.CANCELLED, State.EXPIRED) and charged:
                problems["mismatched"] += 1
    if sc.ic:
        acct = next(a for a in after["accounts"] if a["account"] == sc.account)
        card = writer.read()
        writes = [
            e for e in after["ledger"] if e["account"] == sc.account and e["entry"] == "card_write"
        ]
        if card.gas_credit != sum(e["amount"] for e in writes):
            problems["mismatched"] += 1  # the card's credit is the sum of its written purchases
        if card.sequence != acct["card_sequence"]:
            problems["mismatched"] += 1  # the card and the backend disagree on the counter
        written = {
            o["order_id"]: o["sequence"]
            for o in after["orders"]
            if o["account"] == sc.account and o["status"] == "written"
        }
        last = sorted(written, key=written.get)[-MAX_RECORDS:]
        if [p.order_id for p in card.purchases] != last or any(
            written[p.order_id] != p.sequence for p in card.purchases if p.order_id in written
        ):
            problems["mismatched"] += 1  # the card holds exactly the backend's written orders
    return problems


def simulate(runs: int, seed: int, verbose: bool = False, database: str | None = None) -> dict:
    rnd = random.Random(seed)
    totals: dict = {"runs": runs, **dict.fromkeys(PROBLEMS, 0), "covered": {}}
    with tempfile.TemporaryDirectory(prefix="faultsim-") as tmp:
        work = Path(tmp)
        (work / "backend").mkdir()
        backend = BackendProcess(work / "backend", database)
        backend.start()
        try:
            for n in range(runs):
                sc = draw(rnd)  # the scenario, then the run's own choices
                result = run_one(sc, random.Random(rnd.getrandbits(64)), backend, work, n)
                for k in PROBLEMS:
                    totals[k] += result[k]
                for k, v in result["covered"].items():
                    totals["covered"][k] = totals["covered"].get(k, 0) + v
                bad = any(result[k] for k in PROBLEMS)
                if verbose or bad:
                    print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
        finally:
            backend.stop()
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kiosk.topup.faultsim")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--database", help="the backend on this PostgreSQL database (default: SQLite)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in (
        "--url",
        "--journal",
        "--card",
        "--account",
        "--kill-at",
        "--remove-card",
        "--terminal-id",
        "--secret",
    ):
        ap.add_argument(name, help=argparse.SUPPRESS)
    ap.add_argument("--amount", type=int, help=argparse.SUPPRESS)
    for flag in ("--pay", "--walk-away", "--rewrite-first"):
        ap.add_argument(flag, action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    if args.runs < 1:
        print("error: --runs must be at least 1", file=sys.stderr)
        return 2
    started = time.time()
    totals = simulate(args.runs, args.seed, args.verbose, args.database)
    if args.json:
        print(json.dumps(totals))
    else:
        print(
            f"{totals['runs']} runs in {time.time() - started:.0f} s: "
            + ", ".join(f"{k} {totals[k]}" for k in PROBLEMS)
            + f"; covered {json.dumps(totals['covered'])}"
        )
    return 0 if not any(totals[k] for k in PROBLEMS) else 1


if __name__ == "__main__":
    sys.exit(main())
