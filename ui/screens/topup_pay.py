"""Paying by QR: the gas top-up after the amount (confirm -> order -> the order's own QR with its
own expiry, status polled -> paid -> 请插入燃气卡 and the card write -> receipt), water /
electricity / heating bills (account -> amount -> QR -> receipt, no card), and 补写卡.

Rules (issue 15): idle never cancels a valid QR (the session's idle policy runs until the order's
``expires_at`` plus a grace); a payment that lands at any moment goes on to the card write and the
receipt, or, if the resident has gone, ends in 待圈存 with a printed note; an expired QR offers a
new code; a finished top-up cannot be paid again from a stale screen.

Every step runs through the top-up flow (kiosk.topup.flow) on a worker; the journal makes each step
durable before the next, so a crash here is settled at the next start.
"""

from __future__ import annotations

import io
import time
import uuid

import segno
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout

from kiosk.backend import api
from kiosk.backend.client import BackendRejected, BackendUnavailable
from kiosk.clock import format_local
from kiosk.errors import user_message
from kiosk.flows import flow_for
from kiosk.health import print_outcome
from kiosk.payments import GasPayment, Step
from kiosk.session import iso_epoch
from kiosk.topup.journal import Entry, State
from ui.screens.base import Screen
from ui.tapguard import TapGuard, guard_of, keep_place
from ui.widgets import (
    Card,
    NumericKeypad,
    Outcome,
    QrView,
    button,
    display_field,
    label,
    labeled,
)

POLL_MS = 2000


def qr_pixmap(payload: str) -> QPixmap:
    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=10, border=2)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


