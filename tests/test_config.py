"""The terminal's config file and the admin PIN."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.admin import LOCK_S, PinGate, check_pin, hash_pin
from kiosk.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_loads(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    text = (ROOT / "docs" / "kiosk.example.toml").read_text(encoding="utf-8")
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(text.replace("/etc/zhengwu-kiosk/secret", str(secret)), encoding="utf-8")
    cfg = load_config(cfg_path)
    assert cfg.terminal_id == "wf-zwzx-01" and cfg.secret == "s3cret" and not cfg.demo
    assert cfg.idle_personal_s == 60 and cfg.receipt_printer.startswith("network:")
    assert isinstance(cfg.voice_model, Path)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[terminal]\nnmae = 'x'\n", "unknown key terminal.nmae"),
        ("[idle]\npersonal_s = 'soon'\n", "whole number"),
        ("terminal = 3\n", "must be a table"),
        ("[terminal\n", "config"),
    ],
)
def test_bad_config_is_named(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle):
        load_config(path)


def test_no_config_is_demo():
    assert load_config(None).demo


def test_pin_hash_and_lockout():
    stored = hash_pin("246810")
    assert stored.startswith("scrypt$") and "246810" not in stored
    assert check_pin("246810", stored) and not check_pin("000000", stored)
    assert not check_pin("246810", "garbage")
    now = [0.0]
    gate = PinGate(stored, clock=lambda: now[0])
    for _ in range(4):
        assert not gate.try_pin("1")
    assert gate.locked_for() == 0
    assert not gate.try_pin("1")
    assert gate.locked_for() == LOCK_S
    assert not gate.try_pin("246810")  # right PIN, still locked
    now[0] += LOCK_S
    assert gate.try_pin("246810")
