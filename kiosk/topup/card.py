"""The gas IC card writer behind a small interface, and a simulated one for demo mode and tests.

A card knows *which* purchases it holds, not only how many: like a real IC gas card it keeps its
last purchase records (order id, sequence, amount), so that after a write whose outcome was lost
(card pulled, kiosk killed) the kiosk reads the identity back instead of guessing from a counter.
A write needs the backend's keyed token for exactly that order, amount and sequence.

The simulated card lives in a JSON file, so that it survives the kiosk being killed mid-write,
like a real card in a real slot.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from kiosk.errors import CardProblem
from kiosk.topup.token import card_key, verify_write

MAX_RECORDS = 10  # purchase records a card keeps (real cards keep the last few)


class CardError(CardProblem):
    """``message`` / ``user_message`` is Chinese fit for the screen; ``detail`` for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message, detail)


class NoCard(CardError):
    pass


class CardRemoved(CardError):
    """The card left the slot during a write: it may or may not hold the purchase."""


class AlreadyOnCard(CardError):
    """The card already holds this order: it is never written twice."""


@dataclass
class Purchase:
    """One purchase record on the card."""

    order_id: str
    sequence: int
    amount: int


@dataclass
class Card:
    serial: str
    account: str
    sequence: int  # purchases written so far (the card's counter)
    gas_credit: int  # fen on the card, for the meter
    purchases: list[Purchase] = field(default_factory=list)  # the last MAX_RECORDS, oldest first

    def holds(self, order_id: str) -> Purchase | None:
        return next((p for p in self.purchases if p.order_id == order_id), None)

    @classmethod
    def from_dict(cls, d: dict) -> Card:
        records = [Purchase(**p) for p in d.get("purchases") or []]
        return cls(d["serial"], d["account"], d["sequence"], d["gas_credit"], records)


class CardWriter(Protocol):
    def read(self) -> Card: ...

    def write(
        self, account: str, amount: int, sequence: int, token: str, order_id: str = ""
    ) -> Card: ...


class SimulatedCardWriter:
    """A card slot backed by a JSON file. ``remove_during_write``: 'before' or 'after' the write
    takes effect, to simulate a resident pulling the card out. ``key``: the card key its secure
    element checks tokens with (the gas company's; the demo key unless told)."""

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.key = key or card_key()
        self.remove_during_write: str | None = None

    def insert(self, card: Card) -> None:
        self._save(card)

    @property
    def outside(self) -> Path:
        """Where an ejected card is kept: in the resident's hand, with what it holds."""
        return self.path.with_suffix(".outside")

    def eject(self) -> None:
        if self.path.exists():
            self.path.replace(self.outside)

    def reinsert(self) -> None:
        if self.outside.exists():
            self.outside.replace(self.path)

    def read(self) -> Card:
        if not self.path.exists():
            raise NoCard("请插入燃气卡")
        try:
            return Card.from_dict(json.loads(self.path.read_text()))
        except (ValueError, KeyError, TypeError) as exc:
            raise CardError("这张燃气卡读不出来，请到燃气公司营业厅检查", repr(exc)) from None

    def write(
        self, account: str, amount: int, sequence: int, token: str, order_id: str = ""
    ) -> Card:
        card = self.read()
        if card.account != account:
            raise CardError("这张燃气卡不是这个户号的,请插入正确的卡")
        if not verify_write(self.key, token, order_id, account, amount, sequence):
            raise CardError("写卡指令无效", f"token refused for order {order_id or '(none)'}")
        if card.holds(order_id):
            raise AlreadyOnCard("这笔购气已经在燃气卡上", f"order {order_id} already on card")
        if sequence != card.sequence + 1:
            raise CardError(
                "燃气卡记录不一致,请联系燃气公司",
                f"token sequence {sequence}, card sequence {card.sequence}",
            )
        if self.remove_during_write == "before":
            self.remove_during_write = None
            self.eject()
            raise CardRemoved("写卡时燃气卡被拔出,请重新插卡")
        card.sequence, card.gas_credit = sequence, card.gas_credit + amount
        card.purchases = [*card.purchases, Purchase(order_id, sequence, amount)][-MAX_RECORDS:]
        self._save(card)
        if self.remove_during_write == "after":
            self.remove_during_write = None
            self.eject()
            raise CardRemoved("写卡时燃气卡被拔出,请重新插卡")
        return card

    def _save(self, card: Card) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(card)))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        tmp.replace(self.path)
