"""Start the kiosk UI: the Qt application, the bundled font, translations, the window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.paths import ASSETS

log = logging.getLogger(__name__)
FONT_FILE = ASSETS / "fonts" / "wqy-microhei.ttc"
_translators: list[QTranslator] = []


def make_app(argv: list[str] | None = None) -> QApplication:
    # Workers (rendering, search index, speech) are Python threads: ask the interpreter to hand
    # the GIL back to the UI thread every 1 ms instead of every 5 ms.
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("zhengwu-kiosk")
    if QFontDatabase.addApplicationFont(str(FONT_FILE)) < 0:
        log.warning("bundled font %s could not be loaded", FONT_FILE)
    font = QFont("WenQuanYi Micro Hei")
    font.setPixelSize(26)
    app.setFont(font)
    return app


def set_language(app: QApplication, lang: str) -> bool:
    """Switch the UI language at run time (zh_CN is the source language)."""
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if lang == "zh_CN":
        return True
    t = QTranslator()
    if t.load(str(ASSETS / "translations" / f"kiosk_{lang}.qm")):
        app.installTranslator(t)
        _translators.append(t)
        QLocale.setDefault(QLocale(lang))
        return True
    log.warning("no translation for %s", lang)
    return False


def start_watchdog(parent, notifier=None):
    """Under systemd (Type=notify, WatchdogSec=): READY once the event loop runs, then pings
    from a timer on the UI thread, so a hung UI misses them and is restarted. Else nothing."""
    from PySide6.QtCore import QTimer

    from kiosk.watchdog import Notifier

    notifier = notifier or Notifier()
    if not notifier.enabled:
        return None
    QTimer.singleShot(0, lambda: notifier.ready("serving"))
    if notifier.ping_ms is None:
        return None
    timer = QTimer(parent)
    timer.timeout.connect(lambda: notifier.ping())  # a bound method would be held weakly
    timer.start(notifier.ping_ms)
    return timer


def run(config: Config) -> int:
    from kiosk.services import Services
    from ui.window import KioskWindow

    app = make_app()
    set_language(app, config.lang)
    from kiosk.catalog_sync import NoCatalog

    try:
        services = Services(config)
    except NoCatalog as exc:  # no catalog and none kept: 暂停服务, never a black screen
        from ui.screens.out_of_service import out_of_service

        return run(config) if out_of_service(app, config, exc.problems) else 1
    win = KioskWindow(services)
    if win.lockdown:
        win.showFullScreen()
    else:
        win.resize(1920, 1080)
        win.show()
    start_watchdog(win)
    try:
        return app.exec()
    finally:
        services.close()
