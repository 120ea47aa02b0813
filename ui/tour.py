"""`kiosk tour`: the real UI, offscreen, in demo mode, walked through every main screen.

One PNG per screen, ``NN-screen-name.png``. Backend calls really happen (against the in-process
reference backend); the tour waits for them as a resident would.

Every screen must fit the size asked for: the window may not grow, and no screen may need more
room than it has (which would make it scroll). The tour takes all its pictures, then raises
``ScreensDoNotFit`` naming each screen that did not fit (``kiosk tour`` exits 1).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from kiosk.config import Config


class ScreensDoNotFit(Exception):
    def __init__(self, size: tuple[int, int], problems: list[str], shots: list[Path]) -> None:
        self.problems, self.shots = problems, shots
        w, h = size
        super().__init__(f"screens that do not fit {w}x{h}:\n  " + "\n  ".join(problems))


def misfits(win, size: tuple[int, int], name: str = "") -> list[str]:
    """What does not fit the screen ``size`` right now: the window itself (grown, or needing to
    grow) and the screen on show (content needing more room than its page has)."""
    w, h = size
    name = name or win.current
    problems = []
    got, need = win.size(), win.minimumSizeHint()
    if got.width() > w or got.height() > h:
        problems.append(f"{name}: the window grew to {got.width()}x{got.height()}")
    if need.width() > w or need.height() > h:
        problems.append(f"{name}: the window needs {need.width()}x{need.height()}")
    screen = win.stack.currentWidget()
    scroll = getattr(screen, "page_scroll", None)
    if scroll is not None and scroll.scrolls():
        want, room = scroll.widget().size(), scroll.size()
        problems.append(
            f"{name}: needs {want.width()}x{want.height()}, has {room.width()}x{room.height()}"
        )
    return problems


def _settle(app, win, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if not win.ops._active:
            app.processEvents()
            return
        time.sleep(0.02)


def run_tour(
    out: Path, size: tuple[int, int] = (1920, 1080), lang: str = "zh_CN", elder: bool = False
) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.services import Services
    from kiosk.backend.store import demo_residents
    from ui.app import make_app, set_language
    from ui.window import KioskWindow

    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    set_language(app, lang)
    services = Services(Config(lang=lang, elder=elder))
    win = KioskWindow(services, lockdown=False)
    win.resize(*size)
    win.show()
    shots: list[Path] = []
    problems: list[str] = []

    def shot(name: str) -> None:
        _settle(app, win)
        problems.extend(misfits(win, size, name))
        path = out / f"{len(shots) + 1:02d}-{name}.png"
        win.grab().save(str(path))
        shots.append(path)
        if win.width() > size[0] or win.height() > size[1]:
            win.resize(*size)  # the next picture shows its own screen at the size asked for

    by_id = services.catalog.catalog.by_id()
    people = {r["name"]: r for r in demo_residents()}

    def step(name: str, walk) -> None:
        """Walk to a screen and take its picture; a walk that breaks is a tour failure too."""
        try:
            walk()
        except Exception as exc:  # reported with the misfits; the tour goes on
            problems.append(f"{name}: could not be shown ({type(exc).__name__}: {exc})")
            win.home()
            return
        shot(name)

    def matter(mid: str, act: bool = False) -> None:
        win.home()
        _settle(app, win)
        win.go("matter", matter=by_id[mid])
        if act:
            win.screens["matter"].act.click()
            _settle(app, win)

    def identify(who: str) -> None:
        person = people[who]
        win.screens["identify"]._card(person["name"], person["id_number"])
        _settle(app, win)
        if win.current == "consent":  # 告知同意 before the first personal query
            win.consent(True)
            _settle(app, win)

    def topup() -> None:
        matter("gy-001", act=True)
        t = win.screens["topup"]
        t.field.setText("100200300")
        t.keys.confirmed.emit()

    def qr() -> None:
        _settle(app, win)
        win.screens["topup"]._amount(50_00)
        win.screens["topup_pay"].go_btn.click()

    def countdown() -> None:
        win.screens["topup_pay"]._cancel()
        _settle(app, win)
        win.home()
        win.go("category", category="公积金")
        win.overlay.start()

    try:
        shot("home")
        step("voice-off-tapped", lambda: win.screens["home"].mic.click())
        step("category", lambda: win.go("category", category="社保"))
        step("guide", lambda: matter("mz-001"))
        step(
            "search-keypad",
            lambda: (win.go("search"), *map(win.screens["search"].keys.typed.emit, "pkzm")),
        )
        step("identify", lambda: matter("gjj-002", act=True))
        step(
            "consent",
            lambda: win.screens["identify"]._card(
                people["王建国"]["name"], people["王建国"]["id_number"]
            ),
        )
        step("record-table", lambda: win.consent(True) if win.current == "consent" else None)
        step("record-printed", lambda: win.screens["records"].print_btn.click())
        step("certificate-preview", lambda: (matter("mz-001", act=True), identify("李秀英")))
        step("topup", topup)
        step("topup-qr", qr)
        step("utility", lambda: matter("gy-005", act=True))
        step("complaint", lambda: matter("rx-001", act=True))
        step("help", lambda: win.ask_help())
        step("idle-countdown", countdown)
        win.overlay.hide()
        win.overlay.timer.stop()
        win.home()
        if not elder:
            step("elder-home", win.toggle_elder)
            step("elder-guide", lambda: matter("gjj-004"))
            win.home()
            win.toggle_elder()
        if lang == "zh_CN":
            step("english-home", win.toggle_language)
            step("english-guide", lambda: matter("gjj-004"))
            step("english-identify", lambda: matter("gjj-002", act=True))
            step("english-record-table", lambda: identify("王建国"))
            win.toggle_language()
    finally:
        win.exit_app()
        services.close()
    if problems:
        raise ScreensDoNotFit(size, problems, shots)
    return shots
