"""The gas top-up steps, each committed to the journal before the next outside action, and the
reconciliation that settles whatever a crash or a lost connection left open.

Every call here may block on the network or the card: the UI runs them on its worker thread.
Every ambiguous outcome (timeout, dropped connection, 5xx, a kill at any step) is resolved by
asking the backend with the same idempotency key or order id, never by guessing. Whether a
purchase is on the card is read from the card's own purchase records (the order's identity),
never inferred from its counter.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.backend import api
from kiosk.backend.client import (
    BackendClient,
    BackendError,
    BackendRejected,
    BackendUnavailable,
)
from kiosk.clock import format_local
from kiosk.errors import KioskError
from kiosk.errors import detail as error_detail
from kiosk.topup.card import Card, CardError, CardWriter
from kiosk.topup.journal import FINAL, Entry, Journal, State

log = logging.getLogger(__name__)

RECONCILE_EVERY_S = 300.0  # the periodic reconciliation, besides the one at start
ACTIVE_S = 20 * 60  # an entry a resident is using is left alone this long by reconciliation

JOURNAL_DAMAGED_MESSAGE = (
    "本机的充值记录正在核对，暂时不能充值燃气费；其他业务照常办理。"
    "您可以到其他自助终端或燃气公司营业厅充值"
)
JOURNAL_LOST_MESSAGE = (
    "本机暂时无法保存充值记录，燃气充值已暂停；其他业务照常办理。"
    "您可以到其他自助终端或燃气公司营业厅充值"
)
CARD_MISMATCH_MESSAGE = "燃气卡上的购气记录和燃气公司的记录不一致，请持卡到燃气公司营业厅处理"


class TopupUnavailable(KioskError):
    """Top-up is off on this terminal for now; ``user_message`` says why, in words."""

    area = "topup"


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
        self._card_lock = threading.RLock()  # one card operation at a time (UI, reconciliation)
        self._reconcile_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._active: dict[str, float] = {}  # entries a resident is using now -> last step time

    # ----- can this terminal take top-ups now? -----

    @property
    def unavailable_reason(self) -> str | None:
        """None when top-up works; else what to tell the resident (Chinese)."""
        if not self.journal.durable:
            return JOURNAL_LOST_MESSAGE
        if self.journal.damage and not self.journal.rebuilt:
            return JOURNAL_DAMAGED_MESSAGE
        return None

    def journal_notice(self) -> str | None:
        """For the admin screen: the journal's damage, where it went, whether it was rebuilt."""
        damage = self.journal.damage
        if not damage:
            return None
        when = format_local(datetime.fromtimestamp(damage["at"], UTC))  # the terminal's zone
        state = (
            "已按后台的未完成订单重建，充值已恢复"
            if self.journal.rebuilt
            else "等待按后台记录重建，充值暂停"
        )
        if not self.journal.durable:
            state = "无法新建记录文件，充值暂停（请检查数据目录和磁盘）"
        moved = damage["moved_to"]
        return f"充值记录损坏（{when}）：{damage['reason']}；原文件已移到 {moved}；{state}"

    def waiting_writes(self, account: api.GasAccount) -> list[api.Order]:
        """Paid purchases of this IC-card account not yet on its card (待圈存). The UI offers
        补写卡 first when a resident starts a new top-up on such an account."""
        if account.meter_type is not api.MeterType.IC_CARD or not account.pending_writes:
            return []
        return self.client.pending_writes(account.account)

    # ----- one resident's top-up -----

    def start(self, account: api.GasAccount, amount: int) -> Entry:
        """Store the key, then create the order with it (a retry reuses the same key)."""
        reason = self.unavailable_reason
        if reason:
            raise TopupUnavailable(reason, "top-up journal damaged or not durable")
        with self._state_lock:  # reconciliation never sees it before it is marked in use
            entry = self.journal.create(account.account, amount, account.meter_type.value)
            self._touch(entry)
        return self.place_order(entry)

    def place_order(self, entry: Entry) -> Entry:
        order = self.client.create_gas_order(entry.account, entry.amount, entry.key)
        return self._touch(self.journal.advance(entry.key, State.ORDERED, order_id=order.order_id))

    def poll(self, entry: Entry) -> Entry:
        """Ask the backend about the order; move the journal along with what it says."""
        order = self.client.gas_order(entry.order_id)
        return self._touch(self._follow(entry, order))

    def _follow(self, entry: Entry, order: api.Order) -> Entry:
        status = order.status
        if status is api.OrderStatus.CREATED:
            return entry
        if status is api.OrderStatus.PAID:
            if entry.state in (State.PAID, State.WRITE_PENDING, State.CARD_WRITTEN):
                return entry
            return self.journal.advance(entry.key, State.PAID)
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
        return self._touch(self._follow(entry, order))

    def write_card(self, entry: Entry) -> Entry:
        """Put a paid purchase on the card, then tell the backend. The card's purchase records
        make this safe to repeat: a card that holds this order is confirmed, not written again;
        purchases on the card the backend was not told of are confirmed first."""
        assert self.writer is not None
        with self._card_lock:
            card = self.writer.read()
            if card.account != entry.account:
                raise CardError("这张燃气卡不是这个户号的,请插入正确的卡")
            card = self._catch_up(card)
            entry = self.journal.get(entry.key)
            if entry.state in FINAL:
                return self._touch(entry)  # it was on the card already, now confirmed
            held = card.holds(entry.order_id)
            if held is None:
                token = self.client.card_token(entry.order_id)
                if token.sequence != card.sequence + 1:
                    raise CardError(
                        CARD_MISMATCH_MESSAGE,
                        f"token sequence {token.sequence}, card {card.serial} at {card.sequence}",
                    )
                card = self.writer.write(
                    entry.account, entry.amount, token.sequence, token.token, entry.order_id
                )
                held = card.holds(entry.order_id)
                assert held is not None
            entry = self.journal.advance(
                entry.key, State.CARD_WRITTEN, sequence=held.sequence, card_serial=card.serial
            )
        return self.confirm_write(entry)

    def confirm_write(self, entry: Entry) -> Entry:
        self.client.confirm_card_written(entry.order_id, entry.card_serial or "", entry.sequence)
        return self._touch(self.journal.advance(entry.key, State.CONFIRMED))

    def receipted(self, entry: Entry) -> Entry:
        return self._touch(self.journal.advance(entry.key, State.RECEIPTED))

    def rewrite(self) -> list[api.Order]:
        """补写卡 with the card in this terminal's slot (see ``rewrite_pending``)."""
        assert self.writer is not None
        with self._card_lock:
            return rewrite_pending(self.client, self.writer, self.journal)

    def _catch_up(self, card: Card) -> Card:
        """Confirm, oldest first, the purchases on the card the backend still has as unwritten
        (written, then the card was pulled or the kiosk died before telling the backend)."""
        if not card.purchases:
            return card
        pending = {o.order_id for o in self.client.pending_writes(card.account)}
        for record in sorted(card.purchases, key=lambda p: p.sequence):
            if record.order_id in pending:
                _confirm(self.client, self.journal, record.order_id, card, record.sequence)
        return card

    def _touch(self, entry: Entry) -> Entry:
        if entry.state in FINAL or entry.state is State.WRITE_PENDING:
            self._active.pop(entry.key, None)
        else:
            self._active[entry.key] = time.monotonic()
        return entry

    # ----- after a crash, a power cut or a lost connection; and every few minutes -----

    def reconcile(self) -> list[Outcome]:
        """Settle every unfinished entry with the backend. Safe to call again at any time, from
        any thread: entries a resident is using now are left alone, each entry is settled on its
        own (one the backend refuses is marked for attention, one it cannot be asked about now
        waits for the next call), and a second call while one runs returns at once."""
        if not self._reconcile_lock.acquire(blocking=False):
            return []
        try:
            if self.journal.damage and not self.journal.rebuilt and self.journal.durable:
                try:
                    self._rebuild()
                except BackendError as exc:  # top-up stays off; the next run tries again
                    log.warning("top-up journal not rebuilt yet: %s", error_detail(exc))
            self._catch_up_slot()
            with self._state_lock:
                entries = [e for e in self.journal.to_reconcile() if not self._in_use(e)]
            outcomes = []
            for entry in entries:
                try:
                    outcomes.append(self._settle(entry))
                except BackendUnavailable as exc:
                    log.warning("top-up %s: backend unavailable (%s), later", entry.key[:8], exc)
                except BackendRejected as exc:
                    if exc.code == "request_in_progress":  # the backend is still on it: later
                        continue
                    outcomes.append(self._attention(entry, f"{exc.status} {exc.code}", exc))
                except Exception as exc:  # one entry never stops the others
                    outcomes.append(self._attention(entry, type(exc).__name__, exc))
                finally:
                    self._active.pop(entry.key, None)  # settling it did not make it in use
            return outcomes
        finally:
            self._reconcile_lock.release()

    def reconcile_every(self, interval_s: float, stop: threading.Event) -> threading.Thread:
        """Reconcile on a daemon thread every ``interval_s`` until ``stop`` is set."""

        def loop() -> None:
            while not stop.wait(interval_s):
                try:
                    for o in self.reconcile():
                        log.info("top-up %s settled: %s", o.entry.key[:8], o.entry.state)
                except Exception:
                    log.exception("periodic top-up reconciliation failed")

        thread = threading.Thread(target=loop, name="topup-reconcile", daemon=True)
        thread.start()
        return thread

    def _in_use(self, entry: Entry) -> bool:
        touched = self._active.get(entry.key)
        return touched is not None and time.monotonic() - touched < ACTIVE_S

    def _attention(self, entry: Entry, why: str, exc: BaseException) -> Outcome:
        log.error("top-up %s needs attention: %s", entry.key[:8], error_detail(exc))
        entry = self.journal.mark_attention(entry.key, why)
        return Outcome(entry, ATTENTION_MESSAGE)

    def _rebuild(self) -> None:
        """After damage: the backend's list of this terminal's unfinished orders is the picture
        the lost journal held (a lost ``created`` with no order is harmless; a lost
        ``card_written`` is on the card's records and confirmed at its next 补写卡)."""
        orders = self.client.terminal_gas_orders()
        for order in orders:
            if self.journal.by_order(order.order_id):
                continue
            state = State.ORDERED if order.status is api.OrderStatus.CREATED else State.PAID
            self.journal.adopt(
                order.order_id, order.account, order.amount, order.meter_type.value, state
            )
        self.journal.mark_rebuilt()
        log.warning("top-up journal rebuilt from %d unfinished orders at the backend", len(orders))

    def _catch_up_slot(self) -> None:
        """A card left in this terminal's slot may hold purchases the backend was not told of."""
        if self.writer is None:
            return
        with self._card_lock:
            try:
                card = self.writer.read()
                self._catch_up(card)
            except (CardError, BackendUnavailable):
                return
            except Exception as exc:
                log.warning("card in the slot not reconciled: %s", error_detail(exc))

    def _settle(self, entry: Entry) -> Outcome:
        if entry.state is State.CREATED:
            try:
                entry = self.place_order(entry)  # same key: the stored order, or a new one
            except BackendRejected as exc:
                if exc.code == "request_in_progress":
                    raise
                entry = self.journal.advance(entry.key, State.CANCELLED, note=exc.code)
                return Outcome(entry, "订单未创建,未扣款")
        if entry.state in (State.ORDERED, State.PAID, State.WRITE_PENDING):
            entry = self.poll(entry)
            if entry.state is State.ORDERED:  # never paid, the resident is gone: cancel
                entry = self.cancel(entry)
        if entry.state is State.CARD_WRITTEN:
            entry = self.confirm_write(entry)
        if entry.state is State.PAID:
            # paid, not on the card (the card in the slot, if any, was caught up above), and the
            # card has left with the resident: 待圈存 at the backend for any terminal (补写卡)
            entry = self.journal.advance(
                entry.key,
                State.WRITE_PENDING,
                note="待圈存: insert the card at any terminal to write it",
            )
        return Outcome(self._touch(entry), MESSAGES.get(entry.state, ""))


