"""The terminal's one configuration file (TOML), checked strictly. Every key has a default fit
for demo mode; the full list with comments is docs/kiosk.example.toml.

```toml
[terminal]
name = "文峰区政务服务中心 01号机"
id = "wf-zwzx-01"
secret_file = "/etc/zhengwu-kiosk/secret"   # issued by the backend; mode 0600, never in this file
timezone = "Asia/Shanghai"
region = "河南省安阳市文峰区"                # a place a resident names is 跨省 / 省内 from here

[backend]
url = "https://kiosk-gw.example.gov.cn"     # empty or absent: demo mode
heartbeat_s = 60

[admin]
pin_hash = "scrypt$..."                     # `kiosk admin set-pin --config FILE`

[printing]
queue = "KioskPDF"                          # CUPS queue; empty: the file outbox (demo/technician)
receipt = "none"                            # network:HOST[:PORT] | usb:VID:PID | serial:DEV[:BAUD]
```

Decisions: values are taken as written, never coerced (``elder = "no"`` is an error, not a
truthy string); every mistake in the file is reported at once as ``file: section.key: expected
...``; relative paths are relative to the config file's folder; a terminal secret file readable by
group or others is refused. Outside demo mode ``start_problems`` refuses to start without a secret
or an admin PIN hash. Adding a key: one field in its section model and one in ``Config``.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk.catalog import DEMO_CATALOG


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zhengwu-kiosk"


class Config(BaseModel):
    """What the kiosk runs with; attribute access and keyword construction as a dataclass."""

    model_config = ConfigDict(extra="forbid")

    terminal_name: str = "演示终端 · 文峰区政务服务中心"
    terminal_id: str = "demo-terminal-01"
    secret: str = Field(default="", repr=False)
    backend_url: str = ""  # empty: demo mode starts the reference backend in-process
    catalog: Path = DEMO_CATALOG
    data_dir: Path = Field(default_factory=default_data_dir)
    idle_personal_s: int = 60
    idle_general_s: int = 120
    idle_countdown_s: int = 20  # WCAG 2.2.1: at least 20 s to ask for more time
    attract_s: int = 300
    admin_pin_hash: str = ""  # empty: the demo PIN 123456 in demo mode; start refused otherwise
    printer_queue: str = ""  # empty: write PDFs to the outbox
    receipt_printer: str = "none"
    voice_model: Path | None = None
    demo: bool = True
    lang: str = "zh_CN"
    elder: bool = False
    hot_matters: list[str] = Field(default_factory=list)  # matter ids on home; empty: by catalog
    timezone: str = "Asia/Shanghai"  # on screen and on paper, whatever the machine's clock zone
    # where the terminal stands (四川省广安市广安区); empty: what the catalog's names say
    region: str = ""
    # devices: "" picks the mode's default (simulated in demo mode, none outside it)
    id_reader: str = ""  # serial:PORT[:BAUD] | simulated | none
    card_writer: str = ""  # simulated | none (a real IC-card writer driver: not yet)
    barcode_scanner: str = ""  # keyboard (HID wedge) | none
    help_text: str = "请到大厅服务台找工作人员，或按墙上的呼叫铃"  # the 求助 button's words
    hotline: str = ""  # technician / service hotline shown on 求助 and out-of-service screens
    log_level: str = "INFO"
    heartbeat_s: int = 60
    catalog_poll_s: int = 300
    config_file: Path | None = None  # where it was loaded from (messages, `admin set-pin`)


class ConfigError(Exception):
    """A config file that cannot be used; ``problems`` lists each mistake on its own."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


# ----- the file's shape: one strict model per section -----


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _seconds() -> Any:
    return Field(default=None, gt=0, le=86_400)


class _Terminal(_Section):
    name: str | None = None
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,64}$")
    secret_file: str | None = None
    timezone: str | None = None
    region: str | None = Field(default=None, max_length=60)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None:
            from kiosk.clock import zone

            zone(v)  # ValueError names the zone
        return v


class _Backend(_Section):
    url: str | None = Field(default=None, pattern=r"^(https?://\S+)?$")
    heartbeat_s: int | None = Field(default=None, ge=10, le=86_400)


class _Catalog(_Section):
    path: str | None = None
    poll_s: int | None = Field(default=None, ge=10, le=86_400)


class _Data(_Section):
    dir: str | None = None


class _Idle(_Section):
    personal_s: int | None = _seconds()
    general_s: int | None = _seconds()
    countdown_s: int | None = Field(default=None, ge=20, le=300)  # WCAG 2.2.1: >= 20 s
    attract_s: int | None = _seconds()


class _Admin(_Section):
    pin_hash: str | None = Field(default=None, pattern=r"^(scrypt\$[\w+/=]+\$[\w+/=]+)?$")


class _Printing(_Section):
    queue: str | None = Field(default=None, pattern=r"^[^\s/#]*$")  # CUPS queue name rules
    receipt: str | None = Field(
        default=None,
        pattern=r"^(none|network:[^:\s]+(:\d{1,5})?|usb:[\dA-Fa-f]{1,4}:[\dA-Fa-f]{1,4}|serial:\S+)$",
    )


class _Voice(_Section):
    model: str | None = None


class _Ui(_Section):
    lang: Literal["zh_CN", "en_US"] | None = None
    elder: bool | None = None
    hot_matters: list[str] | None = None


class _Devices(_Section):
    id_reader: str | None = None
    card_writer: str | None = None
    barcode_scanner: str | None = None


class _Help(_Section):
    text: str | None = None
    hotline: str | None = None


