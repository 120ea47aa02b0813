"""A step's buttons ignore taps for a moment after the step changes.

A resident's double tap on 确认，去付款 must not land on the 取消 that the next step shows in the
same spot, nor a triple tap on 开具并打印 print three copies. The guard swallows the mouse (and
touch-synthesized mouse) presses on its buttons for ``hold_s`` after ``changed()``; programmatic
clicks and keys are untouched.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

HOLD_S = 0.8  # longer than a double tap, shorter than a resident reading the new step

TAPS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
}


class TapGuard(QObject):
    def __init__(self, parent: QObject | None = None, hold_s: float = HOLD_S) -> None:
        super().__init__(parent)
        self.hold_s = hold_s
        self._since = float("-inf")
        self._swallowing: set[int] = set()  # a press swallowed: its release is swallowed too

    def watch(self, *widgets: QWidget) -> TapGuard:
        for w in widgets:
            w.installEventFilter(self)
        return self

    def changed(self) -> None:
        """The step changed: taps that follow within ``hold_s`` were meant for the old one."""
        self._since = time.monotonic()

    @property
    def holding(self) -> bool:
        return time.monotonic() - self._since < self.hold_s

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        t = event.type()
        if t not in TAPS:
            return False
        if t == QEvent.Type.MouseButtonRelease:
            if id(obj) in self._swallowing:
                self._swallowing.discard(id(obj))
                return True
            return False
        if self.holding:
            self._swallowing.add(id(obj))
            return True
        return False


def keep_place(widget: QWidget) -> None:
    """A hidden button keeps its room: the next step's button stays where it was, not where the
    hidden one had been."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def guard_of(widget: QWidget) -> TapGuard:
    """The one guard watching ``widget`` (made on first use): for a button that changes in
    place, such as 打印 turning into 再打印一份."""
    guard = widget.findChild(TapGuard, "tapguard")
    if guard is None:
        guard = TapGuard(widget).watch(widget)
        guard.setObjectName("tapguard")
    return guard
