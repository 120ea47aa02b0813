"""The app's own large widgets: buttons, tiles, keypads (no system keyboard), the header."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
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


class KeyField(QLineEdit):
    """What the app's own keypads type into: shown large, never given to a system keyboard.
    Says when its placeholder changes, so that a ``LabeledField`` can show it above."""

    placeholder_changed = Signal(str)

    def setPlaceholderText(self, text: str) -> None:
        super().setPlaceholderText(text)
        self.placeholder_changed.emit(text)


def display_field() -> KeyField:
    field = KeyField()
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


class PageScroll(QScrollArea):
    """A screen's content, scrollable when it needs more room than the window has.

    Without it a screen's minimum size becomes the window's: one tall page (elder mode, a long
    guide, an English sentence) grows the window past the screen, and 返回/首页 fall off it.
    Screens are laid out to fit 1920x1080 and 1080x1920 in every mode (``kiosk tour`` checks it);
    this is the safety net that keeps the window its size when some content still does not."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        # sized here, not by widgetResizable: that one gives wrapped text its *preferred*
        # height and scrolls pages whose minimum fits
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setWidget(page)
        self._refit = QTimer(self)  # owned: never fires after the page is gone
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
        page.installEventFilter(self)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0)

    def needed(self, width: int | None = None) -> QSize:
        """What the content needs to show without scrolling, at ``width`` (the page's room)."""
        page = self.widget()
        width = self.width() if width is None else width
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        lay = page.layout()
        w = max(width, least.width())
        h = least.height()
        if lay is not None and lay.hasHeightForWidth():
            h = max(h, lay.minimumHeightForWidth(w))
        return QSize(least.width(), h)

    def scrolls(self) -> bool:
        """Whether the page is bigger than its room right now (a tour failure)."""
        page, room = self.widget(), self.viewport().size()
        return page.width() > room.width() or page.height() > room.height()

    def _fit(self) -> None:
        room = self.maximumViewportSize()  # the viewport without scroll bars
        need = self.needed(room.width())
        bar = self.verticalScrollBar().sizeHint().width()
        w = room.width()
        if need.height() > room.height():  # it will scroll: the bar takes some width
            w -= bar
            need = self.needed(w)
        size = QSize(max(w, need.width()), max(room.height(), need.height()))
        if self.widget().size() != size:
            self.widget().resize(size)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._refit.start()
        return super().eventFilter(obj, event)


def fit_page(screen: QWidget) -> QVBoxLayout:
    """Give ``screen`` a scrollable page and return the page's layout (see ``PageScroll``)."""
    outer = QVBoxLayout(screen)
    outer.setContentsMargins(0, 0, 0, 0)
    page = QWidget()
    page.setObjectName("screen")
    screen.page_scroll = PageScroll(page)
    outer.addWidget(screen.page_scroll)
    return QVBoxLayout(page)


class QrView(QWidget):
    """A QR code drawn as large as its room allows (square, sharp: no smoothing), never
    demanding more height than the screen has. ``setPixmap``/``clear`` like a QLabel."""

    MIN = 240  # px (about 6 cm on a 22" screen): phones read it from arm's length

    def __init__(self) -> None:
        super().__init__()
        self._pix = None
        self.setMinimumSize(self.MIN, self.MIN)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def setPixmap(self, pix) -> None:
        self._pix = pix
        self.update()

    def pixmap(self):
        from PySide6.QtGui import QPixmap

        return self._pix if self._pix is not None else QPixmap()

    def clear(self) -> None:
        self._pix = None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def paintEvent(self, event) -> None:
        if self._pix is None or self._pix.isNull():
            return
        side = min(self.width(), self.height())
        p = QPainter(self)
        target = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p.drawPixmap(target, self._pix, QRectF(self._pix.rect()))


class LabeledField(QWidget):
    """A field with its instruction in a label above it: placeholders vanish as soon as one
    digit is typed, so they never carry the only instruction. ``field`` is the field itself.

    With ``text=None`` the label follows the field's placeholder (a ``KeyField``): screens that
    change the placeholder as the step changes (phone number, then SMS code) keep the label true.
    """

    def __init__(self, text: str | None, field: QWidget | None = None) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        self.label = label("", "fieldLabel")
        self.field = field if field is not None else display_field()
        box.addWidget(self.label)
        box.addWidget(self.field)
        if text is None and isinstance(self.field, KeyField):
            self.field.placeholder_changed.connect(self.set_label)
            text = self.field.placeholderText()
        self.set_label(text or "")

    def set_label(self, text: str) -> None:
        self.label.setText(text)
        self.label.setVisible(bool(text))


def labeled(text: str | None, field: QWidget | None = None) -> LabeledField:
    return LabeledField(text, field)


