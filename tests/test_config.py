"""The terminal's config file (strict), the admin PIN and `kiosk admin set-pin`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.admin import LOCK_S, PinGate, check_pin, hash_pin
from kiosk.config import Config, ConfigError, load_config, start_problems

ROOT = Path(__file__).resolve().parent.parent


def _example(tmp_path: Path, secret_mode: int = 0o600) -> Path:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(secret_mode)
    text = (ROOT / "docs" / "kiosk.example.toml").read_text(encoding="utf-8")
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(text.replace("/etc/zhengwu-kiosk/secret", str(secret)), encoding="utf-8")
    return cfg_path


def test_example_config_loads(tmp_path):
    cfg = load_config(_example(tmp_path))
    assert cfg.terminal_id == "wf-zwzx-01" and cfg.secret == "s3cret" and not cfg.demo
    assert cfg.idle_personal_s == 60 and cfg.receipt_printer.startswith("network:")
    assert isinstance(cfg.voice_model, Path) and isinstance(cfg.data_dir, Path)
    assert cfg.elder is False and cfg.timezone == "Asia/Shanghai" and cfg.log_level == "INFO"
    assert cfg.region == "河南省安阳市文峰区"
    assert cfg.id_reader.startswith("serial:") and cfg.hotline and cfg.heartbeat_s == 60
    # the example ships without a PIN hash: a terminal built from it refuses to start
    assert any("kiosk admin set-pin" in p for p in start_problems(cfg))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[terminal]\nnmae = 'x'\n", "unknown key terminal.nmae"),
        ("[idle]\npersonal_s = 'soon'\n", "idle.personal_s: expected a whole number, got 'soon'"),
        ("terminal = 3\n", "terminal must be a table"),
        ("[terminal\n", "config"),
        ('[ui]\nelder = "no"\n', "ui.elder: expected true or false"),
        ("[ui]\nelder = 1\n", "ui.elder: expected true or false"),
        ("[idle]\npersonal_s = true\n", "idle.personal_s: expected a whole number"),
        ("[idle]\npersonal_s = 1.5\n", "idle.personal_s: expected a whole number"),
        ("[idle]\npersonal_s = -3\n", "idle.personal_s: Input should be greater than 0"),
        ("[ui]\nhot_matters = 'a,b'\n", "ui.hot_matters: expected a list of strings"),
        ("[ui]\nlang = 'fr'\n", "ui.lang: Input should be 'zh_CN' or 'en_US'"),
        ("[terminal]\ntimezone = 'Mars/Olympus'\n", "terminal.timezone: unknown time zone"),
        ("[logging]\nlevel = 'chatty'\n", "logging.level"),
        ("[printing]\nreceipt = 'lpt1'\n", "printing.receipt: expected network:HOST"),
        ("[admin]\npin_hash = '123456'\n", "admin.pin_hash: expected a hash written by"),
        ("[backend]\nurl = 'ftp://x'\n", "backend.url: expected an http:// or https://"),
        ("[sound]\nvolume = 3\n", "unknown section [sound]"),
    ],
)
def test_bad_config_is_named(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config .*bad\.toml") as exc:
        load_config(path)
    assert needle in str(exc.value)


def test_every_mistake_is_reported_at_once(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[ui]\nelder = 'no'\nlang = 3\n[idle]\ngeneral_s = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert sorted(p.split(":")[0] for p in exc.value.problems) == [
        "idle.general_s",
        "ui.elder",
        "ui.lang",
    ]
    assert "\n" not in str(exc.value)  # one line for the technician's terminal


def test_no_config_is_demo():
    cfg = load_config(None)
    assert cfg.demo and start_problems(cfg) == []


def test_config_keeps_attribute_access():
    cfg = Config(idle_personal_s=30, demo=False)
    cfg.idle_countdown_s = 5  # screens and tests adjust it in place
    assert (cfg.idle_personal_s, cfg.idle_countdown_s, cfg.demo) == (30, 5, False)
    with pytest.raises(ValueError):
        Config(idle_persnal_s=30)  # a typo in code is as wrong as a typo in the file


def test_relative_paths_follow_the_config_file(tmp_path):
    (tmp_path / "etc").mkdir()
    path = tmp_path / "etc" / "kiosk.toml"
    path.write_text('[data]\ndir = "../var"\n[catalog]\npath = "c.json"\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.data_dir.resolve() == (tmp_path / "var").resolve()
    assert cfg.catalog == tmp_path / "etc" / "c.json"


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_secret_readable_by_others_is_refused(tmp_path, mode):
    with pytest.raises(ConfigError, match=r"readable by other users \(mode 0[0-7]{3}\).*chmod 600"):
        load_config(_example(tmp_path, secret_mode=mode))


def test_empty_secret_is_refused(tmp_path):
    path = _example(tmp_path)
    (tmp_path / "secret").write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        load_config(path)


def _run_kiosk(*args: str, stdin: str = "", env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        cwd=ROOT,
    )


def test_start_refused_without_pin_then_set_pin_writes_it(tmp_path):
    cfg_path = _example(tmp_path)
    before = cfg_path.read_text(encoding="utf-8")
    p = _run_kiosk("--config", str(cfg_path))
    assert p.returncode == 2 and "no admin PIN is set" in p.stderr
    assert f"kiosk admin set-pin --config {cfg_path}" in p.stderr

    p = _run_kiosk("admin", "set-pin", "--config", str(cfg_path), stdin="123456\n")
    assert p.returncode == 2 and "demo PIN" in p.stderr  # the demo PIN is no terminal's PIN
    p = _run_kiosk("admin", "set-pin", "--config", str(cfg_path), stdin="12ab\n")
    assert p.returncode == 2 and "6 to 12 digits" in p.stderr
    assert cfg_path.read_text(encoding="utf-8") == before

    p = _run_kiosk("admin", "set-pin", "--config", str(cfg_path), stdin="480213\n")
    assert p.returncode == 0, p.stderr
    cfg = load_config(cfg_path)
    assert check_pin("480213", cfg.admin_pin_hash) and "480213" not in cfg_path.read_text()
    assert start_problems(cfg) == []
    # the rest of the file is as the technician wrote it, comments included
    after = cfg_path.read_text(encoding="utf-8").splitlines()
    added = [x for x in after if x.startswith("pin_hash = ")]
    assert len(added) == 1 and [x for x in after if x not in added] == before.splitlines()
    assert (cfg_path.stat().st_mode & 0o777) == (tmp_path / "kiosk.toml").stat().st_mode & 0o777


def test_set_pin_on_a_file_without_admin_section(tmp_path):
    from kiosk.admin import set_pin

    path = tmp_path / "k.toml"
    path.write_text('[terminal]\nid = "t1"\n\n[ui]\nelder = true\n', encoding="utf-8")
    first = set_pin(path, "975310")
    second = set_pin(path, "864209")
    text = path.read_text(encoding="utf-8")
    assert text.count("pin_hash") == 1 and first not in text and second in text
    cfg = load_config(path)
    assert cfg.elder is True and cfg.terminal_id == "t1" and check_pin("864209", cfg.admin_pin_hash)


def test_voice_install_model_honours_config(tmp_path):
    import zipfile

    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as z:  # the installer checks the layout, not the weights
        for d in ("am", "conf", "graph", "ivector"):
            z.writestr(f"m/{d}/README", "x")
    data = tmp_path / "data"
    path = tmp_path / "k.toml"
    path.write_text(f'[data]\ndir = "{data}"\n', encoding="utf-8")
    p = _run_kiosk("voice", "install-model", str(archive), "--config", str(path))
    assert p.returncode == 0, p.stderr
    assert (data / "voice-model" / "am" / "README").is_file()


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


def test_demo_pin_only_in_demo_mode():
    assert PinGate("").try_pin("123456")
    assert not PinGate("", demo=False).try_pin("123456")