def left_words(tr, until: float) -> str:
    left = max(int(until - time.time()), 0)
    # one context for both pay screens (a bare tr() here would reach lupdate without one)
    words = QCoreApplication.translate("PayScreens", "二维码 %1 分 %2 秒后失效")
    return words.replace("%1", str(left // 60)).replace("%2", f"{left % 60:02d}")


def print_receipt(
    services, title: str, lines: list[tuple[str, str]], notice: str = "", qr: str = ""
):
    """A receipt on the receipt printer, or on the page printer when there is none."""
    from printing.documents import Receipt, render_receipt_pdf
    from printing.printers import receipt_printer_from_config

    receipt = Receipt(
        title=title, lines=lines, notice=notice, qr=qr, footer=services.config.terminal_name
    )
    device = receipt_printer_from_config(services.config.receipt_printer)
    if device:
        return device.print_receipt(receipt)
    return services.printer.print_pdf(render_receipt_pdf(receipt), title)


def settle_left_topup(services, entry: Entry) -> tuple[Entry, object | None]:
    """The resident left (首页, idle) with a top-up open. Runs on a worker. Unpaid: cancelled
    (a payment that beat the cancel is followed). Paid and not on the card: 待圈存 at the
    backend, with a printed note. Credited: the receipt."""
    flow = services.topup
    if entry.state in (State.CREATED, State.ORDERED):
        entry = flow.cancel(entry) if entry.order_id else entry
    if entry.state is State.PAID:
        entry = flow.journal.advance(
            entry.key, State.WRITE_PENDING, note="待圈存: the resident left before the card write"
        )
        lines = [
            ("订单号", entry.order_id or ""),
            ("燃气户号", entry.account),
            ("已付金额", f"{entry.amount / 100:.2f}元"),
            ("结果", "已付款，尚未写入燃气卡（待圈存）"),
            ("时间", format_local()),
        ]
        notice = "钱不会丢失：请持燃气卡到任意自助终端，点“燃气购气补写卡”写入。"
        return entry, print_receipt(services, "燃气购气待写卡通知", lines, notice)
    if entry.state is State.CONFIRMED:
        return entry, services.print_topup_receipt(entry)
    return entry, None


class TopupPayScreen(Screen):
    personal = True
    name = "topup_pay"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("燃气充值"))
        self.info = Card()
        self.summary = label("")
        self.info.box.addWidget(self.summary)
        self.box.addWidget(self.info)
        self.qr = QrView()  # as large as the screen allows, never larger
        self.box.addWidget(self.qr, 1)
        self.msg = label("", "title")
        self.msg.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(self.msg)
        self.hint = Outcome()  # what happened: body size, icon, words
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(self.hint)
        row = QHBoxLayout()
        self.go_btn = button("", "", self._go)
        self.cancel_btn = button(self.tr("取消"), "secondary", self._cancel)
        self.card_btn = button(self.tr("模拟插卡"), "secondary", self._insert_demo_card)
        row.addWidget(self.go_btn, 2)
        row.addWidget(self.card_btn, 1)
        row.addWidget(self.cancel_btn, 1)
        self.box.addLayout(row)
        keep_place(self.go_btn)  # 取消 never slides under the finger that tapped 确认
        self.guard = TapGuard(self).watch(self.go_btn, self.card_btn, self.cancel_btn)
        self.timer = QTimer(self)  # the countdown's words only; the status is polled by ops
        self.timer.timeout.connect(self._tick)
        self.poller = None
        self.account: api.GasAccount | None = None
        self.amount = 0
        self.pay = GasPayment()  # the steps and their rules: kiosk.payments
        self.order: api.Order | None = None
        self._back_after = False  # 返回 tapped with an order open: step back once it is cancelled

    @property
    def step(self) -> Step:
        return self.pay.step

    @property
    def entry(self) -> Entry | None:
        return self.pay.entry

    # ----- steps -----

    def enter(
        self, account: api.GasAccount | None = None, amount: int = 0, offered=False, **_
    ) -> None:
        self.wipe()
        self.cancel_btn.setText(self.tr("取消"))
        if account is None:
            return
        self.account, self.amount = account, amount
        self.summary.setText(
            "\n".join(
                [
                    self.tr("户号：") + account.account,
                    self.tr("户名：") + account.holder_masked,
                    self.tr("充值金额：") + f"{amount / 100:.2f}" + self.tr("元"),
                ]
            )
        )
        self._show(
            self.tr("请确认充值金额"),
            self.tr("确认后显示付款二维码"),
            go=self.tr("确认，去付款"),
        )
        if not offered and account.meter_type is api.MeterType.IC_CARD and account.pending_writes:
            # 补写卡 first: paid purchases of this account are not on its card yet
            self.pay.offer_rewrite()
            self._show(
                self.tr("这个户号有 %1 笔已付款、还没写入燃气卡的购气").replace(
                    "%1", str(account.pending_writes)
                ),
                self.tr("请先插卡补写，再充值新的；没带卡也可以继续充值"),
                go=self.tr("先补写卡"),
            )
            self.cancel_btn.setText(self.tr("继续充值"))

    def leaving(self) -> bool:
        """返回 never leaves an order open behind the resident's back: an unpaid one is cancelled
        here first (a payment that beat the cancel is shown and goes on to the card); one being
        made is cancelled once it exists."""
        if self.step is Step.PAYING:
            self._back_after = True
            self._cancel()
            return False
        if self.step in (Step.ORDERING, Step.CANCELLING):
            self._back_after = True
            return False
        if self.step in (Step.INSERT_CARD, Step.WRITING):
            # paid, not on the card: 返回 must not lead to buying again; the card step stays
            self.hint.setText(
                self.tr("已付款，请先插卡写卡。没带卡可点“首页”离开：钱不会丢失，")
                + self.tr("会打印待写卡通知，凭它到任意自助终端补写")
            )
            return False
        return True

    def resume(self) -> None:
        if self.step is Step.PAYING and self.order is not None:
            self.win.session.paying(self.order.expires_at)

    def _show(
        self,
        msg: str,
        hint: str = "",
        go: str = "",
        cancel: bool = True,
        card: bool = False,
    ) -> None:
        self.guard.changed()  # a double tap on the old step's button is not a tap on this one
        self.msg.setText(msg)
        self.hint.setText(hint)
        self.go_btn.setText(go)
        self.go_btn.setVisible(bool(go))
        self.go_btn.setEnabled(True)
        self.cancel_btn.setVisible(cancel)
        self.card_btn.setVisible(card and self.services.config.demo)

    def _go(self) -> None:
        if self.step is Step.OFFER_REWRITE:
            self.win.go("rewrite")
        elif self.step in (Step.CONFIRM, Step.EXPIRED):
            self._order()
        elif self.step is Step.INSERT_CARD:
            self._write()
        elif self.step in (Step.DONE, Step.CLOSED):
            self.win.home()

    def _order(self) -> None:
        if not self.pay.confirm():
            return
        services, account, amount = self.services, self.account, self.amount

        def work():
            flow = services.topup  # waited for here, on the worker, never on the UI thread
            entry = flow.start(account, amount)
            return entry, flow.client.gas_order(entry.order_id)

        self.qr.clear()
        self._show(self.tr("正在生成订单……"), cancel=False)
        pay = self.pay

        def ordered(result: tuple[Entry, api.Order]) -> None:
            if self.pay is not pay:  # the resident left (首页, idle) while it was being made
                entry = result[0]
                self.win.ops.run(
                    "settle-on-leave",
                    lambda: settle_left_topup(services, services.topup.journal.get(entry.key)),
                    lambda _r: None,
                    lambda _e: None,
                    owner=None,
                )
                return
            self.win._network(True)
            self._ordered(result)

        def failed(exc: Exception) -> None:
            if self.pay is pay:  # told on this screen; a resident who left is not told
                self.win._network(not isinstance(exc, BackendUnavailable))
                self._failed(exc)

        # owner=None: an order made after the resident left is still cancelled, never left open
        self.win.ops.run("order", work, ordered, failed, owner=None)

    def _ordered(self, result: tuple[Entry, api.Order]) -> None:
        entry, self.order = result
        self.pay.ordered(entry)
        self.qr.setPixmap(qr_pixmap(self.order.pay_qr))
        self._until = iso_epoch(self.order.expires_at)
        self._show(self.tr("请用手机扫码付款"), left_words(self.tr, self._until))
        self.win.session.paying(self.order.expires_at)  # idle waits for the QR's own expiry
        self.timer.start(1000)
        self.poller = self.win.ops.poll(
            "poll", self._poll_fn(), self._polled, self._poll_failed, POLL_MS
        )
        if self._back_after:  # 返回 was tapped while ordering: cancel it, then step back
            self._cancel()

    def _poll_fn(self):
        """The poll, for the worker: the journal's latest entry asked of the backend."""
        services, entry_key = self.services, self.entry.key

        def poll():
            flow = services.topup
            return flow.poll(flow.journal.get(entry_key))

        return poll

    def _tick(self) -> None:
        if self.step is Step.PAYING:
            self.hint.setText(left_words(self.tr, self._until))

    def _stop_polling(self) -> None:
        self.timer.stop()
        if self.poller is not None:
            self.poller.stop()
            self.poller = None

    def _polled(self, entry: Entry) -> None:
        step = self.pay.polled(entry)
        if step is None:
            return  # still waiting, or an answer for a step already left
        self._stop_polling()
        self.qr.clear()
        back, self._back_after = self._back_after, False
        if step is Step.CLOSED and back:
            self.win.session.settled(personal=True)
            self.win.back()  # cancelled, nothing paid: where 返回 was meant to go
            return
        if step is Step.INSERT_CARD:
            self.win.session.settled(personal=True)  # paid: the card write is next
            self._show(
                self.tr("付款成功！请插入燃气卡"),
                (self.tr("付款在取消之前已经完成，钱不会丢失。") if back else "")
                + self.tr("把燃气卡插入屏幕下方的读卡口，然后点“写卡”"),
                go=self.tr("写卡"),
                cancel=False,
                card=True,
            )
        elif step is Step.DONE:
            self._success(self.tr("充值成功，已直接充到燃气表"))
        elif step is Step.EXPIRED:
            self.win.session.settled(personal=True)
            self._show(
                self.tr("二维码已失效，没有扣款"),
                self.tr("还要充值，请点“重新生成二维码”"),
                go=self.tr("重新生成二维码"),
                cancel=True,
            )
        else:
            self.win.session.settled(personal=True)
            self._show(self.tr("订单已取消，没有扣款"), go=self.tr("回到首页"), cancel=False)

    def _poll_failed(self, exc: Exception) -> None:
        # never guess: keep asking; the order's state is the backend's to say
        if isinstance(exc, BackendUnavailable):
            self.hint.setText(self.tr("网络不稳定，正在重新查询付款结果……"))
        else:
            self.hint.setText(user_message(exc))

    def _cancel(self) -> None:
        if self.step is Step.OFFER_REWRITE:  # 继续充值: the resident buys without the card now
            self.enter(account=self.account, amount=self.amount, offered=True)
            return
        if not self.pay.cancel():  # nothing ordered (or nothing cancellable): just go back
            self._stop_polling()
            self.win.back()
            return
        self._stop_polling()
        services, entry = self.services, self.entry
        self._show(self.tr("正在取消……"), cancel=False)
        self.win.run("cancel", lambda: services.topup.cancel(entry), self._polled, self._failed)

    def _insert_demo_card(self) -> None:
        services, account = self.services, self.account.account
        self.win.ops.run(
            "demo-card",
            lambda: services.insert_demo_card(account),
            lambda _c: self.hint.setText(self.tr("已插入演示燃气卡")),
            self._failed,
            owner=self.name,
        )

    def _write(self) -> None:
        if not self.pay.write():
            return
        services, entry = self.services, self.entry
        self._show(self.tr("正在写卡，请不要拔卡……"), cancel=False)
        self.win.session.writing_card()  # never interrupted by idle
        # owner=None: a write that finishes is followed by its receipt even if the screen is gone
        self.win.run(
            "write",
            lambda: services.topup.write_card(entry),
            self._written,
            self._write_failed,
            owner=None,
        )

    def _written(self, entry: Entry) -> None:
        self.pay.written(entry)
        self.win.session.settled(personal=True)
        self._success(self.tr("写卡成功！请把燃气卡插回燃气表"))

    def _write_failed(self, exc: Exception) -> None:
        self.win.session.settled(personal=True)
        self.pay.write_failed()
        self._show(
            user_message(exc, self.tr("写卡没有成功")),
            self.tr("已付款的金额不会丢失；可以重新插卡后再点“写卡”"),
            go=self.tr("写卡"),
            cancel=False,
            card=True,
        )

    def _success(self, text: str) -> None:
        self._show(text, self.tr("正在打印凭证……"), go=self.tr("完成"), cancel=False)
        # a finished top-up is never paid again from a stale page: 返回 skips the amount page
        self.win.forget("topup", "topup_pay")
        self.win.screens["topup"].wipe()
        entry, services = self.entry, self.services
        self.win.session.printing()
        self.win.ops.run(
            "receipt",
            lambda: services.print_topup_receipt(entry),
            self._receipted,
            self._receipt_failed,
            owner=None,
        )

    def _receipted(self, result) -> None:
        self.win.session.settled(personal=True)
        words = print_outcome(self.services.printer, result, self.services.config.demo)[1]
        self.hint.setText(self.tr(words))
        self.win.finish_service("utilities.gas_topup")

    def _receipt_failed(self, exc: Exception) -> None:
        self.win.session.settled(personal=True)
        self.hint.setText(self.tr("凭证没有打印出来，请联系工作人员"))

    def _failed(self, exc: Exception) -> None:
        self._back_after = False  # the resident is told what went wrong and decides again
        step = self.pay.failed()
        if step is Step.PAYING:  # the cancel did not get through: the QR is still valid
            self._show(user_message(exc), left_words(self.tr, self._until))
            self.poller = self.win.ops.poll(
                "poll", self._poll_fn(), self._polled, self._poll_failed, POLL_MS
            )
            return
        self._show(
            user_message(exc, self.tr("没有成功，请再试一次")),
            go=self.tr("回到首页") if step is Step.CLOSED else "",
            cancel=False,
        )

    def wipe(self) -> None:
        self._stop_polling()
        entry = self.entry
        if self.pay.on_leave():
            # the resident left with a top-up open: settled on a worker (cancel, or 待圈存 with a
            # printed note, or the receipt of what was credited), never dropped
            services = self.services
            self.win.ops.run(
                "settle-on-leave",
                lambda: settle_left_topup(services, services.topup.journal.get(entry.key)),
                lambda _r: None,
                lambda _e: None,
                owner=None,
            )
        self.qr.clear()
        self.summary.clear()
        self.msg.clear()
        self.hint.clear()
        self.account, self.amount, self.order = None, 0, None
        self.pay = GasPayment()
        self._back_after = False


UTILITY_TITLES = {  # the screen translates them when it shows them
    "water": (
        QT_TRANSLATE_NOOP("UtilityScreen", "自来水费缴纳"),
        QT_TRANSLATE_NOOP("UtilityScreen", "请输入水费户号（在水费单上），或扫描水费单上的条码"),
    ),
    "power": (
        QT_TRANSLATE_NOOP("UtilityScreen", "居民电费缴纳"),
        QT_TRANSLATE_NOOP("UtilityScreen", "请输入电费户号（在电费单上），或扫描电费单上的条码"),
    ),
    "heating": (
        QT_TRANSLATE_NOOP("UtilityScreen", "供暖费缴纳"),
        QT_TRANSLATE_NOOP("UtilityScreen", "请输入供暖户号（在缴费单上），或扫描缴费单上的条码"),
    ),
}


def cancel_utility(client, kind: str, order_id: str) -> api.UtilityOrder:
    """Cancel an unpaid bill order, on a worker; a payment that beat the cancel (409) is
    followed: the order as the backend has it now."""
    try:
        return client.cancel_utility_order(kind, order_id)
    except BackendRejected:
        return client.utility_order(kind, order_id)


def utility_receipt_lines(order: api.UtilityOrder) -> list[tuple[str, str]]:
    return [
        ("订单号", order.order_id),
        ("户号", order.account),
        ("缴费金额", f"{order.amount / 100:.2f}元"),
        ("结果", "已缴费入账"),
        ("时间", format_local()),
    ]


def settle_left_bill(services, kind: str, order_id: str):
    """The resident left a bill's QR (首页, idle): cancelled; one paid meanwhile gets its
    receipt printed, as if they had stayed."""
    order = cancel_utility(services.client, kind, order_id)
    if order.status is api.OrderStatus.CREDITED:
        title = UTILITY_TITLES[kind][0] + "凭证"
        return order, print_receipt(services, title, utility_receipt_lines(order))
    return order, None


class UtilityScreen(Screen):
    """Water, electricity and heating bills against the backend's utility accounts: like gas,
    without a card. Account -> the bill -> amount -> the order's QR -> paid -> receipt."""

    personal = True
    name = "utility"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a barcode scanner types into us
        self.prompt = label("")
        self.box.addWidget(self.prompt)
        left, right = self.split()
        self.field = display_field()
        left.addWidget(labeled(None, self.field))  # its placeholder, shown above it too
        self.msg = Outcome()
        left.addWidget(self.msg)
        self.card = Card()
        self.account_text = label("")
        self.card.box.addWidget(self.account_text)
        self.amounts = QGridLayout()
        self.card.box.addLayout(self.amounts)
        self.card.setVisible(False)
        left.addWidget(self.card)
        self.qr = QrView()  # as large as the screen allows, never larger
        left.addWidget(self.qr, 1)
        self.status = label("", "title")
        left.addWidget(self.status)
        self.hint = Outcome()  # what happened: body size, icon, words
        left.addWidget(self.hint)
        self.again = button(self.tr("重新生成二维码"), "", self._new_code)
        self.again.setVisible(False)
        left.addWidget(self.again)
        row = QHBoxLayout()  # confirm -> QR (+取消) -> outcome, as on the gas screen
        self.go_btn = button("", "", self._go)
        self.cancel_btn = button(self.tr("取消"), "secondary", self._cancel)
        row.addWidget(self.go_btn, 2)
        row.addWidget(self.cancel_btn, 1)
        left.addLayout(row)
        keep_place(self.go_btn)
        self.guard = TapGuard(self).watch(self.go_btn, self.cancel_btn, self.again)
        self.go_btn.setVisible(False)
        self.cancel_btn.setVisible(False)
        left.addStretch(1)
        self.keys = NumericKeypad()
        self.keys.typed.connect(lambda d: self.field.setText((self.field.text() + d)[:20]))
        self.keys.erased.connect(lambda: self.field.setText(self.field.text()[:-1]))
        self.keys.confirmed.connect(self._confirm)
        right.addWidget(self.keys, 1)
        self._back_after = False  # 返回 tapped on the QR: step back once the order is cancelled
        self.kind = "water"
        self.account: api.UtilityAccount | None = None
        self.order: api.UtilityOrder | None = None
        self.amount = 0
        self.key = ""
        self.step = "account"
        self.poller = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    def enter(self, matter=None, **_) -> None:
        self.wipe()
        self.kind = flow_for(matter).param or "water"
        title, prompt = UTILITY_TITLES[self.kind]
        self.heading.setText(self.tr(title))
        self.prompt.setText(self.tr(prompt))
        self.setFocus()
        if self.services.config.demo:  # anyone trying the demo needs an account to type
            from kiosk.backend.store import DEMO_UTILITIES

            accounts = [a[1] for a in DEMO_UTILITIES if a[0] == self.kind]
            self.msg.info(self.tr("演示模式：可以试户号 ") + "、".join(accounts))

    def keyPressEvent(self, event) -> None:
        """A bill's barcode scanner types the account number and Enter, like a keyboard."""
        text = event.text()
        if text.isdigit() and self.step == "account":
            self.field.setText((self.field.text() + text)[:20])
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._confirm()
        else:
            super().keyPressEvent(event)

    def _confirm(self) -> None:
        text = self.field.text()
        if self.step == "account":
            if len(text) < 6:
                self.msg.setText(self.tr("户号至少6位，请核对缴费单"))
                return
            self.msg.setText(self.tr("正在查询户号……"))
            services, kind = self.services, self.kind
            self.win.run(
                "utility-account",
                lambda: services.client.utility_account(kind, text),
                self._show_account,
                lambda exc: self.msg.setText(user_message(exc)),
            )
        elif self.step == "amount":
            if not text:
                self.msg.setText(self.tr("请选择金额，或输入其他金额"))
                return
            self._pay(int(text) * 100)

    def _show_account(self, a: api.UtilityAccount) -> None:
        self.account, self.step = a, "amount"
        self.msg.clear()
        yuan = self.tr("元")
        self.account_text.setText(
            "\n".join(
                [
                    self.tr("户号：") + a.account,
                    self.tr("户名：") + a.holder_masked,
                    self.tr("地址：") + a.address_masked,
                    self.tr("应缴：") + f"{a.due / 100:.2f}" + yuan,
                ]
            )
        )
        while self.amounts.count():
            self.amounts.takeAt(0).widget().deleteLater()
        choices = [a.due] if a.due else []
        choices += [x for x in (50_00, 100_00, 200_00) if a.min_amount <= x <= a.max_amount]
        for i, fen in enumerate(choices):
            self.amounts.addWidget(
                button(f"{fen / 100:.2f}{yuan}", "secondary", lambda _=False, f=fen: self._pay(f)),
                0,
                i,
            )
        self.card.setVisible(True)
        self.field.clear()
        self.prompt.setText(self.tr("请核对户名和地址，然后选择缴费金额，或输入其他金额（元）"))

    def _pay(self, fen: int) -> None:
        a = self.account
        if a is None or self.step != "amount":
            return
        if not a.min_amount <= fen <= a.max_amount:
            self.msg.setText(
                self.tr("缴费金额需在%1元到%2元之间")
                .replace("%1", str(a.min_amount // 100))
                .replace("%2", str(a.max_amount // 100))
            )
            return
        self.amount = fen
        self.key = str(uuid.uuid4())  # one key per payment: a retry never makes a second order
        self.step = "confirm"  # nothing ordered until the resident confirms the amount
        self.card.setVisible(False)
        self._keypad(False)
        self.msg.clear()
        self.status.setText(self.tr("请确认缴费金额：") + f"{fen / 100:.2f}" + self.tr("元"))
        self.hint.setText(self.tr("确认后显示付款二维码"))
        self._buttons(self.tr("确认，去付款"), self.tr("取消"))

    def _keypad(self, on: bool) -> None:
        """The keypad types the account or the amount; beside a confirm or a QR it is off."""
        self.keys.setEnabled(on)
        self.keys.setVisible(on)

    def _buttons(self, go: str = "", cancel: str = "") -> None:
        self.guard.changed()
        self.go_btn.setText(go)
        self.go_btn.setVisible(bool(go))
        self.cancel_btn.setText(cancel)
        self.cancel_btn.setVisible(bool(cancel))

    def _go(self) -> None:
        if self.step == "confirm":
            self._order()
        elif self.step in ("done", "closed"):
            self.win.home()

    def _cancel(self) -> None:
        if self.step == "confirm":  # back to the amounts: nothing was ordered
            self.step = "amount"
            self.status.clear()
            self.hint.clear()
            self._buttons()
            self.card.setVisible(True)
            self._keypad(True)
        elif self.step == "paying" and self.order is not None:
            self._stop()
            self.step = "cancelling"
            self.qr.clear()
            self._buttons()
            self.status.setText(self.tr("正在取消……"))
            services, kind, oid = self.services, self.kind, self.order.order_id
            self.win.run(
                "utility-cancel",
                lambda: cancel_utility(services.client, kind, oid),
                self._polled,
                self._cancel_failed,
            )

    def _cancel_failed(self, exc: Exception) -> None:
        self._back_after = False
        self.step = "paying"  # the order is still open: its QR and the poll again
        self._ordered(self.order, again=True)
        self.status.setText(user_message(exc, self.tr("没有取消成功，请再试一次")))

    def leaving(self) -> bool:
        """返回 never leaves a bill's order open: it is cancelled first (a payment that beat the
        cancel is shown with its receipt); while ordering, once the order exists."""
        if self.step == "paying":
            self._back_after = True
            self._cancel()
            return False
        if self.step in ("ordering", "cancelling"):
            self._back_after = True
            return False
        return True

    def _order(self) -> None:
        services, kind, account, amount, key = (
            self.services,
            self.kind,
            self.account.account,
            self.amount,
            self.key,
        )
        self.step = "ordering"
        self.card.setVisible(False)
        self._keypad(False)
        self._buttons()
        self.again.setVisible(False)
        self.status.setText(self.tr("正在生成订单……"))
        self.win.run(
            "utility-order",
            lambda: services.client.create_utility_order(kind, account, amount, key),
            self._ordered,
            self._failed,
        )

    def _ordered(self, order: api.UtilityOrder, again: bool = False) -> None:
        self.order, self.step = order, "paying"
        self._buttons(cancel=self.tr("取消"))
        self.qr.setPixmap(qr_pixmap(order.pay_qr))
        self._until = iso_epoch(order.expires_at)
        self.status.setText(
            self.tr("请用手机扫码付款：") + f"{order.amount / 100:.2f}" + self.tr("元")
        )
        self.hint.setText(left_words(self.tr, self._until))
        self.win.session.paying(order.expires_at)
        self.timer.start(1000)
        services, kind, oid = self.services, self.kind, order.order_id
        self.poller = self.win.ops.poll(
            "utility-poll",
            lambda: services.client.utility_order(kind, oid),
            self._polled,
            lambda exc: self.hint.setText(self.tr("网络不稳定，正在重新查询付款结果……")),
            POLL_MS,
        )
        if self._back_after and not again:  # 返回 was tapped while ordering: cancel it now
            self._cancel()

    def _tick(self) -> None:
        if self.step == "paying":
            self.hint.setText(left_words(self.tr, self._until))

    def _stop(self) -> None:
        self.timer.stop()
        if self.poller is not None:
            self.poller.stop()
            self.poller = None

    def _polled(self, order: api.UtilityOrder) -> None:
        if self.step not in ("paying", "cancelling"):
            return
        self.order = order
        status = order.status
        if status is api.OrderStatus.CREATED:
            return
        self._stop()
        self.qr.clear()
        self.win.session.settled(personal=True)
        back, self._back_after = self._back_after, False
        if status is api.OrderStatus.CREDITED:
            self.step = "done"
            self.status.setText(self.tr("缴费成功！"))
            if back:
                self.msg.setText(self.tr("付款在取消之前已经完成，已缴费入账。"))
            self._buttons(self.tr("完成"))
            self.win.forget("utility")
            self._receipt(order)
        elif status is api.OrderStatus.EXPIRED:
            self.step = "expired"
            self.status.setText(self.tr("二维码已失效，没有扣款"))
            self.hint.setText(self.tr("还要缴费，请点“重新生成二维码”"))
            self.again.setVisible(True)
            self._buttons()
        else:
            self.step = "closed"
            if back:  # cancelled, nothing paid: where 返回 was meant to go
                self.step = "account"
                self.order = None
                self.win.back()
                return
            self.status.setText(self.tr("订单已取消，没有扣款"))
            self.hint.clear()
            self._buttons(self.tr("回到首页"))

    def _new_code(self) -> None:
        if self.step == "expired" and self.account is not None:
            self.key = str(uuid.uuid4())
            self._order()

    def _receipt(self, order: api.UtilityOrder) -> None:
        services, title = self.services, UTILITY_TITLES[self.kind][0] + "凭证"
        lines = utility_receipt_lines(order)
        self.hint.setText(self.tr("正在打印凭证……"))
        self.win.session.printing()
        self.win.ops.run(
            "utility-receipt",
            lambda: print_receipt(services, title, lines),
            self._receipted,
            lambda exc: (
                self.win.session.settled(personal=True),
                self.hint.setText(self.tr("凭证没有打印出来，请联系工作人员")),
            ),
            owner=None,
        )

    def _receipted(self, result) -> None:
        self.win.session.settled(personal=True)
        words = print_outcome(self.services.printer, result, self.services.config.demo)[1]
        self.hint.setText(self.tr(words))
        self.win.finish_service(f"utilities.{self.kind}")

    def _failed(self, exc: Exception) -> None:
        self._back_after = False
        self.step = "amount" if self.account is not None else "account"
        self.card.setVisible(self.account is not None)
        self._keypad(True)
        self._buttons()
        self.status.setText(user_message(exc, self.tr("没有成功，请再试一次")))

    def wipe(self) -> None:
        self._stop()
        if self.order is not None and self.step in ("paying", "cancelling"):
            # the resident left before paying: cancel; a payment that beat us gets its receipt
            services, kind, oid = self.services, self.kind, self.order.order_id
            self.win.ops.run(
                "utility-settle-on-leave",
                lambda: settle_left_bill(services, kind, oid),
                lambda _o: None,
                lambda _e: None,
                owner=None,
            )
        self.account, self.order, self.amount, self.key = None, None, 0, ""
        self.step = "account"
        self._back_after = False
        self._buttons()
        self._keypad(True)
        for w in (self.field, self.msg, self.account_text, self.status, self.hint, self.qr):
            w.clear()
        self.card.setVisible(False)
        self.again.setVisible(False)


class RewriteScreen(Screen):
    """补写卡: paid purchases that never reached the card, written now at any terminal."""

    personal = True
    name = "rewrite"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("燃气卡补写"))
        self.msg = label(self.tr("请把燃气卡插入屏幕下方的读卡口，然后点“读卡补写”"), "title")
        self.box.addWidget(self.msg)
        self.hint = Outcome()  # what happened: body size, icon, words
        self.box.addWidget(self.hint)
        self.demo = QHBoxLayout()
        if win.services.config.demo:
            self.box.addWidget(label(self.tr("演示模式：点一个户号，模拟插入它的燃气卡"), "hint"))
            for account in ("100200300", "100200301", "100200304"):
                self.demo.addWidget(
                    button(account, "secondary", lambda _=False, a=account: self._demo_card(a))
                )
        self.box.addLayout(self.demo)
        self.box.addStretch(1)
        self.go_btn = button(self.tr("读卡补写"), "", self._rewrite)
        self.box.addWidget(self.go_btn)

    def enter(self, **_) -> None:
        self.wipe()

    def _demo_card(self, account: str) -> None:
        services = self.services
        self.win.ops.run(
            "demo-card",
            lambda: services.insert_demo_card(account),
            lambda _c: self.hint.setText(self.tr("已插入演示燃气卡")),
            lambda exc: self.hint.setText(user_message(exc)),
            owner=self.name,
        )

    def _rewrite(self) -> None:
        if not self.go_btn.isEnabled():
            return
        services = self.services
        self.hint.setText(self.tr("正在读卡，请不要拔卡……"))
        self.go_btn.setEnabled(False)
        self.win.session.writing_card()

        def work():
            flow = services.topup
            if hasattr(flow, "rewrite"):  # holds the card lock against reconciliation
                return flow.rewrite()
            from kiosk.topup.flow import rewrite_pending

            return rewrite_pending(flow.client, flow.writer, flow.journal)

        self.win.run("rewrite", work, self._done, self._failed, owner=None)

    def _failed(self, exc: Exception) -> None:
        self.win.session.settled(personal=True)
        guard_of(self.go_btn).changed()
        self.go_btn.setEnabled(True)
        self.hint.setText(user_message(exc))

    def _done(self, orders) -> None:
        self.win.session.settled(personal=True)
        # the rest of a double tap would read the card again and cover 补写成功 with 没有待写入
        guard_of(self.go_btn).changed()
        self.go_btn.setEnabled(True)
        if not orders:
            self.msg.setText(self.tr("这张卡没有待写入的购气"))
        else:
            total = sum(o.amount for o in orders) / 100
            self.msg.setText(
                self.tr("补写成功：%1 笔，共 %2 元。请把燃气卡插回燃气表")
                .replace("%1", str(len(orders)))
                .replace("%2", f"{total:.2f}")
            )
            self.win.finish_service("utilities.gas_rewrite")
        self.hint.clear()

    def wipe(self) -> None:
        self.msg.setText(self.tr("请把燃气卡插入屏幕下方的读卡口，然后点“读卡补写”"))
        self.hint.clear()
        self.go_btn.setEnabled(True)
