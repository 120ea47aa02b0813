"""The gas IC card writer behind a small interface, and a simulated one for demo mode and tests.

The simulated card lives in a JSON file, so that it survives the kiosk being killed mid-write,
like a real card in a real slot.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class CardError(Exception):
    """``message`` is Chinese fit for the screen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoCard(CardError):
    pass


class CardRemoved(CardError):
    """The card left the slot during a write: it may or may not hold the purchase."""


@dataclass
class Card:
    serial: str
    account: str
    sequence: int  # purchases written so far
    gas_credit: int  # fen on the card, for the meter


class CardWriter(Protocol):
    def read(self) -> Card: ...

    def write(self, account: str, amount: int, sequence: int, token: str) -> Card: ...


class SimulatedCardWriter:
    """A card slot backed by a JSON file. ``remove_during_write``: 'before' or 'after' the write
    takes effect, to simulate a resident pulling the card out."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
        return Card(**json.loads(self.path.read_text()))

    def write(self, account: str, amount: int, sequence: int, token: str) -> Card:
        card = self.read()
        if card.account != account:
            raise CardError("这张燃气卡不是这个户号的,请插入正确的卡")
        if sequence != card.sequence + 1:
            raise CardError("燃气卡记录不一致,请联系燃气公司")
        if not token:
            raise CardError("写卡指令无效")
        if self.remove_during_write == "before":
            self.remove_during_write = None
            self.eject()
            raise CardRemoved("写卡时燃气卡被拔出,请重新插卡")
        card.sequence, card.gas_credit = sequence, card.gas_credit + amount
        self._save(card)
        if self.remove_during_write == "after":
            self.remove_during_write = None
            self.eject()
            raise CardRemoved("写卡时燃气卡被拔出,请重新插卡")
        return card

    def _save(self, card: Card) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(card.__dict__))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        tmp.replace(self.path)
