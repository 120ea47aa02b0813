"""Gas top-up after the amount: confirm -> order -> payment QR with a countdown, status polled ->
paid -> 请插入燃气卡 and the card write (IC-card meters) -> receipt. Cancel until payment.

Every step runs through the top-up flow (kiosk.topup.flow) on the worker thread; the journal
makes each step durable before the next, so a crash here is settled at the next start.
"""

from __future__ import annotations

import io
from datetime import datetime

import segno
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel

from kiosk.backend import api
from kiosk.backend.client import BackendUnavailable
from kiosk.topup.journal import Entry, State
from ui.screens.base import Screen
from ui.widgets import Card, button, label

POLL_MS = 2000


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
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(self.qr, 1)
        self.msg = label("", "title")
        self.msg.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(self.msg)
        self.hint = label("", "hint")
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
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.account: api.GasAccount | None = None
        self.amount = 0
        self.entry: Entry | None = None
        self.expires: datetime | None = None
        self.step = "confirm"

    # ----- steps -----

    def enter(self, account: api.GasAccount | None = None, amount: int = 0, **_) -> None:
        self.wipe()
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
            "confirm",
            self.tr("请确认充值金额"),
            self.tr("确认后显示付款二维码"),
            go=self.tr("确认，去付款"),
        )

    def _show(
        self,
        step: str,
        msg: str,
        hint: str = "",
        go: str = "",
        cancel: bool = True,
        card: bool = False,
    ) -> None:
        self.step = step
        self.msg.setText(msg)
        self.hint.setText(hint)
        self.go_btn.setText(go)
        self.go_btn.setVisible(bool(go))
        self.cancel_btn.setVisible(cancel)
        self.card_btn.setVisible(card and self.services.config.demo)

    def _go(self) -> None:
        if self.step == "confirm":
            self._order()
        elif self.step == "insert_card":
            self._write()
        elif self.step in ("done", "closed"):
            self.win.home()

    def _order(self) -> None:
        flow, account, amount = self.services.topup, self.account, self.amount
        self._show("ordering", self.tr("正在生成订单……"), cancel=False)
        self.win.run("order", lambda: flow.start(account, amount), self._ordered, self._failed)

    def _ordered(self, entry: Entry) -> None:
        self.entry = entry
        self._qr_for(entry)
        self._show("paying", self.tr("请用手机扫码付款"), "", cancel=True)
        self.timer.start(POLL_MS)
        self._tick()

    def _qr_for(self, entry: Entry) -> None:
        buf = io.BytesIO()
        payload = f"https://pay.example.gov.cn/gas/{entry.order_id}"
        segno.make(payload, error="m").save(buf, kind="png", scale=10, border=2)
        pix = QPixmap()
        pix.loadFromData(buf.getvalue(), "PNG")
        self.qr.setPixmap(pix)
        self.expires_in = 300
        self.started = datetime.now()

    def _tick(self) -> None:
        if self.step != "paying" or self.entry is None:
            return
        left = self.expires_in - int((datetime.now() - self.started).total_seconds())
        self.hint.setText(
            self.tr("二维码 %1 分 %2 秒后失效")
            .replace("%1", str(max(left, 0) // 60))
            .replace("%2", f"{max(left, 0) % 60:02d}")
        )
        flow, entry = self.services.topup, self.entry
        self.win.ops.run("poll", lambda: flow.poll(entry), self._polled, self._poll_failed)

    def _polled(self, entry: Entry) -> None:
        self.entry = entry
        if entry.state is State.ORDERED:
            return
        self.timer.stop()
        self.qr.clear()
        if entry.state is State.PAID:
            self._show(
                "insert_card",
                self.tr("付款成功！请插入燃气卡"),
                self.tr("把燃气卡插入屏幕下方的读卡口，然后点“写卡”"),
                go=self.tr("写卡"),
                cancel=False,
                card=True,
            )
        elif entry.state is State.CONFIRMED:
            self._success(self.tr("充值成功，已直接充到燃气表"))
        elif entry.state is State.EXPIRED:
            self._show(
                "closed",
                self.tr("二维码已失效，订单已取消，没有扣款"),
                go=self.tr("回到首页"),
                cancel=False,
            )
        else:
            self._show(
                "closed", self.tr("订单已取消，没有扣款"), go=self.tr("回到首页"), cancel=False
            )

    def _poll_failed(self, exc: Exception) -> None:
        # never guess: keep asking; the order's state is the backend's to say
        if isinstance(exc, BackendUnavailable):
            self.hint.setText(self.tr("网络不稳定，正在重新查询付款结果……"))
        else:
            self.hint.setText(getattr(exc, "message", ""))

    def _cancel(self) -> None:
        self.timer.stop()
        if self.entry is None:
            self.win.back()
            return
        flow, entry = self.services.topup, self.entry
        self._show("cancelling", self.tr("正在取消……"), cancel=False)
        self.win.run("cancel", lambda: flow.cancel(entry), self._polled, self._failed)

    def _insert_demo_card(self) -> None:
        services, account = self.services, self.account.account
        self.win.ops.run(
            "demo-card",
            lambda: services.insert_demo_card(account),
            lambda _c: self.hint.setText(self.tr("已插入演示燃气卡")),
            self._failed,
        )

    def _write(self) -> None:
        flow, entry = self.services.topup, self.entry
        self._show("writing", self.tr("正在写卡，请不要拔卡……"), cancel=False)
        self.win.run("write", lambda: flow.write_card(entry), self._written, self._write_failed)

    def _written(self, entry: Entry) -> None:
        self.entry = entry
        self._success(self.tr("写卡成功！请把燃气卡插回燃气表"))

    def _write_failed(self, exc: Exception) -> None:
        self._show(
            "insert_card",
            getattr(exc, "message", self.tr("写卡没有成功")),
            self.tr("已付款的金额不会丢失；可以重新插卡后再点“写卡”"),
            go=self.tr("写卡"),
            cancel=False,
            card=True,
        )

    def _success(self, text: str) -> None:
        self._show("done", text, self.tr("正在打印凭证……"), go=self.tr("完成"), cancel=False)
        entry, services = self.entry, self.services

        def print_receipt():
            return services.print_topup_receipt(entry)

        self.win.ops.run(
            "receipt",
            print_receipt,
            self._receipted,
            lambda exc: self.hint.setText(self.tr("凭证没有打印出来，请联系工作人员")),
        )

    def _receipted(self, result) -> None:
        self.hint.setText(self.tr(result.message))

    def _failed(self, exc: Exception) -> None:
        self._show(
            "closed",
            getattr(exc, "message", self.tr("没有成功，请再试一次")),
            go=self.tr("回到首页"),
            cancel=False,
        )

    def wipe(self) -> None:
        self.timer.stop()
        if self.entry is not None and self.step == "paying":
            # the resident left before paying: cancel (a payment that beat us is followed and
            # kept as 待圈存 / credited by the flow, never dropped)
            flow, entry = self.services.topup, self.entry
            self.win.ops.run(
                "cancel-on-leave", lambda: flow.cancel(entry), lambda _e: None, lambda _e: None
            )
        self.qr.clear()
        self.summary.clear()
        self.msg.clear()
        self.hint.clear()
        self.account, self.amount, self.entry = None, 0, None


class RewriteScreen(Screen):
    """补写卡: paid purchases that never reached the card, written now at any terminal."""

    personal = True
    name = "rewrite"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("燃气卡补写"))
        self.msg = label(self.tr("请把燃气卡插入屏幕下方的读卡口，然后点“读卡补写”"), "title")
        self.box.addWidget(self.msg)
        self.hint = label("", "hint")
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
            lambda exc: self.hint.setText(getattr(exc, "message", str(exc))),
        )

    def _rewrite(self) -> None:
        from kiosk.topup.flow import rewrite_pending

        services = self.services
        self.hint.setText(self.tr("正在读卡，请不要拔卡……"))

        def work():
            flow = services.topup
            return rewrite_pending(flow.client, flow.writer, flow.journal)

        self.win.run(
            "rewrite",
            work,
            self._done,
            lambda exc: self.hint.setText(getattr(exc, "message", str(exc))),
        )

    def _done(self, orders) -> None:
        if not orders:
            self.msg.setText(self.tr("这张卡没有待写入的购气"))
        else:
            total = sum(o.amount for o in orders) / 100
            self.msg.setText(
                self.tr("补写成功：%1 笔，共 %2 元。请把燃气卡插回燃气表")
                .replace("%1", str(len(orders)))
                .replace("%2", f"{total:.2f}")
            )
        self.hint.clear()

    def wipe(self) -> None:
        self.msg.setText(self.tr("请把燃气卡插入屏幕下方的读卡口，然后点“读卡补写”"))
        self.hint.clear()
