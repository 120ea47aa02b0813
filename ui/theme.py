"""Sizes and colours for normal and elder (长辈模式) modes, and the stylesheet built from them.

Colours meet WCAG AA (contrast >= 4.5:1) against their backgrounds; meaning is never carried by
colour alone (every state also has words or an icon).
"""

from __future__ import annotations

from dataclasses import dataclass

INK = "#1a1a1a"  # on PAPER: 16.5:1
PAPER = "#f4f6fa"
PRIMARY = "#0d47a1"  # white on it: 9.3:1
PRIMARY_DOWN = "#08306b"
ACCENT = "#b3261e"  # white on it: 6.6:1 (errors, stop)
OK = "#1b5e20"  # white on it: 7.9:1
MUTED = "#4a4f57"  # on PAPER: 7.6:1
CARD = "#ffffff"


@dataclass(frozen=True)
class Theme:
    elder: bool = False

    @property
    def body(self) -> int:
        return 34 if self.elder else 26

    @property
    def title(self) -> int:
        return 54 if self.elder else 42

    @property
    def small(self) -> int:
        return 28 if self.elder else 22

    @property
    def target(self) -> int:
        return 96 if self.elder else 72

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
        #header QLabel {{ color: white; font-size: {s}px; }}
        #headerTitle {{ font-size: {s + 4}px; font-weight: bold; }}
        #title {{ font-size: {t}px; font-weight: bold; }}
        #hint {{ color: {MUTED}; font-size: {s}px; }}
        #error {{ color: {ACCENT}; font-size: {b}px; }}
        QPushButton {{ background: {PRIMARY}; color: white; border: none; border-radius: 14px;
                       padding: 10px 22px; min-height: {h}px; min-width: {h}px; }}
        QPushButton:pressed {{ background: {PRIMARY_DOWN}; }}
        QPushButton:disabled {{ background: #8a94a6; color: #ffffff; }}
        QPushButton#secondary {{ background: {CARD}; color: {PRIMARY};
                                  border: 3px solid {PRIMARY}; }}
        QPushButton#secondary:disabled {{ color: #6b7280; border-color: #c5cbd6;
                                           background: #eceff3; }}
        QPushButton#danger {{ background: {ACCENT}; }}
        QPushButton#tile {{ font-size: {b + 2}px; padding: 4px; min-height: {h + 20}px; }}
        QPushButton#tile:pressed {{ background: #dde6f5; }}
        QPushButton#key {{ font-size: {b + 6}px; min-width: {h}px; padding: 4px; }}
        #card #title {{ font-size: {b + 6}px; }}
        #card {{ background: {CARD}; border: 2px solid #c5cbd6; border-radius: 18px; }}
        #paper {{ background: white; border: 1px solid #9aa3b2; }}
        QListWidget {{ background: {CARD}; border: 2px solid #c5cbd6; border-radius: 14px; }}
        QListWidget::item {{ min-height: {h}px; padding: 8px 16px;
                             border-bottom: 1px solid #dde1e8; }}
        QListWidget::item:selected {{ background: #dde6f5; color: {INK}; }}
        QTableWidget {{ background: {CARD}; font-size: {s}px; gridline-color: #c5cbd6; }}
        QHeaderView::section {{ background: #e3e8f0; font-size: {s}px; padding: 8px;
                                border: 1px solid #c5cbd6; }}
        QLineEdit {{ background: white; border: 3px solid {PRIMARY}; border-radius: 12px;
                     padding: 8px 14px; font-size: {b + 6}px; min-height: {h - 10}px; }}
        #overlay {{ background: rgba(0, 0, 0, 150); }}
        #dialog {{ background: {CARD}; border-radius: 22px; }}
        QScrollBar:vertical {{ width: 28px; }}
        """
