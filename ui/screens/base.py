"""What every screen has: a title, a body, whether it shows personal data, and ``wipe``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from ui.widgets import fit_page, label

if TYPE_CHECKING:
    from ui.window import KioskWindow


class Screen(QWidget):
    personal = False  # shows a resident's data: shorter idle time, wiped at session end
    needs_identity = False  # shows an identified resident's records: never without one
    name = ""

    def __init__(self, win: KioskWindow) -> None:
        super().__init__()
        self.win = win
        self.setObjectName("screen")
        self.box = fit_page(self)  # scrolls rather than growing the window (ui.widgets)
        self.box.setContentsMargins(40, 16, 40, 10)
        self.box.setSpacing(14)
        self.heading = label("", "title")
        self.box.addWidget(self.heading)

    @property
    def services(self):
        return self.win.services

    def split(self) -> tuple[QVBoxLayout, QVBoxLayout]:
        """Two columns in landscape, one above the other in portrait (see resizeEvent)."""
        self._split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._split.setSpacing(28)
        self.box.addLayout(self._split, 1)
        left, right = QVBoxLayout(), QVBoxLayout()
        self._split.addLayout(left, 1)
        self._split.addLayout(right, 1)
        return left, right

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        split = getattr(self, "_split", None)
        if split is not None:
            tall = self.height() > self.width()
            split.setDirection(
                QBoxLayout.Direction.TopToBottom if tall else QBoxLayout.Direction.LeftToRight
            )

    def enter(self, **kwargs) -> None:
        """Called each time the screen is shown, with what the caller passed to ``go``."""

    def leaving(self) -> bool:
        """返回 was tapped here: False when the screen must settle something first (an unpaid
        order is cancelled before the resident is let go) and will step back itself."""
        return True

    def resume(self) -> None:
        """Shown again by 返回 (not entered anew): a screen whose content went stale says so."""

    def wipe(self) -> None:
        """Forget everything personal this screen shows."""
