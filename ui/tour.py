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
    from kiosk.backend.store import demo_residents
    from kiosk.services import Services
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
    try:
        shot("home")
        win.go("category", category="社保")
        shot("category")
        win.go("matter", matter=by_id["mz-001"])
        shot("guide")
        win.go("search")
        for ch in "pkzm":
            win.screens["search"].keys.typed.emit(ch)
        shot("search-keypad")
        win.home()
        win.go("matter", matter=by_id["gjj-002"])
        win.screens["matter"].act.click()
        shot("identify")
        wang = people["王建国"]
        win.screens["identify"]._card(wang["name"], wang["id_number"])
        _settle(app, win)
        shot("record-table")
        win.home()
        win.go("matter", matter=by_id["mz-001"])
        win.screens["matter"].act.click()
        li = people["李秀英"]
        win.screens["identify"]._card(li["name"], li["id_number"])
        _settle(app, win)
        shot("certificate-preview")
        win.home()
        win.go("matter", matter=by_id["gy-001"])
        win.screens["matter"].act.click()
        topup = win.screens["topup"]
        topup.field.setText("100200300")
        topup.keys.confirmed.emit()
        shot("topup")
        _settle(app, win)
        topup._amount(50_00)
        win.screens["topup_pay"].go_btn.click()
        shot("topup-qr")
        win.screens["topup_pay"]._cancel()
        _settle(app, win)
        win.go("category", category="公积金")
        win.overlay.start()
        shot("idle-countdown")
        win.home()
        if not elder:
            win.toggle_elder()
            shot("elder-home")
            win.toggle_elder()
        if lang == "zh_CN":
            win.toggle_language()
            shot("english-home")
            win.go("matter", matter=by_id["gjj-004"])
            shot("english-guide")
            win.toggle_language()
    finally:
        win.exit_app()
        services.close()
    if problems:
        raise ScreensDoNotFit(size, problems, shots)
    return shots
