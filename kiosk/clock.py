"""Local time from config: what the resident sees on screen and on paper.

The machine's clock zone is whatever the image was built with (often UTC); the terminal's
``timezone`` key (default Asia/Shanghai) decides the time people read. ``tzdata`` is a dependency,
so zone names work on Windows too.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"
_configured = {"name": DEFAULT_TZ}  # set once at start from config (set_zone)


@lru_cache(maxsize=8)
def zone(name: str | None = None) -> tzinfo:
    """The named zone; an unknown name raises ValueError (config validation calls this)."""
    try:
        return ZoneInfo(name or _configured["name"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Shanghai)") from exc


def set_zone(name: str) -> None:
    """The terminal's zone for callers that have no config at hand (documents, widgets)."""
    zone(name)  # refuse an unknown name here, not at the first print
    _configured["name"] = name


def _zone_of(cfg) -> tzinfo:
    return zone(getattr(cfg, "timezone", None) if cfg is not None else _configured["name"])


def now_local(cfg=None) -> datetime:
    """Aware 'now' in the terminal's zone (``cfg`` is a Config or anything with ``timezone``)."""
    return datetime.now(_zone_of(cfg))


def to_local(dt: datetime, cfg=None) -> datetime:
    """An aware datetime in the terminal's zone; a naive one is taken as UTC."""
    from datetime import UTC

    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(_zone_of(cfg))


def format_local(dt: datetime | None = None, cfg=None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """What is printed: ``2026-12-02 08:42`` in the terminal's zone (now when ``dt`` is None)."""
    return (now_local(cfg) if dt is None else to_local(dt, cfg)).strftime(fmt)