MESSAGES = {
    State.CONFIRMED: "充值已到账",
    State.RECEIPTED: "充值已到账",
    State.CANCELLED: "订单已取消,未扣款",
    State.EXPIRED: "订单已过期,未扣款",
    State.WRITE_PENDING: "已付款,尚未写入燃气卡(待圈存):请持卡到任意自助终端补写",
}
ATTENTION_MESSAGE = "这笔充值需要人工核对：请记下订单号，联系燃气公司核实是否扣款、是否到账"


def _confirm(
    client: BackendClient, journal: Journal | None, order_id: str, card: Card, sequence: int
) -> api.Order:
    """Tell the backend the card holds ``order_id`` as ``sequence``; the journal follows."""
    confirmed = client.confirm_card_written(order_id, card.serial, sequence)
    if journal is not None:
        for entry in journal.by_order(order_id):
            if entry.state not in FINAL:
                journal.advance(
                    entry.key,
                    State.CONFIRMED,
                    sequence=sequence,
                    card_serial=card.serial,
                    note="on the card (补写卡/reconciled)",
                )
    return confirmed


def rewrite_pending(
    client: BackendClient,
    writer: CardWriter,
    journal: Journal | None = None,
) -> list[api.Order]:
    """补写卡: the card is in the slot; settle every paid purchase the backend holds for it.

    Identity decides, not the counter: a pending order the card already holds (its records) is
    confirmed, oldest first; every other one is written with a token for the card's next
    sequence, then confirmed. Safe to repeat after an interruption at any point."""
    card = writer.read()
    pending = [(card.holds(o.order_id), o) for o in client.pending_writes(card.account)]
    done = []
    for record, order in sorted((p for p in pending if p[0]), key=lambda p: p[0].sequence):
        done.append(_confirm(client, journal, order.order_id, card, record.sequence))
    for record, order in pending:
        if record:
            continue
        token = client.card_token(order.order_id)
        card = writer.read()
        if token.sequence != card.sequence + 1:
            raise CardError(
                CARD_MISMATCH_MESSAGE,
                f"token sequence {token.sequence}, card {card.serial} at {card.sequence}",
            )
        card = writer.write(card.account, order.amount, token.sequence, token.token, order.order_id)
        done.append(_confirm(client, journal, order.order_id, card, token.sequence))
    return done
