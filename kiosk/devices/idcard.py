"""Second-generation resident ID card reader (二代证阅读器) over a serial port, and a simulated
reader that speaks the same bytes on a pseudo-terminal (idcard_sim.py).

The reader's security module (SAM_A, GA 467) speaks frames:

    command: AA AA AA 96 69 | LEN1 LEN2 | CMD PARA [DATA] | CHK
    answer:  AA AA AA 96 69 | LEN1 LEN2 | SW1 SW2 SW3 [DATA] | CHK

LEN (big-endian) counts everything after itself, CHK included; CHK is the XOR of every byte
between the preamble and itself. SW3 is the status: 90 done, 9F card found, 80 no card, 81
select failed, 41 read failed, and the others in ``STATUS``. Reading a card is find (20 01),
select (20 02), read (30 01); the read answer's data is the text length and photo length (2 bytes
each, big-endian), the 256-byte text block (UCS-2LE, fixed-width fields padded with spaces) and
the 1,024-byte photo (wlt, encrypted by the card; kept in memory only, never written anywhere).

A card that has been read stays halted: find answers 80 while it lies there, select still
answers 90. So "a card is present" is find-or-select, and removal is both failing twice in a row.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from kiosk.errors import KioskError
from kiosk.privacy import mask_id, mask_name, valid_id_number

log = logging.getLogger(__name__)

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
SAM_STATUS = (0x11, 0xFF)
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)
MAX_LEN = 0x1000  # longest answer we accept (base read: 0x0508; with fingerprint: 0x0908)
TEXT_LEN, PHOTO_LEN = 256, 1024
DEFAULT_BAUD = 115200

OK, FOUND, NO_CARD, SELECT_FAILED, READ_FAILED = 0x90, 0x9F, 0x80, 0x81, 0x41
STATUS = {
    0x90: "操作成功",
    0x91: "居民身份证中无此项内容",
    0x9F: "寻找居民身份证成功",
    0x10: "接收业务终端数据的校验和错",
    0x11: "接收业务终端数据的长度错",
    0x21: "接收业务终端的命令错误",
    0x23: "越权操作",
    0x24: "无法识别的错误",
    0x31: "居民身份证认证SAM_A失败",
    0x32: "SAM_A认证居民身份证失败",
    0x33: "信息验证失败",
    0x37: "指纹信息验证错误",
    0x3F: "信息长度错误",
    0x40: "无法识别的居民身份证类型",
    0x41: "读居民身份证操作失败",
    0x47: "取随机数失败",
    0x60: "SAM_A自检失败，不能接收命令",
    0x66: "SAM_A没经过授权，无法使用",
    0x80: "寻找居民身份证失败",
    0x81: "选取居民身份证失败",
}

# the text block: (field, width in characters); 18 reserved characters follow
TEXT_FIELDS = (
    ("name", 15),
    ("sex_code", 1),
    ("nation_code", 2),
    ("birth", 8),
    ("address", 35),
    ("id_number", 18),
    ("authority", 15),
    ("valid_from", 8),
    ("valid_to", 8),
)
SEX = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
# fmt: off
NATIONS = (  # GB 3304 codes 01-56, in order
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶",
    "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水",
    "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南",
    "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂",
    "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
# fmt: on
LONG_TERM = "长期"


# ----- errors: each one a sentence for the resident and a line for the technician -----


class ReaderProblem(KioskError):
    area = "id_reader"


class ReaderTimeout(ReaderProblem):
    """The reader did not answer at all (unplugged, powered off, wrong port or baud)."""

    def __init__(self, detail: str) -> None:
        super().__init__("身份证读卡器没有响应，请用手机号验证，或到服务台办理", detail)


class ReaderUnavailable(ReaderProblem):
    """The port cannot be opened, or the security module refuses to work."""

    def __init__(self, detail: str) -> None:
        super().__init__("身份证读卡器暂时不能使用，请用手机号验证，或到服务台办理", detail)


class FrameError(ReaderProblem):
    """An answer that arrived damaged: wrong checksum, cut short, impossible length."""

    def __init__(self, detail: str) -> None:
        super().__init__("没有读清楚，请把身份证拿开，再平放一次", detail)


class UnknownAnswer(ReaderProblem):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "读卡器的回答无法识别，请把身份证拿开再放一次；仍不行请用手机号验证", detail
        )


class ReadFailed(ReaderProblem):
    def __init__(self, detail: str) -> None:
        super().__init__("没能读出身份证信息，请把身份证拿开，再平放一次", detail)


class CardTakenAway(ReaderProblem):
    def __init__(self, detail: str) -> None:
        super().__init__("身份证拿开得太早了，请再放一次，听到“嘀”声后再拿开", detail)


class NotAnIdCard(ReaderProblem):
    def __init__(self, detail: str) -> None:
        super().__init__("这张卡不是第二代居民身份证，请放本人的身份证", detail)


class InvalidCard(ReaderProblem):
    def __init__(self, detail: str) -> None:
        super().__init__("身份证信息核验没有通过，请重新放一次；仍不行请到服务台办理", detail)


class ExpiredCard(ReaderProblem):
    def __init__(self, valid_to: str, detail: str) -> None:
        when = f"{valid_to[:4]}年{valid_to[4:6]}月{valid_to[6:8]}日"
        super().__init__(f"这张身份证已于{when}过期，请使用有效的身份证，或用手机号验证", detail)


def _status_error(status: int, what: str) -> ReaderProblem:
    text = f"{what}: status {status:02X} {STATUS.get(status, '(not in GA 467)')}"
    if status in (0x10, 0x11, 0x21, 0x24, 0x3F):
        return FrameError(text)  # the module received our command damaged
    if status in (0x23, 0x60, 0x66):
        return ReaderUnavailable(text)
    if status == 0x40:
        return NotAnIdCard(text)
    if status in (0x31, 0x32, 0x33, 0x37, 0x41, 0x47):
        return ReadFailed(text)
    if status in (NO_CARD, SELECT_FAILED):
        return CardTakenAway(text)
    return UnknownAnswer(text)


# ----- frames -----


def checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def frame(body: bytes) -> bytes:
    """Wrap ``body`` (CMD PARA DATA, or SW1 SW2 SW3 DATA) in preamble, length and checksum."""
    head = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def command_frame(cmd: int, para: int, data: bytes = b"") -> bytes:
    return frame(bytes([cmd, para]) + data)


def answer_frame(status: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return frame(bytes([sw1, sw2, status]) + data)


def read_frame(port, timeout: float, junk_limit: int = 4096) -> bytes:
    """Read one frame from a pyserial-like ``port``; return its body (without checksum).

    Bytes before the preamble are skipped (line noise, the tail of an earlier answer). Nothing
    at all before ``timeout``: ReaderTimeout. A frame started and not finished, an impossible
    length or a wrong checksum: FrameError."""
    deadline = time.monotonic() + timeout
    seen = bytearray()

    def take(n: int) -> bytes:
        # the port's own timeout is a short slice (SamReader.open: 50 ms); the deadline is ours
        out = bytearray()
        while len(out) < n and time.monotonic() < deadline:
            out += port.read(n - len(out))
        return bytes(out)

    while not seen.endswith(PREAMBLE):
        b = take(1)
        if not b:
            if not seen:
                raise ReaderTimeout(f"no answer within {timeout:.1f} s")
            raise FrameError(f"answer cut short after {len(seen)} bytes, no complete preamble")
        seen += b
        if len(seen) > junk_limit + len(PREAMBLE):
            raise UnknownAnswer(f"{len(seen)} bytes without a frame preamble")
    head = take(2)
    if len(head) < 2:
        raise FrameError("answer cut short in its length field")
    n = int.from_bytes(head, "big")
    if not 2 <= n <= MAX_LEN:
        raise FrameError(f"impossible frame length {n}")
    rest = take(n)
    if len(rest) < n:
        raise FrameError(f"answer cut short: {len(rest)} of {n} bytes")
    body, chk = rest[:-1], rest[-1]
    if checksum(head + body) != chk:
        raise FrameError(f"checksum {chk:02X}, computed {checksum(head + body):02X}")
    return body


# ----- the card -----


@dataclass(repr=False, eq=False)
class IdCard:
    """What the card holds. Personal data: never logged unmasked, dropped after identifying."""

    name: str
    sex_code: str
    nation_code: str
    birth: str  # YYYYMMDD
    address: str
    id_number: str
    authority: str
    valid_from: str  # YYYYMMDD
    valid_to: str  # YYYYMMDD or 长期
    photo: bytes = field(default=b"")  # wlt as read; decoding it needs the licensed library

    @property
    def sex(self) -> str:
        return SEX.get(self.sex_code, "未知")

    @property
    def nation(self) -> str:
        i = int(self.nation_code) if self.nation_code.isdigit() else 0
        return (
            NATIONS[i - 1]
            if 1 <= i <= len(NATIONS)
            else {97: "其他", 98: "外国血统"}.get(i, "未知")
        )

    def expired(self, today: date) -> bool:
        if self.valid_to == LONG_TERM:
            return False
        return self.valid_to < today.strftime("%Y%m%d")

    def __repr__(self) -> str:  # safe in a log line or a traceback
        return f"IdCard({mask_name(self.name)}, {mask_id(self.id_number)})"

    def wipe(self) -> None:
        """Forget everything personal (the session ended, or the backend has what it needs)."""
        for f, _ in TEXT_FIELDS:
            setattr(self, f, "")
        self.photo = b""


def encode_text(card: IdCard) -> bytes:
    """The 256-byte text block as the card stores it (used by the simulated reader)."""
    out = bytearray()
    for name, width in TEXT_FIELDS:
        value = getattr(card, name)
        if len(value) > width:
            raise ValueError(f"{name} longer than {width} characters")
        out += value.ljust(width).encode("utf-16-le")
    return bytes(out) + " ".encode("utf-16-le") * ((TEXT_LEN - len(out)) // 2)


def decode_text(text: bytes, photo: bytes = b"") -> IdCard:
    if len(text) < sum(w for _, w in TEXT_FIELDS) * 2:
        raise UnknownAnswer(f"text block of {len(text)} bytes")
    try:
        values, at = {}, 0
        for name, width in TEXT_FIELDS:
            values[name] = text[at : at + 2 * width].decode("utf-16-le").strip(" \x00")
            at += 2 * width
    except UnicodeDecodeError as exc:
        raise UnknownAnswer(f"text block not UCS-2: {exc.reason}") from None
    return IdCard(**values, photo=photo)


def check_card(card: IdCard, today: date) -> None:
    """A card the kiosk may identify with: a well-formed number with the right check digit,
    agreeing with the birth date, and not expired. The log line carries the number masked."""
    who = mask_id(card.id_number)
    if not valid_id_number(card.id_number) or card.id_number[6:14] != card.birth:
        raise InvalidCard(f"card {who}: ID number check digit or birth date does not agree")
    if card.valid_to != LONG_TERM and not (len(card.valid_to) == 8 and card.valid_to.isdigit()):
        raise InvalidCard(f"card {who}: validity end {card.valid_to!r} is not a date")
    if card.expired(today):
        raise ExpiredCard(card.valid_to, f"card {who} expired on {card.valid_to}")


# ----- the driver -----


class SamReader:
    """The reader's security module over a pyserial-like port (``read`` returning within a
    short timeout, ``write``, ``reset_input_buffer``). Implements kiosk.devices.IdReader."""

    def __init__(self, port, name: str = "", timeout: float = 1.0, read_timeout: float = 3.0):
        self.port = port
        self.name = name or getattr(port, "port", "") or "id reader"
        self.timeout = timeout
        self.read_timeout = read_timeout  # the read answer is 1,295 bytes plus the card's RF time

    @classmethod
    def open(cls, device: str, baud: int = DEFAULT_BAUD, **kw) -> SamReader:
        import serial  # pyserial: USB-serial adapters (/dev/ttyUSB0, /dev/ttyACM0) and COM ports

        try:
            port = serial.Serial(device, baud, timeout=0.05, write_timeout=1.0)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ReaderUnavailable(f"{device}: cannot open: {exc}") from None
        return cls(port, name=device, **kw)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.port.close()

    def transact(self, cmd: tuple[int, int], timeout: float | None = None) -> tuple[int, bytes]:
        """Send one command, return (status, data) of its answer."""
        what = f"{self.name} {cmd[0]:02X} {cmd[1]:02X}"
        try:
            self.port.reset_input_buffer()  # a late answer to an earlier command is not ours
            self.port.write(command_frame(*cmd))
            body = read_frame(self.port, self.timeout if timeout is None else timeout)
        except ReaderProblem as exc:
            exc.detail = f"{what}: {exc.detail}"
            raise
        except (OSError, ValueError) as exc:  # pyserial's SerialException is an OSError
            raise ReaderUnavailable(f"{what}: {type(exc).__name__}: {exc}") from None
        if len(body) < 3:
            raise UnknownAnswer(f"{what}: answer of {len(body)} bytes has no status")
        return body[2], bytes(body[3:])

    def sam_status(self) -> None:
        status, _ = self.transact(SAM_STATUS)
        if status != OK:
            raise _status_error(status, f"{self.name} SAM status")

    def find(self) -> bool:
        status, _ = self.transact(FIND)
        if status in (FOUND, OK):
            return True
        if status == NO_CARD:
            return False
        raise _status_error(status, f"{self.name} find card")

    def select(self) -> bool:
        status, _ = self.transact(SELECT)
        if status == OK:
            return True
        if status in (SELECT_FAILED, NO_CARD):
            return False
        raise _status_error(status, f"{self.name} select card")

    def present(self) -> bool:
        return self.find() or self.select()

    def read(self) -> IdCard:
        """Find (if the card is not halted already), select, read base information."""
        self.find()
        if not self.select():
            raise CardTakenAway(f"{self.name}: select failed after the card was found")
        status, data = self.transact(READ, self.read_timeout)
        if status != OK:
            raise _status_error(status, f"{self.name} read")
        if len(data) < 4:
            raise UnknownAnswer(f"{self.name} read: {len(data)} data bytes")
        text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
        if text_len != TEXT_LEN or len(data) < 4 + text_len + photo_len:
            raise UnknownAnswer(
                f"{self.name} read: text {text_len}, photo {photo_len}, {len(data)} data bytes"
            )
        text, photo = data[4 : 4 + text_len], data[4 + text_len : 4 + text_len + photo_len]
        return decode_text(text, photo)


# ----- the watcher: polls on a worker thread -----


class IdCardWatcher:
    """Polls an IdReader on its own thread and calls back (on that thread; a UI marshals):
    ``on_card(card)`` once per placed card that passed the checks, ``on_removed()`` when it is
    taken away, ``on_error(exc)`` with a ReaderProblem whose ``user_message`` is for the
    resident. A reader that stops answering is reported once, retried every few seconds, and
    reopened through ``opener`` (USB adapters come back under the same name)."""

    def __init__(
        self,
        opener: Callable[[], object],
        on_card: Callable[[IdCard], None],
        on_removed: Callable[[], None] = lambda: None,
        on_error: Callable[[ReaderProblem], None] = lambda exc: None,
        *,
        interval: float = 0.3,
        retry: float = 3.0,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.opener = opener
        self.on_card, self.on_removed, self.on_error = on_card, on_removed, on_error
        self.interval, self.retry, self.today = interval, retry, today
        self.health = "starting"  # ok / the last problem's detail, for selfcheck and heartbeat
        self._reader = None
        self._stop = threading.Event()
        self._rescan = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> IdCardWatcher:
        self._thread = threading.Thread(target=self._run, name="id-reader", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def rescan(self) -> None:
        """Read a card that is already lying on the reader again (the identify screen opened)."""
        self._rescan.set()

    def _problem(self, exc: ReaderProblem) -> None:
        log.warning("id reader: %s", exc.detail)  # details never carry an unmasked number
        self.on_error(exc)

    def _run(self) -> None:
        present, misses, down = False, 0, False
        while not self._stop.is_set():
            if self._rescan.is_set():
                self._rescan.clear()
                present, misses = False, 0
            try:
                if self._reader is None:
                    self._reader = self.opener()
                if not present:
                    if self._reader.present():
                        present, misses = True, 0
                        card = self._reader.read()
                        try:
                            check_card(card, self.today())
                            log.info("id card read: %s", mask_id(card.id_number))
                            self.on_card(card)
                        except ReaderProblem:
                            card.wipe()
                            raise
                elif self._reader.present():
                    misses = 0
                else:
                    misses += 1
                    if misses >= 2:  # one failed poll can be RF noise
                        present, misses = False, 0
                        self.on_removed()
                if down:
                    log.info("id reader answers again")
                down, self.health = False, "ok"
            except (ReaderTimeout, ReaderUnavailable) as exc:
                # the reader is gone, not the card: say it once, then keep trying quietly
                self.health = exc.detail
                if not down:
                    self._problem(exc)
                down = True
                present = False
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None
                self._stop.wait(self.retry)
                continue
            except ReaderProblem as exc:
                # a problem with this card or this answer: tell the resident; the card has to
                # be lifted (present stays True) before it is read again
                self._problem(exc)
                present, misses = True, 0
            except Exception as exc:  # a bug must not kill the thread silently
                log.exception("id reader watcher: unexpected %s", type(exc).__name__)
                self.health = f"{type(exc).__name__}"
                self._stop.wait(self.retry)
                continue
            self._stop.wait(self.interval)
