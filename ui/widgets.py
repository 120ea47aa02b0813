"""The app's own large widgets: buttons, tiles, keypads (no system keyboard), the header."""

from __future__ import annotations

import html

from PySide6.QtCore import QDateTime, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

# Tile badge colours (white text on each: contrast >= 4.5:1); the badge is the category's first
# character, so the tile reads the same without colour.
BADGE_COLOURS = [
    "#0d47a1",
    "#1b5e20",
    "#6a1b9a",
    "#b3261e",
    "#00695c",
    "#4e342e",
    "#283593",
    "#ad1457",
    "#37474f",
    "#5d4037",
]


def button(text: str, kind: str = "", slot=None) -> QPushButton:
    b = QPushButton(text)
    if kind:
        b.setObjectName(kind)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if slot:
        b.clicked.connect(slot)
    return b


def display_field() -> QLineEdit:
    """What the app's own keypads type into: shown large, never given to a system keyboard."""
    field = QLineEdit()
    field.setReadOnly(True)
    field.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return field


LINE_HEIGHT = 135  # percent; Qt style sheets cannot set it, so wrapped text carries it inline


class Text(QLabel):
    """A label whose wrapped lines are spaced 1.35 (readable for older eyes). ``text()`` gives
    back the plain words that were set."""

    def __init__(self, text: str = "", wrap: bool = True) -> None:
        super().__init__()
        self._plain = ""
        self.setWordWrap(wrap)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._plain = text
        if self.wordWrap() and text:
            safe = html.escape(text).replace("\n", "<br>")
            super().setText(f'<p style="line-height:{LINE_HEIGHT}%; margin:0">{safe}</p>')
        else:
            super().setText(text)

    def text(self) -> str:
        return self._plain

    def clear(self) -> None:
        self.setText("")


def label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    lab = Text(text, wrap)
    if name:
        lab.setObjectName(name)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


class Tile(QPushButton):
    """A category tile: a coloured badge with the category's first character, and its name."""

    def __init__(self, text: str, index: int = 0, slot=None) -> None:
        super().__init__(text)
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.badge = BADGE_COLOURS[index % len(BADGE_COLOURS)]
        if slot:
            self.clicked.connect(slot)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(2, 2, -2, -2)
        p.setPen(QPen(QColor("#c5cbd6"), 2))
        p.setBrush(QColor("#dde6f5") if self.isDown() else QColor("#ffffff"))
        p.drawRoundedRect(r, 18, 18)
        size = min(r.height() * 0.45, r.width() * 0.45)
        badge = QRectF(r.center().x() - size / 2, r.top() + r.height() * 0.1, size, size)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(self.badge))
        p.drawEllipse(badge)
        f = QFont(self.font())
        f.setPixelSize(int(size * 0.55))
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.text()[:1])
        f.setPixelSize(self.font().pixelSize() or 26)
        p.setFont(f)
        p.setPen(QColor("#1a1a1a"))
        text_rect = QRectF(r.left(), badge.bottom() + 6, r.width(), r.bottom() - badge.bottom() - 6)
        p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text())


class MicButton(QPushButton):
    """The large microphone button, drawn (no emoji font needed), with its words beneath."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setObjectName("mic")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect().adjusted(2, 2, -2, -2))
        on = self.isEnabled()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#0d47a1" if on else "#8a94a6"))
        p.drawRoundedRect(r, 24, 24)
        h = r.height() * 0.42
        cx, top = r.center().x(), r.top() + r.height() * 0.1
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(cx - h * 0.22, top, h * 0.44, h * 0.7), h * 0.22, h * 0.22)
        pen = QPen(QColor("white"), max(3.0, h * 0.07))
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(cx - h * 0.36, top + h * 0.2, h * 0.72, h * 0.72), 200 * 16, 140 * 16)
        p.drawLine(QPointF(cx, top + h * 0.92), QPointF(cx, top + h * 1.08))
        f = QFont(self.font())
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(
            QRectF(r.left(), top + h * 1.12, r.width(), r.bottom() - top - h * 1.12),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            self.text(),
        )


class BigList(QListWidget):
    """Large rows with kinetic (flick) scrolling for touch.

    The scroller listens to touch gestures only: grabbing the left mouse button as well swallows
    quick taps on some platforms, and kiosk touch screens deliver real touch events.
    """

    chosen = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.itemClicked.connect(lambda item: self.chosen.emit(item.data(Qt.ItemDataRole.UserRole)))

    def set_items(self, rows: list[tuple[str, object]]) -> None:
        self.clear()
        for text, value in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.addItem(item)


class LetterKeypad(QWidget):
    """Pinyin-initial keypad: letters in alphabetical order (residents know ABC, not QWERTY)."""

    typed = Signal(str)
    erased = Signal()
    cleared = Signal()

    def __init__(self) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setSpacing(10)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for i, ch in enumerate(letters):
            grid.addWidget(
                button(ch, "key", lambda _=False, c=ch: self.typed.emit(c.lower())), i // 7, i % 7
            )
        grid.addWidget(button("退格", "secondary", self.erased.emit), 3, 5)
        grid.addWidget(button("清空", "secondary", self.cleared.emit), 3, 6)


class NumericKeypad(QWidget):
    typed = Signal(str)
    erased = Signal()
    confirmed = Signal()

    def __init__(self, extra: str = "") -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setSpacing(10)
        for i, d in enumerate("123456789"):
            grid.addWidget(button(d, "key", lambda _=False, c=d: self.typed.emit(c)), i // 3, i % 3)
        grid.addWidget(
            button(
                extra or "退格",
                "secondary",
                (lambda: self.typed.emit(extra)) if extra else self.erased.emit,
            ),
            3,
            0,
        )
        grid.addWidget(button("0", "key", lambda: self.typed.emit("0")), 3, 1)
        grid.addWidget(button("确定", "", self.confirmed.emit), 3, 2)
        if extra:
            grid.addWidget(button("退格", "secondary", self.erased.emit), 4, 0, 1, 3)


class Header(QFrame):
    """Terminal name, clock, and network / printer / voice status in words and symbols."""

    def __init__(self, terminal_name: str) -> None:
        super().__init__()
        self.setObjectName("header")
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 10, 24, 10)
        self.name = label(terminal_name, "headerTitle", wrap=False)
        self.status = label("", wrap=False)
        self.clock = label("", wrap=False)
        row.addWidget(self.name)
        row.addStretch(1)
        row.addWidget(self.status)
        row.addSpacing(24)
        row.addWidget(self.clock)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self._update_clock()
        self.set_status(network=True, printer="ok", voice="off")

    def _update_clock(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("yyyy年M月d日 HH:mm"))

    def set_status(self, *, network: bool, printer: str, voice: str) -> None:
        parts = [
            self.tr("● 网络正常") if network else self.tr("✖ 网络中断"),
            {
                "ok": self.tr("● 打印正常"),
                "low": self.tr("▲ 纸张不多"),
                "out": self.tr("✖ 打印机缺纸"),
            }.get(printer, self.tr("✖ 打印机故障")),
            {"ready": self.tr("● 语音可用"), "loading": self.tr("… 语音准备中")}.get(
                voice, self.tr("– 语音未开启")
            ),
        ]
        self.status.setText("   ".join(parts))


class Card(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(28, 22, 28, 22)
        self.box.setSpacing(12)
