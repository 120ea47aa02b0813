"""Layout templates for printed documents (assets/print/layout.json) and the bundled CJK font."""

from __future__ import annotations

import json
import threading
from functools import cache
from typing import Any

from kiosk.paths import ASSETS

_lock = threading.Lock()
_registered = False


@cache
def layout() -> dict[str, Any]:
    return json.loads((ASSETS / "print" / "layout.json").read_text(encoding="utf-8"))


def font_name() -> str:
    """Register the bundled CJK TrueType font with reportlab, once per process."""
    global _registered
    name = layout()["font"]["name"]
    if _registered:
        return name
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            # reportlab embeds a TrueType font as a subset of the glyphs used
            spec = layout()["font"]
            font = TTFont(name, str(ASSETS / spec["file"]), subfontIndex=spec.get("subfont", 0))
            pdfmetrics.registerFont(font)
            _registered = True
    return name
