"""The kiosk window: header, screens, the Back / Help / Home bar, idle handling and lockdown.

The window renders the resident's session (kiosk.session): it sends the session events and
shows the screen the state names. Who may see what, when a session ends and how long the
resident may be idle are the session's to say, not the window's.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import Services
from kiosk.catalog import Matter
from kiosk.errors import user_message
from kiosk.session import Activity, State
from ui.ops import Operations
from ui.screens.base import Screen
from ui.screens.system import IdleOverlay
from ui.tapguard import guard_of
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
    "consent": "ui.screens.resident:ConsentScreen",
    "records": "ui.screens.resident:RecordsScreen",
    "certificate": "ui.screens.resident:CertificateScreen",
    "topup": "ui.screens.system:TopupScreen",
    "utility": "ui.screens.topup_pay:UtilityScreen",
    "message": "ui.screens.system:MessageScreen",
    "help": "ui.screens.help:HelpScreen",
    "pin": "ui.screens.system:PinScreen",
    "admin": "ui.screens.system:AdminScreen",
    "listening": "ui.screens.voice:ListeningScreen",
    "attract": "ui.screens.system:AttractScreen",
    "feedback": "ui.screens.feedback:FeedbackScreen",
    "topup_pay": "ui.screens.topup_pay:TopupPayScreen",
    "rewrite": "ui.screens.topup_pay:RewriteScreen",
    "verify": "ui.screens.verify:VerifyScreen",
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
    QT_TRANSLATE_NOOP(
        "KioskWindow", "没有连接打印机：材料已保存为文件，没有打印出纸张，请联系工作人员"
    ),
    QT_TRANSLATE_NOOP("KioskWindow", "演示模式：材料已保存为文件（真实终端会在这里打印出纸张）"),
)
ADMIN_CORNER_PX = 120
ADMIN_TAPS, ADMIN_WINDOW_S = 5, 3.0
HEALTH_MS = 60_000  # printer and backend checked at start and every minute
INPUT_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}
NO_HELP = {"help", "pin", "admin", "attract"}


class KioskWindow(QMainWindow):
    def __init__(self, services: Services, *, lockdown: bool | None = None) -> None:
        super().__init__()
        self.services = services
        self.session = services.session
        cfg = services.config
        self.lockdown = (not cfg.demo) if lockdown is None else lockdown
        self.theme = Theme(elder=cfg.elder)
        self.lang = cfg.lang
        self.ops = Operations(self)
        self.ops.generation = self.session.state.generation
        self.history: list[str] = []
        self.network_ok = True
        self._network_seen = 0  # backend calls that reported since start (see check_health)
        self.printer_state = "ok"  # ok / low / out / error / offline: from the health check
        self.current = "home"
        self._allow_close = False
        self._taps: list[float] = []
        self._cases: set[tuple] = set()  # services given a 办件编号 (see finish_service)
        self._activity = self.session.state.activity

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
        self.help_btn = button(self.tr("求助"), "secondary", self.ask_help)
        self.rate_btn = button(self.tr("评价本次服务"), "", self.rate_service)
        self.rate_btn.setVisible(False)
        self.home_btn = button(self.tr("首页"), "secondary", self.home)
        self.busy = label("", "hint", wrap=False)
        bar.addWidget(self.back_btn, 1)
        bar.addWidget(self.busy, 2, Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.rate_btn, 1)
        bar.addWidget(self.mic_btn, 1)
        bar.addWidget(self.help_btn, 1)
        bar.addWidget(self.home_btn, 1)
        outer.addWidget(nav)
        self.setCentralWidget(root)
        self.ops.busy_changed.connect(lambda b: self.busy.setText(self.tr("请稍候……") if b else ""))

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle_timeout)
        self.overlay = IdleOverlay(root, cfg.idle_countdown_s)
        self.overlay.keep.connect(self._touched)
        self.overlay.expired.connect(lambda: self.end_session("idle"))
        self.session.observe(self._state_changed)

        self.apply_theme()
        self._voice_poll = QTimer(self)
        self._voice_poll.timeout.connect(self._update_status)
        self._voice_poll.start(500)
        self._catalog_timer = QTimer(self)  # kiosk.catalog_sync: swap a new catalog when free
        self._catalog_timer.timeout.connect(self._catalog_tick)
        self._catalog_timer.start(1000)
        self._health = QTimer(self)
        self._health.timeout.connect(self.check_health)
        self._health.start(HEALTH_MS)
        QTimer.singleShot(0, self.check_health)
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

    def _allowed(self, name: str) -> bool:
        """No screen with a resident's data without that resident identified: by any path."""
        screen_cls = self.screens[name]
        return not screen_cls.needs_identity or self.session.identified

    def go(self, name: str, *, replace: bool = False, record: bool = True, **kwargs) -> None:
        if name == "home" and self.session.identified:
            self.end_session("home")  # home is never shown with a resident's session open
            return
        if not self._allowed(name):
            log.info("refused %s: nobody identified", name)
            name, kwargs, record = "home", {}, False
        self.ops.cancel(self.current)  # results for the screen we leave are not wanted
        if record and not replace and self.current != name:
            self.history.append(self.current)
        self.current = name
        screen = self.screens[name]
        self.stack.setCurrentWidget(screen)
        screen.enter(**kwargs)
        self._nav_buttons()
        if name != "help":  # asking for help changes nothing about the session
            self.session.show(name, personal=screen.personal)
        self._touched()

    def _nav_buttons(self) -> None:
        name = self.current
        self.back_btn.setVisible(name != "home")
        self.home_btn.setVisible(name != "home")
        self.help_btn.setVisible(name not in NO_HELP)
        self.rate_btn.setVisible(bool(self.session.state.case_number) and name != "feedback")
        self.mic_btn.setVisible(
            self.services.voice_state == "ready" and name not in ("home", "listening")
        )

    def back(self) -> None:
        if self.current in self.screens and not self.screens[self.current].leaving():
            return  # the screen settles first (cancels its unpaid order) and steps back itself
        target = self.history.pop() if self.history else "home"
        while target in ("identify", "consent", "help") and self.history:
            target = self.history.pop()  # never step back into a finished identification
        if target in ("identify", "consent"):
            target = "home"
        if target == "home":
            self.end_session("back to home")  # 返回 to home ends the session like 首页
            return
        if not self._allowed(target):
            self.end_session("personal screen after the session ended")
            return
        self.ops.cancel(self.current)
        self.current = target
        screen = self.screens[target]
        self.stack.setCurrentWidget(screen)
        screen.resume()
        self._nav_buttons()
        self._touched()

    def forget(self, *names: str) -> None:
        """Steps that must not be stepped back into (a finished top-up's amount page)."""
        self.history = [h for h in self.history if h not in names]

    def home(self) -> None:
        self.end_session("home")

    def end_session(self, reason: str) -> None:
        """End the resident's session: one way for 首页, 返回 to home, idle, language switch."""
        self.overlay.hide()
        self.overlay.timer.stop()
        self.session.end(reason)  # the observer wipes the screens and goes home

    def _state_changed(self, state: State) -> None:
        self.rate_btn.setVisible(bool(state.case_number) and self.current != "feedback")
        if state.generation != self.ops.generation:
            self.ops.new_generation(state.generation)
            for screen in self.screens.values():
                screen.wipe()
            self.history.clear()
            self.go("home", record=False)
            return
        if state.activity != self._activity:
            self._activity = state.activity
            if self.overlay.isVisible() and state.activity is not Activity.BROWSING:
                # something happened for the resident (a payment landed, a print started):
                # they are very likely here; the countdown starts again from the beginning
                self.overlay.hide()
                self.overlay.timer.stop()
            self._touched()

    # ----- flows: the session decides where a matter's action leads -----

    def open_matter(self, matter: Matter) -> None:
        self.go("matter", matter=matter)
        self.session.open_matter(matter)

    def start_flow(self, matter: Matter | None = None) -> None:
        self._follow(self.session.start(matter))

    def identified(self, resident) -> None:
        """IdentifyScreen: the backend accepted the card or the SMS code."""
        self._follow(
            self.session.identified_as(resident.token, resident.name_masked, resident.id_masked)
        )

    def consent(self, agree: bool) -> None:
        state = self.session.consent(agree)
        if not agree:
            self.back()
            return
        self._follow(state)

    def _follow(self, state: State) -> None:
        if state.step == self.current:
            return
        replace = self.current in ("identify", "consent")
        self.go(state.step, replace=replace, matter=state.matter, flow=state.flow)

    def require_identity(self, then) -> None:
        """For screens outside the flow registry (kept for older callers)."""
        if self.session.identified:
            then()
        else:
            self.go("identify")

    # ----- slow work -----

    def run(self, name: str, fn, on_result, on_error, *, owner: str | None = "") -> None:
        """Run ``fn`` off the UI thread for the current screen; 'no connection' goes to a page
        with a retry. ``owner=None``: the result is wanted even if the resident moves on."""

        from kiosk.backend.client import BackendUnavailable

        owner = self.current if owner == "" else owner

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

        self.ops.run(name, fn, succeeded, failed, owner=owner)

    def print_document(self, render, title: str, msg, button=None, on_done=None) -> None:
        """Render and print on a worker; ``button`` is disabled until the printer's outcome (one
        print per tap); the words say what really happened ("完成" only when it was printed)."""
        from kiosk.health import print_outcome

        if button is not None:
            if not button.isEnabled():
                return
            button.setEnabled(False)
        msg.setText(self.tr("正在打印，请稍候……"))
        printer = self.services.printer
        self.session.printing()

        def work():
            return printer.print_pdf(render(), title)

        def done(result) -> None:
            self.session.settled()
            ok, words = print_outcome(printer, result, self.services.config.demo)
            _show(msg, ok, self.tr(words))
            if button is not None:
                guard_of(button).changed()  # the rest of a double tap is not a second copy
                button.setEnabled(True)
            self._printer_seen(result)
            if on_done is not None:
                on_done(result)

        def failed(exc: Exception) -> None:
            self.session.settled()
            _show(msg, False, user_message(exc, self.tr("打印没有成功，请联系工作人员")))
            if button is not None:
                guard_of(button).changed()
                button.setEnabled(True)

        self.ops.run("print", work, done, failed, owner=None)

    # ----- the end of a service: its 办件编号, and 好差评 offered with it -----

    def finish_service(self, service: str) -> None:
        """A service was done here: the backend hands out its 办件编号 (nothing personal sent);
        the 评价 button offers 好差评 with it filled in."""
        matter = self.session.state.matter
        matter_id = matter.id if matter else None
        services = self.services
        generation = self.session.state.generation
        done = (generation, service, matter_id)
        if done in self._cases:
            return  # one 办件编号 per service done, however many pages were looked at
        self._cases.add(done)

        def got(case) -> None:
            if self.session.state.generation == generation:
                self.session.finished(case.case_number)

        self.ops.run(
            "case-number",
            lambda: services.client.new_case(service, matter_id),
            got,
            lambda _e: None,
            owner=None,
        )

    def rate_service(self) -> None:
        from kiosk.flows import FlowKind, flow_for

        case = self.session.state.case_number
        rating = next(
            (
                m
                for m in self.services.catalog.catalog.enabled()
                if flow_for(m).kind is FlowKind.EVALUATE
            ),
            None,
        )
        self.go("feedback", matter=rating, case_number=case)

    # ----- help -----

    def ask_help(self) -> None:
        self.go("help", where=self.current)

    # ----- health: printer and backend, at start and every minute, on a worker -----

    def check_health(self) -> None:
        from kiosk.health import check

        services = self.services
        if getattr(self, "_health_running", False):
            self._health_again = True  # never two checks at once: the next follows this one
            return
        self._health_running, self._health_again = True, False
        seen = self._network_seen

        def done(h) -> None:
            self._health_running = False
            if self._network_seen == seen:  # a call that ended meanwhile knows better
                self.network_ok = h.backend_ok
            self.printer_state = h.printer
            self._update_status()
            if self._health_again:
                self.check_health()

        def failed(_exc) -> None:
            self._health_running = False
            if self._health_again:
                self.check_health()

        self.ops.run("health", lambda: check(services), done, failed, owner=None)

    def _printer_seen(self, result) -> None:
        from kiosk.health import printer_state_after

        s = self.services
        self.printer_state = printer_state_after(s.printer, result, s.config.demo)
        self._update_status()

    @property
    def printing_ok(self) -> bool:
        return self.printer_state in ("ok", "low", "file")

    # ----- appearance -----

    def toggle_language(self) -> None:
        from ui.app import set_language

        target = "zh_CN" if self.lang == "en_US" else "en_US"
        if set_language(QApplication.instance(), target):
            self.lang = target
            self.retranslate()

    def retranslate(self) -> None:
        """After a language switch: the session ends, the screens are rebuilt (their words come
        from tr())."""
        self.end_session("language")
        for screen in self.screens.values():  # built again, in the new language, when next shown
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens.clear()
        self.mic_btn.setText(self.tr("说话"))
        self.back_btn.setText(self.tr("◀ 返回"))
        self.home_btn.setText(self.tr("首页"))
        self.help_btn.setText(self.tr("求助"))
        self.rate_btn.setText(self.tr("评价本次服务"))
        self.header._update_clock()  # the date in the new language now, not at the next tick
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
        """Services swapped catalog, search and voice: home is redrawn; the other screens are
        wiped between residents and read the catalog when next entered."""
        self.screens["home"].rebuild()

    def _catalog_tick(self) -> None:
        """A published catalog, prepared off this thread, goes in only while nobody is served."""
        idle = self.current in ("home", "attract") and not self.services.session.identified
        if idle and not self.ops._active and self.services.apply_pending_catalog():
            self.catalog_changed()

    def _network(self, ok: bool) -> None:
        self._network_seen += 1
        if ok != self.network_ok:
            self.network_ok = ok
            self._update_status()

    def _update_status(self) -> None:
        s = self.services
        self.header.set_status(
            network=self.network_ok, printer=self.printer_state, voice=s.voice_state
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
        if self.current == "attract":
            self.idle.stop()
            return
        rule = self.session.idle_rule()
        if rule.seconds is None:
            self.idle.stop()  # writing a card, printing: never interrupted
            return
        self._idle_then = "attract" if self.current == "home" else rule.then
        self.idle.start(int(rule.seconds * 1000))

    def _idle_timeout(self) -> None:
        if self.current == "home" and not self.session.identified:
            self.go("attract", record=False)
            self.services.idle_sweep()  # nobody is served: cycles that died since a load
            return
        rule = self.session.idle_rule()
        if rule.seconds is None:
            return
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
        self._health.stop()
        self.session.unobserve(self._state_changed)
        super().closeEvent(event)

    def exit_app(self) -> None:
        self._allow_close = True
        QApplication.restoreOverrideCursor()
        self.close()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.centralWidget().rect())


def _show(msg, ok: bool, text: str) -> None:
    """An outcome in an Outcome widget (icon and words) or, for older screens, a label."""
    if hasattr(msg, "ok") and callable(msg.ok):
        (msg.ok if ok else msg.error)(text)
    else:
        msg.setText(text)
