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
    hot_matters: list[str] = field(default_factory=list)  # matter ids on home; empty: by catalog
    timezone: str = "Asia/Shanghai"  # on screen and on paper, whatever the machine's clock zone
    # devices: "" picks the mode's default (simulated in demo mode, none outside it)
    id_reader: str = ""  # serial:PORT[:BAUD] | simulated | none
    card_writer: str = ""  # simulated | none (a real IC-card writer driver: not yet)
    barcode_scanner: str = ""  # keyboard (HID wedge) | none
    help_text: str = "请到大厅服务台找工作人员，或按墙上的呼叫铃"  # the 求助 button's words
    hotline: str = ""  # technician / service hotline shown on 求助 and out-of-service screens
    log_level: str = "INFO"
    heartbeat_s: int = 60
    catalog_poll_s: int = 300


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
    ("ui", "hot_matters"): "hot_matters",
    ("terminal", "timezone"): "timezone",
    ("devices", "id_reader"): "id_reader",
    ("devices", "card_writer"): "card_writer",
    ("devices", "barcode_scanner"): "barcode_scanner",
    ("help", "text"): "help_text",
    ("help", "hotline"): "hotline",
    ("logging", "level"): "log_level",
    ("backend", "heartbeat_s"): "heartbeat_s",
    ("catalog", "poll_s"): "catalog_poll_s",
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
