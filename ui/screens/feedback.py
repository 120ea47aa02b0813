"""12345 诉求 and 好差评 at the kiosk: no typing needed.

A resident picks what the problem is about and leaves a phone number for the call-back (the
hotline takes the details on the phone) and gets a printed 回执 with the 诉求编号, the 验证码
and a QR code holding both; progress is looked up by holding that QR to the barcode scanner (a
keyboard wedge: it types ``12345:<编号>:<验证码>`` and Enter), or by typing both on the keypad;
an evaluation is a 办件编号 (filled in after a service done here) and one of five levels.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QGridLayout

from kiosk.backend import api
from kiosk.catalog import Matter
from kiosk.errors import user_message
from kiosk.health import print_outcome
from kiosk.privacy import MOBILE
from ui.screens.base import Screen
from ui.widgets import Card, Choice, NumericKeypad, Outcome, display_field, label, labeled

# lupdate sees these through QT_TRANSLATE_NOOP; the screen translates them when it shows them
TOPICS = [
    QT_TRANSLATE_NOOP("FeedbackScreen", "噪音扰民"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "道路破损"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "路灯不亮"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "供水供气"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "环境卫生"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "物业纠纷"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "拖欠工资"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "其他问题"),
]
LEVEL_WORDS = (  # the five levels of 好差评
    QT_TRANSLATE_NOOP("FeedbackScreen", "非常满意"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "满意"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "基本满意"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "不满意"),
    QT_TRANSLATE_NOOP("FeedbackScreen", "非常不满意"),
)


RECEIPT_QR = re.compile(r"^12345:(\d{19}):(\d{6})$")


def receipt_qr(number: str, code: str) -> str:
    """What the 回执's QR holds: read back by the barcode scanner at progress lookup."""
    return f"12345:{number}:{code}"


