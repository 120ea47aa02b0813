"""Sizes and colours for normal and elder (长辈模式) modes, and the stylesheet built from them.

Every text colour meets WCAG AA (contrast >= 4.5:1) against the background it is drawn on,
placeholders and disabled buttons included: ``PAIRS`` lists them and tests/test_ui_look.py
checks each, and the rendered pixels of the real widgets. Meaning is never carried by colour
alone (every state also has words or an icon; a chosen option carries a tick).
"""

from __future__ import annotations

from dataclasses import dataclass

INK = "#1a1a1a"
PAPER = "#f4f6fa"
PRIMARY = "#0d47a1"
PRIMARY_DOWN = "#08306b"
ACCENT = "#b3261e"  # errors, stop
OK = "#1b5e20"
MUTED = "#4a4f57"  # hints, placeholders, disabled words
CARD = "#ffffff"
OFF_BG = "#e6e9ee"  # disabled buttons, voice off: light grey, not a paler blue
LINE = "#c5cbd6"  # frames (not text)
PRESSED = "#dde6f5"
TABLE_HEAD = "#e3e8f0"
OK_TINT = "#e8f3e9"
ERROR_TINT = "#fcebea"
INFO_TINT = "#e7eef9"
OVERLAY = "#20262e"  # opaque: nothing personal shows through the idle countdown
SCROLL_HANDLE = "#6b7380"  # a scroll bar's handle, plainly visible on its light track (3:1)
NON_TEXT = {OVERLAY, SCROLL_HANDLE}  # backgrounds no text is drawn on

