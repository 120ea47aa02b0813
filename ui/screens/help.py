"""求助: where staff can be found (from the config) and, with a backend, a help request that the
backend records with the terminal and the screen, nothing personal."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ui.screens.base import Screen
from ui.widgets import Card, Outcome, button, label

# the default help_text of kiosk.config, offered to lupdate (a terminal's own text stays as set)
DEFAULT_HELP = QT_TRANSLATE_NOOP("HelpScreen", "请到大厅服务台找工作人员，或按墙上的呼叫铃")


class HelpScreen(Screen):
    name = "help"

    def __init__(self, win) -> None:
        super().__init__(win)
        self.heading.setText(self.tr("需要帮助？"))
        card = Card()
        self.where = label("")
        card.box.addWidget(self.where)
        self.hotline = label("")
        card.box.addWidget(self.hotline)
        self.box.addWidget(card)
        self.call = button(self.tr("请工作人员过来"), "", self._call)
        self.box.addWidget(self.call)
        self.msg = Outcome()
        self.box.addWidget(self.msg)
        self.box.addStretch(1)
        self.box.addWidget(button(self.tr("◀ 回到刚才的页面"), "secondary", win.back))
        self.screen_name = ""

    def enter(self, where: str = "", **_) -> None:
        cfg = self.services.config
        self.screen_name = where or self.screen_name
        self.where.setText(self.tr(cfg.help_text) if cfg.help_text else "")
        self.hotline.setText(self.tr("服务电话：") + cfg.hotline if cfg.hotline else "")
        self.hotline.setVisible(bool(cfg.hotline))
        self.msg.clear()
        self.call.setEnabled(True)

    def _call(self) -> None:
        if not self.call.isEnabled():
            return
        self.call.setEnabled(False)
        self.msg.busy(self.tr("正在通知工作人员……"))
        services, screen = self.services, self.screen_name or "unknown"
        self.win.ops.run(
            "help",
            lambda: services.client.ask_help(screen),
            lambda _ack: self.msg.ok(self.tr("已通知工作人员，请在这里稍等，马上有人过来。")),
            lambda _exc: (
                self.msg.error(self.tr("没能通知到工作人员，请按上面的办法找工作人员。")),
                self.call.setEnabled(True),
            ),
            owner="help",
        )
