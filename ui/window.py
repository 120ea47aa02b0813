"""The kiosk window: header, screens, the Back / Home bar, idle handling and lockdown."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import Services
from ui.ops import Operations
from ui.screens.base import Screen
from ui.screens.system import IdleOverlay
from ui.theme import Theme
from ui.widgets import Header, button, label

log = logging.getLogger(__name__)

# Screens are built the first time they are shown: start-up builds only home (start time is a
# target), and a module is imported only when one of its screens is needed.
SCREENS = {
    "home": "ui.screens.browse:HomeScreen",
    "category": "ui.screens.browse:CategoryScreen",
    "matter": "ui.screens.browse:MatterScreen",
    "search": "ui.screens.browse:SearchScreen",
    "identify": "ui.screens.resident:IdentifyScreen",
    "records": "ui.screens.resident:RecordsScreen",
    "certificate": "ui.screens.resident:CertificateScreen",
    "topup": "ui.screens.system:TopupScreen",
    "message": "ui.screens.system:MessageScreen",
    "pin": "ui.screens.system:PinScreen",
    "admin": "ui.screens.system:AdminScreen",
    "listening": "ui.screens.voice:ListeningScreen",
    "attract": "ui.screens.system:AttractScreen",
    "feedback": "ui.screens.feedback:FeedbackScreen",
    "topup_pay": "ui.screens.topup_pay:TopupPayScreen",
    "rewrite": "ui.screens.topup_pay:RewriteScreen",
}


class _Screens(dict):
    """name -> screen, building each on first use."""

    def __init__(self, win: KioskWindow) -> None:
        super().__init__()
        self.win = win

    def __missing__(self, name: str) -> Screen:
        import importlib

        module, cls = SCREENS[name].split(":")
        screen = getattr(importlib.import_module(module), cls)(self.win)
        self[name] = screen
        self.win.stack.addWidget(screen)
        if name == "listening":
            screen.command_handler = self.win.voice_command
        return screen


# Printing outcomes are told to residents in words from printing.printers; listed here so that
# lupdate offers them for translation (the window translates them with its own context).
PRINT_WORDS = (
    QT_TRANSLATE_NOOP("KioskWindow", "打印完成，请取走您的材料"),
    QT_TRANSLATE_NOOP("KioskWindow", "打印机暂时不能使用，请联系工作人员"),
    QT_TRANSLATE_NOOP("KioskWindow", "打印机暂停工作（可能缺纸或卡纸），请联系工作人员"),
    QT_TRANSLATE_NOOP("KioskWindow", "打印时间过长，请查看打印机或联系工作人员"),
)
ADMIN_CORNER_PX = 120
ADMIN_TAPS, ADMIN_WINDOW_S = 5, 3.0
INPUT_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class KioskWindow(QMainWindow):
    def __init__(self, services: Services, *, lockdown: bool | None = None) -> None:
        super().__init__()
        self.services = services
        cfg = services.config
        self.lockdown = (not cfg.demo) if lockdown is None else lockdown
        self.theme = Theme(elder=cfg.elder)
        self.lang = cfg.lang
        self.ops = Operations(self)
        self.history: list[str] = []
        self.network_ok = True
        self.current = "home"
        self._allow_close = False
        self._taps: list[float] = []

        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = Header(cfg.terminal_name, cfg.timezone)
        outer.addWidget(self.header)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.screens = _Screens(self)
        nav = QWidget()
        nav.setObjectName("screen")
        bar = QHBoxLayout(nav)
        bar.setContentsMargins(40, 10, 40, 20)
        self.back_btn = button(self.tr("◀ 返回"), "secondary", self.back)
        self.mic_btn = button(self.tr("说话"), "", lambda: self.go("listening"))
        self.mic_btn.setVisible(False)
        self.home_btn = button(self.tr("首页"), "secondary", self.home)
        self.busy = label("", "hint", wrap=False)
        bar.addWidget(self.back_btn, 1)
        bar.addWidget(self.busy, 2, Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.mic_btn, 1)
        bar.addWidget(self.home_btn, 1)
        outer.addWidget(nav)
        self.setCentralWidget(root)
        self.ops.busy_changed.connect(lambda b: self.busy.setText(self.tr("请稍候……") if b else ""))

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle_timeout)
        self.overlay = IdleOverlay(root, cfg.idle_countdown_s)
        self.overlay.keep.connect(self._touched)
        self.overlay.expired.connect(self.home)

        self.apply_theme()
        self._voice_poll = QTimer(self)
        self._voice_poll.timeout.connect(self._update_status)
        self._voice_poll.start(500)
        QApplication.instance().installEventFilter(self)
        if self.lockdown:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        self.go("home", record=False)
        # once home is up, build the other screens one by one while nobody is touching anything,
        # so that a first visit is as quick as the next
        self._to_build = [n for n in SCREENS if n not in self.screens]
        self._builder = QTimer(self)
        self._builder.timeout.connect(self._build_next)
        self._builder.start(60)

    def _build_next(self) -> None:
        if not self._to_build:
            self._builder.stop()
            return
        name = self._to_build.pop(0)
        if name not in self.screens:
            self.screens[name]

    # ----- navigation -----

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

    def screen_named(self, name: str) -> Screen:
        return self.screens[name]

    def go(self, name: str, *, replace: bool = False, record: bool = True, **kwargs) -> None:
        self.ops.cancel_all()  # a result for the screen we leave is not wanted any more
        if record and not replace and self.current != name:
            self.history.append(self.current)
        self.current = name
        screen = self.screens[name]
        self.stack.setCurrentWidget(screen)
        screen.enter(**kwargs)
        self.back_btn.setVisible(name != "home")
        self.home_btn.setVisible(name != "home")
        self.mic_btn.setVisible(
            self.services.voice_state == "ready" and name not in ("home", "listening")
        )
        self._touched()

    def back(self) -> None:
        if not self.history:
            self.home()
            return
        target = self.history.pop()
        if target == "identify":  # never step back into a finished identification
            target = self.history.pop() if self.history else "home"
        self.ops.cancel_all()
        self.current = target
        self.stack.setCurrentWidget(self.screens[target])
        self.back_btn.setVisible(target != "home")
        self.home_btn.setVisible(target != "home")
        self._touched()

    def home(self) -> None:
        """End the resident's session: token dropped, every screen wiped, back to home."""
        self.ops.cancel_all()
        self.overlay.hide()
        self.overlay.timer.stop()
        token_held = self.services.session.identified
        for screen in self.screens.values():
            screen.wipe()
        if token_held:
            self.ops.run("end-session", self.services.end_session, lambda _: None, lambda _: None)
        self.services.session.wipe()
        self.history.clear()
        self.go("home", record=False)

    def require_identity(self, then: Callable[[], None]) -> None:
        if self.services.session.identified:
            then()
        else:
            self.go("identify", then=then)

    # ----- slow work -----

    def run(self, name: str, fn, on_result, on_error) -> None:
        """Run ``fn`` off the UI thread; 'no connection' goes to a page with a retry."""

        from kiosk.backend.client import BackendUnavailable

        def succeeded(value) -> None:
            self._network(True)
            on_result(value)

        def failed(exc: Exception) -> None:
            self._network(not isinstance(exc, BackendUnavailable))
            if isinstance(exc, BackendUnavailable):
                self.go(
                    "message",
                    title=self.tr("网络连接不上"),
                    text=self.tr("暂时连不上服务系统。您可以再试一次；如急需办理，请到人工窗口。"),
                    retry=lambda: (self.back(), self.run(name, fn, on_result, on_error)),
                )
            else:
                on_error(exc)

        self.ops.run(name, fn, succeeded, failed)

    def print_document(self, render: Callable[[], bytes], title: str, msg) -> None:
        msg.setText(self.tr("正在打印，请稍候……"))

        def work():
            return self.services.printer.print_pdf(render(), title)

        def done(result) -> None:
            msg.setText(self.tr(result.message))
            self._update_status()

        self.ops.run(
            "print",
            work,
            done,
            lambda exc: msg.setText(
                getattr(exc, "message", self.tr("打印没有成功，请联系工作人员"))
            ),
        )

    # ----- appearance -----

    def toggle_language(self) -> None:
        from ui.app import set_language

        target = "zh_CN" if self.lang == "en_US" else "en_US"
        if set_language(QApplication.instance(), target):
            self.lang = target
            self.retranslate()

    def retranslate(self) -> None:
        """After a language switch: rebuild the screens (their words come from tr())."""
        self.home()
        for screen in self.screens.values():  # built again, in the new language, when next shown
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens.clear()
        self.mic_btn.setText(self.tr("说话"))
        self.back_btn.setText(self.tr("◀ 返回"))
        self.home_btn.setText(self.tr("首页"))
        self._update_status()
        self.apply_theme()
        self.go("home", record=False)

    def apply_theme(self) -> None:
        self.setStyleSheet(self.theme.stylesheet())
        self.screens["home"].rebuild()

    def toggle_elder(self) -> None:
        self.theme = Theme(elder=not self.theme.elder)
        self.apply_theme()

    def catalog_changed(self) -> None:
        from kiosk.search import SearchEngine

        self.services.search = SearchEngine(self.services.catalog.catalog)
        self.screens["home"].rebuild()

    def _network(self, ok: bool) -> None:
        if ok != self.network_ok:
            self.network_ok = ok
            self._update_status()

    def _update_status(self) -> None:
        s = self.services
        health = getattr(s.printer, "health", None)
        self.header.set_status(
            network=self.network_ok, printer=health.paper if health else "ok", voice=s.voice_state
        )
        self.screens["home"].set_voice(s.voice_state, s.voice_reason)
        self.mic_btn.setVisible(
            s.voice_state == "ready" and self.current not in ("home", "listening")
        )
        if s.voice_state != "loading":
            self._voice_poll.stop()

    def voice_command(self, command: str) -> None:
        """返回, 首页, 打印, 下一页 ... said on any screen (heard on the listening screen)."""
        if command in ("home", "end"):
            self.home()
            return
        self.back()  # leave the listening screen: to where the resident tapped the mic
        if command == "back":
            self.back()
            return
        screen = self.screens[self.current]
        target = {
            "print": "print_btn",
            "next_page": "next",
            "prev_page": "prev",
            "confirm": "act",
        }.get(command)
        widget = getattr(screen, target, None) if target else None
        if widget is not None and widget.isVisible() and widget.isEnabled():
            widget.click()

    # ----- idle, lockdown, admin gesture -----

    def _touched(self) -> None:
        if self.overlay.isVisible():
            return
        cfg = self.services.config
        personal = self.screens[self.current].personal or self.services.session.identified
        seconds = cfg.idle_personal_s if personal else cfg.idle_general_s
        if self.current == "attract":
            self.idle.stop()
            return
        if self.current == "home" and not self.services.session.identified:
            # nothing to protect on home: after a long while, the attract screen
            self.idle.start(cfg.attract_s * 1000)
            return
        self.idle.start(seconds * 1000)

    def _idle_timeout(self) -> None:
        if self.current == "home" and not self.services.session.identified:
            self.go("attract", record=False)
        else:
            self.overlay.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        t = event.type()
        if t in INPUT_EVENTS:
            if t == QEvent.Type.KeyPress and self.lockdown and self._blocked_key(event):
                return True
            if t == QEvent.Type.MouseButtonPress and obj is self.windowHandle():
                self._corner_tap(event.position())
            self._touched()
        return super().eventFilter(obj, event)

    def _blocked_key(self, event) -> bool:
        key, mods = event.key(), event.modifiers()
        return key in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Tab, Qt.Key.Key_Meta) or bool(
            mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
        )

    def _corner_tap(self, pos) -> None:
        if pos.x() > ADMIN_CORNER_PX or pos.y() > ADMIN_CORNER_PX:
            return
        now = time.monotonic()
        self._taps = [t for t in self._taps if now - t < ADMIN_WINDOW_S] + [now]
        if len(self._taps) >= ADMIN_TAPS:
            self._taps.clear()
            self.go("pin")

    def closeEvent(self, event) -> None:
        if self.lockdown and not self._allow_close:
            event.ignore()
            return
        self.ops.cancel_all()
        super().closeEvent(event)

    def exit_app(self) -> None:
        self._allow_close = True
        QApplication.restoreOverrideCursor()
        self.close()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.centralWidget().rect())
