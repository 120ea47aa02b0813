"""核验证明: hold a printed certificate's QR to the barcode scanner and see whether it is valid.

The scanner is a keyboard wedge: it types what the QR holds (the backend's public verification
address, ending in the 验证码) and Enter. The backend answers what anyone holding the code may
see: the kind, the masked holder, the dates, and whether it was revoked or has expired. Nothing
personal is asked of whoever checks, and the answer is wiped with the session like any other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.backend import api
from kiosk.errors import user_message
from ui.screens.base import Screen
from ui.widgets import Card, Outcome, label

SCAN_MAX = 300  # a verification address is far shorter; longer input is not a QR of ours


class VerifyScreen(Screen):
    name = "verify"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the barcode scanner types into us
        self._scanned = ""
        self.heading.setText(self.tr("证明文件核验"))
        self.box.addWidget(label(self.tr("请把证明右下角的二维码对准扫码口，听到“嘀”声后稍等。")))
        self.box.addWidget(
            label(
                self.tr("没有扫码口时，也可以用手机扫描证明上的二维码，在手机上查看核验结果。"),
                "hint",
            )
        )
        self.result = Card()
        self.result_text = label("")
        self.result.box.addWidget(self.result_text)
        self.result.setVisible(False)
        self.box.addWidget(self.result)
        self.msg = Outcome()
        self.box.addWidget(self.msg)
        self.box.addStretch(1)

    def enter(self, **_) -> None:
        self.wipe()
        self.setFocus()
        self.msg.info(self.tr("等待扫码……"))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            scanned, self._scanned = self._scanned.strip(), ""
            if scanned:
                self._check(scanned)
            return
        if event.text() and event.text().isprintable():
            self._scanned = (self._scanned + event.text())[-SCAN_MAX:]
            return
        super().keyPressEvent(event)

    def _check(self, scanned: str) -> None:
        services = self.services  # the client is fetched in the worker: never wait here
        self.result.setVisible(False)
        self.msg.busy(self.tr("正在核验，请稍候……"))
        self.win.run(
            "verify-certificate",
            lambda: services.client.verify_certificate(scanned),
            self._show,
            self._failed,
        )

    def _show(self, check: api.CertificateCheck) -> None:
        lines = [
            self.tr("证明：") + check.title,
            self.tr("持证人：") + f"{check.name_masked}  {check.id_masked}",
            self.tr("开具单位：") + check.issuer,
            self.tr("开具日期：") + check.issued_at[:10],
        ]
        if check.valid_until:
            lines.append(self.tr("有效期至：") + check.valid_until[:10])
        self.result_text.setText("\n".join(lines))
        self.result.setVisible(True)
        if check.revoked:
            self.msg.error(self.tr("这份证明已作废，不能再使用。"))
        elif not check.valid:
            self.msg.error(self.tr("这份证明已过有效期，请重新开具。"))
        else:
            self.msg.ok(self.tr("这份证明是真的，目前有效。请核对上面的持证人信息。"))

    def _failed(self, exc: Exception) -> None:
        self.result.setVisible(False)
        self.msg.error(user_message(exc, self.tr("没有查到这份证明，请确认二维码完整后再扫一次")))

    def wipe(self) -> None:
        self._scanned = ""
        self.result_text.clear()
        self.result.setVisible(False)
        self.msg.clear()