# what an outcome is, drawn (no emoji font needed) and in colour: colour is never the only sign
OUTCOME_COLOURS = {"ok": "#1b5e20", "error": "#b3261e", "info": "#0d47a1", "busy": "#0d47a1"}


class _OutcomeIcon(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.kind = "info"
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        px = self.font().pixelSize()
        side = int((px if px > 0 else 26) * 1.5)
        return QSize(side, side)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 2
        r = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(OUTCOME_COLOURS[self.kind]))
        p.drawEllipse(r)
        pen = QPen(QColor("white"), max(3.0, side * 0.11))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        x, y, s = r.left(), r.top(), side
        if self.kind == "ok":  # a tick
            path = QPainterPath(QPointF(x + s * 0.27, y + s * 0.52))
            path.lineTo(x + s * 0.44, y + s * 0.69)
            path.lineTo(x + s * 0.74, y + s * 0.34)
            p.drawPath(path)
        elif self.kind == "error":  # a cross
            p.drawLine(QPointF(x + s * 0.32, y + s * 0.32), QPointF(x + s * 0.68, y + s * 0.68))
            p.drawLine(QPointF(x + s * 0.68, y + s * 0.32), QPointF(x + s * 0.32, y + s * 0.68))
        elif self.kind == "busy":  # three dots: in progress
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("white"))
            for i in range(3):
                p.drawEllipse(QPointF(x + s * (0.28 + 0.22 * i), y + s * 0.5), s * 0.07, s * 0.07)
        else:  # an "i"
            p.drawLine(QPointF(x + s * 0.5, y + s * 0.46), QPointF(x + s * 0.5, y + s * 0.74))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("white"))
            p.drawEllipse(QPointF(x + s * 0.5, y + s * 0.29), s * 0.075, s * 0.075)


class Outcome(QFrame):
    """A result that matters to the resident (printed, not found, not eligible, paid, failed):
    body-size text or larger, an icon, plain words, a tinted box. Hidden while empty.

    ``ok`` is green with a tick, ``error`` red with a cross, ``info`` blue with an i, ``busy``
    blue with dots; the words always say it too, so nothing depends on seeing colour."""

    def __init__(self, text: str = "", kind: str = "info") -> None:
        super().__init__()
        self.setObjectName("outcome")
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 10, 20, 10)
        row.setSpacing(16)
        self.icon = _OutcomeIcon()
        self.words = label("", "outcomeText")
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.words, 1)
        self._kind = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if text:
            self._set(kind, text)
        else:
            self.clear()

    def ok(self, text: str) -> None:
        self._set("ok", text)

    def error(self, text: str) -> None:
        self._set("error", text)

    def info(self, text: str) -> None:
        self._set("info", text)

    def busy(self, text: str) -> None:
        self._set("busy", text)

    def setText(self, text: str) -> None:
        """For code that treats it as a label: words without a verdict are information."""
        self._set(self._kind or "info", text) if text else self.clear()

    def clear(self) -> None:
        self._kind = ""
        self.words.clear()
        self.setVisible(False)

    def setAlignment(self, align) -> None:
        """Like a label's: where the words sit (the icon stays beside them)."""
        self.words.setAlignment(align)

    def text(self) -> str:
        return self.words.text()

    def kind(self) -> str:
        """ "ok", "error", "info", "busy", or "" when nothing is shown."""
        return self._kind

    def _set(self, kind: str, text: str) -> None:
        self._kind = kind
        self.icon.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)  # the stylesheet picks the tint by the kind property
        self.style().polish(self)
        self.words.setText(text)
        self.setAccessibleName(text)
        self.icon.update()
        self.setVisible(True)


