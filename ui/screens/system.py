"""The gas top-up frame, the 'no connection' page, the idle countdown, the admin PIN and page."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.admin import PinGate
from kiosk.backend import api
from kiosk.errors import user_message
from ui.screens.base import Screen
from ui.widgets import Card, NumericKeypad, Outcome, button, display_field, label, labeled

QUICK_AMOUNTS = [50_00, 100_00, 200_00, 300_00]


class TopupScreen(Screen):
    """Account number -> the account as the backend knows it -> amount; then TopupPayScreen."""

    personal = True
    name = "topup"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("燃气充值"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a barcode scanner types into us
        self.prompt = label(self.tr("请输入燃气户号（在燃气缴费单或燃气卡上）"))
        self.box.addWidget(self.prompt)
        left, right = self.split()
        self.field = display_field()
        left.addWidget(labeled(None, self.field))  # its placeholder, shown above it too
        self.msg = Outcome()
        left.addWidget(self.msg)
        self.account_card = Card()
        self.account_text = label("")
        self.account_card.box.addWidget(self.account_text)
        self.amounts = QGridLayout()
        self.account_card.box.addLayout(self.amounts)
        # paid purchases not on the card yet: the way to write them, not just words about it
        self.rewrite_btn = button(self.tr("先补写卡"), "", lambda: self.win.go("rewrite"))
        self.rewrite_btn.setVisible(False)
        self.account_card.box.addWidget(self.rewrite_btn)
        self.account_card.setVisible(False)
        left.addWidget(self.account_card)
        left.addStretch(1)
        self.keys = NumericKeypad()
        self.keys.typed.connect(self._typed)
        self.keys.erased.connect(lambda: self.field.setText(self.field.text()[:-1]))
        self.keys.confirmed.connect(self._confirm)
        right.addWidget(self.keys, 1)
        self.account: api.GasAccount | None = None

    def _typed(self, digit: str) -> None:
        """An account number is at most 20 digits; an amount in whole yuan at most as many digits
        as the account's limit has (a 15-digit amount only ends in an error)."""
        limit = 20 if self.account is None else len(str(self.account.max_amount // 100))
        self.field.setText((self.field.text() + digit)[:limit])

    def enter(self, **_) -> None:
        self.wipe()
        self.setFocus()  # key events from a barcode scanner come here
        if self.services.config.demo:  # anyone trying the demo needs an account to type
            from kiosk.backend.store import DEMO_GAS

            self.msg.info(self.tr("演示模式：可以试户号 ") + "、".join(a[0] for a in DEMO_GAS[:3]))

    def _lookup(self) -> None:
        number = self.field.text()
        if len(number) < 6:
            self.msg.setText(self.tr("户号至少6位，请核对缴费单"))
            return
        self.msg.setText(self.tr("正在查询户号……"))
        services = self.services  # the op gets core objects, never a widget
        self.win.run(
            "gas-account",
            lambda: services.client.gas_account(number),
            self._show,
            lambda exc: self.msg.setText(user_message(exc)),
        )

    def _show(self, a: api.GasAccount) -> None:
        self.account = a
        self.msg.clear()
        meter = (
            self.tr("IC卡表（充值后需插卡写入）")
            if a.meter_type is api.MeterType.IC_CARD
            else self.tr("远传表（充值后直接到账）")
        )
        yuan = self.tr("元")
        lines = [
            self.tr("户号：") + a.account,
            self.tr("户名：") + a.holder_masked,
            self.tr("地址：") + a.address_masked,
            self.tr("余额：") + f"{a.balance / 100:.2f}" + yuan,
            self.tr("表类型：") + meter,
        ]
        if a.pending_writes:
            lines.append(self.tr("您有已付款未写卡的购气，请先补写卡"))
        self.rewrite_btn.setVisible(bool(a.pending_writes))
        self.account_text.setText("\n".join(lines))
        while self.amounts.count():
            self.amounts.takeAt(0).widget().deleteLater()
        for i, fen in enumerate(x for x in QUICK_AMOUNTS if a.min_amount <= x <= a.max_amount):
            self.amounts.addWidget(
                button(
                    f"{fen // 100}{self.tr('元')}",
                    "secondary",
                    lambda _=False, f=fen: self._amount(f),
                ),
                0,
                i,
            )
        self.account_card.setVisible(True)
        self.prompt.setText(self.tr("请核对户名和地址，然后选择充值金额"))
        # the keypad now takes another amount, in whole yuan
        self.field.clear()
        self.field.setPlaceholderText(
            self.tr("其他金额（%1–%2元），输入后点“确定”")
            .replace("%1", str(a.min_amount // 100))
            .replace("%2", str(a.max_amount // 100))
        )

    def _confirm(self) -> None:
        if self.account is None:
            self._lookup()
            return
        text = self.field.text()
        if not text:
            self.msg.setText(self.tr("请选择金额，或输入其他金额"))
            return
        fen = int(text) * 100
        a = self.account
        if not a.min_amount <= fen <= a.max_amount:
            self.msg.setText(
                self.tr("充值金额需在%1元到%2元之间")
                .replace("%1", str(a.min_amount // 100))
                .replace("%2", str(a.max_amount // 100))
            )
            return
        self._amount(fen)

    def keyPressEvent(self, event) -> None:
        """A bill's barcode scanner types the account number and Enter, like a keyboard."""
        text = event.text()
        if text.isdigit() and self.account is None:
            self.field.setText((self.field.text() + text)[:20])
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._confirm()
        else:
            super().keyPressEvent(event)

    def _amount(self, fen: int) -> None:
        if self.account:
            self.win.go("topup_pay", account=self.account, amount=fen)

    def wipe(self) -> None:
        self.account = None
        self.field.clear()
        self.msg.clear()
        self.account_text.clear()
        self.account_card.setVisible(False)
        self.rewrite_btn.setVisible(False)
        self.field.setPlaceholderText("")
        self.prompt.setText(
            self.tr("请输入燃气户号（在燃气缴费单或燃气卡上），或扫描缴费单上的条码")
        )


class MessageScreen(Screen):
    """A plain page with words and a way forward: no connection, not available here, done."""

    name = "message"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.text = label("")
        self.box.addWidget(self.text)
        self.box.addStretch(1)
        row = QHBoxLayout()
        self.retry = button(self.tr("再试一次"), "", self._retry)
        row.addWidget(self.retry)
        row.addWidget(button(self.tr("回到首页"), "secondary", win.home))
        self.box.addLayout(row)
        self._on_retry = None

    def enter(self, title: str = "", text: str = "", retry=None, **_) -> None:
        self.heading.setText(title)
        self.text.setText(text)
        self._on_retry = retry
        self.retry.setVisible(retry is not None)

    def _retry(self) -> None:
        if self._on_retry:
            self._on_retry()


class IdleOverlay(QFrame):
    """还需要更多时间吗？ with a countdown in large digits, over whatever is on screen.

    Opaque (nothing personal shows through while the resident is away), at least 20 seconds
    (WCAG 2.2.1), and a chime when it appears and again near the end, for a resident who turned
    away from the screen."""

    keep = Signal()
    expired = Signal()
    MIN_S = 20
    CHIME_AT = 5  # seconds left: the second chime

    def __init__(self, parent: QWidget, seconds: int) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.seconds = max(int(seconds), self.MIN_S)
        self.sounds: list[str] = []  # how each chime went ("device" / "beep"), for the log
        outer = QVBoxLayout(self)
        dialog = QFrame()
        dialog.setObjectName("dialog")
        dialog.setMaximumWidth(1000)
        dialog.setMinimumWidth(min(760, max(parent.width() - 80, 600)))
        box = QVBoxLayout(dialog)
        box.setContentsMargins(48, 36, 48, 36)
        box.setSpacing(18)
        box.addWidget(label(self.tr("还需要更多时间吗？"), "title"))
        self.digits = label("", "countdown", wrap=False)
        self.digits.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.digits)
        self.count = label("")
        box.addWidget(self.count)
        box.addWidget(button(self.tr("需要，继续办理"), "", self._keep))
        box.addWidget(button(self.tr("不用了，结束"), "secondary", self._end))
        outer.addStretch(1)
        outer.addWidget(dialog, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.left = self.seconds
        self.hide()

    def start(self) -> None:
        from ui.widgets import chime

        self.left = self.seconds
        self.setGeometry(self.parentWidget().rect())
        self._show_left()
        self.show()
        self.raise_()
        self.timer.start(1000)
        self.sounds.append(chime())

    def _show_left(self) -> None:
        self.digits.setText(str(self.left))
        self.count.setText(self.tr("%1 秒后将结束办理并清除您的信息").replace("%1", str(self.left)))

    def _tick(self) -> None:
        from ui.widgets import chime

        self.left -= 1
        if self.left <= 0:
            self._end()
            return
        self._show_left()
        if self.left == self.CHIME_AT:
            self.sounds.append(chime())

    def _keep(self) -> None:
        self.timer.stop()
        self.hide()
        self.keep.emit()

    def _end(self) -> None:
        self.timer.stop()
        self.hide()
        self.expired.emit()


class PinScreen(Screen):
    name = "pin"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("管理员登录"))
        self.field = display_field()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.box.addWidget(self.field)
        self.msg = label("", "error")
        self.box.addWidget(self.msg)
        keys = NumericKeypad()
        keys.typed.connect(lambda d: self.field.setText((self.field.text() + d)[:12]))
        keys.erased.connect(lambda: self.field.setText(self.field.text()[:-1]))
        keys.confirmed.connect(self._check)
        self.box.addWidget(keys, 1)
        cfg = win.services.config
        self.gate = PinGate(cfg.admin_pin_hash, demo=cfg.demo)

    def enter(self, **_) -> None:
        self.field.clear()
        self.msg.clear()
        if self.gate.locked_for():
            self.msg.setText(
                self.tr("错误次数过多，请 %1 秒后再试").replace("%1", str(self.gate.locked_for()))
            )

    def _check(self) -> None:
        pin = self.field.text()
        self.field.clear()
        if self.gate.try_pin(pin):
            self.win.go("admin", replace=True)
        elif self.gate.locked_for():
            self.msg.setText(
                self.tr("错误次数过多，请 %1 秒后再试").replace("%1", str(self.gate.locked_for()))
            )
        else:
            self.msg.setText(self.tr("密码不对"))


class AdminScreen(Screen):
    name = "admin"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("终端管理"))
        self.info = label("")
        self.box.addWidget(self.info)
        self.pending = label("", "hint")
        self.box.addWidget(self.pending)
        self.late = label("", "hint")  # payments after cancel or expiry, and their refunds
        self.box.addWidget(self.late)
        self.msg = label("", "hint")
        self.box.addWidget(self.msg)
        grid = QGridLayout()
        grid.addWidget(button(self.tr("重新载入事项清单"), "", self._reload), 0, 0)
        grid.addWidget(button(self.tr("打印测试页"), "", self._test_print), 0, 1)
        grid.addWidget(button(self.tr("已装纸（计数清零）"), "secondary", self._paper), 1, 0)
        grid.addWidget(button(self.tr("语音测试"), "secondary", lambda: win.go("listening")), 2, 0)
        grid.addWidget(button(self.tr("退出终端程序"), "danger", win.exit_app), 1, 1)
        self.box.addLayout(grid)
        self.box.addStretch(1)

    def enter(self, **_) -> None:
        s = self.services
        health = getattr(s.printer, "health", None)
        refused = s.catalog_status()["catalog_refused"]  # a published version that failed
        self.info.setText(
            "\n".join(
                [
                    f"{self.tr('终端')}：{s.config.terminal_name}（{s.config.terminal_id}）",
                    f"{self.tr('事项清单版本')}：{s.catalog.catalog.version}"
                    f"（{len(s.catalog.catalog.enabled())} {self.tr('项')}）"
                    + (f"\n{self.tr('拒收的新清单')}：{refused}" if refused else ""),
                    f"{self.tr('打印机')}：{s.printer.name}"
                    + (f"，{self.tr('纸张')} {health.paper}" if health else ""),
                    f"{self.tr('模式')}：{self.tr('演示') if s.config.demo else self.tr('正式')}",
                ]
            )
        )
        self.pending.setText(self._unresolved())
        self.late.clear()
        services = self.services  # the client is fetched in the worker: never wait here
        self.win.ops.run(
            "late-payments",
            lambda: services.client.late_payments(),
            self._show_late,
            lambda exc: self.late.setText(
                self.tr("迟到的付款：暂时查不到（") + user_message(exc) + "）"
            ),
            owner="admin",
        )

    def _show_late(self, late: list) -> None:
        """Payments that came after their order was cancelled or expired: refunded by the backend;
        the technician sees them here, with what to tell a resident who asks."""
        if not late:
            self.late.setText(self.tr("没有迟到的付款"))
            return
        lines = [self.tr("迟到的付款（已自动退款）：")]
        for p in late[:20]:
            lines.append(
                f"{p.account} {p.amount / 100:.2f}元 {p.order_id} {p.late_paid_at[:16]} —— "
                f"{p.money_note}"
            )
        self.late.setText("\n".join(lines))

    def _unresolved(self) -> str:
        """Top-ups that need a person: what happened, and what to tell the resident."""
        from kiosk.topup.flow import ATTENTION_MESSAGE, MESSAGES

        if not self.services._topup.done():
            return self.tr("正在核对未完成的充值……")
        flow = self.services.topup
        notice = flow.journal_notice()  # a damaged journal: moved aside, rebuilt or not yet
        entries = flow.journal.needing_attention()
        if not entries:
            return "\n".join([*filter(None, [notice]), self.tr("没有未完成的充值")])
        lines = [*filter(None, [notice]), self.tr("需要处理的充值：")]
        for e in entries:
            tell = MESSAGES.get(e.state, self.tr("正在核对，请稍后再查"))
            if e.attention:  # the backend refused it: a person checks (see docs/topup.md)
                tell = f"{ATTENTION_MESSAGE}（{e.attention}）"
            lines.append(
                f"{e.account} {e.amount / 100:.2f}元 {e.state.value} {e.order_id or ''} —— {tell}"
            )
        return "\n".join(lines)

    def _reload(self) -> None:
        """Reread the catalog file; search and voice grammar rebuilt off the UI thread."""
        from kiosk.catalog import load_catalog
        from kiosk.catalog_sync import Prepared

        source = self.services.catalog.source

        def work():
            cat = load_catalog(source)
            return Prepared(cat, source, self.services.prepare_catalog(cat))

        def done(prepared) -> None:
            self.services.apply_catalog(prepared)
            self.win.catalog_changed()
            self.enter()
            self.msg.setText(self.tr("已载入清单 ") + prepared.catalog.version)

        def failed(exc) -> None:
            summary = getattr(exc, "summary", type(exc).__name__)
            self.msg.setText(self.tr("清单有误，继续使用原清单：") + summary)

        self.win.run("catalog-reload", work, done, failed)

    def _test_print(self) -> None:
        from printing.samples import render_sample

        self.win.print_document(lambda: render_sample("guide")[0], "测试页", self.msg)

    def _paper(self) -> None:
        health = getattr(self.services.printer, "health", None)
        if health:
            health.paper_reloaded()
        self.enter()


class AttractScreen(Screen):
    """After a long idle on home: a calm invitation; any touch goes home."""

    name = "attract"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("政务服务自助终端"))
        self.box.addStretch(1)
        invite = label(self.tr("请触摸屏幕开始办理"), "title")
        invite.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(invite)
        self.box.addWidget(
            label(self.tr("可以查公积金、社保，开证明，交燃气费……"), "hint"),
            0,
            Qt.AlignmentFlag.AlignCenter,
        )
        self.box.addStretch(1)
        self.box.addWidget(button(self.tr("开始办理"), "", win.home))

    def mousePressEvent(self, event) -> None:
        self.win.home()
