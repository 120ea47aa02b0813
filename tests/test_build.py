"""scripts/build: the PyInstaller one-folder build, and the built kiosk working on its own.

About a minute on this machine (docs/deploy.md): it runs in every scripts/test run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    env = dict(os.environ)
    if not shutil.which("uv"):  # scripts/setup installs uv here
        env["PATH"] = f"{Path.home() / '.local' / 'bin'}{os.pathsep}{env['PATH']}"
    p = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build"), "--no-setup", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    exe = out / "dist" / "kiosk" / "kiosk"
    assert exe.is_file()
    return exe, out


def run_built(exe: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    # outside the checkout, without the venv: only what the folder carries
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["XDG_DATA_HOME"] = str(tmp / "data")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(exe), *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=300
    )


def test_built_kiosk_selfcheck(built):
    exe, out = built
    p = run_built(exe, out, "selfcheck", "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    checks = {c["name"]: c for c in json.loads(p.stdout)}
    assert checks["catalog"]["status"] == "ok"
    # the ID reader check runs the bundled driver (pyserial) against the simulated reader's pty
    assert checks["id reader"]["status"] == "ok", checks["id reader"]
    assert "security module answers" in checks["id reader"]["detail"]
    assert checks["data folder"]["status"] == "ok"


def test_built_kiosk_search(built):
    exe, out = built
    p = run_built(exe, out, "search", "--json", "--top", "3", "贫困 证明")
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout)
    assert answer["matched"] is True
    assert answer["results"][0]["id"] == "mz-001"  # 困难群众证明开具, as from the source tree


def test_built_folder_carries_the_console_pages(built):
    """The reference backend serves the admin console from its templates and style sheet."""
    _exe, out = built
    folder = out / "dist" / "kiosk"
    for name in ("templates/base.html", "templates/terminals.html", "static/console.css"):
        assert list(folder.rglob(f"kiosk/backend/console/{name}")), name