class Choice(QPushButton):
    """One option of several (an amount, a rating, a reason): checkable, and when chosen it
    carries a tick and a heavier frame, not only another colour."""

    MARK = "✔ "

    def __init__(self, text: str, slot=None) -> None:
        super().__init__(text)
        self._plain = text
        self.setObjectName("choice")
        self.setCheckable(True)
        self.setAutoExclusive(True)  # one chosen among the options shown together
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggled.connect(self._mark)
        if slot:
            self.clicked.connect(slot)

    def _mark(self, on: bool) -> None:
        super().setText((self.MARK if on else "") + self._plain)

    def setText(self, text: str) -> None:
        self._plain = text
        self._mark(self.isChecked())

    def text(self) -> str:
        return self._plain

    def marked_text(self) -> str:
        """What is on the button, tick included."""
        return super().text()


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
    """The large microphone button, drawn (no emoji font needed), with its words beneath.

    When voice is off (``set_off(True)``) it stays tappable, is drawn grey-on-light with the
    microphone struck through, and its words say it is off; the screen tells a resident who taps
    it that touch works."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setObjectName("mic")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.off = False

    def set_off(self, off: bool) -> None:
        self.off = off
        self.update()

    def paintEvent(self, event) -> None:
        from ui.theme import MUTED, OFF_BG, PRIMARY

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect().adjusted(2, 2, -2, -2))
        on = self.isEnabled() and not self.off
        ink = QColor("white" if on else MUTED)
        p.setPen(Qt.PenStyle.NoPen if on else QPen(QColor(MUTED), 3, Qt.PenStyle.DashLine))
        p.setBrush(QColor(PRIMARY if on else OFF_BG))
        p.drawRoundedRect(r, 24, 24)
        f = QFont(self.font())
        p.setFont(f)
        fm = p.fontMetrics()
        text_w, text_h = fm.horizontalAdvance(self.text()), fm.height()
        if r.width() > 2.4 * r.height():  # wide and low: the microphone beside its words
            h = r.height() * 0.5
            block = h * 0.8 + 16 + text_w
            left = max(r.left() + 12, r.center().x() - block / 2)
            self._draw_mic(p, left + h * 0.4, r.center().y() - h * 0.54, h, ink, on)
            text_rect = QRectF(
                left + h * 0.8 + 16, r.top(), r.right() - left - h * 0.8 - 16, r.height()
            )
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        else:  # the microphone above its words
            h = min(r.height() * 0.42, (r.height() - text_h * 1.3) / 1.25)
            top = r.top() + r.height() * 0.08
            self._draw_mic(p, r.center().x(), top, h, ink, on)
            text_rect = QRectF(r.left(), top + h * 1.15, r.width(), r.bottom() - top - h * 1.15)
            align = Qt.AlignmentFlag.AlignCenter
        p.setPen(ink)
        p.drawText(text_rect, align | Qt.TextFlag.TextWordWrap, self.text())

    @staticmethod
    def _draw_mic(p: QPainter, cx: float, top: float, h: float, ink: QColor, on: bool) -> None:
        from ui.theme import OFF_BG

        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawRoundedRect(QRectF(cx - h * 0.22, top, h * 0.44, h * 0.7), h * 0.22, h * 0.22)
        p.setPen(QPen(ink, max(3.0, h * 0.07)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(cx - h * 0.36, top + h * 0.2, h * 0.72, h * 0.72), 200 * 16, 140 * 16)
        p.drawLine(QPointF(cx, top + h * 0.92), QPointF(cx, top + h * 1.08))
        if not on:  # struck through: off
            a, b = QPointF(cx - h * 0.5, top - h * 0.02), QPointF(cx + h * 0.5, top + h * 1.1)
            p.setPen(QPen(QColor(OFF_BG), max(7.0, h * 0.2)))
            p.drawLine(a, b)
            p.setPen(QPen(ink, max(4.0, h * 0.09)))
            p.drawLine(a, b)


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
        self.setObjectName("keypad")  # keys give a little height where the screen is short
        grid = QGridLayout(self)
        grid.setSpacing(10)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for i, ch in enumerate(letters):
            grid.addWidget(
                button(ch, "key", lambda _=False, c=ch: self.typed.emit(c.lower())), i // 7, i % 7
            )
        grid.addWidget(button(self.tr("退格"), "secondary", self.erased.emit), 3, 5)
        grid.addWidget(button(self.tr("清空"), "secondary", self.cleared.emit), 3, 6)
        _keys_fill(self)


class NumericKeypad(QWidget):
    typed = Signal(str)
    erased = Signal()
    confirmed = Signal()

    def __init__(self, extra: str = "") -> None:
        super().__init__()
        self.setObjectName("keypad")
        grid = QGridLayout(self)
        grid.setSpacing(10)
        for i, d in enumerate("123456789"):
            grid.addWidget(button(d, "key", lambda _=False, c=d: self.typed.emit(c)), i // 3, i % 3)
        grid.addWidget(
            button(
                extra or self.tr("退格"),
                "secondary",
                (lambda: self.typed.emit(extra)) if extra else self.erased.emit,
            ),
            3,
            0,
        )
        grid.addWidget(button("0", "key", lambda: self.typed.emit("0")), 3, 1)
        grid.addWidget(button(self.tr("确定"), "", self.confirmed.emit), 3, 2)
        if extra:
            grid.addWidget(button(self.tr("退格"), "secondary", self.erased.emit), 4, 0, 1, 3)
        _keys_fill(self)


def _keys_fill(pad: QWidget) -> None:
    """Keys share the height the screen gives the keypad (between the stylesheet's bounds)."""
    for b in pad.findChildren(QPushButton):
        b.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)