class _Logging(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = None


class _File(_Section):
    terminal: _Terminal = Field(default_factory=_Terminal)
    backend: _Backend = Field(default_factory=_Backend)
    catalog: _Catalog = Field(default_factory=_Catalog)
    data: _Data = Field(default_factory=_Data)
    idle: _Idle = Field(default_factory=_Idle)
    admin: _Admin = Field(default_factory=_Admin)
    printing: _Printing = Field(default_factory=_Printing)
    voice: _Voice = Field(default_factory=_Voice)
    ui: _Ui = Field(default_factory=_Ui)
    devices: _Devices = Field(default_factory=_Devices)
    help: _Help = Field(default_factory=_Help)
    logging: _Logging = Field(default_factory=_Logging)


# (section, key) -> Config attribute; secret_file is read, not copied
_KEYS = {
    ("terminal", "name"): "terminal_name",
    ("terminal", "id"): "terminal_id",
    ("terminal", "timezone"): "timezone",
    ("terminal", "region"): "region",
    ("backend", "url"): "backend_url",
    ("backend", "heartbeat_s"): "heartbeat_s",
    ("catalog", "path"): "catalog",
    ("catalog", "poll_s"): "catalog_poll_s",
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
    ("devices", "id_reader"): "id_reader",
    ("devices", "card_writer"): "card_writer",
    ("devices", "barcode_scanner"): "barcode_scanner",
    ("help", "text"): "help_text",
    ("help", "hotline"): "hotline",
    ("logging", "level"): "log_level",
}
_PATHS = {"catalog", "data_dir", "voice_model"}

_EXPECTED = {
    "bool_type": "expected true or false (a TOML boolean, no quotes)",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_type": "expected a string in quotes",
    "list_type": 'expected a list of strings, e.g. ["a", "b"]',
    "model_type": "must be a table ([section] with keys)",
    "model_attributes_type": "must be a table ([section] with keys)",
}


def _describe(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc}" if len(err["loc"]) > 1 else f"unknown section [{loc}]"
    if kind in _EXPECTED:
        what = _EXPECTED[kind]
        if kind == "model_type":
            return f"{loc} {what}"
        # "whole number" stays in the words so a technician can grep for it
        return f"{loc}: {what}, got {err['input']!r}"
    if kind == "string_pattern_mismatch":
        return f"{loc}: {_PATTERN_HINTS.get(loc, 'not a valid value')}, got {err['input']!r}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {msg}, got {err['input']!r}"


_PATTERN_HINTS = {
    "terminal.id": "expected letters, digits, '.', '_' or '-' (1-64)",
    "backend.url": "expected an http:// or https:// address",
    "admin.pin_hash": "expected a hash written by `kiosk admin set-pin`",
    "printing.queue": "expected a CUPS queue name (no spaces, '/' or '#')",
    "printing.receipt": "expected network:HOST[:PORT], usb:VID:PID, serial:DEVICE[:BAUD] or none",
}


def read_secret(path: Path) -> str:
    """The terminal secret; refused when group or others could read it (it signs every call)."""
    try:
        st = path.stat()
        if os.name != "nt" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            mode = stat.S_IMODE(st.st_mode)
            raise ConfigError(
                f"terminal.secret_file {path} is readable by other users (mode {mode:04o}); "
                f"make it private: chmod 600 {path}"
            )
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"terminal.secret_file: cannot read {path}: {exc}") from None
    if not secret:
        raise ConfigError(f"terminal.secret_file {path} is empty")
    return secret


def load_config(path: Path | None) -> Config:
    cfg = Config()
    if path is None:
        return cfg
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: {exc}") from None
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors()]
        raise ConfigError(f"config {path}: " + "; ".join(problems), problems) from None
    base = path.resolve().parent
    for (section, key), name in _KEYS.items():
        value = getattr(getattr(parsed, section), key)
        if value is None:
            continue
        if name in _PATHS:
            value = base / Path(value).expanduser()
        setattr(cfg, name, value)
    if parsed.terminal.secret_file is not None:
        try:
            cfg.secret = read_secret(base / Path(parsed.terminal.secret_file).expanduser())
        except ConfigError as exc:
            raise ConfigError(f"config {path}: {exc}") from None
    cfg.demo = not cfg.backend_url
    cfg.config_file = path
    return cfg


def start_problems(cfg: Config) -> list[str]:
    """Why a terminal (not demo mode) must not start with this config; empty: it may."""
    if cfg.demo:
        return []
    where = f" --config {cfg.config_file}" if cfg.config_file else ""
    problems = []
    if not cfg.secret:
        problems.append("the config names a backend but no terminal secret (terminal.secret_file)")
    if not cfg.admin_pin_hash:
        problems.append(
            f"no admin PIN is set (admin.pin_hash); set one with: kiosk admin set-pin{where}"
        )
    return problems


_HASH_LINE = re.compile(r"^[ \t]*pin_hash[ \t]*=.*$", re.M)
_SECTION = re.compile(r"^[ \t]*\[([^\]]+)\][ \t]*(#.*)?$", re.M)


def set_pin_hash(path: Path, pin_hash: str) -> None:
    """Write ``admin.pin_hash`` into the config file, keeping everything else as written."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f'pin_hash = "{pin_hash}"'
    sections = list(_SECTION.finditer(text))
    admin = next((i for i, m in enumerate(sections) if m.group(1).strip() == "admin"), None)
    if admin is None:
        text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + f"[admin]\n{line}\n"
    else:
        start = sections[admin].end()
        end = sections[admin + 1].start() if admin + 1 < len(sections) else len(text)
        body = text[start:end]
        if _HASH_LINE.search(body):
            body = _HASH_LINE.sub(lambda _m: line, body, count=1)
        else:
            body = "\n" + line + body
        text = text[:start] + body + text[end:]
    tmp = path.with_name(path.name + ".tmp")
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
