"""Audio in 16 kHz mono int16 chunks, from a microphone (sounddevice) or a WAV file, behind one
interface so that tests and demos feed files."""

from __future__ import annotations

import queue
import threading
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

RATE = 16_000
CHUNK = 1_600  # 0.1 s


class AudioUnavailable(Exception):
    """No microphone, no PortAudio, or a file that is not 16-bit PCM WAV. ``reason`` is Chinese
    fit for the screen."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class AudioSource(Protocol):
    def chunks(self) -> Iterator[bytes]: ...

    def stop(self) -> None: ...


def level(chunk: bytes) -> float:
    """0..1 loudness for the level meter (RMS against a comfortable speaking level)."""
    samples = np.frombuffer(chunk, dtype=np.int16)
    if samples.size == 0:
        return 0.0
    rms = float(np.sqrt(np.mean(samples.astype(np.float32) ** 2)))
    return min(1.0, rms / 6000.0)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Linear-interpolation resampling to 16 kHz (enough for speech recognition)."""
    if rate == RATE:
        return samples
    n_out = round(len(samples) * RATE / rate)
    x_old = np.arange(len(samples), dtype=np.float64)
    x_new = np.linspace(0, len(samples) - 1, n_out)
    return np.interp(x_new, x_old, samples.astype(np.float64)).astype(np.int16)


def read_wav(path: Path) -> np.ndarray:
    """16-bit PCM WAV of any common rate and channel count -> 16 kHz mono int16."""
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioUnavailable("不是可用的录音文件", f"{path}: {exc}") from None
    if width != 2:
        raise AudioUnavailable("不是可用的录音文件", f"{path}: {8 * width}-bit, need 16-bit PCM")
    samples = np.frombuffer(frames, dtype=np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return resample(samples, rate)


class WavSource:
    def __init__(self, path: Path, realtime: bool = False) -> None:
        self.samples = read_wav(path)
        self.realtime = realtime
        self._stop = threading.Event()

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def chunks(self) -> Iterator[bytes]:
        for i in range(0, len(self.samples), CHUNK):
            if self._stop.is_set():
                return
            if self.realtime:
                self._stop.wait(CHUNK / RATE)
            yield self.samples[i : i + CHUNK].tobytes()

    def stop(self) -> None:
        self._stop.set()


class MicSource:
    """The kiosk's microphone through PortAudio: a callback fills a queue, ``chunks`` drains it."""

    def __init__(self, device: int | str | None = None) -> None:
        try:
            import sounddevice as sd
        except OSError as exc:  # libportaudio2 missing
            raise AudioUnavailable("语音设备未安装", str(exc)) from None
        self._q: queue.Queue[bytes | None] = queue.Queue()
        try:
            self._stream = sd.RawInputStream(
                samplerate=RATE,
                blocksize=CHUNK,
                device=device,
                channels=1,
                dtype="int16",
                callback=self._callback,
            )
        except Exception as exc:  # no device, device busy, unsupported rate ...
            raise AudioUnavailable("没有找到麦克风", str(exc)) from None

    def _callback(self, data, frames, time, status) -> None:  # PortAudio's thread
        self._q.put(bytes(data))

    def chunks(self) -> Iterator[bytes]:
        self._stream.start()
        try:
            while True:
                chunk = self._q.get()
                if chunk is None:
                    return
                yield chunk
        finally:
            self._stream.stop()
            self._stream.close()

    def stop(self) -> None:
        self._q.put(None)


def microphone_status() -> str:
    """'' when a microphone can be opened, else the reason in Chinese."""
    try:
        import sounddevice as sd
    except OSError:
        return "语音设备未安装"
    try:
        sd.check_input_settings(samplerate=RATE, channels=1, dtype="int16")
    except Exception:
        return "没有找到麦克风"
    return ""