# {y} {m} {d} {mon} (English month) {hm}; translated like any other words, so the clock
# follows a language switch at its next tick
DATE_FORMAT = QT_TRANSLATE_NOOP("Header", "{y}年{m}月{d}日 {hm}")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(t: datetime, tr=lambda s: s) -> str:
    return tr(DATE_FORMAT).format(
        y=t.year, m=t.month, d=t.day, mon=MONTHS[t.month - 1], hm=t.strftime("%H:%M")
    )


class Header(QFrame):
    """Terminal name, clock, and network / printer / voice status in words and symbols."""

    def __init__(self, terminal_name: str, timezone: str = "Asia/Shanghai") -> None:
        super().__init__()
        self.setObjectName("header")
        self.set_timezone(timezone)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(24, 8, 24, 8)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(4)
        self.name = label(terminal_name, "headerTitle", wrap=False)
        self.status = label("", wrap=False)
        self.clock = label("", wrap=False)
        for lab in (self.name, self.status, self.clock):
            # the header never widens the window: when one row is too narrow, it takes two
            lab.setMinimumWidth(1)
        self.grid.setColumnStretch(1, 1)
        self.rows = 0
        self._arrange()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self._update_clock()
        self.set_status(network=True, printer="ok", voice="off")

    def _arrange(self) -> None:
        """Name, status and clock on one row when they fit, else status on a second row."""
        spacing = self.grid.horizontalSpacing() * 3 + 48
        wide = sum(x.sizeHint().width() for x in (self.name, self.status, self.clock)) + spacing
        rows = 1 if self.width() >= wide else 2
        if rows == self.rows:
            return
        self.rows = rows
        for lab in (self.name, self.status, self.clock):
            self.grid.removeWidget(lab)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.grid.addWidget(self.name, 0, 0)
        self.grid.addWidget(self.clock, 0, 3, right)
        if rows == 1:
            self.grid.addWidget(self.status, 0, 2, right)
        else:
            self.grid.addWidget(self.status, 1, 0, 1, 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def set_timezone(self, name: str) -> None:
        """The terminal's local time (config ``timezone``), whatever zone the machine runs in."""
        from kiosk.clock import DEFAULT_TZ, zone

        try:
            self.zone = zone(name)
        except ValueError:
            import logging

            logging.getLogger(__name__).warning("unknown timezone %r; using %s", name, DEFAULT_TZ)
            self.zone = zone(DEFAULT_TZ)
        if hasattr(self, "clock"):
            self._update_clock()

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def _update_clock(self) -> None:
        self.clock.setText(format_date(self.now(), self.tr))

    def set_status(self, *, network: bool, printer: str, voice: str) -> None:
        parts = [
            self.tr("● 网络正常") if network else self.tr("✖ 网络中断"),
            {
                "ok": self.tr("● 打印正常"),
                "low": self.tr("▲ 纸张不多"),
                "out": self.tr("✖ 打印机缺纸"),
                "file": self.tr("● 演示：打印存为文件"),
            }.get(printer, self.tr("✖ 打印机故障")),
            {"ready": self.tr("● 语音可用"), "loading": self.tr("… 语音准备中")}.get(
                voice, self.tr("– 语音未开启")
            ),
        ]
        self.status.setText("   ".join(parts))
        self._arrange()


class Card(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(28, 22, 28, 22)
        self.box.setSpacing(12)


CHIME_RATE = 22_050


def chime_samples(seconds: float = 0.5):
    """Two soft rising tones (660 Hz then 880 Hz), faded in and out: noticeable, not alarming."""
    import numpy as np

    n = int(CHIME_RATE * seconds / 2)
    t = np.arange(n) / CHIME_RATE
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.03)
    tones = [0.35 * np.sin(2 * np.pi * f * t) * fade for f in (660, 880)]
    return np.concatenate(tones).astype(np.float32)


def chime() -> str:
    """Sound the attention chime without blocking the UI thread: through the sound card when
    there is one (sounddevice, on a worker thread), else the platform beep. Returns which way
    ("device" or "beep"); a kiosk without speakers stays silent, never fails."""
    try:
        import sounddevice as sd

        sd.query_devices(kind="output")  # raises when there is no output device
    except Exception:  # no PortAudio, no device: the system beep is all there is
        from PySide6.QtWidgets import QApplication

        QApplication.beep()
        return "beep"
    import threading

    def play() -> None:
        try:
            sd.play(chime_samples(), CHIME_RATE, blocking=True)
        except Exception as exc:  # a busy or vanished device: silence, logged
            import logging

            logging.getLogger(__name__).info("chime not played: %s", exc)

    threading.Thread(target=play, name="chime", daemon=True).start()
    return "device"
