"""deploy/: the systemd units verify, the scripts parse, lockdown writes what it promises, the
session launcher hands the watchdog to the kiosk."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = ["zhengwu-kiosk.service", "zhengwu-kiosk-x.service"]


def unit(name: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out.setdefault(k, []).append(v)
    return out


@pytest.mark.parametrize("name", UNITS)
def test_units_restart_always_under_a_watchdog(name):
    u = unit(name)
    assert u["Restart"] == ["always"] and u["Type"] == ["notify"]
    assert u["NotifyAccess"] == ["all"]  # the kiosk is the session's child
    assert int(u["WatchdogSec"][0]) >= 20  # the UI thread pings at half of it
    assert u["StartLimitIntervalSec"] == ["0"]  # never gives up restarting
    launcher = Path(u["ExecStart"][0])
    assert (DEPLOY / "bin" / launcher.name).is_file()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
@pytest.mark.parametrize("name", UNITS)
def test_units_verify(tmp_path, name):
    # systemd's own parser: unknown keys and bad values come back as messages
    text = (DEPLOY / name).read_text(encoding="utf-8")
    (tmp_path / name).write_text(text.replace("/opt/zhengwu-kiosk/bin/", f"{DEPLOY}/bin/"))
    p = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True
    )
    assert p.returncode == 0 and p.stderr.strip() == "", p.stderr


def test_scripts_parse():
    for script in [
        *sorted((DEPLOY / "bin").iterdir()),
        DEPLOY / "lockdown.sh",
        DEPLOY / "install.sh",
    ]:
        assert os.access(script, os.X_OK), script
        p = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert p.returncode == 0, (script, p.stderr)


def test_cage_session_refuses_vt_switching():
    text = (DEPLOY / "bin" / "kiosk-cage").read_text()
    command = next(line for line in text.splitlines() if line.startswith("exec cage"))
    assert " -s" not in command  # cage allows VT switching only with -s


def test_lockdown_writes_the_policy(tmp_path):
    p = subprocess.run(
        [
            "bash",
            str(DEPLOY / "lockdown.sh"),
            "--root",
            str(tmp_path),
            "--id-reader-usb",
            "1a86:7523",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    xorg = (tmp_path / "etc/X11/xorg.conf.d/10-zhengwu-kiosk.conf").read_text()
    for flag in ("DontVTSwitch", "DontZap", '"BlankTime"    "0"', '"DPMS" "false"'):
        assert flag in xorg
    logind = (tmp_path / "etc/systemd/logind.conf.d/90-zhengwu-kiosk.conf").read_text()
    assert "NAutoVTs=0" in logind and "HandlePowerKey=ignore" in logind
    assert "kernel.sysrq = 0" in (tmp_path / "etc/sysctl.d/90-zhengwu-kiosk.conf").read_text()
    grub = (tmp_path / "etc/default/grub.d/90-zhengwu-kiosk.cfg").read_text()
    assert "consoleblank=0" in grub and "vt.global_cursor_default=0" in grub
    rule = (tmp_path / "etc/udev/rules.d/60-zhengwu-idreader.rules").read_text()
    assert 'ATTRS{idVendor}=="1a86"' in rule and 'SYMLINK+="idreader"' in rule
    assert "would run: systemctl mask ctrl-alt-del.target" in p.stdout
    bad = subprocess.run(
        ["bash", str(DEPLOY / "lockdown.sh"), "--root", str(tmp_path), "--id-reader-usb", "ch340"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "VID:PID" in bad.stderr


def test_launcher_hands_the_watchdog_to_the_kiosk(tmp_path):
    # a stand-in kiosk binary that reports what it was started with
    app = tmp_path / "app"
    app.mkdir()
    (app / "kiosk").write_text('#!/bin/sh\necho "args=$*"\necho "pid=${WATCHDOG_PID-unset}"\n')
    (app / "kiosk").chmod(0o755)
    env = dict(os.environ, KIOSK_APP=str(app), WATCHDOG_PID="1", WATCHDOG_USEC="30000000")
    env["KIOSK_CONFIG"] = "/etc/zhengwu-kiosk/kiosk.toml"
    p = subprocess.run(
        [str(DEPLOY / "bin" / "kiosk-run")], env=env, capture_output=True, text=True, check=True
    )
    assert "args=--config /etc/zhengwu-kiosk/kiosk.toml" in p.stdout
    assert "pid=unset" in p.stdout  # else the kiosk, a child, would think the pings not its own


def test_windows_loop_restarts_and_watches_the_ui():
    # (no PowerShell here to run it: the loop's parts are checked as text)
    text = (DEPLOY / "windows" / "kiosk-loop.ps1").read_bytes()
    assert b"\r\n" in text and text.isascii()  # Windows PowerShell 5.1 reads ANSI
    script = text.decode()
    assert "while ($true)" in script and "Start-Process" in script
    assert "$env:KIOSK_WATCHDOG_FILE = $Beat" in script  # the name kiosk/watchdog.py reads
    assert "Stop-Process" in script and "LastWriteTime" in script
    task = (DEPLOY / "windows" / "install-autostart.ps1").read_text()
    assert '"kiosk-loop.ps1"' in task and "-AtLogOn" in task
