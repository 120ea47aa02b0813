"""Where the kiosk finds its bundled files, in a source checkout and in a PyInstaller build."""

from __future__ import annotations

import sys
from pathlib import Path

# PyInstaller one-folder builds unpack data beside the executable under sys._MEIPASS.
ROOT = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
ASSETS = ROOT / "assets"
