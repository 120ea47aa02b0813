"""The ID card reader driver, byte for byte, against the simulated reader on a pseudo-terminal."""

from __future__ import annotations

import logging
import threading
from datetime import date

import pytest

from kiosk.backend.store import demo_residents
from kiosk.devices.idcard import (
    FIND,
    READ,
    SELECT,
    CardTakenAway,
    ExpiredCard,
    FrameError,
    IdCard,
    IdCardWatcher,
    InvalidCard,
    NotAnIdCard,
    ReaderTimeout,
    ReaderUnavailable,
    ReadFailed,
    SamReader,
    UnknownAnswer,
    answer_frame,
    check_card,
    command_frame,
    decode_text,
    encode_text,
)
from kiosk.devices.idcard_sim import SimulatedIdReader, demo_card
from kiosk.privacy import mask_id

RESIDENT = demo_residents()[0]
TODAY = date(2026, 12, 2)


@pytest.fixture
def sim():
    s = SimulatedIdReader()
    yield s
    s.close()


@pytest.fixture
def reader(sim):
    r = SamReader.open(sim.port, timeout=0.5, read_timeout=1.0)
    yield r
    r.close()


def card(**kw) -> IdCard:
    c = demo_card(RESIDENT["name"], RESIDENT["id_number"])
    for k, v in kw.items():
        setattr(c, k, v)
    return c


def test_frames_are_the_bytes_readers_expect():
    # the frames published implementations send and receive, checksum included
    assert command_frame(*FIND).hex() == "aaaaaa96690003200122"
    assert command_frame(*SELECT).hex() == "aaaaaa96690003200221"
    assert command_frame(*READ).hex() == "aaaaaa96690003300132"
    assert answer_frame(0x9F, bytes(4)).hex() == "aaaaaa9669000800009f0000000097"
    assert answer_frame(0x90, bytes(8)).hex() == "aaaaaa9669000c00009000000000000000009c"
    assert answer_frame(0x80).hex() == "aaaaaa9669000400008084"
    assert answer_frame(0x41).hex() == "aaaaaa9669000400004145"


def test_text_block_is_256_bytes_of_ucs2le():
    c = card(address="河南省安阳县白璧镇东街村3组18号")
    text = encode_text(c)
    assert len(text) == 256
    assert text[:6] == "李秀英".encode("utf-16-le")
    assert text[30:32] == "2".encode("utf-16-le")  # sex code right after the 15-char name
    back = decode_text(text)
    assert (back.name, back.sex, back.nation, back.birth) == ("李秀英", "女", "汉", "19480312")
    assert back.address == "河南省安阳县白璧镇东街村3组18号"
    assert back.id_number == RESIDENT["id_number"] and back.valid_to == "长期"


def test_reads_a_placed_card_through_the_serial_port(sim, reader):
    assert reader.present() is False
    sim.place(card())
    assert reader.present() is True
    sim.received.clear()
    got = reader.read()
    assert got.name == "李秀英" and got.id_number == RESIDENT["id_number"]
    assert got.authority == "安阳县公安局" and got.valid_from == "20200101"
    assert len(got.photo) == 1024 and got.photo == card().photo
    # what went down the wire: find, select, read, nothing else
    assert sim.received == [command_frame(*FIND), command_frame(*SELECT), command_frame(*READ)]
    # a card that has been read lies halted: find fails, select still finds it
    assert reader.find() is False and reader.select() is True and reader.present() is True
    sim.remove()
    assert reader.present() is False


def test_corrupted_checksum(sim, reader):
    sim.place(card())
    sim.fault = "checksum"
    with pytest.raises(FrameError) as e:
        reader.find()
    assert "checksum" in e.value.detail and "20 01" in e.value.detail
    assert "再平放一次" in e.value.user_message
    assert reader.find() is True  # the next answer is fine again


def test_truncated_frame(sim, reader):
    sim.place(card())
    reader.find()
    reader.select()
    sim.fault = "truncate"
    with pytest.raises(FrameError) as e:
        reader.transact(READ)
    assert "cut short" in e.value.detail


def test_silent_reader(sim, reader):
    sim.silent = True
    with pytest.raises(ReaderTimeout) as e:
        reader.present()
    assert "no answer" in e.value.detail
    assert "读卡器没有响应" in e.value.user_message


def test_noise_then_an_unknown_status(sim, reader):
    sim.fault = "garbage"
    with pytest.raises(UnknownAnswer) as e:
        reader.find()
    assert "EE" in e.value.detail  # the noise before the preamble was skipped, the frame read


