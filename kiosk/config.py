"""The terminal's one configuration file (TOML). Every key has a default fit for demo mode.

```toml
[terminal]
name = "文峰区政务服务中心 01号机"
id = "demo-terminal-01"
secret_file = "/etc/zhengwu-kiosk/secret"   # issued by the backend; never in this file

[backend]
url = "https://kiosk-gw.example.gov.cn"

[idle]
personal_s = 60     # screens that show personal data
general_s = 120
countdown_s = 10
attract_s = 300

[admin]
pin_hash = "scrypt$..."   # `kiosk admin set-pin`

[printing]
queue = "KioskPDF"        # CUPS queue; empty: the file outbox
receipt = "none"          # network:HOST[:PORT] | usb:VID:PID | serial:DEV[:BAUD] | none
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from kiosk.catalog import DEMO_CATALOG


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zhengwu-kiosk"


@dataclass
class Config:
    terminal_name: str = "演示终端 · 文峰区政务服务中心"
    terminal_id: str = "demo-terminal-01"
    secret: str = ""
    backend_url: str = ""  # empty: demo mode starts the reference backend in-process
    catalog: Path = DEMO_CATALOG
    data_dir: Path = field(default_factory=default_data_dir)
    idle_personal_s: int = 60
    idle_general_s: int = 120
    idle_countdown_s: int = 10
    attract_s: int = 300
    admin_pin_hash: str = ""  # empty: the demo PIN 123456
    printer_queue: str = ""  # empty: write PDFs to the outbox
    receipt_printer: str = "none"
    voice_model: Path | None = None
    demo: bool = True
    lang: str = "zh_CN"
    elder: bool = False


class ConfigError(Exception):
    pass


_KEYS = {
    ("terminal", "name"): "terminal_name",
    ("terminal", "id"): "terminal_id",
    ("backend", "url"): "backend_url",
    ("catalog", "path"): "catalog",
    ("data", "dir"): "data_dir",
    ("idle", "personal_s"): "idle_personal_s",
    ("idle", "general_s"): "idle_general_s",
    ("idle", "countdown_s"): "idle_countdown_s",
    ("idle", "attract_s"): "attract_s",
    ("admin", "pin_hash"): "admin_pin_hash",
    ("printing", "queue"): "printer_queue",
    ("printing", "receipt"): "receipt_printer",
    ("voice", "model"): "voice_model",
    ("ui", "lang"): "lang",
    ("ui", "elder"): "elder",
}


def load_config(path: Path | None) -> Config:
    cfg = Config()
    if path is None:
        return cfg
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: {exc}") from None
    types = {f.name: f.type for f in fields(Config)}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"config {path}: [{section}] must be a table")
        for key, value in table.items():
            if (section, key) == ("terminal", "secret_file"):
                try:
                    cfg.secret = Path(value).read_text(encoding="utf-8").strip()
                except OSError as exc:
                    raise ConfigError(f"config {path}: secret_file: {exc}") from None
                continue
            name = _KEYS.get((section, key))
            if name is None:
                raise ConfigError(f"config {path}: unknown key {section}.{key}")
            if "Path" in str(types[name]):
                value = Path(value)
            elif "int" in str(types[name]) and not isinstance(value, int):
                raise ConfigError(f"config {path}: {section}.{key} must be a whole number")
            setattr(cfg, name, value)
    cfg.demo = not cfg.backend_url
    return cfg