class FeedbackScreen(Screen):
    name = "feedback"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the barcode scanner types into us
        self._scanned = ""
        self.prompt = label("")
        self.box.addWidget(self.prompt)
        left, right = self.split()
        self.choices = QGridLayout()
        left.addLayout(self.choices)
        self.field = display_field()
        left.addWidget(labeled(None, self.field))  # its placeholder, shown above it too
        self.result = Card()
        self.result_text = label("")
        self.result.box.addWidget(self.result_text)
        self.result.setVisible(False)
        left.addWidget(self.result)
        self.msg = Outcome()  # what is missing, or why it did not work
        left.addWidget(self.msg)
        left.addStretch(1)
        self.keys = NumericKeypad()
        self.keys.typed.connect(lambda d: self.field.setText((self.field.text() + d)[:19]))
        self.keys.erased.connect(lambda: self.field.setText(self.field.text()[:-1]))
        self.keys.confirmed.connect(self._confirm)
        right.addWidget(self.keys, 1)
        self.mode = "submit"
        self.topic = ""
        self.number = ""
        self.level: api.EvaluationLevel | None = None

    def enter(self, matter: Matter | None = None, case_number: str = "", **_) -> None:
        self.wipe()
        self.setFocus()
        service = (matter and matter.service) or "hotline.submit"
        self.mode = {"hotline.track": "track", "evaluations.submit": "evaluate"}.get(
            service, "submit"
        )
        self.heading.setText(matter.name if matter else self.tr("反映问题"))
        self._clear_choices()
        if self.mode == "submit":
            self.prompt.setText(
                self.tr("请选择您要反映的问题，再输入手机号，工作人员会回电了解详情")
            )
            cols = 2 if self.win.portrait else 4  # portrait: half as many, twice as wide
            for i, topic in enumerate(TOPICS):
                self.choices.addWidget(
                    Choice(self.tr(topic), lambda _=False, t=topic: self._pick(t)),
                    i // cols,
                    i % cols,
                )
            self.field.setPlaceholderText(self.tr("请输入手机号"))
        elif self.mode == "track":
            self.prompt.setText(
                self.tr("请把回执上的二维码对准扫码口；")
                + self.tr("没有回执，请输入诉求编号（19位），再输入验证码")
            )
            self.field.setPlaceholderText(self.tr("诉求编号"))
        else:
            self.prompt.setText(self.tr("请输入办件编号，再选择您的评价"))
            cols = 2 if self.win.portrait else 5
            for i, lvl in enumerate(api.EvaluationLevel):
                self.choices.addWidget(
                    Choice(self.tr(lvl.value), lambda _=False, v=lvl: self._rate(v)),
                    i // cols,
                    i % cols,
                )
            self.field.setPlaceholderText(self.tr("办件编号"))
            if case_number:  # the service just done here: its number is filled in
                self.field.setText(case_number)
                self.prompt.setText(self.tr("请为刚才办理的事项选择您的评价，再点“确定”"))

    def _clear_choices(self) -> None:
        while self.choices.count():
            w = self.choices.takeAt(0).widget()
            w.hide()
            w.deleteLater()

    def _pick(self, topic: str) -> None:
        self.topic = topic
        self.msg.setText(self.tr("已选择：") + self.tr(topic))

    def _rate(self, level: api.EvaluationLevel) -> None:
        self.level = level
        self.msg.setText(self.tr("已选择：") + self.tr(level.value))

    def _confirm(self) -> None:
        text = self.field.text()
        client = self.services  # the client itself is fetched in the worker
        if self.mode == "submit":
            if not self.topic:
                self.msg.setText(self.tr("请先选择要反映的问题"))
                return
            if not MOBILE.fullmatch(text):  # 11 digits, 13x-19x: anything else is a typo
                self.msg.setText(self.tr("手机号格式不对：是1开头的11位数字，请检查"))
                return
            content = f"自助终端来电请求回电：{self.topic}"
            topic = self.topic
            self.win.run(
                "complaint",
                lambda: client.client.complain(content, topic, text),
                self._submitted,
                self._failed,
            )
        elif self.mode == "track":
            if not self.number:
                if len(text) != 19:
                    self.msg.setText(self.tr("诉求编号是19位数字，请检查"))
                    return
                self.number = text
                self.field.clear()
                self.field.setPlaceholderText(self.tr("验证码（6位）"))
                self.msg.setText("")
                return
            number = self.number
            self.win.run(
                "progress",
                lambda: client.client.complaint_progress(number, text),
                self._progress,
                self._failed,
            )
        else:
            if not text:
                self.msg.setText(self.tr("请输入办件编号"))
                return
            if self.level is None:
                self.msg.setText(self.tr("请选择您的评价"))
                return
            level = self.level
            self.win.run(
                "evaluate",
                lambda: client.client.evaluate(text, level),
                lambda _r: self._rated(),
                self._failed,
            )

    def keyPressEvent(self, event) -> None:
        """The scanner reads the 回执's QR and types it, then Enter."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            scanned, self._scanned = self._scanned, ""
            m = RECEIPT_QR.match(scanned)
            if self.mode == "track" and m:
                self._track(*m.groups())
            elif scanned:
                self.msg.error(self.tr("这个条码不是12345回执上的二维码，请换回执上的二维码再扫"))
            else:
                self._confirm()
            return
        if event.text() and event.text().isprintable():
            self._scanned = (self._scanned + event.text())[-60:]
            return
        super().keyPressEvent(event)

    def _track(self, number: str, code: str) -> None:
        client = self.services
        self.msg.setText(self.tr("正在查询，请稍候……"))
        self.win.run(
            "progress",
            lambda: client.client.complaint_progress(number, code),
            self._progress,
            self._failed,
        )

    def _submitted(self, r: api.ComplaintReceipt) -> None:
        self._done(
            self.tr("已提交，工作人员会尽快回电。\n诉求编号 ")
            + r.number
            + self.tr("\n验证码 ")
            + r.verify_code
            + self.tr("\n正在打印回执……")
        )
        self._print_receipt(r)
        self.win.finish_service("hotline.submit")

    def _print_receipt(self, r: api.ComplaintReceipt) -> None:
        """The 回执: 编号, 验证码 and a QR of both, so that nobody copies 19 digits by hand."""
        from datetime import datetime

        from ui.screens.topup_pay import print_receipt

        services, topic = self.services, self.topic
        lines = [
            ("诉求编号", r.number),
            ("验证码", r.verify_code),
            ("反映问题", topic),
            ("提交时间", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ]
        notice = "查办理进度：在自助终端点“12345诉求办理进度查询”，把右边的二维码对准扫码口。"

        def work():
            return print_receipt(
                services, "12345市民诉求回执", lines, notice, receipt_qr(r.number, r.verify_code)
            )

        def done(result) -> None:
            printed, words = print_outcome(services.printer, result, services.config.demo)
            text = self.result_text.text().replace(self.tr("正在打印回执……"), "")
            self.result_text.setText(
                text + (self.tr("回执已打印，请取走") if printed else self.tr(words))
            )

        self.win.session.printing()
        self.win.ops.run(
            "complaint-receipt",
            work,
            lambda res: (self.win.session.settled(personal=False), done(res)),
            lambda exc: (
                self.win.session.settled(personal=False),
                self.msg.setText(
                    user_message(exc, self.tr("回执没有打印出来，请记下编号和验证码"))
                ),
            ),
            owner=None,
        )

    def _progress(self, p: api.ComplaintProgress) -> None:
        self.win.finish_service("hotline.track")
        lines = [self.tr("办理状态：") + p.status, *p.steps]
        if p.reply:
            lines.append(self.tr("答复：") + p.reply)
        self._done("\n".join(lines))

    def _rated(self) -> None:
        self._done(self.tr("感谢您的评价！"))
        self.win.session.finished("")  # rated: the 评价 button has done its work

    def _done(self, text: str) -> None:
        self.result_text.setText(text)
        self.result.setVisible(True)
        self.field.clear()
        self.msg.clear()

    def _failed(self, exc: Exception) -> None:
        self.msg.error(user_message(exc, self.tr("没有成功，请再试一次")))
        if self.mode == "track":
            self.number = ""
            self.field.setPlaceholderText(self.tr("诉求编号"))

    def wipe(self) -> None:
        self.field.clear()
        self.msg.clear()
        self.result_text.clear()
        self.result.setVisible(False)
        self.topic = self.number = self._scanned = ""
        self.level = None
