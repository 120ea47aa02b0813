"""暂停服务: what the kiosk shows when it has no usable catalog at all, instead of a black screen.

Start-up falls back to the last good catalog kept (kiosk.catalog_sync.start_catalog); only with
none does this screen come up. It names the terminal and the technician hotline, and tries again
every minute, so a catalog copied in (or a kept version restored) brings the kiosk back by itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from kiosk.config import Config
from ui.theme import Theme
from ui.widgets import label

log = logging.getLogger(__name__)

RETRY_MS = 60_000


class OutOfServiceScreen(QWidget):
    def __init__(self, config: Config, problems: list[str], *, lockdown: bool) -> None:
        super().__init__()
        self.config = config
        self.lockdown = lockdown
        self.recovered = False
        self.loop: QEventLoop | None = None  # set by out_of_service(): left when recovered
        self.setObjectName("screen")
        self.setStyleSheet(Theme(elder=config.elder).stylesheet())
        box = QVBoxLayout(self)
        box.setContentsMargins(120, 120, 120, 120)
        box.setSpacing(36)
        box.addStretch(1)
        title = label(self.tr("暂停服务"), "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(title)
        self.text = label(
            self.tr("本机暂时无法提供服务，请到人工窗口办理，给您带来不便，敬请谅解。")
        )
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.text)
        lines = [self.tr("终端编号：") + config.terminal_id]
        if config.hotline:
            lines.append(self.tr("技术支持电话：") + config.hotline)
        else:
            lines.append(self.tr("请联系大厅工作人员"))
        self.details = label("\n".join(lines), "hint")
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.details)
        box.addStretch(2)
        for p in problems:
            log.error("out of service: %s", p)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.retry)
        self.timer.start(RETRY_MS)

    def retry(self) -> bool:
        """A usable catalog now? Then leave this screen and let start-up run again."""
        from kiosk.catalog_sync import KeptCatalogs, NoCatalog, start_catalog

        kept = None
        if not self.config.demo:
            kept = KeptCatalogs(self.config.data_dir / "catalogs", self.config.secret)
        try:
            start_catalog(self.config.catalog, kept)
        except NoCatalog:
            return False
        log.info("a usable catalog is back: starting the kiosk")
        self.recovered = True
        self.timer.stop()
        self.close()
        if self.loop is not None:  # only our own loop: never the application's exit
            self.loop.quit()
        return True

    def closeEvent(self, event) -> None:
        if self.lockdown and not self.recovered:
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        if not self.lockdown:
            super().keyPressEvent(event)


def out_of_service(app: QApplication, config: Config, problems: list[str]) -> bool:
    """Show the screen until a catalog is usable again; True then (start-up runs again)."""
    lockdown = not config.demo
    screen = OutOfServiceScreen(config, problems, lockdown=lockdown)
    if lockdown:
        screen.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        screen.showFullScreen()
    else:
        screen.resize(1280, 800)
        screen.show()
    from ui import app as ui_app

    start = getattr(ui_app, "start_watchdog", None)  # under systemd: still alive, still pinged
    if start is not None:
        start(screen)
    screen.loop = QEventLoop()
    screen.loop.exec()
    return screen.recovered
