"""Damage is survivable: an unreadable journal is moved aside and rebuilt from the backend's list
of this terminal's unfinished orders; reconciliation settles each entry on its own, marks what
the backend refuses, and may run again at any time. Real reference backend on loopback."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from kiosk.backend.client import BackendClient
from kiosk.errors import user_message
from kiosk.topup.card import Card, SimulatedCardWriter
from kiosk.topup.flow import JOURNAL_DAMAGED_MESSAGE, TopupFlow, TopupUnavailable
from kiosk.topup.journal import Journal, State

IC, REMOTE = "100200301", "100200302"
OTHER_ID, OTHER_SECRET = "test-terminal-02", "second-terminal-secret"


def register_terminal(backend, terminal_id: str, secret: str) -> BackendClient:
    """The operator registers a second terminal (straight into the backend's database)."""
    with backend.store.tx() as db:
        db.execute(
            "INSERT INTO terminals (id, secret, name) VALUES (?,?,?) ON CONFLICT (id) DO NOTHING",
            (terminal_id, secret, "第二台终端"),
        )
    return BackendClient(backend.url, terminal_id, secret, read_timeout=2.0, backoff_s=0.05)


def card_for(client, tmp_path, account=IC) -> SimulatedCardWriter:
    writer = SimulatedCardWriter(tmp_path / f"card-{account}.json")
    accounts = {a["account"]: a for a in client.sandbox("GET", "/ledger")["accounts"]}
    writer.insert(Card(f"CARD-{account}", account, accounts[account]["card_sequence"], 0))
    return writer


def damaged(path, how: str) -> None:
    if how == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif how == "bad_row":
        db = sqlite3.connect(path)
        with db:
            db.execute("UPDATE topups SET state='half-written'")
        db.close()


@pytest.mark.parametrize("how", ["garbage", "bad_row"])
def test_unreadable_journal_is_moved_aside_and_top_up_says_why(tmp_path, how, client):
    path = tmp_path / "topup.sqlite3"
    j = Journal(path)
    j.create(IC, 10_00, "ic_card")
    j.close()
    damaged(path, how)
    journal = Journal(path)  # no exception: the terminal keeps serving
    assert journal.damage and journal.durable and not journal.rebuilt
    assert list(tmp_path.glob("topup.sqlite3.damaged-*"))
    assert journal.all() == []
    flow = TopupFlow(journal, client, None)
    assert flow.unavailable_reason == JOURNAL_DAMAGED_MESSAGE
    with pytest.raises(TopupUnavailable) as refused:
        flow.start(client.gas_account(REMOTE), 20_00)
    said = user_message(refused.value)
    assert "暂时不能充值" in said and "其他业务" in said
    assert "充值记录损坏" in flow.journal_notice()
    flow.reconcile()  # rebuilds the picture from the backend
    assert flow.unavailable_reason is None and journal.rebuilt
    assert "已按后台" in flow.journal_notice()
    assert Journal(path).damage  # the note survives a restart


def test_zeroed_wal_is_damage_not_silence(tmp_path):
    live = tmp_path / "live"
    j = Journal(live / "topup.sqlite3")
    for n in range(3):
        j.create(IC, (n + 1) * 10_00, "ic_card")
    # the power goes out: the database and its WAL as they are on disk now
    crash = tmp_path / "crash"
    crash.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(str(live / "topup.sqlite3") + suffix, str(crash / "topup.sqlite3") + suffix)
    j.close()
    wal = crash / "topup.sqlite3-wal"
    assert wal.stat().st_size > 0
    wal.write_bytes(b"\0" * wal.stat().st_size)
    journal = Journal(crash / "topup.sqlite3")
    assert journal.damage and "WAL" in journal.damage["reason"]
    assert (crash / f"{journal.damage['moved_to']}-wal").exists() or list(
        crash.glob("*.damaged-*-wal")
    )


def test_rebuild_from_the_backend_settles_what_the_lost_journal_held(backend, client, tmp_path):
    other = register_terminal(backend, OTHER_ID, OTHER_SECRET)
    writer = card_for(client, tmp_path)
    path = tmp_path / "topup.sqlite3"
    flow = TopupFlow(Journal(path), client, writer)
    account = client.gas_account(IC)
    unpaid = flow.start(account, 11_00)
    paid = flow.start(account, 22_00)
    client.sandbox("POST", f"/orders/{paid.order_id}/pay")
    theirs = TopupFlow(Journal(tmp_path / "other.sqlite3"), other, None).start(account, 33_00)
    flow.journal.close()
    damaged(path, "garbage")
    listed = {o.order_id for o in client.terminal_gas_orders()}
    assert {unpaid.order_id, paid.order_id} <= listed and theirs.order_id not in listed
    writer.eject()  # the resident left with the card
    rebuilt = TopupFlow(Journal(path), client, writer)
    assert rebuilt.unavailable_reason
    rebuilt.reconcile()
    states = {e.order_id: e.state for e in rebuilt.journal.all()}
    assert states[unpaid.order_id] is State.CANCELLED
    assert states[paid.order_id] is State.WRITE_PENDING
    assert theirs.order_id not in states
    assert rebuilt.unavailable_reason is None
    assert client.gas_order(unpaid.order_id).status.value == "cancelled"
    assert other.gas_order(theirs.order_id).status.value == "created"  # not ours to cancel


def test_one_refused_entry_does_not_stop_reconciliation(client, tmp_path):
    journal = Journal(tmp_path / "topup.sqlite3")
    flow = TopupFlow(journal, client, None)
    ghost = journal.create(REMOTE, 10_00, "remote")
    ghost = journal.advance(ghost.key, State.ORDERED, order_id="GO20260101aaaaaaaaaa")  # 404
    real = TopupFlow(journal, client, None).start(client.gas_account(REMOTE), 12_00)
    client.sandbox("POST", f"/orders/{real.order_id}/pay")
    outcomes = {o.entry.key: o for o in TopupFlow(journal, client, None).reconcile()}
    assert outcomes[real.key].entry.state is State.CONFIRMED
    marked = journal.get(ghost.key)
    assert marked.state is State.ORDERED and "order_not_found" in marked.attention
    assert "人工核对" in outcomes[ghost.key].message
    assert ghost.key in [e.key for e in journal.needing_attention()]
    again = flow.reconcile()  # safe to run again: the refused one is tried again, nothing else
    assert [o.entry.key for o in again] == [ghost.key]


def test_reconcile_leaves_a_residents_order_alone(client, tmp_path):
    flow = TopupFlow(Journal(tmp_path / "topup.sqlite3"), client, None)
    entry = flow.start(client.gas_account(REMOTE), 14_00)
    assert flow.reconcile() == []  # the periodic run while the resident scans the QR
    assert flow.journal.get(entry.key).state is State.ORDERED
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    assert flow.poll(entry).state is State.CONFIRMED


def test_periodic_reconcile_sees_a_purchase_written_at_another_terminal(backend, client, tmp_path):
    other = register_terminal(backend, OTHER_ID, OTHER_SECRET)
    writer = card_for(client, tmp_path)
    journal = Journal(tmp_path / "topup.sqlite3")
    here = TopupFlow(journal, client, writer)
    entry = here.start(client.gas_account(IC), 16_00)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    here.poll(entry)
    writer.eject()  # the resident leaves with the card
    after_restart = TopupFlow(journal, client, writer)
    after_restart.reconcile()
    assert journal.get(entry.key).state is State.WRITE_PENDING
    writer.reinsert()  # ... and writes it at the second terminal (补写卡)
    TopupFlow(Journal(tmp_path / "other.sqlite3"), other, writer).rewrite()
    stop = threading.Event()
    done = threading.Event()
    original = after_restart.reconcile

    def watched():
        out = original()
        if journal.get(entry.key).state is State.CONFIRMED:
            done.set()
        return out

    after_restart.reconcile = watched
    thread = after_restart.reconcile_every(0.05, stop)
    try:
        assert done.wait(30)
    finally:
        stop.set()
        thread.join(5)
    assert journal.get(entry.key).state is State.CONFIRMED


def test_services_start_even_when_an_entry_is_refused_and_the_journal_damaged(
    backend, client, tmp_path
):
    from app.services import Services
    from kiosk.backend.store import DEMO_TERMINAL_ID, DEMO_TERMINAL_SECRET
    from kiosk.config import Config

    path = tmp_path / "topup.sqlite3"
    journal = Journal(path)
    ghost = journal.create(REMOTE, 10_00, "remote")
    journal.advance(ghost.key, State.ORDERED, order_id="GO20260101bbbbbbbbbb")
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
        flow = services.topup
        assert flow.unavailable_reason is None
        assert flow.journal.get(ghost.key).attention
    finally:
        services.close()
    damaged(path, "garbage")
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
        flow = services.topup
        assert flow.journal.damage and flow.unavailable_reason is None  # rebuilt at start
        assert services.catalog.catalog.enabled()  # everything else serves as before
    finally:
        services.close()


def test_damage_with_the_backend_down_waits_then_rebuilds(client, tmp_path):
    import socket

    path = tmp_path / "topup.sqlite3"
    path.write_bytes(b"\0" * 4096)
    with socket.socket() as s:  # a port nobody listens on: the backend is down
        s.bind(("127.0.0.1", 0))
        down = BackendClient(f"http://127.0.0.1:{s.getsockname()[1]}", "t", "s", retries=0)
    journal = Journal(path)
    assert TopupFlow(journal, down, None).reconcile() == []  # no exception: start-up goes on
    assert TopupFlow(journal, down, None).unavailable_reason == JOURNAL_DAMAGED_MESSAGE
    flow = TopupFlow(journal, client, None)
    flow.reconcile()  # the backend is back (the periodic run)
    assert flow.unavailable_reason is None


def test_no_durable_journal_keeps_top_up_off(client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    journal = Journal(blocker / "topup.sqlite3")
    assert not journal.durable and journal.damage
    flow = TopupFlow(journal, client, None)
    flow.reconcile()
    assert "无法保存充值记录" in flow.unavailable_reason
    assert "检查数据目录" in flow.journal_notice()
