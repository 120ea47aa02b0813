"""Randomized top-ups against the reference backend, with its faults injected and the kiosk
process killed (SIGKILL) at journal steps, then restarted and reconciled.

    python -m kiosk.topup.faultsim --runs N --seed S [--json]

Each run: a fresh kiosk process (journal in its own data folder, a simulated card file) tops up
a random account while the backend drops requests or responses, answers 500 or is slow; the
resident pays or walks away; the process may be killed right after any journal step. Then a new
kiosk process reconciles, the resident comes back with the card where a write is pending
(补写卡), and the backend's ledger is checked: every paid order credited exactly once (card
written once, or account credited once), nothing charged twice, nothing left unfinished, and what
the kiosk recorded matches the ledger.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
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


def _client(url: str, **kw):
    from kiosk.backend.client import BackendClient
    from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET

    return BackendClient(url, DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET, **kw)


# ----- the kiosk side (a child process) -----


def child(args: argparse.Namespace) -> int:
    from kiosk.topup.card import CardError, SimulatedCardWriter
    from kiosk.topup.flow import TopupFlow
    from kiosk.topup.journal import Journal, State

    def maybe_die(state: State) -> None:
        if state.value == args.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # the power cut, right after this commit

    journal = Journal(Path(args.journal), on_commit=maybe_die)
    client = _client(args.url, read_timeout=0.5, retries=3, backoff_s=0.02)
    flow = TopupFlow(journal, client, SimulatedCardWriter(Path(args.card)))
    if args.remove_card:
        flow.writer.remove_during_write = args.remove_card
    account = client.gas_account(args.account)
    entry = flow.start(account, args.amount)
    if args.pay:
        _client(args.url).sandbox("POST", f"/orders/{entry.order_id}/pay")  # the resident pays
    for _ in range(20):
        entry = flow.poll(entry)
        if entry.state is not State.ORDERED:
            break
        if not args.pay:
            entry = flow.cancel(entry)  # the resident walks away: cancel until paid
            break
    if entry.state is State.PAID:
        try:
            entry = flow.write_card(entry)
        except CardError:
            return 3  # card pulled out: the kiosk tells the resident; reconciliation follows
    if entry.state is State.CONFIRMED:
        flow.receipted(entry)
    return 0


# ----- the simulation (the parent) -----


def run_one(rnd: random.Random, url: str, work: Path, n: int) -> dict:
    from kiosk.topup.card import Card, SimulatedCardWriter
    from kiosk.topup.flow import TopupFlow, rewrite_pending
    from kiosk.topup.journal import UNFINISHED, Journal, State

    sandbox = _client(url)
    ic = rnd.random() < 0.6
    account = rnd.choice(IC_ACCOUNTS if ic else REMOTE_ACCOUNTS)
    amount = rnd.randrange(10, 101) * 100
    kill_at = rnd.choice(KILL_POINTS)
    pay = rnd.random() < 0.75
    remove = rnd.choice([None, None, None, "before", "after"]) if ic else None
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
    run_dir = work / f"run{n}"
    run_dir.mkdir()
    card_path = work / f"card-{account}.json"  # one card per account, across runs
    writer = SimulatedCardWriter(card_path)
    if ic and not card_path.exists():
        state = {a["account"]: a for a in sandbox.sandbox("GET", "/ledger")["accounts"]}
        writer.insert(Card(f"CARD-{account}", account, state[account]["card_sequence"], 0))
    before = sandbox.sandbox("GET", "/ledger")
    known_orders = {o["order_id"] for o in before["orders"]}
    for f in faults:
        sandbox.sandbox("POST", "/faults", f)
    cmd = [
        sys.executable,
        "-m",
        "kiosk.topup.faultsim",
        "--child",
        "--url",
        url,
        "--journal",
        str(run_dir / "topup.sqlite3"),
        "--card",
        str(card_path),
        "--account",
        account,
        "--amount",
        str(amount),
    ]
    if kill_at:
        cmd += ["--kill-at", kill_at]
    if pay:
        cmd += ["--pay"]
    if remove:
        cmd += ["--remove-card", remove]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    sandbox.sandbox("DELETE", "/faults")
    writer.reinsert()  # a card pulled out mid-write comes back for the next step
    # the kiosk restarts: reconcile before the next resident
    journal = Journal(run_dir / "topup.sqlite3")
    flow = TopupFlow(journal, _client(url, read_timeout=2.0), writer)
    flow.reconcile()
    # the resident comes back with the card for anything pending (补写卡)
    if ic:
        rewrite_pending(_client(url), writer, journal)
    after = sandbox.sandbox("GET", "/ledger")
    return check(
        run_dir,
        journal,
        known_orders,
        before,
        after,
        account,
        ic,
        writer,
        {
            "account": account,
            "amount": amount,
            "kill_at": kill_at,
            "pay": pay,
            "remove": remove,
            "faults": [f["mode"] for f in faults],
            "child_rc": proc.returncode,
        },
        UNFINISHED,
        State,
    )


def check(
    run_dir, journal, known_orders, before, after, account, ic, writer, info, unfinished, State
) -> dict:
    problems = {"lost": 0, "double": 0, "stuck": 0, "mismatched": 0}
    entries = journal.all()
    new_orders = [o for o in after["orders"] if o["order_id"] not in known_orders]
    ledger = [e for e in after["ledger"] if e["order_id"] in {o["order_id"] for o in new_orders}]
    if len(new_orders) > 1 or len(entries) > 1:
        problems["double"] += 1  # one top-up, one order
    for order in new_orders:
        charges = [
            e for e in ledger if e["order_id"] == order["order_id"] and e["entry"] == "charge"
        ]
        delivered = [
            e
            for e in ledger
            if e["order_id"] == order["order_id"] and e["entry"] in ("credit", "card_write")
        ]
        if len(charges) > 1 or len(delivered) > 1:
            problems["double"] += 1
        if charges and not delivered:
            problems["lost"] += 1
        if delivered and not charges:
            problems["mismatched"] += 1
    for entry in entries:
        if entry.state in unfinished or entry.state is State.WRITE_PENDING:
            problems["stuck"] += 1
        charged = any(e["entry"] == "charge" and e["order_id"] == entry.order_id for e in ledger)
        if entry.state in (State.CONFIRMED, State.RECEIPTED) and not charged:
            problems["mismatched"] += 1
        if entry.state in (State.CANCELLED, State.EXPIRED) and charged:
            problems["mismatched"] += 1
    if ic:
        acct_before = next(a for a in before["accounts"] if a["account"] == account)
        acct_after = next(a for a in after["accounts"] if a["account"] == account)
        writes = sum(1 for e in ledger if e["entry"] == "card_write")
        if acct_after["card_sequence"] != acct_before["card_sequence"] + writes:
            problems["mismatched"] += 1
        if writer.read().sequence != acct_after["card_sequence"]:
            problems["mismatched"] += 1  # the card and the backend disagree on what it holds
    return {**problems, "info": info}


def simulate(runs: int, seed: int, verbose: bool = False) -> dict:
    from kiosk.backend.demo import start_backend

    rnd = random.Random(seed)
    totals = {"runs": runs, "lost": 0, "double": 0, "stuck": 0, "mismatched": 0}
    with tempfile.TemporaryDirectory(prefix="faultsim-") as tmp:
        work = Path(tmp)
        backend = start_backend(work / "backend", pay_after_s=None)
        try:
            for n in range(runs):
                result = run_one(rnd, backend.url, work, n)
                for k in ("lost", "double", "stuck", "mismatched"):
                    totals[k] += result[k]
                bad = any(result[k] for k in ("lost", "double", "stuck", "mismatched"))
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
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--url", "--journal", "--card", "--account", "--kill-at", "--remove-card"):
        ap.add_argument(name, help=argparse.SUPPRESS)
    ap.add_argument("--amount", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--pay", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    if args.runs < 1:
        print("error: --runs must be at least 1", file=sys.stderr)
        return 2
    started = time.time()
    totals = simulate(args.runs, args.seed, args.verbose)
    if args.json:
        print(json.dumps(totals))
    else:
        print(
            f"{totals['runs']} runs in {time.time() - started:.0f} s: lost {totals['lost']}, "
            f"double {totals['double']}, stuck {totals['stuck']}, "
            f"mismatched {totals['mismatched']}"
        )
    return 0 if not any(totals[k] for k in ("lost", "double", "stuck", "mismatched")) else 1


if __name__ == "__main__":
    sys.exit(main())
