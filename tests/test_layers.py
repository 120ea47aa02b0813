"""The core (`kiosk/`) stands alone: it imports no Qt and nothing from the layers above it
(`ui/`, `voice/`, `printing/`, and the composition root `app/`), not even lazily."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ABOVE = {"ui", "voice", "printing", "app", "PySide6", "shiboken6"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def test_core_imports_nothing_above_it():
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & ABOVE)
        for p in sorted((ROOT / "kiosk").rglob("*.py"))
        if imported_roots(p) & ABOVE
    }
    assert offenders == {}


def test_the_check_sees_a_lazy_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from printing.printers import CupsPrinter\n", encoding="utf-8")
    assert imported_roots(f) & ABOVE == {"printing"}
