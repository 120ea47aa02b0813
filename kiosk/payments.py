"""A gas QR payment's steps, without Qt: which step follows which event, and what leaving means.

The screen (ui/screens/topup_pay.py) runs the slow calls (``TopupFlow`` on a worker) and renders
the step; the rules live here. An event that does not fit the current step is refused (a late
poll after the resident cancelled, a second tap on 写卡, 确认 while ordering); a payment that
lands during a cancel is followed; ``on_leave`` says what must happen when the resident goes, so
that nothing paid is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.session import Activity
from kiosk.topup.journal import Entry, State


class Step(StrEnum):
    OFFER_REWRITE = "offer_rewrite"  # the account has paid purchases not on its card: 补写卡 first
    CONFIRM = "confirm"  # the amount shown, nothing ordered yet
    ORDERING = "ordering"
    PAYING = "paying"  # the order's QR on screen, its status polled
    CANCELLING = "cancelling"
    INSERT_CARD = "insert_card"  # paid (IC card): waiting for the card
    WRITING = "writing"
    DONE = "done"  # credited or written: the receipt follows
    EXPIRED = "expired"  # the QR expired unpaid: a new code may be asked for
    CLOSED = "closed"  # cancelled unpaid, or failed before an order existed


# what the journal's state after a poll (or a cancel) means for the resident's screen
AFTER_POLL = {
    State.PAID: Step.INSERT_CARD,
    State.CONFIRMED: Step.DONE,
    State.RECEIPTED: Step.DONE,
    State.EXPIRED: Step.EXPIRED,
    State.CANCELLED: Step.CLOSED,
}
ACTIVITY = {  # the session's idle policy for each step (kiosk.session)
    Step.PAYING: Activity.PAYING,
    Step.CANCELLING: Activity.PAYING,
    Step.WRITING: Activity.WRITING_CARD,
}
OPEN = {Step.ORDERING, Step.PAYING, Step.CANCELLING, Step.INSERT_CARD}


@dataclass
class GasPayment:
    step: Step = Step.CONFIRM
    entry: Entry | None = None
    steps: list[Step] = field(default_factory=list)  # the way it went, for tests and the log

    def _to(self, step: Step) -> Step:
        self.steps.append(step)
        self.step = step
        return step

    @property
    def activity(self) -> Activity:
        return ACTIVITY.get(self.step, Activity.PERSONAL)

    # ----- events -----

    def offer_rewrite(self) -> Step:
        return self._to(Step.OFFER_REWRITE)

    def confirm(self) -> bool:
        """确认 / 重新生成二维码: order (again). False when the step does not take it."""
        if self.step not in (Step.CONFIRM, Step.EXPIRED):
            return False
        self.entry = None
        self._to(Step.ORDERING)
        return True

    def ordered(self, entry: Entry) -> Step:
        self.entry = entry
        return self._to(Step.PAYING)

    def polled(self, entry: Entry) -> Step | None:
        """The order as the backend says it is; None when nothing changes on screen."""
        if self.step not in (Step.PAYING, Step.CANCELLING) or entry.state is State.ORDERED:
            return None
        self.entry = entry
        return self._to(AFTER_POLL.get(entry.state, Step.CLOSED))

    def cancel(self) -> bool:
        """取消: only an order still waiting for payment; True when there is one to cancel."""
        if self.step is not Step.PAYING or self.entry is None:
            return False
        self._to(Step.CANCELLING)
        return True

    def write(self) -> bool:
        if self.step is not Step.INSERT_CARD:
            return False  # a second tap while writing changes nothing
        self._to(Step.WRITING)
        return True

    def written(self, entry: Entry) -> Step:
        self.entry = entry
        return self._to(Step.DONE)

    def write_failed(self) -> Step:
        return self._to(Step.INSERT_CARD)  # paid: the money stays; the card may be tried again

    def failed(self) -> Step:
        """A call failed for a reason the resident is told. Before an order exists the payment
        is closed; once one exists only the backend's answer moves it (polling goes on)."""
        if self.step is Step.ORDERING:
            return self._to(Step.CLOSED)
        if self.step is Step.CANCELLING:
            return self._to(Step.PAYING)
        return self.step

    def on_leave(self) -> bool:
        """True when leaving now must settle the top-up on a worker: cancel an unpaid order, or
        make a paid one 待圈存 with a printed note, or print the receipt of what was credited."""
        return self.entry is not None and self.step in OPEN
