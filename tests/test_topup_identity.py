"""The card knows which purchase it holds: order identity on the card, keyed write tokens, 补写卡
and reconciliation by identity, against the real reference backend on loopback."""

from __future__ import annotations

import hashlib

import pytest

from kiosk.topup.card import Card, CardError, CardRemoved, NoCard, SimulatedCardWriter
from kiosk.topup.flow import TopupFlow, rewrite_pending
from kiosk.topup.journal import Journal, State
from kiosk.topup.token import card_key, sign_write

IC = "100200300"  # this module's own backend: the account is ours alone


@pytest.fixture()
def parts(backend, client, tmp_path):
    journal = Journal(tmp_path / "topup.sqlite3")
    writer = SimulatedCardWriter(tmp_path / "card.json")
    accounts = {a["account"]: a for a in client.sandbox("GET", "/ledger")["accounts"]}
    writer.insert(Card("CARD-300", IC, accounts[IC]["card_sequence"], 0))
    yield TopupFlow(journal, client, writer), journal, writer, client
    journal.close()


def paid(flow, client, amount):
    entry = flow.start(client.gas_account(IC), amount)
    client.sandbox("POST", f"/orders/{entry.order_id}/pay")
    entry = flow.poll(entry)
    assert entry.state is State.PAID
    return entry


def ledger(client, *order_ids):
    rows = client.sandbox("GET", "/ledger")["ledger"]
    return [(e["order_id"], e["entry"], e["amount"]) for e in rows if e["order_id"] in order_ids]


def test_two_interrupted_purchases_end_on_the_card_once_each(parts):
    """The red-team case: A paid, card pulled before the write; B paid and written, card pulled
    before the kiosk recorded it; then 补写卡. The card must hold A and B once each."""
    flow, journal, writer, client = parts
    a = paid(flow, client, 10_00)
    writer.eject()  # the resident pulls the card before the write
    with pytest.raises(NoCard):
        flow.write_card(a)
    writer.reinsert()
    b = paid(flow, client, 100_00)
    writer.remove_during_write = "after"  # written, then pulled before the kiosk recorded it
    with pytest.raises(CardRemoved):
        flow.write_card(b)
    writer.reinsert()
    done = rewrite_pending(client, writer, journal)
    card = writer.read()
    charged = sum(
        amt for _, kind, amt in ledger(client, a.order_id, b.order_id) if kind == "charge"
    )
    assert charged == 110_00
    assert card.gas_credit == 110_00  # before the fix: 200 元 (B twice, A never)
    assert sorted(p.order_id for p in card.purchases) == sorted([a.order_id, b.order_id])
    assert sorted(o.order_id for o in done) == sorted([a.order_id, b.order_id])
    writes = [o for o, kind, _ in ledger(client, a.order_id, b.order_id) if kind == "card_write"]
    assert sorted(writes) == sorted([a.order_id, b.order_id])
    assert journal.get(a.key).state is State.CONFIRMED
    assert journal.get(b.key).state is State.CONFIRMED
    assert rewrite_pending(client, writer, journal) == []  # again: nothing left, nothing twice


def test_restart_then_rewrite_settles_both_by_identity(parts):
    flow, journal, writer, client = parts
    a = paid(flow, client, 10_00)
    b = paid(flow, client, 100_00)
    writer.remove_during_write = "after"
    with pytest.raises(CardRemoved):
        flow.write_card(b)
    writer.reinsert()  # the card stays in the slot; the kiosk restarts
    outcomes = TopupFlow(journal, client, writer).reconcile()
    assert journal.get(b.key).state is State.CONFIRMED  # the card's records hold B
    assert [o.entry.key for o in outcomes] == [a.key]
    assert outcomes[0].entry.state is State.WRITE_PENDING and "待圈存" in outcomes[0].message
    start = writer.read().gas_credit
    assert [o.order_id for o in rewrite_pending(client, writer, journal)] == [a.order_id]
    assert writer.read().gas_credit == start + 10_00
    assert journal.get(a.key).state is State.CONFIRMED


def test_write_card_after_unrecorded_write_confirms_by_identity(parts):
    flow, _, writer, client = parts
    entry = paid(flow, client, 40_00)
    start = writer.read()
    writer.remove_during_write = "after"
    with pytest.raises(CardRemoved):
        flow.write_card(entry)
    writer.reinsert()
    assert flow.write_card(entry).state is State.CONFIRMED
    card = writer.read()
    assert card.gas_credit == start.gas_credit + 40_00 and card.sequence == start.sequence + 1


def test_new_purchase_with_one_unrecorded_on_the_card(parts):
    """B is on the card unconfirmed; C is bought and written at once: B is confirmed first."""
    flow, journal, writer, client = parts
    b = paid(flow, client, 20_00)
    writer.remove_during_write = "after"
    with pytest.raises(CardRemoved):
        flow.write_card(b)
    writer.reinsert()
    c = paid(flow, client, 30_00)
    start = writer.read()
    assert flow.write_card(c).state is State.CONFIRMED
    assert journal.get(b.key).state is State.CONFIRMED
    card = writer.read()
    assert card.gas_credit == start.gas_credit + 30_00  # B was on it already, C once
    assert [p.order_id for p in card.purchases[-2:]] == [b.order_id, c.order_id]


def test_new_top_up_offers_the_waiting_write_first(parts):
    flow, _, writer, client = parts
    waiting = paid(flow, client, 15_00)
    account = client.gas_account(IC)
    assert waiting.order_id in [o.order_id for o in flow.waiting_writes(account)]
    assert flow.rewrite()  # the resident accepts 补写卡 first
    assert flow.waiting_writes(client.gas_account(IC)) == []
    assert writer.read().holds(waiting.order_id)


def test_write_token_is_keyed_and_bound_to_the_order(parts):
    flow, _, writer, client = parts
    entry = paid(flow, client, 25_00)
    token = client.card_token(entry.order_id)
    assert token.token == sign_write(card_key(), entry.order_id, IC, 25_00, token.sequence)
    unkeyed = hashlib.sha256(f"{entry.order_id}|{IC}|{25_00}|{token.sequence}".encode())
    forged = [
        (25_00, unkeyed.hexdigest()[:32], entry.order_id),  # the old unkeyed hash
        (25_00, sign_write(b"guessed", entry.order_id, IC, 25_00, token.sequence), entry.order_id),
        (2500_00, token.token, entry.order_id),  # stretched amount
        (25_00, token.token, "GO20261202ffffffffff"),  # another order
    ]
    before = writer.read()
    for amount, mac, order_id in forged:
        with pytest.raises(CardError) as refused:
            writer.write(IC, amount, token.sequence, mac, order_id)
        assert refused.value.user_message == "写卡指令无效"
    assert writer.read() == before
    card = writer.write(IC, 25_00, token.sequence, token.token, entry.order_id)
    with pytest.raises(CardError):  # the same order never goes on twice
        writer.write(IC, 25_00, token.sequence + 1, token.token, entry.order_id)
    assert card.holds(entry.order_id).sequence == token.sequence


def test_card_backend_disagreement_is_refused_not_guessed(parts):
    """A card behind the backend (e.g. a replaced card) is not written with a guessed sequence."""
    flow, _, writer, client = parts
    entry = paid(flow, client, 12_00)
    old = writer.read()
    writer.insert(Card(old.serial, IC, old.sequence - 1, old.gas_credit))  # an older card
    with pytest.raises(CardError) as refused:
        flow.write_card(entry)
    assert "不一致" in refused.value.user_message
    assert writer.read().gas_credit == old.gas_credit
    writer.insert(old)
    assert flow.write_card(entry).state is State.CONFIRMED
