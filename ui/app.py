"""Start the kiosk UI: the Qt application, the bundled font, translations, the window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLocale, QPoint, QRect, QSize, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
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
    """Switch the UI language at run time (zh_CN is the source language); receipts follow."""
    from printing.receipt_words import set_language as receipts_in

    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    receipts_in("zh_CN")
    if lang == "zh_CN":
        return True
    t = QTranslator()
    if t.load(str(ASSETS / "translations" / f"kiosk_{lang}.qm")):
        app.installTranslator(t)
        _translators.append(t)
        QLocale.setDefault(QLocale(lang))
        receipts_in(lang)
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


DESIGN = (1920, 1080)  # the layout's reference size (portrait: 1080x1920)


def window_rect(screen: QRect, available: QRect, lockdown: bool) -> QRect:
    """Where the kiosk window goes on a screen.

    Locked down (a real terminal): the whole screen, set explicitly, because without a window
    manager nobody honours the full-screen request and the window keeps Qt's default size.
    Demo: the design size in the screen's orientation, shrunk to fit what the screen has free
    and centred on it; a portrait screen gets a portrait window, hence the portrait layout."""
    if lockdown:
        return QRect(screen)
    w, h = DESIGN if available.width() >= available.height() else DESIGN[::-1]
    scale = min(1.0, available.width() / w, available.height() / h)
    size = QSize(int(w * scale), int(h * scale))
    rect = QRect(QPoint(0, 0), size)
    rect.moveCenter(available.center())
    return rect


def place_window(win, lockdown: bool) -> None:
    """Size and show the window (a terminal: the primary screen; demo: the screen it opens on)."""
    screen = QGuiApplication.primaryScreen() if lockdown else win.screen()
    screen = screen or QGuiApplication.primaryScreen()
    rect = window_rect(screen.geometry(), screen.availableGeometry(), lockdown)
    win.setGeometry(rect)
    if lockdown:
        win.setFixedSize(rect.size())  # nothing inside may grow it past the screen
        win.showFullScreen()
        if not getattr(win, "_follows_screen", False):  # rotated or re-plugged: fill it again
            win._follows_screen = True
            screen.geometryChanged.connect(lambda _r: place_window(win, lockdown))
    else:
        win.show()


def run(config: Config) -> int:
    from app.services import Services
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
    place_window(win, win.lockdown)
    start_watchdog(win)
    try:
        return app.exec()
    finally:
        services.close()
