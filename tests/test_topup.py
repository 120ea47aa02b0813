"""Gas top-up against the reference backend on loopback: journal, card writes, cancel, expiry,
lost connections, restarts with unfinished entries, and the fault simulation's fixed-seed batch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.backend.client import BackendUnavailable
from kiosk.topup.card import Card, CardRemoved, SimulatedCardWriter
from kiosk.topup.flow import TopupFlow, rewrite_pending
from kiosk.topup.journal import Journal, State
from tests.backend_fixtures import test_database

IC, REMOTE = "100200304", "100200303"


@pytest.fixture()
def parts(backend, client, tmp_path):
    journal = Journal(tmp_path / "topup.sqlite3")
    writer = SimulatedCardWriter(tmp_path / "card.json")
    accounts = {a["account"]: a for a in client.sandbox("GET", "/ledger")["accounts"]}
    writer.insert(Card("CARD-1", IC, accounts[IC]["card_sequence"], 0))
    flow = TopupFlow(journal, client, writer)
    yield flow, journal, writer, client
    journal.close()


def ledger_for(client, order_id):
    return [
        e["entry"] for e in client.sandbox("GET", "/ledger")["ledger"] if e["order_id"] == order_id
    ]


def test_journal_survives_reopen(tmp_path):
    j = Journal(tmp_path / "j.sqlite3")
    e = j.create("100200300", 50_00, "ic_card")
    j.advance(e.key, State.ORDERED, order_id="GO1")
    j.close()
    again = Journal(tmp_path / "j.sqlite3")
    [entry] = again.unfinished()
    assert entry.key == e.key and entry.state is State.ORDERED and entry.order_id == "GO1"


def test_ic_card_top_up_exactly_once(parts):
    flow, journal, writer, client = parts
    account = client.gas_account(IC)
    entry = flow.start(account, 30_00)
    assert entry.state is State.ORDERED and journal.get(entry.key).order_id
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    entry = flow.poll(entry)
    assert entry.state is State.PAID
    before = writer.read().sequence
    entry = flow.write_card(entry)
    assert entry.state is State.CONFIRMED and writer.read().sequence == before + 1
    assert writer.read().gas_credit == 30_00
    assert ledger_for(client, entry.order_id) == ["charge", "card_write"]
    assert flow.receipted(entry).state is State.RECEIPTED


def test_remote_meter_is_credited(parts):
    flow, _, _, client = parts
    entry = flow.start(client.gas_account(REMOTE), 20_00)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    assert flow.poll(entry).state is State.CONFIRMED
    assert ledger_for(client, entry.order_id) == ["charge", "credit"]


def test_cancel_before_payment_and_race_with_payment(parts):
    flow, _, _, client = parts
    entry = flow.start(client.gas_account(IC), 20_00)
    assert flow.cancel(entry).state is State.CANCELLED
    assert ledger_for(client, entry.order_id) == []
    entry = flow.start(client.gas_account(IC), 20_00)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")  # paid a moment before the cancel
    assert flow.cancel(entry).state is State.PAID


def test_expired_qr_cancels(parts):
    flow, _, _, client = parts
    entry = flow.start(client.gas_account(IC), 20_00)
    client.sandbox("POST", "/clock", {"offset_s": 301})
    assert flow.poll(entry).state is State.EXPIRED


@pytest.mark.parametrize("when", ["before", "after"])
def test_card_removed_mid_write_is_written_exactly_once(parts, when):
    flow, _, writer, client = parts
    entry = flow.start(client.gas_account(IC), 40_00)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    entry = flow.poll(entry)
    start_seq = writer.read().sequence
    writer.remove_during_write = when
    with pytest.raises(CardRemoved):
        flow.write_card(entry)
    writer.reinsert()  # the resident puts the card back
    entry = flow.write_card(entry)
    assert entry.state is State.CONFIRMED
    assert writer.read().sequence == start_seq + 1 and writer.read().gas_credit == 40_00
    assert ledger_for(client, entry.order_id) == ["charge", "card_write"]


def test_network_lost_while_polling(backend, parts):
    flow, _, _, client = parts
    entry = flow.start(client.gas_account(IC), 20_00)
    fragile = backend.client(read_timeout=0.3, retries=0)
    client.sandbox(
        "POST",
        "/faults",
        {
            "mode": "drop_request",
            "count": 1,
            "delay_s": 0.6,
            "path_prefix": "/v1/utilities/gas/orders/",
        },
    )
    with pytest.raises(BackendUnavailable):
        TopupFlow(flow.journal, fragile, flow.writer).poll(entry)
    assert flow.journal.get(entry.key).state is State.ORDERED  # nothing guessed
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    assert flow.poll(entry).state is State.PAID


def test_restart_reconciles_every_unfinished_entry(parts, client, tmp_path):
    _, journal, _, _ = parts
    ic = "100200301"  # an account no other test here touches: its pending list is ours alone
    accounts = {a["account"]: a for a in client.sandbox("GET", "/ledger")["accounts"]}
    writer = SimulatedCardWriter(tmp_path / "card-301.json")
    writer.insert(Card("CARD-301", ic, accounts[ic]["card_sequence"], 0))
    flow = TopupFlow(journal, client, writer)
    account = client.gas_account(ic)
    # 1: key stored, the order never reached the backend (killed before the POST)
    lonely = journal.create(ic, 15_00, "ic_card")
    # 2: ordered and paid, the kiosk died before writing the card
    paid = flow.start(account, 25_00)
    client.sandbox("POST", f"/orders/{paid.order_id}/pay")
    # 3: ordered, never paid: the resident walked away
    unpaid = flow.start(account, 35_00)
    # 4: written to the card, the kiosk died before telling the backend
    written = flow.start(account, 45_00)
    client.sandbox("POST", f"/orders/{written.order_id}/pay")
    token = client.card_token(written.order_id)
    writer.write(ic, 45_00, token.sequence, token.token, written.order_id)
    journal.advance(
        written.key, State.CARD_WRITTEN, sequence=token.sequence, card_serial="CARD-301"
    )
    assert len(journal.unfinished()) == 4

    outcomes = {o.entry.key: o for o in TopupFlow(journal, client, writer).reconcile()}
    assert journal.unfinished() == []
    assert outcomes[lonely.key].entry.state is State.CANCELLED
    assert outcomes[unpaid.key].entry.state is State.CANCELLED
    # the card still in the slot holds purchase 4 (its records say so): confirmed, not rewritten
    assert journal.get(written.key).state is State.CONFIRMED
    assert outcomes[paid.key].entry.state is State.WRITE_PENDING
    assert "待圈存" in outcomes[paid.key].message
    # 补写卡: the card holds purchase 4 already; purchase 2 is written now, once
    seq = writer.read().sequence
    done = rewrite_pending(client, writer, journal)
    assert [o.order_id for o in done] == [paid.order_id]
    assert writer.read().sequence == seq + 1
    assert journal.get(paid.key).state is State.CONFIRMED
    assert ledger_for(client, written.order_id) == ["charge", "card_write"]


def test_fault_simulation_fixed_seed_batch():
    """12 runs whose scenarios cover every kind: kiosk and backend kills, several purchases on
    one card, two terminals on one account, late payments, a damaged journal. In the PostgreSQL
    pass the backend that is killed keeps its data there (a fleet's exactly-once)."""
    database = test_database()
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.topup.faultsim",
            "--runs",
            "12",
            "--seed",
            "20261123",
            "--json",
            *(["--database", database] if database else []),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads(p.stdout.strip().splitlines()[-1])
    covered = result.pop("covered")
    clean = {"runs": 12, "lost": 0, "double": 0, "stuck": 0, "mismatched": 0, "late_unrefunded": 0}
    assert result == clean, p.stderr[-3000:]
    assert all(covered[k] >= 1 for k in covered) and len(covered) == 6, covered
    assert p.returncode == 0


def test_services_reconcile_at_start_before_taking_residents(backend, client, tmp_path):
    from app.services import Services
    from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET
    from kiosk.config import Config

    journal = Journal(tmp_path / "topup.sqlite3")
    entry = TopupFlow(journal, client, None).start(client.gas_account(REMOTE), 18_00)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")  # paid; then the power went out
    journal.close()
    services = Services(
        Config(
            backend_url=backend.url,
            terminal_id=DEMO_TERMINAL_ID,
            secret=DEMO_TERMINAL_SECRET,
            data_dir=tmp_path,
            demo=False,
        )
    )
    try:
        flow = services.topup  # handed out only after reconciliation
        assert flow.journal.unfinished() == []
        assert flow.journal.get(entry.key).state is State.CONFIRMED
    finally:
        services.close()