@pytest.mark.parametrize(
    "status, error", [(0x41, ReadFailed), (0x40, NotAnIdCard), (0x66, ReaderUnavailable)]
)
def test_status_codes_of_a_failed_read(sim, reader, status, error):
    sim.place(card())
    sim.read_status = status
    with pytest.raises(error) as e:
        reader.read()
    assert f"status {status:02X}" in e.value.detail
    assert e.value.user_message  # Chinese for the resident


def test_card_taken_away_between_find_and_select(sim, reader):
    with pytest.raises(CardTakenAway):
        reader.read()


def test_port_that_does_not_exist():
    with pytest.raises(ReaderUnavailable) as e:
        SamReader.open("/dev/ttyNOSUCH9")
    assert "/dev/ttyNOSUCH9" in e.value.detail


def test_checks_expiry_and_check_digit():
    check_card(card(), TODAY)  # 长期: fine
    check_card(card(valid_to="20261202"), TODAY)  # valid through its last day
    with pytest.raises(ExpiredCard) as e:
        check_card(card(valid_to="20261201"), TODAY)
    assert "2026年12月01日" in e.value.user_message
    assert mask_id(RESIDENT["id_number"]) in e.value.detail
    assert RESIDENT["id_number"] not in e.value.detail
    wrong = RESIDENT["id_number"][:17] + ("0" if RESIDENT["id_number"][17] != "0" else "1")
    with pytest.raises(InvalidCard) as e:
        check_card(card(id_number=wrong), TODAY)
    assert wrong not in e.value.detail
    with pytest.raises(InvalidCard):
        check_card(card(birth="19480313"), TODAY)  # the number and the birth date disagree


def test_card_never_shows_its_data_in_a_log():
    c = card()
    assert RESIDENT["id_number"] not in repr(c) and "李秀英" not in repr(c)
    c.wipe()
    assert c.id_number == "" and c.name == "" and c.photo == b""


class Events:
    def __init__(self) -> None:
        self.cards: list[IdCard] = []
        self.errors: list[Exception] = []
        self.removed = 0
        self.changed = threading.Condition()

    def card(self, c):
        with self.changed:
            self.cards.append((c.name, c.id_number))
            c.wipe()  # as the kiosk does once the backend has it
            self.changed.notify_all()

    def gone(self):
        with self.changed:
            self.removed += 1
            self.changed.notify_all()

    def error(self, exc):
        with self.changed:
            self.errors.append(exc)
            self.changed.notify_all()

    def wait(self, what, timeout=10.0):
        with self.changed:
            assert self.changed.wait_for(what, timeout), "the watcher never reported"


def watcher(sim, ev: Events) -> IdCardWatcher:
    return IdCardWatcher(
        lambda: SamReader.open(sim.port, timeout=0.3, read_timeout=1.0),
        ev.card,
        ev.gone,
        ev.error,
        interval=0.02,
        retry=0.05,
        today=lambda: TODAY,
    ).start()


def test_watcher_reads_once_per_placement_and_sees_removal(sim, caplog):
    caplog.set_level(logging.INFO)
    ev = Events()
    w = watcher(sim, ev)
    try:
        sim.place(card())
        ev.wait(lambda: ev.cards)
        assert ev.cards == [("李秀英", RESIDENT["id_number"])]
        sim.remove()
        ev.wait(lambda: ev.removed == 1)
        assert len(ev.cards) == 1  # lying there did not read it twice
        sim.place(card())
        ev.wait(lambda: len(ev.cards) == 2)
        w.rescan()  # the identify screen opened again with the card still there
        ev.wait(lambda: len(ev.cards) == 3)
        assert w.health == "ok"
    finally:
        w.stop()
    assert ev.errors == []
    assert RESIDENT["id_number"] not in caplog.text
    assert mask_id(RESIDENT["id_number"]) in caplog.text


def test_watcher_reports_an_expired_card_and_a_silent_reader_once(sim, caplog):
    ev = Events()
    w = watcher(sim, ev)
    try:
        sim.place(card(valid_to="20200101"))
        ev.wait(lambda: ev.errors)
        assert isinstance(ev.errors[0], ExpiredCard) and ev.cards == []
        sim.remove()
        ev.wait(lambda: ev.removed == 1)
        sim.silent = True
        ev.wait(lambda: len(ev.errors) == 2)
        assert isinstance(ev.errors[1], ReaderTimeout)
        assert w.health != "ok"
        sim.silent = False
        sim.place(card())
        ev.wait(lambda: ev.cards)  # it came back by itself
        assert len(ev.errors) == 2  # the outage was told once, not at every poll
    finally:
        w.stop()
    assert RESIDENT["id_number"] not in caplog.text
