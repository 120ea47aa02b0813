"""One error family for the kiosk: ``user_message`` for the resident, ``detail`` for the log.

Backend, card, audio, printer and catalog errors each grew their own attribute (``message``,
``reason``, ``summary``). New code raises a ``KioskError`` subclass; code that shows or logs an
error asks ``user_message(exc)`` / ``detail(exc)``, which understand the older shapes too, so that
a screen never needs to know which part failed.
"""

from __future__ import annotations

from kiosk.privacy import scrub

DEFAULT_MESSAGE = "出了点问题，请再试一次；如急需办理，请到人工窗口"


class KioskError(Exception):
    """Base of the kiosk's own errors. ``user_message`` is plain Chinese fit for a resident;
    ``detail`` is for the technician's log and never carries unmasked personal data."""

    area = "kiosk"  # backend / card / audio / printer / catalog / session

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(detail or user_message)
        self.user_message = user_message
        self.detail = detail

    @property
    def message(self) -> str:  # the older name, still read by some screens
        return self.user_message

    @message.setter
    def message(self, value: str) -> None:
        self.user_message = value


class BackendProblem(KioskError):
    area = "backend"


class CardProblem(KioskError):
    area = "card"


class AudioProblem(KioskError):
    area = "audio"


class PrinterProblem(KioskError):
    area = "printer"


class CatalogProblem(KioskError):
    area = "catalog"


def user_message(exc: BaseException, default: str = DEFAULT_MESSAGE) -> str:
    """What the resident is told about ``exc``, whichever part raised it."""
    for attr in ("user_message", "message", "reason"):
        value = getattr(exc, attr, None)
        if isinstance(value, str) and value:
            return value
    return default


def detail(exc: BaseException) -> str:
    """One line for the log: the error's type and its detail, personal numbers masked."""
    text = getattr(exc, "detail", "") or getattr(exc, "summary", "") or str(exc)
    return scrub(f"{type(exc).__name__}: {text}")[:500]


def area(exc: BaseException) -> str:
    """Which part failed, for the header and the technician: backend, card, audio ..."""
    own = getattr(exc, "area", None)
    if isinstance(own, str):
        return own
    module = type(exc).__module__
    for prefix, name in (
        ("kiosk.backend", "backend"),
        ("kiosk.topup", "card"),
        ("voice", "audio"),
        ("printing", "printer"),
        ("kiosk.catalog", "catalog"),
    ):
        if module.startswith(prefix):
            return name
    return "kiosk"
