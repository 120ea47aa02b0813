"""A simulated ID card reader on a pseudo-terminal: the driver talks to it through pyserial
exactly as to a reader behind a USB-serial adapter, so tests and demo mode run the real driver."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty

from kiosk.devices.idcard import (
    FIND,
    FOUND,
    LONG_TERM,
    NO_CARD,
    OK,
    PHOTO_LEN,
    PREAMBLE,
    READ,
    READ_FAILED,
    SAM_STATUS,
    SELECT,
    SELECT_FAILED,
    TEXT_LEN,
    IdCard,
    answer_frame,
    checksum,
    encode_text,
)


class SimulatedIdReader:
    """A reader on a pseudo-terminal (``port`` is its device path) that answers GA 467 frames
    byte for byte, like the real one behind a USB-serial adapter. ``place``/``remove`` a card;
    ``fault`` damages the next answer: "checksum", "truncate", "silent" or "garbage";
    ``read_status`` (e.g. 0x41) is what the next read answers; ``silent = True`` plays an
    unplugged reader.
    """

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no line discipline: 0x0A, 0x11 and 0x03 are plain bytes
        tty.setraw(self._master)
        self.port = os.ttyname(self._slave)
        self.fault: str | None = None
        self.read_status: int | None = None
        self.silent = False
        self.received: list[bytes] = []  # command frames as they arrived, for tests
        self._card: IdCard | None = None
        self._fresh = False  # placed and not yet read: find answers 9F
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sim-id-reader", daemon=True)
        self._thread.start()

    def place(self, card: IdCard) -> None:
        with self._lock:
            self._card, self._fresh = card, True

    def remove(self) -> None:
        with self._lock:
            self._card, self._fresh = None, False

    @property
    def has_card(self) -> bool:
        return self._card is not None

    def close(self) -> None:
        self._closed.set()
        self._thread.join(2)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _serve(self) -> None:
        buf = bytearray()
        while not self._closed.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.25)  # wakes to see close()
            if not ready:
                continue
            try:
                buf += os.read(self._master, 4096)
            except OSError:
                return
            while True:
                start = buf.find(PREAMBLE)
                if start < 0:
                    del buf[: max(0, len(buf) - len(PREAMBLE) + 1)]
                    break
                del buf[:start]
                if len(buf) < 7:
                    break
                n = int.from_bytes(buf[5:7], "big")
                if len(buf) < 7 + n:
                    break
                raw = bytes(buf[: 7 + n])
                del buf[: 7 + n]
                self.received.append(raw)
                reply = self._answer(raw)
                if reply:
                    os.write(self._master, reply)

    def _answer(self, raw: bytes) -> bytes:
        head, body, chk = raw[5:7], raw[7:-1], raw[-1]
        fault, self.fault = self.fault, None
        if self.silent or fault == "silent":
            return b""
        if checksum(head + body) != chk:
            reply = answer_frame(0x10)
        elif len(body) != 2:
            reply = answer_frame(0x11)
        else:
            reply = self._command((body[0], body[1]))
        if fault == "checksum":
            reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        elif fault == "truncate":
            reply = reply[: len(reply) // 2]
        elif fault == "garbage":  # noise on the line, then a status no reader sends
            reply = b"\x00\x13\x37" + answer_frame(0xEE)
        return reply

    def _command(self, cmd: tuple[int, int]) -> bytes:
        with self._lock:
            card, fresh = self._card, self._fresh
            if cmd == SAM_STATUS:
                return answer_frame(OK)
            if cmd == FIND:
                return answer_frame(FOUND, bytes(4)) if card and fresh else answer_frame(NO_CARD)
            if cmd == SELECT:
                return answer_frame(OK, bytes(8)) if card else answer_frame(SELECT_FAILED)
            if cmd == READ:
                status, self.read_status = self.read_status, None
                if status is not None:
                    return answer_frame(status)
                if not card:
                    return answer_frame(READ_FAILED)
                self._fresh = False
                photo = card.photo.ljust(PHOTO_LEN, b"\x00")[:PHOTO_LEN]
                lengths = TEXT_LEN.to_bytes(2, "big") + PHOTO_LEN.to_bytes(2, "big")
                return answer_frame(OK, lengths + encode_text(card) + photo)
        return answer_frame(0x21)


def demo_card(name: str, id_number: str, address: str = "", valid_to: str = "") -> IdCard:
    """A card for a demo resident: the real fields a card holds, a dummy photo block."""
    sex = "1" if int(id_number[16]) % 2 else "2"
    return IdCard(
        name=name,
        sex_code=sex,
        nation_code="01",
        birth=id_number[6:14],
        address=address or "河南省安阳县白璧镇东街村",
        id_number=id_number,
        authority="安阳县公安局",
        valid_from="20200101",
        valid_to=valid_to or LONG_TERM,
        photo=bytes((i * 7) & 0xFF for i in range(PHOTO_LEN)),
    )
