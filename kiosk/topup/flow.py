"""The gas top-up steps, each committed to the journal before the next outside action, and the
start-up reconciliation that settles whatever a crash or a lost connection left open.

Every call here may block on the network or the card: the UI runs them on its worker thread.
Every ambiguous outcome (timeout, dropped connection, 5xx, a kill at any step) is resolved by
asking the backend with the same idempotency key or order id, never by guessing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.backend import api
from kiosk.backend.client import BackendClient, BackendRejected, BackendUnavailable
from kiosk.topup.card import CardError, CardWriter
from kiosk.topup.journal import Entry, Journal, State

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What to tell the resident (and print), in words, about one top-up."""

    entry: Entry
    message: str


class TopupFlow:
    def __init__(self, journal: Journal, client: BackendClient, writer: CardWriter | None) -> None:
        self.journal = journal
        self.client = client
        self.writer = writer

    # ----- one resident's top-up -----

    def start(self, account: api.GasAccount, amount: int) -> Entry:
        """Store the key, then create the order with it (a retry reuses the same key)."""
        entry = self.journal.create(account.account, amount, account.meter_type.value)
        return self.place_order(entry)

    def place_order(self, entry: Entry) -> Entry:
        order = self.client.create_gas_order(entry.account, entry.amount, entry.key)
        return self.journal.advance(entry.key, State.ORDERED, order_id=order.order_id)

    def poll(self, entry: Entry) -> Entry:
        """Ask the backend about the order; move the journal along with what it says."""
        order = self.client.gas_order(entry.order_id)
        return self._follow(entry, order)

    def _follow(self, entry: Entry, order: api.Order) -> Entry:
        status = order.status
        if status is api.OrderStatus.CREATED:
            return entry
        if status is api.OrderStatus.PAID:
            return (
                entry if entry.state is State.PAID else self.journal.advance(entry.key, State.PAID)
            )
        if status is api.OrderStatus.CREDITED:
            return self.journal.advance(entry.key, State.CONFIRMED, note="remote meter credited")
        if status is api.OrderStatus.WRITTEN:
            return self.journal.advance(entry.key, State.CONFIRMED, note="written (backend)")
        if status is api.OrderStatus.EXPIRED:
            return self.journal.advance(entry.key, State.EXPIRED)
        return self.journal.advance(entry.key, State.CANCELLED)

    def cancel(self, entry: Entry) -> Entry:
        """Until payment. If the payment beat the cancel, the order is followed instead."""
        try:
            order = self.client.cancel_gas_order(entry.order_id)
        except BackendRejected as exc:
            if exc.code != "already_paid":
                raise
            return self.poll(entry)
        return self._follow(entry, order)

    def write_card(self, entry: Entry) -> Entry:
        """Put a paid purchase on the card, then tell the backend. The card's purchase counter
        makes this safe to repeat: a card that already holds this purchase is not written again."""
        assert self.writer is not None
        token = self.client.card_token(entry.order_id)
        card = self.writer.read()
        if card.account != entry.account:
            raise CardError("这张燃气卡不是这个户号的,请插入正确的卡")
        if card.sequence < token.sequence:
            card = self.writer.write(entry.account, entry.amount, token.sequence, token.token)
        entry = self.journal.advance(
            entry.key, State.CARD_WRITTEN, sequence=token.sequence, card_serial=card.serial
        )
        return self.confirm_write(entry)

    def confirm_write(self, entry: Entry) -> Entry:
        self.client.confirm_card_written(entry.order_id, entry.card_serial or "", entry.sequence)
        return self.journal.advance(entry.key, State.CONFIRMED)

    def receipted(self, entry: Entry) -> Entry:
        return self.journal.advance(entry.key, State.RECEIPTED)

    # ----- after a crash, a power cut or a lost connection -----

    def reconcile(self) -> list[Outcome]:
        """Settle every unfinished entry with the backend before the kiosk takes a new resident.
        Entries the backend cannot be asked about now stay unfinished for the next try."""
        outcomes = []
        for entry in self.journal.unfinished():
            try:
                outcomes.append(self._settle(entry))
            except BackendUnavailable:
                log.warning("top-up %s: backend unavailable, will retry", entry.key[:8])
        return outcomes

    def _settle(self, entry: Entry) -> Outcome:
        if entry.state is State.CREATED:
            try:
                entry = self.place_order(entry)  # same key: the stored order, or a new one
            except BackendRejected as exc:
                entry = self.journal.advance(entry.key, State.CANCELLED, note=exc.code)
                return Outcome(entry, "订单未创建,未扣款")
        if entry.state is State.ORDERED:
            entry = self.poll(entry)
            if entry.state is State.ORDERED:  # never paid, the resident is gone: cancel
                entry = self.cancel(entry)
        if entry.state is State.CARD_WRITTEN:
            entry = self.confirm_write(entry)
        if entry.state is State.PAID:
            # paid, not (known to be) on the card, and the card has left with the resident:
            # the backend keeps it as 待圈存 for any terminal to write (补写卡)
            entry = self.journal.advance(
                entry.key,
                State.WRITE_PENDING,
                note="待圈存: insert the card at any terminal to write it",
            )
        return Outcome(entry, MESSAGES.get(entry.state, ""))


MESSAGES = {
    State.CONFIRMED: "充值已到账",
    State.RECEIPTED: "充值已到账",
    State.CANCELLED: "订单已取消,未扣款",
    State.EXPIRED: "订单已过期,未扣款",
    State.WRITE_PENDING: "已付款,尚未写入燃气卡(待圈存):请持卡到任意自助终端补写",
}


def rewrite_pending(
    client: BackendClient,
    writer: CardWriter,
    journal: Journal | None = None,
) -> list[api.Order]:
    """补写卡: the card is in the slot; write every paid purchase the backend holds for it."""
    card = writer.read()
    done = []
    for order in client.pending_writes(card.account):
        token = client.card_token(order.order_id)
        card = writer.read()
        if card.sequence < token.sequence:
            card = writer.write(card.account, order.amount, token.sequence, token.token)
        confirmed = client.confirm_card_written(order.order_id, card.serial, token.sequence)
        done.append(confirmed)
        if journal is not None:
            for entry in journal.all():
                if entry.order_id == order.order_id:
                    journal.advance(
                        entry.key,
                        State.CONFIRMED,
                        sequence=token.sequence,
                        card_serial=card.serial,
                        note="补写卡",
                    )
    return done