# (text, background, where): every text colour the stylesheet or a drawn widget puts on a
# background. tests/test_ui_look.py requires 4.5:1 for each.
PAIRS = [
    (INK, PAPER, "body text on the screen"),
    (INK, CARD, "body text on cards, lists, fields, dialogs"),
    (MUTED, PAPER, "hints"),
    (MUTED, CARD, "hints on cards, placeholders"),
    (MUTED, OFF_BG, "disabled buttons, voice off"),
    (ACCENT, PAPER, "error words"),
    (ACCENT, CARD, "error words on cards"),
    ("#ffffff", PRIMARY, "buttons, header, chosen option"),
    ("#ffffff", PRIMARY_DOWN, "pressed buttons"),
    ("#ffffff", ACCENT, "danger buttons"),
    ("#ffffff", OK, "outcome icon"),
    (PRIMARY, CARD, "secondary buttons"),
    (PRIMARY, PRESSED, "pressed secondary buttons"),
    (INK, PRESSED, "selected list row, pressed tile"),
    (INK, TABLE_HEAD, "table headers"),
    (INK, OK_TINT, "success outcome"),
    (INK, ERROR_TINT, "error outcome"),
    (INK, INFO_TINT, "information outcome"),
]


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Theme:
    elder: bool = False

    @property
    def body(self) -> int:
        return 34 if self.elder else 26

    @property
    def title(self) -> int:
        return 48 if self.elder else 40

    @property
    def small(self) -> int:
        return 28 if self.elder else 23

    @property
    def target(self) -> int:
        return 92 if self.elder else 72

    @property
    def columns(self) -> int:
        """Category tiles per row; fewer, larger items in elder mode."""
        return 3 if self.elder else 4

    def stylesheet(self) -> str:
        b, t, s, h = self.body, self.title, self.small, self.target
        return f"""
        QWidget {{ font-family: "WenQuanYi Micro Hei"; font-size: {b}px; color: {INK}; }}
        QMainWindow, #screen {{ background: {PAPER}; }}
        QLabel {{ line-height: 140%; }}
        #header {{ background: {PRIMARY}; }}
        #header QLabel {{ color: #ffffff; font-size: {s}px; }}
        #headerTitle {{ font-size: {s + 4}px; font-weight: bold; }}
        #title {{ font-size: {t}px; font-weight: bold; }}
        #hint {{ color: {MUTED}; font-size: {s}px; }}
        #fieldLabel {{ font-size: {b}px; font-weight: bold; }}
        #error {{ color: {ACCENT}; font-size: {b}px; }}
        #outcome {{ border-radius: 14px; border: 3px solid {PRIMARY}; background: {INFO_TINT}; }}
        #outcome[kind="ok"] {{ border-color: {OK}; background: {OK_TINT}; }}
        #outcome[kind="error"] {{ border-color: {ACCENT}; background: {ERROR_TINT}; }}
        #outcomeText {{ font-size: {b + 2}px; font-weight: bold; color: {INK}; }}
        QPushButton {{ background: {PRIMARY}; color: #ffffff; border: none; border-radius: 14px;
                       padding: 4px 18px; min-height: {h}px; }}
        QPushButton:pressed {{ background: {PRIMARY_DOWN}; }}
        QPushButton:disabled {{ background: {OFF_BG}; color: {MUTED};
                                border: 3px dashed {MUTED}; }}
        QPushButton#secondary, QPushButton#choice {{ background: {CARD}; color: {PRIMARY};
                                  border: 3px solid {PRIMARY}; }}
        QPushButton#secondary:pressed, QPushButton#choice:pressed {{ background: {PRESSED}; }}
        QPushButton#choice:checked {{ background: {PRIMARY}; color: #ffffff;
                                      border: 6px solid {PRIMARY_DOWN}; font-weight: bold; }}
        QPushButton#secondary:disabled, QPushButton#choice:disabled {{ color: {MUTED};
                                  border: 3px dashed {MUTED}; background: {OFF_BG}; }}
        QPushButton#danger {{ background: {ACCENT}; }}
        QPushButton#tile {{ font-size: {b + 2}px; padding: 4px; min-height: {h}px; }}
        QPushButton#tile:pressed {{ background: {PRESSED}; }}
        QPushButton#key {{ font-size: {b + 6}px; min-width: {h}px; padding: 4px; }}
        QPushButton#tile, QPushButton#mic {{ min-width: {h}px; }}
        #keypad QPushButton {{ min-height: {h - 14}px; max-height: {h * 2}px; }}
        #card #title {{ font-size: {b + 6}px; }}
        #card {{ background: {CARD}; border: 2px solid {LINE}; border-radius: 18px; }}
        #paper {{ background: #ffffff; border: 1px solid #9aa3b2; }}
        QListWidget {{ background: {CARD}; border: 2px solid {LINE}; border-radius: 14px; }}
        QListWidget::item {{ min-height: {h}px; padding: 8px 16px;
                             border-bottom: 1px solid #dde1e8; }}
        QListWidget::item:selected {{ background: {PRESSED}; color: {INK}; }}
        QTableWidget {{ background: {CARD}; font-size: {s}px; gridline-color: {LINE}; }}
        QHeaderView::section {{ background: {TABLE_HEAD}; color: {INK}; font-size: {s}px;
                                padding: 8px; border: 1px solid {LINE}; }}
        QLineEdit {{ background: #ffffff; color: {INK}; border: 3px solid {PRIMARY};
                     border-radius: 12px; padding: 6px 14px; font-size: {b + 6}px;
                     min-height: {h - 14}px; placeholder-text-color: {MUTED}; }}
        QScrollArea {{ background: transparent; }}
        #overlay {{ background: {OVERLAY}; }}
        #dialog {{ background: {CARD}; border-radius: 22px; }}
        #countdown {{ font-size: {t * 3}px; font-weight: bold; color: {INK}; }}
        QScrollBar:vertical {{ width: 30px; background: {OFF_BG}; border-radius: 15px; }}
        QScrollBar:horizontal {{ height: 30px; background: {OFF_BG}; border-radius: 15px; }}
        QScrollBar::handle {{ background: {SCROLL_HANDLE}; border-radius: 13px; margin: 2px;
                              min-height: 80px; min-width: 80px; }}
        QScrollBar::add-line, QScrollBar::sub-line {{ height: 0px; width: 0px; }}
        QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
        """
